#pragma once

// A store for the model tests, written through the Store API: two models, one image task of six
// items with named classes, three config groups, and runs of every status.
//
//   group 1 (model A, greedy): seeds 1, 2, 3 completed (5/6, 2/6, 2/6), a reproduction of seed 1,
//                               seed 4 failed, seed 5 cancelled (hidden), seed 6 interrupted,
//                               seed 7 running; seed 3 has environment B, the others A
//   group 2 (model A, sample T=0.70): two imported runs, 6/6 and 4/6
//   group 3 (model B, greedy): one completed run of seed 1, 3/6
//
// Items i = 0..5 have class i % 3 ("cat", "dog", "owl"); group 1's answers (columns = items):
//   seed 1: 0 1 0 0 1 2    seed 2: 0 1 0 2 2 0    seed 3: 0 0 1 2 1 1    reproduction: all 0
// so its flip items are 1 (2 of 3 right, majority dog), 3 (1 of 3, owl), 4 (2 of 3, dog) and
// 5 (1 of 3, a three-way tie: cat, the lowest answer).

#include "core/scratch_dir.h"
#include "store/store.h"

#include <QStringList>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace nf::test {

// Test code builds with QT_NO_CAST_FROM_ASCII too.
inline QStringList qstrings(std::initializer_list<const char*> texts)
{
    QStringList list;
    for (const char* text : texts)
        list << QString::fromUtf8(text);
    return list;
}

struct ModelsFixture
{
    static constexpr int kItems = 6;
    static inline const std::vector<std::string> kClassNames = {"cat", "dog", "owl"};
    static constexpr const char* kGreedy =
        R"({"decoding":"greedy","dtype":"fp32","device":"cpu","batch_size":256})";
    static constexpr const char* kSample =
        R"({"decoding":"sample","temperature":0.7,"dtype":"fp32","device":"cpu","batch_size":256})";
    static constexpr const char* kEnvA = R"({"torch":"2.1","cpu":{"model":"x","cores":8},"libs":["a","b"]})";
    static constexpr const char* kEnvB = R"({"torch":"2.2","cpu":{"model":"x","cores":8},"extra":true})";

    ModelsFixture() : store(dir / "runs.sqlite")
    {
        std::vector<store::TaskItem> taskItems;
        for (int i = 0; i < kItems; ++i)
            taskItems.push_back({kClassNames[static_cast<size_t>(i % 3)], std::to_string(i % 3)});
        modelA = store.ensureModel("/models/a.pt", "sha-a", "classifier", "model A");
        modelB = store.ensureModel("/models/b.pt", "sha-b", "classifier", "model B");
        task = store.ensureTask("image", "/missing/task", "sha-task", "task T", taskItems);
        group1 = store.ensureConfig(modelA, task, kGreedy, "hash-1");
        group2 = store.ensureConfig(modelA, task, kSample, "hash-2");
        group3 = store.ensureConfig(modelB, task, kGreedy, "hash-3");
        envA = store.ensureEnvironment(kEnvA, "env-a");
        envB = store.ensureEnvironment(kEnvB, "env-b");

        seed1 = completed(group1, envA, 1, {0, 1, 0, 0, 1, 2});
        seed2 = completed(group1, envA, 2, {0, 1, 0, 2, 2, 0});
        seed3 = completed(group1, envB, 3, {0, 0, 1, 2, 1, 1});
        reproduction = completed(group1, envA, 1, {0, 0, 0, 0, 0, 0});
        failed = ended(4, store::RunStatus::Failed, "CUDA out of memory");
        cancelled = ended(5, store::RunStatus::Cancelled, "");
        interrupted = ended(6, store::RunStatus::Interrupted, "");
        running = store.beginRun({group1, envA, 7, "", "engine", std::nullopt, {}});
        store.setRunTags(seed2, "baseline");
        store.setRunHidden(cancelled, true);

        group2Full = imported(group2, 1, {0, 1, 2, 0, 1, 2}, "2024-03-01T10:00:00Z");
        group2Part = imported(group2, 2, {0, 1, 2, 0, 0, 0}, "2024-03-01T11:00:00Z");
        group3Run = completed(group3, envA, 1, {0, 1, 2, 1, 2, 0});
    }

    static std::vector<store::ItemRow> answers(const std::vector<int32_t>& predicted)
    {
        std::vector<store::ItemRow> items;
        for (size_t i = 0; i < predicted.size(); ++i) {
            const bool correct = predicted[i] == static_cast<int32_t>(i % 3);
            items.push_back({static_cast<int64_t>(i), predicted[i], correct, correct ? 0.9 : 0.1});
        }
        return items;
    }

    int64_t completed(int64_t group, int64_t env, int64_t seed, const std::vector<int32_t>& predicted)
    {
        const int64_t id = store.beginRun({group, env, seed, "", "engine", std::nullopt, {}});
        store.completeRun(id, answers(predicted), 1.5);
        return id;
    }

    int64_t ended(int64_t seed, store::RunStatus status, const std::string& notes)
    {
        const int64_t id = store.beginRun({group1, envA, seed, "", "engine", std::nullopt, {}});
        store.endRun(id, status, notes);
        return id;
    }

    int64_t imported(int64_t group, int64_t seed, const std::vector<int32_t>& predicted,
                     const std::string& startedAt)
    {
        return store.insertCompletedRun({group, 0, seed, "", "import:noisefloor", std::nullopt, {}},
                                        answers(predicted), 2.0, startedAt);
    }

    ScratchDir dir;
    store::Store store;
    int64_t modelA = 0, modelB = 0, task = 0, group1 = 0, group2 = 0, group3 = 0, envA = 0, envB = 0;
    int64_t seed1 = 0, seed2 = 0, seed3 = 0, reproduction = 0, failed = 0, cancelled = 0, interrupted = 0,
            running = 0;
    int64_t group2Full = 0, group2Part = 0, group3Run = 0;
};

} // namespace nf::test
