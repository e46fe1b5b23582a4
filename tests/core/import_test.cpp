// LLaMA-Factory's save_dir scored against a data folder, and the import path shared by every
// format: plan (read and check), preview, apply (one transaction, sources recorded, re-import a
// no-op).

#include "workspace/describe_params.h"
#include "workspace/group_data.h"
#include "workspace/import.h"
#include "common/sha256.h"
#include "error_message.h"
#include "formats/importers/llamafactory.h"
#include "formats/mcq.h"
#include "scratch_dir.h"
#include "stats/summary.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

namespace nf {
namespace {

namespace fs = std::filesystem;
using test::errorMessage;

const fs::path kData = NF_TEST_DATA_DIR;
const fs::path kLlamaFactory = kData / "import" / "llamafactory";

std::string mmluData()
{
    return (kData / "mcq" / "mmlu").string();
}

double accuracyOf(const formats::ImportedRun& run)
{
    double correct = 0;
    for (const uint8_t c : run.correct)
        correct += c;
    return correct / static_cast<double>(run.correct.size());
}

workspace::ImportOptions withData(const std::string& data)
{
    workspace::ImportOptions options;
    options.data = data;
    return options;
}

TEST(LlamaFactoryImport, ScoresEveryPredictionAgainstTheDataAndMatchesTheLoggedAverage)
{
    const auto data = formats::loadMcqTask("mmlu:" + mmluData());
    formats::LlamaFactoryOptions options;
    options.data = &data;
    const auto batch = formats::readLlamaFactory(kLlamaFactory / "mmlu-seed1", options);
    ASSERT_EQ(batch.runs.size(), 1u);
    const auto& run = batch.runs[0];
    EXPECT_EQ(batch.source.format, "llamafactory");
    EXPECT_EQ(batch.source.sha256, sha256File(kLlamaFactory / "mmlu-seed1" / "results.json"));
    ASSERT_EQ(run.correct.size(), 25u);
    // results.log says Average: 68.00.
    EXPECT_NEAR(100.0 * accuracyOf(run), 68.00, 0.01);
    // The engine's task for this folder: same spec, sha256, subjects and letters.
    EXPECT_EQ(run.task->path, data.spec);
    EXPECT_EQ(run.task->sha256, data.sha256);
    ASSERT_EQ(run.task->refs.size(), 25u);
    EXPECT_EQ(run.task->refs[0], "D");
    EXPECT_EQ(run.task->subjects[8], "high_school_physics");
    // Item 4 is abstract_algebra row 4: answered A, the answer is B.
    EXPECT_EQ(run.idx[4], 4);
    EXPECT_EQ(run.predicted[4], 0);
    EXPECT_EQ(run.correct[4], 0);
    EXPECT_EQ(run.modelLabel, "mmlu-seed1");
    EXPECT_FALSE(run.seedKnown);
    EXPECT_NE(run.notes.find("STEM 66.67"), std::string::npos) << run.notes;
}

TEST(LlamaFactoryImport, CmmluWithChineseSubjectNames)
{
    const auto data = formats::loadMcqTask("cmmlu:" + (kData / "mcq" / "cmmlu").string());
    formats::LlamaFactoryOptions options;
    options.data = &data;
    options.modelLabel = "qwen-ft";
    const auto batch = formats::readLlamaFactory(kLlamaFactory / "cmmlu-run" / "results.json", options);
    const auto& run = batch.runs.at(0);
    EXPECT_EQ(run.correct.size(), 13u);
    EXPECT_NEAR(100.0 * accuracyOf(run), 76.92, 0.01);
    EXPECT_EQ(run.modelLabel, "qwen-ft");
}

TEST(LlamaFactoryImport, WithoutDataTheLogAverageIsARunLevelRun)
{
    const auto batch = formats::readLlamaFactory(kLlamaFactory / "mmlu-seed1", {});
    const auto& run = batch.runs.at(0);
    EXPECT_FALSE(run.hasItems());
    ASSERT_TRUE(run.runLevelAccuracy);
    EXPECT_DOUBLE_EQ(*run.runLevelAccuracy, 0.68);
    EXPECT_EQ(run.runLevelItems, 25);
    EXPECT_EQ(run.task->nItems, 0);
    ASSERT_FALSE(batch.notes.empty());
    EXPECT_NE(batch.notes[0].find("run-level only"), std::string::npos);

    const auto logOnly = formats::readLlamaFactory(kLlamaFactory / "scores-only", {});
    EXPECT_DOUBLE_EQ(*logOnly.runs.at(0).runLevelAccuracy, 0.7028);
    EXPECT_EQ(logOnly.source.path, (kLlamaFactory / "scores-only" / "results.log").string());
}

TEST(LlamaFactoryImport, ReadsTheLogsCategoryLines)
{
    const auto scores = formats::readLlamaFactoryLog(kLlamaFactory / "scores-only" / "results.log");
    ASSERT_TRUE(scores.average);
    EXPECT_DOUBLE_EQ(*scores.average, 70.28);
    ASSERT_EQ(scores.categories.size(), 4u);
    EXPECT_EQ(scores.categories[1].first, "Social Sciences");
    EXPECT_DOUBLE_EQ(scores.categories[1].second, 80.11);
}

TEST(LlamaFactoryImport, BrokenSaveDirsNameTheFileAndKey)
{
    const auto data = formats::loadMcqTask("mmlu:" + mmluData());
    formats::LlamaFactoryOptions options;
    options.data = &data;
    auto read = [&](const std::string& name) {
        return errorMessage([&] { formats::readLlamaFactory(kLlamaFactory / "broken" / name, options); });
    };
    const std::string unknown = read("unknown-subject");
    EXPECT_NE(unknown.find("unknown-subject/results.json: subject \"astronomy\" is not in mmlu:"), std::string::npos)
        << unknown;
    const std::string row = read("row-out-of-range");
    EXPECT_NE(row.find("\"abstract_algebra\" row \"8\""), std::string::npos) << row;
    EXPECT_NE(row.find("has 8 test rows"), std::string::npos) << row;
    const std::string average = read("wrong-average");
    EXPECT_NE(average.find("wrong-average/results.log: Average is 55.00, but scoring results.json against mmlu:"),
              std::string::npos)
        << average;
    EXPECT_NE(average.find("gives 68.00"), std::string::npos) << average;
    const std::string letter = read("bad-letter");
    EXPECT_NE(letter.find("row \"6\": \"E\" is not one of the item's letters A to D"), std::string::npos) << letter;
    const std::string truncated = read("truncated");
    EXPECT_NE(truncated.find("truncated/results.json:"), std::string::npos) << truncated;
    EXPECT_NE(truncated.find("invalid JSON (the file ends early: truncated?)"), std::string::npos) << truncated;
    const std::string log = errorMessage([&] { formats::readLlamaFactoryLog(kLlamaFactory / "mmlu-seed1" / "results.json"); });
    EXPECT_NE(log.find("results.json:1: expected \"NAME: SCORE\""), std::string::npos) << log;
}

TEST(ImportDetection, RecognisesFormatsFromTheirContent)
{
    using workspace::SourceFormat;
    EXPECT_EQ(workspace::detectFormat((kLlamaFactory / "mmlu-seed1").string()), SourceFormat::LlamaFactory);
    EXPECT_EQ(workspace::detectFormat((kLlamaFactory / "mmlu-seed1" / "results.json").string()),
              SourceFormat::LlamaFactory);
    EXPECT_EQ(workspace::detectFormat((kData / "store-v1.sqlite").string()), SourceFormat::NoisefloorDatabase);
    EXPECT_EQ(workspace::detectFormat((kData / "mcq" / "tiny.jsonl").string()), SourceFormat::Unknown);
    EXPECT_EQ(workspace::detectFormat((kData / "mcq").string()), SourceFormat::Unknown);

    const std::string database = errorMessage([] { workspace::planImport({(kData / "store-v1.sqlite").string()}, {}); });
    EXPECT_NE(database.find("is a noisefloor database: bring its runs in with `noisefloor-cli merge"), std::string::npos)
        << database;
    const std::string nothing = errorMessage([] { workspace::planImport({(kData / "tokenizer").string()}, {}); });
    EXPECT_NE(nothing.find("no LLaMA-Factory save_dir"), std::string::npos) << nothing;
    const std::string glob = errorMessage([] { workspace::planImport({(kData / "nothing-*.json").string()}, {}); });
    EXPECT_NE(glob.find("matches no file or folder"), std::string::npos) << glob;
}

TEST(ImportPlan, AFolderIsSearchedAndAGlobExpanded)
{
    const auto options = withData(mmluData());
    const auto plan = workspace::planImport({(kLlamaFactory / "mmlu-seed*").string()}, options);
    ASSERT_EQ(plan.batches.size(), 2u);
    EXPECT_EQ(plan.batches[1].runs.at(0).modelLabel, "mmlu-seed2");
    // The plain folder is recognised as MMLU; a spec works the same.
    const auto spec = workspace::planImport({(kLlamaFactory / "mmlu-seed1").string()}, withData("mmlu:" + mmluData()));
    EXPECT_EQ(spec.batches.at(0).runs.at(0).task->sha256, plan.batches[0].runs.at(0).task->sha256);
    // The same file reached twice is read once.
    const auto twice = workspace::planImport(
        {(kLlamaFactory / "mmlu-seed1").string(), (kLlamaFactory / "mmlu-seed1" / "results.log").string()}, options);
    EXPECT_EQ(twice.batches.size(), 1u);
}

TEST(ImportApply, RunsOfOneModelFormAGroupOnTheEnginesTaskAndReimportIsANoOp)
{
    store::Store store(":memory:");
    auto options = withData(mmluData());
    options.modelLabel = "llama-3-8b-ft";
    options.params = {{"n_shot", "5"}};
    const auto plan = workspace::planImport({(kLlamaFactory / "mmlu-seed1").string(), (kLlamaFactory / "mmlu-seed2").string()},
                                           options);
    const auto preview = workspace::previewImport(store, plan);
    EXPECT_EQ(preview.runs, 2);
    EXPECT_EQ(preview.items, 50);
    EXPECT_EQ(preview.groupsNew, 1);
    EXPECT_EQ(preview.groupsJoined, 0);
    ASSERT_EQ(preview.groupLines.size(), 1u);
    EXPECT_NE(preview.groupLines[0].find("new group, llama-3-8b-ft on mmlu:test"), std::string::npos)
        << preview.groupLines[0];
    EXPECT_TRUE(store.runs().empty()) << "a preview writes nothing";

    const auto result = workspace::applyImport(store, plan);
    EXPECT_EQ(result.imported, 2);
    EXPECT_EQ(result.items, 50);
    ASSERT_EQ(result.groups.size(), 1u);
    const auto group = store.group(result.groups[0]);
    ASSERT_TRUE(group);
    EXPECT_EQ(group->accuracies, (std::vector<double>{0.68, 0.88}));
    EXPECT_EQ(group->paramsJson, R"({"harness":"llamafactory","n_shot":5})");
    const auto task = store.task(group->taskId);
    EXPECT_EQ(task.sha256, formats::loadMcqTask("mmlu:" + mmluData()).sha256);
    EXPECT_EQ(task.kind, "mmlu");
    const auto data = workspace::loadGroupData(store, group->id);
    ASSERT_EQ(data.items.size(), 25u);
    EXPECT_EQ(data.items[4].nRuns, 2);

    const auto runs = store.runs();
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].source, "import:llamafactory");
    ASSERT_TRUE(runs[0].importId);
    const auto source = store.importRow(*runs[0].importId);
    ASSERT_TRUE(source);
    EXPECT_EQ(source->format, "llamafactory");
    EXPECT_EQ(source->path, (kLlamaFactory / "mmlu-seed1" / "results.json").string());
    EXPECT_EQ(source->sha256, sha256File(kLlamaFactory / "mmlu-seed1" / "results.json"));
    EXPECT_NE(source->filesJson.find("results.log"), std::string::npos) << source->filesJson;
    EXPECT_NE(runs[0].notes.find("Average 68.00"), std::string::npos);

