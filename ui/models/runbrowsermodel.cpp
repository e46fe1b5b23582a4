#include "models/runbrowsermodel.h"

#include "models/browsertext.h"
#include "models/statusicons.h"

#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <algorithm>
#include <map>

namespace nf::ui {
namespace {

// The stored word ("completed", ...), as StatusRole and the status column give it.
QString statusWord(store::RunStatus status)
{
    return fromStd(store::toString(status));
}

QString points(double value)
{
    return QString::number(value, 'f', 2);
}

} // namespace

RunBrowserModel::RunBrowserModel(QObject* parent) : QAbstractItemModel(parent) {}

RunBrowserModel::~RunBrowserModel() = default;

void RunBrowserModel::setBrowserData(BrowserData data)
{
    beginResetModel();
    m_data = std::move(data);
    buildNodes();
    endResetModel();
}

void RunBrowserModel::buildNodes()
{
    m_nodes.clear();
    m_topLevel.clear();
    m_runNode.clear();
    m_groupNode.clear();
    m_jobNode.clear();

    // Submissions on the cluster first: what is still coming is what the eye looks for.
    buildJobNodes();

    // Runs of each group in start order (m_data.runs is), and the latest start per group.
    std::map<int64_t, std::vector<size_t>> runsOfGroup;
    for (size_t i = 0; i < m_data.runs.size(); ++i)
        runsOfGroup[m_data.runs[i].configId].push_back(i);

    for (size_t m = 0; m < m_data.models.size(); ++m) {
        const store::ModelRow& model = m_data.models[m];
        Node modelNode;
        modelNode.kind = Kind::Model;
        modelNode.id = modelNode.modelId = model.id;
        modelNode.dataIndex = m;
        modelNode.text[NameColumn] = fromStd(model.label);
        const int modelId = addNode(std::move(modelNode), -1);
        for (size_t t = 0; t < m_data.tasks.size(); ++t) {
            const store::TaskRow& task = m_data.tasks[t];
            int taskId = -1;
            for (size_t g = 0; g < m_data.groups.size(); ++g) {
                const BrowserGroup& group = m_data.groups[g];
                if (group.row.modelId != model.id || group.row.taskId != task.id)
                    continue;
                if (taskId < 0) {
                    Node taskNode;
                    taskNode.kind = Kind::Task;
                    taskNode.id = taskNode.taskId = task.id;
                    taskNode.modelId = model.id;
                    taskNode.dataIndex = t;
                    taskNode.text[NameColumn] = fromStd(task.label);
                    taskId = addNode(std::move(taskNode), modelId);
                }
                Node groupNode;
                groupNode.kind = Kind::Group;
                groupNode.id = groupNode.groupId = group.row.id;
                groupNode.modelId = model.id;
                groupNode.taskId = task.id;
                groupNode.dataIndex = g;
                groupNode.text[NameColumn] =
                    QStringLiteral("group %1 · %2").arg(group.row.id).arg(fromStd(group.description));
                const QString runs = group.countedRuns == 1
                                         ? QStringLiteral("1 run")
                                         : QStringLiteral("%1 runs").arg(group.countedRuns);
                groupNode.text[AccuracyColumn] =
                    group.meanPoints ? QString(points(*group.meanPoints) + QStringLiteral(" · ") + runs)
                                     : runs;
                groupNode.accuracySortKey = group.meanPoints ? QVariant(*group.meanPoints) : QVariant(-1.0);
                const std::vector<size_t>& runIndexes = runsOfGroup[group.row.id];
                if (!runIndexes.empty())
                    groupNode.startedSortKey = fromStd(m_data.runs[runIndexes.back()].startedAt);
                const int groupId = addNode(std::move(groupNode), taskId);
                m_groupNode.insert(group.row.id, groupId);
                for (size_t r : runIndexes) {
                    const store::RunRow& run = m_data.runs[r];
                    Node runNode;
                    runNode.kind = Kind::Run;
                    runNode.id = run.id;
                    runNode.modelId = model.id;
                    runNode.taskId = task.id;
                    runNode.groupId = group.row.id;
                    runNode.dataIndex = r;
                    fillRunTexts(runNode);
                    m_runNode.insert(run.id, addNode(std::move(runNode), groupId));
                }
            }
        }
    }
}

int RunBrowserModel::addNode(Node node, int parent)
{
    const int id = static_cast<int>(m_nodes.size());
    std::vector<int>& siblings = parent < 0 ? m_topLevel : m_nodes[static_cast<size_t>(parent)].children;
    node.parent = parent;
    node.row = static_cast<int>(siblings.size());
    siblings.push_back(id);
    m_nodes.push_back(std::move(node));
    return id;
}

void RunBrowserModel::fillRunTexts(Node& node) const
{
    const store::RunRow& run = m_data.runs[node.dataIndex];
    node.text[NameColumn] = QStringLiteral("run %1 · seed %2").arg(run.id).arg(run.seed);
    // A reproduction does not count in its group's statistics: say so where the eye is.
    if (run.reproduces)
        node.text[NameColumn] += QStringLiteral(" · repro");
    node.text[AccuracyColumn] = run.accuracy ? points(*run.accuracy * 100.0) : QString();
    node.accuracySortKey = run.accuracy ? QVariant(*run.accuracy * 100.0) : QVariant(-1.0);
    node.text[StatusColumn] = statusWord(run.status);
    node.text[TagsColumn] = fromStd(run.tags);
    node.text[NotesColumn] = fromStd(run.notes).simplified(); // one line in the tree
    node.text[StartedColumn] = localTime(run.startedAt);
    node.startedSortKey = fromStd(run.startedAt);
}

const RunBrowserModel::Node* RunBrowserModel::nodeOf(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this || index.internalId() >= m_nodes.size())
        return nullptr;
    return &m_nodes[static_cast<size_t>(index.internalId())];
}

