#pragma once

// The comparison's answers in words, shared by the CLI's `compare` and the app's Compare tab: the
// badge that combines the three questions, and one sentence per question.

#include "stats/compare.h"

#include <cstdint>
#include <optional>
#include <string>

namespace nf::workspace {

// The badge: "real regression of 0.44 points, smaller than the 1.00 that matters",
// "equivalent within 1.00 points", "real improvement of 4.75 points", with ", not shown to hold
// on new questions" when a real difference is within question-sampling error.
std::string verdictBadge(const stats::Comparison& comparison);

// One answer per question, each in its own words.
struct VerdictAnswers
{
    std::string beyondNoise;  // "yes: B is 0.44 points worse (welch 95% CI [-0.60, -0.28], p 0.0003)"
    std::string matters;      // "no: the 90% CI [-0.57, -0.31] lies within ±1.00 (TOST p 0.0001)"
    std::string newQuestions; // "not shown: paired over 25 items, clustered by 3 subjects, ..."
};
VerdictAnswers verdictAnswers(const stats::Comparison& comparison);

// The three answers as one text, a line each, for a tooltip or a report.
std::string verdictWords(const stats::Comparison& comparison);

// The runs each group should get, when more repeats are what would settle the open question
// (stats::SettlePlan): never runs of a group whose runs do not vary.
struct MoreRepeats
{
    int64_t a = 0;
    int64_t b = 0;
    int64_t total() const { return a + b; }
};
std::optional<MoreRepeats> moreRepeatsNeeded(const stats::Comparison& comparison);

} // namespace nf::workspace
