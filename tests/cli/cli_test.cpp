// End-to-end tests of noisefloor-cli: the binary is run as a user runs it.

#include "cli/cli_runner.h"
#include "engine/fixture.h"
#include "engine/settings.h"
#include "formats/task.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using nf::test::TinyWorld;

namespace {

using Result = nf::test::CliResult;
using nf::test::readFile;

Result cli(const TinyWorld& world, const std::vector<std::string>& args, const std::string& asUser = {})
{
    return nf::test::runCli(world.dir(), args, asUser);
}

std::vector<std::string> runArgs(const TinyWorld& world, const std::string& model, const std::string& db)
{
    return {"--db",           db,          "run", "--model",      model, "--task",
            world.taskSpec(), "--repeats", "3",   "--batch-size", "16"};
}

} // namespace

TEST(Cli, RunThenListJsonThenExportJson)
{
    TinyWorld world;
    const auto db = (world / "runs.sqlite").string();
    auto args = runArgs(world, world.model("tiny"), db);
    args.insert(args.end(), {"--decoding", "sample", "--label", "first try"});
    const auto run = cli(world, args);
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find("3 run(s) completed"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find(db), std::string::npos) << "says where the database is";

    const auto list = cli(world, {"--db", db, "--json", "list"});
    ASSERT_EQ(list.code, 0) << list.err;
    const auto runs = nlohmann::json::parse(list.out);
    ASSERT_EQ(runs.size(), 3u);
    for (const auto& r : runs) {
        for (const char* key :
             {"id", "group", "seed", "status", "accuracy", "n_items", "started_at", "label"})
            EXPECT_TRUE(r.contains(key)) << key;
        EXPECT_EQ(r["status"], "completed");
        EXPECT_EQ(r["n_items"], 60);
        EXPECT_EQ(r["label"], "first try");
        EXPECT_GE(r["accuracy"].get<double>(), 0.0);
        EXPECT_LE(r["accuracy"].get<double>(), 1.0);
    }

    const auto groups = cli(world, {"--db", db, "--json", "groups"});
    ASSERT_EQ(groups.code, 0) << groups.err;
    const auto group = nlohmann::json::parse(groups.out).at(0);
    EXPECT_EQ(group["n"], 3);
    EXPECT_EQ(group["params"]["decoding"], "sample");
    for (const char* key : {"id", "model", "task", "params", "n", "mean", "sd", "min", "max"})
        EXPECT_TRUE(group.contains(key)) << key;

    const auto out = (world / "export.json").string();
    const auto exported = cli(world, {"--db", db, "export", "--format", "json", "--out", out});
    ASSERT_EQ(exported.code, 0) << exported.err;
    const auto all = nlohmann::json::parse(readFile(out));
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0]["config"]["decoding"], "sample");
    EXPECT_TRUE(all[0]["environment"].contains("torch.version"));
    ASSERT_EQ(all[0]["items"].size(), 60u);
    int correct = 0;
    for (const auto& item : all[0]["items"]) {
        for (const char* key : {"idx", "predicted", "correct", "p_true"})
            ASSERT_TRUE(item.contains(key)) << key;
        correct += item["correct"].get<bool>();
    }
    EXPECT_DOUBLE_EQ(all[0]["accuracy"].get<double>(), correct / 60.0);

    const auto csv = cli(world, {"--db", db, "export", "--format", "csv"});
    ASSERT_EQ(csv.code, 0);
    EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 1 + 3 * 60);
}

