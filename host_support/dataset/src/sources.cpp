// Where images come from: a data file opened with a clear error, the reader a source named on
// a command line needs (IDX or CSV), the MNIST cache, and joining image sets.
#include "tinydigit/host/dataset/sources.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "tinydigit/host/dataset/csv.hpp"
#include "tinydigit/host/dataset/idx.hpp"

namespace tinydigit::dataset {

void append(Images& a, const Images& b) {
    if (a.count() > 0 && a.labeled() != b.labeled()) {
        throw DataError(b.source + ": cannot mix labeled and unlabeled images with " + a.source);
    }
    a.pixels.insert(a.pixels.end(), b.pixels.begin(), b.pixels.end());
    a.labels.insert(a.labels.end(), b.labels.begin(), b.labels.end());
    a.source = a.source.empty() ? b.source : a.source + " + " + b.source;
}

std::ifstream open_data_file(const std::filesystem::path& path, std::ios::openmode mode) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw DataError(path.string() + ": is a folder, not a file (name a file inside it)");
    errno = 0;
    std::ifstream in(path, mode);
    if (!in) {
        const int error = errno;
        throw DataError(path.string() + ": cannot open: " + (error ? std::strerror(error) : "unknown reason") +
                        (error == ENOENT ? " (check the path)" : ""));
    }
    return in;
}

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
