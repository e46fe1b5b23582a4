#pragma once

#include "groupanalysis.h"

#include <QWidget>
#include <vector>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
QT_END_NAMESPACE

namespace nf::ui {

class ChartWidget;
class HistoryChart;

// Tab 2: accuracy against run order or run time (the user picks), the group means, zone bands, control-rule
// flags and the pinned baseline. Pinning is asked for through the chart's context menu.
class HistoryPage : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryPage(QWidget* parent = nullptr);

    void setGroups(const std::vector<GroupAnalysis>& groups);
    void setHighlightedRun(qint64 runId);
    ChartWidget* chartWidget() const;
    HistoryChart* chart() const { return m_chart; }

Q_SIGNALS:
    void runClicked(qint64 runId);
    void pinRunRequested(qint64 runId);
    void pinGroupRequested(qint64 groupId);
    void unpinRequested(qint64 taskId);

private:
    HistoryChart* m_chart;
    QComboBox* m_xAxis;
    QLabel* m_flags;
};

} // namespace nf::ui
