// The main window's file actions: open a database, import runs (files, folders, dropped files) and
// merge other databases, export charts, runs and reports, and the zone settings.

#include "window/mainwindow.h"

#include "analysis/import.h"
#include "charts/distributionchart.h"
#include "dialogs/importdialog.h"
#include "dialogs/mergedialog.h"
#include "dialogs/settingsdialog.h"
#include "models/browserdata.h"
#include "models/runbrowsermodel.h"
#include "pages/comparepage.h"
#include "pages/distributionpage.h"
#include "pages/historypage.h"
#include "store/store.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTreeView>

namespace nf::ui {
namespace {

QString csvField(const QString& text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = path + QStringLiteral(": ") + file.errorString();
        return false;
    }
    return true;
}

} // namespace

void MainWindow::openDatabaseDialog()
{
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Open or create a database"), QFileInfo(databasePath()).absolutePath(),
        QStringLiteral("noisefloor databases (*.sqlite *.db);;All files (*)"), nullptr,
        QFileDialog::DontConfirmOverwrite);
    if (path.isEmpty())
        return;
    QString error;
    if (!openDatabase(path, &error))
        showError(QStringLiteral("Open database"), error);
}

void MainWindow::chooseImportFiles()
{
    if (!m_store)
        return;
    QSettings settings;
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, QStringLiteral("Import runs"), settings.value(QStringLiteral("import/lastFolder")).toString(),
        QStringLiteral("Evaluation outputs (*.json *.jsonl *.log);;All files (*)"));
    if (paths.isEmpty())
        return;
    settings.setValue(QStringLiteral("import/lastFolder"), QFileInfo(paths.front()).absolutePath());
    importPaths(paths);
}

void MainWindow::chooseImportFolder()
{
    if (!m_store)
        return;
    QSettings settings;
    const QString folder = QFileDialog::getExistingDirectory(
        this, QStringLiteral("Import runs from a folder (LLaMA-Factory save_dirs, lm-eval outputs, .jsonl)"),
        settings.value(QStringLiteral("import/lastFolder")).toString());
    if (folder.isEmpty())
        return;
    settings.setValue(QStringLiteral("import/lastFolder"), folder);
    importPaths({folder});
}

void MainWindow::chooseMergeDatabase()
{
    if (!m_store)
        return;
    const QString path = QFileDialog::getOpenFileName(
        this, QStringLiteral("Merge runs from another noisefloor database"), QFileInfo(databasePath()).absolutePath(),
        QStringLiteral("noisefloor databases (*.sqlite *.db);;All files (*)"));
    if (!path.isEmpty())
        mergeDatabaseFile(path);
}

// The Import or Merge dialog, one at a time: what lands is shown and selected when it is
// accepted, and the next dropped database waits until it is closed.
template <typename FlowDialog> void MainWindow::openFlowDialog(FlowDialog* dialog)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { showLanded(dialog->result().groups, dialog->resultSummary()); });
    connect(dialog, &QDialog::finished, this, [this] {
        m_flowDialog = nullptr;
        startNextMerge();
    });
    m_flowDialog = dialog;
    dialog->open();
}

void MainWindow::importPaths(const QStringList& paths)
{
    if (!m_store || paths.isEmpty())
        return;
    QStringList sources;
    for (const QString& path : paths) {
        // Only a file can be a database; a folder is searched for sources by the import.
        if (QFileInfo(path).isFile() &&
            analysis::detectFormat(path.toStdString()) == analysis::SourceFormat::NoisefloorDatabase)
            m_pendingMerges << path;
        else
            sources << path;
    }
    if (sources.isEmpty()) {
        startNextMerge();
        return;
    }
    openFlowDialog(new ImportDialog(databasePath(), sources, this));
}

void MainWindow::mergeDatabaseFile(const QString& path)
{
    if (!m_store)
        return;
    m_pendingMerges << path;
    startNextMerge();
}

void MainWindow::startNextMerge()
{
    // One dialog at a time: the next database waits until this one is closed.
    if (m_pendingMerges.isEmpty() || (m_flowDialog && m_flowDialog->isVisible()))
        return;
    openFlowDialog(new MergeDialog(databasePath(), m_pendingMerges.takeFirst(), this));
}

