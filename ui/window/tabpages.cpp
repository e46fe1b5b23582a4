#include "window/tabpages.h"

#include "models/browserdata.h"
#include "pages/comparepage.h"
#include "pages/distributionpage.h"
#include "pages/environmentpage.h"
#include "pages/historypage.h"
#include "pages/itemspage.h"
#include "window/selectionstate.h"

#include <algorithm>

namespace nf::ui {

TabPages::TabPages(SelectionState& selection, const BrowserData& data, QWidget* parent)
    : QTabWidget(parent), m_selection(selection), m_data(data), m_distribution(new DistributionPage(this)),
      m_history(new HistoryPage(this)), m_compare(new ComparePage(this)), m_items(new ItemsPage(this)),
      m_environment(new EnvironmentPage(this))
{
    setObjectName(QStringLiteral("tabs"));
    QWidget* const pages[] = {m_distribution, m_history, m_compare, m_items, m_environment};
    for (const TabInfo& info : kTabs)
        addTab(pages[tabIndex(info.tab)], QString::fromLatin1(info.title));
    connect(this, &QTabWidget::currentChanged, this, &TabPages::updatePage);
}

void TabPages::setStore(const store::Store* store, const QString& databasePath)
{
    m_store = store;
    m_compare->setStore(store);
    m_environment->setStore(store);
    m_items->setDatabasePath(databasePath);
}

void TabPages::showSelection()
{
    m_analyses.clear();
    for (const qint64 id : m_selection.groups()) {
        try {
            m_analyses.push_back(analyzeGroup(*m_store, id));
            auto& runs = m_analyses.back().runs;
            runs.erase(std::remove_if(runs.begin(), runs.end(), [](const store::RunRow& r) { return r.hidden; }),
                       runs.end());
        } catch (const std::exception&) {
            // Deleted meanwhile: the next refresh drops it from the selection.
        }
    }
    updatePage(currentIndex());
}

void TabPages::showTab(Tab tab)
{
    setCurrentIndex(tabIndex(tab));
}

void TabPages::updatePage(int index)
{
    if (index < 0 || index >= static_cast<int>(kTabs.size()) || !m_store)
        return;
    const Tab tab = kTabs[index].tab;
    if (!m_selection.isStale(tab))
        return;
    m_selection.markShown(tab);
    switch (tab) {
    case Tab::Distribution:
        m_distribution->setGroups(m_analyses);
        m_distribution->setHighlightedRun(m_selection.highlightedRun());
        break;
    case Tab::History:
        m_history->setGroups(m_analyses);
        m_history->setHighlightedRun(m_selection.highlightedRun());
        break;
    case Tab::Compare:
        if (m_selection.takeCompareListStale()) {
            std::vector<store::GroupRow> groups;
            for (const auto& group : m_data.groups)
                groups.push_back(group.row);
            // Compared here only when the selection (and so the pair) stays as it was.
            m_compare->setGroups(groups, !m_selection.comparePairChanged());
        }
        // The browser's selection picks A and B when it changes; a data refresh keeps the user's
        // own choice in the combo boxes and only recomputes.
        if (m_selection.comparePairChanged()) {
            const auto [a, b] = m_selection.comparePair(m_data);
            m_compare->setPair(a, b);
        }
        break;
    case Tab::Items:
        if (m_analyses.empty())
            m_items->setGroup(0, {});
        else
            m_items->setGroup(m_analyses.front().group.id, QString::fromStdString(m_analyses.front().title));
        break;
    case Tab::Environment: {
        std::vector<store::RunRow> runs;
        for (const qint64 id : m_selection.runs())
            if (const auto* run = m_data.findRun(id))
                runs.push_back(*run);
        if (runs.empty()) // no run picked: the latest runs of the selected groups
            for (const auto& analysis : m_analyses)
                for (auto it = analysis.runs.rbegin(); it != analysis.runs.rend() && runs.size() < 12; ++it)
                    runs.push_back(*it);
        m_environment->setRuns(runs);
        break;
    }
    }
}

ChartWidget* TabPages::currentChart() const
{
    switch (static_cast<Tab>(currentIndex())) {
    case Tab::History:
        return m_history->chartWidget();
    case Tab::Compare:
        return m_compare->chartWidget();
    default:
        return m_distribution->chartWidget();
    }
}

bool TabPages::busy() const
{
    return m_compare->busy() || m_items->busy();
}

} // namespace nf::ui