    const auto again = workspace::previewImport(store, plan);
    EXPECT_TRUE(again.batches[0].alreadyImported);
    EXPECT_EQ(again.runs, 0);
    const auto second = workspace::applyImport(store, plan);
    EXPECT_EQ(second.imported, 0);
    EXPECT_EQ(second.sourcesSkipped, 2);
    EXPECT_EQ(store.runs().size(), 2u);
}

TEST(ImportApply, ARunLevelRunCountsForTheRunStatisticsOnly)
{
    store::Store store(":memory:");
    workspace::ImportOptions options;
    options.modelLabel = "m";
    const auto plan = workspace::planImport({(kLlamaFactory / "scores-only").string()}, options);
    EXPECT_EQ(workspace::previewImport(store, plan).batches.at(0).runLevelRuns, 1);
    const auto result = workspace::applyImport(store, plan);
    ASSERT_EQ(result.imported, 1);
    EXPECT_EQ(result.items, 0);
    const auto group = store.group(result.groups.at(0));
    EXPECT_EQ(group->accuracies, (std::vector<double>{0.7028}));
    const auto run = store.runs().at(0);
    EXPECT_EQ(run.status, store::RunStatus::Completed);
    EXPECT_TRUE(store.runItems(run.id).empty());
    EXPECT_TRUE(workspace::loadGroupData(store, group->id).items.empty());

    // The statistics take the score as reported, not a count rounded from it.
    const auto summary = stats::summarize(workspace::loadGroupData(store, group->id), {});
    EXPECT_DOUBLE_EQ(summary.mean, 0.7028);
    for (const auto& note : summary.notes)
        EXPECT_EQ(note.find("counts as 0"), std::string::npos) << note;
}

