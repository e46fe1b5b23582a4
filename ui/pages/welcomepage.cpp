#include "pages/welcomepage.h"

#include "worker/evaluationqueue.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace nf::ui {

WelcomePage::WelcomePage(QWidget* parent)
    : QWidget(parent), m_demo(new QPushButton(QStringLiteral("Run the demo"), this)),
      m_progress(new QProgressBar(this)), m_status(new QLabel(this)), m_database(new QLabel(this))
{
    setObjectName(QStringLiteral("welcomePage"));
    m_demo->setObjectName(QStringLiteral("runDemoButton"));
    m_progress->setObjectName(QStringLiteral("welcomeProgress"));
    m_status->setObjectName(QStringLiteral("welcomeStatus"));

    auto* icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/noisefloor/noisefloor.svg")).pixmap(96, 96));
    icon->setAlignment(Qt::AlignCenter);
    auto* title = new QLabel(QStringLiteral("<h1>noisefloor</h1><p style='font-size:13pt'>Is this difference real, or "
                                            "run-to-run noise?</p>"),
                             this);
    title->setAlignment(Qt::AlignCenter);
    auto* explain = new QLabel(
        QStringLiteral("noisefloor runs seeded repeats of an evaluation, keeps every run and every answer, and "
                       "shows how far scores move on their own: under 1 point is ordinary experimental error, 1–3 "
                       "is worth a look, 3–5 is unusual, 5 or more is likely a real problem.<br><br>"
                       "The demo trains two small Fashion-MNIST classifiers (once, about 10 seconds) and runs "
                       "five seeded repeats each of greedy decoding, sampling and MC-dropout: 30 runs over "
                       "10,000 images."),
        this);
    explain->setWordWrap(true);
    explain->setAlignment(Qt::AlignCenter);
    // A fixed width lets the wrapped label report its real height to the layout.
    explain->setFixedWidth(660);

    QFont big = m_demo->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    m_demo->setFont(big);
    m_demo->setMinimumSize(220, 44);
    m_demo->setDefault(true);
    connect(m_demo, &QPushButton::clicked, this, &WelcomePage::demoRequested);

    auto* newEvaluation = new QPushButton(QStringLiteral("New evaluation…"), this);
    newEvaluation->setObjectName(QStringLiteral("welcomeNewEvaluation"));
    connect(newEvaluation, &QPushButton::clicked, this, &WelcomePage::newEvaluationRequested);
    auto* open = new QPushButton(QStringLiteral("Open database…"), this);
    connect(open, &QPushButton::clicked, this, &WelcomePage::openDatabaseRequested);
    auto* import = new QPushButton(QStringLiteral("Import runs…"), this);
    connect(import, &QPushButton::clicked, this, &WelcomePage::importRequested);

    m_progress->setMaximumWidth(480);
    m_progress->hide();
    m_status->setAlignment(Qt::AlignCenter);
    m_status->setWordWrap(true);
    m_database->setAlignment(Qt::AlignCenter);
    m_database->setEnabled(false);

    auto* others = new QHBoxLayout;
    others->addStretch();
    others->addWidget(newEvaluation);
    others->addWidget(open);
    others->addWidget(import);
    others->addStretch();

    auto* layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(icon);
    layout->addWidget(title);
    auto* explainRow = new QHBoxLayout;
    explainRow->addStretch();
    explainRow->addWidget(explain);
    explainRow->addStretch();
    layout->addLayout(explainRow);
    layout->addSpacing(16);
    layout->addWidget(m_demo, 0, Qt::AlignHCenter);
    layout->addWidget(m_progress, 0, Qt::AlignHCenter);
    layout->addWidget(m_status);
    layout->addSpacing(16);
    layout->addLayout(others);
    layout->addStretch(3);
    layout->addWidget(m_database);
}

void WelcomePage::setDatabasePath(const QString& path)
{
    m_database->setText(QStringLiteral("Database: ") + path);
}

void WelcomePage::showProgress(const EvaluationProgress& progress)
{
    m_demo->setEnabled(false);
    m_progress->show();
    m_progress->setMaximum(1000);
    const double share = progress.overallTotal > 0 ? double(progress.overallDone) / double(progress.overallTotal)
                         : progress.itemsTotal > 0 ? double(progress.itemsDone) / double(progress.itemsTotal)
                                                   : 0.0;
    m_progress->setValue(static_cast<int>(share * 1000));
    QString text = progress.phase;
    if (progress.runCount > 0 && progress.phase == QLatin1String("evaluating"))
        text = QStringLiteral("run %1 of %2 (seed %3)").arg(progress.runIndex + 1).arg(progress.runCount).arg(progress.seed);
    if (progress.itemsPerSecond > 0)
        text += QStringLiteral(" · %1 items/s").arg(progress.itemsPerSecond, 0, 'f', 0);
    if (progress.etaSeconds >= 0)
        text += QStringLiteral(" · about %1 s left").arg(progress.etaSeconds, 0, 'f', 0);
    m_status->setText(text);
}

void WelcomePage::showFailure(const QString& message)
{
    resetProgress();
    m_status->setText(QStringLiteral("The demo did not run: ") + message);
}

void WelcomePage::resetProgress()
{
    m_demo->setEnabled(true);
    m_progress->hide();
    m_status->clear();
}

} // namespace nf::ui
