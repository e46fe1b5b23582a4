// Statistics speed on MMLU-sized groups: compare() of two groups of RUNS runs x ITEMS items
// (counts only, as the store's aggregates hold them) with 10,000 bootstrap resamples.
//
//   stats_bench [RUNS [ITEMS]]      default 100 runs x 14,042 items
//
// Prints the best of 5 wall times and the peak resident memory the comparisons added. Never asserts.

#include "stats/compare.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <sys/resource.h>

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
    return 0;
}
