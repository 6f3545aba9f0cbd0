// Kaggle "Digit Recognizer" submission files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace tinydigit::trainer {

// "ImageId,Label\n" then "i,label\n" for i = 1..n (ids are 1-based, in input order).
// Throws std::invalid_argument naming the image when a label is not 0..9.
std::string submission_csv(std::span<const std::uint8_t> labels);

// Writes submission_csv(labels) atomically (common::write_file_atomically; throws
// common::IoError when it cannot be written, std::invalid_argument as above, before writing).
void write_submission(const std::filesystem::path& path, std::span<const std::uint8_t> labels);

}  // namespace tinydigit::trainer