QModelIndex RunBrowserModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= NUM_COLUMNS)
        return {};
    const Node* parentNode = nodeOf(parent);
    if (parent.isValid() && (!parentNode || parent.column() != 0))
        return {};
    const std::vector<int>& siblings = parentNode ? parentNode->children : m_topLevel;
    if (static_cast<size_t>(row) >= siblings.size())
        return {};
    return createIndex(row, column, static_cast<quintptr>(siblings[static_cast<size_t>(row)]));
}

QModelIndex RunBrowserModel::parent(const QModelIndex& child) const
{
    const Node* node = nodeOf(child);
    if (!node || node->parent < 0)
        return {};
    const Node& parentNode = m_nodes[static_cast<size_t>(node->parent)];
    return createIndex(parentNode.row, 0, static_cast<quintptr>(node->parent));
}

int RunBrowserModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_topLevel.size());
    const Node* node = nodeOf(parent);
    return node && parent.column() == 0 ? static_cast<int>(node->children.size()) : 0;
}

int RunBrowserModel::columnCount(const QModelIndex& /*parent*/) const
{
    return NUM_COLUMNS;
}

QVariant RunBrowserModel::data(const QModelIndex& index, int role) const
{
    const Node* node = nodeOf(index);
    if (!node)
        return {};
    const bool isRun = node->kind == Kind::Run;
    const store::RunRow* run = isRun ? &m_data.runs[node->dataIndex] : nullptr;
    switch (role) {
    case Qt::DisplayRole:
        return node->text[static_cast<size_t>(index.column())];
    case Qt::EditRole:
        // The editor gets the notes as written, line breaks included; the tree shows one line.
        return isRun && index.column() == NotesColumn ? fromStd(run->notes)
                                                      : node->text[static_cast<size_t>(index.column())];
    case Qt::DecorationRole:
        if (index.column() != NameColumn)
            return {};
        if (node->kind == Kind::PendingRun)
            return runStatusIcon(
                fromStd(pendingStatusWord(m_data.jobs[node->dataIndex].status.tasks[node->taskIndex].state)));
        return isRun ? QVariant(runStatusIcon(statusWord(run->status))) : QVariant();
    case Qt::ToolTipRole:
        return toolTip(*node);
    case Qt::TextAlignmentRole:
        return index.column() == AccuracyColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::FontRole:
        if (isRun && run->hidden) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (isRun && run->hidden)
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case KindRole:
        return static_cast<int>(node->kind);
    case IdRole:
        return node->id;
    case ModelIdRole:
        return node->modelId;
    case TaskIdRole:
        return node->kind == Kind::Model ? QVariant() : QVariant(node->taskId);
    case GroupIdRole:
        return node->kind == Kind::Group || isRun ? QVariant(node->groupId) : QVariant();
    case RunIdRole:
        return isRun ? QVariant(node->id) : QVariant();
    case JobIdRole:
        if (node->kind != Kind::Job && node->kind != Kind::PendingRun)
            return {};
        return QVariant::fromValue<qint64>(m_data.jobs[node->dataIndex].job.id);
    case StatusRole:
        return isRun ? QVariant(statusWord(run->status)) : QVariant();
    case HiddenRole:
        return isRun ? QVariant(run->hidden) : QVariant();
    case SortRole:
        return sortKey(*node, index.column());
    case FilterTextRole:
        return filterText(*node);
    default:
        return {};
    }
}

