// File -> Import, drag-and-drop and File -> Merge database as a user drives them: the Import dialog's
// summary of each source (format, runs, items, imported before), the options that read the sources
// again (data folder, metric), errors shown in the dialog with Import disabled, and the runs landing
// in the browser; the Merge dialog's dry run and the merge.

#include "workspace/import.h"
#include "core/scratch_dir.h"
#include "dialogs/importdialog.h"
#include "dialogs/mergedialog.h"
#include "pages/comparepage.h"
#include "store/store.h"
#include "window_fixture.h"
#include "window/mainwindow.h"

#include <QComboBox>
#include <QDropEvent>
#include <QLabel>
#include <QMimeData>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>
#include <QTreeWidget>
#include <QUrl>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace nf::ui {
namespace {

namespace fs = std::filesystem;
using test::ScratchDir;
using test::WindowFixture;

const fs::path kData = NF_TEST_DATA_DIR;
const fs::path kLlamaFactory = kData / "import" / "llamafactory";

QString qpath(const fs::path& path)
{
    return QString::fromStdString(path.string());
}

// Three runs of one model on a four-item task, in noisefloor's interchange format.
fs::path writeRunsJsonl(const ScratchDir& dir, const std::string& name = "runs.jsonl")
{
    const fs::path path = dir / name;
    std::ofstream out(path);
    for (int seed = 1; seed <= 3; ++seed)
        out << R"({"model": "imported-model", "task": "four-items", "config": {"temperature": 0.7}, "seed": )" << seed
            << R"(, "correct": [1, 0, )" << (seed % 2) << R"(, 1], "subjects": ["law", "law", "art", "art"]})" << '\n';
    return path;
}

// The runs an import stored, in start order (the fixture's own runs are the engine's).
std::vector<store::RunRow> importedRuns(const store::Store& store)
{
    std::vector<store::RunRow> runs;
    for (auto& run : store.runs())
        if (run.source.starts_with("import:"))
            runs.push_back(std::move(run));
    return runs;
}

// Waits for the dialog's current read of its sources to be shown.
bool waitForPlan(ImportDialog& dialog)
{
    return QTest::qWaitFor([&] { return !dialog.busy(); }, 30000);
}

QTreeWidgetItem* sourceRow(ImportDialog& dialog, int row = 0)
{
    return dialog.findChild<QTreeWidget*>(QStringLiteral("importSources"))->topLevelItem(row);
}

// The dialog of this kind the window has open; a closed one may linger until deleted.
template <typename Dialog>
Dialog* openDialog(const MainWindow& window)
{
    for (auto* dialog : window.findChildren<Dialog*>())
        if (dialog->isVisible())
            return dialog;
    return nullptr;
}

QString textOf(QWidget& parent, const char* name)
{
    return parent.findChild<QLabel*>(QLatin1String(name))->text();
}

TEST(ImportDialog, ShowsEachSourcesFormatRunsAndItemsAndTheGroupTheyMake)
{
    WindowFixture fixture;
    ScratchDir dir;
    const fs::path runs = writeRunsJsonl(dir);
    ImportDialog dialog(qpath(fixture.path()), {qpath(runs)});
    ASSERT_TRUE(waitForPlan(dialog));

    QTreeWidgetItem* row = sourceRow(dialog);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->text(0), QStringLiteral("%1/runs.jsonl").arg(qpath(dir.path().filename())));
    EXPECT_EQ(row->text(1), QStringLiteral("jsonl"));
    EXPECT_EQ(row->text(2), QStringLiteral("3"));
    EXPECT_EQ(row->text(3), QStringLiteral("12"));
    EXPECT_EQ(row->text(4), QStringLiteral("new"));
    EXPECT_EQ(textOf(dialog, "importTotals"), QStringLiteral("3 runs, 12 items from %1/runs.jsonl (jsonl).")
                                                  .arg(qpath(dir.path().filename())));
    EXPECT_TRUE(textOf(dialog, "importGroups").startsWith(QStringLiteral("New group, imported-model on four-items: 3 runs")))
        << textOf(dialog, "importGroups").toStdString();
    auto* import = dialog.findChild<QPushButton*>(QStringLiteral("importButton"));
    EXPECT_TRUE(import->isEnabled());
    EXPECT_EQ(import->text(), QStringLiteral("Import 3 runs"));
    EXPECT_TRUE(dialog.errorText().isEmpty());
    // The metric is lm-eval's: a JSONL import does not offer it.
    EXPECT_FALSE(dialog.findChild<QComboBox*>(QStringLiteral("metric"))->isVisibleTo(&dialog));
    EXPECT_EQ(store::Store(fixture.path()).runs().size(), 10u) << "the summary writes nothing";
}

