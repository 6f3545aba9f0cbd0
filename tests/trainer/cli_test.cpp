// The `train` executable refuses bad command lines and bad data with one line and a non-zero
// exit, before writing anything.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>
#include <omp.h>

#include "support/temp_dir.hpp"
#include "tinydigit/host/common/sha256.hpp"
#include "tinydigit/host/training/checkpoint.hpp"

namespace {

struct Run {
    int exit_code;
    std::string out, err;
};

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// env: "NAME=value " assignments for the train process, or empty.
Run run_train(const tinydigit::testing::TempDir& dir, const std::string& args, const std::string& env = {}) {
    const auto out = dir.path() / "stdout.txt", err = dir.path() / "stderr.txt";
    const std::string command = env + std::string(TRAIN_EXE) + " " + args + " >" + out.string() + " 2>" + err.string();
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

std::string csv_row(int label, int pixel, int columns = 784) {
    std::string row = std::to_string(label);
    const std::string field = std::to_string(pixel);
    for (int i = 0; i < columns; ++i) {
        row.push_back(',');
        row.append(field);
    }
    row.push_back('\n');
    return row;
}

std::string non_numeric_row() {
    std::string row = "3,x";
    for (int i = 1; i < 784; ++i) row.append(",0");
    row.push_back('\n');
    return row;
}

void check_one_line_error(const Run& r, const std::string& expected) {
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(expected) != std::string::npos);
    CHECK(r.err.find("train: ") == 0);
    CHECK(r.err.find('\n') == r.err.size() - 1);
}

}  // namespace

TEST_CASE("train --help documents every flag") {
    tinydigit::testing::TempDir dir;
    const Run r = run_train(dir, "--help");
    CHECK(r.exit_code == 0);
    for (const char* flag : {"--data", "--limit", "--train-on-test-set-leaks-labels", "--arch", "--epochs", "--batch",
                             "--lr", "--seed", "--no-augment", "--threads", "--out", "--resume", "--predict",
                             "--submission", "--help", "--precise-bn", "--no-final-anneal", "--skip-test", "--stop-after", "--overwrite", "--precision",
                             "--init", "--recipe", "--schedule", "--label-smoothing", "--ema"}) {
        CHECK_MESSAGE(r.out.find(flag) != std::string::npos, flag);
    }
}

TEST_CASE("bad flags exit 2 with one line naming the flag") {
    tinydigit::testing::TempDir dir;
    const struct {
        const char* args;
        const char* message;
    } cases[] = {
        {"--bogus", "unknown option '--bogus'"},
        {"--epochs", "--epochs: missing value"},
        {"--epochs ten", "--epochs: expected a number"},
        {"--batch 0", "--batch: expected a number from 1"},
        {"--lr -1", "--lr: expected a number"},
        {"--precise-bn many", "--precise-bn: expected a number from 0"},
        {"--stop-after 0", "--stop-after: expected a number from 1"},
        {"--resume --overwrite", "--resume and --overwrite exclude each other"},
        {"--arch huge", "--arch: expected seed or compact"},
        {"--precision fp16", "--precision: expected f32 or bf16"},
        {"--recipe quick", "--recipe: expected fast or full, got 'quick'"},
        {"--schedule cosine", "--schedule: expected plateau or one-cycle, got 'cosine'"},
        {"--label-smoothing 0.9", "--label-smoothing: expected a number from 0"},
        {"--ema 1", "--ema: expected a number from 0"},
        {"--recipe full --precise-bn 0", "--ema needs precise BN (--precise-bn N > 0)"},
        {"--predict a.csv", "--predict and --submission go together"},
        {"--out --skip-test", "--out: missing value ('--skip-test' is an option)"},
        {"--batch 16 --batch 32", "--batch: given more than once"},
        {"--no-augment --no-augment", "--no-augment: given more than once"},
        {"--threads 1024", "--threads 1024: this machine has"},
        {"--epochs 0 --skip-test", "--epochs 0 trains nothing and --skip-test evaluates nothing: nothing to do"},
        {"run1", "unexpected argument 'run1'"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.args);
        const Run r = run_train(dir, c.args);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(c.message) != std::string::npos);
        CHECK(r.err.find('\n') == r.err.size() - 1);
    }
}

