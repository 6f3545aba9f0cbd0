// A folder of labeled digit images: subfolders 0/ .. 9/ holding PGM or PNG files of any size,
// each prepared exactly as `predict` prepares an image (normalize_like_mnist).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tinydigit/host/dataset/images.hpp"

namespace tinydigit::images {

struct ImageFolder {
    dataset::Images images;            // labeled 28x28 digits, by class, then by file name
    std::vector<std::string> skipped;  // "<file>: <reason>" for each file left out
    std::vector<int> empty_classes;    // digits whose subfolder is missing or holds no usable image
    // Each image's file, relative to the folder, in image order (what image_folder_sha256 reads).
    std::vector<std::filesystem::path> files;
};

// Reads every file of the subfolders 0 .. 9 (names starting with '.' are ignored, as a file
// manager hides them). A file that is not a PGM/PNG image, cannot be decoded or holds no digit
// (nearly uniform) is skipped and named in `skipped` with the reason: one stray file in a
// photo folder must not cost the whole set. Refused with dataset::DataError naming the folder:
// not a folder, a subfolder whose name is not a digit 0..9 (its images would be silently
// unlabeled), nested subfolders, and a folder with no usable image at all.
ImageFolder load_image_folder(const std::filesystem::path& dir);

// The folder's identity as `train` records it (and --resume compares): the SHA-256 of
// "<relative path> <the file's SHA-256>\n" for each of `files` (an ImageFolder's), read again
// here so that reading a folder costs no hashing when nothing is recorded (evaluate). Throws
// common::IoError naming a file that cannot be read.
std::string image_folder_sha256(const std::filesystem::path& dir, const std::vector<std::filesystem::path>& files);

}  // namespace tinydigit::images
