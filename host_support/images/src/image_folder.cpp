#include "tinydigit/host/images/image_folder.hpp"

#include <algorithm>
#include <cstring>

#include "tinydigit/host/common/sha256.hpp"
#include "tinydigit/host/images/gray_image.hpp"
#include "tinydigit/host/images/mnist_normalize.hpp"

namespace tinydigit::images {

namespace {

bool hidden(const std::filesystem::path& p) { return p.filename().string().starts_with('.'); }

// The entries of a folder sorted by name, so the image order (and the run) does not depend on
// the file system's listing order.
std::vector<std::filesystem::directory_entry> sorted_entries(const std::filesystem::path& dir) {
    std::vector<std::filesystem::directory_entry> entries;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (!hidden(it->path())) entries.push_back(*it);
    if (ec) throw dataset::DataError(dir.string() + ": cannot list: " + ec.message());
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    return entries;
}

// Reader messages start with the path, the normalizer's with the file name: always the path.
std::string naming_the_path(const std::string& message, const std::filesystem::path& path) {
    if (message.starts_with(path.string())) return message;
    const std::string name = path.filename().string();
    if (message.starts_with(name + ": ")) return path.string() + message.substr(name.size());
    return path.string() + ": " + message;
}

}  // namespace

ImageFolder load_image_folder(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) throw dataset::DataError(dir.string() + ": not a folder");
    ImageFolder folder;
    folder.images.source = dir.string();
    std::vector<std::filesystem::path> class_dirs(10);
    for (const auto& entry : sorted_entries(dir)) {
        if (!entry.is_directory(ec)) continue;  // a README or a zip beside the class folders
        const std::string name = entry.path().filename().string();
        if (name.size() != 1 || name[0] < '0' || name[0] > '9')
            throw dataset::DataError(dir.string() + ": subfolder '" + name +
                                     "' is not a digit 0..9 (an image folder holds one subfolder per digit, 0 to 9; "
                                     "rename it or move it out)");
        class_dirs[static_cast<std::size_t>(name[0] - '0')] = entry.path();
    }
    if (std::all_of(class_dirs.begin(), class_dirs.end(), [](const auto& d) { return d.empty(); }))
        throw dataset::DataError(dir.string() + ": has no subfolders 0 .. 9 (an image folder holds one subfolder per "
                                                "digit, named 0 to 9, with that digit's images)");
    for (int digit = 0; digit < 10; ++digit) {
        const auto& class_dir = class_dirs[static_cast<std::size_t>(digit)];
        const std::size_t before = folder.images.count();
        if (!class_dir.empty()) {
            for (const auto& entry : sorted_entries(class_dir)) {
                const std::filesystem::path& path = entry.path();
                if (entry.is_directory(ec))
                    throw dataset::DataError(path.string() + ": a folder inside a digit's folder (images go directly "
                                                             "into 0/ .. 9/)");
                try {
                    const NormalizedDigit digit_image = normalize_like_mnist(read_image(path));
                    folder.images.pixels.insert(folder.images.pixels.end(), digit_image.pixels.begin(),
                                                digit_image.pixels.end());
                    folder.images.labels.push_back(static_cast<std::uint8_t>(digit));
                    folder.files.push_back(std::filesystem::relative(path, dir));
                } catch (const ImageError& e) {  // unreadable, not an image, undecodable, or no digit in it
                    folder.skipped.push_back(naming_the_path(e.what(), path));
                }
            }
        }
        if (folder.images.count() == before) folder.empty_classes.push_back(digit);
    }
    if (folder.images.count() == 0)
        throw dataset::DataError(dir.string() + ": no usable image in its subfolders 0 .. 9" +
                                 (folder.skipped.empty() ? std::string()
                                                         : " (" + std::to_string(folder.skipped.size()) +
                                                               " files skipped, first: " + folder.skipped.front() + ")"));
    return folder;
}

std::string image_folder_sha256(const std::filesystem::path& dir, const std::vector<std::filesystem::path>& files) {
    std::string manifest;  // "<relative path> <sha256>\n" per file
    for (const auto& file : files)
        manifest += file.generic_string() + ' ' + common::sha256_hex_of_file(dir / file) + '\n';
    return common::sha256_hex(manifest);
}

}  // namespace tinydigit::images
