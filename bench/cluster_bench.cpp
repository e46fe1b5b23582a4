// Cluster submissions: what collecting costs and how long a submission takes to show a run.
//
//   cluster_bench [SHARDS]   SHARDS: how many shards to collect (default 100)
//
// 1. collect: a job of SHARDS array tasks, each shard one completed run of 10,000 items (made
//    with the store's API), merged into an empty database by cluster::collect; then collected
//    again (nothing new). Wall and CPU seconds, shards and item rows per second, peak memory.
// 2. latency, when a local single-node Slurm can start (root, Debian's slurmctld, slurmd, munge:
//    tests/cli/slurm_cluster.h): `noisefloor-cli submit --slurm` of one seed of the demo model
//    (--limit 500) until the task's shard is saved, and until the collect job has merged it.
// Never asserts a time.

#include "bench_process.h"
#include "cli/slurm_cluster.h"
#include "cluster/jobs.h"
#include "engine/models.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace store = nf::store;
using Clock = std::chrono::steady_clock;
constexpr int kItems = 10000;

void makeShard(const fs::path& folder, int task)
{
    fs::create_directories(folder);
    store::Store shard(folder / "shard.sqlite");
    const std::vector<store::TaskItem> taskItems(kItems, {"all", "0"});
    const int64_t model = shard.ensureModel("/models/m.pt", "bench-model", "classifier", "m");
    const int64_t taskId = shard.ensureTask("image", "/data/t", "bench-task", "t", taskItems);
    store::NewRun run;
    run.configId = shard.ensureConfig(model, taskId, "{}", "bench-params");
    run.envId = shard.ensureEnvironment("{\"host\":\"node\"}", "bench-env");
    run.seed = task + 1;
    std::vector<store::ItemRow> items;
    items.reserve(kItems);
    for (int64_t i = 0; i < kItems; ++i)
        items.push_back({i, static_cast<int32_t>(i % 10), (i * 7 + task) % 10 < 8, 0.8});
    shard.insertCompletedRun(run, items, 1.0, "2026-12-07T10:00:00Z");
    std::ofstream(folder / "status") << "task=" << task << "\nexit_code=0\n";
}

void collectBench(int shards)
{
    nf::test::ScratchDir dir;
    std::printf("making %d shards of one run x %d items...\n", shards, kItems);
    std::fflush(stdout);
    for (int task = 0; task < shards; ++task)
        makeShard(dir / "shards" / ("task-" + std::to_string(task)), task);
    store::Store database(dir / "runs.sqlite");
    store::JobRow job;
    job.arrayId = "1";
    job.shardsDir = (dir / "shards").string();
    job.nTasks = shards;
    job.nRuns = shards;
    job.state = "finished";
    job.planJson = "{}";
    const int64_t id = database.addJob(job);
    // No scheduler to ask: the bench times the merging, not squeue.
    ::setenv("PATH", (dir / "no-slurm").c_str(), 1);

    // This process has libtorch's libraries loaded (for the latency part's demo model): what
    // collecting adds is its peak over the resident memory before it.
    const long before = nf::bench::statusKiB("VmRSS:");
    auto start = Clock::now();
    double cpu = nf::bench::cpuSeconds();
    const auto result = nf::cluster::collect(database, id);
    double wall = nf::bench::secondsSince(start);
    std::printf(
        "collect %d shards: %lld runs added in %.2f s wall, %.2f s CPU: %.0f shards/s, %.2f M item rows/s; "
        "memory added %.0f MB (peak %.0f MB over %.0f MB resident before)\n",
        shards, static_cast<long long>(result.runsAdded), wall, nf::bench::cpuSeconds() - cpu, shards / wall,
        shards * static_cast<double>(kItems) / wall / 1e6, (nf::bench::statusKiB("VmHWM:") - before) / 1024.0,
        nf::bench::statusKiB("VmHWM:") / 1024.0, before / 1024.0);
    start = Clock::now();
    const auto again = nf::cluster::collect(database, id);
    std::printf("collect again: %lld shards new, %lld already collected, in %.3f s\n",
                static_cast<long long>(again.shardsMerged), static_cast<long long>(again.shardsAlready),
                nf::bench::secondsSince(start));
}

bool waitFor(const fs::path& file, const std::string& text, std::chrono::seconds limit)
{
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
        std::ifstream in(file);
        const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (content.find(text) != std::string::npos)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

void latencyBench()
{
    nf::test::SlurmCluster cluster;
    if (!cluster.error().empty()) {
        std::printf("latency: skipped: no local Slurm cluster: %s\n", cluster.error().c_str());
        return;
    }
    ::setenv("SLURM_CONF", cluster.config().c_str(), 1);
    nf::test::ScratchDir dir;
    const auto model = nf::engine::ensureDemoModels(dir / "demo", [](int, int, int64_t, int64_t) {}).oneEpoch;
    const auto db = dir / "runs.sqlite";
    for (int round = 1; round <= 3; ++round) {
        const auto start = Clock::now();
        const std::string command = std::string(NF_CLI_PATH) + " --db " + db.string() +
                                    " submit --slurm --shards " + (dir / "shards").string() + " -- --model " +
                                    model.string() + " --task fashion-mnist --limit 500 --seeds " +
                                    std::to_string(round) + " > " + (dir / "submit.out").string() + " 2>&1";
        if (std::system(command.c_str()) != 0) {
            std::printf("latency: submit failed\n");
            return;
        }
        const double submitted = nf::bench::secondsSince(start);
        store::Store database(db, store::OpenMode::ReadOnly);
        const auto job = database.jobs().back();
        const fs::path shards = job.shardsDir;
        const bool landed = waitFor(shards / "task-0" / "status", "exit_code=", std::chrono::seconds(120));
        const double firstRun = nf::bench::secondsSince(start);
        const bool collected =
            waitFor(shards / "logs" / "collect.log", "Database: ", std::chrono::seconds(120));
        const double merged = nf::bench::secondsSince(start);
        std::printf(
            "latency round %d: submit returned after %.2f s; the run's shard saved at %.2f s%s; merged into "
            "the database by the collect job at %.2f s%s\n",
            round, submitted, firstRun, landed ? "" : " (timed out)", merged,
            collected ? "" : " (timed out)");
    }
}

} // namespace

int main(int argc, char** argv)
{
    const int shards = argc > 1 ? std::atoi(argv[1]) : 100;
    const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    collectBench(shards > 0 ? shards : 100);
    ::setenv("PATH", path.c_str(), 1);
    latencyBench();
    return 0;
}
