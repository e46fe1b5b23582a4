#pragma once

// What the main window shows, and which tabs are up to date with it: the one place the
// selection's state lives. It changes only through these transitions, and each marks every tab
// stale; a tab is brought up to date when it is shown (markShown), so a hidden tab never computes:
//
//   select(groups, runs)  the browser's selection changed: the groups of the rows selected (in the
//                         view's order) and the runs among them. A single run of a group already
//                         shown keeps the groups shown (a click on a chart's point).
//   choose(groups)        a caller chose the groups (--select, the groups an import or a demo
//                         filled), in its order: the first is A on the Compare tab.
//   reload(data, runs)    the store was read again: groups that are gone leave; `runs` are those
//                         still selected in the browser; the Compare tab rereads its list of groups.
//   runsDeleted()         the runs selected were deleted (a reload follows).
//   reset()               another database: nothing selected, nothing compared.
//
// The Compare tab takes its pair from the order in which the groups were selected (the two most
// recent on the same task, A the earlier), and only when that order has changed since it last did:
// a reload keeps the user's own choice in its boxes.

#include "window/tabs.h"

#include <QList>
#include <QPair>

#include <bitset>
#include <utility>

namespace nf::ui {

struct BrowserData;

class SelectionState
{
public:
    // The groups the pages show.
    const QList<qint64>& groups() const { return m_groups; }
    // The runs selected in the browser.
    const QList<qint64>& runs() const { return m_runs; }
    // The run the charts highlight: the one run selected, else 0.
    qint64 highlightedRun() const { return m_highlightedRun; }

    void select(const QList<qint64>& groups, const QList<qint64>& runs);
    void choose(const QList<qint64>& groups);
    void reload(const BrowserData& data, const QList<qint64>& runs);
    void runsDeleted();
    void reset();

    // True while `tab` does not show the current state; markShown once it does.
    bool isStale(Tab tab) const { return m_stale.test(tabIndex(tab)); }
    void markShown(Tab tab) { m_stale.reset(tabIndex(tab)); }

    // True once after each reload or reset: the Compare tab's list of groups must be reread.
    bool takeCompareListStale() { return std::exchange(m_compareListStale, false); }
    // The selection order changed since comparePair last took a pair from it.
    bool comparePairChanged() const { return m_comparedOrder != m_order; }
    // The Compare tab's pair: the two most recently selected groups on the same task (A the
    // earlier), else (0, the last selected) for its task's pinned baseline, else (0, 0).
    QPair<qint64, qint64> comparePair(const BrowserData& data);

private:
    void markAllStale() { m_stale.set(); }

    QList<qint64> m_groups;
    QList<qint64> m_runs;
    QList<qint64> m_order;         // the selected groups, the most recently selected last
    QList<qint64> m_comparedOrder; // m_order when the Compare tab's pair was last taken from it
    qint64 m_highlightedRun = 0;
    bool m_compareListStale = true;
    std::bitset<kTabs.size()> m_stale = std::bitset<kTabs.size()>().set();
};

} // namespace nf::ui