TEST(Cli, RunHelpHasAnOptionForEverySettingOfTheTable)
{
    TinyWorld world;
    const auto help = nf::test::runCli(world.dir(), {"run", "--help"}, {}, NF_ENGINE_PATH);
    ASSERT_EQ(help.code, 0) << help.err;
    for (const auto& setting : nf::engine::settings()) {
        if (!setting.option)
            continue;
        EXPECT_NE(help.out.find(setting.option), std::string::npos) << setting.key;
        EXPECT_NE(help.out.find(setting.help), std::string::npos) << setting.key;
    }
    EXPECT_NE(help.out.find("--decoding TEXT=greedy"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--top-p FLOAT=1 "), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--limit INT=0 "), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--batch-size INT "), std::string::npos) << "its default depends on the model";
}

// The batch size's default depends on the model: leaving the option out asks for it. A given 0
// is a mistake (it once asked for the default too), refused before the database is created.
TEST(Cli, BatchSizeLeftOutIsTheModelsDefaultAndZeroIsRefused)
{
    TinyWorld world;
    const auto db = (world / "runs.sqlite").string();
    std::vector<std::string> args = {"--db", db, "run", "--model", world.model("tiny"), "--task", world.taskSpec(),
                                     "--repeats", "1"};
    auto zero = args;
    zero.insert(zero.end(), {"--batch-size", "0"});
    const auto refused = cli(world, zero);
    EXPECT_EQ(refused.code, 2);
    EXPECT_EQ(refused.err, "noisefloor-cli: error: --batch-size: 0 must be from 1 to 65536\n");
    EXPECT_FALSE(std::filesystem::exists(db));
    const auto run = cli(world, args);
    ASSERT_EQ(run.code, 0) << run.err;
    const auto groups = cli(world, {"--db", db, "--json", "groups"});
    EXPECT_EQ(nlohmann::json::parse(groups.out).at(0)["params"]["batch_size"], 256) << groups.out;
}

TEST(Cli, RunningTheSameSeedsTwiceDoesNotDoubleTheRuns)
{
    TinyWorld world;
    const auto db = (world / "runs.sqlite").string();
    const auto args = runArgs(world, world.model("tiny"), db);
    ASSERT_EQ(cli(world, args).code, 0);
    const auto second = cli(world, args);
    ASSERT_EQ(second.code, 0) << second.err;
    EXPECT_NE(second.out.find("3 skipped"), std::string::npos) << second.out;
    EXPECT_EQ(nlohmann::json::parse(cli(world, {"--db", db, "--json", "list"}).out).size(), 3u);
}

// --db and --json work after the command as before it (`groups --json`, as gh, kubectl and git
// take them), an unknown option there is still refused, and `list` names each run's model and
// config rather than only a group number.
TEST(Cli, GlobalOptionsGoBeforeOrAfterTheCommandAndListNamesModelAndConfig)
{
    TinyWorld world;
    const auto db = (world / "runs.sqlite").string();
    ASSERT_EQ(cli(world, runArgs(world, world.model("tiny"), db)).code, 0);

    const auto before = cli(world, {"--db", db, "--json", "groups"});
    const auto after = cli(world, {"groups", "--json", "--db", db});
    ASSERT_EQ(after.code, 0) << after.err;
    EXPECT_EQ(after.out, before.out);
    const auto group = nlohmann::json::parse(after.out).at(0);
    EXPECT_EQ(nlohmann::json::parse(cli(world, {"list", "--db", db, "--json"}).out).size(), 3u);

    const auto bogus = cli(world, {"groups", "--db", db, "--bogus"});
    EXPECT_EQ(bogus.code, 2);
    EXPECT_NE(bogus.err.find("--bogus"), std::string::npos) << bogus.err;

    const auto list = cli(world, {"list", "--db", db});
    ASSERT_EQ(list.code, 0) << list.err;
    std::istringstream lines(list.out);
    std::string header;
    std::getline(lines, header);
    EXPECT_NE(header.find("model"), std::string::npos) << header;
    EXPECT_NE(header.find("config"), std::string::npos) << header;
    int rows = 0;
    for (std::string line; std::getline(lines, line);) {
        ++rows;
        EXPECT_NE(line.find(group["model"].get<std::string>()), std::string::npos) << line;
        EXPECT_NE(line.find("bs 16"), std::string::npos) << line; // the config as `groups` describes it
    }
    EXPECT_EQ(rows, 3);
}

// noisefloor-cli reads and analyses without libtorch (it links none: `list` takes milliseconds, not
// the 0.6 s of loading torch's libraries), hands what evaluates to noisefloor-engine beside it, and,
// found alone, still reads while saying where the engine should be for the rest.
TEST(Cli, ReadingNeedsNoTorchAndEvaluatingGoesToTheEngine)
{
    TinyWorld world;
    const std::string quoted = nf::test::shellQuote(NF_CLI_PATH);
    EXPECT_NE(std::system(("ldd " + quoted + " | grep -q libtorch").c_str()), 0) << "noisefloor-cli links libtorch";
    const auto doctor = cli(world, {"doctor"});
    ASSERT_EQ(doctor.code, 0) << doctor.err;
    EXPECT_NE(doctor.out.find("libtorch"), std::string::npos) << doctor.out; // the engine answered

    const auto db = (world / "runs.sqlite").string();
    ASSERT_EQ(cli(world, runArgs(world, world.model("tiny"), db)).code, 0);
    const auto alone = world / "alone";
    std::filesystem::create_directories(alone);
    std::filesystem::copy_file(NF_CLI_PATH, alone / "noisefloor-cli");
    auto runAlone = [&](const std::string& args) {
        const std::string command = nf::test::shellQuote((alone / "noisefloor-cli").string()) + " " + args + " >" +
                                    nf::test::shellQuote((alone / "out.txt").string()) + " 2>" +
                                    nf::test::shellQuote((alone / "err.txt").string());
        const int status = std::system(command.c_str());
        return Result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, readFile(alone / "out.txt"),
                      readFile(alone / "err.txt")};
    };
    const auto listed = runAlone("--db " + nf::test::shellQuote(db) + " --json list");
    ASSERT_EQ(listed.code, 0) << listed.err;
    EXPECT_EQ(nlohmann::json::parse(listed.out).size(), 3u);
    const auto evaluate = runAlone("--db " + nf::test::shellQuote(db) + " run --model x --task y");
    EXPECT_EQ(evaluate.code, 1);
    EXPECT_NE(evaluate.err.find("noisefloor-engine, which runs evaluations, is neither at " +
                                (alone / "noisefloor-engine").string()),
              std::string::npos)
        << evaluate.err;
}

