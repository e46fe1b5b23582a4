#pragma once

// Config groups for the statistics' tests, built from plain counts.

#include "stats/types.h"

#include <cstdint>

namespace nf::test {

// A group known only by its runs' correct counts out of `items` (no per-item counts); run ids and
// seeds 1, 2, ...
template <typename Counts> stats::GroupData runsGroup(const Counts& correct, int64_t items)
{
    stats::GroupData group;
    int64_t id = 0;
    for (int64_t c : correct) {
        ++id;
        group.runs.push_back(stats::RunPoint{id, id, items, c});
    }
    return group;
}

} // namespace nf::test
