#include "tinydigit/host/training/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace tinydigit::trainer {

namespace {

constexpr int kBarWidth = 20;
constexpr double kRedrawInterval_s = 0.1;
// In a log, a slow epoch (an AVX2 laptop, a shared CI runner) still shows it is alive this often.
constexpr double kLogInterval_s = 20.0;

std::string clock_text(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "--:--";
    const auto s = static_cast<long long>(seconds + 0.5);
    char buffer[32];
    if (s >= 3600)
        std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buffer, sizeof buffer, "%lld:%02lld", s / 60, s % 60);
    return buffer;
}

double steady_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string format_progress(const ProgressState& s) {
    const double fraction = s.total == 0 ? 1.0 : std::min(1.0, static_cast<double>(s.done) / static_cast<double>(s.total));
    const int filled = static_cast<int>(fraction * kBarWidth);
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < kBarWidth) bar += '>' + std::string(static_cast<std::size_t>(kBarWidth - filled - 1), '.');

    const bool started = s.done > 0 && s.elapsed_s > 0;
    const double rate = started ? static_cast<double>(s.done) / s.elapsed_s : 0.0;
    const double eta = started ? static_cast<double>(s.total - std::min(s.done, s.total)) / rate : -1.0;
    const int epoch_digits = static_cast<int>(std::to_string(s.epochs).size());
    const int count_digits = static_cast<int>(std::to_string(s.total).size());

    char buffer[256];
    std::snprintf(buffer, sizeof buffer, "epoch %*d/%d [%s] %*zu/%zu %5.1f%%  %s<%s  loss %.4f  acc %.2f%%  ",
                  epoch_digits, s.epoch, s.epochs, bar.c_str(), count_digits, s.done, s.total, 100.0 * fraction,
                  clock_text(s.elapsed_s).c_str(), clock_text(eta).c_str(), s.loss, 100.0 * s.accuracy);
    std::string line = buffer;
    if (started)
        line += std::to_string(static_cast<long long>(std::lround(rate))) + " img/s";
    else
        line += "- img/s";
    return line;
}

EpochProgress::EpochProgress(int epoch, int epochs, std::size_t total_images, std::FILE* out)
    : EpochProgress(epoch, epochs, total_images, out, ::isatty(::fileno(out)) == 1, steady_seconds) {}

EpochProgress::EpochProgress(int epoch, int epochs, std::size_t total_images, std::FILE* out, bool interactive,
                             Clock clock)
    : out_(out), interactive_(interactive), clock_(std::move(clock)), start_s_(clock_()) {
    state_.epoch = epoch;
    state_.epochs = epochs;
    state_.total = total_images;
}

void EpochProgress::update(std::size_t done, double running_loss, double running_accuracy) {
    const double now = clock_();
    state_.done = done;
    state_.loss = running_loss;
    state_.accuracy = running_accuracy;
    state_.elapsed_s = now - start_s_;
    if (interactive_) {
        if (last_draw_s_ >= 0 && now - last_draw_s_ < kRedrawInterval_s) return;
        last_draw_s_ = now;
        draw(state_, false);
        return;
    }
    if (done >= state_.total) return;  // finish() prints the last line
    const std::size_t tenth = done * 10 / state_.total;
    const double since_line = now - (last_draw_s_ >= 0 ? last_draw_s_ : start_s_);
    if (tenth > last_tenth_ || since_line >= kLogInterval_s) {
        last_tenth_ = tenth;
        last_draw_s_ = now;
        draw(state_, false);
    }
}

void EpochProgress::finish(double loss, double accuracy) {
    state_.done = state_.total;
    state_.loss = loss;
    state_.accuracy = accuracy;
    state_.elapsed_s = clock_() - start_s_;
    draw(state_, true);
}

void EpochProgress::draw(const ProgressState& state, bool final_line) {
    const std::string line = format_progress(state);
    if (interactive_)
        // "\x1b[K" clears what a longer previous line left at the end.
        std::fprintf(out_, "\r%s\x1b[K%s", line.c_str(), final_line ? "\n" : "");
    else
        std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
}

}  // namespace tinydigit::trainer
