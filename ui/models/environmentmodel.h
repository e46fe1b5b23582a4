#pragma once

// The Environment tab's table: the environment snapshots of the selected runs side by side, one
// row per key (the union, sorted; nested objects as dotted keys), one column per run, and the keys
// whose values differ between the runs flagged (DiffersRole) and shaded amber.

#include "store/store.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nf::ui {

struct RunEnvironment
{
    int64_t runId = 0;
    int64_t envId = 0; // 0: the run has no snapshot (some imports)
    std::string json;  // the snapshot's JSON object; empty without one
};

// The snapshots of these runs, in the order given; each distinct snapshot is read once. Unknown
// runs are skipped.
std::vector<RunEnvironment> loadEnvironments(const store::Store& store, const std::vector<int64_t>& runIds);

// A JSON object flattened to dotted keys; arrays as compact JSON; text that is not a JSON object
// comes back under the key "(snapshot)".
std::map<QString, QString> flattenEnvironment(const std::string& json);

class EnvironmentModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns { KeyColumn, FirstRunColumn }; // then one column per run
    enum Roles {
        DiffersRole = Qt::UserRole, // bool: the row's key has different values (or is missing) across runs
        RunIdRole,                  // qint64 on a run column's cells and header
    };
    static constexpr int kMaxRuns = 12;

    explicit EnvironmentModel(QObject* parent = nullptr);

    // Keeps the first kMaxRuns; omittedRuns() says how many more there were.
    void setEnvironments(const std::vector<RunEnvironment>& environments);
    void setOnlyDifferences(bool only);
    bool onlyDifferences() const { return m_onlyDifferences; }
    int omittedRuns() const { return m_omittedRuns; }
    int differingKeys() const;
    QList<qint64> runIds() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString key;
        QStringList values; // one per run; a null QString where the run's snapshot lacks the key
        bool differs = false;
    };
    struct Column
    {
        qint64 runId = 0;
        bool hasSnapshot = false;
    };

    void rebuildRows();

    std::vector<Column> m_columns;
    std::vector<Row> m_allRows;
    std::vector<const Row*> m_rows; // shown: all, or the differing ones
    bool m_onlyDifferences = false;
    int m_omittedRuns = 0;
};

} // namespace nf::ui
