// Flip items of a multiple-choice task: the question and its choices where an image task shows a
// thumbnail, the subject's display name, and answers as letters.

#include "formats/mcq.h"
#include "models/flipitemsmodel.h"
#include "models_fixture.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>

using namespace nf::ui;
using nf::test::ModelsFixture;
using nf::test::qstrings;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

// A group of two completed runs on a benchmark folder of tests/data/mcq: the first answers every
// item right, the second every item wrong (the next letter), so every item flips.
struct McqGroup
{
    McqGroup(ModelsFixture& db, const std::string& spec, const std::string& sha256Override = {})
    {
        task = nf::formats::loadMcqTask(spec);
        std::vector<nf::store::TaskItem> items;
        for (const auto& item : task.items)
            items.push_back({task.subjects[static_cast<size_t>(item.subject)].key,
                             std::string(1, nf::formats::choiceLetter(item.answer))});
        const int64_t taskId = db.store.ensureTask(
            task.kind, task.spec, sha256Override.empty() ? task.sha256 : sha256Override, task.label, items);
        const int64_t modelId = db.store.ensureModel("/models/lm.pt", "sha-lm", "causal_lm", "lm");
        group = db.store.ensureConfig(modelId, taskId, ModelsFixture::kGreedy, "hash-" + task.kind);
        for (const bool right : {true, false}) {
            std::vector<nf::store::ItemRow> rows;
            for (size_t i = 0; i < task.items.size(); ++i) {
                const int answer = task.items[i].answer;
                const int predicted =
                    right ? answer : (answer + 1) % static_cast<int>(task.items[i].choices.size());
                rows.push_back({static_cast<int64_t>(i), predicted, right, right ? 0.8 : 0.1});
            }
            const int64_t run =
                db.store.beginRun({group, db.envA, right ? 1 : 2, "", "engine", std::nullopt, {}});
            db.store.completeRun(run, rows, 1.0);
        }
    }

    nf::formats::McqTask task;
    int64_t group = 0;
};

} // namespace

TEST(FlipItemsMcq, ShowsTheQuestionWhereAnImageTaskShowsAThumbnail)
{
    ModelsFixture db;
    const McqGroup mmlu(db, "mmlu:" + std::string(NF_TEST_DATA_DIR) + "/mcq/mmlu");
    FlipItemsModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    model.setFlipItems(loadFlipItems(db.store, mmlu.group));
    ASSERT_EQ(model.rowCount(), static_cast<int>(mmlu.task.items.size()));
    EXPECT_TRUE(model.flipItems().questions);
    EXPECT_TRUE(model.flipItems().choiceLetters);
    EXPECT_FALSE(model.flipItems().thumbnails);

    // Item 0: abstract algebra's first test question, answer D.
    const auto& first = mmlu.task.items[0];
    const QString question = QString::fromStdString(first.question);
    EXPECT_EQ(model.index(0, FlipItemsModel::QuestionColumn).data().toString(), question);
    EXPECT_EQ(model.index(0, FlipItemsModel::SubjectColumn).data().toString(),
              QStringLiteral("abstract algebra"));
    EXPECT_EQ(model.index(0, FlipItemsModel::ReferenceColumn).data().toString(), QStringLiteral("D"));
    // The wrong run answered A (the letter after D wraps), the right one D: a tie, broken low.
    EXPECT_EQ(model.index(0, FlipItemsModel::MajorityColumn).data().toString(), QStringLiteral("A"));

    const QString tip = model.index(0, FlipItemsModel::QuestionColumn).data(Qt::ToolTipRole).toString();
    EXPECT_TRUE(tip.contains(question.toHtmlEscaped())) << tip.toStdString();
    for (size_t i = 0; i < first.choices.size(); ++i)
        EXPECT_TRUE(tip.contains(QStringLiteral("%1. %2").arg(QChar(static_cast<char16_t>(u'A' + i)),
                                                              QString::fromStdString(first.choices[i]))))
            << i << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("<b>D. 12 \u2713 correct</b>"))) << tip.toStdString();
    EXPECT_EQ(model.subjects(), qstrings({"abstract algebra", "high school physics", "world religions"}));
}

TEST(FlipItemsMcq, LongQuestionsAreCutToOneLineAndTheFilterReadsAllOfThem)
{
    ModelsFixture db;
    const McqGroup mmlu(db, "mmlu:" + std::string(NF_TEST_DATA_DIR) + "/mcq/mmlu");
    FlipItemsModel model;
    model.setFlipItems(loadFlipItems(db.store, mmlu.group));
    size_t longest = 0;
    for (size_t i = 1; i < mmlu.task.items.size(); ++i)
        if (mmlu.task.items[i].question.size() > mmlu.task.items[longest].question.size())
            longest = i;
    const QString whole = QString::fromStdString(mmlu.task.items[longest].question).simplified();
    ASSERT_GT(whole.size(), 120) << "the fixture has a question longer than a table cell shows";
    const QString shown =
        model.index(static_cast<int>(longest), FlipItemsModel::QuestionColumn).data().toString();
    EXPECT_LE(shown.size(), 121);
    EXPECT_TRUE(shown.endsWith(QChar(0x2026)));
    EXPECT_FALSE(shown.contains(QLatin1Char('\n')));

    FlipItemsProxy proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterText(whole.right(20)); // past what the cell shows
    EXPECT_EQ(proxy.rowCount(), 1);
}

TEST(FlipItemsMcq, ChineseQuestionsAndSubjectNamesComeFromTheData)
{
    ModelsFixture db;
    const McqGroup cmmlu(db, "cmmlu:" + std::string(NF_TEST_DATA_DIR) + "/mcq/cmmlu");
    FlipItemsModel model;
    model.setFlipItems(loadFlipItems(db.store, cmmlu.group));
    ASSERT_GT(model.rowCount(), 0);
    EXPECT_EQ(model.index(0, FlipItemsModel::SubjectColumn).data().toString(), QStringLiteral("中国历史"));
    EXPECT_EQ(model.index(0, FlipItemsModel::QuestionColumn).data().toString(),
              QStringLiteral("辛亥革命推翻了哪个王朝的统治？"));
    // The key stays at hand for the display name's tooltip.
    EXPECT_EQ(model.index(0, FlipItemsModel::SubjectColumn).data(Qt::ToolTipRole).toString(),
              QStringLiteral("chinese_history"));
}

TEST(FlipItemsMcq, DataThatChangedSinceShowsLettersButNoQuestions)
{
    ModelsFixture db;
    const McqGroup mmlu(db, "mmlu:" + std::string(NF_TEST_DATA_DIR) + "/mcq/mmlu", "sha-of-other-data");
    FlipItemsModel model;
    model.setFlipItems(loadFlipItems(db.store, mmlu.group));
    ASSERT_GT(model.rowCount(), 0);
    EXPECT_FALSE(model.flipItems().questions);
    EXPECT_EQ(model.index(0, FlipItemsModel::QuestionColumn).data().toString(), QString());
    EXPECT_EQ(model.index(0, FlipItemsModel::SubjectColumn).data().toString(),
              QStringLiteral("abstract_algebra"));
    EXPECT_EQ(model.index(0, FlipItemsModel::ReferenceColumn).data().toString(), QStringLiteral("D"));
    EXPECT_EQ(model.index(0, FlipItemsModel::MajorityColumn).data().toString(), QStringLiteral("A"));
}
