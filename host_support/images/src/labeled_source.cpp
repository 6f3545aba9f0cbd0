#include "tinydigit/host/images/labeled_source.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "tinydigit/host/common/cli.hpp"
#include "tinydigit/host/common/sha256.hpp"
#include "tinydigit/host/dataset/idx.hpp"
#include "tinydigit/host/dataset/sources.hpp"
#include "tinydigit/host/images/image_folder.hpp"

namespace tinydigit::images {

SourceSpec parse_source(const std::string& text) {
    SourceSpec spec;
    spec.text = text;
    std::string path = text;
    if (const auto colon = text.rfind(':'); colon != std::string::npos) {
        const std::string weight = text.substr(colon + 1);
        const bool number_like = weight.empty() || std::string("0123456789.+-").find(weight[0]) != std::string::npos;
        if (number_like && weight.find('/') == std::string::npos) {
            double value = 0.0;
            const char* first = weight.data() + (weight.starts_with('+') ? 1 : 0);
            const auto [end, ec] = std::from_chars(first, weight.data() + weight.size(), value);
            if (weight.empty() || ec != std::errc() || end != weight.data() + weight.size() || !(value > 0.0) ||
                value > kMaxSourceWeight)
                throw cli::UsageError("--data " + text + ": the weight after ':' must be a number above 0 and at most " +
                                      std::to_string(static_cast<int>(kMaxSourceWeight)) + " (e.g. my_digits/:4), got '" +
                                      weight + "'");
            spec.weight = value;
            spec.weighted = true;
            path = text.substr(0, colon);
        }
    }
    if (path.empty()) throw cli::UsageError("--data " + text + ": no source before the weight");
    spec.mnist = path == "mnist";
    if (!spec.mnist) spec.path = path;
    return spec;
}

LabeledSource load_labeled_source(const SourceSpec& spec, MnistPart mnist_part) {
    LabeledSource source;
    std::error_code ec;
    if (spec.mnist) {
        const auto files = dataset::mnist_files();
        const bool train = mnist_part == MnistPart::kTrain;
        const auto& images = train ? files.train_images : files.test_images;
        source.images = dataset::read_idx(images, train ? files.train_labels : files.test_labels);
        source.name = "mnist";
        source.path = std::filesystem::absolute(images).string();
        source.read_from = images;
    } else if (std::filesystem::is_directory(spec.path, ec)) {
        ImageFolder folder = load_image_folder(spec.path);
        source.images = std::move(folder.images);
        source.folder = true;
        source.folder_files = std::move(folder.files);
        source.skipped = std::move(folder.skipped);
        source.empty_classes = std::move(folder.empty_classes);
    } else {
        source.images = dataset::load_source(spec.path);
        if (!source.images.labeled())
            throw dataset::DataError(spec.path.string() +
                                     (spec.path.extension() == ".csv"
                                          ? ": has no label column (label first, as in Kaggle's train.csv)"
                                          : ": has no labels (put the MNIST-named label file beside it)"));
    }
    if (!spec.mnist) {
        // "digits/" names the folder "digits", not "".
        const auto absolute = std::filesystem::absolute(spec.path).lexically_normal();
        const auto trimmed = absolute.has_filename() ? absolute : absolute.parent_path();
        source.path = trimmed.string();
        source.name = trimmed.filename().string();
        source.read_from = spec.path;
    }
    if (source.images.count() == 0) throw dataset::DataError(spec.text + ": holds no images");
    return source;
}

std::string source_sha256(const LabeledSource& source) {
    return source.folder ? image_folder_sha256(source.read_from, source.folder_files)
                         : common::sha256_hex_of_file(source.read_from);
}

std::vector<std::string> unique_names(const std::vector<LabeledSource>& sources) {
    std::vector<std::string> names;
    for (const auto& source : sources) {
        std::string name = source.name.empty() ? "data" : source.name;
        for (char& c : name)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') c = '_';
        const std::string base = name;
        for (int n = 2; std::find(names.begin(), names.end(), name) != names.end(); ++n) name = base + "_" + std::to_string(n);
        names.push_back(name);
    }
    return names;
}

}  // namespace tinydigit::images