TEST(ImportDialog, AnInvalidFileIsNamedInTheDialogAndImportIsDisabled)
{
    WindowFixture fixture;
    ScratchDir dir;
    const fs::path broken = dir / "broken.jsonl";
    std::ofstream(broken) << R"({"model": "m", "task": "t", "config": {}, "seed": 1, "correct": [1, 0]})" << '\n'
                          << R"({"model": "m", "task": "t", "config": {}, "seed": 2, "correct": [1, 2]})" << '\n';
    ImportDialog dialog(qpath(fixture.path()), {qpath(broken)});
    ASSERT_TRUE(waitForPlan(dialog));
    EXPECT_TRUE(dialog.errorText().contains(QStringLiteral("broken.jsonl:2"))) << dialog.errorText().toStdString();
    EXPECT_TRUE(dialog.findChild<QLabel*>(QStringLiteral("importError"))->isVisibleTo(&dialog));
    EXPECT_FALSE(dialog.findChild<QPushButton*>(QStringLiteral("importButton"))->isEnabled());
    EXPECT_EQ(sourceRow(dialog), nullptr);
}

// Messages are bounded where they are made (core quotes a file's content only through
// printableExcerpt): the dialog shows the same short line the CLI prints for a 500 KB key.
TEST(ImportDialog, AHugeKeyIsShownAsABoundedExcerpt)
{
    WindowFixture fixture;
    ScratchDir dir;
    std::ofstream(dir / "results.json")
        << R"({"abstract_algebra": {"0": "A"}, "x": {")" << std::string(500'000, 'k') << "\x7f\": \"A\"}}";
    std::ofstream(dir / "results.log") << "        Average: 50.00\n";
    ImportDialog dialog(qpath(fixture.path()), {qpath(dir.path())});
    ASSERT_TRUE(waitForPlan(dialog));
    const QString error = dialog.errorText();
    EXPECT_TRUE(error.contains(QStringLiteral("results.json: \"x\" row \"kkk"))) << error.toStdString();
    EXPECT_LT(error.size(), 300) << error.size();
    EXPECT_FALSE(error.contains(QChar(0x7f)));
}

TEST(ImportDialog, ATruncatedLlamaFactoryResultsFileIsNamed)
{
    WindowFixture fixture;
    ImportDialog dialog(qpath(fixture.path()), {qpath(kLlamaFactory / "broken" / "truncated")});
    ASSERT_TRUE(waitForPlan(dialog));
    EXPECT_TRUE(dialog.errorText().contains(QStringLiteral("results.json"))) << dialog.errorText().toStdString();
    EXPECT_FALSE(dialog.findChild<QPushButton*>(QStringLiteral("importButton"))->isEnabled());
}

TEST(ImportDialog, ADataFolderTurnsARunLevelLlamaFactoryRunIntoAScoredOne)
{
    WindowFixture fixture;
    ImportDialog dialog(qpath(fixture.path()), {qpath(kLlamaFactory / "mmlu-seed1")});
    ASSERT_TRUE(waitForPlan(dialog));
    ASSERT_TRUE(dialog.errorText().isEmpty()) << dialog.errorText().toStdString();
    EXPECT_EQ(sourceRow(dialog)->text(1), QStringLiteral("llamafactory"));
    EXPECT_EQ(sourceRow(dialog)->text(2), QStringLiteral("1"));
    EXPECT_EQ(sourceRow(dialog)->text(3), QStringLiteral("0"));
    EXPECT_TRUE(sourceRow(dialog)->text(4).contains(QStringLiteral("run-level only")));

    workspace::ImportOptions options;
    options.data = (kData / "mcq" / "mmlu").string();
    options.modelLabel = "llama-3-8b-ft";
    QSignalSpy shown(&dialog, &ImportDialog::planShown);
    dialog.setOptions(options);
    ASSERT_TRUE(shown.wait(30000));
    ASSERT_TRUE(dialog.errorText().isEmpty()) << dialog.errorText().toStdString();
    EXPECT_EQ(sourceRow(dialog)->text(3), QStringLiteral("25"));
    EXPECT_EQ(sourceRow(dialog)->text(4), QStringLiteral("new"));
    EXPECT_TRUE(textOf(dialog, "importGroups").contains(QStringLiteral("llama-3-8b-ft on mmlu:test")))
        << textOf(dialog, "importGroups").toStdString();
}

