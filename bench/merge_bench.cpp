// `noisefloor-cli merge` on a large database: 1,000 runs x 10,000 items in 10 config groups.
//
//   merge_bench [DIR]   default /tmp/noisefloor-merge-bench; its databases are made on the first
//                       use (about a minute: every run committed through the store) and kept
//
// Made alike (ui_bench's generator: most items always right or always wrong, some in between):
// full.sqlite (1,000 runs), half.sqlite (500 of the same runs, same uids) and small.sqlite (100 of
// them). Each case runs in a child process of its own and prints wall and CPU seconds, item rows
// per second, and the child's peak resident memory before and after the merge: merging 100 runs
// and merging 1,000 peak alike when the merge streams. Never asserts a time.

#include "bench_history.h"
#include "bench_process.h"
#include "store/merge.h"
#include "store/store.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace store = nf::store;

namespace bench = nf::bench;
using bench::kGroups;
using bench::kItems;
using bench::kRunsPerGroup;
constexpr int kSmallRunsPerGroup = 10;

// Same uid in every file that holds the run: that is what lets a merge recognise it.
std::string uidOf(int group, int run)
{
    char uid[33];
    std::snprintf(uid, sizeof uid, "%08x%08x%016x", 0xbe7c4000u + static_cast<unsigned>(group),
                  static_cast<unsigned>(run), 0x5eedu);
    return uid;
}

void makeDatabases(const fs::path& dir)
{
    std::printf("making the databases in %s: %d groups x %d runs x %d items (and half, and %d runs)...\n",
                dir.c_str(), kGroups, kRunsPerGroup, kItems, kGroups * kSmallRunsPerGroup);
    std::fflush(stdout);
    const auto started = std::chrono::steady_clock::now();
    fs::create_directories(dir);
    for (const char* name : {"full", "half", "small"})
        for (const char* suffix : {".part", ".part-wal", ".part-shm"})
            fs::remove(dir / (std::string(name) + ".sqlite" + suffix));
    {
        bench::HistoryDatabase full((dir / "full.sqlite.part").string());
        bench::HistoryDatabase half((dir / "half.sqlite.part").string());
        bench::HistoryDatabase small((dir / "small.sqlite.part").string());
        std::vector<std::array<int64_t, 3>> configs;
        for (int g = 0; g < kGroups; ++g)
            configs.push_back({full.config(g), half.config(g), small.config(g)});
        bench::forEachHistoryRun([&](int g, int r, const std::vector<store::ItemRow>& rows, const char* startedAt) {
            store::NewRun run;
            run.envId = full.env;
            run.seed = r + 1;
            run.uid = uidOf(g, r);
            run.configId = configs[static_cast<size_t>(g)][0];
            full.db.insertCompletedRun(run, rows, 1.0, startedAt);
            if (r % 2 == 0) {
                run.configId = configs[static_cast<size_t>(g)][1];
                half.db.insertCompletedRun(run, rows, 1.0, startedAt);
            }
            if (r < kSmallRunsPerGroup) {
                run.configId = configs[static_cast<size_t>(g)][2];
                small.db.insertCompletedRun(run, rows, 1.0, startedAt);
            }
        });
    }
    // Renamed last: an interrupted making leaves no file that looks finished.
    for (const char* name : {"half", "small", "full"}) {
        const fs::path file = dir / (std::string(name) + ".sqlite");
        fs::rename(file.string() + ".part", file);
    }
    std::printf("  made in %.0f s\n", bench::secondsSince(started));
}

void removeDatabase(const fs::path& file)
{
    for (const char* suffix : {"", "-wal", "-shm"})
        fs::remove(file.string() + suffix);
}

// One case in a child process, so that its peak memory is its own.
void measure(const char* title, const fs::path& other, const fs::path& into, bool dryRun = false)
{
    bench::inChild("merge_bench", [&] {
        store::Store db(into);
        const long peakBefore = bench::statusKiB("VmHWM:");
        const double cpuBefore = bench::cpuSeconds();
        const auto started = std::chrono::steady_clock::now();
        const store::MergeResult result = store::mergeDatabase(db, other, dryRun);
        const double wall = bench::secondsSince(started);
        const double cpu = bench::cpuSeconds() - cpuBefore;
        char rate[64] = "";
        if (result.itemsAdded > 0)
            std::snprintf(rate, sizeof rate, ", %.2f M item rows/s", static_cast<double>(result.itemsAdded) / wall / 1e6);
        std::printf("%s:\n  %.3f s (CPU %.3f s), %lld runs added, %lld already here, %lld items%s; peak RSS "
                    "%.0f MiB before, %.0f MiB after\n",
                    title, wall, cpu, static_cast<long long>(result.runsAdded),
                    static_cast<long long>(result.runsAlreadyHere), static_cast<long long>(result.itemsAdded), rate,
                    peakBefore / 1024.0, bench::peakRssMiB());
    });
}

} // namespace

int main(int argc, char** argv)
{
    const fs::path dir = argc > 1 ? argv[1] : "/tmp/noisefloor-merge-bench";
    const fs::path full = dir / "full.sqlite";
    const fs::path half = dir / "half.sqlite";
    const fs::path small = dir / "small.sqlite";
    if (!fs::exists(full) || !fs::exists(half) || !fs::exists(small))
        makeDatabases(dir);
    std::printf("full.sqlite %.0f MB, %d runs x %d items in %d groups\n",
                static_cast<double>(fs::file_size(full)) / 1e6, kGroups * kRunsPerGroup, kItems, kGroups);

    const fs::path work = dir / "work";
    fs::create_directories(work);
    const fs::path into = work / "into.sqlite";
    removeDatabase(into);
    measure("100 runs x 10,000 items into an empty database", small, into);
    removeDatabase(into);
    measure("dry run of 1,000 runs x 10,000 items into an empty database", full, into, true);
    removeDatabase(into);
    measure("1,000 runs x 10,000 items into an empty database", full, into);
    measure("the same merge again (nothing new)", full, into);

    removeDatabase(into);
    for (const char* suffix : {"", "-wal"})
        if (fs::exists(half.string() + suffix))
            fs::copy_file(half.string() + suffix, into.string() + suffix);
    measure("1,000 runs x 10,000 items into a database that has 500 of them", full, into);
    removeDatabase(into);
    return 0;
}
