// predict model.fb IMAGE...: digit, probabilities and an ASCII preview for PGM/PNG files or
// the rows of a digit CSV, normalized as MNIST was when needed.
#include <cstdio>

#include "tinydigit/host/common/cli.hpp"
#include "tinydigit/host/dataset/images.hpp"
#include "tinydigit/tools/gray_image.hpp"
#include "tinydigit/tools/int8_runner.hpp"
#include "tinydigit/tools/mnist_normalize.hpp"
#include "tinydigit/tools/model_file.hpp"

namespace {

constexpr const char* kUsage =
    "usage: predict [--tensor] MODEL.fb IMAGE...\n"
    "  IMAGE: a PGM (P2/P5) or PNG file, or a .csv of digits (one 28x28 image per row).\n"
    "  Images that are not 28x28 white-on-black are normalized as MNIST was (grayscale,\n"
    "  inverted if the background is light, fitted to 20x20, centred by mass in 28x28);\n"
    "  the tool says what it did. Prints the digit, the probabilities and a preview.\n"
    "  An image without a digit (nearly uniform) or that cannot be read is named on stderr;\n"
    "  the others are still reported, and the exit status is then 1.\n"
    "  --tensor  also print the 784 normalized pixels the engine sees (row-major, 0..255;\n"
    "            the int8 input is pixel - 128; the web page shows the same 28x28)\n";

std::string preview(const std::array<std::uint8_t, 784>& pixels) {
    static constexpr char kRamp[] = " .:-=+*#%@";
    std::string out;
    for (int y = 0; y < 28; ++y) {
        out += "  |";
        for (int x = 0; x < 28; ++x) out += kRamp[pixels[static_cast<std::size_t>(y * 28 + x)] * 9 / 255];
        out += "|\n";
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    return tinydigit::cli::run("predict", kUsage, argc, argv, [](int n, char** v) {
        using namespace tinydigit::tools;
        const auto args = tinydigit::cli::parse_args(n, v, tinydigit::cli::Options({}, {"--tensor"}));
        if (args.positional.size() < 2) throw tinydigit::cli::UsageError("expected MODEL.fb and at least one IMAGE (see --help)");
        const std::string& model_path = args.positional[0];
        bool checkpoint = false;
        try {
            checkpoint = model_kind_of(model_path) == ModelKind::Checkpoint;
        } catch (const ModelFileError&) {
            // Neither kind: ModelFile::read below names the problem as for any model.
        }
        if (checkpoint)
            throw ModelFileError(model_path + ": is a training checkpoint; predict runs the int8 model: quantize it first (quantize " +
                                 model_path + " model.fb), then predict model.fb (evaluate " + model_path +
                                 " measures it in float)");
        const auto file = ModelFile::read(model_path);
        Int8Runner runner(file);
        if (runner.classes() != 10) throw ModelFileError(model_path + ": the model does not output 10 classes");
        // Each image stands alone: a bad one is named on stderr and the others are still reported.
        int failures = 0;
        auto report_failure = [&](const std::exception& e) {
            std::fprintf(stderr, "predict: %s\n", e.what());
            ++failures;
        };
        for (std::size_t i = 1; i < args.positional.size(); ++i) {
            std::vector<GrayImage> images;
            try {
                images = read_images(args.positional[i]);
            } catch (const ImageError& e) {
                report_failure(e);
            } catch (const tinydigit::dataset::DataError& e) {
                report_failure(e);
            }
            for (const auto& image : images) {
                NormalizedDigit digit;
                try {
                    digit = normalize_like_mnist(image);
                } catch (const ImageError& e) {
                    report_failure(e);
                    continue;
                }
                const auto logits = runner.run(digit.pixels.data());
                float p[10];
                runner.engine().probabilities(p, 10);
                const int best = runner.engine().argmax();
                std::printf("%s: %d (probability %.3f)\n  input: %s\n  probabilities:", image.name.c_str(), best, p[best],
                            digit.steps.c_str());
                for (int k = 0; k < 10; ++k) std::printf(" %d:%.3f", k, p[k]);
                std::printf("\n  int8 logits:");
                for (const auto l : logits) std::printf(" %d", l);
                if (args.has("--tensor")) {
                    std::printf("\n  tensor:");
                    for (const auto pixel : digit.pixels) std::printf(" %d", pixel);
                }
                std::printf("\n%s", preview(digit.pixels).c_str());
            }
        }
        return failures > 0 ? 1 : 0;
    });
}
