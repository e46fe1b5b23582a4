#pragma once

// The comparison's verdict in words, shared by the CLI's `compare` and the app's Compare tab.

#include "stats/compare.h"

#include <cstdint>
#include <optional>
#include <string>

namespace nf::analysis {

// The sentence the CLI prints: "real improvement: B is better than A beyond run-to-run noise", ...
std::string verdictWords(const stats::Comparison& comparison);

// Runs each group still needs, beyond those it has, for the test to detect the difference the
// comparison was sized for (repeatsNeeded per group). Empty when repeats cannot settle it (no
// run-to-run spread at all) or the verdict is not inconclusive.
struct MoreRepeats
{
    int64_t a = 0;
    int64_t b = 0;
    int64_t total() const { return a + b; }
};
std::optional<MoreRepeats> moreRepeatsNeeded(const stats::Comparison& comparison);

// The short badge: "within noise", "real improvement", "real regression", "inconclusive: about
// N more repeats would settle it" (or "inconclusive: more repeats cannot settle it").
std::string verdictBadge(const stats::Comparison& comparison);

} // namespace nf::analysis
