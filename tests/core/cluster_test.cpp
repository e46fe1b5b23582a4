// Cluster submissions without a cluster: the array script run by bash as Slurm would run one of
// its tasks (a stand-in CLI records what it was given), quoting of paths with spaces, quotes and
// unicode, seeds split over tasks, what cannot go into a script; the jobs table; collecting shards
// made with the store's API (completed runs only, twice adds nothing, a damaged shard named and the
// others merged, a write-ahead log left by a killed run folded in); task states from a stand-in
// squeue, and from the shards alone when there is no squeue.

#include "cluster/command.h"
#include "cluster/jobs.h"
#include "cluster/script.h"
#include "common/error.h"
#include "core/integrity_check.h"
#include "core/scratch_dir.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using namespace nf;
using nf::test::ScratchDir;

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

std::string readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeExecutable(const fs::path& path, const std::string& text)
{
    std::ofstream(path) << text;
    fs::permissions(path, fs::perms::owner_all);
}

cluster::Submission submission(const ScratchDir& dir, const std::string& shards = "shards ü 'q'")
{
    cluster::Submission s;
    s.plan.modelPath = (dir / "models dir/model ü.pt").string();
    s.plan.modelLabel = "model's ü";
    s.plan.taskSpec = "idx:" + (dir / "a b/images.idx").string() + "," + (dir / "a b/labels.idx").string();
    s.plan.label = "it's $HOME `x`";
    s.plan.seeds = {1, 2, 3, 4, 5};
    s.taskSeeds = cluster::splitSeeds(s.plan.seeds, 2);
    s.slurm.cli = (dir / "bin dir/noisefloor-cli").string();
    s.slurm.partition = "gpu";
    s.slurm.gpusPerTask = 1;
    s.slurm.time = "2:00:00";
    s.slurm.maxParallel = 2;
    s.slurm.sbatchArgs = {"--account=lab"};
    s.database = dir / "db dir/runs.sqlite";
    s.shardsDir = dir / shards;
    return s;
}

TEST(ClusterScript, SeedsAreSplitInOrderWithTheLastTaskTakingWhatIsLeft)
{
    using Tasks = std::vector<std::vector<int64_t>>;
    EXPECT_EQ(cluster::splitSeeds({1, 2, 3, 4, 5, 6, 7}, 3), (Tasks{{1, 2, 3}, {4, 5, 6}, {7}}));
    EXPECT_EQ(cluster::splitSeeds({9, 4, 7}, 1), (Tasks{{9}, {4}, {7}}));
    EXPECT_EQ(cluster::splitSeeds({1, 2}, 5), (Tasks{{1, 2}}));
    EXPECT_THROW(cluster::splitSeeds({1, 2}, 0), InputError);
}

TEST(ClusterScript, AWordQuotedForBashReadsBackAsItself)
{
    ScratchDir dir;
    const std::vector<std::string> words = {"plain", "with space",  "it's",  "ü 中文",
                                            "$HOME", "`date`",      "a\"b",  "",
                                            "--x=1", "back\\slash", "*?[a]", "tab\there"};
    std::string command = "printf '%s\\n'";
    for (const auto& word : words)
        command += " " + cluster::shellQuote(word);
    std::ofstream(dir / "quote.sh") << command << '\n';
    const auto result = cluster::runCommand({"bash", (dir / "quote.sh").string()});
    ASSERT_TRUE(result.ok()) << result.err;
    std::istringstream lines(result.out);
    for (const auto& word : words) {
        std::string line;
        std::getline(lines, line);
        EXPECT_EQ(line, word);
    }
    EXPECT_EQ(cluster::shellQuote("/plain/path.pt"), "/plain/path.pt");
}

