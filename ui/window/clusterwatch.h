#pragma once

// The main window's cluster submissions: it asks the scheduler how their tasks fare (squeue,
// sacct, the shards: cluster::jobStatus) and merges the shards that finished tasks left
// (cluster::collect), off the GUI thread, every few seconds while a submission is in flight; it
// cancels a submission (scancel) and removes one from the browser's list. The run browser shows
// what it last saw (pendingJobs); `changed` and `collected` tell the window to read the store again.

#include "cluster/jobs.h"
#include "models/pendingjobs.h"

#include <QList>
#include <QObject>
#include <QString>
#include <map>
#include <vector>

QT_BEGIN_NAMESPACE
class QTimer;
class QWidget;
QT_END_NAMESPACE

namespace nf::store {
class Store;
}

namespace nf::ui {

class JobBase;
template <typename Result> class Job;

// What one poll saw and did.
struct ClusterPoll
{
    std::vector<cluster::JobStatus> statuses; // of the jobs asked after
    std::vector<int64_t> groups;              // that received runs
    int64_t shardsMerged = 0;
    int64_t runsAdded = 0;
    std::vector<std::string> problems; // a job whose shards could not be read or merged, with why
};

class ClusterWatch : public QObject
{
    Q_OBJECT
public:
    // Error boxes and the cancel confirmation open over `window`.
    explicit ClusterWatch(QWidget* window);
    ~ClusterWatch() override;

    // Forgets what it saw of the database before (dropping a poll in flight) and polls this one
    // (`store` is the GUI thread's, read for the list of submissions).
    void openDatabase(const QString& path, store::Store* store);
    // The submissions the browser shows, with the states last polled. Reads the GUI thread's store.
    std::vector<PendingJob> pendingJobs() const;

    // Asks now (a poll in flight is followed by another); the timer calls it while a submission
    // is in flight.
    void pollNow();
    bool polling() const;
    void setPollIntervalMs(int ms);

    // scancel on the job's array, after asking when `confirm`; the runs it completed stay.
    void cancelJob(qint64 jobId, bool confirm = true);
    // Removes a job from the browser's list (its runs stay).
    void dismissJob(qint64 jobId);

Q_SIGNALS:
    // A poll ended, or a job left the list: read the store and the pending jobs again.
    void changed();
    // Shards were merged: runs landed in these groups.
    void collected(const QList<qint64>& groups, const QString& message);
    // A job could not be collected or cancelled (also shown in the status bar).
    void problem(const QString& message);

private:
    void onPolled();
    void scheduleNext();

    QWidget* m_window;
    store::Store* m_store = nullptr;
    QString m_path;
    QTimer* m_timer;
    Job<ClusterPoll>* m_poll;
    Job<int>* m_cancel;
    bool m_pollAgain = false;
    std::map<int64_t, cluster::JobStatus> m_statuses; // the last seen of each job asked after
};

} // namespace nf::ui
