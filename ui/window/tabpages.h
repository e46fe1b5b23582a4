#pragma once

// The main window's right side: one page per tab, in the order of kTabs. After each transition of
// the window's SelectionState every tab is stale: showSelection() analyses the selected groups and
// brings the tab shown up to date, and another tab is brought up to date when the user opens it, so
// a hidden tab never computes.

#include "groupanalysis.h"
#include "window/tabs.h"

#include <QTabWidget>

#include <vector>

namespace nf::store {
class Store;
}

namespace nf::ui {

class ChartWidget;
class ComparePage;
class DistributionPage;
class EnvironmentPage;
class HistoryPage;
class ItemsPage;
class SelectionState;
struct BrowserData;

class TabPages : public QTabWidget
{
    Q_OBJECT
public:
    // `selection` is the window's; `data` is what the browser shows (its groups and runs).
    TabPages(SelectionState& selection, const BrowserData& data, QWidget* parent = nullptr);

    // The GUI thread's store, and the database's path for the pages' own jobs.
    void setStore(const store::Store* store, const QString& databasePath);
    void showSelection();
    void showTab(Tab tab);
    // The chart the tab shown exports (the Distribution tab's where a tab has none).
    ChartWidget* currentChart() const;
    // A comparison or the items table is still being computed.
    bool busy() const;

    DistributionPage* distribution() const { return m_distribution; }
    HistoryPage* history() const { return m_history; }
    ComparePage* compare() const { return m_compare; }
    ItemsPage* items() const { return m_items; }

private:
    void updatePage(int index);

    SelectionState& m_selection;
    const BrowserData& m_data;
    const store::Store* m_store = nullptr;
    std::vector<GroupAnalysis> m_analyses; // of the selected groups, hidden runs left out
    DistributionPage* m_distribution;
    HistoryPage* m_history;
    ComparePage* m_compare;
    ItemsPage* m_items;
    EnvironmentPage* m_environment;
};

} // namespace nf::ui