TEST(ClusterScript, TheArrayScriptSaysWhatSlurmNeeds)
{
    ScratchDir dir;
    const auto script = cluster::arrayScript(submission(dir));
    EXPECT_CONTAINS(script, "#SBATCH --array=0-2%2\n");
    EXPECT_CONTAINS(script, "#SBATCH --partition=gpu\n");
    EXPECT_CONTAINS(script, "#SBATCH --gpus-per-task=1\n");
    EXPECT_CONTAINS(script, "#SBATCH --time=2:00:00\n");
    EXPECT_CONTAINS(script, "#SBATCH --account=lab\n");
    EXPECT_CONTAINS(script,
                    "#SBATCH --output=\"" + (dir / "shards ü 'q'/logs/task-%a.log").string() + "\"\n");
    EXPECT_CONTAINS(script, "seeds_of_task=(1,2 3,4 5)\n");
    const auto collect = cluster::collectScript(submission(dir), 7);
    EXPECT_CONTAINS(collect, "collect 7\n");
    EXPECT_CONTAINS(collect, "#SBATCH --account=lab\n");
    EXPECT_EQ(collect.find("--gpus-per-task"), std::string::npos) << "collecting needs no GPU";
    // bash reads both.
    std::ofstream(dir / "job.sbatch") << script;
    std::ofstream(dir / "collect.sbatch") << collect;
    EXPECT_TRUE(cluster::runCommand({"bash", "-n", (dir / "job.sbatch").string()}).ok());
    EXPECT_TRUE(cluster::runCommand({"bash", "-n", (dir / "collect.sbatch").string()}).ok());
}

TEST(ClusterScript, WhatAScriptCannotCarryIsRefusedNamingTheOption)
{
    ScratchDir dir;
    auto quote = submission(dir, "a\"b");
    try {
        cluster::arrayScript(quote);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_CONTAINS(e.what(), "--shards");
        EXPECT_CONTAINS(e.what(), "double quote");
    }
    EXPECT_THROW(cluster::arrayScript(submission(dir, "100%")), InputError);
    auto newline = submission(dir);
    newline.slurm.sbatchArgs = {"--comment=a\nrm -rf /"};
    EXPECT_THROW(cluster::arrayScript(newline), InputError);
    auto notAnOption = submission(dir);
    notAnOption.slurm.sbatchArgs = {"account=lab"};
    try {
        cluster::arrayScript(notAnOption);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_CONTAINS(e.what(), "--sbatch-arg account=lab");
    }
}

// The script as Slurm runs task 1 of it: the stand-in CLI records its arguments one per line,
// makes the shard database it was pointed at, and exits with the code in EXIT_WITH.
class ArrayTask : public testing::Test
{
protected:
    void SetUp() override
    {
        m_submission = submission(m_dir);
        fs::create_directories(fs::path(m_submission.slurm.cli).parent_path());
        fs::create_directories(m_dir / "tmp");
        writeExecutable(m_submission.slurm.cli, "#!/bin/bash\n"
                                                "printf '%s\\n' \"$@\" > \"" +
                                                    (m_dir / "args.txt").string() +
                                                    "\"\n"
                                                    "echo 'not a database, a stand-in' > \"$2\"\n"
                                                    "echo 'noisefloor-cli: error: the stand-in says no' >&2\n"
                                                    "exit ${EXIT_WITH:-0}\n");
        fs::create_directories(m_submission.shardsDir / "logs");
        std::ofstream(m_dir / "job.sbatch") << cluster::arrayScript(m_submission);
    }

    cluster::CommandResult runTask(int exitWith)
    {
        return cluster::runCommand({"env", "SLURM_ARRAY_TASK_ID=1", "SLURM_JOB_ID=77",
                                    "SLURMD_NODENAME=node7", "TMPDIR=" + (m_dir / "tmp").string(),
                                    "EXIT_WITH=" + std::to_string(exitWith), "bash",
                                    (m_dir / "job.sbatch").string()});
    }

    ScratchDir m_dir;
    cluster::Submission m_submission;
};

TEST_F(ArrayTask, ItRunsItsSeedsIntoAShardAndMovesItIntoPlaceWithItsStatus)
{
    const auto result = runTask(0);
    ASSERT_EQ(result.exitCode, 0) << result.err;
    std::vector<std::string> args;
    std::istringstream lines(readFile(m_dir / "args.txt"));
    for (std::string line; std::getline(lines, line);)
        args.push_back(line);
    ASSERT_GE(args.size(), 8u);
    EXPECT_EQ(args[0], "--db");
    EXPECT_TRUE(args[1].starts_with((m_dir / "tmp").string()))
        << "node-local $TMPDIR while it runs: " << args[1];
    EXPECT_EQ(args[2], "run");
    EXPECT_EQ(args[3], "--seeds");
    EXPECT_EQ(args[4], "3,4") << "task 1 of seeds split two to a task";
    const std::vector<std::string> rest(args.begin() + 5, args.end());
    EXPECT_EQ(rest, cluster::runArguments(m_submission.plan)) << "every option reaches the CLI as one word";

    const auto shard = m_submission.shardsDir / "task-1";
    EXPECT_EQ(readFile(shard / "shard.sqlite"), "not a database, a stand-in\n");
    const auto status = readFile(shard / "status");
    EXPECT_CONTAINS(status, "task=1\n");
    EXPECT_CONTAINS(status, "seeds=3,4\n");
    EXPECT_CONTAINS(status, "exit_code=0\n");
    EXPECT_CONTAINS(status, "node=node7\n");
    EXPECT_CONTAINS(status, "job_id=77\n");
    for (const auto& entry : fs::directory_iterator(m_submission.shardsDir))
        EXPECT_FALSE(entry.path().filename().string().starts_with(".partial")) << "nothing half-moved stays";
    EXPECT_TRUE(fs::is_empty(m_dir / "tmp")) << "the node-local copy is removed";
}

