// A fuzz driver for g++ builds and ctest: runs a target (fuzz_target.h) on its seeds, then on a
// fixed number of deterministic mutations of them. Not coverage-guided like libFuzzer, but it
// needs no clang and runs in every CI build. Any exception out of the target, or a crash, fails.
//
//   <name>_fuzz_driver [--iterations N] [--seed S] [--regressions DIR]
//                       the files in DIR (inputs that once failed; none when DIR is missing),
//                       the seeds, then N mutations from random seed S
//                       (N: NF_FUZZ_ITERATIONS, a twentieth under ASan)
//   <name>_fuzz_driver FILE...                      the target on each file (a failure to replay)
//   <name>_fuzz_driver --write-corpus DIR           the seeds as files, and DIR.dict: libFuzzer's start

#include "fuzz/fuzz_target.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

#ifndef NF_FUZZ_NAME
#define NF_FUZZ_NAME "target"
#endif
#ifndef NF_FUZZ_ITERATIONS
#define NF_FUZZ_ITERATIONS 100000
#endif

// Sanitizers (in the asan preset's Debug build) slow each run about twentyfold; the ctest run
// keeps to about the same time.
#if defined(__SANITIZE_ADDRESS__)
constexpr uint64_t kSlowdown = 20;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr uint64_t kSlowdown = 20;
#else
constexpr uint64_t kSlowdown = 1;
#endif
#else
constexpr uint64_t kSlowdown = 1;
#endif

