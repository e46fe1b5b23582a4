// The run browser's rows of cluster submissions: a job, and under it one row per array task whose
// runs are not in yet.

#include "cluster/script.h"
#include "models/browsertext.h"
#include "models/runbrowsermodel.h"

namespace nf::ui {

void RunBrowserModel::buildJobNodes()
{
    for (size_t j = 0; j < m_data.jobs.size(); ++j) {
        const PendingJob& pending = m_data.jobs[j];
        Node jobNode;
        jobNode.kind = Kind::Job;
        jobNode.id = pending.job.id;
        jobNode.dataIndex = j;
        QString what = fromStd(pending.modelLabel);
        if (!pending.task.empty())
            what += QStringLiteral(" on ") + fromStd(pending.task);
        jobNode.text[NameColumn] = QStringLiteral("Slurm job %1 · %2").arg(pending.job.id).arg(what);
        jobNode.text[StatusColumn] =
            pending.polled ? fromStd(pending.status.summary()) : fromStd(pending.job.state);
        // Where a group shows its mean and runs, beside the name, not scrolled away.
        jobNode.text[AccuracyColumn] = jobNode.text[StatusColumn];
        jobNode.text[StartedColumn] = localTime(pending.job.submittedAt);
        jobNode.startedSortKey = fromStd(pending.job.submittedAt);
        jobNode.accuracySortKey = -1.0;
        const int jobId = addNode(std::move(jobNode), -1);
        m_jobNode.insert(pending.job.id, jobId);
        for (const cluster::TaskStatus* task : tasksToShow(pending)) {
            Node taskNode;
            taskNode.kind = Kind::PendingRun;
            taskNode.id = task->task;
            taskNode.dataIndex = j;
            taskNode.taskIndex = static_cast<size_t>(task - pending.status.tasks.data());
            taskNode.text[StatusColumn] = fromStd(taskStateText(*task));
            // The state in the name too: the column the eye reads without scrolling.
            taskNode.text[NameColumn] =
                fromStd(seedsText(task->seeds)) + QStringLiteral(" · ") + taskNode.text[StatusColumn];
            taskNode.accuracySortKey = -1.0;
            addNode(std::move(taskNode), jobId);
        }
    }
}

QString RunBrowserModel::jobToolTip(const Node& node) const
{
    const PendingJob& pending = m_data.jobs[node.dataIndex];
    const store::JobRow& job = pending.job;
    if (node.kind == Kind::Job) {
        QString text =
            QStringLiteral("Job %1 on Slurm (array %2%3), submitted %4\n%5 runs in %6 array tasks: %7")
                .arg(job.id)
                .arg(fromStd(job.arrayId),
                     job.collectId.empty() ? QString()
                                           : QStringLiteral(", collect job ") + fromStd(job.collectId),
                     localTime(job.submittedAt))
                .arg(job.nRuns)
                .arg(job.nTasks)
                .arg(node.text[StatusColumn]);
        if (!job.detail.empty() && job.detail != pending.status.summary())
            text += QLatin1Char('\n') + fromStd(job.detail);
        text += QStringLiteral("\nShards: ") + fromStd(job.shardsDir);
        if (pending.polled && !pending.status.schedulerAnswered)
            text +=
                QStringLiteral("\nsqueue is not on this machine's PATH: states come from the shards alone");
        return text;
    }
    const cluster::TaskStatus& task = pending.status.tasks[node.taskIndex];
    QString text =
        QStringLiteral("Array task %1 of job %2 (Slurm %3_%1), %4: %5")
            .arg(task.task)
            .arg(job.id)
            .arg(fromStd(job.arrayId), fromStd(seedsText(task.seeds)), fromStd(taskStateText(task)));
    if (!task.slurmState.empty())
        text += QStringLiteral("\nSlurm state: ") + fromStd(task.slurmState);
    if (!task.node.empty())
        text += QStringLiteral("\nNode: ") + fromStd(task.node);
    if (task.exitCode)
        text += QStringLiteral("\nExit code: %1").arg(*task.exitCode);
    if (!task.shard.empty())
        text += QStringLiteral("\nShard: ") + fromStd(task.shard) +
                (task.collected ? QStringLiteral(" (collected)") : QString());
    text += QStringLiteral("\nLog: ") + fromStd(cluster::taskLogPath(job.shardsDir, task.task).string());
    return text;
}

QString RunBrowserModel::jobFilterText(const Node& node) const
{
    const PendingJob& pending = m_data.jobs[node.dataIndex];
    QStringList parts{QStringLiteral("slurm"), fromStd(pending.job.arrayId), fromStd(pending.job.shardsDir)};
    if (node.kind == Kind::PendingRun) {
        const cluster::TaskStatus& task = pending.status.tasks[node.taskIndex];
        parts << fromStd(task.node) << fromStd(task.message);
    }
    return parts.join(QLatin1Char('\n'));
}

} // namespace nf::ui
