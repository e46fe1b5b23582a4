#include "window/clusterwatch.h"

#include "jobs/job.h"
#include "store/store.h"
#include "window/errorbox.h"

#include <QMessageBox>
#include <QTimer>
#include <QWidget>
#include <set>

namespace nf::ui {
namespace {

// Often enough that a finished task's runs show soon after; squeue is cheap, and a cluster's
// controller is asked this often by every `watch squeue` anyway.
constexpr int kPollIntervalMs = 10000;

ClusterPoll pollJobs(JobContext& context, const std::vector<int64_t>& jobIds)
{
    ClusterPoll poll;
    auto& store = context.store();
    std::set<int64_t> groups;
    for (const int64_t id : jobIds) {
        if (context.cancelRequested())
            break;
        try {
            const auto job = store.job(id);
            if (!job)
                continue;
            auto status = cluster::jobStatus(store, *job);
            cluster::recordStatus(store, status);
            if (status.uncollected > 0) {
                try {
                    const auto collected = cluster::collect(store, id);
                    poll.shardsMerged += collected.shardsMerged;
                    poll.runsAdded += collected.runsAdded;
                    groups.insert(collected.groups.begin(), collected.groups.end());
                    for (const auto& problem : collected.problems)
                        poll.problems.push_back("job " + std::to_string(id) + ": " + problem);
                    status = collected.status;
                } catch (const std::exception& e) {
                    // Another collect at the same moment (the collect job), a busy database:
                    // the next poll tries again.
                    poll.problems.push_back("job " + std::to_string(id) + ": " + e.what());
                }
            }
            poll.statuses.push_back(std::move(status));
        } catch (const std::exception& e) {
            poll.problems.push_back("job " + std::to_string(id) + ": " + e.what());
        }
    }
    poll.groups.assign(groups.begin(), groups.end());
    return poll;
}

// What the browser shows of a status: a poll that changes none of it needs no refresh.
std::string shownState(const cluster::JobStatus& status)
{
    std::string text = status.state + "|" + status.summary();
    for (const auto& task : status.tasks)
        text += "|" + task.state + "," + task.slurmState + "," + task.node + "," + task.message + "," +
                task.shard + (task.collected ? ",c" : "");
    return text;
}

} // namespace

ClusterWatch::ClusterWatch(QWidget* window)
    : QObject(window), m_window(window), m_timer(new QTimer(this)),
      m_poll(new Job<ClusterPoll>(JobBase::Thread::Pool, this)),
      m_cancel(new Job<int>(JobBase::Thread::Pool, this))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(kPollIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &ClusterWatch::pollNow);
    connect(m_poll, &JobBase::finished, this, &ClusterWatch::onPolled);
    connect(m_poll, &JobBase::failed, this, [this](const QString& message) {
        Q_EMIT problem(QStringLiteral("Slurm jobs: ") + message);
        scheduleNext();
    });
    connect(m_cancel, &JobBase::finished, this, &ClusterWatch::pollNow);
    connect(m_cancel, &JobBase::failed, this, [this](const QString& message) {
        showErrorBox(m_window, QStringLiteral("Cancel Slurm job"), message);
        pollNow();
    });
}

ClusterWatch::~ClusterWatch() = default;

void ClusterWatch::openDatabase(const QString& path, store::Store* store)
{
    m_poll->discard();
    m_cancel->discard();
    m_timer->stop();
    m_pollAgain = false;
    m_statuses.clear();
    m_path = path;
    m_store = store;
    pollNow();
}

std::vector<PendingJob> ClusterWatch::pendingJobs() const
{
    return m_store ? loadPendingJobs(*m_store, m_statuses) : std::vector<PendingJob>{};
}

bool ClusterWatch::polling() const
{
    return m_poll->busy();
}

void ClusterWatch::setPollIntervalMs(int ms)
{
    m_timer->setInterval(ms);
}

void ClusterWatch::pollNow()
{
    m_timer->stop();
    if (!m_store)
        return;
    if (m_poll->busy()) {
        m_pollAgain = true; // what was asked for may have changed since this poll began
        return;
    }
    std::vector<int64_t> ids;
    try {
        for (const auto& job : pendingJobs())
            if (job.inFlight())
                ids.push_back(job.job.id);
    } catch (const std::exception& e) {
        Q_EMIT problem(QStringLiteral("Slurm jobs: ") + QString::fromUtf8(e.what()));
        return;
    }
    if (ids.empty())
        return;
    m_poll->setDatabasePath(m_path);
    m_poll->start([ids](JobContext& context) { return pollJobs(context, ids); });
}

void ClusterWatch::onPolled()
{
    const ClusterPoll poll = m_poll->takeResult();
    bool differs = false;
    for (const auto& status : poll.statuses) {
        const auto before = m_statuses.find(status.job.id);
        differs = differs || before == m_statuses.end() || shownState(before->second) != shownState(status);
        m_statuses[status.job.id] = status;
    }
    if (!poll.problems.empty()) {
        QStringList lines;
        for (const auto& line : poll.problems)
            lines << QString::fromStdString(line);
        Q_EMIT problem(QStringLiteral("Collecting shards: ") + lines.join(QStringLiteral("; ")));
    }
    if (poll.runsAdded > 0 || poll.shardsMerged > 0) {
        const QList<qint64> groups(poll.groups.begin(), poll.groups.end());
        Q_EMIT collected(groups, QStringLiteral("Collected %1 run(s) from %2 Slurm shard(s)")
                                     .arg(poll.runsAdded)
                                     .arg(poll.shardsMerged));
    }
    if (differs)
        Q_EMIT changed();
    scheduleNext();
}

void ClusterWatch::scheduleNext()
{
    if (std::exchange(m_pollAgain, false)) {
        pollNow();
        return;
    }
    try {
        for (const auto& job : pendingJobs())
            if (job.inFlight()) {
                m_timer->start();
                return;
            }
    } catch (const std::exception&) {
        m_timer->start(); // a busy database: ask again later
    }
}

void ClusterWatch::cancelJob(qint64 jobId, bool confirm)
{
    if (!m_store || m_cancel->busy())
        return;
    if (confirm && QMessageBox::question(
                       m_window, QStringLiteral("Cancel Slurm job"),
                       QStringLiteral("Cancel job %1 on the cluster (scancel)? Runs already completed are "
                                      "kept and still collected; the runs in flight are stored as cancelled.")
                           .arg(jobId)) != QMessageBox::Yes)
        return;
    m_cancel->setDatabasePath(m_path);
    m_cancel->start([jobId](JobContext& context) {
        cluster::cancel(context.store(), jobId);
        return 0;
    });
}

void ClusterWatch::dismissJob(qint64 jobId)
{
    if (!m_store)
        return;
    try {
        nf::ui::dismissJob(*m_store, jobId);
    } catch (const std::exception& e) {
        showErrorBox(m_window, QStringLiteral("Remove job from the list"), QString::fromUtf8(e.what()));
        return;
    }
    Q_EMIT changed();
}

} // namespace nf::ui