namespace {

// Keeps an input small enough that one iteration stays cheap.
constexpr size_t kMaxInputBytes = 1 << 20;

// splitmix64: the same sequence on every platform and standard library, unlike <random>'s
// distributions.
class Random
{
public:
    explicit Random(uint64_t seed) : m_state(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // In [0, n); 0 when n is 0.
    size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
    bool oneIn(size_t n) { return below(n) == 0; }
    template <typename T> const T& pick(const std::vector<T>& items) { return items[below(items.size())]; }

private:
    uint64_t m_state;
};

const std::vector<std::string> kNumbers = {"0",
                                           "-0",
                                           "-1",
                                           "1",
                                           "7",
                                           "8",
                                           "255",
                                           "65536",
                                           "4294967296",
                                           "9223372036854775807",
                                           "9223372036854775808",
                                           "18446744073709551615",
                                           "18446744073709551616",
                                           "99999999999999999999999999",
                                           "1e400",
                                           "-1e400",
                                           "1e-400",
                                           "0.5",
                                           "1E2",
                                           "-9223372036854775808",
                                           "100000000",
                                           "100000001"};

const std::vector<uint64_t> kLengths = {
    0, 1, 7, 8, 16, 99'999'999, 100'000'000, 100'000'001, 1ull << 32, 1ull << 63, UINT64_MAX};

std::string nesting(Random& random)
{
    static const std::array<size_t, 6> depths = {63, 64, 65, 200, 10'000, 100'000};
    static const std::array<std::string_view, 4> openers = {"[", "{\"a\":", "{\"t\":{\"shape\":", "[{\"x\":"};
    const size_t depth = depths[random.below(depths.size())];
    const std::string_view opener = openers[random.below(openers.size())];
    std::string text;
    text.reserve(depth * opener.size());
    for (size_t i = 0; i < depth; ++i)
        text += opener;
    return text;
}

void setLength(std::string& input, uint64_t length)
{
    if (input.size() < 8)
        input.resize(8, '\0');
    for (size_t i = 0; i < 8; ++i)
        input[i] = static_cast<char>((length >> (8 * i)) & 0xFF);
}

uint64_t lengthOf(const std::string& input)
{
    uint64_t length = 0;
    for (size_t i = 0; i < 8 && i < input.size(); ++i)
        length |= uint64_t(static_cast<unsigned char>(input[i])) << (8 * i);
    return length;
}

// The first `c` at or after `from`, else the first in `text`.
size_t findFrom(const std::string& text, char c, size_t from)
{
    const size_t found = text.find(c, from);
    return found == std::string::npos ? text.find(c) : found;
}

// A dictionary token that starts with `first`, or "" when none does.
std::string pickStartingWith(Random& random, const std::vector<std::string>& dictionary, char first)
{
    const size_t start = random.below(dictionary.size());
    for (size_t i = 0; i < dictionary.size(); ++i) {
        const std::string& token = dictionary[(start + i) % dictionary.size()];
        if (!token.empty() && token[0] == first)
            return token;
    }
    return {};
}

// One mutation of `input`, in place.
void mutate(std::string& input, Random& random, const std::vector<std::string>& seeds,
            const std::vector<std::string>& dictionary)
{
    const size_t size = input.size();
    const size_t at = random.below(size + 1);
    switch (random.below(14)) {
    case 0: // flip a bit
        if (size > 0)
            input[random.below(size)] ^= static_cast<char>(1 << random.below(8));
        break;
    case 1: { // a byte set to one that matters to a parser
        static const char bytes[] = "\0\xff\"\\{}[],:0-9eE. \n\x7f\x80\xc0";
        if (size > 0)
            input[random.below(size)] = bytes[random.below(sizeof bytes - 1)];
        break;
    }
    case 2: { // random bytes inserted
        std::string bytes(1 + random.below(8), '\0');
        for (char& c : bytes)
            c = static_cast<char>(random.next());
        input.insert(at, bytes);
        break;
    }
    case 3: // a range deleted
        input.erase(std::min(at, size), 1 + random.below(16));
        break;
    case 4: // truncated
        input.resize(random.below(size + 1));
        break;
    case 5: { // the length prefix edited
        const uint64_t now = lengthOf(input);
        static const std::array<int64_t, 6> steps = {-8, -1, 1, 8, 64, -64};
        if (random.oneIn(2))
            setLength(input, random.pick(kLengths));
        else if (random.oneIn(3))
            setLength(input, size >= 8 ? size - 8 - random.below(std::min<size_t>(size - 8, 16) + 1) : 0);
        else
            setLength(input, now + static_cast<uint64_t>(steps[random.below(steps.size())]));
        break;
    }
    case 6: // a token spliced in
        input.insert(at, random.pick(dictionary));
        break;
    case 7: { // a token replacing what is there
        const std::string& token = random.pick(dictionary);
        input.replace(std::min(at, size), random.below(token.size() + 4), token);
        break;
    }
    case 8: { // a number replaced by an extreme one
        size_t digit = input.find_first_of("0123456789", at);
        if (digit == std::string::npos)
            digit = input.find_first_of("0123456789");
        if (digit == std::string::npos)
            break;
        const size_t end = input.find_first_not_of("0123456789", digit);
        input.replace(digit, (end == std::string::npos ? size : end) - digit, random.pick(kNumbers));
        break;
    }
    case 9: // deep nesting
        input.insert(at, nesting(random));
        break;
    case 10: { // a range repeated elsewhere
        if (size == 0)
            break;
        const size_t from = random.below(size);
        const std::string chunk = input.substr(from, 1 + random.below(64));
        input.insert(random.below(size + 1), chunk);
        break;
    }
    case 11: { // a quoted string replaced by a quoted token: keeps the syntax, changes a key or value
        const size_t open = findFrom(input, '"', at);
        const size_t close = open == std::string::npos ? open : input.find('"', open + 1);
        const std::string token = pickStartingWith(random, dictionary, '"');
        if (close != std::string::npos && !token.empty())
            input.replace(open, close - open + 1, token);
        break;
    }
    case 12: { // an innermost [list] replaced by another list, a number or null
        const size_t open = input.rfind('[', at);
        const size_t close = open == std::string::npos ? open : input.find_first_of("[]", open + 1);
        if (close == std::string::npos || input[close] != ']')
            break;
        std::string token = pickStartingWith(random, dictionary, '[');
        if (token.empty() || random.oneIn(3))
            token = random.oneIn(4) ? "null" : random.pick(kNumbers);
        input.replace(open, close - open + 1, token);
        break;
    }
    default: { // part of another seed spliced in
        const std::string& other = random.pick(seeds);
        const size_t from = random.below(other.size() + 1);
        input.insert(at, other.substr(from, random.below(other.size() - from + 1)));
        break;
    }
    }
    if (input.size() > kMaxInputBytes)
        input.resize(kMaxInputBytes);
}

std::string hexExcerpt(const std::string& input)
{
    std::string text;
    char byte[4];
    for (size_t i = 0; i < input.size() && i < 64; ++i) {
        std::snprintf(byte, sizeof byte, "%02x ", static_cast<unsigned char>(input[i]));
        text += byte;
    }
    return text + (input.size() > 64 ? "…" : "");
}

std::string failureFile()
{
    return std::string("fuzz-failure-") + NF_FUZZ_NAME + ".bin";
}

// The input being run, for the crash handler to save: a crash cannot be caught like an exception.
const std::string* g_running = nullptr;
char g_crashFile[256];

extern "C" void onCrash(int signal)
{
    // Only async-signal-safe calls here.
    const char message[] = "fuzz driver: the target crashed; its input is saved as fuzz-failure-*.bin\n";
    ssize_t ignored = ::write(2, message, sizeof message - 1);
    if (g_running) {
        const int fd = ::open(g_crashFile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            ignored = ::write(fd, g_running->data(), g_running->size());
            ::close(fd);
        }
    }
    (void)ignored;
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

void saveInputsOnCrash()
{
    std::snprintf(g_crashFile, sizeof g_crashFile, "%s", failureFile().c_str());
    for (const int signal : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL})
        std::signal(signal, onCrash);
}

// Runs the target on one input; false (after saying why, and saving the input) when it throws.
bool runOne(const std::string& input, const char* kind, uint64_t index)
{
    const auto label = [&] { return std::string(kind) + " " + std::to_string(index); };
    g_running = &input;
    try {
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
        g_running = nullptr;
        return true;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "%s: %s: the target threw: %s\n", NF_FUZZ_NAME, label().c_str(), error.what());
    } catch (...) {
        std::fprintf(stderr, "%s: %s: the target threw something that is not a std::exception\n",
                     NF_FUZZ_NAME, label().c_str());
    }
    g_running = nullptr;
    const std::string saved = failureFile();
    std::ofstream(saved, std::ios::binary) << input;
    std::fprintf(stderr, "  %zu bytes: %s\n  saved as %s (replay: %s_fuzz_driver %s)\n", input.size(),
                 hexExcerpt(input).c_str(), (std::filesystem::current_path() / saved).c_str(), NF_FUZZ_NAME,
                 saved.c_str());
    return false;
}

std::string dictionaryLine(const std::string& token)
{
    std::string line = "\"";
    char escape[8];
    for (const char c : token) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') {
            std::snprintf(escape, sizeof escape, "\\x%02X", byte);
            line += escape;
        } else {
            line += c;
        }
    }
    return line + "\"\n";
}

