#pragma once

// The main window's evaluations: the queue on the open database, the jobs the user starts (the
// demo, New evaluation, resuming a run, more repeats of a group), and what the status bar shows of
// them (what runs, its progress and the whole job's, items/s and ETA, Cancel). The welcome page
// shows a demo's progress while the database is empty. New evaluation may instead submit the runs
// to a Slurm cluster (clusterJobsSubmitted; ClusterWatch follows them).

#include <QList>
#include <QObject>
#include <QString>

QT_BEGIN_NAMESPACE
class QAction;
class QLabel;
class QMainWindow;
class QProgressBar;
class QPushButton;
class QStackedWidget;
QT_END_NAMESPACE

namespace nf::store {
class Store;
}

namespace nf::ui {

class EvaluationQueue;
class WelcomePage;
struct EvaluationJob;
struct EvaluationProgress;
struct JobOutcome;

class EvaluationControl : public QObject
{
    Q_OBJECT
public:
    // Adds its widgets to `window`'s status bar; `welcome` is on `stack` (shown when it is current).
    EvaluationControl(QMainWindow* window, QStackedWidget* stack, WelcomePage* welcome);
    ~EvaluationControl() override; // cancels and waits for the run in flight to be stored

    // A new queue on the database at `path` (`store` is the GUI thread's, read to plan resumes
    // and repeats); the queue before, if any, is cancelled and waited for first.
    void openDatabase(const QString& path, const store::Store* store);
    EvaluationQueue* queue() const { return m_queue; }
    bool busy() const;
    // Evaluate > Cancel evaluation, enabled while a job runs.
    QAction* cancelAction() const { return m_cancelAction; }
    void showStatus(const QString& text);

    void runDemo();
    void newEvaluation();
    // A run that cannot be resumed (model file changed, ...) is named in an error box.
    void resumeRun(qint64 runId);
    // A group 0 or a count 0 adds nothing for that side.
    void queueMoreRepeats(qint64 groupA, qint64 groupB, int moreA, int moreB);

Q_SIGNALS:
    void runStored();
    // A job ended; `groups` it added runs to; `demo`: it was the demo.
    void jobFinished(const QList<qint64>& groups, bool demo);
    void jobFailed(const QString& title, const QString& message);
    // New evaluation submitted these jobs to Slurm (recorded in the database).
    void clusterJobsSubmitted(const QList<qint64>& jobIds);

private:
    void enqueue(EvaluationJob job);
    void onProgress(const EvaluationProgress& progress);
    void onJobFinished(const JobOutcome& outcome);
    void onJobFailed(const QString& title, const QString& message);
    void onIdle();

    QMainWindow* m_window;
    QStackedWidget* m_stack;
    WelcomePage* m_welcome;
    const store::Store* m_store = nullptr;
    QString m_databasePath;
    EvaluationQueue* m_queue = nullptr;
    QLabel* m_statusText;
    QProgressBar* m_runBar;
    QProgressBar* m_overallBar;
    QPushButton* m_cancel;
    QAction* m_cancelAction;
    bool m_demoRunning = false;
};

} // namespace nf::ui
