#pragma once

// Confidence and prediction intervals over run accuracies (fractions 0-1). Quantiles come from
// Boost.Math. Each function checks its preconditions and throws std::invalid_argument, because a
// caller that reaches one with n < 2 has skipped a case it must report as undefined.

#include "stats/types.h"

#include <cstdint>

namespace nf::stats {

// Quantile of Student's t with `df` degrees of freedom (df > 0, may be fractional as in Welch).
double tQuantile(double probability, double df);

// Quantile of the standard normal distribution.
double normalQuantile(double probability);

// Two-sided `level` confidence interval of a mean from n >= 2 values with sample sd `sd`:
// mean ± t(1 - (1 - level) / 2, n - 1) · sd / sqrt(n), as R's t.test(x)$conf.int.
// sd = 0 gives the degenerate [mean, mean].
Interval tInterval(double mean, double sd, int64_t n, double level = 0.95);

// Interval expected to hold the next run: mean ± t(1 - (1 - level) / 2, n - 1) · sd · sqrt(1 + 1/n).
Interval predictionInterval(double mean, double sd, int64_t n, double level = 0.95);

// The 95% interval of a mean accuracy (a fraction) from n >= 2 runs: tInterval when it lies within
// [0, 1], as it does for any MMLU-sized task. Where it would reach below 0 or above 1 (a few runs
// on a 25-item task) it is made on the logit scale instead, the delta method's
// logit(mean) ± t * se / (mean (1 - mean)), and mapped back: an interval of accuracies that stays
// within 0-100 and is asymmetric near the ends. `logit` is set when that happened.
Interval accuracyMeanInterval(double mean, double sd, int64_t n, bool* logit = nullptr, double level = 0.95);

// The prediction interval for the next run's accuracy, clamped to [0, 1].
Interval accuracyPredictionInterval(double mean, double sd, int64_t n, double level = 0.95);

// An interval of a difference of accuracies, clamped to [-1, 1].
Interval clampDifference(Interval interval);

// Wilson score interval of a proportion, without continuity correction, for 0 <= successes <= n,
// n >= 1: R's prop.test(successes, n, correct = FALSE)$conf.int, including its exact 0 and 1 at
// the ends.
Interval wilson(int64_t successes, int64_t n, double level = 0.95);

} // namespace nf::stats
