#include "common/error.h"
#include "core/idx_writer.h"
#include "formats/task.h"
#include "models/flipitemsmodel.h"
#include "models_fixture.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QImage>
#include <thread>

using namespace nf::ui;
using nf::test::ModelsFixture;
using nf::test::qstrings;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

std::vector<int64_t> indexes(const FlipItemsData& data)
{
    std::vector<int64_t> idx;
    for (const FlipItem& item : data.items)
        idx.push_back(item.idx);
    return idx;
}

QStringList column(const QAbstractItemModel& model, int column)
{
    QStringList texts;
    for (int row = 0; row < model.rowCount(); ++row)
        texts << model.index(row, column).data().toString();
    return texts;
}

} // namespace

TEST(FlipItems, KeepsOnlyItemsRightInSomeRunsAndWrongInOthers)
{
    ModelsFixture db;
    const FlipItemsData data = loadFlipItems(db.store, db.group1);
    EXPECT_EQ(indexes(data), (std::vector<int64_t>{1, 3, 4, 5}));
    EXPECT_EQ(data.countedRuns, 3);
    EXPECT_EQ(data.itemsSeen, 6);
    for (const FlipItem& item : data.items)
        EXPECT_EQ(item.nRuns, 3) << item.idx; // the reproduction is not counted
    EXPECT_EQ(data.items[0].nCorrect, 2);
    EXPECT_EQ(data.items[1].nCorrect, 1);
    EXPECT_NEAR(data.items[0].rate(), 2.0 / 3.0, 1e-12);
    EXPECT_EQ(data.items[0].subject, "dog");
    EXPECT_EQ(data.items[0].ref, "1");
}

TEST(FlipItems, MajorityAnswerIsTheMostFrequentOverTheCountedRuns)
{
    ModelsFixture db;
    const FlipItemsData data = loadFlipItems(db.store, db.group1);
    EXPECT_EQ(data.runsForMajority, 3);
    // Items 1, 3, 4, 5: answers (1,1,0), (0,2,2), (1,2,1), (2,0,1); the last a tie, broken low.
    std::vector<int32_t> majority;
    for (const FlipItem& item : data.items)
        majority.push_back(item.majorityAnswer.value_or(-9));
    EXPECT_EQ(majority, (std::vector<int32_t>{1, 2, 1, 0}));
    EXPECT_EQ(data.items[0].majorityCount, 2);
    EXPECT_EQ(data.items[0].answeredRuns, 3);
    EXPECT_EQ(data.answerText(1), QStringLiteral("dog (1)"));
}

TEST(FlipItems, MajorityReadsOnlyTheLatestRunsWhenCapped)
{
    ModelsFixture db;
    const FlipItemsData data = loadFlipItems(db.store, db.group1, 2);
    EXPECT_EQ(data.runsForMajority, 2);
    EXPECT_EQ(data.items[0].nRuns, 3); // the rates still cover every run
    // Seeds 2 and 3 only: item 1 answered 1 and 0 (tie -> 0), item 3 answered 2 twice.
    EXPECT_EQ(data.items[0].majorityAnswer, 0);
    EXPECT_EQ(data.items[1].majorityAnswer, 2);
    EXPECT_EQ(data.items[1].answeredRuns, 2);
}

TEST(FlipItems, LoadsOnAWorkerThreadWithItsOwnStore)
{
    ModelsFixture db;
    FlipItemsData data;
    std::thread worker([&] {
        nf::store::Store store(db.store.path(), nf::store::OpenMode::ReadOnly);
        data = loadFlipItems(store, db.group1);
    });
    worker.join();
    EXPECT_EQ(indexes(data), (std::vector<int64_t>{1, 3, 4, 5}));
}

TEST(FlipItems, AnUnknownGroupIsAnInputError)
{
    ModelsFixture db;
    EXPECT_THROW(loadFlipItems(db.store, 999), nf::InputError);
}

