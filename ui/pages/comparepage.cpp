#include "pages/comparepage.h"

#include "analysis/describe_params.h"
#include "analysis/group_data.h"
#include "analysis/settings.h"
#include "analysis/verdict.h"
#include "charts/subjectdeltachart.h"
#include "pages/summarytext.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QtConcurrent/QtConcurrentRun>

namespace nf::ui {
namespace {

QString groupText(const store::GroupRow& group)
{
    return QStringLiteral("group %1 · %2 · %3")
        .arg(group.id)
        .arg(QString::fromStdString(group.modelLabel), QString::fromStdString(analysis::describeParams(group.paramsJson)));
}

QString badgeStyle(stats::Verdict verdict)
{
    const char* color = "#6b7280";
    switch (verdict) {
    case stats::Verdict::Improvement:
        color = "#2e9d4f";
        break;
    case stats::Verdict::Regression:
        color = "#d62a2a";
        break;
    case stats::Verdict::WithinNoise:
        color = "#4b6b8a";
        break;
    case stats::Verdict::Inconclusive:
        color = "#c27c0e";
        break;
    }
    return QStringLiteral("QLabel { background: %1; color: white; border-radius: 6px; padding: 6px 12px; "
                          "font-weight: bold; font-size: 13pt; }")
        .arg(QLatin1String(color));
}

} // namespace

ComparePage::ComparePage(QWidget* parent)
    : QWidget(parent), m_a(new QComboBox(this)), m_b(new QComboBox(this)), m_delta(new QDoubleSpinBox(this)),
      m_badge(new QLabel(this)), m_newQuestions(new QLabel(this)), m_details(new QLabel(this)),
      m_environment(new QLabel(this)), m_more(new QPushButton(this)),
      m_swap(new QPushButton(QStringLiteral("⇄ Swap"), this)), m_subjects(new SubjectDeltaChart(this))
{
    setObjectName(QStringLiteral("comparePage"));
    m_a->setObjectName(QStringLiteral("compareA"));
    m_b->setObjectName(QStringLiteral("compareB"));
    m_delta->setObjectName(QStringLiteral("compareDelta"));
    m_badge->setObjectName(QStringLiteral("verdictBadge"));
    m_newQuestions->setObjectName(QStringLiteral("newQuestions"));
    m_details->setObjectName(QStringLiteral("compareDetails"));
    m_environment->setObjectName(QStringLiteral("environmentWarning"));
    m_more->setObjectName(QStringLiteral("moreRepeatsButton"));
    m_subjects->setObjectName(QStringLiteral("subjectDeltaChart"));
    m_a->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_b->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_a->setMinimumContentsLength(30);
    m_b->setMinimumContentsLength(30);

    m_delta->setRange(0.05, 50.0);
    m_delta->setDecimals(2);
    m_delta->setSingleStep(0.25);
    m_delta->setValue(1.0);
    m_delta->setSuffix(QStringLiteral(" points"));
    m_delta->setToolTip(QStringLiteral("The difference you care about: the repeats needed are sized to detect it"));

    m_badge->setText(QStringLiteral("no comparison"));
    m_badge->setStyleSheet(badgeStyle(stats::Verdict::Inconclusive));
    m_newQuestions->setWordWrap(true);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_environment->setWordWrap(true);
    m_environment->setStyleSheet(QStringLiteral("QLabel { color: #b45309; }"));
    m_environment->hide();
    m_more->hide();

    auto* pick = new QGridLayout;
    pick->addWidget(new QLabel(QStringLiteral("A (baseline)"), this), 0, 0);
    pick->addWidget(m_a, 0, 1);
    pick->addWidget(m_swap, 0, 2, 2, 1);
    pick->addWidget(new QLabel(QStringLiteral("B (candidate)"), this), 1, 0);
    pick->addWidget(m_b, 1, 1);
    pick->addWidget(new QLabel(QStringLiteral("Difference that matters"), this), 0, 3);
    pick->addWidget(m_delta, 1, 3);
    pick->setColumnStretch(1, 1);

    auto* verdictRow = new QHBoxLayout;
    verdictRow->addWidget(m_badge);
    verdictRow->addWidget(m_newQuestions, 1);
    verdictRow->addWidget(m_more);

    auto* detailsScroll = new QScrollArea(this);
    detailsScroll->setWidget(m_details);
    detailsScroll->setWidgetResizable(true);
    detailsScroll->setFrameShape(QFrame::NoFrame);

    auto* body = new QHBoxLayout;
    body->addWidget(detailsScroll, 1);
    body->addWidget(m_subjects, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(pick);
    layout->addLayout(verdictRow);
    layout->addWidget(m_environment);
    layout->addLayout(body, 1);

    connect(m_a, &QComboBox::currentIndexChanged, this, &ComparePage::recompute);
    connect(m_b, &QComboBox::currentIndexChanged, this, &ComparePage::recompute);
    connect(m_delta, &QDoubleSpinBox::editingFinished, this, &ComparePage::recompute);
    connect(m_swap, &QPushButton::clicked, this, [this] {
        const qint64 a = m_a->currentData().toLongLong();
        const qint64 b = m_b->currentData().toLongLong();
        if (a > 0 && b > 0)
            setPair(b, a);
    });
    connect(m_more, &QPushButton::clicked, this, [this] {
        if (!m_result)
            return;
        if (const auto more = analysis::moreRepeatsNeeded(*m_result))
            Q_EMIT moreRepeatsRequested(m_resultA, m_resultB, m_pinnedRunA ? 0 : static_cast<int>(more->a),
                                        static_cast<int>(more->b));
    });
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, [this] {
        if (m_pendingGeneration == m_generation)
            showOutcome(m_watcher.result());
    });
}

ComparePage::~ComparePage()
{
    m_watcher.waitForFinished();
}

void ComparePage::setStore(const store::Store* store)
{
    m_store = store;
    if (m_store)
        m_delta->setValue(analysis::zoneThresholds(*m_store).watch);
}

void ComparePage::setGroups(const std::vector<store::GroupRow>& groups, bool compareNow)
{
    const qint64 a = m_a->currentData().toLongLong();
    const qint64 b = m_b->currentData().toLongLong();
    const bool aChosen = m_a->currentIndex() >= 0;
    m_groups = groups;
    {
        const QSignalBlocker blockA(m_a);
        const QSignalBlocker blockB(m_b);
        m_a->clear();
        m_b->clear();
        m_a->addItem(QStringLiteral("Pinned baseline of B's task"), qint64(0));
        for (const auto& group : m_groups) {
            m_a->addItem(groupText(group), qint64(group.id));
            m_b->addItem(groupText(group), qint64(group.id));
        }
        const int indexA = aChosen ? m_a->findData(a) : -1;
        m_a->setCurrentIndex(indexA >= 0 ? indexA : (m_groups.size() > 1 ? 1 : 0));
        const int indexB = m_b->findData(b);
        m_b->setCurrentIndex(indexB >= 0 ? indexB : static_cast<int>(m_groups.size()) - 1);
    }
    if (compareNow)
        recompute();
}

void ComparePage::setPair(qint64 groupA, qint64 groupB)
{
    {
        const QSignalBlocker blockA(m_a);
        const QSignalBlocker blockB(m_b);
        m_a->setCurrentIndex(std::max(0, m_a->findData(groupA)));
        m_b->setCurrentIndex(m_b->findData(groupB));
    }
    recompute();
}

bool ComparePage::busy() const
{
    return m_watcher.isRunning();
}

void ComparePage::recompute()
{
    ++m_generation;
    // Nothing of the previous pair may be acted on while this one computes.
    m_result.reset();
    m_more->hide();
    const qint64 b = m_b->currentData().toLongLong();
    if (!m_store || b <= 0) {
        clearResult(QStringLiteral("Choose two config groups on the same task."));
        return;
    }
    try {
        const auto groupB = m_store->group(b);
        if (!groupB)
            return clearResult(QStringLiteral("Group %1 is no longer in the database.").arg(b));
        stats::GroupData dataA;
        m_pinnedRunA = false;
        qint64 groupA = m_a->currentData().toLongLong();
        QString labelA = m_a->currentText();
        if (groupA == 0) {
            const auto pin = analysis::pinForTask(*m_store, groupB->taskId);
            if (!pin)
                return clearResult(QStringLiteral("No baseline is pinned for this task: pin a run or a group "
                                                  "from the History tab or the browser's context menu."));
            if (pin->kind == analysis::Pin::Kind::Run) {
                dataA = analysis::loadRunData(*m_store, pin->id);
                groupA = m_store->run(pin->id)->configId;
                m_pinnedRunA = true; // more runs of its group would not change a pinned run
            } else {
                dataA = analysis::loadGroupData(*m_store, pin->id);
                groupA = pin->id;
            }
            labelA = QStringLiteral("pinned ") + QString::fromStdString(pin->label());
        } else {
            dataA = analysis::loadGroupData(*m_store, groupA);
        }
        if (groupA == b && !m_pinnedRunA)
            return clearResult(QStringLiteral("A and B are the same group: choose another for one of them."));
        auto dataB = analysis::loadGroupData(*m_store, b);
        stats::CompareOptions options;
        options.thresholds = analysis::zoneThresholds(*m_store);
        options.deltaUserPoints = m_delta->value();

        m_environmentLines.clear();
        for (const auto& difference : analysis::environmentDifferences(*m_store, groupA, b))
            m_environmentLines.emplace_back(difference.key, "A " + difference.valuesA + "; B " + difference.valuesB);
        m_labelA = labelA;
        m_labelB = m_b->currentText();
        m_resultA = groupA;
        m_resultB = b;
        m_pendingGeneration = m_generation;
        m_badge->setText(QStringLiteral("comparing…"));
        m_watcher.setFuture(QtConcurrent::run([a = std::move(dataA), b = std::move(dataB), options]() -> Outcome {
            try {
                return {stats::compare(a, b, options), {}};
            } catch (const std::exception& e) {
                return {std::nullopt, QString::fromUtf8(e.what())};
            }
        }));
    } catch (const std::exception& e) {
        clearResult(QString::fromUtf8(e.what()));
    }
}

void ComparePage::clearResult(const QString& message)
{
    m_result.reset();
    m_badge->setText(QStringLiteral("no comparison"));
    m_badge->setStyleSheet(badgeStyle(stats::Verdict::Inconclusive));
    m_newQuestions->setText(message);
    m_details->clear();
    m_environment->hide();
    m_more->hide();
    m_subjects->setDeltas({});
    Q_EMIT comparisonFinished();
}

void ComparePage::showOutcome(const Outcome& outcome)
{
    if (!outcome.comparison) {
        clearResult(outcome.error);
        return;
    }
    m_result = outcome.comparison;
    const auto& c = *m_result;
    m_badge->setText(QString::fromStdString(analysis::verdictBadge(c)));
    m_badge->setStyleSheet(badgeStyle(c.verdict));
    m_badge->setToolTip(QString::fromStdString(analysis::verdictWords(c)));
    m_newQuestions->setText(QStringLiteral("<b>On new questions:</b> ") +
                            QString::fromStdString(c.newQuestions).toHtmlEscaped());

    QString html = QStringLiteral("<p><b>A</b> %1: %2 runs, mean %3, sd %4<br><b>B</b> %5: %6 runs, mean %7, sd %8</p>")
                       .arg(m_labelA.toHtmlEscaped())
                       .arg(c.runsA)
                       .arg(points(c.meanA), c.sdA ? points(*c.sdA) : QStringLiteral("–"), m_labelB.toHtmlEscaped())
                       .arg(c.runsB)
                       .arg(points(c.meanB), c.sdB ? points(*c.sdB) : QStringLiteral("–"));
    html += QStringLiteral("<p><b>Δ B − A = %1 points</b></p>").arg(signedPoints(c.delta));
    html += QStringLiteral("<p><b>Beyond run-to-run noise on this item set?</b><br>%1: 95% CI %2, t %3, df %4, "
                           "p %5<br>minimum detectable difference %6 points (α 0.05, power 0.8)<br>%7</p>")
                .arg(QString::fromLatin1(stats::runTestMethodName(c.runTest.method)), intervalPoints(c.runTest.ci95),
                     optionalNumber(c.runTest.t, 3), optionalNumber(c.runTest.df, 1), pValueText(c.runTest.p).toHtmlEscaped(),
                     c.mde ? points(*c.mde) : QStringLiteral("–"),
                     QString::fromStdString(analysis::verdictWords(c)).toHtmlEscaped());
    html += QStringLiteral("<p><b>Would it hold on new questions?</b><br>paired over %1 items: 95% CI %2, z %3, "
                           "p %4, item correlation %5<br>McNemar on majority answers: b %6, c %7 (%8), p %9<br>"
                           "paired bootstrap (%10 resamples): 95% CI %11</p>")
                .arg(c.paired.nItems)
                .arg(intervalPoints(c.paired.ci95), optionalNumber(c.paired.z, 3), pValueText(c.paired.p).toHtmlEscaped(),
                     optionalNumber(c.paired.correlation, 3))
                .arg(c.mcnemar.b)
                .arg(c.mcnemar.c)
                .arg(c.mcnemar.exact ? QStringLiteral("exact binomial") : QStringLiteral("χ², continuity corrected"),
                     pValueText(c.mcnemar.p).toHtmlEscaped())
                .arg(c.bootstrap.resamples)
                .arg(intervalPoints(c.bootstrap.ci95));
    for (const auto& note : c.notes)
        html += QStringLiteral("<p><i>note: %1</i></p>").arg(QString::fromStdString(note).toHtmlEscaped());
    m_details->setText(html);

    if (m_environmentLines.empty()) {
        m_environment->hide();
    } else {
        QStringList lines;
        for (const auto& [key, values] : m_environmentLines)
            lines << QString::fromStdString(key) + QStringLiteral(": ") + QString::fromStdString(values);
        m_environment->setText(QStringLiteral("⚠ The groups ran in different environments — part of the "
                                              "difference may come from them:\n") +
                               lines.join(u'\n'));
        m_environment->show();
    }

    // Imported runs have no model file here to run again: no button that can only say so.
    auto imported = [this](qint64 group) {
        const auto row = m_store ? m_store->group(group) : std::nullopt;
        return row && m_store->model(row->modelId).kind == "imported";
    };
    auto more = analysis::moreRepeatsNeeded(c);
    if (more && m_pinnedRunA)
        more->a = 0; // a pinned run is one run: repeats of its group would not move it
    const bool runnable = more && !(more->a > 0 && imported(m_resultA)) && !(more->b > 0 && imported(m_resultB));
    if (runnable && (more->b > 0 || !m_pinnedRunA)) {
        m_more->setText(QStringLiteral("Run %1 more repeats").arg(more->total()));
        m_more->setToolTip(QStringLiteral("%1 more on A and %2 more on B, with the same configs and new seeds")
                               .arg(more->a)
                               .arg(more->b));
        m_more->show();
    } else {
        m_more->hide();
    }
    m_subjects->setDeltas(c.subjects);
    Q_EMIT comparisonFinished();
}

QString ComparePage::verdictText() const
{
    return m_badge->text();
}

ChartWidget* ComparePage::chartWidget() const
{
    return m_subjects;
}

} // namespace nf::ui
