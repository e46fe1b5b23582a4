// Statistics speed on MMLU-sized groups: compare() of two groups of RUNS runs x ITEMS items
// (counts only, as the store's aggregates hold them) with 10,000 bootstrap resamples.
//
//   stats_bench [RUNS [ITEMS]]      default 100 runs x 14,042 items
//
// Prints the best of 5 wall times and the peak resident memory the comparisons added. Never asserts.

#include "workspace/group_data.h"
#include "stats/compare.h"
#include "stats/summary.h"
#include "store/store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;
using namespace nf::stats;

long peakRssKiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss; // KiB on Linux
}

// A group of `runs` runs over `items` items, each item with its own chance of being right
// (0.05-0.95), drawn by a fixed LCG: counts per item and per run, as group_items and runs hold them.
GroupData syntheticGroup(int64_t runs, int64_t items, uint64_t seed, double shift)
{
    GroupData group;
    group.items.resize(static_cast<size_t>(items));
    std::vector<int64_t> runCorrect(static_cast<size_t>(runs), 0);
    uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
    auto uniform = [&state] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(state >> 11) * 0x1.0p-53;
    };
    uint64_t itemState = 0x243F6A8885A308D3ull; // the same item difficulties in both groups
    for (int64_t i = 0; i < items; ++i) {
        itemState = itemState * 6364136223846793005ull + 1442695040888963407ull;
        const double difficulty = static_cast<double>(itemState >> 11) * 0x1.0p-53;
        const double chance = std::clamp(0.05 + 0.9 * difficulty + shift, 0.0, 1.0);
        ItemCount& item = group.items[static_cast<size_t>(i)];
        item.nRuns = runs;
        for (int64_t r = 0; r < runs; ++r) {
            if (uniform() < chance) {
                ++item.nCorrect;
                ++runCorrect[static_cast<size_t>(r)];
            }
        }
    }
    for (int64_t r = 0; r < runs; ++r)
        group.runs.push_back(RunPoint{r + 1, r, items, runCorrect[static_cast<size_t>(r)]});
    return group;
}

} // namespace

int main(int argc, char** argv)
{
    const int64_t runs = argc > 1 ? std::atoll(argv[1]) : 100;
    const int64_t items = argc > 2 ? std::atoll(argv[2]) : 14042;
    const GroupData a = syntheticGroup(runs, items, 1, 0.0);
    const GroupData b = syntheticGroup(runs, items, 2, 0.005);
    std::printf("stats_bench: %lld runs x %lld items per group, %u hardware threads\n",
                static_cast<long long>(runs), static_cast<long long>(items),
                std::thread::hardware_concurrency());

    const long baseline = peakRssKiB();
    CompareOptions options; // 10,000 bootstrap resamples
    double best = 1e300;
    Comparison result;
    for (int i = 0; i < 5; ++i) {
        const auto start = Clock::now();
        result = compare(a, b, options);
        best = std::min(best, std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    const long peak = peakRssKiB();

    std::printf("compare (%d bootstrap resamples): %.1f ms (best of 5)\n", options.bootstrapResamples, best);
    std::printf("peak RSS growth during compare: %.1f MB\n", static_cast<double>(peak - baseline) / 1024.0);
    std::printf("  delta %.4f, %s, verdict %s, bootstrap ci95 [%.4f, %.4f]\n", result.delta,
                runTestMethodName(result.runTest.method), verdictName(result.verdict),
                result.bootstrap.ci95 ? result.bootstrap.ci95->lo : 0.0,
                result.bootstrap.ci95 ? result.bootstrap.ci95->hi : 0.0);

    // The same, the way the CLI and the app do it: from a SQLite database, through the aggregates
    // kept in each run's commit (never a scan of run_items).
    const auto dir =
        std::filesystem::temp_directory_path() / ("nf-stats-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        nf::store::Store store(dir / "bench.sqlite");
        std::vector<nf::store::TaskItem> taskItems(static_cast<size_t>(items));
        for (size_t i = 0; i < taskItems.size(); ++i)
            taskItems[i].subject = "subject " + std::to_string(i % 57); // MMLU has 57 subjects
        const auto task = store.ensureTask("imported", "", "bench-task", "bench", taskItems);
        int64_t groupIds[2] = {};
        const GroupData* groups[2] = {&a, &b};
        const auto fillStart = Clock::now();
        for (int g = 0; g < 2; ++g) {
            const auto model = store.ensureModel("", "bench-model-" + std::to_string(g), "imported", "m");
            groupIds[g] = store.ensureConfig(model, task, "{}", "bench-config-" + std::to_string(g));
            // Per-run answers consistent with the group's per-item counts: item i is right in the
            // first nCorrect_i runs.
            for (int64_t r = 0; r < runs; ++r) {
                std::vector<nf::store::ItemRow> rows(static_cast<size_t>(items));
                for (int64_t i = 0; i < items; ++i)
                    rows[static_cast<size_t>(i)] = {
                        i, 0, r < groups[g]->items[static_cast<size_t>(i)].nCorrect, 0.5};
                nf::store::NewRun run;
                run.configId = groupIds[g];
                run.seed = r;
                run.source = "import:bench";
                store.insertCompletedRun(run, rows, 1.0, "");
            }
        }
        std::printf("\nfrom SQLite (%s, filled in %.1f s):\n", (dir / "bench.sqlite").c_str(),
                    std::chrono::duration<double>(Clock::now() - fillStart).count());
        const long before = peakRssKiB();
        double bestSummary = 1e300;
        double bestCompare = 1e300;
        for (int i = 0; i < 5; ++i) {
            auto start = Clock::now();
            const auto summary = summarize(nf::workspace::loadGroupData(store, groupIds[0]), {});
            bestSummary = std::min(bestSummary,
                                   std::chrono::duration<double, std::milli>(Clock::now() - start).count());
            start = Clock::now();
            const auto comparison = compare(nf::workspace::loadGroupData(store, groupIds[0]),
                                            nf::workspace::loadGroupData(store, groupIds[1]), options);
            bestCompare = std::min(bestCompare,
                                   std::chrono::duration<double, std::milli>(Clock::now() - start).count());
            if (i == 0)
                std::printf("  %lld runs per group, %lld items, %zu subjects\n",
                            static_cast<long long>(summary.n), static_cast<long long>(summary.nItems),
                            summary.subjects.size());
            static_cast<void>(comparison);
        }
        std::printf("  summary of one group (load + summarize): %.1f ms (best of 5)\n", bestSummary);
        std::printf("  compare of two groups (load both + compare, %d resamples): %.1f ms (best of 5)\n",
                    options.bootstrapResamples, bestCompare);
        std::printf("  peak RSS growth while loading and comparing: %.1f MB\n",
                    static_cast<double>(peakRssKiB() - before) / 1024.0);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
