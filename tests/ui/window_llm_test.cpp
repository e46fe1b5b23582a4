// The main window with language-model runs: the Items tab shows an MCQ group's questions, and an
// interrupted run is offered "Resume run", which continues it in place or names what is wrong; a
// model folder whose adapter changed fails resume and more repeats on the evaluation thread.

#include "common/sha256.h"
#include "core/scratch_dir.h"
#include "engine/lm_fixture.h"
#include "engine/resume_plan.h"
#include "folderrun_fixture.h"
#include "formats/mcq.h"
#include "models/flipitemsmodel.h"
#include "models/runbrowsermodel.h"
#include "store/store.h"
#include "window/mainwindow.h"
#include "worker/evaluationqueue.h"

#include <gtest/gtest.h>

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QMenu>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QTreeView>

namespace nf::ui {
namespace {

QModelIndex runRow(const QAbstractItemModel& model, int64_t runId, const QModelIndex& parent = {})
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        if (RunBrowserModel::kindOf(index) == RunBrowserModel::Kind::Run &&
            index.data(RunBrowserModel::RunIdRole).toLongLong() == runId)
            return index;
        if (const QModelIndex found = runRow(model, runId, index); found.isValid())
            return found;
    }
    return {};
}

QMessageBox* openMessageBox(const QString& objectName)
{
    for (QWidget* widget : QApplication::topLevelWidgets())
        for (auto* box : widget->findChildren<QMessageBox*>(objectName))
            if (box->isVisible())
                return box;
    return nullptr;
}

// The texts of the browser's context menu on a run's row; the entry named `trigger`, if any, is
// triggered before the menu is closed again.
QStringList contextMenuOf(MainWindow& window, int64_t runId, const QString& trigger = {})
{
    auto* browser = window.findChild<QTreeView*>(QStringLiteral("runBrowser"));
    browser->expandAll();
    const QModelIndex index = runRow(*browser->model(), runId);
    if (!index.isValid())
        return {QStringLiteral("(no row for run %1)").arg(runId)};
    browser->scrollTo(index);
    QStringList texts;
    QTimer::singleShot(0, [&] {
        if (auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget())) {
            for (QAction* action : menu->actions())
                if (!action->isSeparator())
                    texts << action->text();
            for (QAction* action : menu->actions())
                if (!trigger.isEmpty() && action->text() == trigger)
                    action->trigger();
            menu->close();
        }
    });
    Q_EMIT browser->customContextMenuRequested(browser->visualRect(index).center());
    return texts;
}

// A database with a language-model group on the CMMLU folder: two completed runs (all right, all
// wrong) and an interrupted one whose model file is gone.
struct McqDatabase
{
    McqDatabase()
    {
        store::Store db(path());
        const auto task = formats::loadMcqTask("cmmlu:" + std::string(NF_TEST_DATA_DIR) + "/mcq/cmmlu");
        std::vector<store::TaskItem> items;
        for (const auto& item : task.items)
            items.push_back({task.subjects[static_cast<size_t>(item.subject)].key,
                             std::string(1, formats::choiceLetter(item.answer))});
        const int64_t taskId = db.ensureTask(task.kind, task.spec, task.sha256, task.label, items);
        const int64_t model = db.ensureModel((dir / "gone.pt").string(), "sha-lm", "causal_lm", "tiny lm");
        group = db.ensureConfig(
            model, taskId, R"({"decoding":"greedy","n_shot":0,"template":"llamafactory-zh"})", "hash-lm");
        for (const bool right : {true, false}) {
            std::vector<store::ItemRow> rows;
            for (size_t i = 0; i < task.items.size(); ++i) {
                const int answer = task.items[i].answer;
                rows.push_back(
                    {static_cast<int64_t>(i), right ? answer : (answer + 1) % 4, right, right ? 0.7 : 0.2});
            }
            const int64_t run = db.beginRun({group, 0, right ? 1 : 2, "", "engine", std::nullopt, {}});
            db.completeRun(run, rows, 1.0);
            completed = run;
        }
        interrupted = db.beginRun({group, 0, 3, "", "engine", std::nullopt, {}});
        db.endRun(interrupted, store::RunStatus::Interrupted, "");
    }

    std::filesystem::path path() const { return dir / "lm.sqlite"; }

    test::ScratchDir dir;
    int64_t group = 0;
    int64_t completed = 0;
    int64_t interrupted = 0;
};

TEST(WindowLlm, TheItemsTabShowsTheQuestionsOfAMultipleChoiceGroup)
{
    McqDatabase db;
    MainWindow window;
    window.resize(1200, 700);
    ASSERT_TRUE(window.openDatabase(QString::fromStdString(db.path().string()), nullptr, false));
    window.show();
    window.selectGroups({db.group});
    window.showTab(MainWindow::Tab::Items);
    auto* table = window.findChild<QTableView*>(QStringLiteral("itemsTable"));
    ASSERT_NE(table, nullptr);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return table->model()->rowCount() > 0 && !window.backgroundWorkPending(); }, 10000));
    EXPECT_FALSE(table->isColumnHidden(FlipItemsModel::QuestionColumn));
    QStringList questions;
    for (int row = 0; row < table->model()->rowCount(); ++row)
        questions << table->model()->index(row, FlipItemsModel::QuestionColumn).data().toString();
    EXPECT_TRUE(questions.contains(QStringLiteral("辛亥革命推翻了哪个王朝的统治？")))
        << questions.join(u'|').toStdString();
    // Text rows are one line high, not a thumbnail's.
    EXPECT_LT(table->verticalHeader()->defaultSectionSize(), kFlipThumbnailSize);
}