TEST(ImportApply, PerItemStatisticsSayWhenTheyCoverOnlySomeRuns)
{
    store::Store store(":memory:");
    auto options = withData(mmluData());
    options.modelLabel = "m";
    workspace::applyImport(store, workspace::planImport({(kLlamaFactory / "mmlu-seed1").string()}, options));
    // The same item set's score alone (results.log only), made to join the group: a JSONL run-level
    // line on the same model, task and config.
    const auto group = store.groups().at(0);
    test::ScratchDir dir;
    std::ofstream(dir / "score.jsonl") << R"x({"model":"m","task":"mmlu:test (3 subjects)","config":{"harness":"llamafactory"},)x"
                                       << R"("seed":2,"accuracy":0.8,"n_items":25,"model_sha256":")"
                                       << store.model(group.modelId).sha256 << R"(","task_sha256":")"
                                       << store.task(group.taskId).sha256 << R"("})" << '\n';
    const auto result = workspace::applyImport(store, workspace::planImport({(dir / "score.jsonl").string()}, {}));
    ASSERT_EQ(result.groups, std::vector<int64_t>{group.id});
    const auto summary = stats::summarize(workspace::loadGroupData(store, group.id), {});
    EXPECT_EQ(summary.n, 2);
    EXPECT_NEAR(summary.mean, (0.68 + 0.8) / 2, 1e-12);
    bool said = false;
    for (const auto& note : summary.notes)
        said = said || note.find("over the 1 of 2 runs with per-item results") != std::string::npos;
    EXPECT_TRUE(said);
}

