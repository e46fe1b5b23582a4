#include "dialogs/importdialog.h"

#include "dialogs/importtext.h"
#include "dialogs/workfooter.h"
#include "store/store.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QScreen>
#include <QPushButton>
#include <QSettings>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace nf::ui {
namespace {

enum Columns { SourceColumn, FormatColumn, RunsColumn, ItemsColumn, StatusColumn, NUM_COLUMNS };

bool sameOptions(const workspace::ImportOptions& a, const workspace::ImportOptions& b)
{
    return a.data == b.data && a.split == b.split && a.metric == b.metric && a.modelLabel == b.modelLabel &&
           a.seed == b.seed && a.params == b.params;
}

} // namespace

ImportDialog::ImportDialog(const QString& databasePath, const QStringList& paths, QWidget* parent)
    : QDialog(parent), m_paths(paths)
{
    setObjectName(QStringLiteral("importDialog"));
    setWindowTitle(tr("Import runs"));

    m_sources = new QTreeWidget;
    m_sources->setObjectName(QStringLiteral("importSources"));
    m_sources->setColumnCount(NUM_COLUMNS);
    m_sources->setHeaderLabels({tr("Source"), tr("Format"), tr("Runs"), tr("Items"), tr("Status")});
    m_sources->setRootIsDecorated(false);
    m_sources->setSelectionMode(QAbstractItemView::NoSelection);
    m_sources->setFocusPolicy(Qt::NoFocus);
    m_sources->setUniformRowHeights(true);
    m_sources->setTextElideMode(Qt::ElideMiddle);
    m_sources->setMinimumWidth(m_sources->fontMetrics().averageCharWidth() * 140);
    m_sources->setMinimumHeight(m_sources->fontMetrics().height() * 7);
    m_sources->header()->setStretchLastSection(true);
    // The sources' notes are sentences: wrapped below the table rather than cut off in it.
    m_notes = new QLabel;
    m_notes->setObjectName(QStringLiteral("importNotes"));
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notes->hide();

    m_totals = new QLabel;
    m_totals->setObjectName(QStringLiteral("importTotals"));
    m_totals->setWordWrap(true);
    QFont bold = m_totals->font();
    bold.setBold(true);
    m_totals->setFont(bold);
    m_groups = new QLabel;
    m_groups->setObjectName(QStringLiteral("importGroups"));
    m_groups->setWordWrap(true);
    m_groups->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_totals->hide(); // until the first read is shown
    m_groups->hide();
    const WorkFooter footer = makeWorkFooter(this, QStringLiteral("import"), tr("Import"));
    m_error = footer.error;
    m_busyBar = footer.busyBar;
    m_busyText = footer.busyText;
    m_import = footer.accept;
    m_cancel = footer.cancel;
    QHBoxLayout* bottom = footer.bar;

    auto* sourcesBox = new QGroupBox(tr("What the files hold"));
    auto* sourcesLayout = new QVBoxLayout(sourcesBox);
    sourcesLayout->addWidget(m_sources, 1);
    sourcesLayout->addWidget(m_notes);
    sourcesLayout->addWidget(m_totals);
    sourcesLayout->addWidget(m_groups);
    sourcesLayout->addWidget(m_error);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(sourcesBox, 1);
    layout->addWidget(buildOptions());
    layout->addLayout(bottom);

    m_read.setDatabasePath(databasePath);
    m_store.setDatabasePath(databasePath);
    connect(&m_read, &JobBase::finished, this, [this] { showPlan(m_read.takeResult()); });
    connect(&m_read, &JobBase::failed, this, [this](const QString& message) { showPlan({{}, {}, message}); });
    connect(&m_store, &JobBase::finished, this, [this] {
        m_busyText->clear();
        m_result = m_store.takeResult();
        QDialog::accept();
    });
    connect(&m_store, &JobBase::failed, this, &ImportDialog::showApplyFailure);
    replan();
}

ImportDialog::~ImportDialog()
{
    // A read still running keeps only copies and its own Store: it may finish after the dialog.
    // An import being stored is waited for, so that the window sees it complete.
    if (m_store.busy())
        m_store.waitForFinished();
}

