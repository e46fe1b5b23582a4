#include "window/importflow.h"

#include "workspace/import.h"
#include "dialogs/importdialog.h"
#include "dialogs/mergedialog.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QMimeData>
#include <QSettings>

namespace nf::ui {

ImportFlow::ImportFlow(QWidget* window) : QObject(window), m_window(window) {}

void ImportFlow::chooseFiles()
{
    if (m_databasePath.isEmpty())
        return;
    QSettings settings;
    const QStringList paths = QFileDialog::getOpenFileNames(
        m_window, QStringLiteral("Import runs"), settings.value(QStringLiteral("import/lastFolder")).toString(),
        QStringLiteral("Evaluation outputs (*.json *.jsonl *.log);;All files (*)"));
    if (paths.isEmpty())
        return;
    settings.setValue(QStringLiteral("import/lastFolder"), QFileInfo(paths.front()).absolutePath());
    importPaths(paths);
}

void ImportFlow::chooseFolder()
{
    if (m_databasePath.isEmpty())
        return;
    QSettings settings;
    const QString folder = QFileDialog::getExistingDirectory(
        m_window, QStringLiteral("Import runs from a folder (LLaMA-Factory save_dirs, lm-eval outputs, .jsonl)"),
        settings.value(QStringLiteral("import/lastFolder")).toString());
    if (folder.isEmpty())
        return;
    settings.setValue(QStringLiteral("import/lastFolder"), folder);
    importPaths({folder});
}

void ImportFlow::chooseDatabase()
{
    if (m_databasePath.isEmpty())
        return;
    const QString path = QFileDialog::getOpenFileName(
        m_window, QStringLiteral("Merge runs from another noisefloor database"), QFileInfo(m_databasePath).absolutePath(),
        QStringLiteral("noisefloor databases (*.sqlite *.db);;All files (*)"));
    if (!path.isEmpty())
        mergeDatabaseFile(path);
}

// One dialog at a time: what lands is announced when it is accepted, and the next dropped
// database waits until it is closed.
template <typename FlowDialog> void ImportFlow::openDialog(FlowDialog* dialog)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { Q_EMIT landed(dialog->result().groups, dialog->resultSummary()); });
    connect(dialog, &QDialog::finished, this, [this] {
        m_dialog = nullptr;
        startNextMerge();
    });
    m_dialog = dialog;
    dialog->open();
}

void ImportFlow::importPaths(const QStringList& paths)
{
    if (m_databasePath.isEmpty() || paths.isEmpty())
        return;
    QStringList sources;
    for (const QString& path : paths) {
        // Only a file can be a database; a folder is searched for sources by the import.
        if (QFileInfo(path).isFile() &&
            workspace::detectFormat(path.toStdString()) == workspace::SourceFormat::NoisefloorDatabase)
            m_pendingMerges << path;
        else
            sources << path;
    }
    if (sources.isEmpty()) {
        startNextMerge();
        return;
    }
    openDialog(new ImportDialog(m_databasePath, sources, m_window));
}

void ImportFlow::mergeDatabaseFile(const QString& path)
{
    if (m_databasePath.isEmpty())
        return;
    m_pendingMerges << path;
    startNextMerge();
}

QStringList ImportFlow::droppedPaths(const QMimeData* mime)
{
    QStringList paths;
    if (mime && mime->hasUrls())
        for (const QUrl& url : mime->urls())
            if (url.isLocalFile())
                paths << url.toLocalFile();
    return paths;
}

void ImportFlow::startNextMerge()
{
    if (m_pendingMerges.isEmpty() || (m_dialog && m_dialog->isVisible()))
        return;
    openDialog(new MergeDialog(m_databasePath, m_pendingMerges.takeFirst(), m_window));
}

} // namespace nf::ui