TEST(Cli, ShowAndReproduceAStoredRun)
{
    TinyWorld world;
    const auto db = (world / "runs.sqlite").string();
    auto args = runArgs(world, world.dropoutModel(), db);
    args.insert(args.end(), {"--dropout", "train"});
    ASSERT_EQ(cli(world, args).code, 0);
    const auto show = cli(world, {"--db", db, "show", "2", "--items"});
    ASSERT_EQ(show.code, 0) << show.err;
    EXPECT_NE(show.out.find("\"dropout\":\"train\""), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("p_true"), std::string::npos);

    const auto reproduce = cli(world, {"--db", db, "--json", "reproduce", "2"});
    ASSERT_EQ(reproduce.code, 0) << reproduce.err;
    const auto report = nlohmann::json::parse(reproduce.out);
    EXPECT_TRUE(report["identical"].get<bool>()) << "MC-dropout with the same seed reproduces on the CPU";
    EXPECT_EQ(report["predicted_differ"], 0);
    nf::store::Store store(db, nf::store::OpenMode::ReadOnly);
    EXPECT_EQ(store.runs().size(), 4u);
    EXPECT_EQ(store.groups()[0].accuracies.size(), 3u);
    // An export for analysis elsewhere leaves the reproduction out, as the statistics do.
    const auto jsonl = cli(world, {"--db", db, "export", "--format", "jsonl"});
    ASSERT_EQ(jsonl.code, 0) << jsonl.err;
    EXPECT_EQ(std::count(jsonl.out.begin(), jsonl.out.end(), '\n'), 3);
}

TEST(Cli, ExportOfFullAndLimitedRunsImportsIntoANewDatabaseWithTheSameStatistics)
{
    TinyWorld world;
    const auto db = (world / "runs.sqlite").string();
    const auto model = world.model("tiny");
    auto sampled = runArgs(world, model, db);
    sampled.insert(sampled.end(), {"--decoding", "sample"});
    ASSERT_EQ(cli(world, sampled).code, 0);
    auto limited = sampled;
    limited.insert(limited.end(), {"--limit", "20"});
    ASSERT_EQ(cli(world, limited).code, 0);
    const auto out = (world / "runs.jsonl").string();
    ASSERT_EQ(cli(world, {"--db", db, "export", "--format", "jsonl", "--out", out}).code, 0);
    const auto copy = (world / "copy.sqlite").string();
    const auto imported = cli(world, {"--db", copy, "import", out});
    ASSERT_EQ(imported.code, 0) << imported.err;
    for (const char* group : {"1", "2"}) {
        auto before = nlohmann::json::parse(cli(world, {"--db", db, "--json", "summary", group}).out);
        auto after = nlohmann::json::parse(cli(world, {"--db", copy, "--json", "summary", group}).out);
        for (const char* key : {"n", "mean", "sd", "flip_items", "sd_seed", "se_question", "n_items"})
            EXPECT_EQ(before[key], after[key]) << "group " << group << ": " << key;
    }
}