TEST(ImportDialog, AnLmEvalOutputShowsOneRunPerBenchmarkAndOffersTheMetric)
{
    WindowFixture fixture;
    const fs::path folder = kData / "import" / "lm-eval" / "mmlu-small";
    ImportDialog dialog(qpath(fixture.path()), {qpath(folder)});
    ASSERT_TRUE(waitForPlan(dialog));
    ASSERT_TRUE(dialog.errorText().isEmpty()) << dialog.errorText().toStdString();
    QTreeWidgetItem* row = sourceRow(dialog);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->text(1), QStringLiteral("lm-eval"));
    EXPECT_EQ(row->text(2), QStringLiteral("2")); // mmlu's three subtasks joined, and arc_easy
    EXPECT_EQ(row->text(3), QStringLiteral("29")); // 8 + 10 + 7 mmlu items, 4 arc_easy
    EXPECT_TRUE(dialog.findChild<QComboBox*>(QStringLiteral("metric"))->isVisibleTo(&dialog));
}

class WindowImport : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(window.openDatabase(qpath(fixture.path())));
        window.show();
    }

    ImportDialog* openImport(const QStringList& paths)
    {
        window.importPaths(paths);
        auto* dialog = openDialog<ImportDialog>(window);
        return dialog && waitForPlan(*dialog) ? dialog : nullptr;
    }

    // Imports through the dialog's Import button; returns the window's status-bar message.
    QString importThroughDialog(const QStringList& paths)
    {
        QPointer<ImportDialog> dialog = openImport(paths);
        if (!dialog)
            return QStringLiteral("no dialog");
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("importButton")), Qt::LeftButton);
        if (!QTest::qWaitFor([&] { return dialog.isNull() || !dialog->isVisible(); }, 30000))
            return QStringLiteral("the dialog stayed open: ") + dialog->errorText();
        return window.statusBar()->currentMessage();
    }

    WindowFixture fixture;
    ScratchDir dir;
    MainWindow window;
};

TEST_F(WindowImport, ImportStoresTheRunsAndSelectsTheirGroup)
{
    const QString message = importThroughDialog({qpath(writeRunsJsonl(dir))});
    EXPECT_TRUE(message.startsWith(QStringLiteral("Imported 3 runs, 12 items from "))) << message.toStdString();
    EXPECT_EQ(window.store()->runs().size(), 13u);
    const auto runs = importedRuns(*window.store());
    ASSERT_EQ(runs.size(), 3u);
    EXPECT_EQ(runs[0].source, "import:jsonl");
    EXPECT_EQ(window.selectedGroups(), QList<qint64>{runs[0].configId});
}

TEST_F(WindowImport, ASecondImportOfTheSameFileSaysItWasAlreadyImported)
{
    const QString runs = qpath(writeRunsJsonl(dir));
    ASSERT_TRUE(importThroughDialog({runs}).startsWith(QStringLiteral("Imported 3 runs")));
    ImportDialog* dialog = openImport({runs});
    ASSERT_NE(dialog, nullptr);
    EXPECT_TRUE(sourceRow(*dialog)->text(4).startsWith(QStringLiteral("already imported on ")))
        << sourceRow(*dialog)->text(4).toStdString();
    EXPECT_TRUE(textOf(*dialog, "importTotals").contains(QStringLiteral("was already imported on ")))
        << textOf(*dialog, "importTotals").toStdString();
    EXPECT_FALSE(dialog->findChild<QPushButton*>(QStringLiteral("importButton"))->isEnabled());
    dialog->reject();
    EXPECT_EQ(window.store()->runs().size(), 13u);
}

