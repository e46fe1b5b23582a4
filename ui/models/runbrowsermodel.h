#pragma once

// The run browser's tree: models -> tasks -> config groups -> runs, fed in bulk from BrowserData,
// and above them the cluster submissions whose runs are not all in: job -> one pending row per
// array task (its seeds and its state), which go as the task's shard is collected into runs.
// A refresh resets the model; ids are stable across refreshes, so the window keeps selection and
// expansion by node keys (nodeKey / indexForNodeKey, or saveTreeState / restoreTreeState in
// treestate.h). Tags and notes of runs are editable here; the model only updates its own copy and
// emits runTagsEdited / runNotesEdited for the window to write to the store.

#include "models/browserdata.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QString>
#include <array>
#include <vector>

namespace nf::ui {

class RunBrowserModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Columns {
        NameColumn,
        AccuracyColumn,
        StatusColumn,
        TagsColumn,
        NotesColumn,
        StartedColumn,
        NUM_COLUMNS
    };
    enum Roles {
        KindRole = Qt::UserRole, // int(Kind)
        IdRole,                  // qint64 id of the row's own thing (model, task, group or run)
        ModelIdRole,             // qint64, on every row
        TaskIdRole,              // qint64, on task, group and run rows
        GroupIdRole,             // qint64, on group and run rows
        RunIdRole,               // qint64, on run rows
        StatusRole,              // QString store status ("completed", ...), on run rows
        HiddenRole,              // bool, on run rows
        SortRole,                // raw value to sort by: numbers for accuracy and ids, ISO text for times
        FilterTextRole,          // lower-case text a filter matches: every column plus ids and uid
        JobIdRole,               // qint64 id of the cluster submission, on job and pending rows
    };
    enum class Kind { Model, Task, Group, Run, Job, PendingRun };
    Q_ENUM(Kind)

    explicit RunBrowserModel(QObject* parent = nullptr);
    ~RunBrowserModel() override;

    void setBrowserData(BrowserData data);
    const BrowserData& browserData() const { return m_data; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    // Column 0 index of that run, group or cluster job, invalid when it is not in the model.
    QModelIndex indexForRun(qint64 runId) const;
    QModelIndex indexForGroup(qint64 groupId) const;
    QModelIndex indexForJob(qint64 jobId) const;

    // A key naming a row across refreshes ("model:1", "task:1/2", "group:5", "run:12", "job:3",
    // "pending:3/0": job 3's array task 0). Reads the roles only, so it works on a proxy's index
    // too; empty for an invalid index.
    static QString nodeKey(const QModelIndex& index);
    QModelIndex indexForNodeKey(const QString& key) const;

    static Kind kindOf(const QModelIndex& index);

Q_SIGNALS:
    void runTagsEdited(qint64 runId, const QString& tags);
    void runNotesEdited(qint64 runId, const QString& notes);

private:
    struct Node
    {
        Kind kind = Kind::Model;
        int parent = -1; // index into m_nodes
        int row = 0;     // row under the parent
        std::vector<int> children;
        qint64 id = 0;
        qint64 modelId = 0;
        qint64 taskId = 0;
        qint64 groupId = 0;
        size_t dataIndex = 0; // into m_data's vector of the node's kind
        size_t taskIndex = 0; // a pending row's task in its job's status
        std::array<QString, NUM_COLUMNS> text;
        QVariant accuracySortKey;
        QString startedSortKey; // ISO-8601 UTC; a group's is its latest run's
    };

    void buildNodes();
    int addNode(Node node, int parent);
    // The cluster submissions' rows (runbrowsermodel_jobs.cpp).
    void buildJobNodes();
    QString jobToolTip(const Node& node) const;
    QString jobFilterText(const Node& node) const;
    const Node* nodeOf(const QModelIndex& index) const;
    QVariant sortKey(const Node& node, int column) const;
    QString filterText(const Node& node) const;
    QString toolTip(const Node& node) const;
    void fillRunTexts(Node& node) const;

    BrowserData m_data;
    std::vector<Node> m_nodes;
    std::vector<int> m_topLevel;
    QHash<qint64, int> m_runNode;
    QHash<qint64, int> m_groupNode;
    QHash<qint64, int> m_jobNode;
};

} // namespace nf::ui
