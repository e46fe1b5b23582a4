#include "models/browserdata.h"
#include "models/runbrowsermodel.h"
#include "models/runfilterproxy.h"
#include "models/statusicons.h"
#include "models/treestate.h"
#include "models_fixture.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QImage>
#include <QSignalSpy>
#include <QTreeView>

using namespace nf::ui;
using nf::test::ModelsFixture;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

QString text(const QModelIndex& index, int column = RunBrowserModel::NameColumn)
{
    return index.siblingAtColumn(column).data().toString();
}

QStringList childTexts(const QAbstractItemModel& model, const QModelIndex& parent)
{
    QStringList texts;
    for (int row = 0; row < model.rowCount(parent); ++row)
        texts << text(model.index(row, 0, parent));
    return texts;
}

// The texts of every row under parent, depth first.
QStringList allTexts(const QAbstractItemModel& model, const QModelIndex& parent = {})
{
    QStringList texts;
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        texts << text(index);
        texts << allTexts(model, index);
    }
    return texts;
}

QString runName(int64_t id, int64_t seed)
{
    return QStringLiteral("run %1 · seed %2").arg(id).arg(seed);
}

struct Browser
{
    Browser() { model.setBrowserData(loadBrowserData(db.store)); }
    QModelIndex group1() const { return model.indexForGroup(db.group1); }

    ModelsFixture db;
    RunBrowserModel model;
};

} // namespace

TEST(BrowserData, HoldsEveryRunHiddenOnesIncludedAndEachGroupsCountedStatistics)
{
    ModelsFixture db;
    const BrowserData data = loadBrowserData(db.store);
    EXPECT_EQ(data.models.size(), 2u);
    EXPECT_EQ(data.tasks.size(), 1u);
    ASSERT_EQ(data.groups.size(), 3u);
    EXPECT_EQ(data.runs.size(), 11u);
    ASSERT_NE(data.findRun(db.cancelled), nullptr);
    EXPECT_TRUE(data.findRun(db.cancelled)->hidden);
    const BrowserGroup& group1 = *data.findGroup(db.group1);
    EXPECT_EQ(group1.countedRuns, 3); // the reproduction and the unfinished runs do not count
    EXPECT_NEAR(*group1.meanPoints, 50.0, 1e-9);
    EXPECT_NEAR(*group1.sdPoints, 28.8675, 1e-3);
    EXPECT_EQ(group1.description, "greedy, fp32, cpu, bs 256");
    EXPECT_FALSE(data.findGroup(db.group3)->sdPoints.has_value()); // one run: no sd
}

TEST(RunBrowserModel, PassesTheItemModelTesterThroughRefreshesAndEdits)
{
    Browser browser;
    QAbstractItemModelTester tester(&browser.model, kFatal);
    browser.model.setBrowserData(loadBrowserData(browser.db.store));
    browser.model.setData(
        browser.model.indexForRun(browser.db.seed1).siblingAtColumn(RunBrowserModel::TagsColumn),
        QStringLiteral("x"));
    browser.model.setBrowserData({});
    EXPECT_EQ(browser.model.rowCount(), 0);
}

