#pragma once

// File -> Merge database and a noisefloor database dropped on the window: what merging the other
// database would add here (a dry run of store::mergeDatabase: runs to add, already here, not
// completed; groups joined and new; models, tasks and environments new), then the merge itself.
// Both run as a Job on a pool thread, with the job's own Store on this database's path.

#include "jobs/job.h"
#include "store/merge.h"

#include <QDialog>

#include <optional>

QT_BEGIN_NAMESPACE
class QLabel;
class QProgressBar;
class QPushButton;
QT_END_NAMESPACE

namespace nf::ui {

class MergeDialog : public QDialog
{
    Q_OBJECT
public:
    // Starts the dry run at once.
    MergeDialog(const QString& databasePath, const QString& otherPath, QWidget* parent = nullptr);
    ~MergeDialog() override;

    QString otherPath() const { return m_otherPath; }
    // True from the start of the dry run or the merge until its result is shown.
    bool busy() const;
    // The dry run's result, once it is shown.
    const std::optional<store::MergeResult>& dryRun() const { return m_dryRun; }
    QString errorText() const;
    // After Merge (the dialog accepted): what was merged, and the line the status bar shows.
    const store::MergeResult& result() const { return m_result; }
    QString resultSummary() const;

public Q_SLOTS:
    // Merges on a pool thread and closes the dialog when it is stored; on failure nothing is
    // merged and the dialog stays open with the message.
    void accept() override;
    // Ignored while merging: it is one transaction and cannot stop halfway.
    void reject() override;

Q_SIGNALS:
    // After the dry run's summary (or its error) is shown.
    void dryRunShown();

private:
    void start(bool dryRun);
    void showMerged(const store::MergeResult& result);
    void showError(const QString& message);
    void updateControls();

    QString m_databasePath;
    QString m_otherPath;
    QLabel* m_summary = nullptr;
    QLabel* m_error = nullptr;
    QProgressBar* m_busyBar = nullptr;
    QLabel* m_busyText = nullptr;
    QPushButton* m_merge = nullptr;
    QPushButton* m_cancel = nullptr;
    Job<store::MergeResult> m_job;
    bool m_merging = false; // the job writes (not the dry run)
    std::optional<store::MergeResult> m_dryRun;
    store::MergeResult m_result;
};

} // namespace nf::ui
