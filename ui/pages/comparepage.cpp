#include "pages/comparepage.h"

#include "workspace/describe_params.h"
#include "workspace/comparison.h"
#include "workspace/group_data.h"
#include "workspace/settings.h"
#include "workspace/verdict.h"
#include "charts/subjectdeltachart.h"
#include "dialogs/settingsdialog.h"
#include "pages/comparetext.h"
#include "zonetext.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>

namespace nf::ui {
namespace {

const QString kPrompt =
    QStringLiteral("Select two groups on the same task in the browser, or pick them above.");

QString groupText(const store::GroupRow& group)
{
    return QStringLiteral("group %1 · %2 · %3")
        .arg(group.id)
        .arg(QString::fromStdString(group.modelLabel),
             QString::fromStdString(workspace::describeParams(group.paramsJson)));
}

// Green for a difference that is real and matters, red for such a regression, a quiet blue-grey
// for one that is real but negligible or for equivalence, amber while something is still open.
const char* verdictColor(stats::Verdict verdict)
{
    switch (verdict) {
    case stats::Verdict::Improvement:
        return "#2e9d4f";
    case stats::Verdict::Regression:
        return "#d62a2a";
    case stats::Verdict::SmallImprovement:
    case stats::Verdict::SmallRegression:
    case stats::Verdict::Equivalent:
        return "#4b6b8a";
    case stats::Verdict::UnsizedImprovement:
    case stats::Verdict::UnsizedRegression:
    case stats::Verdict::Inconclusive:
        break;
    }
    return "#b86e00";
}

QString badgeStyle(const char* color)
{
    return QStringLiteral("QLabel { background: %1; color: white; border-radius: 6px; padding: 6px 12px; "
                          "font-weight: bold; font-size: 13pt; }")
        .arg(QLatin1String(color));
}

QLabel* answerLabel(const char* name, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QLatin1String(name));
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// core's one-line messages ("no baseline is pinned for ...") as the page's sentences.
QString asSentence(const char* message)
{
    QString text = QString::fromUtf8(message);
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    if (!text.endsWith(QLatin1Char('.')))
        text += QLatin1Char('.');
    return text;
}

} // namespace

ComparePage::ComparePage(QWidget* parent)
    : QWidget(parent), m_a(new QComboBox(this)), m_b(new QComboBox(this)), m_delta(new QDoubleSpinBox(this)),
      m_prompt(new QLabel(this)), m_resultPanel(new QWidget(this)), m_badge(new QLabel(m_resultPanel)),
      m_beyondNoise(answerLabel("answerBeyondNoise", m_resultPanel)),
      m_matters(answerLabel("answerMatters", m_resultPanel)),
      m_newQuestions(answerLabel("answerNewQuestions", m_resultPanel)),
      m_checks(answerLabel("compareChecks", m_resultPanel)),
      m_settle(answerLabel("settleWords", m_resultPanel)), m_details(new QLabel(m_resultPanel)),
      m_environment(new QLabel(m_resultPanel)), m_more(new QPushButton(m_resultPanel)),
      m_swap(new QPushButton(QStringLiteral("⇄ Swap"), this)),
      m_subjects(new SubjectDeltaChart(m_resultPanel))
{
    setObjectName(QStringLiteral("comparePage"));
    m_a->setObjectName(QStringLiteral("compareA"));
    m_b->setObjectName(QStringLiteral("compareB"));
    m_delta->setObjectName(QStringLiteral("compareDelta"));
    m_prompt->setObjectName(QStringLiteral("comparePrompt"));
    m_resultPanel->setObjectName(QStringLiteral("compareResult"));
    m_badge->setObjectName(QStringLiteral("verdictBadge"));
    m_details->setObjectName(QStringLiteral("compareDetails"));
    m_environment->setObjectName(QStringLiteral("environmentWarning"));
    m_more->setObjectName(QStringLiteral("moreRepeatsButton"));
    m_subjects->setObjectName(QStringLiteral("subjectDeltaChart"));
    m_a->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_b->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_a->setMinimumContentsLength(30);
    m_b->setMinimumContentsLength(30);

    m_delta->setRange(0.001, 100.0);
    m_delta->setDecimals(3);
    m_delta->setSingleStep(0.25);
    m_delta->setValue(1.0);
    m_delta->setSuffix(QStringLiteral(" points"));
    // One comparison per value, not per keystroke: each runs 10,000 bootstrap resamples.
    m_delta->setKeyboardTracking(false);
    m_delta->setToolTip(QStringLiteral(
        "The smallest difference in accuracy points that would change a decision on this task. "
        "\"Does it matter?\" is answered against it, and what would settle an open question is sized "
        "for it. Stored for B's task in the database, shared with `noisefloor-cli zones --task T "
        "--matters D`; a task without its own uses its watch threshold."));

    m_prompt->setWordWrap(true);
    m_prompt->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    m_prompt->setTextFormat(Qt::RichText);
    m_prompt->setContentsMargins(24, 48, 24, 24);

    m_badge->setWordWrap(true);
    m_badge->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_environment->setWordWrap(true);
    setZoneTextColor(m_environment, stats::Zone::Elevated);
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

    // What would settle it, with the button that does it beside the words.
    auto* settleRow = new QHBoxLayout;
    settleRow->addWidget(m_settle, 1);
    settleRow->addWidget(m_more, 0, Qt::AlignTop);

    auto* detailsScroll = new QScrollArea(m_resultPanel);
    detailsScroll->setWidget(m_details);
    detailsScroll->setWidgetResizable(true);
    detailsScroll->setFrameShape(QFrame::NoFrame);

    auto* body = new QHBoxLayout;
    body->addWidget(detailsScroll, 1);
    body->addWidget(m_subjects, 1);

    auto* result = new QVBoxLayout(m_resultPanel);
    result->setContentsMargins(0, 0, 0, 0);
    result->addWidget(m_badge);
    result->addWidget(m_beyondNoise);
    result->addWidget(m_matters);
    result->addWidget(m_newQuestions);
    result->addWidget(m_checks);
    result->addLayout(settleRow);
    result->addWidget(m_environment);
    result->addLayout(body, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(pick);
    layout->addWidget(m_prompt, 1);
    layout->addWidget(m_resultPanel, 1);

    connect(m_a, &QComboBox::currentIndexChanged, this, &ComparePage::recompute);
    connect(m_b, &QComboBox::currentIndexChanged, this, &ComparePage::recompute);
    connect(m_delta, &QDoubleSpinBox::valueChanged, this, &ComparePage::onDeltaEdited);
    connect(m_swap, &QPushButton::clicked, this, [this] {
        const qint64 a = m_a->currentData().toLongLong();
        const qint64 b = m_b->currentData().toLongLong();
        if (a > 0 && b > 0)
            setPair(b, a);
    });
    connect(m_more, &QPushButton::clicked, this, &ComparePage::askForMoreRepeats);
    connect(&m_job, &JobBase::finished, this, [this] { showComparison(m_job.takeResult()); });
    connect(&m_job, &JobBase::failed, this, &ComparePage::clearResult);
    clearResult({});
}

ComparePage::~ComparePage()
{
    m_job.waitForFinished();
}

void ComparePage::setStore(const store::Store* store)
{
    m_store = store;
    // The stored value is read again at the next comparison (the settings may have changed).
    m_deltaTask = 0;
    m_deltaEdited = false;
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
        m_b->setCurrentIndex(groupB > 0 ? m_b->findData(groupB) : -1);
    }
    recompute();
}

bool ComparePage::busy() const
{
    return m_job.busy();
}

bool ComparePage::promptShown() const
{
    return !m_prompt->isHidden();
}

void ComparePage::showStoredDelta()
{
    const QSignalBlocker block(m_delta);
    m_delta->setValue(workspace::differenceThatMatters(*m_store, m_deltaTask));
}

void ComparePage::onDeltaEdited(double points)
{
    if (!m_store || m_deltaTask <= 0)
        return;
    m_deltaEdited = true;
    Q_EMIT differenceThatMattersChanged(m_deltaTask, points);
    recompute();
}

void ComparePage::recompute()
{
    // Nothing of the previous pair may be acted on while this one computes.
    m_job.discard();
    m_result.reset();
    m_more->hide();
    // A box states its own plan and queues exactly that: a refresh (a run another process
    // committed) leaves it open; another pair closes it.
    if (m_moreBox && m_moreBoxPair != qMakePair(m_a->currentData().toLongLong(), m_b->currentData().toLongLong()))
        m_moreBox->close();
    const qint64 b = m_b->currentData().toLongLong();
    if (!m_store || b <= 0) {
        clearResult({});
        return;
    }
    try {
        const auto groupB = m_store->group(b);
        if (!groupB)
            return clearResult(QStringLiteral("Group %1 is no longer in the database.").arg(b));
        if (groupB->taskId != m_deltaTask) {
            m_deltaTask = groupB->taskId;
            m_deltaEdited = false;
        }
        if (!m_deltaEdited)
            showStoredDelta();
        const qint64 chosenA = m_a->currentData().toLongLong();
        // The stored value as it is (the CLI keeps more decimals than the box shows), unless the
        // user has just typed another.
        auto input = workspace::prepareComparison(*m_store, chosenA > 0 ? std::optional<int64_t>(chosenA) : std::nullopt,
                                                 b, m_deltaEdited ? std::optional(m_delta->value()) : std::nullopt);
        m_pinnedRunA = input.options.aIsFixedRun;
        const qint64 groupA = input.a.id;
        const QString labelA =
            input.pinnedA ? QString::fromStdString(input.labelA()) : m_a->currentText();
        auto dataA = std::move(input.dataA);
        auto dataB = std::move(input.dataB);
        const auto options = input.options;

        m_environmentLines.clear();
        for (const auto& difference : input.environment)
            m_environmentLines.emplace_back(difference.key,
                                            "A " + difference.valuesA + "; B " + difference.valuesB);
        m_labelA = labelA;
        m_labelB = m_b->currentText();
        m_resultA = groupA;
        m_resultB = b;
        showComputing();
        m_job.start([a = std::move(dataA), b = std::move(dataB), options](JobContext&) {
            return stats::compare(a, b, options);
        });
    } catch (const std::exception& e) {
        clearResult(asSentence(e.what()));
    }
}

void ComparePage::clearResult(const QString& message)
{
    m_result.reset();
    m_badge->clear();
    m_more->hide();
    m_subjects->setDeltas({});
    m_promptMessage = message;
    showPrompt();
    m_resultPanel->hide();
    m_prompt->show();
    Q_EMIT comparisonFinished();
}

void ComparePage::showPrompt()
{
    QString text = QStringLiteral("<p style='font-size:13pt'><b>%1</b></p>").arg(kPrompt.toHtmlEscaped());
    if (!m_promptMessage.isEmpty())
        text += QStringLiteral("<p>%1</p>").arg(m_promptMessage.toHtmlEscaped());
    // The hint muted, two thirds of the way from the window to its text: readable on light and dark.
    const QColor window = palette().color(QPalette::Window);
    const QColor words = palette().color(QPalette::WindowText);
    const auto mix = [](int from, int to) { return from + (to - from) * 2 / 3; };
    const QColor muted(mix(window.red(), words.red()), mix(window.green(), words.green()),
                       mix(window.blue(), words.blue()));
    text += QStringLiteral("<p style='color:%1'>Ctrl-click a second group in the browser: the group selected "
                           "last is B, the candidate; the one before it A, the baseline.</p>")
                .arg(muted.name());
    m_prompt->setText(text);
}

void ComparePage::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // The hint's colour is in the prompt's HTML, which a new palette (dark mode) does not reach.
    if (event->type() == QEvent::PaletteChange)
        showPrompt();
}

