#include "window/runbrowserpanel.h"

#include "workspace/settings.h"
#include "engine/resume_plan.h"
#include "models/runbrowsermodel.h"
#include "models/runfilterproxy.h"
#include "models/treestate.h"
#include "store/store.h"
#include "window/selectionstate.h"

#include <QApplication>
#include <QCheckBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QTreeView>
#include <QVBoxLayout>

namespace nf::ui {

RunBrowserPanel::RunBrowserPanel(const SelectionState& selection, QWidget* parent)
    : QWidget(parent), m_selection(selection), m_filter(new QLineEdit(this)),
      m_showHidden(new QCheckBox(QStringLiteral("Show hidden runs"), this)), m_view(new QTreeView(this)),
      m_details(new QLabel(this)), m_model(new RunBrowserModel(this)), m_proxy(new RunFilterProxy(this))
{
    m_filter->setObjectName(QStringLiteral("browserFilter"));
    m_filter->setPlaceholderText(QStringLiteral("Filter: model, seed 3, tag, status…"));
    m_filter->setClearButtonEnabled(true);
    m_showHidden->setObjectName(QStringLiteral("showHidden"));
    m_proxy->setSourceModel(m_model);
    m_view->setObjectName(QStringLiteral("runBrowser"));
    m_view->setModel(m_proxy);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder);
    m_view->setUniformRowHeights(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_view->header()->setStretchLastSection(true);
    m_view->header()->setMinimumSectionSize(40);
    m_view->header()->resizeSection(0, 250);
    m_view->setAlternatingRowColors(true);
    m_details->setObjectName(QStringLiteral("runDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setMinimumHeight(60);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_showHidden);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_details);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &RunFilterProxy::setFilterText);
    connect(m_showHidden, &QCheckBox::toggled, m_proxy, &RunFilterProxy::setShowHidden);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RunBrowserPanel::onViewSelectionChanged);
    connect(m_view, &QTreeView::customContextMenuRequested, this, &RunBrowserPanel::showContextMenu);
    connect(m_model, &RunBrowserModel::runTagsEdited, this, &RunBrowserPanel::runTagsEdited);
    connect(m_model, &RunBrowserModel::runNotesEdited, this, &RunBrowserPanel::runNotesEdited);
}

QList<qint64> RunBrowserPanel::setBrowserData(BrowserData data)
{
    m_restoring = true;
    const auto state = saveTreeState(*m_view);
    m_model->setBrowserData(std::move(data));
    restoreTreeState(*m_view, state);
    m_restoring = false;
    QList<qint64> runs;
    for (const auto& proxyIndex : m_view->selectionModel()->selectedRows(0)) {
        const QModelIndex index = m_proxy->mapToSource(proxyIndex);
        if (RunBrowserModel::kindOf(index) == RunBrowserModel::Kind::Run)
            runs << index.data(RunBrowserModel::RunIdRole).toLongLong();
    }
    // The details of a run that changed since (one that completed, or was resumed) read anew.
    if (!runs.isEmpty())
        showRunDetails(runs.back());
    return runs;
}

const BrowserData& RunBrowserPanel::browserData() const
{
    return m_model->browserData();
}

bool RunBrowserPanel::isEmpty() const
{
    return m_model->rowCount() == 0;
}

void RunBrowserPanel::expandGroups()
{
    m_view->expandToDepth(2);
}

void RunBrowserPanel::fitColumns()
{
    m_view->resizeColumnToContents(0);
    m_view->resizeColumnToContents(1);
}

bool RunBrowserPanel::editing() const
{
    const QWidget* focus = QApplication::focusWidget();
    return focus && focus != m_view && m_view->isAncestorOf(focus);
}

void RunBrowserPanel::onViewSelectionChanged()
{
    if (m_restoring)
        return;
    QList<qint64> groups;
    QList<qint64> runs;
    QString jobDetails;
    for (const auto& proxyIndex : m_view->selectionModel()->selectedRows(0)) {
        const QModelIndex index = m_proxy->mapToSource(proxyIndex);
        const auto kind = RunBrowserModel::kindOf(index);
        if (kind == RunBrowserModel::Kind::Job || kind == RunBrowserModel::Kind::PendingRun)
            jobDetails = index.data(Qt::ToolTipRole).toString();
        if (kind == RunBrowserModel::Kind::Run) {
            runs << index.data(RunBrowserModel::RunIdRole).toLongLong();
            groups << index.data(RunBrowserModel::GroupIdRole).toLongLong();
        } else if (kind == RunBrowserModel::Kind::Group) {
            groups << index.data(RunBrowserModel::GroupIdRole).toLongLong();
        } else if (kind == RunBrowserModel::Kind::Model || kind == RunBrowserModel::Kind::Task) {
            // A model or a task stands for every group under it.
            const qint64 id = index.data(RunBrowserModel::IdRole).toLongLong();
            for (const auto& group : browserData().groups)
                if ((kind == RunBrowserModel::Kind::Model ? group.row.modelId : group.row.taskId) == id)
                    groups << group.row.id;
        }
    }
    if (!runs.isEmpty())
        showRunDetails(runs.back());
    else if (!jobDetails.isEmpty())
        m_details->setText(jobDetails.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    Q_EMIT selectionChanged(groups, runs);
}

void RunBrowserPanel::selectGroups(const QList<qint64>& groupIds)
{
    QItemSelection selection;
    for (const qint64 id : groupIds) {
        const QModelIndex index = m_proxy->mapFromSource(m_model->indexForGroup(id));
        if (index.isValid()) {
            selection.select(index, index);
            m_view->scrollTo(index);
        }
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void RunBrowserPanel::selectRun(qint64 runId)
{
    const QModelIndex index = m_proxy->mapFromSource(m_model->indexForRun(runId));
    if (!index.isValid())
        return;
    m_view->scrollTo(index);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void RunBrowserPanel::showRunDetails(qint64 runId)
{
    const auto* run = browserData().findRun(runId);
    if (!run) {
        m_details->clear();
        return;
    }
    QString text = QStringLiteral("<b>run %1</b> · seed %2 · %3").arg(run->id).arg(run->seed).arg(QString::fromStdString(store::toString(run->status)));
    if (run->accuracy)
        text += QStringLiteral(" · accuracy <b>%1</b>").arg(*run->accuracy * 100.0, 0, 'f', 2);
    text += QStringLiteral("<br>group %1 · uid %2 · %3").arg(run->configId).arg(QString::fromStdString(run->uid), QString::fromStdString(run->source));
    text += QStringLiteral("<br>started %1").arg(QString::fromStdString(run->startedAt));
    if (run->durationSeconds)
        text += QStringLiteral(" · %1 s").arg(*run->durationSeconds, 0, 'f', 1);
    if (run->reproduces)
        text += QStringLiteral(" · reproduces run %1").arg(*run->reproduces);
    if (!run->tags.empty())
        text += QStringLiteral("<br>tags: ") + QString::fromStdString(run->tags).toHtmlEscaped();
    if (!run->notes.empty())
        text += QStringLiteral("<br>notes: ") + QString::fromStdString(run->notes).toHtmlEscaped();
    m_details->setText(text);
}

void RunBrowserPanel::focusFilter()
{
    m_filter->setFocus();
}

void RunBrowserPanel::showContextMenu(const QPoint& position)
{
    const QModelIndex proxyIndex = m_view->indexAt(position);
    if (!proxyIndex.isValid())
        return;
    const QModelIndex index = m_proxy->mapToSource(proxyIndex);
    const auto kind = RunBrowserModel::kindOf(index);
    QMenu menu(this);
    if (kind == RunBrowserModel::Kind::Job || kind == RunBrowserModel::Kind::PendingRun)
        addJobActions(menu, index);
    if (kind == RunBrowserModel::Kind::Run || kind == RunBrowserModel::Kind::Group) {
        const qint64 groupId = index.data(RunBrowserModel::GroupIdRole).toLongLong();
        const qint64 taskId = index.data(RunBrowserModel::TaskIdRole).toLongLong();
        if (kind == RunBrowserModel::Kind::Run) {
            const qint64 runId = index.data(RunBrowserModel::RunIdRole).toLongLong();
            const bool completed = index.data(RunBrowserModel::StatusRole).toString() == QLatin1String("completed");
            menu.addAction(QStringLiteral("Pin run %1 as the baseline").arg(runId), this,
                           [this, runId] { Q_EMIT pinRunRequested(runId); })
                ->setEnabled(completed);
            const auto run = m_store ? m_store->run(runId) : std::nullopt;
            if (run && engine::canResume(run->status, run->sourceKind()))
                menu.addAction(QStringLiteral("Resume run %1").arg(runId), this,
                               [this, runId] { Q_EMIT resumeRunRequested(runId); })
                    ->setObjectName(QStringLiteral("resumeRunAction"));
        }
        menu.addAction(QStringLiteral("Pin group %1 as the baseline").arg(groupId), this,
                       [this, groupId] { Q_EMIT pinGroupRequested(groupId); });
        bool pinned = false;
        try {
            pinned = m_store && workspace::pinForTask(*m_store, taskId);
        } catch (const std::exception&) {
            // An unreadable pin setting: no Remove entry; pinning anew replaces it.
        }
        if (pinned)
            menu.addAction(QStringLiteral("Remove the pin of this task"), this,
                           [this, taskId] { Q_EMIT unpinRequested(taskId); });
        menu.addSeparator();
        menu.addAction(QStringLiteral("Run 5 more repeats of group %1").arg(groupId), this,
                       [this, groupId] { Q_EMIT moreRepeatsRequested(groupId, 5); });
        if (m_selection.groups().size() >= 2)
            menu.addAction(QStringLiteral("Compare the two most recently selected groups"), this,
                           [this] { Q_EMIT compareRequested(); });
    }
    const QList<qint64> runs = m_selection.runs();
    if (!runs.isEmpty()) {
        menu.addSeparator();
        menu.addAction(QStringLiteral("Hide %1 run(s)").arg(runs.size()), this,
                       [this, runs] { Q_EMIT runsHiddenRequested(runs, true); });
        menu.addAction(QStringLiteral("Unhide %1 run(s)").arg(runs.size()), this,
                       [this, runs] { Q_EMIT runsHiddenRequested(runs, false); });
        menu.addAction(QStringLiteral("Delete %1 run(s)…").arg(runs.size()), this,
                       [this, runs] { Q_EMIT deleteRunsRequested(runs); });
    }
    if (!menu.isEmpty())
        menu.exec(m_view->viewport()->mapToGlobal(position));
}

void RunBrowserPanel::addJobActions(QMenu& menu, const QModelIndex& index)
{
    const qint64 jobId = index.data(RunBrowserModel::JobIdRole).toLongLong();
    const auto* job = [&]() -> const PendingJob* {
        for (const auto& pending : browserData().jobs)
            if (pending.job.id == jobId)
                return &pending;
        return nullptr;
    }();
    if (!job)
        return;
    const bool ended = job->polled && job->status.ended();
    if (!ended && job->job.state != "cancelled")
        menu.addAction(QStringLiteral("Cancel Slurm job %1 (scancel)…").arg(jobId), this,
                       [this, jobId] { Q_EMIT cancelJobRequested(jobId); })
            ->setObjectName(QStringLiteral("cancelJobAction"));
    menu.addAction(QStringLiteral("Ask Slurm now and collect new shards"), this,
                   [this] { Q_EMIT pollJobsRequested(); });
    // A job still running would come back as its tasks report; one that has ended stays only to
    // show what went wrong, until the user has seen it.
    if (ended || job->job.state == "cancelled")
        menu.addAction(QStringLiteral("Remove job %1 from the list").arg(jobId), this,
                       [this, jobId] { Q_EMIT dismissJobRequested(jobId); })
            ->setObjectName(QStringLiteral("dismissJobAction"));
}

} // namespace nf::ui
