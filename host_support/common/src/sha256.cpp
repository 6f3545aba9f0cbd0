#include "tinydigit/host/common/sha256.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace tinydigit::common {

namespace {

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
struct DigestFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

using Digest = std::unique_ptr<EVP_MD_CTX, DigestFree>;

Digest new_digest() {
    Digest ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL cannot initialise SHA-256");
    return ctx;
}

std::string final_hex(EVP_MD_CTX* ctx) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx, digest, &length) != 1) throw std::runtime_error("OpenSSL SHA-256 final failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(kHex[digest[i] >> 4]);
        hex.push_back(kHex[digest[i] & 0xF]);
    }
    return hex;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
    const Digest ctx = new_digest();
    if (EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1) throw std::runtime_error("OpenSSL SHA-256 update failed");
    return final_hex(ctx.get());
}

std::string sha256_hex_of_file(const std::filesystem::path& path) {
    if (std::filesystem::is_directory(path)) throw io_error(path, "cannot read", EISDIR);
    const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) throw io_error(path, "cannot open", errno);

    const Digest ctx = new_digest();

    unsigned char chunk[1 << 16];
    for (;;) {
        const std::size_t n = std::fread(chunk, 1, sizeof chunk, file.get());
        if (n > 0 && EVP_DigestUpdate(ctx.get(), chunk, n) != 1)
            throw std::runtime_error("OpenSSL SHA-256 update failed");
        if (n < sizeof chunk) {
            if (std::ferror(file.get())) throw io_error(path, "cannot read", errno);
            break;
        }
    }

    return final_hex(ctx.get());
}

}  // namespace tinydigit::common
