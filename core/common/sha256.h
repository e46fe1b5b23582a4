#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace nf {

// Lower-case hex SHA-256 of a byte string.
std::string sha256Hex(std::string_view bytes);

// SHA-256 fed in pieces, for files read once while being parsed (lm-eval samples files are
// hashed as they stream through the parser instead of being read twice).
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(std::string_view bytes);
    // Lower-case hex of everything fed so far; the hasher is spent afterwards.
    std::string hexDigest();

private:
    struct Context;
    std::unique_ptr<Context> m_context;
};

// Lower-case hex SHA-256 of a file's bytes; throws InputError naming the file when it cannot be read.
std::string sha256File(const std::filesystem::path& path);

// A config group's key: sha256 over its canonical params JSON and the sha256 of its model and of
// its data. Content, never paths: the same model file moved elsewhere is the same group.
std::string groupHash(const std::string& paramsJson, const std::string& modelSha256,
                      const std::string& taskSha256);

} // namespace nf
