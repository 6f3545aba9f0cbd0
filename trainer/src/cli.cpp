#include "tinydigit/trainer/cli.hpp"

#include <charconv>
#include <cmath>

#include "tinydigit/trainer/fine_tune.hpp"
#include "tinydigit/trainer/recipes.hpp"

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
  --data SOURCE[:W]   training data, repeatable. SOURCE is one of
                        mnist     the cached MNIST training set (data/mnist, or
                                  $TINYDIGIT_DATA_DIR); write ./mnist for a folder of that name
                        FOLDER    an image folder: subfolders 0 .. 9 of PGM/PNG files of any
                                  size, each prepared exactly as predict prepares an image; a
                                  file that is no image or holds no digit is named and skipped
                        FILE      an IDX image file (labels from the MNIST-named file beside
                                  it) or a CSV file (Kaggle train.csv with header, or
                                  mnist_train.csv without)
                      Each source holds out its own 10 % for validation, reported per source
                      (history.csv gets a val_acc[NAME] column each; val_acc is their mean,
                      which picks best.ckpt). W (default 1, above 0, at most 1000) is how many
                      times each of the source's training images is drawn per epoch: 4 draws
                      each four times (differently augmented), 0.25 a different quarter each
                      epoch. Default: mnist.
  --limit N           use only the first N images of each source (quick experiments; an
                      image folder's images come by digit, so a small N drops the last digits)
  --train-on-test-set-leaks-labels
                      also train on the MNIST test set (the Kaggle leaderboard trick). The
                      test set is then no test: the run refuses to report a test accuracy.
Recipe
  --recipe fast|full  a measured set of the flags below (trainer/README.md); flags given
                      beside it override its values
                        fast: --epochs 12 --batch 128 --schedule one-cycle --lr 0.003
                              --label-smoothing 0.1 --ema 0.998, bf16 where the CPU has
                              AVX-512 BF16 (f32 elsewhere, said on stderr)
                        full: the same with --epochs 40 (the committed seed model)
                      Without --recipe: the short default (2 epochs, no weight average)
  --arch seed|compact network family (architecture.hpp); default seed
  --init CKPT         fine-tune: start from this checkpoint's weights and BN statistics (same
                      --arch) with a fresh Adam and a short schedule: --epochs 2 and --lr 1e-4
                      unless given (or a --recipe gives them). Recorded in the checkpoints; quantize takes the result as
                      any other
  --epochs N          epochs to train (default 2, the short run; the full recipe uses 40).
                      0 trains nothing: evaluates (and predicts with) best.ckpt in --out
  --batch N           batch size (default 32)
  --lr X              initial Adam learning rate (default 0.001); halved when validation
                      accuracy stalls for 3 epochs (ReduceLROnPlateau, min 1e-5). With
                      --schedule one-cycle: the cycle's peak
  --schedule plateau|one-cycle
                      plateau (default): --lr held, halved by ReduceLROnPlateau, final
                      anneal. one-cycle: per step, a linear climb from --lr/25 to --lr over
                      the first quarter of the run, then half a cosine down to zero
  --label-smoothing E train against 1-E+E/10 on the label and E/10 elsewhere (default 0)
  --ema DECAY         validate and save an exponential moving average of the weights
                      (decay 0 < DECAY < 1, e.g. 0.999; default off), its BN statistics
                      from precise BN
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
                      --threads, --no-augment, --precise-bn, --no-final-anneal, --schedule,
                      --label-smoothing, --ema, --init or --data is refused, so the run
                      continues bit for bit. A larger --epochs
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
                                "--precise-bn", "--precision", "--threads", "--out", "--predict", "--submission",
                                "--init", "--recipe", "--schedule", "--label-smoothing", "--ema"},
                               {"--skip-test", kLeakFlag, "--no-augment", "--no-final-anneal", "--resume", "--overwrite"},
                               {"--data"});
    const cli::Args args = cli::parse_args(argv, options);
    if (!args.positional.empty()) throw UsageError("unexpected argument '" + args.positional.front() + "' (see --help)");
    CommandLine cl;
    cl.help = args.help;
    // The named recipe first: explicit flags override its values.
    if (const auto it = args.values.find("--recipe"); it != args.values.end()) {
        const auto recipe = recipe_by_name(it->second.back());
        if (!recipe) throw UsageError("--recipe: expected fast or full, got '" + it->second.back() + "'");
        cl.epochs = recipe->epochs;
        cl.batch = recipe->batch;
        cl.learning_rate = recipe->learning_rate;
        cl.schedule = recipe->schedule;
        cl.label_smoothing = recipe->label_smoothing;
        cl.ema_decay = recipe->ema_decay;
        cl.bf16_if_native = recipe->bf16_if_native && !args.values.contains("--precision");
    }
    for (const auto& [flag, values] : args.values) {
        const std::string& value = values.back();
        if (flag == "--data") {
            for (const auto& text : values) cl.data.push_back(images::parse_source(text));
        } else if (flag == "--init") {
            cl.init = value;
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
        } else if (flag == "--schedule") {
            if (value == "plateau") cl.schedule = Schedule::kPlateau;
            else if (value == "one-cycle") cl.schedule = Schedule::kOneCycle;
            else throw UsageError("--schedule: expected plateau or one-cycle, got '" + value + "'");
        } else if (flag == "--label-smoothing") {
            cl.label_smoothing = number<float>(flag, value, 0.0f, 0.5f);
        } else if (flag == "--ema") {
            cl.ema_decay = number<float>(flag, value, 0.0f, 0.999999f);
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
    // --init's short schedule, unless a --recipe or --lr says otherwise.
    if (!cl.init.empty() && !args.values.contains("--lr") && !args.values.contains("--recipe"))
        cl.learning_rate = kFineTuneLearningRate;
    if (cl.predict.empty() != cl.submission.empty()) {
        throw UsageError("--predict and --submission go together");
    }
    if (cl.out.empty()) throw UsageError("--out: empty folder name");
    if (cl.resume && cl.overwrite) throw UsageError("--resume and --overwrite exclude each other");
    if (cl.ema_decay > 0.0f && cl.precise_bn_images == 0)
        throw UsageError("--ema needs precise BN (--precise-bn N > 0): the BN statistics must be computed for the "
                         "averaged weights");
    return cl;
}

}  // namespace tinydigit::trainer