TEST_CASE("malformed training data is rejected with its reason and nothing is written") {
    tinydigit::testing::TempDir dir;
    const auto out = dir.path() / "run";
    std::string idx_header("\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x1c\x00\x00\x00\x1c", 16);
    const struct {
        const char* name;
        std::string content;
        const char* message;
    } cases[] = {
        {"columns.csv", csv_row(1, 0) + csv_row(2, 0, 783), "column"},
        {"text.csv", csv_row(1, 0) + non_numeric_row(), "not a non-negative integer"},
        {"pixel.csv", csv_row(1, 0) + csv_row(2, 300), "0..255"},
        {"label.csv", csv_row(12, 0), "0..9"},
        {"truncated-images-idx3-ubyte", idx_header + std::string(100, '\0'), "truncated"},
        {"magic-images-idx3-ubyte", std::string("\x00\x00\x08\x01", 4) + idx_header.substr(4), "wrong magic"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        const auto path = dir.write(c.name, c.content);
        check_one_line_error(run_train(dir, "--data " + path.string() + " --out " + out.string()), c.name);
        const Run again = run_train(dir, "--data " + path.string() + " --out " + out.string());
        INFO(again.err);
        CHECK(again.err.find(c.message) != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(out));
    }
    check_one_line_error(run_train(dir, "--data " + (dir.path() / "missing.csv").string()), "missing.csv");
}

TEST_CASE("an --out folder holding another architecture's checkpoint is refused and left alone") {
    tinydigit::testing::TempDir dir;
    tinydigit::trainer::CheckpointData ckpt;
    ckpt.architecture = "compact";
    ckpt.params.push_back({"conv1.weight", {1}, {0.5f}});
    std::filesystem::create_directories(dir.path() / "run");
    const auto last = dir.path() / "run" / "last.ckpt";
    tinydigit::trainer::save_checkpoint(last, ckpt);
    const std::string before = slurp(last);
    const Run r = run_train(dir, "--arch seed --epochs 1 --out " + (dir.path() / "run").string());
    check_one_line_error(r, "holds a compact network");
    CHECK(slurp(last) == before);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "run" / "history.csv"));
}

TEST_CASE("a short run writes its outputs, reports the test accuracy and a Kaggle submission") {
    tinydigit::testing::TempDir dir;
    std::string header = "pixel0";
    for (int i = 1; i < 784; ++i) header += ",pixel" + std::to_string(i);
    std::string rows = header + "\n";
    for (int r = 0; r < 3; ++r) rows += csv_row(0, 0).substr(2);  // 784 zero pixels, no label
    const auto test_csv = dir.write("test.csv", rows);
    const auto out = dir.path() / "run";
    const auto submission = dir.path() / "submission.csv";
    const Run r = run_train(dir, "--arch compact --limit 64 --epochs 1 --batch 16 --threads 1 --out " + out.string() +
                                     " --predict " + test_csv.string() + " --submission " + submission.string());
    INFO(r.err);
    CHECK(r.exit_code == 0);
    for (const char* file : {"best.ckpt", "last.ckpt", "history.csv", "history.svg"}) CHECK(std::filesystem::exists(out / file));
    CHECK(r.out.find("float test accuracy (MNIST test set, 10000 images, best.ckpt)") != std::string::npos);
    const std::string csv = slurp(submission);
    CHECK(csv.find("ImageId,Label\n1,") == 0);
    CHECK(csv.find("\n3,") != std::string::npos);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 4);
}

TEST_CASE("training on the MNIST test set is announced and no test accuracy is reported") {
    tinydigit::testing::TempDir dir;
    const Run r = run_train(dir, "--arch compact --limit 32 --epochs 1 --batch 16 --threads 1 "
                                 "--train-on-test-set-leaks-labels --out " + (dir.path() / "run").string());
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("warning: --train-on-test-set-leaks-labels") != std::string::npos);
    CHECK(r.out.find("test accuracy: not reported") != std::string::npos);
    CHECK(r.out.find("float test accuracy") == std::string::npos);
}