QWidget* ImportDialog::buildOptions()
{
    auto* box = new QGroupBox(tr("How to read them"));
    m_data = new QLineEdit;
    m_data->setObjectName(QStringLiteral("dataFolder"));
    m_data->setPlaceholderText(tr("none (LLaMA-Factory: results.log's Average only)"));
    m_data->setClearButtonEnabled(true);
    m_data->setToolTip(tr("The MMLU, CMMLU or C-Eval folder the runs were evaluated on (or a task spec such as "
                          "mmlu:DIR). LLaMA-Factory's results.json is scored against it item by item; for "
                          "lm-eval it is optional and checks the subjects and item counts. Either way the runs "
                          "then pair item by item with noisefloor's own runs on that folder."));
    m_chooseData = new QPushButton(tr("Score against data folder…"));
    m_chooseData->setObjectName(QStringLiteral("chooseDataFolder"));
    auto* dataRow = new QHBoxLayout;
    dataRow->addWidget(m_data, 1);
    dataRow->addWidget(m_chooseData);

    m_split = new QComboBox;
    m_split->setObjectName(QStringLiteral("split"));
    m_split->addItem(tr("the benchmark's default (test; val for C-Eval)"), QString());
    for (const char* split : {"test", "val", "dev"})
        m_split->addItem(QLatin1String(split), QLatin1String(split));
    m_split->setToolTip(tr("The split of the data folder the runs were evaluated on"));

    m_model = new QLineEdit;
    m_model->setObjectName(QStringLiteral("modelName"));
    m_model->setPlaceholderText(tr("as the source names it (lm-eval) or the save_dir's name (LLaMA-Factory)"));
    m_model->setClearButtonEnabled(true);

    m_metric = new QComboBox;
    m_metric->setObjectName(QStringLiteral("metric"));
    m_metric->addItem(tr("acc"), QStringLiteral("acc"));
    m_metric->addItem(tr("acc_norm (length-normalised)"), QStringLiteral("acc_norm"));
    m_metric->setToolTip(tr("Which of lm-eval's metrics counts an item as correct"));

    m_form = new QFormLayout(box);
    auto* dataLabel = new QLabel(tr("&Data folder:"));
    dataLabel->setBuddy(m_data);
    m_form->addRow(dataLabel, dataRow);
    m_form->addRow(tr("S&plit:"), m_split);
    m_form->addRow(tr("&Model name:"), m_model);
    m_form->addRow(tr("M&etric (lm-eval):"), m_metric);
    m_form->setRowVisible(m_metric, false);

    connect(m_chooseData, &QPushButton::clicked, this, &ImportDialog::chooseDataFolder);
    connect(m_data, &QLineEdit::editingFinished, this, &ImportDialog::replan);
    connect(m_model, &QLineEdit::editingFinished, this, &ImportDialog::replan);
    connect(m_split, &QComboBox::currentIndexChanged, this, &ImportDialog::replan);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &ImportDialog::replan);
    return box;
}

workspace::ImportOptions ImportDialog::options() const
{
    workspace::ImportOptions options;
    options.data = m_data->text().trimmed().toStdString();
    options.split = m_split->currentData().toString().toStdString();
    options.modelLabel = m_model->text().trimmed().toStdString();
    options.metric = m_metric->currentData().toString().toStdString();
    return options;
}

void ImportDialog::setOptions(const workspace::ImportOptions& options)
{
    {
        const QSignalBlocker blockSplit(m_split);
        const QSignalBlocker blockMetric(m_metric);
        m_data->setText(QString::fromStdString(options.data));
        m_model->setText(QString::fromStdString(options.modelLabel));
        const int split = m_split->findData(QString::fromStdString(options.split));
        m_split->setCurrentIndex(std::max(0, split));
        const int metric = m_metric->findData(QString::fromStdString(options.metric));
        m_metric->setCurrentIndex(std::max(0, metric));
    }
    replan();
}

bool ImportDialog::busy() const
{
    return m_read.busy() || m_store.busy();
}

QString ImportDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ImportDialog::chooseDataFolder()
{
    QSettings settings;
    const QString start = m_data->text().trimmed().isEmpty()
                              ? settings.value(QStringLiteral("import/dataFolder")).toString()
                              : m_data->text().trimmed();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Benchmark data the runs were evaluated on"), start);
    if (folder.isEmpty())
        return;
    settings.setValue(QStringLiteral("import/dataFolder"), folder);
    m_data->setText(folder);
    replan();
}

void ImportDialog::replan()
{
    if (m_store.busy())
        return;
    const workspace::ImportOptions wanted = options();
    if (m_read.busy()) {
        m_replanWanted = true;
        return;
    }
    if (m_plannedOptions && sameOptions(*m_plannedOptions, wanted))
        return;
    m_plannedOptions = wanted;
    m_replanWanted = false;
    m_plan.reset();
    m_preview = {};
    std::vector<std::string> paths;
    for (const QString& path : std::as_const(m_paths))
        paths.push_back(path.toStdString());
    m_read.start([paths = std::move(paths), wanted](JobContext& context) {
        PlanOutcome outcome;
        try {
            for (const auto& path : paths)
                if (workspace::detectFormat(path) == workspace::SourceFormat::LmEval)
                    outcome.lmEvalSeen = true;
            auto plan = std::make_shared<workspace::ImportPlan>(workspace::planImport(paths, wanted));
            for (const auto& batch : plan->batches)
                if (batch.source.format == workspace::formatName(workspace::SourceFormat::LmEval))
                    outcome.lmEvalSeen = true;
            outcome.preview = workspace::previewImport(context.readOnlyStore(), *plan);
            outcome.plan = std::move(plan);
        } catch (const std::exception& e) {
            outcome.error = QString::fromUtf8(e.what());
        }
        return outcome;
    });
    showBusy(m_paths.size() == 1 ? tr("Reading %1…").arg(QFileInfo(m_paths.front()).fileName())
                                 : tr("Reading %1 files and folders…").arg(m_paths.size()));
}

