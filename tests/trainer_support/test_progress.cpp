#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "tinydigit/host/training/progress.hpp"

using namespace tinydigit::trainer;

namespace {

struct Capture {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{std::tmpfile(), &std::fclose};
    std::string text() const {
        std::fflush(file.get());
        std::rewind(file.get());
        std::string s;
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0;) s.append(buffer, n);
        return s;
    }
};

}  // namespace

TEST_CASE("the progress line shows counts, percent, elapsed, ETA, loss, accuracy and rate") {
    ProgressState s;
    s.epoch = 3;
    s.epochs = 30;
    s.done = 13500;
    s.total = 54000;
    s.elapsed_s = 33.75;  // 400 img/s, 40500 left -> 101.25 s
    s.loss = 0.123449;
    s.accuracy = 0.9613;
    CHECK(format_progress(s) ==
          "epoch  3/30 [=====>..............] 13500/54000  25.0%  0:34<1:41  loss 0.1234  acc 96.13%  400 img/s");
    s.done = 0;
    s.elapsed_s = 0;
    CHECK(format_progress(s) ==
          "epoch  3/30 [>...................]     0/54000   0.0%  0:00<--:--  loss 0.1234  acc 96.13%  - img/s");
    s.done = 54000;
    s.elapsed_s = 3725;
    CHECK(format_progress(s).find("[====================] 54000/54000 100.0%  1:02:05<0:00") != std::string::npos);
}

TEST_CASE("on a terminal the line is redrawn in place at most ten times a second") {
    Capture out;
    double now = 100.0;
    EpochProgress progress(1, 5, 1000, out.file.get(), true, [&] { return now; });
    for (int batch = 1; batch <= 100; ++batch) {  // 100 batches over 1 s of fake time
        now += 0.01;
        progress.update(static_cast<std::size_t>(batch) * 10, 0.5, 0.8);
    }
    progress.finish(0.4, 0.85);
    const std::string text = out.text();
    const auto redraws = std::count(text.begin(), text.end(), '\r');
    CHECK(redraws >= 10);
    CHECK(redraws <= 12);
    CHECK(std::count(text.begin(), text.end(), '\n') == 1);
    CHECK(text.back() == '\n');
    CHECK(text.find("1000/1000 100.0%") != std::string::npos);
    CHECK(text.find("loss 0.4000  acc 85.00%  1000 img/s") != std::string::npos);
}

TEST_CASE("in a log file it prints a full line per tenth of the epoch and a final one") {
    Capture out;
    double now = 0.0;
    EpochProgress progress(2, 5, 960, out.file.get(), false, [&] { return now; });
    for (int batch = 1; batch <= 30; ++batch) {
        now += 1.0;
        progress.update(static_cast<std::size_t>(batch) * 32, 0.5, 0.8);
    }
    progress.finish(0.45, 0.9);
    const std::string text = out.text();
    CHECK(std::count(text.begin(), text.end(), '\r') == 0);
    CHECK(std::count(text.begin(), text.end(), '\n') == 10);  // 10 % .. 90 %, then 100 %
    CHECK(text.find("epoch 2/5") == 0);
    CHECK(text.find("960/960 100.0%") != std::string::npos);
}

TEST_CASE("in a log file a slow epoch still prints a line at least every 30 s, with its rate and ETA") {
    Capture out;
    double now = 0.0;
    // 3 s per batch: a tenth of this epoch takes 300 s.
    EpochProgress progress(1, 2, 32000, out.file.get(), false, [&] { return now; });
    for (int batch = 1; batch <= 1000; ++batch) {
        now += 3.0;
        progress.update(static_cast<std::size_t>(batch) * 32, 0.5, 0.8);
    }
    progress.finish(0.45, 0.9);
    const std::string text = out.text();
    double previous_s = 0.0, longest_gap_s = 0.0;
    int lines = 0;
    for (std::size_t begin = 0, end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1, ++lines) {
        const std::string line = text.substr(begin, end - begin);
        CHECK(line.find(" img/s") != std::string::npos);
        CHECK(line.find("<--:--") == std::string::npos);  // an ETA from the first line on
        // "elapsed<eta": this epoch stays under an hour, so elapsed reads m:ss.
        const auto lt = line.find('<');
        const auto colon = line.rfind(':', lt);
        const auto space = line.rfind(' ', colon);
        const double elapsed_s = std::stod(line.substr(space + 1, colon - space - 1)) * 60 +
                                 std::stod(line.substr(colon + 1, lt - colon - 1));
        longest_gap_s = std::max(longest_gap_s, elapsed_s - previous_s);
        previous_s = elapsed_s;
    }
    CHECK(lines >= 100);  // 3,000 s
    CHECK(longest_gap_s <= 30.0);
    CHECK(text.find("32000/32000 100.0%  50:00<0:00") != std::string::npos);
    CHECK(text.find("32000/32000", text.find("32000/32000") + 1) == std::string::npos);  // printed once
}
