#pragma once

// The run browser's filter and sort: a text matched case-insensitively against everything a row
// shows (labels, group description, run id, seed, status, tags, notes, uid); a row is kept when it
// matches, when an ancestor matches (typing a group's description keeps its runs) or when a
// descendant does (parents of a matching run stay). Hidden runs are left out unless shown.

#include <QSortFilterProxyModel>

namespace nf::ui {

class RunFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit RunFilterProxy(QObject* parent = nullptr);

    QString filterText() const { return m_text; }
    bool showHidden() const { return m_showHidden; }

public Q_SLOTS:
    void setFilterText(const QString& text);
    void setShowHidden(bool show);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool matchesText(const QModelIndex& sourceIndex) const;

    QString m_text; // lower case, trimmed
    bool m_showHidden = false;
};

} // namespace nf::ui
