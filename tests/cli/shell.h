#pragma once

// Small helpers for tests and benches that run programs through the shell.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nf::test {

inline std::string readFile(const std::filesystem::path& path)
{
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

inline std::string shellQuote(const std::string& text)
{
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

} // namespace nf::test
