#pragma once

// New evaluation: one model on one task over seeded repeats, under one or more configs. Each
// temperature in the list is its own config group, and "Add to queue" collects several forms
// (two checkpoints, say) that then run one after another. Start checks what can be checked here
// (files exist, fields parse, engine::validate, a model folder's headers and whether it fits the
// device's free memory); the worker finds the rest (a model whose output does not fit the task)
// and reports it as a failed job. "Run on: Slurm cluster" (ClusterBox) turns Start into Submit:
// the plans are checked as `run` checks them and submitted as job arrays off the GUI thread, and
// the dialog closes once they are queued (or names what was refused).

#include "engine/runner.h"
#include "store/store.h"

#include <QDialog>
#include <QPointer>
#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
class QListWidget;
class QMessageBox;
class QPushButton;
QT_END_NAMESPACE

namespace nf::ui {

class ClusterBox;
class EvaluationForm;
template <typename Result> class Job;

class NewEvaluationDialog : public QDialog
{
    Q_OBJECT
public:
    // Starts from the form last started (QSettings group "newEvaluation").
    explicit NewEvaluationDialog(QWidget* parent = nullptr);
    ~NewEvaluationDialog() override;

    // The queued plans, or the form's when the queue is empty (then empty if the form is invalid).
    std::vector<engine::RunPlan> plans() const;
    // A title for the job these plans make: "model.pt on fashion-mnist:test, 2 configs".
    QString jobTitle() const;
    // Fills the form from a plan (model, labels, task, config, seeds): "Run N more repeats".
    void setPlan(const engine::RunPlan& plan);
    // The database the runs go to: a cluster submission is recorded there and its shards go
    // beside it by default.
    void setDatabasePath(const QString& path);
    // Accepted after a submission: the jobs queued on the cluster (none when the runs go to this
    // computer's queue).
    const std::vector<store::JobRow>& submittedJobs() const { return m_submitted; }

public Q_SLOTS:
    // Starts nothing and stays open, with a warning naming the problem, while the input is bad.
    void accept() override;

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QWidget* buildQueueBox();
    void addToQueue();
    void removeFromQueue();
    void updateQueueButtons();
    void onTargetChanged(bool onCluster);
    void startSubmission();
    void setSubmitting(bool submitting);
    // Non-blocking (QMessageBox::open): the dialog stays usable and tests can find the box.
    void showInputError(const QString& title, const QString& message);

    EvaluationForm* m_form = nullptr;
    QListWidget* m_queue = nullptr;
    QLabel* m_queueHint = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_cancel = nullptr;
    ClusterBox* m_where = nullptr;
    Job<std::vector<store::JobRow>>* m_submit = nullptr;
    QString m_databasePath;
    std::vector<store::JobRow> m_submitted;
    QPointer<QMessageBox> m_errorBox;
    std::vector<engine::RunPlan> m_queued; // one per row of m_queue
};

} // namespace nf::ui
