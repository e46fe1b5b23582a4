// readRunsJsonl on arbitrary bytes as a runs.jsonl file: accepted runs must keep the promises the
// import relies on (0/1 items, per-item arrays as long as "correct", one item count and one
// subject list per task, unique uids), and each must survive its own export line unchanged.
#include "formats/runs_jsonl.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_target.h"

#include <map>
#include <set>

using nf::formats::RunRecord;
using nf::fuzz::promise;

namespace {

void checkRun(const RunRecord& run)
{
    promise(!run.model.empty() && !run.task.empty(), "a model and a task");
    promise(run.line >= 1, "a line number from 1");
    promise(run.durationSeconds >= 0, "a non-negative duration");
    if (run.accuracy) {
        promise(*run.accuracy >= 0 && *run.accuracy <= 1 && run.correct.empty(), "a run-level accuracy in [0, 1]");
        promise(run.nItems >= 0, "n_items >= 0");
        return;
    }
    const size_t n = run.correct.size();
    promise(n > 0, "a per-item run has items");
    for (const uint8_t value : run.correct)
        promise(value <= 1, "correct is 0 or 1");
    for (const size_t size : {run.subjects.size(), run.predicted.size(), run.pTrue.size(), run.nShots.size(),
                              run.promptHash.size()})
        promise(size == 0 || size == n, "per-item arrays as long as correct");
    for (const double p : run.pTrue)
        promise(p >= 0 && p <= 1, "p_true in [0, 1]");
    for (const int32_t shots : run.nShots)
        promise(shots >= 0, "n_shots >= 0");
}

// The run as its export line writes it and the reader reads that line back.
RunRecord roundTrip(const RunRecord& run)
{
    const auto path = nf::fuzz::scratchFolder() / "again.jsonl";
    nf::fuzz::writeFile(path, nf::formats::runsJsonlLine(run) + "\n");
    const auto again = nf::formats::readRunsJsonl(path);
    promise(again.runs.size() == 1, "one export line is one run");
    return again.runs[0];
}

void checkRoundTrip(const RunRecord& run)
{
    RunRecord again = roundTrip(run);
    again.line = run.line;
    const auto same = [](const RunRecord& a, const RunRecord& b) {
        return a.model == b.model && a.task == b.task && a.configJson == b.configJson && a.seed == b.seed &&
               a.startedAt == b.startedAt && a.correct == b.correct && a.accuracy == b.accuracy &&
               a.subjects == b.subjects && a.predicted == b.predicted && a.pTrue == b.pTrue &&
               a.nShots == b.nShots && a.promptHash == b.promptHash && a.uid == b.uid &&
               a.environmentJson == b.environmentJson && a.modelSha256 == b.modelSha256 &&
               a.taskSha256 == b.taskSha256 && a.label == b.label;
    };
    promise(same(run, again), "a run reads back the same from its export line");
    // The writer leaves out what it need not say: n_items of 0, a duration of 0.
    promise(again.nItems == (run.nItems > 0 ? run.nItems : 0) || !run.accuracy, "n_items reads back");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto path = nf::fuzz::scratchFolder() / "runs.jsonl";
    nf::fuzz::writeFile(path, std::string_view(reinterpret_cast<const char*>(data), size));
    nf::formats::RunsFile file;
    if (!nf::fuzz::acceptedOrRefused([&] { file = nf::formats::readRunsJsonl(path); }))
        return 0;
    promise(!file.runs.empty(), "an accepted file has runs");
    std::map<std::string, size_t> itemsOfTask;
    std::map<std::string, std::vector<std::string>> subjectsOfTask;
    std::set<std::string> uids;
    int64_t line = 0;
    for (const RunRecord& run : file.runs) {
        checkRun(run);
        promise(run.line > line, "runs in line order");
        line = run.line;
        promise(run.uid.empty() || uids.insert(run.uid).second, "unique uids");
        if (run.accuracy)
            continue;
        promise(itemsOfTask.try_emplace(run.task, run.correct.size()).first->second == run.correct.size(),
                "one item count per task");
        if (!run.subjects.empty())
            promise(subjectsOfTask.try_emplace(run.task, run.subjects).first->second == run.subjects,
                    "one subject list per task");
    }
    checkRoundTrip(file.runs.front());
    return 0;
}

namespace nf::fuzz {

std::vector<std::string> seeds()
{
    RunRecord full;
    full.model = "tiny-llama";
    full.task = "mmlu:test (3 subjects)";
    full.configJson = R"({"batch_size":4,"decoding":"greedy","temperature":0.7})";
    full.seed = 3;
    full.startedAt = "2024-05-13T13:42:28Z";
    full.correct = {1, 0, 1, 1};
    full.subjects = {"abstract_algebra", "abstract_algebra", "world_religions", "\xe4\xb8\xad\xe6\x96\x87"};
    full.predicted = {1, 2, 0, 3};
    full.pTrue = {0.9, 0.25, 1, 0.5};
    full.nShots = {5, 5, 4, 0};
    full.promptHash = {-1, 9223372036854775807, 0, 42};
    full.uid = "0123456789abcdef";
    full.environmentJson = R"({"gpu.name":"NVIDIA H100","torch.version":"2.4.0"})";
    full.modelSha256 = std::string(64, 'a');
    full.taskSha256 = std::string(64, 'b');
    full.label = "baseline";
    full.durationSeconds = 12.5;

    RunRecord second = full;
    second.seed = -7;
    second.uid = "fedcba9876543210";
    second.correct = {0, 0, 1, 0};
    second.subjects.clear();

    RunRecord scoreOnly;
    scoreOnly.model = "other";
    scoreOnly.task = "llamafactory (scores only)";
    scoreOnly.configJson = "{}";
    scoreOnly.accuracy = 0.7028;
    scoreOnly.nItems = 14042;

    const std::string fullLine = nf::formats::runsJsonlLine(full);
    return {
        fullLine + "\n" + nf::formats::runsJsonlLine(second) + "\n",
        nf::formats::runsJsonlLine(scoreOnly) + "\n",
        "\xEF\xBB\xBF" + fullLine + "\r\n\r\n" + nf::formats::runsJsonlLine(scoreOnly),
        R"({"model":"m","task":"t","config":{},"seed":1,"correct":[true,false,1,0]})" "\n",
    };
}

std::vector<std::string> dictionary()
{
    return jsonDictionary({"\"model\"", "\"task\"", "\"config\"", "\"seed\"", "\"started_at\"", "\"correct\"",
                           "\"accuracy\"", "\"n_items\"", "\"subjects\"", "\"predicted\"", "\"p_true\"",
                           "\"n_shots\"", "\"prompt_hash\"", "\"uid\"", "\"environment\"", "\"model_sha256\"",
                           "\"task_sha256\"", "\"label\"", "\"duration_s\"", "[0,1]", "[true]", "[2]", "[0.5]",
                           "\"2024-13-45T99:99:99Z\"", "\n", "\r\n"});
}

std::string repair(std::string input, uint64_t)
{
    return input;
}

} // namespace nf::fuzz