TEST_F(WindowImport, ALlamaFactoryRunScoredAgainstItsDataLandsWithItsAverage)
{
    ImportDialog* dialog = openImport({qpath(kLlamaFactory / "mmlu-seed1")});
    ASSERT_NE(dialog, nullptr);
    workspace::ImportOptions options;
    options.data = (kData / "mcq" / "mmlu").string();
    QSignalSpy shown(dialog, &ImportDialog::planShown);
    dialog->setOptions(options);
    ASSERT_TRUE(shown.wait(30000));
    QPointer<ImportDialog> guard = dialog;
    dialog->accept();
    ASSERT_TRUE(QTest::qWaitFor([&] { return guard.isNull() || !guard->isVisible(); }, 30000));
    const auto runs = importedRuns(*window.store());
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].source, "import:llamafactory");
    EXPECT_EQ(runs[0].nItems, 25);
    ASSERT_TRUE(runs[0].accuracy);
    EXPECT_NEAR(*runs[0].accuracy * 100.0, 68.00, 0.01); // results.log's Average
}

TEST_F(WindowImport, TheMetricChosenForAnLmEvalOutputIsTheOneStored)
{
    ImportDialog* dialog = openImport({qpath(kData / "import" / "lm-eval" / "cmmlu")});
    ASSERT_NE(dialog, nullptr);
    ASSERT_TRUE(dialog->errorText().isEmpty()) << dialog->errorText().toStdString();
    auto* metric = dialog->findChild<QComboBox*>(QStringLiteral("metric"));
    ASSERT_TRUE(metric->isVisibleTo(dialog));
    QSignalSpy shown(dialog, &ImportDialog::planShown);
    metric->setCurrentIndex(metric->findData(QStringLiteral("acc_norm")));
    ASSERT_TRUE(shown.wait(30000)); // read again with the new metric
    ASSERT_TRUE(dialog->errorText().isEmpty()) << dialog->errorText().toStdString();
    QPointer<ImportDialog> guard = dialog;
    dialog->accept();
    ASSERT_TRUE(QTest::qWaitFor([&] { return guard.isNull() || !guard->isVisible(); }, 30000));
    const auto runs = importedRuns(*window.store());
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].nItems, 10);
    ASSERT_TRUE(runs[0].accuracy);
    EXPECT_NEAR(*runs[0].accuracy, 0.9, 1e-9); // the results file's acc_norm,none (acc is 0.8)
}

// A drag of files from a file manager, dropped on the window.
void drop(QWidget& target, const QList<QUrl>& urls)
{
    QMimeData mime;
    mime.setUrls(urls);
    const QPointF at(target.width() / 2.0, target.height() / 2.0);
    QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&target, &enter);
    ASSERT_TRUE(enter.isAccepted());
    QDropEvent event(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&target, &event);
    EXPECT_TRUE(event.isAccepted());
}

TEST_F(WindowImport, DroppingAFileOpensTheImportDialogForIt)
{
    const QString runs = qpath(writeRunsJsonl(dir));
    drop(window, {QUrl::fromLocalFile(runs)});
    auto* dialog = openDialog<ImportDialog>(window);
    ASSERT_NE(dialog, nullptr);
    EXPECT_EQ(dialog->paths(), QStringList{runs});
    ASSERT_TRUE(waitForPlan(*dialog));
    EXPECT_EQ(dialog->preview().runs, 3);
    EXPECT_TRUE(dialog->isVisible());
}

