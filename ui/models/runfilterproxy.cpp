#include "models/runfilterproxy.h"

#include "models/runbrowsermodel.h"

namespace nf::ui {

RunFilterProxy::RunFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setSortRole(RunBrowserModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void RunFilterProxy::setFilterText(const QString& text)
{
    const QString lowered = text.trimmed().toLower();
    if (lowered == m_text)
        return;
    m_text = lowered;
    invalidateRowsFilter();
}

void RunFilterProxy::setShowHidden(bool show)
{
    if (show == m_showHidden)
        return;
    m_showHidden = show;
    invalidateRowsFilter();
}

bool RunFilterProxy::matchesText(const QModelIndex& sourceIndex) const
{
    return sourceIndex.data(RunBrowserModel::FilterTextRole).toString().contains(m_text);
}

bool RunFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_showHidden && index.data(RunBrowserModel::HiddenRole).toBool())
        return false;
    if (m_text.isEmpty())
        return true;
    // Recursive filtering keeps the ancestors of a match; keeping the descendants of a match
    // (the runs of a group found by its description) is done here.
    for (QModelIndex row = index; row.isValid(); row = row.parent()) {
        if (matchesText(row))
            return true;
    }
    return false;
}

} // namespace nf::ui
