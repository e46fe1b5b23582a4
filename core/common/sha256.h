#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nf {

// Lower-case hex SHA-256 of a byte string.
std::string sha256Hex(std::string_view bytes);

// Lower-case hex SHA-256 of a file's bytes; throws InputError naming the file when it cannot be read.
std::string sha256File(const std::filesystem::path& path);

// A config group's key: sha256 over its canonical params JSON and the sha256 of its model and of
// its data. Content, never paths: the same model file moved elsewhere is the same group.
std::string groupHash(const std::string& paramsJson, const std::string& modelSha256,
                      const std::string& taskSha256);

} // namespace nf
