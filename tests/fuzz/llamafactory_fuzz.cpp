// readLlamaFactory on a save_dir made from arbitrary bytes: results.json, then, after a line
// "#results.log", a results.log beside it. Read scored against tests/data/mcq's MMLU or CMMLU
// folder (whichever the bytes' first subject suggests) and without a data folder. An accepted
// run must keep the import's promises: items in index order inside the data, answers among the
// item's letters, correctness that agrees with the data, a run-level score in [0, 1].
#include "formats/importers/llamafactory.h"
#include "formats/mcq.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_target.h"

#include <cmath>

using nf::formats::ImportBatch;
using nf::formats::McqTask;
using nf::fuzz::promise;

namespace {

constexpr std::string_view kLogMarker = "\n#results.log\n";

const McqTask& benchmark(bool chinese)
{
    static const McqTask mmlu = nf::formats::loadMcqTask("mmlu:" NF_TEST_DATA_DIR "/mcq/mmlu");
    static const McqTask cmmlu = nf::formats::loadMcqTask("cmmlu:" NF_TEST_DATA_DIR "/mcq/cmmlu");
    return chinese ? cmmlu : mmlu;
}

void checkScored(const ImportBatch& batch, const McqTask& data)
{
    promise(batch.runs.size() == 1, "one run per save_dir");
    const auto& run = batch.runs[0];
    promise(run.task && run.task->nItems == data.n(), "the data's task");
    promise(!run.idx.empty() && run.idx.size() == run.correct.size() && run.idx.size() == run.predicted.size(),
            "one index, correctness and answer per item");
    for (size_t i = 0; i < run.idx.size(); ++i) {
        const int64_t index = run.idx[i];
        promise(index >= 0 && index < data.n() && (i == 0 || run.idx[i - 1] < index), "indices in order, in the data");
        const auto& item = data.items[static_cast<size_t>(index)];
        promise(run.predicted[i] >= 0 && run.predicted[i] < static_cast<int32_t>(item.choices.size()),
                "an answer among the item's letters");
        promise(run.correct[i] == (run.predicted[i] == item.answer ? 1 : 0), "correctness agrees with the data");
    }
}

void checkScoresOnly(const ImportBatch& batch)
{
    promise(batch.runs.size() == 1, "one run per save_dir");
    const auto& run = batch.runs[0];
    promise(run.runLevelAccuracy && *run.runLevelAccuracy >= 0 && *run.runLevelAccuracy <= 1 &&
                run.correct.empty(),
            "a run-level accuracy in [0, 1] and no items");
    promise(run.runLevelItems >= 0, "a non-negative item count");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const size_t marker = input.find(kLogMarker);
    const auto dir = nf::fuzz::scratchFolder() / "save_dir";
    nf::fuzz::writeFile(dir / "results.json", input.substr(0, marker));
    std::filesystem::remove(dir / "results.log");
    if (marker != std::string_view::npos)
        nf::fuzz::writeFile(dir / "results.log", input.substr(marker + kLogMarker.size()));

    const McqTask& benchmarkData = benchmark(input.find("chinese") != std::string_view::npos ||
                                             input.find("computer_science") != std::string_view::npos);
    ImportBatch batch;
    nf::formats::LlamaFactoryOptions options;
    options.data = &benchmarkData;
    if (nf::fuzz::acceptedOrRefused([&] { batch = nf::formats::readLlamaFactory(dir, options); }))
        checkScored(batch, benchmarkData);
    options.data = nullptr;
    options.seed = 1;
    if (nf::fuzz::acceptedOrRefused([&] { batch = nf::formats::readLlamaFactory(dir, options); }))
        checkScoresOnly(batch);
    if (marker != std::string_view::npos) {
        nf::formats::LlamaFactoryScores scores;
        if (nf::fuzz::acceptedOrRefused([&] { scores = nf::formats::readLlamaFactoryLog(dir / "results.log"); })) {
            promise(scores.average && std::isfinite(*scores.average) && *scores.average >= 0 &&
                        *scores.average <= 100,
                    "an Average from 0 to 100");
            for (const auto& [name, score] : scores.categories)
                promise(std::isfinite(score) && score >= 0 && score <= 100, "category scores from 0 to 100");
        }
    }
    return 0;
}

namespace nf::fuzz {

std::vector<std::string> seeds()
{
    std::vector<std::string> all;
    for (const char* run : {"mmlu-seed1", "mmlu-seed2", "cmmlu-run", "broken/wrong-average", "broken/unknown-subject",
                            "broken/row-out-of-range"}) {
        const std::string folder = std::string("import/llamafactory/") + run;
        all.push_back(testData(folder + "/results.json") + std::string(kLogMarker) +
                      testData(folder + "/results.log"));
    }
    for (const char* run : {"broken/bad-letter", "broken/truncated"})
        all.push_back(testData(std::string("import/llamafactory/") + run + "/results.json"));
    all.push_back("{}" + std::string(kLogMarker) + testData("import/llamafactory/scores-only/results.log"));
    return all;
}

std::vector<std::string> dictionary()
{
    return jsonDictionary({"\"abstract_algebra\"", "\"high_school_physics\"", "\"world_religions\"",
                           "\"chinese_history\"", "\"computer_science\"", "\"0\"", "\"7\"", "\"99\"", "\"-1\"",
                           "\"999999999\"", "\"1e3\"", "\"A\"", "\"D\"", "\"E\"", "\"a\"", "\"AB\"", std::string(kLogMarker),
                           "Average: ", "        Average: 70.28\n", "STEM: ", ": 100.01", ": nan", ": inf", ": -0",
                           ": 1e2", ": 0x10"});
}

std::string repair(std::string input, uint64_t)
{
    return input;
}

} // namespace nf::fuzz
