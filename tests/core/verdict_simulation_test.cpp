// The comparison's verdict on data whose truth is known: pairs of groups simulated from fixed
// per-item probabilities (a fixed seed), with no difference, and with a true +2-point change. The
// badge may call a null pair "real" no more often than its 5% level (10,000 pairs per size), must reach "equivalent"
// within 1 point with 10 runs a side, and must call a +2-point change "real, matters" with 10 runs.

#include "workspace/verdict.h"
#include "stats/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using namespace nf::stats;

namespace {

constexpr int kItems = 1000;
// Enough pairs that a rate is known to about 0.2 points: a test of exact level 5% lands above 5%
// about half the time, so the bound is 5% plus two of the simulation's standard errors.
constexpr int kPairs = 10000;
const double kLevelBound = 0.05 + 2 * std::sqrt(0.05 * 0.95 / kPairs);

// SplitMix64: a fixed stream on every platform.
class Uniform
{
public:
    explicit Uniform(uint64_t seed) : m_state(seed) {}
    double next()
    {
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return static_cast<double>((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
    }

private:
    uint64_t m_state;
};

// Per-item probabilities shaped like a real model's: 60% of items always right, 25% always wrong,
// 15% that flip with probabilities spread over 0.2-0.8 (run-to-run sd about 0.57 points).
std::vector<double> itemProbabilities()
{
    std::vector<double> q(kItems);
    for (int i = 0; i < kItems; ++i) {
        const int kind = i % 20;
        q[static_cast<size_t>(i)] = kind < 12 ? 1.0 : kind < 17 ? 0.0 : 0.2 + 0.6 * ((i * 7919) % 100) / 100.0;
    }
    return q;
}

// The same items with 20 always-wrong items turned always-right: +2 points exactly.
std::vector<double> improvedByTwoPoints()
{
    std::vector<double> q = itemProbabilities();
    int turned = 0;
    for (size_t i = 0; i < q.size() && turned < 20; ++i)
        if (q[i] == 0.0) {
            q[i] = 1.0;
            ++turned;
        }
    return q;
}

GroupData simulateGroup(const std::vector<double>& q, int runs, Uniform& random)
{
    GroupData group;
    group.items.assign(q.size(), {});
    for (int r = 0; r < runs; ++r) {
        int64_t correct = 0;
        for (size_t i = 0; i < q.size(); ++i) {
            const bool right = random.next() < q[i];
            correct += right ? 1 : 0;
            ++group.items[i].nRuns;
            group.items[i].nCorrect += right ? 1 : 0;
        }
        group.runs.push_back({r + 1, r + 1, static_cast<int64_t>(q.size()), correct});
    }
    return group;
}

struct Rates
{
    double real = 0;        // badge says "real ..."
    double equivalent = 0;  // verdict equivalent
    double realMatters = 0; // verdict improvement (real, and it matters)
    double newQuestions = 0; // paired analysis says it holds on new questions
};

Rates simulate(const std::vector<double>& qA, const std::vector<double>& qB, int runs, uint64_t seed)
{
    Uniform random(seed);
    CompareOptions options;
    options.deltaUserPoints = 1.0;
    options.bootstrapResamples = 0; // a check only; the verdict does not use it
    int real = 0, equivalent = 0, realMatters = 0, holds = 0;
    for (int pair = 0; pair < kPairs; ++pair) {
        const Comparison c = compare(simulateGroup(qA, runs, random), simulateGroup(qB, runs, random), options);
        real += nf::workspace::verdictBadge(c).rfind("real ", 0) == 0 ? 1 : 0;
        equivalent += c.verdict == Verdict::Equivalent ? 1 : 0;
        realMatters += c.verdict == Verdict::Improvement ? 1 : 0;
        holds += c.newQuestionsAnswer == NewQuestions::Holds ? 1 : 0;
    }
    return {static_cast<double>(real) / kPairs, static_cast<double>(equivalent) / kPairs,
            static_cast<double>(realMatters) / kPairs, static_cast<double>(holds) / kPairs};
}

} // namespace

TEST(VerdictSimulation, NullPairsAreCalledRealAtMostAtTheTestsLevel)
{
    const auto q = itemProbabilities();
    for (const int runs : {3, 5, 10}) {
        const Rates rates = simulate(q, q, runs, 1000 + static_cast<uint64_t>(runs));
        std::printf("null, %2d runs a side: real %.1f%%, equivalent %.1f%%, holds on new questions %.1f%%\n",
                    runs, 100 * rates.real, 100 * rates.equivalent, 100 * rates.newQuestions);
        EXPECT_LE(rates.real, kLevelBound) << runs << " runs";
        EXPECT_LE(rates.newQuestions, kLevelBound) << runs << " runs";
        // "Matters" needs the 95% interval beyond 1 point: for a null pair only a freak sd does it.
        EXPECT_LE(rates.realMatters, 0.005) << runs << " runs";
    }
}

TEST(VerdictSimulation, NullPairsReachEquivalenceWithTenRuns)
{
    const auto q = itemProbabilities();
    const Rates rates = simulate(q, q, 10, 2000);
    std::printf("null, 10 runs a side: equivalent within 1 point %.1f%%\n", 100 * rates.equivalent);
    EXPECT_GE(rates.equivalent, 0.8);
}

TEST(VerdictSimulation, ATwoPointChangeIsRealAndMattersWithTenRuns)
{
    const Rates rates = simulate(itemProbabilities(), improvedByTwoPoints(), 10, 3000);
    std::printf("+2 points, 10 runs a side: real and matters %.1f%%, real %.1f%%\n", 100 * rates.realMatters,
                100 * rates.real);
    EXPECT_GE(rates.realMatters, 0.8);
}
