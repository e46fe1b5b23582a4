#pragma once

// The Compare tab's words: each question with its answer, the checks, what would settle it, the
// details of each test, and what the "more repeats" button and its confirmation say. The answers
// themselves come from workspace/verdict.h, so the tab says what `noisefloor-cli compare` prints.

#include "workspace/verdict.h"
#include "stats/compare.h"

#include <QString>
#include <cstdint>
#include <optional>

namespace nf::ui::comparetext {

// "about 40 s", "about 3 min", "about 1.5 h": as the settle words write a duration.
QString durationText(double seconds);

// One rich-text line per question, the question in bold; `checks` holds the checks of the
// paired analysis with why they differ from it, when they do.
struct AnswerLines
{
    QString beyondNoise;
    QString matters;
    QString newQuestions;
    QString checks;
    QString settle;
};
AnswerLines answerLines(const stats::Comparison& comparison);

// The checks in plain words: "McNemar on majority answers: b 88, c 83 (χ², continuity
// corrected), p 0.7597", and the bootstrap's interval.
QString mcNemarText(const stats::Comparison& comparison);
QString bootstrapText(const stats::Comparison& comparison);
// "one-sample t-test (A's runs do not vary)", "Welch's t-test", ...
QString runTestName(const stats::Comparison& comparison);

// Every number behind the answers, as primary test and checks per question (rich text).
QString detailsHtml(const stats::Comparison& comparison, const QString& labelA, const QString& labelB);

// "Run 24 more repeats (about 3 min)".
QString repeatsButtonText(int64_t runs, std::optional<double> seconds);
// What the confirmation asks: the runs on A and on B, the time, and why.
QString confirmRepeatsText(const workspace::MoreRepeats& more, qint64 groupA, qint64 groupB,
                           std::optional<double> seconds, const stats::Comparison& comparison);
// Why a plan of `runs` runs above `limit` is not queued, and what would help instead.
QString refuseRepeatsText(int64_t runs, int limit, std::optional<double> seconds,
                          const stats::Comparison& comparison);

} // namespace nf::ui::comparetext