TEST_CASE("train warns in one line when oneDNN has only reference kernels for a primitive on this CPU") {
    // Capped at SSE4.1, oneDNN 2.6 has no JIT backward-data for the 3x3 and 5x5 convolutions
    // (on AVX2 and up every training primitive has one: kernel_choice_test.cpp).
    tinydigit::testing::TempDir dir;
    const Run r = run_train(dir, "--arch compact --limit 10 --epochs 1 --batch 4 --threads 1 --precise-bn 0 --skip-test "
                                 "--out " + (dir.path() / "run").string(), "ONEDNN_MAX_CPU_ISA=SSE41 ");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    const auto warning = r.err.find("warning: oneDNN has only slow reference kernels on this CPU for conv2 backward-data (ref:");
    REQUIRE(warning != std::string::npos);
    CHECK(r.err.find("training will be very slow\n", warning) < r.err.find('\n', warning));
    CHECK(r.err.find("warning: oneDNN", warning + 1) == std::string::npos);
}

TEST_CASE("a second run into a folder holding a run is refused, files untouched, until --resume or --overwrite") {
    tinydigit::testing::TempDir dir;
    const auto out = dir.path() / "run";
    const std::string run = "--arch compact --limit 64 --batch 16 --threads 1 --skip-test --out " + out.string();
    REQUIRE(run_train(dir, run + " --epochs 1").exit_code == 0);
    const std::string best = slurp(out / "best.ckpt"), last = slurp(out / "last.ckpt");

    check_one_line_error(run_train(dir, run + " --epochs 2"), "already holds a compact run; --resume continues it");
    CHECK(slurp(out / "best.ckpt") == best);
    CHECK(slurp(out / "last.ckpt") == last);

    const Run resumed = run_train(dir, run + " --epochs 2 --resume");
    INFO(resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(tinydigit::trainer::load_checkpoint(out / "last.ckpt").epoch == 2);
    const Run overwritten = run_train(dir, run + " --epochs 1 --overwrite");
    CHECK(overwritten.exit_code == 0);
    CHECK(tinydigit::trainer::load_checkpoint(out / "last.ckpt").epoch == 1);
}

TEST_CASE("train checks every file it needs and every output before the first step") {
    tinydigit::testing::TempDir dir;
    const auto out = dir.path() / "run";
    const auto data = dir.write("train.csv", csv_row(1, 0) + csv_row(2, 9) + csv_row(3, 0));
    const std::string common = "--arch compact --epochs 1 --batch 2 --threads 1 --data " + data.string() + " --out " + out.string();

    // No MNIST test set: refused now, not after training (the final test needs it).
    Run r = run_train(dir, common, "TINYDIGIT_DATA_DIR=" + (dir.path() / "nomnist").string() + " ");
    check_one_line_error(r, "nomnist/train-images-idx3-ubyte: MNIST file missing; run scripts/fetch_mnist.sh");
    CHECK(r.err.find("epoch") == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));

    r = run_train(dir, common + " --data " + dir.path().string() + " --skip-test");
    check_one_line_error(r, dir.path().string() + ": has no subfolders 0 .. 9 (an image folder holds one subfolder per digit");
    CHECK_FALSE(std::filesystem::exists(out));

    // A submission that would replace the file to predict, or the data, is refused.
    const std::string before = slurp(data);
    for (const std::string& args : {" --predict " + data.string() + " --submission " + data.string(),
                                    " --skip-test --predict " + (dir.path() / "other.csv").string() + " --submission " +
                                        data.string()}) {
        CAPTURE(args);
        r = run_train(dir, common + args);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("is the same file as") != std::string::npos);
        CHECK(r.err.find('\n') == r.err.size() - 1);
        CHECK(slurp(data) == before);
        CHECK_FALSE(std::filesystem::exists(out));
    }
    r = run_train(dir, common + " --skip-test --predict " + data.string() + " --submission " +
                           (dir.path() / "no" / "s.csv").string());
    check_one_line_error(r, "s.csv: cannot write --submission: ");
    CHECK_FALSE(std::filesystem::exists(out));

    // --out naming a file (a checkpoint) instead of the run's folder.
    std::filesystem::create_directories(dir.path() / "run1");
    const auto best = dir.write("run1/best.ckpt", "weights");
    r = run_train(dir, "--out " + best.string() + " --skip-test");
    CHECK(r.exit_code == 2);
    CHECK(r.err == "train: --out " + best.string() + ": is a file; --out names the run's folder (e.g. --out " +
                       (dir.path() / "run1").string() + ")\n");
    CHECK(slurp(best) == "weights");
}