int writeCorpus(const std::filesystem::path& folder)
{
    std::filesystem::create_directories(folder);
    const auto seeds = nf::fuzz::seeds();
    for (size_t i = 0; i < seeds.size(); ++i)
        std::ofstream(folder / ("seed-" + std::to_string(i)), std::ios::binary) << seeds[i];
    std::ofstream dict(folder.string() + ".dict");
    for (const std::string& token : nf::fuzz::dictionary())
        dict << dictionaryLine(token);
    std::printf("%zu seeds in %s, the dictionary in %s.dict\n", seeds.size(), folder.c_str(), folder.c_str());
    return 0;
}

int replay(const std::vector<std::string>& files)
{
    int failures = 0;
    for (const std::string& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "%s: cannot be read\n", file.c_str());
            return 2;
        }
        const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::printf("%s\n", file.c_str());
        std::fflush(stdout); // before a crash can lose it
        failures += runOne(input, "file", &file - files.data()) ? 0 : 1;
    }
    std::printf("%zu inputs, %d failed\n", files.size(), failures);
    return failures ? 1 : 0;
}

// The inputs saved under `folder` after they made the target fail, each run once; a missing
// folder has none.
bool replayRegressions(const std::filesystem::path& folder, size_t& count)
{
    std::error_code error;
    if (folder.empty() || !std::filesystem::is_directory(folder, error))
        return true;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        if (entry.is_regular_file())
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!runOne(input, ("regression " + file.filename().string()).c_str(), count++))
            return false;
    }
    return true;
}

int fuzz(uint64_t iterations, uint64_t seed, const std::filesystem::path& regressions)
{
    const auto start = std::chrono::steady_clock::now();
    size_t replayed = 0;
    if (!replayRegressions(regressions, replayed))
        return 1;
    const std::vector<std::string> seeds = nf::fuzz::seeds();
    const std::vector<std::string> dictionary = nf::fuzz::dictionary();
    if (seeds.empty() || dictionary.empty()) {
        std::fprintf(stderr, "%s: the target has no seeds or no dictionary\n", NF_FUZZ_NAME);
        return 2;
    }
    for (size_t i = 0; i < seeds.size(); ++i) {
        if (!runOne(seeds[i], "seed", i))
            return 1;
    }
    Random random(seed);
    std::string input;
    for (uint64_t i = 0; i < iterations; ++i) {
        // Mostly fresh from a seed; sometimes the last input mutated further, to wander further.
        if (input.empty() || !random.oneIn(4))
            input = random.pick(seeds);
        const size_t mutations = 1 + random.below(random.oneIn(4) ? 8 : 3);
        for (size_t m = 0; m < mutations; ++m)
            mutate(input, random, seeds, dictionary);
        if (!random.oneIn(4))
            input = nf::fuzz::repair(std::move(input), random.next());
        if (!runOne(input, "iteration", i)) {
            std::fprintf(stderr, "  (random seed %llu)\n", static_cast<unsigned long long>(seed));
            return 1;
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: %zu regression inputs, %zu seeds and %llu mutated inputs in %.1f s, no failure\n",
                NF_FUZZ_NAME, replayed, seeds.size(), static_cast<unsigned long long>(iterations), seconds);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    uint64_t iterations = NF_FUZZ_ITERATIONS / kSlowdown;
    uint64_t seed = 1;
    std::filesystem::path regressions;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--iterations" && hasValue) {
            iterations = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--seed" && hasValue) {
            seed = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--regressions" && hasValue) {
            regressions = argv[++i];
        } else if (arg == "--write-corpus" && hasValue) {
            return writeCorpus(argv[++i]);
        } else if (arg.starts_with("-")) {
            std::fprintf(stderr,
                         "usage: %s [--iterations N] [--seed S] [--regressions DIR] | FILE... | --write-corpus DIR\n",
                         argv[0]);
            return 2;
        } else {
            files.emplace_back(arg);
        }
    }
    saveInputsOnCrash();
    return files.empty() ? fuzz(iterations, seed, regressions) : replay(files);
}
