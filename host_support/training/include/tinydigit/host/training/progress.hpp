// A per-epoch progress display on stderr: one line redrawn in place on a terminal, full lines
// in a log file (each tenth of the epoch, and at least every 20 s).
#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>

namespace tinydigit::trainer {

struct ProgressState {
    int epoch = 1;   // 1-based
    int epochs = 1;
    std::size_t done = 0;   // images processed so far this epoch, 0..total
    std::size_t total = 0;  // images in the epoch
    double elapsed_s = 0;   // since the epoch started
    double loss = 0;        // running mean over the epoch so far
    double accuracy = 0;    // running fraction correct, 0..1
};

// One display line, e.g.
//   "epoch  3/30 [=======>............]  12345/54000  22.9%  0:31<1:44  loss 0.1234  acc 96.12%  398 img/s"
// The ETA and rate show "--:--" and "-" until some images are done; total 0 shows 100 %.
std::string format_progress(const ProgressState& state);

class EpochProgress {
public:
    // Seconds on a monotonic clock (injectable for tests).
    using Clock = std::function<double()>;

    // Reports on `out` (stderr by default); `interactive` is whether it is a terminal.
    EpochProgress(int epoch, int epochs, std::size_t total_images, std::FILE* out = stderr);
    // As above with the mode and the clock chosen by the caller.
    EpochProgress(int epoch, int epochs, std::size_t total_images, std::FILE* out, bool interactive, Clock clock);

    // Call after every batch (done is cumulative, 0..total). Interactive: redraws the line
    // with '\r' at most 10 times a second. Otherwise: prints a full line each time another
    // tenth of the epoch (10 %..90 %) is done, and at least every 20 s however slow it is.
    void update(std::size_t done, double running_loss, double running_accuracy);

    // Prints the epoch's final line (all images done) and ends it with a newline.
    void finish(double loss, double accuracy);

private:
    void draw(const ProgressState& state, bool final_line);

    ProgressState state_;
    std::FILE* out_;
    bool interactive_;
    Clock clock_;
    double start_s_;
    double last_draw_s_ = -1.0;
    std::size_t last_tenth_ = 0;
};

}  // namespace tinydigit::trainer