TEST_CASE("a resume with another recipe is refused naming the flag, and the run's files stay as they were") {
    tinydigit::testing::TempDir dir;
    const auto out = dir.path() / "run";
    const std::string run = "--arch compact --limit 64 --batch 16 --threads 1 --skip-test --out " + out.string();
    REQUIRE(run_train(dir, run + " --epochs 1").exit_code == 0);
    REQUIRE(tinydigit::trainer::load_checkpoint(out / "last.ckpt").recipe.has_value());
    const std::string best = slurp(out / "best.ckpt"), last = slurp(out / "last.ckpt"), history = slurp(out / "history.csv");
    const struct {
        const char* flags;
        const char* message;
    } cases[] = {
        {"--batch 8", "was trained with --batch 16, not 8; resume with --batch 16"},
        {"--lr 0.002", "was trained with --lr 0.00100000005, not 0.00200000009; resume with --lr 0.00100000005"},
        {"--precise-bn 0", "was trained with --precise-bn 8192, not 0"},
        {"--no-augment", "was trained without --no-augment; resume without it"},
        {"--no-final-anneal", "was trained without --no-final-anneal; resume without it"},
        {"--schedule one-cycle", "was trained with --schedule plateau, not one-cycle; resume with --schedule plateau"},
        {"--label-smoothing 0.1", "was trained with --label-smoothing 0, not 0.100000001"},
        {"--ema 0.99", "was trained with --ema 0, not 0.99000001; resume with --ema 0"},
        // --precision f32 beside it: the recipe asks for bf16 only where the CPU has it.
        {"--recipe full --precision f32", "was trained with --lr 0.00100000005, not 0.00300000003"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.flags);
        // --batch is given twice in the first case otherwise: the base run names it once.
        std::string args = run + " --epochs 2 --resume " + c.flags;
        if (std::string(c.flags).starts_with("--batch")) args.replace(args.find("--batch 16"), 10, "");
        const Run r = run_train(dir, args);
        INFO(r.err);
        CHECK(r.exit_code == 1);
        // The last stderr line (after the "training ..." line) is the one error line.
        const std::string error = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
        CHECK(error.starts_with("train: " + (out / "last.ckpt").string() + ": "));
        CHECK(error.find(c.message) != std::string::npos);
        CHECK(slurp(out / "best.ckpt") == best);
        CHECK(slurp(out / "last.ckpt") == last);
        CHECK(slurp(out / "history.csv") == history);
    }
    // oneDNN's sums depend on the thread count: another --threads would end the bit-exact run.
    REQUIRE(tinydigit::trainer::load_checkpoint(out / "last.ckpt").recipe->threads == 1);
    if (omp_get_num_procs() >= 2) {
        std::string args = run + " --epochs 2 --resume --threads 2";
        args.replace(args.find("--threads 1"), 11, "");
        const Run r = run_train(dir, args);
        INFO(r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("train: " + (out / "last.ckpt").string() +
                         ": was trained with --threads 1, not 2; resume with --threads 1") != std::string::npos);
        CHECK(slurp(out / "last.ckpt") == last);
    }
    // A last.ckpt whose tensor has the right size but the wrong shape: the file and the tensor.
    auto wrong = tinydigit::trainer::load_checkpoint(out / "last.ckpt");
    auto& shape = wrong.params.front().shape;
    std::reverse(shape.begin(), shape.end());
    REQUIRE(shape != tinydigit::trainer::load_checkpoint(out / "last.ckpt").params.front().shape);
    wrong.resume->adam.m.front().shape = wrong.resume->adam.v.front().shape = shape;  // saved consistently
    tinydigit::trainer::save_checkpoint(out / "last.ckpt", wrong);
    const Run r = run_train(dir, run + " --epochs 2 --resume");
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("train: " + (out / "last.ckpt").string() + ": tensor " + wrong.params.front().name +
                     " has shape ") != std::string::npos);
}

