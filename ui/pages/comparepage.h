#pragma once

#include "stats/compare.h"
#include "store/store.h"

#include <QFutureWatcher>
#include <QWidget>

#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
QT_END_NAMESPACE

namespace nf::ui {

class ChartWidget;
class SubjectDeltaChart;

// Tab 3: group A (or the pinned baseline) against group B. The test itself (with its 10,000
// bootstrap resamples) runs on a pool thread; a result for a pair the user has since changed is
// dropped. "Run N more repeats" asks, through moreRepeatsRequested, for exactly the repeats the
// verdict says would settle the question.
class ComparePage : public QWidget
{
    Q_OBJECT
public:
    explicit ComparePage(QWidget* parent = nullptr);
    ~ComparePage() override;

    // The GUI thread's store, read for the groups' aggregates (the statistics run elsewhere).
    void setStore(const store::Store* store);
    // The groups offered as A and B; keeps the current choice when it is still there. Compares
    // the pair shown unless `compareNow` is false (a setPair follows).
    void setGroups(const std::vector<store::GroupRow>& groups, bool compareNow = true);
    // Chooses A and B (A = 0: the pinned baseline of B's task) and compares them.
    void setPair(qint64 groupA, qint64 groupB);
    void recompute();

    bool busy() const;
    // The groups of the comparison shown (A is the pinned run's group for a pinned run).
    qint64 groupA() const { return m_resultA; }
    qint64 groupB() const { return m_resultB; }
    const std::optional<stats::Comparison>& comparison() const { return m_result; }
    QString verdictText() const;
    // The comparison as a Markdown report, with `imageFile` (a path relative to the report) as
    // its chart. Empty when there is no comparison.
    QString markdownReport(const QString& imageFile) const;
    ChartWidget* chartWidget() const;

Q_SIGNALS:
    void moreRepeatsRequested(qint64 groupA, qint64 groupB, int moreA, int moreB);
    void comparisonFinished();

private:
    struct Outcome
    {
        std::optional<stats::Comparison> comparison;
        QString error;
    };
    void showOutcome(const Outcome& outcome);
    void clearResult(const QString& message);

    const store::Store* m_store = nullptr;
    std::vector<store::GroupRow> m_groups;
    QComboBox* m_a;
    QComboBox* m_b;
    QDoubleSpinBox* m_delta;
    QLabel* m_badge;
    QLabel* m_newQuestions;
    QLabel* m_details;
    QLabel* m_environment;
    QPushButton* m_more;
    QPushButton* m_swap;
    SubjectDeltaChart* m_subjects;
    QFutureWatcher<Outcome> m_watcher;
    int m_generation = 0;
    int m_pendingGeneration = 0;
    std::optional<stats::Comparison> m_result;
    QString m_labelA;
    QString m_labelB;
    qint64 m_resultA = 0;
    qint64 m_resultB = 0;
    bool m_pinnedRunA = false; // A is a single pinned run (m_resultA is its group)
    std::vector<std::pair<std::string, std::string>> m_environmentLines;
};

} // namespace nf::ui
