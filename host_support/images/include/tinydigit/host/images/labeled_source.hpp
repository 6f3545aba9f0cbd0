// The --data sources of `train` and `evaluate`: "mnist" (the cached MNIST set), an image
// folder (0/ .. 9/), or an IDX or CSV file, each optionally followed by ":WEIGHT".
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tinydigit/host/dataset/images.hpp"

namespace tinydigit::images {

inline constexpr double kMaxSourceWeight = 1000.0;

struct SourceSpec {
    std::string text;             // as given on the command line
    std::filesystem::path path;   // empty for mnist
    bool mnist = false;           // the word "mnist": the cached MNIST set (./mnist names a folder)
    double weight = 1.0;          // how many times each training image is drawn per epoch
    bool weighted = false;        // ":WEIGHT" was given
};

// "PATH[:WEIGHT]". The part after the last ':' is a weight when it starts with a digit, '.',
// '+' or '-' and holds no '/' (so "photos:old" and "runs:2024/x" stay paths); it must then be
// a number above 0 and at most kMaxSourceWeight. A file whose name ends in ":4" is named
// with an explicit weight: "scan:4:1". Throws cli::UsageError naming the text.
SourceSpec parse_source(const std::string& text);

enum class MnistPart { kTrain, kTest };

struct LabeledSource {
    dataset::Images images;            // labeled, 28x28
    std::string name;                  // "mnist", or the file or folder name (history columns)
    std::string path;                  // absolute, as a checkpoint records it
    std::vector<std::string> skipped;  // image folders: files left out and why
    std::vector<int> empty_classes;    // image folders: digits without an image
    // What source_sha256 reads: the file or folder as it was opened (`path` is made lexically
    // normal, which through a symlink and ".." can name another place), and for a folder each
    // image's file relative to it.
    std::filesystem::path read_from;
    bool folder = false;
    std::vector<std::filesystem::path> folder_files;
};

// Reads a source (mnist: the `mnist_part` of the cache). Throws dataset::DataError naming the
// source when it cannot be read, is unlabeled or holds no image.
LabeledSource load_labeled_source(const SourceSpec& spec, MnistPart mnist_part);

// The source's SHA-256 as `train` records it (its provenance, which --resume compares): of the
// file, or image_folder_sha256 of an image folder. Apart from loading, as only train needs it:
// evaluate reads the same sources without hashing them. Throws common::IoError naming a file
// that cannot be read.
std::string source_sha256(const LabeledSource& source);

// Names made unique by appending "_2", "_3", ... (two folders called "digits" in different
// places), with any character other than [A-Za-z0-9_.-] replaced by '_'.
std::vector<std::string> unique_names(const std::vector<LabeledSource>& sources);

}  // namespace tinydigit::images