namespace {

// An image folder of `per_class` PGM bars per digit (any content trains; the files are what
// the test is about).
std::filesystem::path image_folder(const tinydigit::testing::TempDir& dir, const std::string& name, int per_class) {
    for (int digit = 0; digit < 10; ++digit) {
        std::filesystem::create_directories(dir.path() / name / std::to_string(digit));
        for (int i = 0; i < per_class; ++i) {
            const int w = 20 + digit + i, h = 30;
            std::string pgm = "P5\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
            for (int p = 0; p < w * h; ++p) pgm.push_back(static_cast<char>(p % w > digit && p % w < digit + 6 ? 255 : 0));
            dir.write(name + "/" + std::to_string(digit) + "/" + std::to_string(i) + ".pgm", pgm);
        }
    }
    return dir.path() / name;
}

// A refusal found once training is set up: the last stderr line (after the "training ..." line).
void check_last_line_error(const Run& r, const std::string& expected) {
    INFO(r.err);
    CHECK(r.exit_code == 1);
    const std::string error = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
    CHECK(error.starts_with("train: "));
    CHECK(error.find(expected) != std::string::npos);
}

}  // namespace

TEST_CASE("a bad --data weight exits 2 naming the source - a colon before a non-number is part of the path") {
    tinydigit::testing::TempDir dir;
    for (const char* source : {"mnist:0", "digits/:-2", "digits/:4x", "mnist:1001"}) {
        CAPTURE(source);
        const Run r = run_train(dir, std::string("--data ") + source);
        CHECK(r.exit_code == 2);
        CHECK(r.err == "train: --data " + std::string(source) + ": the weight after ':' must be a number above 0 and at "
                       "most 1000 (e.g. my_digits/:4), got '" + std::string(source).substr(std::string(source).rfind(':') + 1) + "'\n");
    }
    check_one_line_error(run_train(dir, "--data " + (dir.path() / "photos:old").string()), "photos:old: cannot open");
}

TEST_CASE("several sources: each holds out its own validation share, reported per source in history and at the end") {
    tinydigit::testing::TempDir dir;
    std::string rows;
    for (int i = 0; i < 40; ++i) rows += csv_row(i % 10, i * 5);
    const auto csv = dir.write("a.csv", rows);
    const auto folder = image_folder(dir, "meter", 3);
    dir.write("meter/8/broken.pgm", "P5\n10 10\n255\n");
    const auto out = dir.path() / "run";
    const std::string run = "--arch compact --epochs 1 --batch 8 --threads 1 --precise-bn 0 --skip-test --data " + csv.string() +
                            " --data " + folder.string() + "/:2 --out " + out.string();
    const Run r = run_train(dir, run);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("train: warning: " + (folder / "8" / "broken.pgm").string() + ": truncated PGM data (skipped)\n") !=
          std::string::npos);
    CHECK(r.out.find("(mean over the sources)") != std::string::npos);
    CHECK(r.out.find("validation accuracy of best.ckpt on a.csv: ") != std::string::npos);
    CHECK(r.out.find("validation accuracy of best.ckpt on meter: ") != std::string::npos);
    const std::string history = slurp(out / "history.csv");
    CHECK(history.starts_with("epoch,loss,acc,val_loss,val_acc,lr,seconds,images_per_s,elapsed_s,val_acc[a.csv],val_acc[meter]\n1,"));
    CHECK(std::count(history.begin(), history.end(), ',') == 2 * 10);
    CHECK(slurp(out / "history.svg").find(">val meter</text>") != std::string::npos);
    const auto last = tinydigit::trainer::load_checkpoint(out / "last.ckpt");
    REQUIRE(last.data.size() == 2);
    CHECK(last.data[0].count == 40);
    CHECK(last.data[0].weight == 1.0f);
    CHECK(last.data[1].count == 30);
    CHECK(last.data[1].weight == 2.0f);
    CHECK(last.data[1].name == "meter");
    // Provenance, as --resume compares it: the CSV file's SHA-256, and the folder's over
    // "<relative path> <file's SHA-256>" of each file it used (broken.pgm is not one of them).
    CHECK(last.data[0].sha256 == tinydigit::common::sha256_hex_of_file(csv));
    std::string used_files;
    for (int digit = 0; digit < 10; ++digit)
        for (int i = 0; i < 3; ++i) {
            const std::string file = std::to_string(digit) + "/" + std::to_string(i) + ".pgm";
            used_files += file + ' ' + tinydigit::common::sha256_hex_of_file(folder / file) + '\n';
        }
    CHECK(last.data[1].sha256 == tinydigit::common::sha256_hex(used_files));
    // The weight shapes the run: resuming with another one is refused.
    const Run other = run_train(dir, "--arch compact --epochs 2 --batch 8 --threads 1 --precise-bn 0 --skip-test --data " +
                                         csv.string() + " --data " + folder.string() + "/:3 --resume --out " + out.string());
    check_last_line_error(other, "was trained on other data; resume with the same --data (and weights)");
}

