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

    m_job.setDatabasePath(databasePath);
    connect(&m_job, &JobBase::finished, this, [this] { showMerged(m_job.takeResult()); });
    connect(&m_job, &JobBase::failed, this, [this](const QString& message) {
        const bool merged = std::exchange(m_merging, false);
        m_busyText->clear();
        showError(merged ? tr("Nothing was merged: ") + message : message);
        if (!merged)
            Q_EMIT dryRunShown();
    });
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
        m_job.waitForFinished();
}

bool MergeDialog::busy() const
{
    return m_job.busy();
}

QString MergeDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void MergeDialog::start(bool dryRun)
{
    m_merging = !dryRun;
    m_error->hide();
    // mergeDatabase writes only when not a dry run.
    m_job.start([other = m_otherPath.toStdString(), dryRun](JobContext& context) {
        return store::mergeDatabase(context.store(), other, dryRun);
    });
    m_busyText->setText(dryRun ? tr("Reading %1…").arg(QFileInfo(m_otherPath).fileName())
                               : tr("Merging %1…").arg(countText(m_dryRun ? m_dryRun->runsAdded : 0, "run", "runs")));
    updateControls();
}

void MergeDialog::showMerged(const store::MergeResult& result)
{
    m_busyText->clear();
    if (std::exchange(m_merging, false)) {
        m_result = result;
        QDialog::accept();
        return;
    }
    m_dryRun = result;
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
    m_busyBar->setVisible(m_job.busy());
    m_cancel->setEnabled(!m_merging);
    const bool ready = !m_job.busy() && m_dryRun && m_dryRun->runsAdded > 0;
    m_merge->setEnabled(ready);
    m_merge->setText(ready ? tr("Merge %1").arg(countText(m_dryRun->runsAdded, "run", "runs")) : tr("Merge"));
}

} // namespace nf::ui