QVariant RunBrowserModel::sortKey(const Node& node, int column) const
{
    switch (column) {
    case NameColumn:
        // Models, tasks and jobs by name (one type among siblings); groups and runs by id, so
        // "run 10" follows "run 9".
        return node.kind == Kind::Group || node.kind == Kind::Run || node.kind == Kind::PendingRun
                   ? QVariant(node.id)
                   : QVariant(node.text[NameColumn].toLower());
    case AccuracyColumn:
        return node.accuracySortKey;
    case StartedColumn:
        return node.startedSortKey;
    default:
        return node.text[static_cast<size_t>(column)].toLower();
    }
}

QString RunBrowserModel::filterText(const Node& node) const
{
    QStringList parts(node.text.begin(), node.text.end());
    if (node.kind == Kind::Run) {
        const store::RunRow& run = m_data.runs[node.dataIndex];
        parts << fromStd(run.uid) << fromStd(run.label) << fromStd(run.source) << fromStd(run.notes);
        if (run.hidden)
            parts << QStringLiteral("hidden");
    } else if (node.kind == Kind::Model) {
        parts << fromStd(m_data.models[node.dataIndex].path);
    } else if (node.kind == Kind::Task) {
        parts << fromStd(m_data.tasks[node.dataIndex].path);
    } else if (node.kind == Kind::Job || node.kind == Kind::PendingRun) {
        parts << jobFilterText(node);
    }
    return parts.join(QLatin1Char('\n')).toLower();
}

QString RunBrowserModel::toolTip(const Node& node) const
{
    switch (node.kind) {
    case Kind::Model: {
        const store::ModelRow& model = m_data.models[node.dataIndex];
        return QStringLiteral("Model %1 (%2)\n%3")
            .arg(fromStd(model.label), fromStd(model.kind),
                 model.path.empty() ? QStringLiteral("imported: no model file") : fromStd(model.path));
    }
    case Kind::Task: {
        const store::TaskRow& task = m_data.tasks[node.dataIndex];
        return QStringLiteral("Task %1 (%2, %3 items)\n%4")
            .arg(fromStd(task.label), fromStd(task.kind))
            .arg(task.nItems)
            .arg(task.path.empty() ? QStringLiteral("imported: no data file") : fromStd(task.path));
    }
    case Kind::Group: {
        const BrowserGroup& group = m_data.groups[node.dataIndex];
        QString text = node.text[NameColumn] + QLatin1Char('\n');
        if (!group.meanPoints)
            return text + QStringLiteral("No completed run counts yet.");
        text += QStringLiteral("Mean %1 points").arg(points(*group.meanPoints));
        if (group.sdPoints)
            text += QStringLiteral(", sd %1").arg(points(*group.sdPoints));
        return text + QStringLiteral(" over %1 counted runs (completed, reproductions excluded)")
                          .arg(group.countedRuns);
    }
    case Kind::Run: {
        const store::RunRow& run = m_data.runs[node.dataIndex];
        QString text = QStringLiteral("Run %1 (uid %2), seed %3: %4")
                           .arg(run.id)
                           .arg(fromStd(run.uid.substr(0, 8)))
                           .arg(run.seed)
                           .arg(runStatusInWords(run.status));
        if (run.accuracy)
            text += QStringLiteral("\nAccuracy %1 points (%2 of %3 items)")
                        .arg(points(*run.accuracy * 100.0))
                        .arg(run.nCorrect)
                        .arg(run.nItems);
        if (run.reproduces)
            text += QStringLiteral("\nReproduces run %1; not counted in the group's statistics")
                        .arg(*run.reproduces);
        if (run.sourceKind() != store::RunSource::Engine)
            text += QStringLiteral("\nSource: ") + fromStd(run.source);
        if (run.hidden)
            text += QStringLiteral("\nHidden from the browser and charts; the statistics still count it");
        if (!run.notes.empty())
            text += QStringLiteral("\nNotes: ") + fromStd(run.notes);
        return text;
    }
    case Kind::Job:
    case Kind::PendingRun:
        return jobToolTip(node);
    }
    return {};
}

QVariant RunBrowserModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= NUM_COLUMNS)
        return {};
    if (role == Qt::DisplayRole) {
        static const std::array<const char*, NUM_COLUMNS> names = {"Name", "Accuracy", "Status",
                                                                   "Tags", "Notes",    "Started"};
        return QString::fromLatin1(names[static_cast<size_t>(section)]);
    }
    if (role == Qt::ToolTipRole && section == AccuracyColumn)
        return QStringLiteral("Accuracy in percentage points; a group shows the mean of its counted runs");
    return {};
}

Qt::ItemFlags RunBrowserModel::flags(const QModelIndex& index) const
{
    const Node* node = nodeOf(index);
    if (!node)
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (node->kind == Kind::Run && (index.column() == TagsColumn || index.column() == NotesColumn))
        flags |= Qt::ItemIsEditable;
    if (node->children.empty())
        flags |= Qt::ItemNeverHasChildren;
    return flags;
}