TEST(CliInput, ReproduceRefusesARunThatDidNotComplete)
{
    TinyWorld world;
    const auto db = (world / "runs.sqlite").string();
    auto args = runArgs(world, world.model("tiny"), db);
    ASSERT_EQ(cli(world, args).code, 0);
    int64_t cancelled = 0;
    {
        nf::store::Store store(db);
        const auto first = store.runs().front();
        cancelled = store.beginRun({first.configId, first.envId, 99, "", "engine", std::nullopt, {}});
        store.endRun(cancelled, nf::store::RunStatus::Cancelled, "cancelled by the test");
    }
    const auto reproduce = cli(world, {"--db", db, "reproduce", std::to_string(cancelled)});
    EXPECT_EQ(reproduce.code, 2);
    EXPECT_NE(reproduce.err.find("is cancelled"), std::string::npos) << reproduce.err;
    nf::store::Store store(db, nf::store::OpenMode::ReadOnly);
    EXPECT_EQ(store.runs().size(), 4u) << "nothing was added";
}

TEST(CliInput, BadInputGetsOneLineExitCodeTwoAndWritesNothing)
{
    TinyWorld world;
    const auto db = (world / "runs.sqlite").string();
    const auto tiny = world.model("tiny");
    nf::engine::TinyClassifierSpec wrong;
    wrong.output = nf::engine::TinyClassifierSpec::Output::Vector;
    const auto wrongShape = world.model("wrong", wrong);
    std::ofstream(world / "corrupt.pt") << "garbage";
    std::ofstream(world / "short.idx") << std::string("\0\0\x08\x03", 4);
    struct Case
    {
        std::vector<std::string> extra;
        std::string model;
        std::string task;
        std::string expect;
    };
    const std::vector<Case> cases = {
        {{}, (world / "missing.pt").string(), world.taskSpec(), "missing.pt: no such file"},
        {{}, (world / "corrupt.pt").string(), world.taskSpec(), "corrupt.pt: not a TorchScript model"},
        {{}, wrongShape, world.taskSpec(), "wrong.pt: output has shape [2]"},
        {{}, tiny, "mnist-ish", "unknown task 'mnist-ish'"},
        {{},
         tiny,
         "idx:" + (world / "short.idx").string() + "," + (world / "labels.idx.gz").string(),
         "short.idx"},
        {{"--decoding", "sample", "--temperature", "0"}, tiny, world.taskSpec(), "temperature"},
        {{"--decoding", "sample", "--top-p", "1.5"}, tiny, world.taskSpec(), "--top-p: 1.5 must be in (0, 1]"},
        {{"--dropout", "train"}, tiny, world.taskSpec(), "Dropout"},
    };
    for (const auto& c : cases) {
        std::vector<std::string> args = {"--db", db, "run", "--model", c.model, "--task", c.task};
        args.insert(args.end(), c.extra.begin(), c.extra.end());
        const auto result = cli(world, args);
        EXPECT_EQ(result.code, 2) << c.expect;
        EXPECT_NE(result.err.find(c.expect), std::string::npos) << result.err;
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << "one line:\n" << result.err;
        EXPECT_FALSE(std::filesystem::exists(db)) << c.expect;
    }
}

TEST(CliInput, UnreadableOrReadOnlyDatabaseIsNamed)
{
    TinyWorld world;
    const auto garbage = (world / "garbage.sqlite").string();
    std::ofstream(garbage) << std::string(4096, 'x');
    const auto args = runArgs(world, world.model("tiny"), garbage);
    const auto result = cli(world, args);
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find(garbage), std::string::npos) << result.err;

    const auto listed = cli(world, {"--db", (world / "nothing.sqlite").string(), "list"});
    EXPECT_EQ(listed.code, 2);
    EXPECT_NE(listed.err.find("nothing.sqlite"), std::string::npos);

    // Root writes through file permissions, so as root the CLI runs as nobody (setpriv).
    std::string asUser;
    if (::geteuid() == 0) {
        if (!std::filesystem::exists("/usr/bin/setpriv"))
            GTEST_SKIP()
                << "running as root without setpriv: file permissions cannot make a database read-only";
        asUser = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
        ::chmod(world.dir().c_str(), 0755);
    }
    const auto db = (world / "ro.sqlite").string();
    ASSERT_EQ(cli(world, runArgs(world, world.model("tiny"), db)).code, 0);
    ::chmod(db.c_str(), 0444);
    auto more = runArgs(world, world.model("tiny"), db);
    more.insert(more.end(), {"--seed-start", "10"});
    // noisefloor-engine directly: as nobody, noisefloor-cli could not exec it from a build folder
    // inside a private temporary directory (a fresh clone's), which an installed copy never is.
    const auto readOnly = nf::test::runCli(world.dir(), more, asUser, NF_ENGINE_PATH);
    EXPECT_EQ(readOnly.code, 2);
    EXPECT_NE(readOnly.err.find("read-only"), std::string::npos) << readOnly.err;
}

