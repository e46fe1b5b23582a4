#include "dialogs/newevaluationdialog.h"

#include "common/error.h"
#include "dialogs/clusterbox.h"
#include "dialogs/clustersubmission.h"
#include "dialogs/evaluationform.h"
#include "dialogs/formtext.h"
#include "dialogs/modelcheck.h"
#include "jobs/job.h"
#include "worker/evaluationworker.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace nf::ui {
namespace {

const QString kSettingsGroup = QStringLiteral("newEvaluation");

// What a drop brings: a model (a .pt file or a folder with config.json), an adapter folder
// (adapter_config.json without config.json), or both at once.
struct Dropped
{
    QString model;
    QString adapter;
    bool empty() const { return model.isEmpty() && adapter.isEmpty(); }
};

Dropped droppedPaths(const QMimeData* mime)
{
    Dropped dropped;
    if (!mime || !mime->hasUrls())
        return dropped;
    for (const QUrl& url : mime->urls()) {
        if (!url.isLocalFile())
            continue;
        const QString path = QDir::cleanPath(url.toLocalFile());
        const QString suffix = QFileInfo(path).suffix().toLower();
        // config.json wins: a folder with adapter_config.json beside it is still a model (the
        // summary under the model field says what it holds); only without it is one an adapter.
        if (isModelFolder(path) || suffix == QStringLiteral("pt") || suffix == QStringLiteral("pth")) {
            if (dropped.model.isEmpty())
                dropped.model = path;
        } else if (isAdapterFolder(path)) {
            if (dropped.adapter.isEmpty())
                dropped.adapter = path;
        }
    }
    return dropped;
}

} // namespace

NewEvaluationDialog::NewEvaluationDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("newEvaluationDialog"));
    setWindowTitle(tr("New evaluation"));
    // A .pt file or a model folder dropped anywhere on the dialog becomes the model, an adapter
    // folder the adapter.
    setAcceptDrops(true);

    m_form = new EvaluationForm;
    m_form->setObjectName(QStringLiteral("evaluationForm"));
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    m_form->load(settings);
    m_where = new ClusterBox;
    m_where->setObjectName(QStringLiteral("runOnBox"));
    m_where->load(settings);
    connect(m_where, &ClusterBox::targetChanged, this, &NewEvaluationDialog::onTargetChanged);
    m_submit = new Job<std::vector<store::JobRow>>(JobBase::Thread::Pool, this);
    connect(m_submit, &JobBase::finished, this, [this] {
        m_submitted = m_submit->takeResult();
        QSettings settings;
        settings.beginGroup(kSettingsGroup);
        m_form->save(settings);
        m_where->save(settings);
        QDialog::accept();
    });
    connect(m_submit, &JobBase::failed, this, [this](const QString& message) {
        setSubmitting(false);
        showInputError(tr("Cannot submit to Slurm"), message);
    });

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_start = buttons->button(QDialogButtonBox::Ok);
    m_start->setText(tr("Start"));
    m_start->setObjectName(QStringLiteral("startButton"));
    m_cancel = buttons->button(QDialogButtonBox::Cancel);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &NewEvaluationDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &NewEvaluationDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_form);
    layout->addWidget(m_where);
    layout->addWidget(buildQueueBox(), 1);
    layout->addWidget(buttons);
    updateQueueButtons();
    onTargetChanged(m_where->onCluster());
}

NewEvaluationDialog::~NewEvaluationDialog() = default;

QWidget* NewEvaluationDialog::buildQueueBox()
{
    auto* box = new QGroupBox(tr("Queue"));
    auto* layout = new QVBoxLayout(box);
    m_queue = new QListWidget;
    m_queue->setObjectName(QStringLiteral("queue"));
    m_queue->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_queue->setMinimumHeight(m_queue->fontMetrics().height() * 5);
    connect(m_queue, &QListWidget::itemSelectionChanged, this, &NewEvaluationDialog::updateQueueButtons);
    layout->addWidget(m_queue, 1);

    auto* add = new QPushButton(tr("&Add to queue"));
    add->setObjectName(QStringLiteral("addToQueue"));
    add->setToolTip(tr("Queue the form above; change it and add again for another config"));
    connect(add, &QPushButton::clicked, this, &NewEvaluationDialog::addToQueue);
    m_remove = new QPushButton(tr("Remo&ve"));
    m_remove->setObjectName(QStringLiteral("removeFromQueue"));
    connect(m_remove, &QPushButton::clicked, this, &NewEvaluationDialog::removeFromQueue);
    m_queueHint = new QLabel;
    m_queueHint->setObjectName(QStringLiteral("queueHint"));
    auto* row = new QHBoxLayout;
    row->addWidget(add);
    row->addWidget(m_remove);
    row->addWidget(m_queueHint, 1);
    layout->addLayout(row);
    return box;
}

void NewEvaluationDialog::updateQueueButtons()
{
    m_remove->setEnabled(!m_queue->selectedItems().isEmpty());
    m_queueHint->setText(
        m_queued.empty()
            ? tr("Empty: Start runs the form.")
            : tr("Start runs these %1 configs one after another, each its own group.").arg(m_queued.size()));
}

