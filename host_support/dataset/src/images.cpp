#include "tinydigit/host/dataset/images.hpp"

#include <cerrno>
#include <cstring>

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

}  // namespace tinydigit::dataset
