#pragma once

#include "jobs/job.h"
#include "stats/compare.h"
#include "store/store.h"

#include <QPointer>
#include <QWidget>
#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QMessageBox;
class QPushButton;
QT_END_NAMESPACE

namespace nf::ui {

class ChartWidget;
class SubjectDeltaChart;

// Tab 3: group A (or the pinned baseline) against group B, three questions answered separately
// (DESIGN.md, "Two groups"): the badge that combines them, each question with its answer, the
// checks, and what would settle the question left open. The test itself (with its 10,000
// bootstrap resamples) runs on a pool thread; a result for a pair the user has since changed is
// dropped. "Run N more repeats" asks, after a confirmation that states the cost, through
// moreRepeatsRequested for exactly the repeats the comparison says would settle it.
class ComparePage : public QWidget
{
    Q_OBJECT
public:
    explicit ComparePage(QWidget* parent = nullptr);
    ~ComparePage() override;

    // The GUI thread's store, read for the groups' aggregates and the task's settings (the
    // statistics run elsewhere). Setting it again rereads the difference that matters.
    void setStore(const store::Store* store);
    // The groups offered as A and B; keeps the current choice when it is still there. Compares
    // the pair shown unless `compareNow` is false (a setPair follows).
    void setGroups(const std::vector<store::GroupRow>& groups, bool compareNow = true);
    // Chooses A and B (A = 0: the pinned baseline of B's task; B = 0: none, which shows the
    // prompt to pick two groups) and compares them.
    void setPair(qint64 groupA, qint64 groupB);
    void recompute();

    bool busy() const;
    // The groups of the comparison shown (A is the pinned run's group for a pinned run).
    qint64 groupA() const { return m_resultA; }
    qint64 groupB() const { return m_resultB; }
    // The task of the pair chosen (0: none): whose difference that matters the spin box shows.
    qint64 taskId() const { return m_deltaTask; }
    const std::optional<stats::Comparison>& comparison() const { return m_result; }
    QString verdictText() const;
    // True while the page asks for two groups instead of showing a comparison.
    bool promptShown() const;
    // The comparison as a Markdown report, with `imageFile` (a path relative to the report) as
    // its chart. Empty when there is no comparison.
    QString markdownReport(const QString& imageFile) const;
    ChartWidget* chartWidget() const;

Q_SIGNALS:
    void moreRepeatsRequested(qint64 groupA, qint64 groupB, int moreA, int moreB);
    // The user set the difference that matters for a task (points); the owner of a writable
    // store keeps it there. The page recomputes with it either way.
    void differenceThatMattersChanged(qint64 taskId, double points);
    void comparisonFinished();

protected:
    void changeEvent(QEvent* event) override;

private:
    void showComparison(stats::Comparison comparison);
    void clearResult(const QString& message);
    void showPrompt(); // the prompt with m_promptMessage, in the palette's colours
    void showComputing();
    void showStoredDelta();
    void onDeltaEdited(double points);
    void updateMoreButton();
    void askForMoreRepeats();

    const store::Store* m_store = nullptr;
    std::vector<store::GroupRow> m_groups;
    QComboBox* m_a;
    QComboBox* m_b;
    QDoubleSpinBox* m_delta;
    QLabel* m_prompt;
    QWidget* m_resultPanel;
    QLabel* m_badge;
    QLabel* m_beyondNoise;
    QLabel* m_matters;
    QLabel* m_newQuestions;
    QLabel* m_checks;
    QLabel* m_settle;
    QLabel* m_details;
    QLabel* m_environment;
    QPushButton* m_more;
    QPushButton* m_swap;
    SubjectDeltaChart* m_subjects;
    QPointer<QMessageBox> m_moreBox; // the confirmation or refusal open, if any
    QPair<qint64, qint64> m_moreBoxPair; // the choices of A and B it was opened for
    Job<stats::Comparison> m_job; // a new pair supersedes the comparison of the one before
    std::optional<stats::Comparison> m_result;
    QString m_labelA;
    QString m_labelB;
    qint64 m_resultA = 0;
    qint64 m_resultB = 0;
    qint64 m_deltaTask = 0;     // the task whose difference that matters m_delta shows
    bool m_deltaEdited = false; // m_delta holds the user's value for m_deltaTask, not the stored one
    bool m_pinnedRunA = false;  // A is a single pinned run (m_resultA is its group)
    std::vector<std::pair<std::string, std::string>> m_environmentLines;
    QString m_promptMessage; // why there is no comparison, under the prompt
};

} // namespace nf::ui