TEST(RunBrowserModel, NestsModelsTasksGroupsAndRunsWithTheirTexts)
{
    Browser browser;
    const RunBrowserModel& model = browser.model;
    const ModelsFixture& db = browser.db;
    EXPECT_EQ(childTexts(model, {}), QStringList({QStringLiteral("model A"), QStringLiteral("model B")}));
    const QModelIndex modelA = model.index(0, 0);
    EXPECT_EQ(childTexts(model, modelA), QStringList({QStringLiteral("task T")}));
    const QModelIndex task = model.index(0, 0, modelA);
    EXPECT_EQ(childTexts(model, task),
              QStringList({QStringLiteral("group %1 · greedy, fp32, cpu, bs 256").arg(db.group1),
                           QStringLiteral("group %1 · sample T=0.70, fp32, cpu, bs 256").arg(db.group2)}));
    const QModelIndex group = model.index(0, 0, task);
    EXPECT_EQ(text(group, RunBrowserModel::AccuracyColumn), QStringLiteral("50.00 · 3 runs"));
    EXPECT_EQ(childTexts(model, group),
              QStringList({runName(db.seed1, 1), runName(db.seed2, 2), runName(db.seed3, 3),
                           runName(db.reproduction, 1) + QStringLiteral(" · repro"), runName(db.failed, 4),
                           runName(db.cancelled, 5), runName(db.interrupted, 6), runName(db.running, 7)}));
    const QModelIndex seed1 = model.index(0, 0, group);
    EXPECT_EQ(text(seed1, RunBrowserModel::AccuracyColumn), QStringLiteral("83.33"));
    EXPECT_EQ(text(seed1, RunBrowserModel::StatusColumn), QStringLiteral("completed"));
    EXPECT_FALSE(text(seed1, RunBrowserModel::StartedColumn).isEmpty());
    EXPECT_EQ(text(model.indexForRun(db.seed2), RunBrowserModel::TagsColumn), QStringLiteral("baseline"));
    EXPECT_EQ(text(model.indexForRun(db.failed), RunBrowserModel::NotesColumn),
              QStringLiteral("CUDA out of memory"));
    EXPECT_TRUE(
        model.indexForRun(db.failed).data(Qt::ToolTipRole).toString().contains(QStringLiteral("failed")));
    EXPECT_TRUE(model.indexForRun(db.reproduction)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("Reproduces run %1").arg(db.seed1)));
    EXPECT_EQ(childTexts(model, model.index(0, 0, model.index(1, 0))),
              QStringList({QStringLiteral("group %1 · greedy, fp32, cpu, bs 256").arg(db.group3)}));
}

TEST(RunBrowserModel, RolesNameTheKindAndIdsOfEachRow)
{
    Browser browser;
    const RunBrowserModel& model = browser.model;
    const QModelIndex run = model.indexForRun(browser.db.cancelled);
    EXPECT_EQ(RunBrowserModel::kindOf(run), RunBrowserModel::Kind::Run);
    EXPECT_EQ(run.data(RunBrowserModel::IdRole).toLongLong(), browser.db.cancelled);
    EXPECT_EQ(run.data(RunBrowserModel::RunIdRole).toLongLong(), browser.db.cancelled);
    EXPECT_EQ(run.data(RunBrowserModel::GroupIdRole).toLongLong(), browser.db.group1);
    EXPECT_EQ(run.data(RunBrowserModel::ModelIdRole).toLongLong(), browser.db.modelA);
    EXPECT_EQ(run.data(RunBrowserModel::StatusRole).toString(), QStringLiteral("cancelled"));
    EXPECT_TRUE(run.data(RunBrowserModel::HiddenRole).toBool());
    EXPECT_FALSE(model.indexForRun(browser.db.seed1).data(RunBrowserModel::HiddenRole).toBool());
    const QModelIndex group = browser.group1();
    EXPECT_EQ(RunBrowserModel::kindOf(group), RunBrowserModel::Kind::Group);
    EXPECT_EQ(group.data(RunBrowserModel::IdRole).toLongLong(), browser.db.group1);
    EXPECT_FALSE(group.data(RunBrowserModel::RunIdRole).isValid());
    EXPECT_EQ(RunBrowserModel::kindOf(group.parent()), RunBrowserModel::Kind::Task);
    EXPECT_EQ(group.parent().data(RunBrowserModel::IdRole).toLongLong(), browser.db.task);
    EXPECT_EQ(RunBrowserModel::kindOf(group.parent().parent()), RunBrowserModel::Kind::Model);
    EXPECT_FALSE(model.indexForRun(123456).isValid());
}