TEST_F(ArrayTask, AFailedRunIsTheTasksExitCodeAndItsStatus)
{
    const auto result = runTask(2);
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_CONTAINS(readFile(m_submission.shardsDir / "task-1" / "status"), "exit_code=2\n");
    // The same task run again (a requeue) keeps the first shard and saves the second beside it.
    ASSERT_EQ(runTask(0).exitCode, 0);
    int folders = 0;
    for (const auto& entry : fs::directory_iterator(m_submission.shardsDir))
        folders += entry.path().filename().string().starts_with("task-1");
    EXPECT_EQ(folders, 2);
}

// Shards made with the store's API, as array tasks leave them.
class Collect : public testing::Test
{
protected:
    void SetUp() override
    {
        m_shards = m_dir / "shards";
        fs::create_directories(m_shards / "logs");
        m_store = std::make_unique<store::Store>(m_dir / "runs.sqlite");
        store::JobRow job;
        job.arrayId = "41";
        job.shardsDir = m_shards.string();
        job.nTasks = 4;
        job.nRuns = 4;
        job.state = "queued";
        job.planJson =
            nlohmann::json{{"model_label", "m"}, {"task", "t"}, {"seeds", {{1}, {2}, {3}, {4}}}}.dump();
        m_job = m_store->addJob(job);
    }

    static int64_t group(store::Store& store)
    {
        const std::vector<store::TaskItem> items(10, {"all", "A"});
        const int64_t model = store.ensureModel("/m.pt", "model-sha", "classifier", "m");
        const int64_t task = store.ensureTask("image", "/t", "task-sha", "t", items);
        return store.ensureConfig(model, task, "{}", "params-hash");
    }

    static void addRun(store::Store& store, int64_t seed, int correct)
    {
        store::NewRun run;
        run.configId = group(store);
        run.envId = store.ensureEnvironment("{\"host\":\"node\"}", "env-node");
        run.seed = seed;
        std::vector<store::ItemRow> items;
        for (int64_t i = 0; i < 10; ++i)
            items.push_back({i, 0, i < correct, 0.5});
        store.insertCompletedRun(run, items, 1.0, "2026-12-01T10:00:00Z");
    }

    fs::path shard(int task, int exitCode, const std::string& extra = {})
    {
        const auto folder = m_shards / ("task-" + std::to_string(task));
        fs::create_directories(folder);
        std::ofstream(folder / "status") << "task=" << task << "\nseeds=" << task + 1
                                         << "\nexit_code=" << exitCode << "\nnode=n" << task << "\n"
                                         << extra;
        return folder;
    }

    ScratchDir m_dir;
    fs::path m_shards;
    std::unique_ptr<store::Store> m_store;
    int64_t m_job = 0;
};

