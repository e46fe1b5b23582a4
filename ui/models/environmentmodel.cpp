#include "models/environmentmodel.h"

#include <QBrush>
#include <QColor>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPalette>
#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

namespace nf::ui {
namespace {

QString valueText(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double number = value.toDouble();
        // Whole numbers (core counts, memory in bytes) without an exponent.
        if (std::floor(number) == number && std::fabs(number) < 9.0e15)
            return QString::number(static_cast<qint64>(number));
        return QString::number(number, 'g', 15);
    }
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Null:
        return QStringLiteral("null");
    default:
        return {};
    }
}

void flatten(const QJsonObject& object, const QString& prefix, std::map<QString, QString>& out)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        if (it.value().isObject() && !it.value().toObject().isEmpty())
            flatten(it.value().toObject(), key, out);
        else if (it.value().isObject())
            out[key] = QStringLiteral("{}");
        else
            out[key] = valueText(it.value());
    }
}

// Amber over the palette's base colour: a light tint on a light palette, a dark one on a dark palette,
// the text colour readable on both.
QColor differsColor()
{
    const QColor base = QGuiApplication::palette().color(QPalette::Base);
    const QColor amber(255, 176, 0);
    const double share = base.lightness() < 128 ? 0.35 : 0.30;
    auto mix = [share](int a, int b) { return static_cast<int>(std::lround(a * (1.0 - share) + b * share)); };
    return QColor(mix(base.red(), amber.red()), mix(base.green(), amber.green()),
                  mix(base.blue(), amber.blue()));
}

} // namespace

std::vector<RunEnvironment> loadEnvironments(const store::Store& store, const std::vector<int64_t>& runIds)
{
    std::map<int64_t, std::string> snapshots;
    std::vector<RunEnvironment> environments;
    for (int64_t runId : runIds) {
        const std::optional<store::RunRow> run = store.run(runId);
        if (!run)
            continue;
        RunEnvironment environment;
        environment.runId = runId;
        environment.envId = run->envId;
        if (run->envId != 0) {
            auto it = snapshots.find(run->envId);
            if (it == snapshots.end())
                it = snapshots.emplace(run->envId, store.environmentJson(run->envId)).first;
            environment.json = it->second;
        }
        environments.push_back(std::move(environment));
    }
    return environments;
}

std::map<QString, QString> flattenEnvironment(const std::string& json)
{
    std::map<QString, QString> values;
    if (json.empty())
        return values;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(json));
    if (document.isObject())
        flatten(document.object(), {}, values);
    else
        values[QStringLiteral("(snapshot)")] = QString::fromStdString(json);
    return values;
}

EnvironmentModel::EnvironmentModel(QObject* parent) : QAbstractTableModel(parent) {}

void EnvironmentModel::setEnvironments(const std::vector<RunEnvironment>& environments)
{
    beginResetModel();
    const size_t shown = std::min(environments.size(), static_cast<size_t>(kMaxRuns));
    m_omittedRuns = static_cast<int>(environments.size() - shown);
    m_columns.clear();
    std::vector<std::map<QString, QString>> values;
    std::set<QString> keys;
    for (size_t i = 0; i < shown; ++i) {
        m_columns.push_back({environments[i].runId, !environments[i].json.empty()});
        values.push_back(flattenEnvironment(environments[i].json));
        for (const auto& entry : values.back())
            keys.insert(entry.first);
    }
    m_allRows.clear();
    m_allRows.reserve(keys.size());
    for (const QString& key : keys) {
        Row row;
        row.key = key;
        // Runs without a snapshot say nothing about a key, so they never make it differ.
        std::optional<QString> first;
        for (size_t c = 0; c < m_columns.size(); ++c) {
            auto it = values[c].find(key);
            row.values << (it == values[c].end() ? QString() : it->second);
            if (!m_columns[c].hasSnapshot)
                continue;
            if (!first)
                first = row.values.back();
            else if (row.values.back() != *first || row.values.back().isNull() != first->isNull())
                row.differs = true;
        }
        m_allRows.push_back(std::move(row));
    }
    rebuildRows();
    endResetModel();
}

void EnvironmentModel::setOnlyDifferences(bool only)
{
    if (only == m_onlyDifferences)
        return;
    beginResetModel();
    m_onlyDifferences = only;
    rebuildRows();
    endResetModel();
}

void EnvironmentModel::rebuildRows()
{
    m_rows.clear();
    for (const Row& row : m_allRows) {
        if (!m_onlyDifferences || row.differs)
            m_rows.push_back(&row);
    }
}

int EnvironmentModel::differingKeys() const
{
    return static_cast<int>(
        std::count_if(m_allRows.begin(), m_allRows.end(), [](const Row& row) { return row.differs; }));
}

QList<qint64> EnvironmentModel::runIds() const
{
    QList<qint64> ids;
    for (const Column& column : m_columns)
        ids << column.runId;
    return ids;
}

int EnvironmentModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int EnvironmentModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FirstRunColumn + static_cast<int>(m_columns.size());
}

QVariant EnvironmentModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = *m_rows[static_cast<size_t>(index.row())];
    const int run = index.column() - FirstRunColumn;
    switch (role) {
    case Qt::DisplayRole:
        if (run < 0)
            return row.key;
        if (!m_columns[static_cast<size_t>(run)].hasSnapshot)
            return QStringLiteral("—");
        return row.values[run].isNull() ? QStringLiteral("(absent)") : row.values[run];
    case Qt::ToolTipRole:
        if (run < 0)
            return row.differs ? row.key + QStringLiteral(": differs between the runs") : row.key;
        if (!m_columns[static_cast<size_t>(run)].hasSnapshot)
            return QStringLiteral("This run has no environment snapshot");
        return row.values[run].isNull() ? QStringLiteral("Not in this run's snapshot") : row.values[run];
    case Qt::BackgroundRole:
        return row.differs ? QVariant(QBrush(differsColor())) : QVariant();
    case DiffersRole:
        return row.differs;
    case RunIdRole:
        return run < 0 ? QVariant() : QVariant(m_columns[static_cast<size_t>(run)].runId);
    default:
        return {};
    }
}

QVariant EnvironmentModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return {};
    const int run = section - FirstRunColumn;
    if (role == Qt::DisplayRole) {
        if (run >= 0)
            return QStringLiteral("run %1").arg(m_columns[static_cast<size_t>(run)].runId);
        if (m_omittedRuns > 0)
            return QStringLiteral("Key (first %1 runs; %2 more not shown)").arg(kMaxRuns).arg(m_omittedRuns);
        return QStringLiteral("Key");
    }
    if (role == RunIdRole && run >= 0)
        return m_columns[static_cast<size_t>(run)].runId;
    if (role == Qt::ToolTipRole && run >= 0 && !m_columns[static_cast<size_t>(run)].hasSnapshot)
        return QStringLiteral("No environment snapshot was recorded for this run");
    return {};
}

} // namespace nf::ui
