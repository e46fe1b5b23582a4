#include "common/error.h"
#include "common/sha256.h"
#include "core/error_message.h"
#include "core/scratch_dir.h"
#include "formats/importers/lm_eval.h"
#include "formats/importers/lm_eval_config.h"
#include "formats/mcq.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>

using nf::formats::ImportBatch;
using nf::formats::ImportedRun;
using nf::formats::LmEvalOptions;
using nf::formats::looksLikeLmEvalResults;
using nf::formats::readLmEval;
using nf::test::ScratchDir;
using nlohmann::json;

namespace fs = std::filesystem;

namespace {

const fs::path kData = fs::path(NF_TEST_DATA_DIR);
const fs::path kLmEval = kData / "import" / "lm-eval";
const fs::path kMmluSmall = kLmEval / "mmlu-small" / "results_2024-05-13T13-42-28.123456.json";
const fs::path kCmmlu = kLmEval / "cmmlu" / "results_2024-02-20T08-15-00.654321.json";
const fs::path kRunLevel = kLmEval / "run-level" / "results_2024-06-01T09-00-00.000001.json";
const fs::path kTwoFilters = kLmEval / "two-filters" / "results_2024-07-02T10-11-12.000100.json";

std::string readText(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeText(const fs::path& path, const std::string& text)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

json readJson(const fs::path& path)
{
    return json::parse(readText(path));
}

ImportBatch read(const fs::path& path, const std::string& metric = "acc",
                 const nf::formats::McqTask* data = nullptr, const std::string& filter = "")
{
    LmEvalOptions options;
    options.metric = metric;
    options.filter = filter;
    options.data = data;
    return readLmEval(path, options);
}

std::string readError(const fs::path& path, const std::string& metric = "acc",
                      const nf::formats::McqTask* data = nullptr, const std::string& filter = "")
{
    return nf::test::errorMessage([&] { read(path, metric, data, filter); });
}

const ImportedRun& runNamed(const ImportBatch& batch, const std::string& name)
{
    for (const ImportedRun& run : batch.runs) {
        if (run.where.ends_with(": " + name))
            return run;
    }
    throw std::runtime_error("no run " + name);
}

double accuracy(const ImportedRun& run)
{
    return static_cast<double>(std::accumulate(run.correct.begin(), run.correct.end(), 0)) /
           static_cast<double>(run.correct.size());
}

// Per-subject accuracy of a run, from its items and its task's subjects.
std::map<std::string, double> subjectAccuracy(const ImportedRun& run)
{
    std::map<std::string, std::pair<int, int>> counts;
    for (size_t i = 0; i < run.idx.size(); ++i) {
        auto& [correct, total] = counts[run.task->subjects.at(static_cast<size_t>(run.idx[i]))];
        correct += run.correct[i];
        ++total;
    }
    std::map<std::string, double> accuracies;
    for (const auto& [subject, count] : counts)
        accuracies[subject] = static_cast<double>(count.first) / count.second;
    return accuracies;
}

// Copies a fixture folder into the scratch folder, to break one thing in it.
fs::path copyFixture(const ScratchDir& scratch, const std::string& folder)
{
    const fs::path target = scratch / folder;
    fs::copy(kLmEval / folder, target, fs::copy_options::recursive);
    return target;
}

TEST(LmEvalImport, JoinsTheSubtasksOfAGroupIntoOneRunAndKeepsAnUngroupedTaskApart)
{
    const ImportBatch batch = read(kMmluSmall);
    ASSERT_EQ(batch.runs.size(), 2u);
    EXPECT_EQ(batch.runs[0].where, kMmluSmall.filename().string() + ": arc_easy");
    EXPECT_EQ(batch.runs[1].where, kMmluSmall.filename().string() + ": mmlu");
    EXPECT_TRUE(batch.notes.empty()) << batch.notes.front();

    const ImportedRun& mmlu = runNamed(batch, "mmlu");
    EXPECT_EQ(mmlu.correct.size(), 25u);
    EXPECT_FALSE(mmlu.runLevelAccuracy);
    ASSERT_EQ(mmlu.task->subjects.size(), 25u);
    EXPECT_EQ(mmlu.task->kind, "imported");
    EXPECT_EQ(mmlu.task->path, "");
    EXPECT_EQ(mmlu.task->label, "mmlu (lm-eval, 3 subjects)");
    EXPECT_TRUE(mmlu.task->refs.empty());
    // Items in subject order, then doc_id: abstract_algebra 0-7, high_school_physics 8-17, world_religions
    // 18-24.
    for (size_t i = 0; i < mmlu.idx.size(); ++i)
        EXPECT_EQ(mmlu.idx[i], static_cast<int64_t>(i));
    EXPECT_EQ(mmlu.task->subjects[0], "abstract_algebra");
    EXPECT_EQ(mmlu.task->subjects[7], "abstract_algebra");
    EXPECT_EQ(mmlu.task->subjects[8], "high_school_physics");
    EXPECT_EQ(mmlu.task->subjects[18], "world_religions");
    EXPECT_EQ(mmlu.task->subjects[24], "world_religions");

    const ImportedRun& arc = runNamed(batch, "arc_easy");
    EXPECT_EQ(arc.correct, (std::vector<uint8_t>{1, 1, 0, 1}));
    EXPECT_EQ(arc.task->label, "arc_easy (lm-eval)");
    EXPECT_EQ(arc.task->subjects, std::vector<std::string>(4, "arc_easy"));
}

TEST(LmEvalImport, AccuracyEqualsTheReportedScoreOfEverySubtaskAndGroup)
{
    const json results = readJson(kMmluSmall).at("results");
    const ImportBatch batch = read(kMmluSmall);
    const ImportedRun& mmlu = runNamed(batch, "mmlu");
    EXPECT_NEAR(accuracy(mmlu), results["mmlu"]["acc,none"].get<double>(), 1e-12);
    for (const auto& [subject, value] : subjectAccuracy(mmlu))
        EXPECT_NEAR(value, results["mmlu_" + subject]["acc,none"].get<double>(), 1e-12) << subject;
    EXPECT_NEAR(accuracy(runNamed(batch, "arc_easy")), results["arc_easy"]["acc,none"].get<double>(), 1e-12);

    const json cmmluResults = readJson(kCmmlu).at("results");
    for (const char* metric : {"acc", "acc_norm"}) {
        const ImportedRun cmmlu = read(kCmmlu, metric).runs.at(0);
        EXPECT_NEAR(accuracy(cmmlu), cmmluResults["cmmlu"][std::string(metric) + ",none"].get<double>(),
                    1e-12);
        for (const auto& [subject, value] : subjectAccuracy(cmmlu))
            EXPECT_NEAR(value, cmmluResults["cmmlu_" + subject][std::string(metric) + ",none"].get<double>(),
                        1e-12);
    }
}

TEST(LmEvalImport, PredictedIsTheChoiceWithTheHighestLogLikelihoodForAcc)
{
    const ImportedRun mmlu = runNamed(read(kMmluSmall), "mmlu");
    // The fixture's abstract_algebra answers D C B B B A C C (three of them wrong: items 3, 5).
    EXPECT_EQ(std::vector<int32_t>(mmlu.predicted.begin(), mmlu.predicted.begin() + 8),
              (std::vector<int32_t>{3, 2, 1, 1, 1, 0, 2, 2}));
    const ImportedRun arc = runNamed(read(kMmluSmall, "acc_norm"), "arc_easy");
    EXPECT_EQ(arc.correct, (std::vector<uint8_t>{1, 0, 1, 1}));
    EXPECT_EQ(arc.predicted, std::vector<int32_t>(4, -1)) << "acc_norm's choice needs the choices' lengths";
}

TEST(LmEvalImport, WithTheDataFolderTheRunJoinsTheEnginesTask)
{
    const auto data = nf::formats::loadMcqTask("mmlu:" + (kData / "mcq" / "mmlu").string());
    const ImportBatch batch = read(kMmluSmall, "acc", &data);
    const ImportedRun& mmlu = runNamed(batch, "mmlu");
    EXPECT_EQ(mmlu.task->kind, data.kind);
    EXPECT_EQ(mmlu.task->path, data.spec);
    EXPECT_EQ(mmlu.task->sha256, data.sha256);
    EXPECT_EQ(mmlu.task->label, data.label);
    EXPECT_EQ(mmlu.task->nItems, data.n());
    ASSERT_EQ(mmlu.task->refs.size(), data.items.size());
    for (size_t i = 0; i < data.items.size(); ++i) {
        EXPECT_EQ(mmlu.task->refs[i], std::string(1, nf::formats::choiceLetter(data.items[i].answer)));
        EXPECT_EQ(mmlu.task->subjects[i], data.subjects[static_cast<size_t>(data.items[i].subject)].key);
    }
    for (size_t i = 0; i < mmlu.idx.size(); ++i)
        EXPECT_EQ(mmlu.idx[i], static_cast<int64_t>(i));
    // arc_easy shares no subject with the folder: imported with a task of its own, and said so.
    EXPECT_EQ(runNamed(batch, "arc_easy").task->kind, "imported");
    ASSERT_EQ(batch.notes.size(), 1u);
    EXPECT_NE(batch.notes[0].find("arc_easy"), std::string::npos);

    // CMMLU ran with --limit 5: the first five rows of each subject, indexed into the whole folder.
    const auto cmmluData = nf::formats::loadMcqTask("cmmlu:" + (kData / "mcq" / "cmmlu").string());
    const ImportedRun cmmlu = read(kCmmlu, "acc", &cmmluData).runs.at(0);
    EXPECT_EQ(cmmlu.task->sha256, cmmluData.sha256);
    EXPECT_EQ(cmmlu.idx, (std::vector<int64_t>{0, 1, 2, 3, 4, 7, 8, 9, 10, 11}));
}

TEST(LmEvalImport, RepeatedRunsOfOneBenchmarkShareTheTaskWithoutTheDataFolder)
{
    const auto withSamples = runNamed(read(kMmluSmall), "mmlu");
    const auto runLevel = runNamed(read(kRunLevel), "mmlu");
    EXPECT_EQ(withSamples.task->sha256, runLevel.task->sha256);
    EXPECT_EQ(withSamples.task->subjects, runLevel.task->subjects);
    EXPECT_NE(withSamples.task->sha256, runNamed(read(kMmluSmall), "arc_easy").task->sha256);
    EXPECT_EQ(withSamples.paramsJson, runLevel.paramsJson);
}

TEST(LmEvalImport, RecordsTheSourceFilesWithTheirHashes)
{
    const ImportBatch batch = read(kMmluSmall);
    EXPECT_EQ(batch.source.format, "lm-eval");
    EXPECT_EQ(batch.source.path, fs::absolute(kMmluSmall).lexically_normal().string());
    EXPECT_EQ(batch.source.sha256, nf::sha256File(kMmluSmall));
    ASSERT_EQ(batch.source.otherFiles.size(), 4u);
    for (const auto& file : batch.source.otherFiles) {
        EXPECT_TRUE(fs::path(file.path).is_absolute());
        EXPECT_TRUE(fs::path(file.path).filename().string().starts_with("samples_"));
        EXPECT_EQ(file.sha256, nf::sha256File(file.path)) << file.path;
    }
}

TEST(LmEvalImport, ReadsModelSeedsParamsAndEnvironment)
{
    const ImportedRun run = runNamed(read(kMmluSmall), "mmlu");
    EXPECT_EQ(run.modelLabel, "EleutherAI/pythia-160m");
    EXPECT_EQ(run.modelSha256, nf::formats::importedModelSha256("EleutherAI/pythia-160m", "step143000"));
    EXPECT_EQ(run.seed, 1234);
    EXPECT_TRUE(run.seedKnown);
    EXPECT_EQ(run.notes, "lm-eval seeds: random 0, numpy 1234, torch 1234, fewshot 1234");
    EXPECT_EQ(run.startedAt, "2024-05-13T13:42:28Z");
    EXPECT_DOUBLE_EQ(run.durationSeconds, 53.34);

    const json params = json::parse(run.paramsJson);
    EXPECT_EQ(run.paramsJson, params.dump()) << "compact, keys sorted";
    EXPECT_EQ(params,
              (json{{"harness", "lm-eval"},
                    {"model", "hf"},
                    {"model_args", "pretrained=EleutherAI/pythia-160m,revision=step143000,dtype=float32"},
                    {"batch_size", 8},
                    {"device", "cuda"},
                    {"dtype", "fp32"},
                    {"n_shot", 0},
                    {"metric", "acc"},
                    {"filter", "none"},
                    {"task_version", 1.0},
                    {"group_version", 2}}));

    const json env = json::parse(run.environmentJson);
    EXPECT_EQ(env["torch.version"], "2.3.0+cu121");
    EXPECT_EQ(env["torch.cuda_built"], "yes");
    EXPECT_EQ(env["cuda.runtime_version"], "12010");
    EXPECT_EQ(env["gpu.name"], "NVIDIA A100-SXM4-80GB");
    EXPECT_EQ(env["gpu.driver"], "535.161.08");
    EXPECT_EQ(env["os"], "Ubuntu 22.04.4 LTS");
    EXPECT_EQ(env["kernel"], "5.15.0-105-generic x86_64");
    EXPECT_EQ(env["cpu.model"], "AMD EPYC 7763 64-Core Processor");
    EXPECT_EQ(env["engine.device"], "cuda:0");
    EXPECT_EQ(env["lm_eval.git_hash"], "4600d6bf");
    EXPECT_EQ(env["transformers.version"], "4.40.2");
    EXPECT_EQ(env["python.version"], "3.10.12");
    EXPECT_EQ(env["numpy.version"], "1.26.4");
    for (const auto& [key, value] : env.items())
        EXPECT_TRUE(value.is_string()) << key;

    // An older file: no model_name, a model sha, an auto batch size, a limit.
    const ImportedRun cmmlu = read(kCmmlu).runs.at(0);
    EXPECT_EQ(cmmlu.modelLabel, "Qwen/Qwen1.5-0.5B");
    EXPECT_EQ(cmmlu.modelSha256, nf::formats::importedModelSha256(
                                     "Qwen/Qwen1.5-0.5B", "8f445e3628f3500ee69f24e1303c9f10f5342a39"));
    const json cmmluParams = json::parse(cmmlu.paramsJson);
    EXPECT_EQ(cmmluParams["batch_size"], "auto");
    EXPECT_EQ(cmmluParams["limit"], 5.0);
    EXPECT_EQ(cmmluParams["dtype"], "bf16");
    EXPECT_EQ(json::parse(cmmlu.environmentJson)["lm_eval.batch_sizes"], "64");
    EXPECT_EQ(cmmlu.task->label, "cmmlu (lm-eval, 2 subjects)");
    EXPECT_EQ(cmmlu.task->nItems, 10);

    LmEvalOptions named;
    named.modelLabel = "pythia-160m (ours)";
    EXPECT_EQ(readLmEval(kMmluSmall, named).runs.at(0).modelLabel, "pythia-160m (ours)");
}

TEST(LmEvalImport, UidIsStableAndDiffersByMetricAndFilter)
{
    const auto first = read(kMmluSmall);
    const auto second = read(kMmluSmall);
    const std::string uid = runNamed(first, "arc_easy").uid;
    EXPECT_EQ(uid.size(), 32u);
    EXPECT_EQ(uid.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(uid, runNamed(second, "arc_easy").uid);
    EXPECT_NE(uid, runNamed(first, "mmlu").uid);
    EXPECT_NE(uid, runNamed(read(kMmluSmall, "acc_norm"), "arc_easy").uid);

    const auto strict = read(kTwoFilters, "exact_match", nullptr, "strict-match").runs.at(0);
    const auto flexible = read(kTwoFilters, "exact_match", nullptr, "flexible-extract").runs.at(0);
    EXPECT_NE(strict.uid, flexible.uid);
}

TEST(LmEvalImport, ReadsOneFilterOfAFileThatHoldsTwo)
{
    const auto strict = read(kTwoFilters, "exact_match", nullptr, "strict-match").runs.at(0);
    const auto flexible = read(kTwoFilters, "exact_match", nullptr, "flexible-extract").runs.at(0);
    EXPECT_EQ(strict.correct, (std::vector<uint8_t>{1, 0, 0}));
    EXPECT_EQ(flexible.correct, (std::vector<uint8_t>{1, 1, 0}));
    EXPECT_EQ(strict.predicted, std::vector<int32_t>(3, -1));
    EXPECT_EQ(json::parse(strict.paramsJson)["gen_kwargs"], (json{{"temperature", 0.0}}));

    const std::string error = readError(kTwoFilters, "exact_match");
    EXPECT_NE(error.find("flexible-extract, strict-match"), std::string::npos) << error;
    EXPECT_NE(error.find("choose one"), std::string::npos) << error;
}

TEST(LmEvalImport, OnlyTheTasksReportingTheMetricAreImported)
{
    const ImportBatch batch = read(kMmluSmall, "acc_norm");
    ASSERT_EQ(batch.runs.size(), 1u);
    EXPECT_EQ(batch.runs[0].where, kMmluSmall.filename().string() + ": arc_easy");
    ASSERT_EQ(batch.notes.size(), 1u);
    EXPECT_EQ(batch.notes[0], "mmlu: reports no acc_norm, not imported");

    const std::string error = readError(kMmluSmall, "f1");
    EXPECT_NE(error.find(kMmluSmall.string()), std::string::npos) << error;
    EXPECT_NE(error.find("no task reports f1; metrics present: acc, acc_norm"), std::string::npos) << error;
}

TEST(LmEvalImport, WithoutSamplesFilesARunIsRunLevelOnly)
{
    const json results = readJson(kRunLevel).at("results");
    ASSERT_FALSE(results["mmlu"].contains("acc,none")) << "the fixture's group reports no score of its own";
    const ImportBatch batch = read(kRunLevel);
    ASSERT_EQ(batch.runs.size(), 2u);
    const ImportedRun& mmlu = runNamed(batch, "mmlu");
    EXPECT_FALSE(mmlu.hasItems());
    ASSERT_TRUE(mmlu.runLevelAccuracy);
    // The size-weighted mean of the subtasks, as lm-eval aggregates MMLU.
    double weighted = 0;
    for (const auto& [task, count] : std::map<std::string, int>{
             {"mmlu_abstract_algebra", 8}, {"mmlu_high_school_physics", 10}, {"mmlu_world_religions", 7}})
        weighted += results[task]["acc,none"].get<double>() * count;
    EXPECT_NEAR(*mmlu.runLevelAccuracy, weighted / 25, 1e-12);
    EXPECT_EQ(mmlu.runLevelItems, 25);
    EXPECT_EQ(mmlu.task->nItems, 25);
    const ImportedRun& arc = runNamed(batch, "arc_easy");
    EXPECT_DOUBLE_EQ(*arc.runLevelAccuracy, results["arc_easy"]["acc,none"].get<double>());
    EXPECT_EQ(arc.runLevelItems, 4);
    ASSERT_EQ(batch.notes.size(), 1u);
    EXPECT_NE(batch.notes[0].find("run-level only"), std::string::npos) << batch.notes[0];
    EXPECT_NE(batch.notes[0].find("--log_samples"), std::string::npos) << batch.notes[0];
    EXPECT_TRUE(batch.source.otherFiles.empty());

    // A group that reports its own score (lm-eval's aggregate, not necessarily size-weighted) keeps it.
    ScratchDir scratch;
    json edited = readJson(kMmluSmall);
    edited["results"]["mmlu"]["acc,none"] = 0.7;
    const fs::path alone = scratch / kMmluSmall.filename().string();
    writeText(alone, edited.dump(2));
    EXPECT_DOUBLE_EQ(*runNamed(read(alone), "mmlu").runLevelAccuracy, 0.7);
}

TEST(LmEvalImport, BrokenInputNamesTheFileAndTheLineOrKey)
{
    const fs::path broken = kLmEval / "broken";
    auto resultsIn = [&](const std::string& folder) {
        for (const auto& entry : fs::directory_iterator(broken / folder))
            if (entry.path().filename().string().starts_with("results_"))
                return entry.path();
        throw std::runtime_error("no results file in " + folder);
    };
    auto samplesIn = [&](const std::string& folder, const std::string& task) {
        const std::string date = resultsIn(folder).stem().string().substr(8);
        return (broken / folder / ("samples_" + task + "_" + date + ".jsonl")).string();
    };

    EXPECT_NE(readError(resultsIn("truncated-line"))
                  .find(samplesIn("truncated-line", "arc_easy") + ":3: not valid JSON"),
              std::string::npos);

    const fs::path invalid = resultsIn("invalid-results");
    const std::string text = readText(invalid);
    const auto badLine =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.find("N/A")), '\n');
    const std::string invalidError = readError(invalid);
    EXPECT_NE(invalidError.find(invalid.string() + ":" + std::to_string(badLine) + ": not valid JSON"),
              std::string::npos)
        << invalidError;

    const std::string foreign = readError(resultsIn("foreign-samples"));
    EXPECT_NE(foreign.find(samplesIn("foreign-samples", "hellaswag") + ": task hellaswag is not in " +
                           resultsIn("foreign-samples").filename().string()),
              std::string::npos)
        << foreign;

    const std::string mixed = readError(resultsIn("mixed-nshot"));
    EXPECT_NE(mixed.find(resultsIn("mixed-nshot").string() +
                         ": n-shot.mmlu_world_religions: group mmlu mixes tasks"),
              std::string::npos)
        << mixed;

    const std::string half = readError(resultsIn("half-metric"));
    EXPECT_NE(half.find(samplesIn("half-metric", "arc_easy") + ":2: acc is 0.5"), std::string::npos) << half;

    const std::string missing = readError(resultsIn("missing-doc"));
    EXPECT_NE(missing.find(samplesIn("missing-doc", "arc_easy") + ": doc_id 2 is missing"), std::string::npos)
        << missing;

    const std::string other = readError(resultsIn("other-results"));
    EXPECT_NE(other.find(samplesIn("other-results", "arc_easy") + ": the mean acc"), std::string::npos)
        << other;
    EXPECT_NE(other.find("the samples do not belong to these results"), std::string::npos) << other;
}

TEST(LmEvalImport, RefusesDuplicateDocIdsAndSubtasksWithoutSamples)
{
    ScratchDir scratch;
    const fs::path folder = copyFixture(scratch, "mmlu-small");
    const fs::path results = folder / kMmluSmall.filename();
    const fs::path arc = folder / "samples_arc_easy_2024-05-13T13-42-28.123456.jsonl";
    const std::string lines = readText(arc);
    writeText(arc, lines + lines.substr(0, lines.find('\n') + 1));
    EXPECT_NE(
        readError(results).find(arc.string() + ":5: doc_id 0 appears twice for filter none (also on line 1)"),
        std::string::npos);
    writeText(arc, lines);

    fs::remove(folder / "samples_mmlu_world_religions_2024-05-13T13-42-28.123456.jsonl");
    const std::string error = readError(results);
    EXPECT_NE(error.find(results.string() +
                         ": mmlu has samples files for some subtasks but not for mmlu_world_religions"),
              std::string::npos)
        << error;
}

TEST(LmEvalImport, WithoutCountsTheSamplesMustHoldEveryDocIdFromZero)
{
    // The CMMLU fixture is from before n-samples: the samples alone say how many documents there were.
    ScratchDir scratch;
    const fs::path folder = copyFixture(scratch, "cmmlu");
    const fs::path samples = folder / "samples_cmmlu_computer_science_2024-02-20T08-15-00.654321.jsonl";
    const std::string lines = readText(samples);
    const size_t last = lines.rfind('\n', lines.size() - 2) + 1;
    json sample = json::parse(lines.substr(last));
    sample["doc_id"] = 4000000000; // far out: reported as a gap, nothing sized by it
    writeText(samples, lines.substr(0, last) + sample.dump() + "\n");
    const std::string error = readError(folder / kCmmlu.filename());
    EXPECT_NE(error.find(samples.string() +
                         ": doc_id 4 is missing for filter none (4000000001 documents expected)"),
              std::string::npos)
        << error;
}

TEST(LmEvalImport, RefusesADataFolderThatIsNotTheOneTheRunUsed)
{
    const auto mmlu = nf::formats::loadMcqTask("mmlu:" + (kData / "mcq" / "mmlu").string());
    const std::string wrongFolder = readError(kCmmlu, "acc", &mmlu);
    EXPECT_NE(wrongFolder.find(kCmmlu.string() +
                               ": results.cmmlu_chinese_history: subject chinese_history is not in "
                               "the data folder " +
                               mmlu.path),
              std::string::npos)
        << wrongFolder;

    // Another answer than the samples' target.
    ScratchDir scratch;
    fs::copy(kData / "mcq" / "mmlu", scratch / "mmlu", fs::copy_options::recursive);
    const fs::path algebra = scratch / "mmlu" / "test" / "abstract_algebra_test.csv";
    std::string csv = readText(algebra);
    csv.replace(csv.find(",D\n"), 3, ",A\n");
    writeText(algebra, csv);
    const auto changed = nf::formats::loadMcqTask("mmlu:" + (scratch / "mmlu").string());
    const std::string wrongAnswer = readError(kMmluSmall, "acc", &changed);
    EXPECT_NE(
        wrongAnswer.find("samples_mmlu_abstract_algebra_2024-05-13T13-42-28.123456.jsonl:1: target D, but " +
                         algebra.string() + ":1 answers A"),
        std::string::npos)
        << wrongAnswer;

    // A subject with fewer rows than the run evaluated.
    const fs::path religions = scratch / "mmlu" / "test" / "world_religions_test.csv";
    fs::copy_file(kData / "mcq" / "mmlu" / "test" / "abstract_algebra_test.csv", algebra,
                  fs::copy_options::overwrite_existing);
    csv = readText(religions);
    csv.erase(csv.rfind('\n', csv.size() - 2) + 1);
    writeText(religions, csv);
    const auto shorter = nf::formats::loadMcqTask("mmlu:" + (scratch / "mmlu").string());
    const std::string wrongCount = readError(kMmluSmall, "acc", &shorter);
    EXPECT_NE(wrongCount.find(kMmluSmall.string() +
                              ": n-samples.mmlu_world_religions: 7 documents, but subject "
                              "world_religions in the data folder " +
                              shorter.path + " has 6"),
              std::string::npos)
        << wrongCount;
}

TEST(LmEvalImport, ReadsLinesLongerThanTheReadBuffer)
{
    ScratchDir scratch;
    const fs::path folder = copyFixture(scratch, "mmlu-small");
    const fs::path arc = folder / "samples_arc_easy_2024-05-13T13-42-28.123456.jsonl";
    std::stringstream in(readText(arc));
    std::string out;
    std::string line;
    for (int i = 0; std::getline(in, line); ++i) {
        json sample = json::parse(line);
        if (i == 1) // 5 MiB of prompt, escapes included: past the 4 MiB the reader starts with
            sample["arguments"]["gen_args_0"]["arg_0"] =
                std::string(3 << 20, 'x') + "\\\"\n" + std::string(2 << 20, 'y');
        out += sample.dump() + "\n";
    }
    writeText(arc, out);
    const ImportBatch batch = read(folder / kMmluSmall.filename());
    EXPECT_EQ(runNamed(batch, "arc_easy").correct, (std::vector<uint8_t>{1, 1, 0, 1}));
}

TEST(LmEvalImport, ADateOutsideTheYearsAStoreReadsIsUnknownLikeAMissingOne)
{
    using nf::formats::lmeval::startedAt;
    EXPECT_EQ(startedAt(nlohmann::json{{"date", 1700000000.5}}), "2023-11-14T22:13:20Z");
    EXPECT_EQ(startedAt(nlohmann::json{{"date", 1e300}}), "");
    EXPECT_EQ(startedAt(nlohmann::json{{"date", -1e300}}), "");
    EXPECT_EQ(startedAt(nlohmann::json::object()), "");
}

TEST(LmEvalImport, LooksLikeResultsFilesOnly)
{
    EXPECT_TRUE(looksLikeLmEvalResults(kMmluSmall));
    EXPECT_TRUE(looksLikeLmEvalResults(kCmmlu));
    EXPECT_TRUE(looksLikeLmEvalResults(kRunLevel));
    EXPECT_TRUE(looksLikeLmEvalResults(kLmEval / "broken" / "invalid-results" /
                                       "results_2024-08-07T00-00-00.000001.json"));
    EXPECT_FALSE(
        looksLikeLmEvalResults(kLmEval / "mmlu-small" / "samples_arc_easy_2024-05-13T13-42-28.123456.jsonl"));
    EXPECT_FALSE(looksLikeLmEvalResults(kData / "mcq" / "mmlu" / "mapping.json"));
    EXPECT_FALSE(looksLikeLmEvalResults(kData / "mcq" / "tiny.jsonl"));
    EXPECT_FALSE(looksLikeLmEvalResults(kLmEval / "no-such-file.json"));

    ScratchDir scratch;
    writeText(scratch / "llamafactory.json", R"({"abstract_algebra": {"0": "B", "1": "A"}})");
    EXPECT_FALSE(looksLikeLmEvalResults(scratch / "llamafactory.json"));
    writeText(scratch / "other.json", R"({"results": [1, 2, 3], "name": "x"})");
    EXPECT_FALSE(looksLikeLmEvalResults(scratch / "other.json"));
    // Cut off after its first 64 KiB, a big results file is still recognised by its scores.
    nlohmann::ordered_json big = {{"results", nlohmann::ordered_json::object()}};
    for (int i = 0; i < 2000; ++i)
        big["results"]["task_" + std::to_string(i)] = {
            {"alias", "task"}, {"acc,none", 0.5}, {"acc_stderr,none", "N/A"}};
    big["configs"] = nlohmann::ordered_json::object();
    writeText(scratch / "big.json", big.dump(2));
    EXPECT_TRUE(looksLikeLmEvalResults(scratch / "big.json"));
}

} // namespace
