#pragma once

// What the fuzz targets share: the promise every refusal keeps (an nf::InputError with a short,
// printable message in the project's words), a scratch folder for readers that take paths, and
// the fixtures under tests/data that seed them. Header-only; a target includes it once.

#include "common/error.h"
#include "common/text.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#ifndef NF_TEST_DATA_DIR
#error "NF_TEST_DATA_DIR must name tests/data (nf_fuzz_target defines it)"
#endif

namespace nf::fuzz {

// An accepted input whose result breaks what the parser promises its callers.
inline void promise(bool condition, const std::string& broken)
{
    if (!condition)
        throw std::logic_error("an accepted input breaks a promise: " + broken);
}

// The message of a refusal: one line a user can read and act on. Bounded (a file's content
// quoted in it is cut), valid UTF-8 without control characters, and none of a library's own
// text (nlohmann::json's "[json.exception...]").
inline void checkMessage(const std::string& message)
{
    if (message.size() > 2000)
        throw std::logic_error("an error message of " + std::to_string(message.size()) + " bytes: " +
                               nf::printableExcerpt(message, 200));
    if (nf::printableExcerpt(message, std::numeric_limits<size_t>::max()) != message)
        throw std::logic_error("an error message with control characters or broken UTF-8: " +
                               nf::printableExcerpt(message, 300));
    if (message.find("[json.exception") != std::string::npos)
        throw std::logic_error("an error message with the JSON library's own text: " +
                               nf::printableExcerpt(message, 300));
}

// Runs `read`; an nf::InputError is a refusal whose message must pass checkMessage. Anything else
// escapes. True when the input was accepted.
template <typename Read> bool acceptedOrRefused(Read&& read)
{
    try {
        read();
        return true;
    } catch (const nf::InputError& error) {
        checkMessage(error.what());
        return false;
    }
}

// A folder of this process's own for the files a path-taking reader reads, made once and
// removed at exit: in /dev/shm when there is one (no disk writes at thousands of files a second),
// else in $TMPDIR.
inline const std::filesystem::path& scratchFolder()
{
    static const std::filesystem::path folder = [] {
        std::error_code error;
        std::filesystem::path base = "/dev/shm";
        if (!std::filesystem::is_directory(base, error) || ::access(base.c_str(), W_OK) != 0) {
            const char* tmp = std::getenv("TMPDIR");
            base = tmp && *tmp ? tmp : "/tmp";
        }
        const auto made = base / ("nf-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(made);
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(scratchFolder(), ignored);
        });
        return made;
    }();
    return folder;
}

inline void writeFile(const std::filesystem::path& path, std::string_view bytes)
{
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("fuzz: cannot write " + path.string());
}

// A fixture's bytes: tests/data/<relative> of the source tree this target was built from.
inline std::string testData(const std::string& relative)
{
    const std::filesystem::path path = std::filesystem::path(NF_TEST_DATA_DIR) / relative;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("fuzz: the seed " + path.string() + " cannot be read");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every regular file under tests/data/<folder> whose name ends with `suffix`, sorted by path.
inline std::vector<std::string> testDataFiles(const std::string& folder, const std::string& suffix)
{
    std::vector<std::filesystem::path> paths;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(std::filesystem::path(NF_TEST_DATA_DIR) / folder)) {
        if (entry.is_regular_file() && entry.path().filename().string().ends_with(suffix))
            paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<std::string> files;
    for (const auto& path : paths)
        files.push_back(testData(path.lexically_relative(NF_TEST_DATA_DIR).string()));
    if (files.empty())
        throw std::runtime_error("fuzz: no *" + suffix + " seeds under tests/data/" + folder);
    return files;
}

// JSON's syntax and the values that test a reader's limits, for every JSON target's dictionary.
inline std::vector<std::string> jsonDictionary(std::vector<std::string> more)
{
    std::vector<std::string> tokens = {
        "{", "}", "[", "]", ",", ":", "\"", "\\\"", "\\u0000", "\\ud800", "\\n", "null", "true", "false", "-1",
        "1e400", "-1e309", "0.5", "1.0", "18446744073709551615", "18446744073709551616", "9223372036854775808",
        "-9223372036854775809", "2147483648", "4294967296", "\xff", "\xc3", "\xe2\x80\xae", "\x7f", "[]",
        "{}", "\"\"", "[[[[[[[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":"};
    tokens.insert(tokens.end(), more.begin(), more.end());
    return tokens;
}

} // namespace nf::fuzz
