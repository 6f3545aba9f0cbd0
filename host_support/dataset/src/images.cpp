#include "tinydigit/host/dataset/images.hpp"

namespace tinydigit::dataset {

void append(Images& a, const Images& b) {
    if (a.count() > 0 && a.labeled() != b.labeled()) {
        throw DataError(b.source + ": cannot mix labeled and unlabeled images with " + a.source);
    }
    a.pixels.insert(a.pixels.end(), b.pixels.begin(), b.pixels.end());
    a.labels.insert(a.labels.end(), b.labels.begin(), b.labels.end());
    a.source = a.source.empty() ? b.source : a.source + " + " + b.source;
}

}  // namespace tinydigit::dataset