TEST_F(Collect, CompletedRunsComeInOnceAFailedTaskIsNamedAndADamagedShardWaits)
{
    {
        store::Store one(shard(0, 0) / "shard.sqlite");
        addRun(one, 1, 6);
    }
    {
        // Cancelled mid-run: its completed run comes, the cancelled one does not.
        store::Store two(shard(1, 143, "signalled=1\n") / "shard.sqlite");
        addRun(two, 2, 7);
        store::NewRun cancelled;
        cancelled.configId = group(two);
        cancelled.seed = 9;
        two.endRun(two.beginRun(cancelled), store::RunStatus::Cancelled, "cancelled");
    }
    shard(2, 2); // bad input: it stored nothing
    std::ofstream(m_shards / "logs" / "task-2.log")
        << "device: cpu\nnoisefloor-cli: error: /no/model.pt: no such file or folder\n";
    std::ofstream(shard(3, 0) / "shard.sqlite") << std::string(8192, 'x');
    // A folder still arriving (copied by hand, no status yet) is not a shard: left for later.
    fs::create_directories(m_shards / "task-1.r1");
    {
        store::Store arriving(m_shards / "task-1.r1" / "shard.sqlite");
        addRun(arriving, 5, 3);
    }

    const auto first = cluster::collect(*m_store, m_job);
    EXPECT_EQ(first.shardsMerged, 3);
    EXPECT_EQ(first.runsAdded, 2);
    EXPECT_EQ(first.runsNotCompleted, 1);
    EXPECT_EQ(first.shardsWithoutRuns, 1);
    ASSERT_EQ(first.problems.size(), 1u);
    EXPECT_CONTAINS(first.problems[0], "task-3");
    EXPECT_EQ(m_store->runs().size(), 2u);

    const auto second = cluster::collect(*m_store, m_job);
    EXPECT_EQ(second.shardsMerged, 0);
    EXPECT_EQ(second.shardsAlready, 3);
    EXPECT_EQ(second.runsAdded, 0);
    EXPECT_EQ(second.problems.size(), 1u) << "the damaged shard is tried again, never recorded";
    EXPECT_EQ(m_store->runs().size(), 2u);
    EXPECT_EQ(nf::test::integrityCheck(m_store->path()), "ok");

    // Without squeue (none on the PATH here) the states come from the shards.
    const char* path = std::getenv("PATH");
    const std::string saved = path ? path : "";
    ::setenv("PATH", (m_dir / "nothing").c_str(), 1);
    const auto status = cluster::jobStatus(*m_store, *m_store->job(m_job));
    ::setenv("PATH", saved.c_str(), 1);
    EXPECT_FALSE(status.schedulerAnswered);
    EXPECT_EQ(status.tasks[0].state, "completed");
    EXPECT_EQ(status.tasks[1].state, "cancelled");
    EXPECT_EQ(status.tasks[2].state, "failed");
    EXPECT_EQ(status.tasks[2].exitCode, 2);
    EXPECT_EQ(status.tasks[2].message, "noisefloor-cli: error: /no/model.pt: no such file or folder");
    EXPECT_EQ(status.tasks[2].node, "n2");
    EXPECT_TRUE(status.tasks[0].collected);
    EXPECT_FALSE(status.tasks[3].collected);
    EXPECT_EQ(status.state, "finished");
    EXPECT_EQ(status.uncollected, 1);
    EXPECT_EQ(status.summary(), "2 completed, 1 cancelled, 1 failed; 1 shard to collect");
}

// A run killed before it folded its write-ahead log into the file leaves the log beside it; the
// runs in the log are collected.
TEST_F(Collect, AShardWithItsWriteAheadLogBesideItIsReadWhole)
{
    const auto folder = shard(0, 137);
    const auto live = m_dir / "live.sqlite";
    {
        store::Store writer(live);
        addRun(writer, 1, 5);
        addRun(writer, 2, 8);
        // Copied while the writer still has the file open: the runs are in the -wal.
        ASSERT_TRUE(fs::exists(live.string() + "-wal"));
        ASSERT_GT(fs::file_size(live.string() + "-wal"), 0u);
        fs::copy_file(live, folder / "shard.sqlite");
        fs::copy_file(live.string() + "-wal", folder / "shard.sqlite-wal");
    }
    const auto result = cluster::collect(*m_store, m_job);
    EXPECT_EQ(result.runsAdded, 2);
    EXPECT_TRUE(result.problems.empty());
}

