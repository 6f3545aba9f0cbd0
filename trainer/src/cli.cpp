#include "tinydigit/trainer/cli.hpp"

#include <charconv>
#include <cmath>

namespace tinydigit::trainer {

namespace {

template <typename T>
T number(const std::string& flag, const std::string& text, T min, T max) {
    T value{};
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !(value >= min && value <= max)) {
        throw UsageError(flag + ": expected a number from " + std::to_string(min) + " to " + std::to_string(max) +
                         ", got '" + text + "'");
    }
    return value;
}

}  // namespace

std::string usage_text() {
    return R"(Usage: train [options]
Trains the digit CNN (oneDNN, fp32 or bf16) and writes best.ckpt, last.ckpt, history.csv and
history.svg into --out; prints the float accuracy on the MNIST test set at the end.

Data
  --data PATH         training data, repeatable (sources are concatenated): an IDX image file
                      (labels from the MNIST-named file beside it) or a CSV file (Kaggle
                      train.csv with header, or mnist_train.csv without). Default: the cached
                      MNIST training set (data/mnist, or $TINYDIGIT_DATA_DIR).
  --limit N           use only the first N images of each source (quick experiments)
  --train-on-test-set-leaks-labels
                      also train on the MNIST test set (the Kaggle leaderboard trick). The
                      test set is then no test: the run refuses to report a test accuracy.
Recipe
  --arch seed|compact network family (architecture.hpp); default seed
  --epochs N          epochs to train (default 2, the short run; the full recipe uses 30).
                      0 trains nothing: evaluates (and predicts with) best.ckpt in --out
  --batch N           batch size (default 32)
  --lr X              initial Adam learning rate (default 0.001); halved when validation
                      accuracy stalls for 3 epochs (ReduceLROnPlateau, min 1e-5)
  --seed N            seed of the split, shuffling, augmentation, dropout and initial
                      weights (default 1). Same seed, data and --threads: same weights, bit
                      for bit.
  --no-augment        train on the images as they are (no random affine)
  --no-final-anneal   keep the learning rate constant through the last epoch (default:
                      it falls to zero along half a cosine, so the run ends settled)
  --precise-bn N      at each epoch end re-estimate the BN statistics on N un-augmented
                      training images before validating and saving (default 8192; 0 keeps
                      the Keras moving averages, momentum 0.99)
  --precision f32|bf16
                      what the convolutions, BN and pooling compute in (default f32). bf16
                      needs AVX-512; with AVX-512 BF16 a training step is 1.6-1.7x faster.
                      Weights, gradients, Adam and the dense layers stay f32; checkpoints
                      are f32 either way
  --threads N         CPU threads (default: all cores; more than the machine has is refused)
Output
  --out DIR           output folder (default runs/train). A folder that already holds a
                      run's checkpoints is refused unless --resume or --overwrite says
                      what to do with them.
  --overwrite         start a new run in --out, replacing the checkpoints there
  --resume            continue the run in --out from last.ckpt up to --epochs. last.ckpt
                      records the recipe: a different --batch, --lr, --seed, --precision,
                      --threads, --no-augment, --precise-bn, --no-final-anneal or --data is
                      refused, so the run continues bit for bit. A larger --epochs
                      extends a finished run (its last epoch was annealed). Ctrl-C stops at
                      the next batch and prints the command that continues the run
  --stop-after N      stop once epoch N of the run is done; a later --resume continues it
                      exactly (split a long run over several sessions)
  --skip-test         do not evaluate best.ckpt on the MNIST test set at the end
  --predict CSV       after training, classify the images of this file (Kaggle test.csv)
                      with best.ckpt ...
  --submission CSV    ... and write the Kaggle submission (ImageId,Label) here. With
                      --epochs 0 this only predicts from the best.ckpt already in --out.
  --help              this text
)";
}

CommandLine parse_command_line(const std::vector<std::string>& argv) {
    const cli::Options options({"--data", "--limit", "--stop-after", "--arch", "--epochs", "--batch", "--lr", "--seed",
                                "--precise-bn", "--precision", "--threads", "--out", "--predict", "--submission"},
                               {"--skip-test", kLeakFlag, "--no-augment", "--no-final-anneal", "--resume", "--overwrite"},
                               {"--data"});
    const cli::Args args = cli::parse_args(argv, options);
    if (!args.positional.empty()) throw UsageError("unexpected argument '" + args.positional.front() + "' (see --help)");
    CommandLine cl;
    cl.help = args.help;
    for (const auto& [flag, values] : args.values) {
        const std::string& value = values.back();
        if (flag == "--data") {
            cl.data.assign(values.begin(), values.end());
        } else if (flag == "--limit") {
            cl.limit = number<std::size_t>(flag, value, 1, std::size_t{1} << 40);
        } else if (flag == "--stop-after") {
            cl.stop_after = number<int>(flag, value, 1, 100000);
        } else if (flag == "--arch") {
            const auto arch = architecture_by_name(value);
            if (!arch) throw UsageError("--arch: expected seed or compact, got '" + value + "'");
            cl.arch = *arch;
        } else if (flag == "--epochs") {
            cl.epochs = number<int>(flag, value, 0, 100000);
        } else if (flag == "--batch") {
            cl.batch = number<int>(flag, value, 1, 4096);
        } else if (flag == "--lr") {
            cl.learning_rate = number<float>(flag, value, 1e-8f, 10.0f);
        } else if (flag == "--seed") {
            cl.seed = number<std::uint64_t>(flag, value, 0, ~std::uint64_t{0});
        } else if (flag == "--precise-bn") {
            cl.precise_bn_images = number<std::size_t>(flag, value, 0, std::size_t{1} << 40);
        } else if (flag == "--precision") {
            const auto precision = precision_by_name(value);
            if (!precision) throw UsageError("--precision: expected f32 or bf16, got '" + value + "'");
            cl.precision = *precision;
        } else if (flag == "--threads") {
            cl.threads = number<int>(flag, value, 1, 1024);
        } else if (flag == "--out") {
            cl.out = value;
        } else if (flag == "--predict") {
            cl.predict = value;
        } else if (flag == "--submission") {
            cl.submission = value;
        }
    }
    cl.skip_test = args.flags.contains("--skip-test");
    cl.leak_test_set = args.flags.contains(kLeakFlag);
    cl.augment = !args.flags.contains("--no-augment");
    cl.final_anneal = !args.flags.contains("--no-final-anneal");
    cl.resume = args.flags.contains("--resume");
    cl.overwrite = args.flags.contains("--overwrite");
    if (cl.help) return cl;
    if (cl.predict.empty() != cl.submission.empty()) {
        throw UsageError("--predict and --submission go together");
    }
    if (cl.out.empty()) throw UsageError("--out: empty folder name");
    if (cl.resume && cl.overwrite) throw UsageError("--resume and --overwrite exclude each other");
    return cl;
}

}  // namespace tinydigit::trainer
