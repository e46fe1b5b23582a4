#include "models/environmentmodel.h"
#include "models_fixture.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QBrush>

using namespace nf::ui;
using nf::test::ModelsFixture;
using nf::test::qstrings;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

QStringList keys(const EnvironmentModel& model)
{
    QStringList texts;
    for (int row = 0; row < model.rowCount(); ++row)
        texts << model.index(row, EnvironmentModel::KeyColumn).data().toString();
    return texts;
}

QStringList differingKeys(const EnvironmentModel& model)
{
    QStringList texts;
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, 0).data(EnvironmentModel::DiffersRole).toBool())
            texts << model.index(row, EnvironmentModel::KeyColumn).data().toString();
    }
    return texts;
}

} // namespace

TEST(Environment, FlattensNestedObjectsToDottedKeysAndArraysCompactly)
{
    const auto values =
        flattenEnvironment(R"({"a":{"b":{"c":1}},"n":3.5,"big":123456789012,"l":[1,"x"],"e":{}})");
    const std::map<QString, QString> expected = {{QStringLiteral("a.b.c"), QStringLiteral("1")},
                                                 {QStringLiteral("big"), QStringLiteral("123456789012")},
                                                 {QStringLiteral("e"), QStringLiteral("{}")},
                                                 {QStringLiteral("l"), QStringLiteral("[1,\"x\"]")},
                                                 {QStringLiteral("n"), QStringLiteral("3.5")}};
    EXPECT_EQ(values, expected);
    EXPECT_TRUE(flattenEnvironment("").empty());
}

TEST(EnvironmentModel, PutsRunsSideBySideAndFlagsTheKeysThatDiffer)
{
    ModelsFixture db;
    EnvironmentModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    model.setEnvironments(loadEnvironments(db.store, {db.seed1, db.seed2, db.seed3}));
    ASSERT_EQ(model.columnCount(), 4);
    EXPECT_EQ(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("run %1").arg(db.seed1));
    EXPECT_EQ(model.headerData(3, Qt::Horizontal).toString(), QStringLiteral("run %1").arg(db.seed3));
    EXPECT_EQ(keys(model), qstrings({"cpu.cores", "cpu.model", "extra", "libs", "torch"}));
    EXPECT_EQ(differingKeys(model), qstrings({"extra", "libs", "torch"}));
    EXPECT_EQ(model.differingKeys(), 3);
    const int torch = 4;
    EXPECT_EQ(model.index(torch, 1).data().toString(), QStringLiteral("2.1"));
    EXPECT_EQ(model.index(torch, 3).data().toString(), QStringLiteral("2.2"));
    EXPECT_EQ(model.index(3, 1).data().toString(), QStringLiteral("[\"a\",\"b\"]"));
    EXPECT_EQ(model.index(3, 3).data().toString(), QStringLiteral("(absent)"));
    EXPECT_TRUE(model.index(torch, 2).data(Qt::BackgroundRole).value<QBrush>().color().isValid());
    EXPECT_FALSE(model.index(0, 2).data(Qt::BackgroundRole).isValid()); // cpu.cores: the same everywhere

    model.setOnlyDifferences(true);
    EXPECT_EQ(keys(model), qstrings({"extra", "libs", "torch"}));
    model.setOnlyDifferences(false);
    EXPECT_EQ(model.rowCount(), 5);
}

TEST(EnvironmentModel, ARunWithoutASnapshotMakesNoKeyDiffer)
{
    ModelsFixture db;
    EnvironmentModel model;
    model.setEnvironments(loadEnvironments(db.store, {db.seed1, db.group2Full, db.seed2}));
    EXPECT_EQ(model.differingKeys(), 0);
    EXPECT_EQ(model.index(0, 2).data().toString(), QStringLiteral("—"));
    EXPECT_TRUE(model.headerData(2, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("No environment")));
}

TEST(EnvironmentModel, ShowsAtMostTwelveRunsAndSaysHowManyMore)
{
    ModelsFixture db;
    std::vector<int64_t> runs;
    for (int i = 0; i < 15; ++i)
        runs.push_back(i % 2 ? db.seed1 : db.seed3);
    EnvironmentModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    model.setEnvironments(loadEnvironments(db.store, runs));
    EXPECT_EQ(model.columnCount(), 1 + EnvironmentModel::kMaxRuns);
    EXPECT_EQ(model.omittedRuns(), 3);
    EXPECT_TRUE(model.headerData(0, Qt::Horizontal).toString().contains(QStringLiteral("3 more not shown")));
    EXPECT_EQ(model.runIds().size(), EnvironmentModel::kMaxRuns);
}