TEST_F(WindowImport, DroppingADatabaseMergesItsRunsAfterADryRun)
{
    // The other machine's database: the fixture's runs; this window starts on an empty one.
    const QString here = qpath(dir / "here.sqlite");
    ASSERT_TRUE(window.openDatabase(here));
    drop(window, {QUrl::fromLocalFile(qpath(fixture.path()))});
    QPointer<MergeDialog> dialog = openDialog<MergeDialog>(window);
    ASSERT_FALSE(dialog.isNull());
    EXPECT_EQ(openDialog<ImportDialog>(window), nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !dialog->busy(); }, 30000));
    ASSERT_TRUE(dialog->errorText().isEmpty()) << dialog->errorText().toStdString();
    ASSERT_TRUE(dialog->dryRun());
    EXPECT_EQ(dialog->dryRun()->runsAdded, 10);
    const QString summary = textOf(*dialog, "mergeSummary");
    EXPECT_TRUE(summary.startsWith(QStringLiteral("10 runs to add (2,000 items)."))) << summary.toStdString();
    EXPECT_TRUE(summary.contains(QStringLiteral("Creates 2 groups."))) << summary.toStdString();
    EXPECT_TRUE(window.store()->runs().empty()) << "the dry run writes nothing";

    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("mergeButton")), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.isNull() || !dialog->isVisible(); }, 30000));
    EXPECT_EQ(window.store()->runs().size(), 10u);
    EXPECT_TRUE(window.statusBar()->currentMessage().startsWith(QStringLiteral("Merged 10 runs (2,000 items) from known.sqlite")))
        << window.statusBar()->currentMessage().toStdString();
    EXPECT_EQ(window.selectedGroups().size(), 2);

    // Twice changes nothing: the second dry run has nothing to add and Merge stays disabled.
    window.mergeDatabaseFile(qpath(fixture.path()));
    dialog = openDialog<MergeDialog>(window);
    ASSERT_FALSE(dialog.isNull());
    ASSERT_TRUE(QTest::qWaitFor([&] { return !dialog->busy() && dialog->dryRun(); }, 30000));
    EXPECT_EQ(dialog->dryRun()->runsAlreadyHere, 10);
    EXPECT_TRUE(textOf(*dialog, "mergeSummary").startsWith(QStringLiteral("Nothing to merge")));
    EXPECT_FALSE(dialog->findChild<QPushButton*>(QStringLiteral("mergeButton"))->isEnabled());
}

TEST_F(WindowImport, MergingTheOpenDatabaseIntoItselfIsRefusedInTheDialog)
{
    window.mergeDatabaseFile(qpath(fixture.path()));
    auto* dialog = openDialog<MergeDialog>(window);
    ASSERT_NE(dialog, nullptr);
    EXPECT_TRUE(dialog->errorText().contains(QStringLiteral("is the database open here")));
    EXPECT_FALSE(dialog->findChild<QPushButton*>(QStringLiteral("mergeButton"))->isEnabled());
}

TEST_F(WindowImport, ImportedGroupsOfferNoRepeatsTheyCannotRun)
{
    // Two imported groups on the engine's task for tests/data/mcq/mmlu, too few runs to settle
    // anything: the verdict is inconclusive, but there is no model file here to run them again.
    {
        store::Store other(fixture.path());
        workspace::ImportOptions options;
        options.data = (kData / "mcq" / "mmlu").string();
        options.modelLabel = "llama3-ft";
        workspace::applyImport(other, workspace::planImport({(kLlamaFactory / "mmlu-seed1").string(),
                                                           (kLlamaFactory / "mmlu-seed2").string()},
                                                          options));
        options.modelLabel.clear();
        workspace::applyImport(other, workspace::planImport({(kData / "import" / "lm-eval" / "mmlu-small").string()},
                                                          options));
    }
    window.refresh();
    std::vector<qint64> onMmlu;
    for (const auto& group : window.store()->groups())
        if (window.store()->task(group.taskId).kind == "mmlu")
            onMmlu.push_back(group.id);
    ASSERT_EQ(onMmlu.size(), 2u);
    window.selectGroups({onMmlu[0], onMmlu[1]});
    window.showTab(MainWindow::Tab::Compare);
    auto* page = window.comparePage();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !page->busy() && page->comparison().has_value(); }, 20000));
    EXPECT_EQ(page->comparison()->verdict, stats::Verdict::Inconclusive);
    EXPECT_FALSE(page->findChild<QPushButton*>(QStringLiteral("moreRepeatsButton"))->isVisible());
}

} // namespace
} // namespace nf::ui