void ImportDialog::showPlan(const PlanOutcome& outcome)
{
    if (m_replanWanted) {
        m_replanWanted = false;
        if (!m_plannedOptions || !sameOptions(*m_plannedOptions, options())) {
            m_plannedOptions.reset();
            replan();
            return;
        }
    }
    m_lmEvalSeen = m_lmEvalSeen || outcome.lmEvalSeen;
    m_form->setRowVisible(m_metric, m_lmEvalSeen);
    m_sources->clear();
    m_busyText->clear();
    if (!outcome.error.isEmpty()) {
        m_notes->hide();
        m_totals->hide();
        m_groups->hide();
        showError(outcome.error);
        fitContents();
        Q_EMIT planShown();
        return;
    }
    m_error->hide();
    m_plan = outcome.plan;
    m_preview = outcome.preview;
    QStringList notes;
    for (const auto& batch : m_preview.batches) {
        auto* item = new QTreeWidgetItem(m_sources);
        item->setText(SourceColumn, shortSourceName(batch.path));
        item->setToolTip(SourceColumn, QString::fromStdString(batch.path));
        item->setText(FormatColumn, QString::fromStdString(batch.format));
        item->setText(RunsColumn, numberText(batch.runs));
        item->setText(ItemsColumn, numberText(batch.items));
        item->setText(StatusColumn, batchStatusText(batch));
        item->setTextAlignment(RunsColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setTextAlignment(ItemsColumn, Qt::AlignRight | Qt::AlignVCenter);
        for (const auto& note : batch.notes)
            notes << shortSourceName(batch.path) + QStringLiteral(": ") + QString::fromStdString(note);
    }
    m_notes->setText(notes.join(u'\n'));
    m_notes->setVisible(!notes.isEmpty());
    for (int column = SourceColumn; column < StatusColumn; ++column)
        m_sources->resizeColumnToContents(column);
    // A longer path is elided in the middle (the tooltip has it whole); the status keeps the room.
    m_sources->setColumnWidth(SourceColumn,
                              std::min(m_sources->columnWidth(SourceColumn), m_sources->fontMetrics().averageCharWidth() * 70));
    m_totals->setText(importTotalsText(m_preview));
    m_totals->show();
    m_groups->setText(importGroupsText(m_preview));
    m_groups->setVisible(!m_preview.groupLines.empty());
    updateControls();
    fitContents();
    // The first summary puts the focus on Import (Enter imports), not on the empty data field.
    if (!m_shownOnce && m_import->isEnabled())
        m_import->setFocus();
    m_shownOnce = true;
    Q_EMIT planShown();
}

void ImportDialog::accept()
{
    if (!m_plan || busy() || m_preview.runs == 0)
        return;
    m_store.start([plan = m_plan](JobContext& context) { return workspace::applyImport(context.store(), *plan); });
    showBusy(tr("Storing %1, %2…").arg(countText(m_preview.runs, "run", "runs"), countText(m_preview.items, "item", "items")));
}

void ImportDialog::reject()
{
    if (m_store.busy())
        return;
    QDialog::reject();
}

void ImportDialog::showApplyFailure(const QString& message)
{
    m_busyText->clear();
    showError(tr("Nothing was imported: ") + message);
}

QString ImportDialog::resultSummary() const
{
    return importResultText(m_result, m_preview);
}

void ImportDialog::fitContents()
{
    // Wrapped labels (notes, groups, an error) need more height than the layout's minimum, which
    // ignores their height for the width they get: grow to fit them, up to the screen's height.
    if (!layout()->hasHeightForWidth())
        return;
    int needed = layout()->totalHeightForWidth(width());
    if (const QScreen* screen = this->screen())
        needed = std::min(needed, screen->availableGeometry().height() * 9 / 10);
    if (needed > height())
        resize(width(), needed);
}

void ImportDialog::showBusy(const QString& text)
{
    m_busyText->setText(text);
    m_error->hide();
    updateControls();
}

void ImportDialog::showError(const QString& message)
{
    m_error->setText(message);
    m_error->show();
    updateControls();
}

void ImportDialog::updateControls()
{
    const bool storing = m_store.busy();
    m_busyBar->setVisible(busy());
    // The form stays editable while reading: a change starts the read again when this one ends.
    for (QWidget* widget : {static_cast<QWidget*>(m_data), static_cast<QWidget*>(m_chooseData),
                            static_cast<QWidget*>(m_split), static_cast<QWidget*>(m_model),
                            static_cast<QWidget*>(m_metric)})
        widget->setEnabled(!storing);
    m_cancel->setEnabled(!storing);
    const bool ready = !busy() && m_plan && m_preview.runs > 0;
    m_import->setEnabled(ready);
    m_import->setText(ready ? tr("Import %1").arg(countText(m_preview.runs, "run", "runs")) : tr("Import"));
}

} // namespace nf::ui
