#pragma once

#include <stdexcept>

namespace tinydigit::tools {

// A checkpoint or model the tools cannot use; what() is one line for the user.
class QuantizeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace tinydigit::tools
