// The second question of a comparison — would the difference hold on new questions? — answered
// over items: paired z on per-item rates, McNemar on majority correctness, paired bootstrap.

#include "stats/compare.h"
#include "stats/intervals.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <map>
#include <stdexcept>
#include <thread>

namespace nf::stats {

namespace {

uint64_t splitMix64(uint64_t& state)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// xoshiro256** (Blackman & Vigna): fast, and its output is fixed by the seed on every platform,
// unlike std::uniform_int_distribution's.
class Xoshiro256StarStar
{
public:
    explicit Xoshiro256StarStar(uint64_t seed)
    {
        for (uint64_t& word : m_state)
            word = splitMix64(seed);
    }

    uint64_t next()
    {
        const uint64_t result = std::rotl(m_state[1] * 5, 7) * 9;
        const uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = std::rotl(m_state[3], 45);
        return result;
    }

    // Uniform on [0, n) by Lemire's multiply-shift; the bias is below n / 2^64.
    uint64_t below(uint64_t n)
    {
        return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
    }

private:
    std::array<uint64_t, 4> m_state{};
};

// Resamples are drawn in chunks of this size, each chunk from its own generator, so the result
// does not depend on how many threads share the chunks.
constexpr int chunkResamples = 128;

uint64_t chunkSeed(uint64_t seed, uint64_t chunk)
{
    uint64_t state = seed ^ (chunk * 0xD1B54A32D192ED03ull);
    return splitMix64(state);
}

// R's default quantile (type 7) of sorted values.
double quantileSorted(const std::vector<double>& sorted, double probability)
{
    const double h = (static_cast<double>(sorted.size()) - 1.0) * probability;
    const size_t below = static_cast<size_t>(std::floor(h));
    if (below + 1 >= sorted.size())
        return sorted.back();
    return sorted[below] + (h - static_cast<double>(below)) * (sorted[below + 1] - sorted[below]);
}

} // namespace

PairedItemsTest pairedItems(const std::vector<double>& ratesA, const std::vector<double>& ratesB,
                            std::vector<std::string>& notes, const std::vector<int>& clusters)
{
    if (ratesA.size() != ratesB.size() || (!clusters.empty() && clusters.size() != ratesA.size()))
        throw std::invalid_argument("pairedItems: rates or clusters of different lengths");
    PairedItemsTest test;
    const size_t count = ratesA.size();
    test.nItems = static_cast<int64_t>(count);
    if (count == 0) {
        notes.push_back("paired: no item was answered in both groups");
        return test;
    }
    const double n = static_cast<double>(count);
    double sumA = 0.0;
    double sumB = 0.0;
    for (size_t i = 0; i < count; ++i) {
        sumA += ratesA[i];
        sumB += ratesB[i];
    }
    const double meanA = sumA / n;
    const double meanB = sumB / n;
    const double meanDiff = meanB - meanA;
    test.meanDiff = meanDiff;
    if (count < 2) {
        notes.push_back("paired: a single item, so no standard error, test, interval or correlation");
        return test;
    }

    // Deviations from the means (two-pass), as R's var and cor compute them; per cluster, the
    // sum of the differences' deviations.
    double squaresA = 0.0;
    double squaresB = 0.0;
    double products = 0.0;
    double squaresDiff = 0.0;
    std::map<int, double> clusterSums;
    for (size_t i = 0; i < count; ++i) {
        const double da = ratesA[i] - meanA;
        const double db = ratesB[i] - meanB;
        squaresA += da * da;
        squaresB += db * db;
        products += da * db;
        squaresDiff += (db - da) * (db - da);
        if (!clusters.empty())
            clusterSums[clusters[i]] += db - da;
    }
    test.seItems = std::sqrt(squaresDiff / (n - 1.0)) / std::sqrt(n);
    double se = *test.seItems;
    double quantile = boost::math::quantile(boost::math::normal(), 0.975);
    if (clusterSums.size() >= 2) {
        const double c = static_cast<double>(clusterSums.size());
        double between = 0.0;
        for (const auto& [cluster, sum] : clusterSums)
            between += sum * sum;
        se = std::sqrt(c / (c - 1.0) * between) / n;
        test.clusters = static_cast<int64_t>(clusterSums.size());
        test.df = c - 1.0;
        quantile = boost::math::quantile(boost::math::students_t(*test.df), 0.975);
        if (clusterSums.size() < 5)
            notes.push_back("paired: clustered by only " + std::to_string(clusterSums.size()) +
                            " subjects, so its standard error rests on " + std::to_string(clusterSums.size()) +
                            " sums and its interval uses t with " + std::to_string(clusterSums.size() - 1) +
                            " df: wide, on purpose");
    }
    test.se = se;
    if (se > 0.0) {
        test.z = meanDiff / se;
        test.p = test.df ? 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(*test.df),
                                                                          std::fabs(*test.z)))
                         : 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::fabs(*test.z)));
        const double half = quantile * se;
        test.ci95 = clampDifference(Interval{meanDiff - half, meanDiff + half});
    } else {
        // Every item (or every subject) moved by the same amount: the difference is known exactly.
        test.p = meanDiff != 0.0 ? 0.0 : 1.0;
        test.ci95 = Interval{meanDiff, meanDiff};
        notes.push_back(test.clusters ? "paired: every subject differs by the same amount, so the test is undefined"
                                      : "paired: every item differs by the same amount, so z is undefined");
    }
    if (squaresA > 0.0 && squaresB > 0.0)
        test.correlation = products / std::sqrt(squaresA * squaresB);
    else
        notes.push_back("paired: per-item correlation undefined (a group has the same rate on every item)");
    return test;
}

