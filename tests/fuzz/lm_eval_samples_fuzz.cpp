// lm-eval's samples_<task>_<date>.jsonl from arbitrary bytes: read by the streaming reader alone
// (lines in order, each with what it promises), then imported as arc_easy's samples beside
// tests/data's mmlu-small results and its other samples files, so that the checks against the
// reported scores run too. An accepted batch must keep the import's promises (import_checks.h).
#include "formats/importers/lm_eval.h"
#include "formats/importers/lm_eval_samples.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_target.h"
#include "fuzz/import_checks.h"

#include <cmath>

using nf::fuzz::promise;

namespace {

constexpr const char* kDate = "2024-05-13T13-42-28.123456";
constexpr const char* kFixture = "import/lm-eval/mmlu-small/";

// The results file and the samples of the tasks not fuzzed, written once per process.
const std::filesystem::path& folder()
{
    static const std::filesystem::path made = [] {
        const auto dir = nf::fuzz::scratchFolder() / "lm-eval-samples";
        const std::string results = std::string("results_") + kDate + ".json";
        nf::fuzz::writeFile(dir / results, nf::fuzz::testData(kFixture + results));
        for (const char* task : {"mmlu_abstract_algebra", "mmlu_high_school_physics", "mmlu_world_religions"}) {
            const std::string samples = std::string("samples_") + task + "_" + kDate + ".jsonl";
            nf::fuzz::writeFile(dir / samples, nf::fuzz::testData(kFixture + samples));
        }
        return dir;
    }();
    return made;
}

void checkLine(const nf::formats::lmeval::SampleLine& line, int64_t& previous)
{
    promise(line.line > previous, "lines in file order");
    previous = line.line;
    promise(!line.metric || std::isfinite(*line.metric), "a finite metric value");
    promise(line.predicted >= -1, "a predicted choice from 0, or -1");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto path = folder() / (std::string("samples_arc_easy_") + kDate + ".jsonl");
    nf::fuzz::writeFile(path, std::string_view(reinterpret_cast<const char*>(data), size));
    int64_t previous = 0;
    nf::fuzz::acceptedOrRefused([&] {
        const std::string sha256 = nf::formats::lmeval::readSamples(
            path, "acc", [&](const nf::formats::lmeval::SampleLine& line) { checkLine(line, previous); });
        promise(sha256.size() == 64, "a sha256 of the file");
    });
    nf::formats::ImportBatch batch;
    if (nf::fuzz::acceptedOrRefused([&] {
            batch = nf::formats::readLmEval(folder() / (std::string("results_") + kDate + ".json"), {});
        }))
        nf::fuzz::checkImportBatch(batch);
    return 0;
}

namespace nf::fuzz {

std::vector<std::string> seeds()
{
    return testDataFiles("import/lm-eval", ".jsonl");
}

std::vector<std::string> dictionary()
{
    return jsonDictionary({"\"doc_id\"", "\"doc\"", "\"target\"", "\"arguments\"", "\"resps\"",
                           "\"filtered_resps\"", "\"filter\"", "\"none\"", "\"strict-match\"", "\"acc\"",
                           "\"acc_norm\"", "\"exact_match\"", "\"metrics\"", "\"doc_hash\"", "\"True\"",
                           "\"False\"", "[[\"-1.5\", \"False\"]]", "[\"-1.5\", \"True\"]", "\"-inf\"", "\"nan\"",
                           "\"gen_args_0\"", "\"arg_0\"", "\n", "\r\n", "\\\\", "\"\\\"\""});
}

std::string repair(std::string input, uint64_t)
{
    return input;
}

} // namespace nf::fuzz