TEST_F(Collect, StatesComeFromSqueueWhileTheSchedulerHoldsTheTasks)
{
    const auto bin = m_dir / "bin";
    fs::create_directories(bin);
    writeExecutable(bin / "squeue",
                    "#!/bin/sh\n"
                    "echo \"$@\" > " +
                        (m_dir / "squeue-args").string() +
                        "\n"
                        "printf '0|RUNNING|n1\\n1|PENDING|\\n2|COMPLETING|n2\\n3|CANCELLED|\\n'\n");
    writeExecutable(bin / "scancel", "#!/bin/sh\necho \"$@\" > " + (m_dir / "scancel-args").string() + "\n");
    const char* path = std::getenv("PATH");
    const std::string saved = path ? path : "";
    ::setenv("PATH", (bin.string() + ":/usr/bin:/bin").c_str(), 1);
    const auto status = cluster::jobStatus(*m_store, *m_store->job(m_job));
    cluster::cancel(*m_store, m_job);
    ::setenv("PATH", saved.c_str(), 1);

    EXPECT_CONTAINS(readFile(m_dir / "squeue-args"), "-j 41");
    EXPECT_TRUE(status.schedulerAnswered);
    EXPECT_EQ(status.tasks[0].state, "running");
    EXPECT_EQ(status.tasks[0].node, "n1");
    EXPECT_EQ(status.tasks[1].state, "pending");
    EXPECT_EQ(status.tasks[2].state, "running");
    EXPECT_EQ(status.tasks[3].state, "cancelled");
    EXPECT_EQ(status.state, "running");
    EXPECT_EQ(status.summary(), "2 running, 1 pending, 1 cancelled");
    EXPECT_EQ(readFile(m_dir / "scancel-args"), "41\n");
    EXPECT_EQ(m_store->job(m_job)->state, "cancelled");
}

// Once the controller has forgotten the array, sacct (where the cluster keeps accounting) still
// knows how its tasks ended.
TEST_F(Collect, StatesComeFromSacctOnceTheControllerHasForgottenTheJob)
{
    const auto bin = m_dir / "bin";
    fs::create_directories(bin);
    writeExecutable(bin / "squeue",
                    "#!/bin/sh\necho 'slurm_load_jobs error: Invalid job id specified' >&2\nexit 1\n");
    writeExecutable(bin / "sacct",
                    "#!/bin/sh\n"
                    "printf '41_0|COMPLETED|0:0|n1\\n41_1|CANCELLED by 0|0:15|n2\\n"
                    "41_2|OUT_OF_MEMORY|0:125|n3\\n41_3|TIMEOUT|0:0|n4\\n41|RUNNING|0:0|n1\\n'\n");
    {
        store::Store one(shard(0, 0) / "shard.sqlite");
        addRun(one, 1, 6);
    }
    const char* path = std::getenv("PATH");
    const std::string saved = path ? path : "";
    ::setenv("PATH", (bin.string() + ":/usr/bin:/bin").c_str(), 1);
    const auto status = cluster::jobStatus(*m_store, *m_store->job(m_job));
    ::setenv("PATH", saved.c_str(), 1);
    EXPECT_TRUE(status.schedulerAnswered);
    EXPECT_EQ(status.tasks[0].state, "completed");
    EXPECT_EQ(status.tasks[1].state, "cancelled");
    EXPECT_EQ(status.tasks[1].node, "n2");
    EXPECT_EQ(status.tasks[2].state, "lost") << "killed before it saved its shard";
    EXPECT_EQ(status.tasks[2].slurmState, "OUT_OF_MEMORY");
    EXPECT_EQ(status.tasks[3].state, "timeout");
    EXPECT_EQ(status.state, "finished");
    EXPECT_EQ(status.summary(), "1 completed, 1 cancelled, 1 lost, 1 timeout; 1 shard to collect");
}

TEST(ClusterJobs, TheJobsTableKeepsSubmissionsAndCollectedShards)
{
    store::Store store(":memory:");
    store::JobRow job;
    job.arrayId = "1234";
    job.shardsDir = "/shared/shards/slurm-1";
    job.planJson = "{}";
    job.nTasks = 3;
    job.nRuns = 5;
    job.state = "queued";
    const int64_t id = store.addJob(job);
    store.setJobCollectId(id, "1235");
    store.setJobState(id, "finished", "3 completed", "2026-12-07T10:00:00Z");
    store.addJobShard({id, "task-0", 0, 0, 2, ""});
    store.addJobShard({id, "task-0", 0, 0, 2, ""}); // a second record of the same shard is ignored
    const auto row = store.job(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->collectId, "1235");
    EXPECT_EQ(row->state, "finished");
    EXPECT_EQ(row->finishedAt, "2026-12-07T10:00:00Z");
    EXPECT_FALSE(row->submittedAt.empty());
    EXPECT_EQ(store.jobs().size(), 1u);
    EXPECT_EQ(store.jobShards(id).size(), 1u);
    EXPECT_EQ(store.jobShards(id)[0].runsAdded, 2);
    EXPECT_THROW(store.setJobState(99, "x", "", ""), InputError);
}

} // namespace
