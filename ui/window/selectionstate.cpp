#include "window/selectionstate.h"

#include "models/browserdata.h"

namespace nf::ui {

void SelectionState::select(const QList<qint64>& groups, const QList<qint64>& runs)
{
    QList<qint64> unique;
    for (const qint64 id : groups)
        if (!unique.contains(id))
            unique << id;
    m_runs = runs;
    if (!(runs.size() == 1 && unique.size() == 1 && m_groups.contains(unique.front()))) {
        m_groups = unique;
        // Groups keep the order they were selected in (the view lists a selection in its own).
        m_order.removeIf([&unique](qint64 id) { return !unique.contains(id); });
        for (const qint64 id : std::as_const(unique))
            if (!m_order.contains(id))
                m_order << id;
    }
    m_highlightedRun = runs.size() == 1 ? runs.front() : 0;
    markAllStale();
}

void SelectionState::choose(const QList<qint64>& groups)
{
    m_groups = groups;
    m_order.clear();
    for (const qint64 id : groups)
        if (!m_order.contains(id))
            m_order << id;
    markAllStale();
}

void SelectionState::reload(const BrowserData& data, const QList<qint64>& runs)
{
    m_runs = runs;
    m_groups.removeIf([&data](qint64 id) { return !data.findGroup(id); });
    m_order.removeIf([&data](qint64 id) { return !data.findGroup(id); });
    m_compareListStale = true;
    markAllStale();
}

void SelectionState::runsDeleted()
{
    m_runs.clear();
    markAllStale();
}

void SelectionState::reset()
{
    m_groups.clear();
    m_runs.clear();
    m_order.clear();
    m_comparedOrder.clear();
    m_highlightedRun = 0;
    m_compareListStale = true;
    markAllStale();
}

QPair<qint64, qint64> SelectionState::comparePair(const BrowserData& data)
{
    m_comparedOrder = m_order;
    auto taskOf = [&data](qint64 group) {
        const auto* found = data.findGroup(group);
        return found ? found->row.taskId : int64_t(-1);
    };
    for (qsizetype later = m_order.size() - 1; later > 0; --later) {
        const int64_t task = taskOf(m_order[later]);
        for (qsizetype earlier = later - 1; earlier >= 0; --earlier)
            if (task >= 0 && taskOf(m_order[earlier]) == task)
                return {m_order[earlier], m_order[later]};
    }
    if (!m_order.isEmpty())
        return {0, m_order.back()};
    return {0, 0};
}

} // namespace nf::ui