McNemarTest mcNemar(int64_t b, int64_t c, int64_t ties)
{
    McNemarTest test;
    test.b = b;
    test.c = c;
    test.ties = ties;
    const int64_t discordant = b + c;
    if (discordant == 0)
        return test; // nothing to test: statistic 0, p = 1
    if (discordant < 25) {
        // R's binom.test(b, b + c, 0.5): for p = 0.5 the two-sided p is twice the smaller tail.
        test.exact = true;
        test.statistic = static_cast<double>(b);
        const boost::math::binomial fair(static_cast<double>(discordant), 0.5);
        test.p = std::min(1.0, 2.0 * boost::math::cdf(fair, static_cast<double>(std::min(b, c))));
        return test;
    }
    // R's mcnemar.test(correct = TRUE), which leaves the correction out when b = c.
    test.exact = false;
    const double gap = b == c ? 0.0 : std::fabs(static_cast<double>(b - c)) - 1.0;
    test.statistic = gap * gap / static_cast<double>(discordant);
    test.p = boost::math::cdf(boost::math::complement(boost::math::chi_squared(1.0), test.statistic));
    return test;
}

BootstrapInterval pairedBootstrap(const std::vector<double>& differences, int resamples, uint64_t seed,
                                  unsigned threads)
{
    BootstrapInterval result;
    result.resamples = resamples;
    result.seed = seed;
    if (differences.empty() || resamples <= 0)
        return result;

    const uint64_t count = differences.size();
    const double n = static_cast<double>(count);
    const int chunks = (resamples + chunkResamples - 1) / chunkResamples;
    std::vector<double> means(static_cast<size_t>(resamples));
    std::atomic<int> nextChunk{0};
    auto work = [&] {
        for (int chunk = nextChunk.fetch_add(1); chunk < chunks; chunk = nextChunk.fetch_add(1)) {
            Xoshiro256StarStar random(chunkSeed(seed, static_cast<uint64_t>(chunk)));
            const int end = std::min(resamples, (chunk + 1) * chunkResamples);
            for (int r = chunk * chunkResamples; r < end; ++r) {
                double sum = 0.0;
                for (uint64_t k = 0; k < count; ++k)
                    sum += differences[random.below(count)];
                means[static_cast<size_t>(r)] = sum / n;
            }
        }
    };

    // Threads pay off only past about a million draws; the chunks fix the result either way.
    if (threads == 0)
        threads = count * static_cast<uint64_t>(resamples) < 1'000'000
                      ? 1u
                      : std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
    threads = std::min(threads, static_cast<unsigned>(chunks));
    {
        std::vector<std::jthread> helpers;
        for (unsigned i = 1; i < threads; ++i)
            helpers.emplace_back(work);
        work();
    }

    std::sort(means.begin(), means.end());
    result.ci95 = Interval{quantileSorted(means, 0.025), quantileSorted(means, 0.975)};
    return result;
}

} // namespace nf::stats