TEST_CASE("--init refuses a checkpoint of another architecture, naming both, before reading any data") {
    tinydigit::testing::TempDir dir;
    const auto compact = std::filesystem::path(TINYDIGIT_SOURCE_DIR) / "models/compact/best.ckpt";
    const auto out = dir.path() / "run";
    const Run r = run_train(dir, "--init " + compact.string() + " --data " + (dir.path() / "missing").string() + " --out " +
                                     out.string(), "TINYDIGIT_DATA_DIR=" + (dir.path() / "nomnist").string() + " ");
    check_one_line_error(r, "--init " + compact.string() + ": holds a compact network; this run trains seed (give --arch compact");
    CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("--init fine-tunes a committed checkpoint, records it for --resume, and quantize takes the result") {
    tinydigit::testing::TempDir dir;
    const auto seed = std::filesystem::path(TINYDIGIT_SOURCE_DIR) / "models/seed/best.ckpt";
    const auto folder = image_folder(dir, "digits", 3);
    const auto out = dir.path() / "run";
    const std::string data = " --data " + folder.string() + " --batch 8 --threads 1 --precise-bn 0 --skip-test --out " + out.string();
    const Run r = run_train(dir, "--init " + seed.string() + " --epochs 1" + data);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto best = tinydigit::trainer::load_checkpoint(out / "best.ckpt");
    REQUIRE(best.recipe.has_value());
    CHECK(best.recipe->init_path == seed.string());
    CHECK(best.recipe->init_sha256.size() == 64);
    CHECK(best.recipe->learning_rate == 1e-4f);  // the fine-tuning default
    CHECK(best.architecture == "seed");

    const Run unrelated = run_train(dir, "--epochs 2 --lr 0.0001 --resume" + data);
    check_last_line_error(unrelated, "was started from --init " + seed.string() + " (SHA-256 ");

    const auto quantize = std::filesystem::path(TRAIN_EXE).parent_path() / "quantize";
    const std::string command = quantize.string() + " " + (out / "best.ckpt").string() + " " + (dir.path() / "model.fb").string() +
                                " --calibration-count 64 >/dev/null 2>&1";
    CHECK(std::system(command.c_str()) == 0);
    CHECK(std::filesystem::file_size(dir.path() / "model.fb") > 100000);
}

TEST_CASE("--recipe fast on a CPU without AVX-512 BF16 trains in f32 and says so") {
    tinydigit::testing::TempDir dir;
    const auto out = dir.path() / "run";
    // oneDNN capped at AVX2 is what an AVX2-only CPU runs, on any x86 CPU.
    const Run r = run_train(dir, "--recipe fast --arch compact --limit 64 --epochs 1 --threads 1 --skip-test --out " +
                                     out.string(),
                            "ONEDNN_MAX_CPU_ISA=AVX2 ");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("note: this CPU has no AVX-512 BF16 (oneDNN uses avx2): the recipe trains in f32") !=
          std::string::npos);
    const auto last = tinydigit::trainer::load_checkpoint(out / "last.ckpt");
    CHECK(last.precision == "f32");
    REQUIRE(last.recipe);
    CHECK(last.recipe->batch == 128);
    CHECK(last.recipe->ema_decay == 0.998f);
    CHECK(r.out.find("wall time to validation accuracy 99.0 %: ") != std::string::npos);
}
