// The run browser of an app kept open while another process's run is killed (kill -9): the run
// shows as interrupted at the next poll, although the file did not change.

#include "core/waiting_child.h"
#include "models/browserdata.h"
#include "models/runbrowsermodel.h"
#include "models_fixture.h"

#include <gtest/gtest.h>

using namespace nf::ui;
using nf::test::ModelsFixture;

TEST(BrowserInterrupted, ARunWhoseProcessIsKilledShowsAsInterruptedAtTheNextPoll)
{
    ModelsFixture db;
    nf::test::WaitingChild child;
    nf::test::recordOwner(db.dir / "runs.sqlite", db.running, child.pid());
    const int64_t version = db.store.dataVersion();

    RunBrowserModel model;
    model.setBrowserData(loadBrowserData(db.store));
    const auto status = [&] {
        return model.indexForRun(db.running).siblingAtColumn(RunBrowserModel::StatusColumn).data().toString();
    };
    EXPECT_EQ(status(), QStringLiteral("running"));
    EXPECT_FALSE(runningRunsChanged(db.store, model.browserData()));

    child.killNow();
    EXPECT_EQ(db.store.dataVersion(), version); // nothing for the poll's data_version check to see
    EXPECT_TRUE(runningRunsChanged(db.store, model.browserData()));
    model.setBrowserData(loadBrowserData(db.store));
    EXPECT_EQ(status(), QStringLiteral("interrupted"));
    EXPECT_FALSE(runningRunsChanged(db.store, model.browserData()));
    EXPECT_EQ(nf::test::storedStatus(db.dir / "runs.sqlite", db.running), "running");
}