TEST(ImportApply, OneBadSourceWritesNothingFromTheWholeImport)
{
    test::ScratchDir dir;
    // A JSONL run on a task the database already has with another item count fails at apply time,
    // after a good LLaMA-Factory source went in: the transaction takes both back.
    const fs::path jsonl = dir / "runs.jsonl";
    std::ofstream(jsonl) << R"({"model":"m","task":"t","config":{},"seed":1,"correct":[1,0,1]})" << '\n';
    store::Store store(":memory:");
    {
        std::ofstream(dir / "first.jsonl") << R"({"model":"m","task":"t","config":{},"seed":2,"correct":[1,0]})" << '\n';
        const auto first = workspace::planImport({(dir / "first.jsonl").string()}, {});
        // Same name, other size: a different task sha256, so this one is fine...
        workspace::applyImport(store, first);
    }
    const size_t before = store.runs().size();
    auto plan = workspace::planImport({(kLlamaFactory / "mmlu-seed1").string(), jsonl.string()}, withData(mmluData()));
    ASSERT_EQ(plan.batches.size(), 2u);
    // ...unless the run claims the stored task's identity.
    auto claimed = std::make_shared<formats::ImportedTask>(*plan.batches[1].runs[0].task);
    claimed->sha256 = store.task(store.groups().at(0).taskId).sha256;
    plan.batches[1].runs[0].task = claimed;
    const std::string message = errorMessage([&] { workspace::applyImport(store, plan); });
    EXPECT_NE(message.find("runs.jsonl:1: task \"t\" is already in the database with 2 items, this run has 3"),
              std::string::npos)
        << message;
    EXPECT_EQ(store.runs().size(), before);
    EXPECT_FALSE(store.findImport(plan.batches[0].source.sha256));
}

} // namespace
} // namespace nf

