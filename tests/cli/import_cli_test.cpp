// `noisefloor-cli import` end to end on the hand-written LLaMA-Factory and lm-eval fixtures:
// what it prints, --dry-run, groups joined, re-import, bad input (exit 2, nothing written).

#include "cli/cli_runner.h"
#include "core/scratch_dir.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace nf {
namespace {

namespace fs = std::filesystem;

const fs::path kData = NF_TEST_DATA_DIR;
const std::string kMmlu = (kData / "mcq" / "mmlu").string();
const fs::path kLlamaFactory = kData / "import" / "llamafactory";
const fs::path kLmEval = kData / "import" / "lm-eval";

class ImportCli : public ::testing::Test
{
protected:
    test::CliResult cli(std::vector<std::string> args)
    {
        args.insert(args.begin(), {"--db", db.string()});
        return test::runCli(dir.path(), args);
    }
    size_t runCount() { return store::Store(db, store::OpenMode::ReadOnly).runs().size(); }

    test::ScratchDir dir;
    fs::path db = dir / "runs.sqlite";
};

TEST_F(ImportCli, DryRunShowsWhatWouldBeImportedAndWritesNothing)
{
    const auto result = cli({"import", "--dry-run", "--data", kMmlu, "--model", "llama3-ft",
                             (kLlamaFactory / "mmlu-seed*").string()});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_NE(result.out.find("llamafactory  " + (kLlamaFactory / "mmlu-seed1" / "results.json").string() +
                              ": 1 run, 25 item results"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("new group, llama3-ft on mmlu:test (3 subjects): 2 runs"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("dry run: would import 2 runs (50 item results)"), std::string::npos) << result.out;
    EXPECT_FALSE(fs::exists(db)) << "a dry run creates no database";
}

TEST_F(ImportCli, LaterRunsJoinTheirGroupAndAReimportIsANoOp)
{
    auto first = cli({"import", "--data", kMmlu, "--model", "llama3-ft", (kLlamaFactory / "mmlu-seed1").string()});
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_NE(first.out.find("imported 1 run (25 item results) into groups 1"), std::string::npos) << first.out;

    auto second = cli({"import", "--data", kMmlu, "--model", "llama3-ft", (kLlamaFactory / "mmlu-seed2").string()});
    ASSERT_EQ(second.code, 0) << second.err;
    EXPECT_NE(second.out.find("joins group 1, llama3-ft on mmlu:test (3 subjects): 1 run"), std::string::npos)
        << second.out;

    auto again = cli({"import", "--data", kMmlu, "--model", "llama3-ft", (kLlamaFactory / "mmlu-seed2").string()});
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.out.find("imported before"), std::string::npos) << again.out;
    EXPECT_NE(again.out.find("nothing new"), std::string::npos) << again.out;
    EXPECT_EQ(runCount(), 2u);

    // The imported runs answer the statistics like any others: 68 and 88 points.
    auto summary = cli({"--json", "summary", "1"});
    ASSERT_EQ(summary.code, 0) << summary.err;
    const auto json = nlohmann::json::parse(summary.out);
    EXPECT_NEAR(json["mean"].get<double>(), 0.78, 1e-9) << summary.out;

    auto show = cli({"show", "1"});
    EXPECT_NE(show.out.find("imported   "), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("mmlu-seed1/results.json (sha256 "), std::string::npos) << show.out;
}

TEST_F(ImportCli, LmEvalWithTheDataFolderPairsWithLlamaFactoryRunsItemByItem)
{
    ASSERT_EQ(cli({"import", "--data", kMmlu, "--model", "llama3-ft", (kLlamaFactory / "mmlu-seed1").string()}).code, 0);
    auto lmEval = cli({"import", "--data", kMmlu, (kLmEval / "mmlu-small").string()});
    ASSERT_EQ(lmEval.code, 0) << lmEval.err;
    auto groups = cli({"--json", "groups"});
    ASSERT_EQ(groups.code, 0) << groups.err;
    std::map<std::string, std::string> taskOfModel;
    for (const auto& group : nlohmann::json::parse(groups.out))
        if (group["task"].get<std::string>().starts_with("mmlu"))
            taskOfModel[group["model"].get<std::string>()] = group["task_sha256"].get<std::string>();
    ASSERT_EQ(taskOfModel.size(), 2u) << groups.out;
    EXPECT_EQ(taskOfModel.begin()->second, taskOfModel.rbegin()->second) << "one task: the engine's for that folder";
}

TEST_F(ImportCli, BadInputIsOneMessageExitTwoAndNothingWritten)
{
    ASSERT_EQ(cli({"import", "--data", kMmlu, (kLlamaFactory / "mmlu-seed1").string()}).code, 0);
    // A good source and a broken one: the good one is not written either.
    auto broken = cli({"import", "--data", kMmlu, (kLlamaFactory / "mmlu-seed2").string(),
                       (kLlamaFactory / "broken" / "unknown-subject").string()});
    EXPECT_EQ(broken.code, 2);
    EXPECT_NE(broken.err.find("unknown-subject/results.json: subject \"astronomy\" is not in mmlu:"),
              std::string::npos)
        << broken.err;
    EXPECT_EQ(std::count(broken.err.begin(), broken.err.end(), '\n'), 1) << broken.err;
    EXPECT_EQ(runCount(), 1u);

    auto missing = cli({"import", (dir / "nowhere").string()});
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.err.find("nowhere: no such file or folder"), std::string::npos) << missing.err;
    auto badParam = cli({"import", "--param", "n_shot", (kLlamaFactory / "mmlu-seed2").string()});
    EXPECT_EQ(badParam.code, 2);
    EXPECT_NE(badParam.err.find("--param n_shot: expected KEY=VALUE"), std::string::npos) << badParam.err;
    EXPECT_EQ(runCount(), 1u);
}

// Reproducers of issue 15: hostile JSON is refused in one short line naming the file and line,
// exit 2, and no database appears (deep nesting used to overflow the stack, 1E400 came out as the
// parser library's exception with exit 1, a 500 KB key as a 500 KB line).
TEST_F(ImportCli, HostileJsonIsOneBoundedLineExitTwoAndNoDatabase)
{
    std::string deep;
    for (int i = 0; i < 100'000; ++i)
        deep += "{\"a\": ";
    deep += "1" + std::string(100'000, '}');
    const std::string run = R"({"model": "m", "task": "t", "seed": 1, "correct": [1, 0], )";
    const std::string huge(500'000, 'k');
    struct Case
    {
        std::string file;
        std::string text;
        std::string start; // of the message, after the file
    };
    const std::vector<Case> cases = {
        {"deep/runs.jsonl", run + R"("config": {}})" + "\n" + run + R"("config": )" + deep + "}\n",
         ":2: arrays and objects nested deeper than 256 levels"},
        {"env/runs.jsonl", run + R"("config": {}, "environment": {"e": [[[)" + deep + "]]]}}\n",
         ":1: arrays and objects nested deeper than 256 levels"},
        {"number/runs.jsonl", run + R"("config": {"lr": 1E400}})" + "\n",
         ":1: the number 1E400 in \"config.lr\""},
        {"lm-eval/results_2024-01-01T00-00-00.json",
         R"({"results": {}, "configs": {}, "config": )" + deep + "}",
         ":1: arrays and objects nested deeper than 256 levels"},
        {"lm-eval-number/results_2024-01-01T00-00-00.json",
         "{\"results\": {\"arc\": {\n\"acc,none\": -1e309}}, \"configs\": {}}", ":2: the number -1e309 in"},
        {"llamafactory/results.json", R"({"abstract_algebra": {"0": "A"}, "x": {")" + huge + R"(": "A"}})",
         ": \"x\" row \"kkkk"},
    };
    for (const Case& c : cases) {
        const fs::path path = dir / c.file;
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << c.text;
        if (c.file.starts_with("llamafactory"))
            std::ofstream(path.parent_path() / "results.log") << "        Average: 50.00\n";
        const auto result = cli({"import", path.string()});
        EXPECT_EQ(result.code, 2) << c.file << ": " << result.err.substr(0, 300);
        EXPECT_EQ(result.err.rfind("noisefloor-cli: error: " + path.string() + c.start, 0), 0u)
            << result.err.substr(0, 300);
        EXPECT_LT(result.err.size(), 300u) << c.file;
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err.substr(0, 300);
        EXPECT_FALSE(fs::exists(db)) << c.file;
    }
}

} // namespace
} // namespace nf
