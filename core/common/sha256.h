#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nf {

// Lower-case hex SHA-256 of a byte string.
std::string sha256Hex(std::string_view bytes);

// Lower-case hex SHA-256 of a file's bytes; throws InputError naming the file when it cannot be read.
std::string sha256File(const std::filesystem::path& path);

} // namespace nf