namespace nf {
namespace {

TEST(ImportDescribe, ImportedGroupsAreDescribedInTheirToolsTerms)
{
    EXPECT_EQ(workspace::describeParams(R"({"batch_size":8,"device":"cuda","dtype":"bf16","filter":"none",)"
                                       R"("group_version":2,"harness":"lm-eval","metric":"acc","model":"hf",)"
                                       R"("model_args":"pretrained=x","n_shot":5,"task_version":1.0})"),
              "lm-eval, 5-shot, acc, bf16, cuda, bs 8");
    EXPECT_EQ(workspace::describeParams(R"({"harness":"lm-eval","metric":"exact_match","filter":"strict-match"})"),
              "lm-eval, exact_match (strict-match)");
    EXPECT_EQ(workspace::describeParams(R"({"harness":"llamafactory","n_shot":5,"template":"fewshot"})"),
              "llamafactory, 5-shot, template=fewshot");
}

} // namespace
} // namespace nf

namespace nf {
namespace {

void copyFolder(const fs::path& from, const fs::path& to)
{
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive);
}

TEST(ImportIdentity, IdenticalRepeatsInTwoSaveDirsAreTwoRuns)
{
    // Greedy decoding twice gives byte-identical results.json files: the save_dirs tell them apart.
    test::ScratchDir dir;
    copyFolder(kLlamaFactory / "mmlu-seed1", dir / "repeat-1");
    copyFolder(kLlamaFactory / "mmlu-seed1", dir / "repeat-2");
    store::Store store(":memory:");
    auto options = withData(mmluData());
    options.modelLabel = "m";
    const auto plan = workspace::planImport({dir.path().string()}, options);
    ASSERT_EQ(plan.batches.size(), 2u);
    const auto result = workspace::applyImport(store, plan);
    EXPECT_EQ(result.imported, 2);
    EXPECT_EQ(store.group(result.groups.at(0))->accuracies, (std::vector<double>{0.68, 0.68}));
}

TEST(ImportIdentity, TheSameFileReadAnotherWayIsANewImport)
{
    store::Store store(":memory:");
    workspace::ImportOptions scoresOnly;
    scoresOnly.modelLabel = "m";
    const fs::path saveDir = kLlamaFactory / "mmlu-seed1";
    EXPECT_EQ(workspace::applyImport(store, workspace::planImport({saveDir.string()}, scoresOnly)).imported, 1);
    // With the data folder the same results.json gives per-item results: a run of its own.
    auto scored = withData(mmluData());
    scored.modelLabel = "m";
    const auto plan = workspace::planImport({saveDir.string()}, scored);
    EXPECT_FALSE(workspace::previewImport(store, plan).batches.at(0).alreadyImported);
    EXPECT_EQ(workspace::applyImport(store, plan).imported, 1);
    EXPECT_TRUE(workspace::previewImport(store, plan).batches.at(0).alreadyImported);
}

TEST(ImportPlan, GlobsOverSamplesFilesAndStrayLogsFindOnlyTheSources)
{
    test::ScratchDir dir;
    copyFolder(kData / "import" / "lm-eval" / "mmlu-small", dir / "lm");
    fs::create_directories(dir / "other");
    std::ofstream(dir / "other" / "results.log") << "epoch 1 loss 0.5\n";
    // out/* matches the samples files beside the results file: they are read with it.
    const auto globbed = workspace::planImport({(dir / "lm" / "*").string()}, {});
    ASSERT_EQ(globbed.batches.size(), 1u);
    EXPECT_EQ(globbed.batches[0].source.format, "lm-eval");
    // A training log called results.log is not a LLaMA-Factory save_dir.
    const auto searched = workspace::planImport({dir.path().string()}, {});
    EXPECT_EQ(searched.batches.size(), 1u);
}

TEST(ImportPlan, AByteOrderMarkIsNotContent)
{
    test::ScratchDir dir;
    fs::create_directories(dir / "save");
    std::ofstream(dir / "save" / "results.log") << "\xEF\xBB\xBF        Average: 61.50\n";
    const auto plan = workspace::planImport({(dir / "save").string()}, {});
    EXPECT_DOUBLE_EQ(*plan.batches.at(0).runs.at(0).runLevelAccuracy, 0.615);
    std::ofstream(dir / "runs.jsonl") << "\xEF\xBB\xBF" << R"({"model":"m","task":"t","config":{},"seed":1,"correct":[1,0]})"
                                      << '\n';
    EXPECT_EQ(workspace::planImport({(dir / "runs.jsonl").string()}, {}).batches.at(0).runs.size(), 1u);
}

TEST(ImportJsonl, RunLevelLinesJoinTheirTaskAndKeepTheirScore)
{
    test::ScratchDir dir;
    std::ofstream(dir / "runs.jsonl") << R"({"model":"m","task":"t","config":{},"seed":1,"accuracy":0.7,"n_items":2})" << '\n'
                                      << R"({"model":"m","task":"t","config":{},"seed":2,"correct":[1,0]})" << '\n'
                                      << R"({"model":"m","task":"t","config":{},"seed":3,"accuracy":0.33})" << '\n';
    EXPECT_EQ(workspace::detectFormat((dir / "runs.jsonl").string()), workspace::SourceFormat::Jsonl);
    store::Store store(":memory:");
    const auto plan = workspace::planImport({(dir / "runs.jsonl").string()}, {});
    const auto preview = workspace::previewImport(store, plan);
    EXPECT_EQ(preview.groupsNew, 1) << "one task, one group";
    const auto result = workspace::applyImport(store, plan);
    EXPECT_EQ(result.imported, 3);
    const auto summary = stats::summarize(workspace::loadGroupData(store, result.groups.at(0)), {});
    EXPECT_NEAR(summary.mean, (0.7 + 0.5 + 0.33) / 3, 1e-12);
}

} // namespace
} // namespace nf
