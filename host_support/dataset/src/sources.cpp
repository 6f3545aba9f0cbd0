#include "tinydigit/host/dataset/sources.hpp"

#include <cstdlib>

#include "tinydigit/host/dataset/csv.hpp"
#include "tinydigit/host/dataset/idx.hpp"

namespace tinydigit::dataset {

Images load_source(const std::filesystem::path& path, const std::filesystem::path& labels_path) {
    if (path.extension() == ".csv") {
        if (!labels_path.empty()) {
            throw DataError(path.string() + ": a CSV file carries its own labels; drop --labels");
        }
        return read_csv(path);
    }
    if (!labels_path.empty()) return read_idx(path, labels_path);
    const auto beside = idx_labels_beside(path);
    return read_idx(path, !beside.empty() && std::filesystem::exists(beside) ? beside : "");
}

MnistFiles mnist_files(const std::filesystem::path& dir_arg) {
    std::filesystem::path dir = dir_arg;
    if (dir.empty()) {
        const char* env = std::getenv("TINYDIGIT_DATA_DIR");
        dir = env && *env ? env : TINYDIGIT_DEFAULT_DATA_DIR;
    }
    MnistFiles f{dir / "train-images-idx3-ubyte", dir / "train-labels-idx1-ubyte",
                 dir / "t10k-images-idx3-ubyte", dir / "t10k-labels-idx1-ubyte"};
    for (const auto* p : {&f.train_images, &f.train_labels, &f.test_images, &f.test_labels}) {
        if (!std::filesystem::exists(*p)) {
            throw DataError(p->string() + ": MNIST file missing; run scripts/fetch_mnist.sh "
                                          "(or set TINYDIGIT_DATA_DIR to a folder holding the four IDX files)");
        }
    }
    return f;
}

}  // namespace tinydigit::dataset