std::vector<engine::RunPlan> NewEvaluationDialog::plans() const
{
    if (!m_queued.empty())
        return m_queued;
    try {
        return m_form->plans();
    } catch (const std::exception&) {
        return {};
    }
}

QString NewEvaluationDialog::jobTitle() const
{
    return describePlans(plans());
}

void NewEvaluationDialog::setPlan(const engine::RunPlan& plan)
{
    m_form->setPlan(plan);
}

void NewEvaluationDialog::setDatabasePath(const QString& path)
{
    m_databasePath = path;
    m_where->setDatabasePath(path);
}

void NewEvaluationDialog::onTargetChanged(bool onCluster)
{
    m_form->setOnThisMachine(!onCluster);
    m_start->setText(onCluster ? tr("Submit") : tr("Start"));
    m_start->setToolTip(onCluster
                            ? tr("Check the model and task here, then queue one Slurm job array per config")
                            : QString());
}

void NewEvaluationDialog::setSubmitting(bool submitting)
{
    m_start->setEnabled(!submitting);
    m_cancel->setEnabled(!submitting);
    m_where->setEnabled(!submitting);
    m_start->setText(submitting ? tr("Submitting…") : m_where->onCluster() ? tr("Submit") : tr("Start"));
}

void NewEvaluationDialog::startSubmission()
{
    ClusterRequest request;
    try {
        if (m_databasePath.isEmpty())
            throw InputError("no database is open to record the submission in");
        request.slurm = m_where->slurmOptions();
    } catch (const std::exception& e) {
        showInputError(tr("Cannot submit to Slurm"), QString::fromStdString(e.what()));
        return;
    }
    request.plans = plans();
    request.database =
        QFile::encodeName(QDir::cleanPath(QFileInfo(m_databasePath).absoluteFilePath())).toStdString();
    request.shardsRoot = QFile::encodeName(m_where->shardsRoot()).toStdString();
    setSubmitting(true);
    m_submit->setDatabasePath(m_databasePath);
    // checkPlanFiles reads the task and a model folder's headers, and sbatch may take a while.
    m_submit->start(
        [request](JobContext& context) { return nf::ui::submitToCluster(context.store(), request); });
}

void NewEvaluationDialog::accept()
{
    if (m_submit->busy())
        return;
    try {
        if (m_queued.empty()) {
            m_form->plans();
        } else {
            // Queued forms were checked when added; a model or adapter may have gone since.
            for (const auto& plan : m_queued) {
                const QString model = QFile::decodeName(plan.modelPath.c_str());
                if (!QFileInfo(model).isFile() && !isModelFolder(model))
                    throw InputError("Model not found: " + plan.modelPath);
                if (!plan.adapterPath.empty() &&
                    !isAdapterFolder(QFile::decodeName(plan.adapterPath.c_str())))
                    throw InputError("Adapter folder not found: " + plan.adapterPath);
            }
        }
    } catch (const std::exception& e) {
        showInputError(m_where->onCluster() ? tr("Cannot submit to Slurm")
                                            : tr("Cannot start the evaluation"),
                       QString::fromStdString(e.what()));
        return;
    }
    if (m_where->onCluster()) {
        startSubmission();
        return;
    }
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    m_form->save(settings);
    m_where->save(settings);
    QDialog::accept();
}

void NewEvaluationDialog::addToQueue()
{
    try {
        for (auto& plan : m_form->plans()) {
            auto* item = new QListWidgetItem(describePlan(plan), m_queue);
            QString where = QFile::decodeName(plan.modelPath.c_str());
            if (!plan.adapterPath.empty())
                where += QStringLiteral(" + ") + QFile::decodeName(plan.adapterPath.c_str());
            item->setToolTip(where);
            m_queued.push_back(std::move(plan));
        }
    } catch (const std::exception& e) {
        showInputError(tr("Cannot add to the queue"), QString::fromStdString(e.what()));
    }
    updateQueueButtons();
}

void NewEvaluationDialog::removeFromQueue()
{
    // From the bottom up, so that the rows still to remove keep their numbers.
    for (int row = m_queue->count() - 1; row >= 0; --row) {
        if (!m_queue->item(row)->isSelected())
            continue;
        delete m_queue->takeItem(row);
        m_queued.erase(m_queued.begin() + row);
    }
    updateQueueButtons();
}

void NewEvaluationDialog::showInputError(const QString& title, const QString& message)
{
    if (m_errorBox)
        m_errorBox->close();
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("inputError"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_errorBox = box;
    box->open();
}

void NewEvaluationDialog::dragEnterEvent(QDragEnterEvent* event)
{
    if (!droppedPaths(event->mimeData()).empty())
        event->acceptProposedAction();
}

void NewEvaluationDialog::dropEvent(QDropEvent* event)
{
    const Dropped dropped = droppedPaths(event->mimeData());
    if (dropped.empty())
        return;
    if (!dropped.model.isEmpty())
        m_form->setModelPath(dropped.model);
    if (!dropped.adapter.isEmpty())
        m_form->setAdapterPath(dropped.adapter);
    event->acceptProposedAction();
}

} // namespace nf::ui