void MainWindow::showLanded(const std::vector<int64_t>& groups, const QString& message)
{
    refresh();
    statusBar()->showMessage(message, 15000);
    QList<qint64> ids;
    for (const auto id : groups)
        ids << id;
    if (!ids.isEmpty()) {
        m_browser->expandToDepth(2);
        selectGroups(ids);
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QMimeData* mime = event->mimeData();
    if (m_store && mime && mime->hasUrls())
        for (const QUrl& url : mime->urls())
            if (url.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
    QMainWindow::dragEnterEvent(event);
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    if (const QMimeData* mime = event->mimeData(); mime && mime->hasUrls())
        for (const QUrl& url : mime->urls())
            if (url.isLocalFile())
                paths << url.toLocalFile();
    if (paths.isEmpty() || !m_store) {
        QMainWindow::dropEvent(event);
        return;
    }
    event->acceptProposedAction();
    importPaths(paths);
}

ChartWidget* MainWindow::currentChart() const
{
    switch (static_cast<Tab>(m_tabs->currentIndex())) {
    case Tab::History:
        return m_history->chartWidget();
    case Tab::Compare:
        return m_compare->chartWidget();
    default:
        return m_distribution->chartWidget();
    }
}

void MainWindow::exportChart()
{
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export chart"),
                                                      QStringLiteral("noisefloor-chart.png"),
                                                      QStringLiteral("PNG image (*.png);;SVG drawing (*.svg)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!currentChart()->saveImage(path, &error))
        showError(QStringLiteral("Export chart"), error);
    else
        statusBar()->showMessage(QStringLiteral("Chart written to ") + path, 8000);
}

void MainWindow::exportRunsCsv()
{
    QList<qint64> runIds = selectedRunIds();
    const auto& data = m_model->browserData();
    if (runIds.isEmpty())
        for (const auto& run : data.runs)
            if (m_groupIds.contains(run.configId))
                runIds << run.id;
    if (runIds.isEmpty()) {
        showError(QStringLiteral("Export runs"), QStringLiteral("Select runs or groups in the browser first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export runs"),
                                                      QStringLiteral("noisefloor-runs.csv"),
                                                      QStringLiteral("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString csv = QStringLiteral("run,uid,group,model,task,seed,status,accuracy,n_items,n_correct,started_at,"
                                 "finished_at,duration_s,source,tags,notes\n");
    for (const qint64 id : std::as_const(runIds)) {
        const auto* run = data.findRun(id);
        const auto* group = run ? data.findGroup(run->configId) : nullptr;
        if (!run || !group)
            continue;
        QStringList fields{QString::number(run->id),
                           QString::fromStdString(run->uid),
                           QString::number(run->configId),
                           QString::fromStdString(group->row.modelLabel),
                           QString::fromStdString(group->row.taskLabel),
                           QString::number(run->seed),
                           QString::fromStdString(store::toString(run->status)),
                           run->accuracy ? QString::number(*run->accuracy, 'g', 10) : QString(),
                           QString::number(run->nItems),
                           QString::number(run->nCorrect),
                           QString::fromStdString(run->startedAt),
                           QString::fromStdString(run->finishedAt),
                           run->durationSeconds ? QString::number(*run->durationSeconds, 'f', 3) : QString(),
                           QString::fromStdString(run->source),
                           QString::fromStdString(run->tags),
                           QString::fromStdString(run->notes)};
        for (auto& field : fields)
            field = csvField(field);
        csv += fields.join(u',') + u'\n';
    }
    QString error;
    if (!writeAtomically(path, csv.toUtf8(), &error))
        showError(QStringLiteral("Export runs"), error);
    else
        statusBar()->showMessage(QStringLiteral("%1 run(s) written to %2").arg(runIds.size()).arg(path), 8000);
}

void MainWindow::exportReport()
{
    if (!m_compare->comparison()) {
        showError(QStringLiteral("Export report"),
                  QStringLiteral("Compare two groups on the Compare tab first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export comparison report"),
                                                      QStringLiteral("noisefloor-comparison.md"),
                                                      QStringLiteral("Markdown (*.md)"));
    if (path.isEmpty())
        return;
    const QFileInfo info(path);
    const QString imageName = info.completeBaseName() + QStringLiteral(".png");
    // The report's chart: the two groups side by side with their zones.
    DistributionChart chart;
    std::vector<GroupAnalysis> pair;
    try {
        for (const qint64 id : {m_compare->groupA(), m_compare->groupB()})
            if (id > 0)
                pair.push_back(analyzeGroup(*m_store, id));
    } catch (const std::exception& e) {
        showError(QStringLiteral("Export report"), QString::fromUtf8(e.what()));
        return;
    }
    chart.setGroups(pair);
    QString error;
    if (!chart.saveImage(info.absolutePath() + u'/' + imageName, &error) ||
        !writeAtomically(path, m_compare->markdownReport(imageName).toUtf8(), &error)) {
        showError(QStringLiteral("Export report"), error);
        return;
    }
    statusBar()->showMessage(QStringLiteral("Report written to ") + path, 8000);
}

void MainWindow::editSettings()
{
    if (!m_store)
        return;
    // From the Compare tab, the dialog opens on the task compared there.
    const bool comparing = m_tabs->currentWidget() == m_compare && m_compare->comparison();
    SettingsDialog dialog(*m_store, this, comparing ? m_compare->taskId() : 0);
    if (dialog.exec() == QDialog::Accepted) {
        m_compare->setStore(m_store.get());
        refresh();
    }
}

} // namespace nf::ui
