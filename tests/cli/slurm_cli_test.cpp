// submit --slurm, jobs, collect and cancel on a real single-node Slurm (slurm_cluster.h), with the
// demo model on Fashion-MNIST: the array's runs are the runs a local `run` makes of the same
// seeds, item for item; a task that fails leaves the others' runs and says why in `jobs`; scancel
// in the middle of the array keeps every completed run and no half run; collecting twice adds
// nothing; --dry-run queues nothing. Skipped, saying why, where the cluster cannot start.

#include "cli/cli_runner.h"
#include "cli/slurm_cluster.h"
#include "core/integrity_check.h"
#include "engine/models.h"
#include "formats/task.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace {

namespace fs = std::filesystem;
using nf::test::CliResult;
using nf::test::ScratchDir;
using nf::test::SlurmCluster;

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

class SlurmCli : public testing::Test
{
protected:
    void SetUp() override
    {
        if (!fs::exists(std::string(nf::formats::kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz"))
            GTEST_SKIP() << "dataset-fashion-mnist is not installed (scripts/setup installs it)";
        m_cluster = std::make_unique<SlurmCluster>();
        if (!m_cluster->error().empty())
            GTEST_SKIP() << "no local Slurm cluster: " << m_cluster->error();
        ::setenv("SLURM_CONF", m_cluster->config().c_str(), 1);
        // The demo's one-epoch MLP, trained here once (a few seconds).
        m_model =
            nf::engine::ensureDemoModels(m_dir / "demo", [](int, int, int64_t, int64_t) {}).oneEpoch.string();
        m_db = (m_dir / "runs.sqlite").string();
    }

    CliResult cli(const std::vector<std::string>& args) const { return nf::test::runCli(m_dir.path(), args); }

    // The run options every test submits: MC dropout, so that each seed draws its own masks and
    // "identical" means the seed reached the node.
    std::vector<std::string> runOptions(const std::string& seeds, const std::string& limit = "500") const
    {
        return {"--model", m_model,     "--task", "fashion-mnist", "--seeds",
                seeds,     "--dropout", "train",  "--limit",       limit};
    }

    CliResult submit(std::vector<std::string> options, const std::vector<std::string>& runArgs) const
    {
        std::vector<std::string> args = {"--db",    m_db,       "submit",
                                         "--slurm", "--shards", (m_dir / "shards dir ü").string()};
        args.insert(args.end(), options.begin(), options.end());
        args.emplace_back("--");
        args.insert(args.end(), runArgs.begin(), runArgs.end());
        return cli(args);
    }

    nlohmann::json job(int id) const
    {
        const auto result = cli({"--db", m_db, "--json", "jobs", std::to_string(id)});
        EXPECT_EQ(result.code, 0) << result.err;
        return nlohmann::json::parse(result.out);
    }

    // Waits for the collect job to have written its log line (it runs after every task).
    bool waitCollected(const nlohmann::json& status, std::chrono::seconds limit) const
    {
        const auto log = fs::path(status["shards_dir"].get<std::string>()) / "logs" / "collect.log";
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (nf::test::readFile(log).find("Database: ") != std::string::npos)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return false;
    }

    ScratchDir m_dir;
    std::unique_ptr<SlurmCluster> m_cluster;
    std::string m_model;
    std::string m_db;
};

// seed -> the run's items, from a database.
std::map<int64_t, std::vector<nf::store::ItemRow>> itemsBySeed(const std::string& path,
                                                               int64_t* incomplete = nullptr)
{
    nf::store::Store store(path, nf::store::OpenMode::ReadOnly);
    std::map<int64_t, std::vector<nf::store::ItemRow>> items;
    for (const auto& run : store.runs()) {
        if (run.status != nf::store::RunStatus::Completed) {
            if (incomplete)
                ++*incomplete;
            continue;
        }
        EXPECT_EQ(items.count(run.seed), 0u) << "seed " << run.seed << " twice";
        items[run.seed] = store.runItems(run.id);
        EXPECT_EQ(static_cast<int64_t>(items[run.seed].size()), run.nItems)
            << "a half run, seed " << run.seed;
    }
    return items;
}

TEST_F(SlurmCli, FourSeedsLandAsTheRunsALocalRunMakesAndCollectingTwiceAddsNothing)
{
    // --dry-run prints the scripts and queues nothing.
    const auto dry = submit({"--dry-run"}, runOptions("1,2,3,4"));
    ASSERT_EQ(dry.code, 0) << dry.err;
    EXPECT_CONTAINS(dry.out, "#SBATCH --array=0-3");
    EXPECT_CONTAINS(dry.out, "dry run: nothing was submitted");
    EXPECT_EQ(m_cluster->shell("squeue -h"), "");
    EXPECT_FALSE(fs::exists(m_dir / "shards dir ü"));
    EXPECT_FALSE(fs::exists(m_db)) << "a dry run makes no database";

    // Refused before anything is queued, with run's message; or by sbatch, in its words: either
    // way nothing is left behind.
    auto missing = runOptions("1,2,3,4");
    missing[1] = (m_dir / "no such.pt").string();
    const auto badModel = submit({}, missing);
    EXPECT_EQ(badModel.code, 2);
    EXPECT_CONTAINS(badModel.err, "no such.pt: no such file or folder");
    const auto badPartition = submit({"--partition", "nope"}, runOptions("1,2,3,4"));
    EXPECT_EQ(badPartition.code, 2);
    EXPECT_CONTAINS(badPartition.err, "sbatch refused the job array: ");
    EXPECT_CONTAINS(badPartition.err, "Invalid partition");
    EXPECT_FALSE(fs::exists(m_db));
    EXPECT_FALSE(fs::exists(m_dir / "shards dir ü"));

    const auto submitted = submit({"--partition", "debug", "--time", "0:10:00"}, runOptions("1,2,3,4"));
    ASSERT_EQ(submitted.code, 0) << submitted.err;
    EXPECT_CONTAINS(submitted.out, "Submitted job 1 to Slurm: array ");
    const auto queued = job(1);
    ASSERT_TRUE(waitCollected(queued, std::chrono::seconds(120))) << m_cluster->shell("squeue");
    ASSERT_TRUE(m_cluster->waitIdle(std::chrono::seconds(30)));

    const auto status = job(1);
    EXPECT_EQ(status["state"], "finished") << status.dump(2);
    EXPECT_EQ(status["summary"], "4 completed") << status.dump(2);
    for (const auto& task : status["tasks"]) {
        EXPECT_EQ(task["state"], "completed");
        EXPECT_EQ(task["exit_code"], 0);
        EXPECT_TRUE(task["collected"].get<bool>());
    }

    // The same seeds run here: item for item the same answers and p_true.
    const auto local = (m_dir / "local.sqlite").string();
    std::vector<std::string> localRun = {"--db", local, "run"};
    for (const auto& option : runOptions("1,2,3,4"))
        localRun.push_back(option);
    ASSERT_EQ(cli(localRun).code, 0);
    const auto cluster = itemsBySeed(m_db);
    const auto here = itemsBySeed(local);
    ASSERT_EQ(cluster.size(), 4u);
    ASSERT_EQ(here.size(), 4u);
    for (const auto& [seed, items] : here) {
        ASSERT_EQ(cluster.at(seed).size(), items.size());
        for (size_t i = 0; i < items.size(); ++i) {
            EXPECT_EQ(cluster.at(seed)[i].predicted, items[i].predicted) << "seed " << seed << " item " << i;
            EXPECT_EQ(cluster.at(seed)[i].pTrue, items[i].pTrue) << "seed " << seed << " item " << i;
        }
    }
    EXPECT_NE(here.at(1)[0].pTrue == here.at(2)[0].pTrue && here.at(1)[1].pTrue == here.at(2)[1].pTrue, true)
        << "MC dropout: two seeds draw different masks";
    // One group, as here: the node's run had this config.
    nf::store::Store store(m_db, nf::store::OpenMode::ReadOnly);
    nf::store::Store localStore(local, nf::store::OpenMode::ReadOnly);
    ASSERT_EQ(store.groups().size(), 1u);
    EXPECT_EQ(store.groups()[0].paramsJson, localStore.groups()[0].paramsJson);
    // Each run records where it ran.
    const auto environment = nlohmann::json::parse(store.environmentJson(store.runs()[0].envId));
    EXPECT_TRUE(environment.contains("slurm.job_id")) << environment.dump();
    EXPECT_TRUE(environment.contains("slurm.array_task_id"));
    EXPECT_TRUE(environment.contains("slurm.node"));

    const auto again = cli({"--db", m_db, "collect", "1"});
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_CONTAINS(again.out, "job 1: no new shards");
    const auto everything = cli({"--db", m_db, "collect"});
    ASSERT_EQ(everything.code, 0);
    EXPECT_EQ(itemsBySeed(m_db).size(), 4u);
    EXPECT_EQ(store.runs().size(), 4u);
    EXPECT_EQ(nf::test::integrityCheck(m_db), "ok");
    const auto late = cli({"--db", m_db, "cancel", "1"});
    EXPECT_EQ(late.code, 2);
    EXPECT_CONTAINS(late.err, "job 1 has ended (4 completed): nothing to cancel");
}

// One task is handed a model path that does not exist (by a launcher that rewrites --model for
// task 2): it fails with run's message, the other three land, and `jobs` says which and why.
TEST_F(SlurmCli, AFailingTaskLeavesTheOthersRunsAndSaysWhyInJobs)
{
    const auto launcher = m_dir / "sabotage.sh";
    std::ofstream(launcher) << "#!/bin/bash\n"
                               "args=()\n"
                               "for arg in \"$@\"; do\n"
                               "  if [ \"$SLURM_ARRAY_TASK_ID\" = 2 ] && [ \"$prev\" = --model ]; then "
                               "arg=/no/such/model.pt; fi\n"
                               "  args+=(\"$arg\"); prev=$arg\n"
                               "done\n"
                               "exec \"${args[@]}\"\n";
    fs::permissions(launcher, fs::perms::owner_all);
    const auto submitted = submit({"--launcher", launcher.string()}, runOptions("1,2,3,4"));
    ASSERT_EQ(submitted.code, 0) << submitted.err;
    ASSERT_TRUE(waitCollected(job(1), std::chrono::seconds(120)));
    ASSERT_TRUE(m_cluster->waitIdle(std::chrono::seconds(30)));

    const auto status = job(1);
    EXPECT_EQ(status["state"], "finished");
    EXPECT_EQ(status["summary"], "3 completed, 1 failed") << status.dump(2);
    const auto& failed = status["tasks"][2];
    EXPECT_EQ(failed["state"], "failed");
    EXPECT_EQ(failed["exit_code"], 2);
    EXPECT_CONTAINS(failed["message"].get<std::string>(), "/no/such/model.pt: no such file or folder");
    const auto seeds = itemsBySeed(m_db);
    EXPECT_EQ(seeds.size(), 3u);
    EXPECT_EQ(seeds.count(3), 0u) << "task 2 ran seed 3";
    const auto table = cli({"--db", m_db, "jobs", "1"});
    EXPECT_CONTAINS(table.out, "failed");
    EXPECT_CONTAINS(table.out, "no such file or folder");
    EXPECT_EQ(nf::test::integrityCheck(m_db), "ok");
}

// scancel while the second of four tasks is in the middle of its runs (one task at a time, four
// seeds each, one item per batch: a few seconds a run): every run that completed is collected,
// none twice and none half; the run in flight is stored as cancelled in its shard and left out.
TEST_F(SlurmCli, CancelInTheMiddleKeepsEveryCompletedRunAndNoHalfRun)
{
    auto options = runOptions("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", "10000");
    options.insert(options.end(), {"--batch-size", "1"});
    const auto submitted = submit({"--max-parallel", "1", "--seeds-per-task", "4"}, options);
    ASSERT_EQ(submitted.code, 0) << submitted.err;
    const auto shards = fs::path(job(1)["shards_dir"].get<std::string>());
    // Task 0 has saved its shard and task 1 has completed at least one run.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while (std::chrono::steady_clock::now() < deadline &&
           !(fs::exists(shards / "task-0") &&
             m_cluster->shell("squeue -h -r -o %K:%T").find("1:RUNNING") != std::string::npos))
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::this_thread::sleep_for(std::chrono::milliseconds(3500)); // into task 1's second run
    const auto cancelled = cli({"--db", m_db, "cancel", "1"});
    ASSERT_EQ(cancelled.code, 0) << cancelled.err;
    EXPECT_CONTAINS(cancelled.out, "Cancelled job 1");
    ASSERT_TRUE(waitCollected(job(1), std::chrono::seconds(120)));
    ASSERT_TRUE(m_cluster->waitIdle(std::chrono::seconds(30)));

    const auto status = job(1);
    EXPECT_EQ(status["state"], "cancelled") << status.dump(2);
    EXPECT_EQ(status["tasks"][0]["state"], "completed");
    EXPECT_EQ(status["tasks"][1]["state"], "cancelled") << status.dump(2);
    EXPECT_EQ(status["tasks"][3]["state"], "cancelled") << "never started" << status.dump(2);

    int64_t incomplete = 0;
    const auto seeds = itemsBySeed(m_db, &incomplete);
    EXPECT_EQ(incomplete, 0) << "a cancelled run is not merged";
    for (int64_t seed = 1; seed <= 4; ++seed)
        EXPECT_EQ(seeds.count(seed), 1u) << "task 0's seed " << seed;
    EXPECT_LT(seeds.size(), 8u) << "task 1 was cancelled before its last run";
    for (const auto& [seed, items] : seeds)
        EXPECT_LE(seed, 8) << "tasks 2 and 3 never ran";
    // Task 1's shard has its run in flight as cancelled: the completed ones came home.
    nf::store::Store shard(shards / "task-1" / "shard.sqlite", nf::store::OpenMode::ReadOnly);
    int64_t completedThere = 0;
    int64_t cancelledThere = 0;
    for (const auto& run : shard.runs()) {
        completedThere += run.status == nf::store::RunStatus::Completed;
        cancelledThere += run.status == nf::store::RunStatus::Cancelled;
    }
    EXPECT_EQ(cancelledThere, 1);
    EXPECT_EQ(static_cast<int64_t>(seeds.size()), 4 + completedThere);
    EXPECT_EQ(nf::test::integrityCheck(m_db), "ok");
    std::cout << "[ figures ] cancelled mid-array: " << seeds.size() << " completed runs collected, "
              << cancelledThere << " cancelled run left out\n";
}

} // namespace
