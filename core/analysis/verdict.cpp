#include "analysis/verdict.h"

#include <algorithm>
#include <cstdio>

namespace nf::analysis {

std::string verdictWords(const stats::Comparison& c)
{
    switch (c.verdict) {
    case stats::Verdict::Improvement:
        return "real improvement: B is better than A beyond run-to-run noise";
    case stats::Verdict::Regression:
        return "real regression: B is worse than A beyond run-to-run noise";
    case stats::Verdict::WithinNoise:
        return "within noise: no difference that this many runs could have seen";
    case stats::Verdict::Inconclusive:
        break;
    }
    if (!c.repeatsNeeded)
        return "inconclusive";
    char delta[32];
    std::snprintf(delta, sizeof delta, "%.2f", c.deltaUser * 100);
    return "inconclusive: about " + std::to_string(*c.repeatsNeeded) +
           " repeats per group would settle a difference of " + delta + " points";
}

std::optional<MoreRepeats> moreRepeatsNeeded(const stats::Comparison& c)
{
    if (c.verdict != stats::Verdict::Inconclusive || !c.repeatsNeeded)
        return std::nullopt;
    MoreRepeats more;
    more.a = std::max<int64_t>(0, *c.repeatsNeeded - c.runsA);
    more.b = std::max<int64_t>(0, *c.repeatsNeeded - c.runsB);
    if (more.total() == 0)
        return std::nullopt; // enough runs already: more of them would not change the answer
    return more;
}

std::string verdictBadge(const stats::Comparison& c)
{
    switch (c.verdict) {
    case stats::Verdict::Improvement:
        return "real improvement";
    case stats::Verdict::Regression:
        return "real regression";
    case stats::Verdict::WithinNoise:
        return "within noise";
    case stats::Verdict::Inconclusive:
        break;
    }
    if (const auto more = moreRepeatsNeeded(c))
        return "inconclusive: about " + std::to_string(more->total()) + " more repeats would settle it";
    return "inconclusive: more repeats cannot settle it";
}

} // namespace nf::analysis