bool RunBrowserModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    const Node* found = nodeOf(index);
    if (!found || role != Qt::EditRole || !(flags(index) & Qt::ItemIsEditable))
        return false;
    Node& node = m_nodes[static_cast<size_t>(index.internalId())];
    store::RunRow& run = m_data.runs[node.dataIndex];
    const QString text = value.toString().trimmed();
    std::string& field = index.column() == TagsColumn ? run.tags : run.notes;
    if (field == text.toStdString())
        return true;
    field = text.toStdString();
    fillRunTexts(node);
    // The tooltip of the name column shows the notes too.
    Q_EMIT dataChanged(index.siblingAtColumn(0), index.siblingAtColumn(NUM_COLUMNS - 1));
    if (index.column() == TagsColumn)
        Q_EMIT runTagsEdited(node.id, text);
    else
        Q_EMIT runNotesEdited(node.id, text);
    return true;
}

QModelIndex RunBrowserModel::indexForRun(qint64 runId) const
{
    auto it = m_runNode.constFind(runId);
    if (it == m_runNode.constEnd())
        return {};
    return createIndex(m_nodes[static_cast<size_t>(*it)].row, 0, static_cast<quintptr>(*it));
}

QModelIndex RunBrowserModel::indexForGroup(qint64 groupId) const
{
    auto it = m_groupNode.constFind(groupId);
    if (it == m_groupNode.constEnd())
        return {};
    return createIndex(m_nodes[static_cast<size_t>(*it)].row, 0, static_cast<quintptr>(*it));
}

QModelIndex RunBrowserModel::indexForJob(qint64 jobId) const
{
    auto it = m_jobNode.constFind(jobId);
    if (it == m_jobNode.constEnd())
        return {};
    return createIndex(m_nodes[static_cast<size_t>(*it)].row, 0, static_cast<quintptr>(*it));
}

RunBrowserModel::Kind RunBrowserModel::kindOf(const QModelIndex& index)
{
    return static_cast<Kind>(index.data(KindRole).toInt());
}

QString RunBrowserModel::nodeKey(const QModelIndex& index)
{
    if (!index.isValid())
        return {};
    const qint64 id = index.data(IdRole).toLongLong();
    switch (kindOf(index)) {
    case Kind::Model:
        return QStringLiteral("model:%1").arg(id);
    case Kind::Task:
        return QStringLiteral("task:%1/%2").arg(index.data(ModelIdRole).toLongLong()).arg(id);
    case Kind::Group:
        return QStringLiteral("group:%1").arg(id);
    case Kind::Run:
        return QStringLiteral("run:%1").arg(id);
    case Kind::Job:
        return QStringLiteral("job:%1").arg(id);
    case Kind::PendingRun:
        return QStringLiteral("pending:%1/%2").arg(index.data(JobIdRole).toLongLong()).arg(id);
    }
    return {};
}

QModelIndex RunBrowserModel::indexForNodeKey(const QString& key) const
{
    const qsizetype colon = key.indexOf(QLatin1Char(':'));
    const QStringView kind = QStringView(key).left(colon);
    const QStringView rest = QStringView(key).mid(colon + 1);
    if (kind == u"run")
        return indexForRun(rest.toLongLong());
    if (kind == u"group")
        return indexForGroup(rest.toLongLong());
    if (kind == u"job")
        return indexForJob(rest.toLongLong());
    if (kind == u"pending") {
        const qsizetype slash = rest.indexOf(QLatin1Char('/'));
        const QModelIndex job = indexForJob(rest.left(slash).toLongLong());
        for (int row = 0; slash > 0 && row < rowCount(job); ++row) {
            const QModelIndex task = index(row, 0, job);
            if (task.data(IdRole).toLongLong() == rest.mid(slash + 1).toLongLong())
                return task;
        }
        return {};
    }
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    const qint64 modelId = (slash < 0 ? rest : rest.left(slash)).toLongLong();
    for (int top : m_topLevel) {
        const Node& modelNode = m_nodes[static_cast<size_t>(top)];
        if (modelNode.id != modelId)
            continue;
        if (kind == u"model")
            return createIndex(modelNode.row, 0, static_cast<quintptr>(top));
        const qint64 taskId = slash < 0 ? -1 : rest.mid(slash + 1).toLongLong();
        for (int child : modelNode.children) {
            if (kind == u"task" && m_nodes[static_cast<size_t>(child)].id == taskId)
                return createIndex(m_nodes[static_cast<size_t>(child)].row, 0, static_cast<quintptr>(child));
        }
    }
    return {};
}

} // namespace nf::ui
