#pragma once

// The Items tab's table: one row per flip item of a group (FlipItemsData), and its proxy that
// filters by subject and text and sorts numerically.

#include "models/flipitemsdata.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QStringList>

namespace nf::ui {

class FlipItemsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns {
        ItemColumn,
        SubjectColumn,
        ReferenceColumn,
        CorrectRateColumn, // share of the runs that answered the item correctly, p_i
        RunsColumn,
        CorrectColumn,
        MajorityColumn,
        QuestionColumn, // multiple-choice tasks: the question's start; its whole text in the tooltip
        NUM_COLUMNS
    };
    enum Roles {
        SortRole = Qt::UserRole, // numbers for the numeric columns
        ItemIndexRole,           // qint64 item index
        SubjectRole,             // QString: the subject's display name
        FilterTextRole,          // lower-case text a filter matches
    };

    explicit FlipItemsModel(QObject* parent = nullptr);

    void setFlipItems(FlipItemsData data);
    const FlipItemsData& flipItems() const { return m_data; }
    // The subjects of the rows (display names), sorted, for a subject filter.
    QStringList subjects() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const FlipItem& item, int column) const;
    QVariant sortKey(const FlipItem& item, int column) const;
    QString questionToolTip(const FlipItem& item) const;

    FlipItemsData m_data;
};

class FlipItemsProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit FlipItemsProxy(QObject* parent = nullptr);

public Q_SLOTS:
    // Only items of this subject; empty for every subject.
    void setSubject(const QString& subject);
    // Case-insensitive text in any column (index, subject, reference, majority answer, question).
    void setFilterText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_subject;
    QString m_text; // lower case, trimmed
};

} // namespace nf::ui
