#pragma once

// A database whose pairs of groups give each of the Compare tab's answers, written through the
// Store API. One task of 200 items in 10 subjects of 20 ("subject 0" holds items 0-19, ...), and a
// second task with a single group. A run with the "prefix" k answers items 0..k-1 right. Every
// run takes 30 s. With the difference that matters d (points):
//   base  {160, 160, 161, 160, 161}   up {161, 161, 162, 161, 162}    d 1: real but negligible
//   base                              same {161, 160, 160, 161, 160}  d 1: equivalent
//   greedy 5 x items 0..159 (no spread)  shifted items 20..177+r, r = 0..4
//                                                                     d 0.5: inconclusive, and
//                 only more questions would settle it (greedy's runs do not vary)
//   wide  {160, 161, 163, 154, 172}   wide2 {158, 165, 150, 170, 162}
//                 d 4: inconclusive, 8 more runs of each settle it (about 8 min)
//                 d 1: 191 more of each (above the default limit of 100 runs)

#include "core/scratch_dir.h"
#include "store/store.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace nf::test {

struct CompareFixture
{
    static constexpr int kItems = 200;

    CompareFixture()
    {
        store::Store db(path());
        std::vector<store::TaskItem> items;
        for (int i = 0; i < kItems; ++i)
            items.push_back({"subject " + std::to_string(i / 20), "1"});
        task = db.ensureTask("image", "/missing/task", "sha-task", "known task", items);
        otherTask = db.ensureTask("image", "/missing/other", "sha-other", "other task", items);
        env = db.ensureEnvironment(R"({"torch":"2.1","threads":4})", "env-1");
        base = prefixGroup(db, "base", {160, 160, 161, 160, 161});
        up = prefixGroup(db, "up", {161, 161, 162, 161, 162});
        same = prefixGroup(db, "same", {161, 160, 160, 161, 160});
        greedy = group(db, "greedy", task);
        for (int r = 0; r < 5; ++r)
            addRun(db, greedy, answered(0, 160));
        shifted = group(db, "shifted", task);
        for (int r = 0; r < 5; ++r)
            addRun(db, shifted, answered(20, 178 + r));
        wide = prefixGroup(db, "wide", {160, 161, 163, 154, 172});
        wide2 = prefixGroup(db, "wide2", {158, 165, 150, 170, 162});
        other = group(db, "other", otherTask);
        for (const int k : {150, 151, 152})
            addRun(db, other, answered(0, k));
    }

    std::filesystem::path path() const { return dir / "compare.sqlite"; }

    static std::vector<bool> answered(int from, int to)
    {
        std::vector<bool> right(kItems);
        for (int i = from; i < to && i < kItems; ++i)
            right[i] = true;
        return right;
    }

    int64_t group(store::Store& db, const std::string& name, int64_t onTask)
    {
        const int64_t model = db.ensureModel("/missing/" + name + ".pt", "sha-" + name, "classifier", name);
        return db.ensureConfig(model, onTask, R"({"decoding":"sample","temperature":1.0,"dtype":"fp32"})",
                               "hash-" + name);
    }

    int64_t prefixGroup(store::Store& db, const std::string& name, const std::vector<int>& counts)
    {
        const int64_t id = group(db, name, task);
        for (const int k : counts)
            addRun(db, id, answered(0, k));
        return id;
    }

    void addRun(store::Store& db, int64_t group, const std::vector<bool>& right)
    {
        std::vector<store::ItemRow> rows;
        for (int i = 0; i < kItems; ++i)
            rows.push_back({i, right[i] ? 1 : 0, right[i], right[i] ? 0.9 : 0.2});
        char started[32];
        std::snprintf(started, sizeof started, "2026-11-20T%02d:%02d:00Z", minute / 60, minute % 60);
        ++minute;
        db.insertCompletedRun({group, env, minute, "", "engine", std::nullopt, {}}, rows, 30.0, started);
    }

    ScratchDir dir;
    int64_t task = 0;
    int64_t otherTask = 0;
    int64_t env = 0;
    int minute = 0;
    int64_t base = 0;
    int64_t up = 0;
    int64_t same = 0;
    int64_t greedy = 0;
    int64_t shifted = 0;
    int64_t wide = 0;
    int64_t wide2 = 0;
    int64_t other = 0;
};

} // namespace nf::test
