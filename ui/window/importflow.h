#pragma once

// File > Import, Import folder and Merge database, and files dropped on the window: the Import
// dialog for evaluation outputs, the Merge dialog for noisefloor databases, one dialog at a time
// (databases dropped together wait their turn). What an accepted dialog stored is announced by
// landed(), for the window to show and select.

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <cstdint>
#include <vector>

QT_BEGIN_NAMESPACE
class QDialog;
class QMimeData;
class QWidget;
QT_END_NAMESPACE

namespace nf::ui {

class ImportFlow : public QObject
{
    Q_OBJECT
public:
    // Dialogs open over `window`.
    explicit ImportFlow(QWidget* window);

    // The database imports and merges write to; empty: none open (nothing is offered).
    void setDatabasePath(const QString& path) { m_databasePath = path; }

    void chooseFiles();
    void chooseFolder();
    void chooseDatabase();
    // Files, folders or globs; noisefloor databases among them go to the Merge dialog instead.
    void importPaths(const QStringList& paths);
    void mergeDatabaseFile(const QString& path);

    // The local files and folders dropped (what the window accepts as a drop); empty: none.
    static QStringList droppedPaths(const QMimeData* mime);

Q_SIGNALS:
    // An import or a merge was stored: the groups that received runs, and a line for the status bar.
    void landed(const std::vector<int64_t>& groups, const QString& message);

private:
    template <typename FlowDialog> void openDialog(FlowDialog* dialog);
    void startNextMerge();

    QWidget* m_window;
    QString m_databasePath;
    QPointer<QDialog> m_dialog;  // the Import or Merge dialog open, if any
    QStringList m_pendingMerges; // databases to merge once it is closed
};

} // namespace nf::ui