TEST(RunBrowserModel, ShowsADifferentStatusIconForEachStatus)
{
    Browser browser;
    const ModelsFixture& db = browser.db;
    QList<QImage> icons;
    for (int64_t run : {db.seed1, db.failed, db.cancelled, db.interrupted, db.running}) {
        const QIcon icon = browser.model.indexForRun(run).data(Qt::DecorationRole).value<QIcon>();
        ASSERT_FALSE(icon.isNull()) << run;
        icons << icon.pixmap(16, 16).toImage();
    }
    for (int a = 0; a < icons.size(); ++a) {
        for (int b = a + 1; b < icons.size(); ++b)
            EXPECT_NE(icons[a], icons[b]) << a << " " << b;
    }
    EXPECT_TRUE(runStatusIcon(QStringLiteral("no such status")).isNull());
    EXPECT_FALSE(browser.group1().data(Qt::DecorationRole).isValid());
}

TEST(RunBrowserModel, EditingARunsTagsOrNotesEmitsTheRunIdForTheStore)
{
    Browser browser;
    RunBrowserModel& model = browser.model;
    QSignalSpy tags(&model, &RunBrowserModel::runTagsEdited);
    QSignalSpy notes(&model, &RunBrowserModel::runNotesEdited);
    const QModelIndex run = model.indexForRun(browser.db.seed3);
    const QModelIndex tagCell = run.siblingAtColumn(RunBrowserModel::TagsColumn);
    EXPECT_TRUE(model.flags(tagCell) & Qt::ItemIsEditable);
    EXPECT_FALSE(model.flags(run) & Qt::ItemIsEditable);
    EXPECT_FALSE(model.flags(browser.group1().siblingAtColumn(RunBrowserModel::TagsColumn)) &
                 Qt::ItemIsEditable);

    ASSERT_TRUE(model.setData(tagCell, QStringLiteral(" flaky ")));
    ASSERT_EQ(tags.size(), 1);
    EXPECT_EQ(tags.at(0).at(0).toLongLong(), browser.db.seed3);
    EXPECT_EQ(tags.at(0).at(1).toString(), QStringLiteral("flaky"));
    EXPECT_EQ(tagCell.data().toString(), QStringLiteral("flaky"));
    const QModelIndex noteCell = run.siblingAtColumn(RunBrowserModel::NotesColumn);
    ASSERT_TRUE(model.setData(noteCell, QStringLiteral("odd GPU\nrerun")));
    ASSERT_EQ(notes.size(), 1);
    EXPECT_EQ(notes.at(0).at(0).toLongLong(), browser.db.seed3);
    EXPECT_EQ(notes.at(0).at(1).toString(), QStringLiteral("odd GPU\nrerun"));
    EXPECT_EQ(noteCell.data().toString(), QStringLiteral("odd GPU rerun")); // one line in the tree
    EXPECT_EQ(noteCell.data(Qt::EditRole).toString(), QStringLiteral("odd GPU\nrerun"));
    EXPECT_TRUE(run.data(Qt::ToolTipRole).toString().contains(QStringLiteral("odd GPU")));
    EXPECT_FALSE(
        model.setData(browser.group1().siblingAtColumn(RunBrowserModel::TagsColumn), QStringLiteral("x")));
    EXPECT_EQ(tags.size(), 1);
}

TEST(RunBrowserModel, NodeKeysFindTheSameRowsAfterARefresh)
{
    Browser browser;
    RunBrowserModel& model = browser.model;
    QStringList keys;
    const QModelIndex run = model.indexForRun(browser.db.seed2);
    for (QModelIndex index = run; index.isValid(); index = index.parent())
        keys << RunBrowserModel::nodeKey(index);
    EXPECT_EQ(keys, QStringList({QStringLiteral("run:%1").arg(browser.db.seed2),
                                 QStringLiteral("group:%1").arg(browser.db.group1),
                                 QStringLiteral("task:%1/%2").arg(browser.db.modelA).arg(browser.db.task),
                                 QStringLiteral("model:%1").arg(browser.db.modelA)}));
    browser.model.setBrowserData(loadBrowserData(browser.db.store));
    for (const QString& key : keys)
        EXPECT_EQ(RunBrowserModel::nodeKey(model.indexForNodeKey(key)), key);
    EXPECT_FALSE(model.indexForNodeKey(QStringLiteral("task:%1/999").arg(browser.db.modelA)).isValid());
}