void ComparePage::showComputing()
{
    m_badge->setText(QStringLiteral("comparing…"));
    m_badge->setStyleSheet(badgeStyle("#6b7280"));
    m_badge->setToolTip({});
    // The previous answers stay in place, greyed, so the page does not jump while it computes.
    for (QLabel* label : {m_beyondNoise, m_matters, m_newQuestions, m_checks, m_settle, m_details})
        label->setEnabled(false);
    m_prompt->hide();
    m_resultPanel->show();
}

void ComparePage::showComparison(stats::Comparison comparison)
{
    m_result = std::move(comparison);
    const auto& c = *m_result;
    m_badge->setText(QString::fromStdString(workspace::verdictBadge(c)));
    m_badge->setStyleSheet(badgeStyle(verdictColor(c.verdict)));
    m_badge->setToolTip(QString::fromStdString(workspace::verdictWords(c)));
    const comparetext::AnswerLines lines = comparetext::answerLines(c);
    m_beyondNoise->setText(lines.beyondNoise);
    m_matters->setText(lines.matters);
    m_newQuestions->setText(lines.newQuestions);
    m_checks->setText(lines.checks);
    m_settle->setText(lines.settle);
    m_details->setText(comparetext::detailsHtml(c, m_labelA, m_labelB));
    for (QLabel* label : {m_beyondNoise, m_matters, m_newQuestions, m_checks, m_settle, m_details})
        label->setEnabled(true);

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
    updateMoreButton();
    m_subjects->setDeltas(c.subjects);
    m_prompt->hide();
    m_resultPanel->show();
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
