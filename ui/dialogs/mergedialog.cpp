#include "dialogs/mergedialog.h"

#include "dialogs/importtext.h"
#include "dialogs/workfooter.h"
#include "store/store.h"

#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace nf::ui {

MergeDialog::MergeDialog(const QString& databasePath, const QString& otherPath, QWidget* parent)
    : QDialog(parent), m_databasePath(databasePath), m_otherPath(otherPath)
{
    setObjectName(QStringLiteral("mergeDialog"));
    setWindowTitle(tr("Merge database"));

    auto* from = new QLabel(otherPath);
    auto* into = new QLabel(databasePath);
    for (QLabel* label : {from, into})
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* paths = new QFormLayout;
    paths->addRow(tr("Runs from:"), from);
    paths->addRow(tr("Into:"), into);

    auto* explain = new QLabel(tr("Completed runs are added with their items; models, tasks and config groups "
                                  "are matched by their hashes, runs by their uid, so merging twice adds nothing."));
    explain->setWordWrap(true);
    explain->setMinimumWidth(explain->fontMetrics().averageCharWidth() * 80);
    explain->setMinimumHeight(explain->fontMetrics().lineSpacing() * 2);

    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("mergeSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Room for the summary's lines before the dry run fills them in: the dialog does not grow then.
    m_summary->setMinimumHeight(m_summary->fontMetrics().lineSpacing() * 5);
    const WorkFooter footer = makeWorkFooter(this, QStringLiteral("merge"), tr("Merge"));
    m_error = footer.error;
    m_busyBar = footer.busyBar;
    m_busyText = footer.busyText;
    m_merge = footer.accept;
    m_cancel = footer.cancel;
    QHBoxLayout* bottom = footer.bar;

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(paths);
    layout->addWidget(explain);
    layout->addSpacing(explain->fontMetrics().lineSpacing() / 2);
    layout->addWidget(m_summary);
    layout->addWidget(m_error);
    layout->addStretch();
    layout->addLayout(bottom);

    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, [this] { showOutcome(m_watcher.result()); });
    if (QFileInfo(otherPath).canonicalFilePath() == QFileInfo(databasePath).canonicalFilePath()) {
        showError(tr("%1 is the database open here: choose another one to merge.").arg(otherPath));
        return;
    }
    start(/*dryRun=*/true);
}

MergeDialog::~MergeDialog()
{
    // A dry run may finish after the dialog (it keeps copies and its own Store); a merge being
    // written is waited for, so that the window sees it complete.
    if (m_merging)
        m_watcher.waitForFinished();
}

bool MergeDialog::busy() const
{
    return m_running;
}

QString MergeDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void MergeDialog::start(bool dryRun)
{
    m_merging = !dryRun;
    m_running = true;
    m_error->hide();
    m_watcher.setFuture(QtConcurrent::run(
        [database = m_databasePath.toStdString(), other = m_otherPath.toStdString(), dryRun] {
            Outcome outcome;
            try {
                // The GUI thread's Store is its own; mergeDatabase writes only when not a dry run.
                store::Store store(database);
                outcome.result = store::mergeDatabase(store, other, dryRun);
            } catch (const std::exception& e) {
                outcome.error = QString::fromUtf8(e.what());
            }
            return outcome;
        }));
    m_busyText->setText(dryRun ? tr("Reading %1…").arg(QFileInfo(m_otherPath).fileName())
                               : tr("Merging %1…").arg(countText(m_dryRun ? m_dryRun->runsAdded : 0, "run", "runs")));
    updateControls();
}

void MergeDialog::showOutcome(const Outcome& outcome)
{
    m_busyText->clear();
    const bool merged = m_merging;
    m_merging = false;
    m_running = false;
    if (!outcome.result) {
        showError(merged ? tr("Nothing was merged: ") + outcome.error : outcome.error);
        if (!merged)
            Q_EMIT dryRunShown();
        return;
    }
    if (merged) {
        m_result = *outcome.result;
        QDialog::accept();
        return;
    }
    m_dryRun = outcome.result;
    m_summary->setText(mergeDryRunText(*m_dryRun, QFileInfo(m_otherPath).fileName()));
    updateControls();
    Q_EMIT dryRunShown();
}

void MergeDialog::accept()
{
    if (!m_dryRun || busy() || m_dryRun->runsAdded == 0)
        return;
    start(/*dryRun=*/false);
}

void MergeDialog::reject()
{
    if (m_merging)
        return;
    QDialog::reject();
}

QString MergeDialog::resultSummary() const
{
    return mergeResultText(m_result, QFileInfo(m_otherPath).fileName());
}

void MergeDialog::showError(const QString& message)
{
    m_error->setText(message);
    m_error->show();
    updateControls();
}

void MergeDialog::updateControls()
{
    m_busyBar->setVisible(m_running);
    m_cancel->setEnabled(!m_merging);
    const bool ready = !m_running && m_dryRun && m_dryRun->runsAdded > 0;
    m_merge->setEnabled(ready);
    m_merge->setText(ready ? tr("Merge %1").arg(countText(m_dryRun->runsAdded, "run", "runs")) : tr("Merge"));
}

} // namespace nf::ui