TEST(RunFilterProxy, FindsARunBySeedAndKeepsItsParents)
{
    Browser browser;
    RunFilterProxy proxy;
    proxy.setSourceModel(&browser.model);
    QAbstractItemModelTester tester(&proxy, kFatal);
    proxy.setFilterText(QStringLiteral("Seed 3"));
    EXPECT_EQ(allTexts(proxy), QStringList({QStringLiteral("model A"), QStringLiteral("task T"),
                                            text(browser.group1()), runName(browser.db.seed3, 3)}));
    proxy.setFilterText(QStringLiteral("baseline"));
    EXPECT_EQ(allTexts(proxy).last(), runName(browser.db.seed2, 2));
    EXPECT_EQ(allTexts(proxy).size(), 4);
}

TEST(RunFilterProxy, KeepsTheRunsOfAGroupFoundByItsDescription)
{
    Browser browser;
    RunFilterProxy proxy;
    proxy.setSourceModel(&browser.model);
    proxy.setFilterText(QStringLiteral("T=0.70"));
    EXPECT_EQ(allTexts(proxy).mid(3),
              QStringList({runName(browser.db.group2Full, 1), runName(browser.db.group2Part, 2)}));
}

TEST(RunFilterProxy, LeavesHiddenRunsOutUnlessAskedToShowThem)
{
    Browser browser;
    RunFilterProxy proxy;
    proxy.setSourceModel(&browser.model);
    QAbstractItemModelTester tester(&proxy, kFatal);
    const QString hidden = runName(browser.db.cancelled, 5);
    EXPECT_FALSE(allTexts(proxy).contains(hidden));
    proxy.setShowHidden(true);
    EXPECT_TRUE(allTexts(proxy).contains(hidden));
    proxy.setShowHidden(false);
    proxy.setFilterText(QStringLiteral("seed 5"));
    EXPECT_TRUE(allTexts(proxy).isEmpty());
}

TEST(RunFilterProxy, SortsAccuracyAsNumbers)
{
    Browser browser;
    RunFilterProxy proxy;
    proxy.setSourceModel(&browser.model);
    proxy.sort(RunBrowserModel::AccuracyColumn, Qt::AscendingOrder);
    const QModelIndex group2 = proxy.mapFromSource(browser.model.indexForGroup(browser.db.group2));
    ASSERT_EQ(proxy.rowCount(group2), 2);
    // As text "100.00" would sort before "66.67".
    EXPECT_EQ(proxy.index(0, RunBrowserModel::AccuracyColumn, group2).data().toString(),
              QStringLiteral("66.67"));
    EXPECT_EQ(proxy.index(1, RunBrowserModel::AccuracyColumn, group2).data().toString(),
              QStringLiteral("100.00"));
}

TEST(TreeState, KeepsExpansionAndSelectionAcrossARefresh)
{
    Browser browser;
    RunFilterProxy proxy;
    proxy.setSourceModel(&browser.model);
    QTreeView view;
    view.setModel(&proxy);
    view.setSelectionMode(QAbstractItemView::ExtendedSelection);
    const QModelIndex run = proxy.mapFromSource(browser.model.indexForRun(browser.db.seed3));
    view.expand(run.parent().parent().parent());
    view.expand(run.parent().parent());
    view.expand(run.parent());
    view.setCurrentIndex(run);

    const TreeState state = saveTreeState(view);
    browser.model.setBrowserData(loadBrowserData(browser.db.store));
    EXPECT_FALSE(view.isExpanded(proxy.mapFromSource(browser.group1())));
    restoreTreeState(view, state);

    const QModelIndex restored = proxy.mapFromSource(browser.model.indexForRun(browser.db.seed3));
    EXPECT_TRUE(view.isExpanded(restored.parent()));
    EXPECT_FALSE(view.isExpanded(proxy.mapFromSource(browser.model.indexForGroup(browser.db.group2))));
    EXPECT_EQ(view.currentIndex().siblingAtColumn(0), restored);
    ASSERT_EQ(view.selectionModel()->selectedRows().size(), 1);
    EXPECT_EQ(view.selectionModel()->selectedRows().first(), restored);
}