TEST(FlipItemsModel, ShowsRatesCountsAndMajorityAnswers)
{
    ModelsFixture db;
    FlipItemsModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    model.setFlipItems(loadFlipItems(db.store, db.group1));
    ASSERT_EQ(model.rowCount(), 4);
    EXPECT_EQ(column(model, FlipItemsModel::ItemColumn), qstrings({"1", "3", "4", "5"}));
    EXPECT_EQ(column(model, FlipItemsModel::SubjectColumn), qstrings({"dog", "cat", "dog", "owl"}));
    EXPECT_EQ(column(model, FlipItemsModel::ReferenceColumn),
              qstrings({"dog (1)", "cat (0)", "dog (1)", "owl (2)"}));
    EXPECT_EQ(column(model, FlipItemsModel::CorrectRateColumn),
              qstrings({"66.7 %", "33.3 %", "66.7 %", "33.3 %"}));
    EXPECT_EQ(column(model, FlipItemsModel::RunsColumn), qstrings({"3", "3", "3", "3"}));
    EXPECT_EQ(column(model, FlipItemsModel::CorrectColumn), qstrings({"2", "1", "2", "1"}));
    EXPECT_EQ(column(model, FlipItemsModel::MajorityColumn),
              qstrings({"dog (1)", "owl (2)", "dog (1)", "cat (0)"}));
    EXPECT_EQ(model.subjects(), qstrings({"cat", "dog", "owl"}));
    // The task's files are gone: no thumbnails, nothing else lost.
    EXPECT_FALSE(model.flipItems().thumbnails);
    EXPECT_FALSE(model.index(0, FlipItemsModel::ItemColumn).data(Qt::DecorationRole).isValid());
    model.setFlipItems({});
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(FlipItemsProxy, FiltersBySubjectAndTextAndSortsNumerically)
{
    ModelsFixture db;
    FlipItemsModel model;
    model.setFlipItems(loadFlipItems(db.store, db.group1));
    FlipItemsProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, kFatal);
    proxy.sort(FlipItemsModel::CorrectRateColumn, Qt::DescendingOrder);
    EXPECT_EQ(column(proxy, FlipItemsModel::CorrectRateColumn),
              qstrings({"66.7 %", "66.7 %", "33.3 %", "33.3 %"}));
    proxy.setSubject(QStringLiteral("dog"));
    EXPECT_EQ(column(proxy, FlipItemsModel::ItemColumn), qstrings({"1", "4"}));
    proxy.setSubject({});
    proxy.setFilterText(QStringLiteral("OWL"));
    EXPECT_EQ(column(proxy, FlipItemsModel::ItemColumn), qstrings({"3", "5"})); // subject or majority
}

TEST(FlipItemsModel, ShowsAThumbnailOfEachItemOfAnImageTaskWhoseDataLoads)
{
    ModelsFixture db;
    const auto images = db.dir / "images.idx";
    const auto labels = db.dir / "labels.idx";
    nf::test::writeImageTask(images, labels, 28, 28, {0, 1, 2, 0, 1, 2});
    const nf::formats::ImageTask task =
        nf::formats::loadImageTask("idx:" + images.string() + "," + labels.string());
    std::vector<nf::store::TaskItem> items;
    for (int32_t label : task.labels)
        items.push_back({task.classNames[static_cast<size_t>(label)], std::to_string(label)});
    const int64_t taskId = db.store.ensureTask("image", task.spec, task.sha256, task.label, items);
    const int64_t group = db.store.ensureConfig(db.modelA, taskId, ModelsFixture::kGreedy, "hash-idx");
    db.completed(group, db.envA, 1, {0, 1, 2, 0, 1, 2});
    db.completed(group, db.envA, 2, {0, 0, 2, 0, 1, 2});

    FlipItemsModel model;
    model.setFlipItems(loadFlipItems(db.store, group));
    ASSERT_EQ(model.rowCount(), 1);
    EXPECT_TRUE(model.flipItems().thumbnails);
    const QImage thumbnail =
        model.index(0, FlipItemsModel::ItemColumn).data(Qt::DecorationRole).value<QImage>();
    EXPECT_EQ(thumbnail.size(), QSize(56, 56));
    EXPECT_TRUE(thumbnail.isGrayscale());
    // Item 1's first pixel, doubled: the writer's pattern (i * 37) % 256 at i = 784.
    EXPECT_EQ(qGray(thumbnail.pixel(1, 1)), (784 * 37) % 256);
    // Unnamed IDX classes read as their numbers.
    EXPECT_EQ(model.index(0, FlipItemsModel::MajorityColumn).data().toString(), QStringLiteral("0"));
}
