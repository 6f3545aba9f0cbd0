#include "tinydigit/host/training/submission.hpp"

#include <stdexcept>

#include "tinydigit/host/common/atomic_file.hpp"

namespace tinydigit::trainer {

std::string submission_csv(std::span<const std::uint8_t> labels) {
    std::string csv = "ImageId,Label\n";
    csv.reserve(csv.size() + labels.size() * 9);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] > 9)
            throw std::invalid_argument("submission: image " + std::to_string(i + 1) + " has label " +
                                        std::to_string(labels[i]) + ", not a digit 0..9");
        csv += std::to_string(i + 1);
        csv += ',';
        csv += static_cast<char>('0' + labels[i]);
        csv += '\n';
    }
    return csv;
}

void write_submission(const std::filesystem::path& path, std::span<const std::uint8_t> labels) {
    common::write_file_atomically(path, submission_csv(labels));
}

}  // namespace tinydigit::trainer
