#pragma once

// The run history ui_bench and merge_bench measure on: kGroups config groups of kRunsPerGroup
// runs over kItems items, most items always right or always wrong and some in between (flip
// items), groups a point apart. The same seed gives the same runs in every program.

#include "store/store.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace nf::bench {

constexpr int kGroups = 10;
constexpr int kRunsPerGroup = 100;
constexpr int kItems = 10000;

// A database with the history's task and environment; config(g) registers group g's model and config.
struct HistoryDatabase
{
    explicit HistoryDatabase(const std::string& path) : db(path)
    {
        std::vector<store::TaskItem> items(kItems);
        for (int i = 0; i < kItems; ++i)
            items[static_cast<size_t>(i)] = {"class " + std::to_string(i % 10), std::to_string(i % 10)};
        task = db.ensureTask("image", "bench", std::string(64, 'b'), "bench task", items);
        env = db.ensureEnvironment("{\"bench\":true}", std::string(64, 'e'));
    }
    int64_t config(int g)
    {
        const int64_t model = db.ensureModel("bench-model-" + std::to_string(g) + ".pt",
                                             std::string(63, 'm') + static_cast<char>('a' + g), "classifier",
                                             "bench model " + std::to_string(g));
        const std::string params = "{\"decoding\":\"sample\",\"temperature\":1.0,\"batch_size\":256,"
                                   "\"dtype\":\"fp32\",\"device\":\"cpu\",\"group\":" +
                                   std::to_string(g) + "}";
        return db.ensureConfig(model, task, params, std::string(62, 'c') + std::to_string(10 + g));
    }

    store::Store db;
    int64_t task = 0;
    int64_t env = 0;
};

// Calls run(g, r, items, startedAt) for every run of the history, group by group.
template <typename Run> void forEachHistoryRun(Run&& run)
{
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> uniform(0, 1);
    std::vector<double> pCorrect(kItems);
    for (auto& p : pCorrect) {
        const double u = uniform(random);
        p = u < 0.80 ? 0.995 : u < 0.92 ? 0.01 : uniform(random);
    }
    std::vector<store::ItemRow> rows(kItems);
    for (int g = 0; g < kGroups; ++g) {
        const double shift = (g % 3) * 0.01;
        for (int r = 0; r < kRunsPerGroup; ++r) {
            for (int i = 0; i < kItems; ++i) {
                const bool correct = uniform(random) < std::min(1.0, pCorrect[static_cast<size_t>(i)] + shift);
                rows[static_cast<size_t>(i)] = {i, correct ? i % 10 : (i + 1) % 10, correct, correct ? 0.9 : 0.1};
            }
            char startedAt[40];
            std::snprintf(startedAt, sizeof startedAt, "2026-11-%02dT%02d:%02d:00Z", 1 + r / 24 % 27, r % 24, g);
            run(g, r, rows, startedAt);
        }
    }
}

} // namespace nf::bench
