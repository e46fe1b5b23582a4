#pragma once

#include "groupanalysis.h"

#include <QWidget>
#include <vector>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QLabel;
QT_END_NAMESPACE

namespace nf::ui {

class ChartWidget;
class DistributionChart;

// Tab 1: every selected group's runs over its box plot or histogram, with the zones drawn around
// the reference (or, zoomed, every group's runs as deviations around 0), and each group's summary
// beneath.
class DistributionPage : public QWidget
{
    Q_OBJECT
public:
    explicit DistributionPage(QWidget* parent = nullptr);

    void setGroups(const std::vector<GroupAnalysis>& groups);
    void setHighlightedRun(qint64 runId);
    ChartWidget* chartWidget() const;
    DistributionChart* chart() const { return m_chart; }

Q_SIGNALS:
    void runClicked(qint64 runId);

protected:
    void changeEvent(QEvent* event) override;

private:
    void showSummaries();

    DistributionChart* m_chart;
    QComboBox* m_style;
    QCheckBox* m_zoom;
    QLabel* m_summary;
};

} // namespace nf::ui
