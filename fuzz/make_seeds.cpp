// Writes the seed corpora in fuzz/corpus/ from real files: slices of the MNIST IDX files, CSV
// rows in the three layouts read_csv accepts, and small checkpoints saved by save_checkpoint.
// Seeds are kept small (a few KiB) so that every fuzzer executes thousands of inputs a second.
//
// usage: make_seeds <mnist folder> <corpus folder>     (fuzz/README.md shows the command)
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/host/dataset/idx.hpp"
#include "tinydigit/host/training/checkpoint.hpp"

namespace {

namespace fs = std::filesystem;
namespace dataset = tinydigit::dataset;
namespace trainer = tinydigit::trainer;

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

void write(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    tinydigit::common::write_file_atomically(path, std::string_view(bytes));
    std::printf("%s (%zu bytes)\n", path.c_str(), bytes.size());
}

// The first `count` images (and labels) of an MNIST file pair, as the IDX files they would be.
std::string idx_images(const dataset::Images& all, std::size_t first, std::size_t count) {
    std::string s = be32(0x803) + be32(static_cast<std::uint32_t>(count)) + be32(28) + be32(28);
    s.append(reinterpret_cast<const char*>(all.image(first)), count * dataset::kPixels);
    return s;
}

std::string idx_labels(const dataset::Images& all, std::size_t first, std::size_t count) {
    std::string s = be32(0x801) + be32(static_cast<std::uint32_t>(count));
    s.append(reinterpret_cast<const char*>(all.labels.data() + first), count);
    return s;
}

std::string csv_row(const dataset::Images& all, std::size_t i, bool labeled, const char* eol) {
    std::string row = labeled ? std::to_string(all.labels[i]) : std::string();
    for (int p = 0; p < dataset::kPixels; ++p) {
        if (labeled || p > 0) row += ',';
        row += std::to_string(all.image(i)[p]);
    }
    return row + eol;
}

std::string csv_header(bool labeled) {
    std::string header = labeled ? "label" : "";
    for (int p = 0; p < dataset::kPixels; ++p) header += (labeled || p > 0 ? ",pixel" : "pixel") + std::to_string(p);
    return header + "\n";
}

trainer::NamedTensor tensor(std::string name, std::vector<int> shape, float base) {
    std::size_t count = 1;
    for (int d : shape) count *= static_cast<std::size_t>(d);
    std::vector<float> data(count);
    for (std::size_t i = 0; i < count; ++i) data[i] = base + 0.125f * static_cast<float>(i);
    return {std::move(name), std::move(shape), std::move(data)};
}

// A checkpoint with the real tensor names but tiny shapes: conv1 (2 filters), bn1, dense2.
trainer::CheckpointData small_checkpoint(bool with_resume) {
    trainer::CheckpointData c;
    c.architecture = "compact";
    c.epoch = 3;
    c.learning_rate = 0.001f;
    c.seed = 42;
    c.params = {tensor("conv1.weight", {2, 1, 3, 3}, -0.5f), tensor("conv1.bias", {2}, 0.0f),
                tensor("bn1.gamma", {2}, 1.0f), tensor("bn1.beta", {2}, 0.0f),
                tensor("dense2.weight", {10, 2}, -1.0f), tensor("dense2.bias", {10}, 0.25f)};
    c.buffers = {tensor("bn1.running_mean", {2}, 0.1f), tensor("bn1.running_var", {2}, 1.0f)};
    c.metrics = {0.31f, 0.91f, 0.28f, 0.92f, 0.93f};
    c.data = {{"data/mnist/train-images-idx3-ubyte",
               "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 54000, 1.0f, "mnist"}};
    c.tool_version = "tinydigit 0.1.0";
    if (with_resume) {
        trainer::ResumeState resume;
        resume.adam.step = 1266;
        for (const auto& p : c.params) {
            resume.adam.m.push_back(tensor(p.name, p.shape, 0.01f));
            resume.adam.v.push_back(tensor(p.name, p.shape, 0.001f));
        }
        resume.plateau = {0.28f, 1};
        resume.rng_state = {1, 2, 3, 4, 5, 6, 7, 8};
        c.resume = std::move(resume);
    }
    return c;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: make_seeds <mnist folder> <corpus folder>\n");
        return 2;
    }
    try {
        const fs::path mnist = argv[1];
        const fs::path out = argv[2];
        const auto train = dataset::read_idx(mnist / "train-images-idx3-ubyte", mnist / "train-labels-idx1-ubyte");
        const auto test = dataset::read_idx(mnist / "t10k-images-idx3-ubyte", mnist / "t10k-labels-idx1-ubyte");

        // IDX: image file followed by its label file (fuzz_idx.cpp splits them), or images alone.
        write(out / "idx/train-3-with-labels", idx_images(train, 0, 3) + idx_labels(train, 0, 3));
        write(out / "idx/test-1-with-labels", idx_images(test, 0, 1) + idx_labels(test, 0, 1));
        write(out / "idx/train-2-images-only", idx_images(train, 3, 2));
        write(out / "idx/empty-with-labels", idx_images(train, 0, 0) + idx_labels(train, 0, 0));

        // CSV: Kaggle train.csv, Kaggle test.csv, and mnist_train.csv (no header) with CRLF.
        write(out / "csv/kaggle-train-3", csv_header(true) + csv_row(train, 0, true, "\n") +
                                             csv_row(train, 1, true, "\n") + csv_row(train, 2, true, "\n"));
        write(out / "csv/kaggle-test-2", csv_header(false) + csv_row(test, 0, false, "\n") +
                                            csv_row(test, 1, false, "\n"));
        write(out / "csv/mnist-train-2-crlf", csv_row(train, 3, true, "\r\n") + csv_row(train, 4, true, "\r\n"));

        // Checkpoints: best.ckpt (no resume state) and last.ckpt (Adam, plateau, RNG).
        fs::create_directories(out / "checkpoint");
        trainer::save_checkpoint(out / "checkpoint/best.ckpt", small_checkpoint(false));
        trainer::save_checkpoint(out / "checkpoint/last.ckpt", small_checkpoint(true));
        for (const char* name : {"best.ckpt", "last.ckpt"})
            std::printf("%s (%ju bytes)\n", (out / "checkpoint" / name).c_str(),
                        static_cast<std::uintmax_t>(fs::file_size(out / "checkpoint" / name)));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_seeds: %s\n", e.what());
        return 1;
    }
    return 0;
}