TEST(Cli, CtrlCMarksTheRunInFlightCancelledKeepsCompletedRunsAndExits130)
{
    TinyWorld world(4000);
    const auto db = (world / "runs.sqlite").string();
    const auto model = world.model("tiny");
    const pid_t child = fork();
    if (child == 0) {
        ::setenv("XDG_DATA_HOME", world.dir().c_str(), 1);
        std::freopen((world / "out.txt").c_str(), "w", stdout);
        std::freopen((world / "err.txt").c_str(), "w", stderr);
        execl(NF_CLI_PATH, NF_CLI_PATH, "--db", db.c_str(), "run", "--model", model.c_str(), "--task",
              world.taskSpec().c_str(), "--repeats", "50", "--batch-size", "1", static_cast<char*>(nullptr));
        _exit(127);
    }
    // Wait for the first completed run, then interrupt as a user at a terminal would.
    bool sawCompleted = false;
    for (int i = 0; i < 600 && !sawCompleted; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!std::filesystem::exists(db))
            continue;
        try {
            nf::store::Store store(db, nf::store::OpenMode::ReadOnly);
            nf::store::RunFilter completed;
            completed.status = nf::store::RunStatus::Completed;
            sawCompleted = !store.runs(completed).empty();
        } catch (const std::exception&) {
        }
    }
    ASSERT_TRUE(sawCompleted);
    ::kill(child, SIGINT);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130) << readFile(world / "err.txt");
    nf::store::Store store(db, nf::store::OpenMode::ReadOnly);
    const auto runs = store.runs();
    ASSERT_GE(runs.size(), 1u);
    // Usually the interrupt lands mid-run and that run is stored as cancelled; when it lands
    // while a run commits, no further run starts and none is stored empty.
    const bool midRun = runs.back().status == nf::store::RunStatus::Cancelled;
    const auto err = readFile(world / "err.txt");
    if (midRun)
        EXPECT_NE(err.find("stored as cancelled"), std::string::npos) << err;
    else
        EXPECT_NE(err.find("cancelled before the next run started"), std::string::npos) << err;
    for (size_t i = 0; i + (midRun ? 1 : 0) < runs.size(); ++i)
        EXPECT_EQ(runs[i].status, nf::store::RunStatus::Completed);
    EXPECT_LT(runs.size(), 50u);
}

// The one integration test on Debian's real Fashion-MNIST files: the demo, start to finish, in a
// fresh data folder (it trains the demo models first, about 10 s on two cores).
TEST(CliDemo, TrainsOnceAndTheThreeEpochMlpScoresAtLeast84PercentGreedy)
{
    if (!std::filesystem::exists(std::string(nf::formats::kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz"))
        GTEST_SKIP() << "dataset-fashion-mnist is not installed (scripts/setup installs it)";
    TinyWorld world(1);
    const auto db = (world / "runs.sqlite").string();
    const auto first = cli(world, {"--db", db, "demo", "--repeats", "2"});
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_NE(first.out.find("Trained the demo models"), std::string::npos) << first.out;
    EXPECT_NE(first.out.find("12 run(s) completed"), std::string::npos) << first.out;

    const auto groups = nlohmann::json::parse(cli(world, {"--db", db, "--json", "groups"}).out);
    ASSERT_EQ(groups.size(), 6u);
    bool sawThreeEpochGreedy = false;
    for (const auto& group : groups) {
        EXPECT_EQ(group["n"], 2);
        EXPECT_EQ(group["task"], "fashion-mnist:test");
        const bool greedy = group["params"]["decoding"] == "greedy" && group["params"]["dropout"] == "eval";
        if (greedy) {
            EXPECT_EQ(group["sd"], 0.0) << "greedy fp32 repeats agree exactly";
        } else {
            EXPECT_GT(group["max"].get<double>() - group["min"].get<double>(), 0.0) << group.dump();
        }
        if (greedy && group["model"] == "demo MLP, 3 epochs") {
            sawThreeEpochGreedy = true;
            EXPECT_GE(group["mean"].get<double>(), 0.84);
        }
    }
    EXPECT_TRUE(sawThreeEpochGreedy);

    const auto second = cli(world, {"--db", db, "demo", "--repeats", "2"});
    ASSERT_EQ(second.code, 0) << second.err;
    EXPECT_NE(second.out.find("Demo models (cached)"), std::string::npos);
    EXPECT_NE(second.out.find("12 skipped"), std::string::npos)
        << "running the demo twice does not double its runs";
}