TEST(WindowLlm, AnInterruptedRunIsOfferedResumeAndAMissingModelIsNamed)
{
    McqDatabase db;
    MainWindow window;
    ASSERT_TRUE(window.openDatabase(QString::fromStdString(db.path().string()), nullptr, false));
    window.show();
    const QString resume = QStringLiteral("Resume run %1").arg(db.interrupted);
    EXPECT_TRUE(contextMenuOf(window, db.interrupted).contains(resume));
    EXPECT_FALSE(contextMenuOf(window, db.completed).join(u'|').contains(QStringLiteral("Resume")));

    window.resumeRun(db.interrupted);
    QMessageBox* box = nullptr;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return (box = openMessageBox(QStringLiteral("errorMessage"))) != nullptr; }, 5000));
    EXPECT_TRUE(box->text().startsWith(QStringLiteral("Model not found: ") +
                                       QString::fromStdString((db.dir / "gone.pt").string())))
        << box->text().toStdString();
    EXPECT_FALSE(window.evaluations()->busy());
    box->close();
}

TEST(WindowLlm, ResumingACancelledRunCompletesItInPlace)
{
    test::TinyLmWorld world;
    engine::RunPlan plan;
    plan.modelPath = world.model("lm");
    plan.modelLabel = "tiny lm";
    plan.taskSpec = world.taskSpec();
    plan.tokenizerPath = world.tokenizer();
    plan.seeds = {5};
    plan.config.batchSize = 4;
    plan.config.device = "cpu";
    plan.config.lm = engine::LanguageModelOptions{};
    plan.config.lm->nShot = 1;
    const auto database = world / "runs.sqlite";
    int64_t runId = 0;
    {
        store::Store store(database);
        runId = test::runCancelledAfter(store, plan, 4).outcomes.back().runId;
        ASSERT_EQ(store.run(runId)->status, store::RunStatus::Cancelled);
    }

    MainWindow window;
    ASSERT_TRUE(window.openDatabase(QString::fromStdString(database.string()), nullptr, false));
    window.show();
    EXPECT_TRUE(contextMenuOf(window, runId).contains(QStringLiteral("Resume run %1").arg(runId)));
    QSignalSpy finished(window.evaluations(), &EvaluationQueue::jobFinished);
    window.resumeRun(runId);
    ASSERT_TRUE(finished.wait(120000));
    auto* browser = window.findChild<QTreeView*>(QStringLiteral("runBrowser"));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            const QModelIndex row = runRow(*browser->model(), runId);
            return row.isValid() &&
                   row.data(RunBrowserModel::StatusRole).toString() == QStringLiteral("completed");
        },
        5000));
    EXPECT_EQ(window.store()->runs().size(), 1u);
    EXPECT_EQ(window.store()->run(runId)->nItems,
              window.store()->task(window.store()->groups().front().taskId).nItems);
}

// The plans of a folder run are made on the GUI thread without reading its weights; the
// evaluation thread compares the loaded model and adapter with the group's and its refusal comes
// back as any failed evaluation does, with nothing stored.
class WindowFolderRun : public test::FolderRunTest
{};

TEST_F(WindowFolderRun, AChangedAdapterFailsResumeAndMoreRepeatsWithNothingStored)
{
    engine::TinyLoraSpec other;
    other.seed = 2;
    engine::writeTinyLoraAdapter(m_adapter, m_spec, other);
    MainWindow window;
    ASSERT_TRUE(window.openDatabase(QString::fromStdString(m_database.string()), nullptr, false));
    window.show();
    // The title and text of the error the job ends with.
    const auto failure = [&](const std::function<void()>& start) {
        QSignalSpy failed(window.evaluations(), &EvaluationQueue::jobFailed);
        start();
        QMessageBox* box = nullptr;
        if (!QTest::qWaitFor(
                [&] { return (box = openMessageBox(QStringLiteral("errorMessage"))) != nullptr; }, kWaitMs))
            return std::string("(no message)");
        EXPECT_EQ(failed.size(), 1) << box->text().toStdString();
        const std::string text =
            QString(box->windowTitle() + QStringLiteral(": ") + box->text()).toStdString();
        box->close();
        return text;
    };
    const std::string changed = m_folder.string() + ": the model folder or its adapter changed since ";

    const std::string resumed = failure([&] { window.resumeRun(m_run); });
    EXPECT_EQ(resumed.rfind("Evaluation failed: ", 0), 0u) << resumed;
    EXPECT_NE(resumed.find(changed + "run " + std::to_string(m_run) + " (sha256 differs)"), std::string::npos)
        << resumed;

    const QString more = QStringLiteral("Run 5 more repeats of group %1").arg(m_group);
    const std::string repeated =
        failure([&] { EXPECT_TRUE(contextMenuOf(window, m_run, more).contains(more)); });
    EXPECT_EQ(repeated.rfind("Evaluation failed: ", 0), 0u) << repeated;
    EXPECT_NE(repeated.find(changed + "group " + std::to_string(m_group) + " (sha256 differs)"),
              std::string::npos)
        << repeated;

    EXPECT_TRUE(QTest::qWaitFor([&] { return !window.evaluations()->busy(); }, kWaitMs));
    expectNothingWritten();
}

} // namespace
} // namespace nf::ui
