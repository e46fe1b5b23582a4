#pragma once

// A database with known runs for the main-window tests, written through the Store API.
//
// One task of 200 items (subjects "even"/"odd"); item i is answered right by a run with k correct
// answers when i < k, so a run's accuracy is k / 200 (steps of 0.5 points).
//   group A ("model A", greedy-like params): 5 runs at 80.0, 80.5, 81.5, 77.0, 86.0 -> median 80.5,
//           deviations -0.5, 0, +1.0, -3.5, +5.5; the item set's seed noise (1.73 points at 95%)
//           outweighs the 1-point watch threshold, so the zones are noise units (normal, normal,
//           normal, elevated, suspicious: see MainWindow.DistributionDrawsEveryRunInItsZoneColour)
//   group B ("model B"): 5 runs at 90.0, 90.5, 89.5, 90.0, 91.0 -> a real improvement over A

#include "core/scratch_dir.h"
#include "store/store.h"
#include "window/mainwindow.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nf::test {

struct WindowFixture
{
    static constexpr int kItems = 200;

    WindowFixture()
    {
        store::Store db(path());
        std::vector<store::TaskItem> items;
        for (int i = 0; i < kItems; ++i)
            items.push_back({i % 2 ? "odd" : "even", "1"});
        const int64_t task = db.ensureTask("image", "/missing/task", "sha-task", "known task", items);
        const int64_t env = db.ensureEnvironment(R"({"torch":"2.1","threads":4})", "env-1");
        const int64_t modelA = db.ensureModel("/missing/a.pt", "sha-a", "classifier", "model A");
        const int64_t modelB = db.ensureModel("/missing/b.pt", "sha-b", "classifier", "model B");
        groupA = db.ensureConfig(modelA, task, R"({"decoding":"sample","temperature":1.0,"dtype":"fp32"})", "hash-a");
        groupB = db.ensureConfig(modelB, task, R"({"decoding":"sample","temperature":1.0,"dtype":"fp32"})", "hash-b");
        int minute = 0;
        for (const int correct : {160, 161, 163, 154, 172})
            runsA.push_back(add(db, groupA, env, correct, minute++));
        for (const int correct : {180, 181, 179, 180, 182})
            runsB.push_back(add(db, groupB, env, correct, minute++));
    }

    std::filesystem::path path() const { return dir / "known.sqlite"; }

    static int64_t add(store::Store& db, int64_t group, int64_t env, int correct, int minute)
    {
        std::vector<store::ItemRow> rows;
        for (int i = 0; i < kItems; ++i)
            rows.push_back({i, i < correct ? 1 : 0, i < correct, i < correct ? 0.9 : 0.2});
        char started[32];
        std::snprintf(started, sizeof started, "2026-11-20T10:%02d:00Z", minute);
        return db.insertCompletedRun({group, env, minute + 1, "", "engine", std::nullopt, {}}, rows, 1.0, started);
    }

    ScratchDir dir;
    int64_t groupA = 0;
    int64_t groupB = 0;
    std::vector<int64_t> runsA;
    std::vector<int64_t> runsB;

    // Opens this database in `window`, shown at 1200x800 on the Distribution tab with both groups
    // selected; false when the database does not open.
    bool showBothOnDistribution(ui::MainWindow& window) const
    {
        if (!window.openDatabase(QString::fromStdString(path().string())))
            return false;
        window.resize(1200, 800);
        window.show();
        window.showTab(ui::MainWindow::Tab::Distribution);
        window.selectGroups({groupA, groupB});
        return true;
    }
};

} // namespace nf::test
