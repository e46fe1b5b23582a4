// The main window's selection state on its own: each transition, which tabs it leaves stale, and
// the Compare tab's pair taken from the order the groups were selected in.

#include "models/browserdata.h"
#include "window/selectionstate.h"

#include <gtest/gtest.h>

namespace nf::ui {
namespace {

// Groups 1, 2 and 4 on task 10; group 3 on task 20.
BrowserData fourGroups()
{
    BrowserData data;
    for (const auto& [group, task] : {std::pair{1, 10}, {2, 10}, {3, 20}, {4, 10}}) {
        BrowserGroup browserGroup;
        browserGroup.row.id = group;
        browserGroup.row.taskId = task;
        data.groups.push_back(browserGroup);
    }
    return data;
}

void showAll(SelectionState& state)
{
    for (const TabInfo& info : kTabs)
        state.markShown(info.tab);
}

TEST(SelectionState, EveryTransitionLeavesEveryTabStaleUntilShown)
{
    SelectionState state;
    const BrowserData data = fourGroups();
    const std::function<void()> transitions[] = {
        [&] { state.select({1}, {}); },
        [&] { state.choose({2}); },
        [&] { state.reload(data, {}); },
        [&] { state.runsDeleted(); },
        [&] { state.reset(); },
    };
    for (const auto& transition : transitions) {
        showAll(state);
        transition();
        for (const TabInfo& info : kTabs)
            EXPECT_TRUE(state.isStale(info.tab)) << info.key;
        state.markShown(Tab::Compare);
        EXPECT_FALSE(state.isStale(Tab::Compare));
        EXPECT_TRUE(state.isStale(Tab::Items));
    }
}

TEST(SelectionState, SelectingOneRunOfAGroupShownKeepsTheGroupsShown)
{
    SelectionState state;
    state.select({1, 2}, {});
    state.select({2}, {7});
    EXPECT_EQ(state.groups(), (QList<qint64>{1, 2}));
    EXPECT_EQ(state.runs(), (QList<qint64>{7}));
    EXPECT_EQ(state.highlightedRun(), 7);

    state.select({3, 3}, {8, 9}); // two runs of another group: that group, once
    EXPECT_EQ(state.groups(), (QList<qint64>{3}));
    EXPECT_EQ(state.highlightedRun(), 0);
}

TEST(SelectionState, TheComparePairIsTheTwoMostRecentlySelectedGroupsOnOneTask)
{
    const BrowserData data = fourGroups();
    SelectionState state;
    state.select({1}, {});
    state.select({1, 4}, {}); // the view lists 1 before 4: 4 was selected last
    state.select({1, 3, 4}, {});
    EXPECT_TRUE(state.comparePairChanged());
    EXPECT_EQ(state.comparePair(data), qMakePair(qint64(1), qint64(4)));
    EXPECT_FALSE(state.comparePairChanged());

    state.select({3}, {}); // alone on its task: against its pinned baseline
    EXPECT_EQ(state.comparePair(data), qMakePair(qint64(0), qint64(3)));
    state.select({}, {});
    EXPECT_EQ(state.comparePair(data), qMakePair(qint64(0), qint64(0)));
}

TEST(SelectionState, ChosenGroupsKeepTheCallersOrder)
{
    const BrowserData data = fourGroups();
    SelectionState state;
    state.choose({4, 1});
    EXPECT_EQ(state.groups(), (QList<qint64>{4, 1}));
    EXPECT_EQ(state.comparePair(data), qMakePair(qint64(4), qint64(1)));
}

TEST(SelectionState, AReloadDropsGoneGroupsAndKeepsThePairUnlessTheOrderChanged)
{
    BrowserData data = fourGroups();
    SelectionState state;
    state.choose({1, 2});
    state.comparePair(data);
    EXPECT_TRUE(state.takeCompareListStale());
    EXPECT_FALSE(state.takeCompareListStale());

    state.reload(data, {5});
    EXPECT_TRUE(state.takeCompareListStale());
    EXPECT_FALSE(state.comparePairChanged()); // the user's own choice in the boxes stays
    EXPECT_EQ(state.runs(), (QList<qint64>{5}));

    data.groups.erase(data.groups.begin()); // group 1 deleted
    state.reload(data, {});
    EXPECT_EQ(state.groups(), (QList<qint64>{2}));
    EXPECT_TRUE(state.comparePairChanged());
}

TEST(SelectionState, ResetForgetsEverything)
{
    SelectionState state;
    state.select({1}, {7});
    state.reset();
    EXPECT_TRUE(state.groups().isEmpty());
    EXPECT_TRUE(state.runs().isEmpty());
    EXPECT_EQ(state.highlightedRun(), 0);
    EXPECT_TRUE(state.takeCompareListStale());
    EXPECT_FALSE(state.comparePairChanged());
}

} // namespace
} // namespace nf::ui
