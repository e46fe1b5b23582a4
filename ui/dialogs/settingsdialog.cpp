#include "dialogs/settingsdialog.h"

#include "workspace/settings.h"
#include "store/store.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>
#include <set>

namespace nf::ui {
namespace {

const QString kMaxRepeatsKey = QStringLiteral("compare/maxRepeats");

QDoubleSpinBox* pointsBox(const char* name, double value)
{
    auto* box = new QDoubleSpinBox;
    box->setObjectName(QLatin1String(name));
    box->setRange(0.01, 100.0);
    box->setDecimals(2);
    box->setSingleStep(0.5);
    box->setSuffix(QStringLiteral(" points"));
    box->setValue(value);
    return box;
}

} // namespace

int SettingsDialog::maxRepeatsAtOnce()
{
    bool ok = false;
    const int runs = QSettings().value(kMaxRepeatsKey, kDefaultMaxRepeats).toInt(&ok);
    return ok && runs > 0 ? runs : kDefaultMaxRepeats;
}

void SettingsDialog::setMaxRepeatsAtOnce(int runs)
{
    QSettings().setValue(kMaxRepeatsKey, runs);
}

SettingsDialog::SettingsDialog(store::Store& store, QWidget* parent, qint64 taskId)
    : QDialog(parent), m_store(store)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));

    auto* intro =
        new QLabel(tr("A run's zone comes from how far its accuracy lies from the group's reference, in "
                      "accuracy points; a comparison asks whether a difference reaches the difference "
                      "that matters. Both are stored in the database, so the command line and every "
                      "user of this database agree. A task without its own uses the default."));
    intro->setWordWrap(true);
    intro->setMinimumWidth(intro->fontMetrics().averageCharWidth() * 70);

    m_task = new QComboBox;
    m_task->setObjectName(QStringLiteral("settingsTask"));
    m_task->addItem(tr("All tasks (default)"), qint64(0));
    std::set<int64_t> tasks;
    try {
        for (const auto& group : m_store.groups())
            tasks.insert(group.taskId);
        for (const int64_t id : tasks)
            m_task->addItem(tr("task %1: %2").arg(id).arg(QString::fromStdString(m_store.task(id).label)),
                            qint64(id));
    } catch (const std::exception&) {
        // An unreadable database: the default can still be set.
    }
    m_scopeNote = new QLabel;
    m_scopeNote->setObjectName(QStringLiteral("settingsScopeNote"));
    m_scopeNote->setWordWrap(true);

    m_ownThresholds = new QCheckBox(tr("This task has its own thresholds"));
    m_ownThresholds->setObjectName(QStringLiteral("ownThresholds"));
    m_watch = pointsBox("watchThreshold", 1.0);
    m_elevated = pointsBox("elevatedThreshold", 3.0);
    m_suspicious = pointsBox("suspiciousThreshold", 5.0);
    m_ownMatters = new QCheckBox(tr("This task has its own difference that matters"));
    m_ownMatters->setObjectName(QStringLiteral("ownDifferenceThatMatters"));
    m_matters = pointsBox("differenceThatMatters", 1.0);
    m_matters->setSingleStep(0.25);
    m_matters->setToolTip(tr("The smallest difference that would change a decision on this task: the Compare "
                             "tab's \"Does it matter?\" is answered against it. Without its own, a task uses "
                             "its watch threshold."));

    auto* zones = new QGroupBox(tr("Zones and the difference that matters"));
    auto* zoneForm = new QFormLayout(zones);
    zoneForm->addRow(tr("Settings &for:"), m_task);
    zoneForm->addRow(m_scopeNote);
    zoneForm->addRow(m_ownThresholds);
    zoneForm->addRow(tr("&Watch from:"), m_watch);
    zoneForm->addRow(tr("&Elevated from:"), m_elevated);
    zoneForm->addRow(tr("&Suspicious from:"), m_suspicious);
    zoneForm->addRow(m_ownMatters);
    zoneForm->addRow(tr("&Difference that matters:"), m_matters);

    m_reference = new QComboBox;
    m_reference->setObjectName(QStringLiteral("referenceMode"));
    m_reference->addItem(tr("Median of the group's runs"), QStringLiteral("median"));
    m_reference->addItem(tr("Mean of the group's runs"), QStringLiteral("mean"));
    m_reference->setCurrentIndex(workspace::referenceMode(m_store) == stats::ReferenceMode::Mean ? 1 : 0);
    m_reference->setToolTip(tr("A pinned baseline, where a task has one, replaces this reference"));
    auto* reference = new QGroupBox(tr("Every task"));
    auto* referenceForm = new QFormLayout(reference);
    referenceForm->addRow(tr("&Reference:"), m_reference);

    m_maxRepeats = new QSpinBox;
    m_maxRepeats->setObjectName(QStringLiteral("maxRepeats"));
    m_maxRepeats->setRange(1, 100000);
    m_maxRepeats->setSuffix(tr(" runs"));
    m_maxRepeats->setValue(maxRepeatsAtOnce());
    m_maxRepeats->setToolTip(
        tr("The Compare tab's \"Run N more repeats\" refuses a larger plan and says what would "
           "help instead"));
    auto* computer = new QGroupBox(tr("This computer"));
    auto* computerForm = new QFormLayout(computer);
    computerForm->addRow(tr("&Most repeats to queue at once:"), m_maxRepeats);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("okButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(zones);
    layout->addWidget(reference);
    layout->addWidget(computer);
    layout->addWidget(buttons);

    loadShown();
    connect(m_task, &QComboBox::currentIndexChanged, this, [this] {
        saveShown();
        m_shown = m_task->currentData().toLongLong();
        loadShown();
    });
    connect(m_ownThresholds, &QCheckBox::toggled, this, [this](bool own) {
        if (!own) { // back to the default's values, as the task will then use them
            const auto& defaults = scope(0).thresholds;
            m_watch->setValue(defaults.watch);
            m_elevated->setValue(defaults.elevated);
            m_suspicious->setValue(defaults.suspicious);
        }
        updateEnabled();
    });
    connect(m_ownMatters, &QCheckBox::toggled, this, [this](bool own) {
        if (!own)
            m_matters->setValue(m_watch->value());
        updateEnabled();
    });
    // Without its own, the difference that matters follows the watch threshold shown.
    connect(m_watch, &QDoubleSpinBox::valueChanged, this, [this](double watch) {
        if (!m_ownMatters->isChecked())
            m_matters->setValue(watch);
    });
    if (taskId > 0)
        showTask(taskId);
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::showTask(qint64 taskId)
{
    const int index = m_task->findData(taskId);
    if (index >= 0)
        m_task->setCurrentIndex(index);
}

SettingsDialog::Scope& SettingsDialog::scope(qint64 taskId)
{
    auto found = m_scopes.find(taskId);
    if (found != m_scopes.end())
        return found->second;
    Scope read;
    try {
        if (taskId == 0) {
            read.thresholds = workspace::zoneThresholds(m_store);
        } else {
            read.ownThresholds = workspace::taskHasOwnThresholds(m_store, taskId);
            read.thresholds =
                read.ownThresholds ? workspace::taskZoneThresholds(m_store, taskId) : scope(0).thresholds;
            read.ownMatters = workspace::taskHasOwnDifferenceThatMatters(m_store, taskId);
            read.matters =
                read.ownMatters ? workspace::differenceThatMatters(m_store, taskId) : read.thresholds.watch;
        }
    } catch (const std::exception&) {
        // A setting edited by hand into nonsense: start from the defaults, which OK writes back.
    }
    m_read.emplace(taskId, read);
    return m_scopes.emplace(taskId, read).first->second;
}

bool SettingsDialog::Scope::operator==(const Scope& other) const
{
    return ownThresholds == other.ownThresholds && thresholds.watch == other.thresholds.watch &&
           thresholds.elevated == other.thresholds.elevated &&
           thresholds.suspicious == other.thresholds.suspicious && ownMatters == other.ownMatters &&
           matters == other.matters;
}

void SettingsDialog::saveShown()
{
    Scope& shown = scope(m_shown);
    // A box still showing the stored value keeps it as stored: the CLI may have set more decimals
    // than the box has, and looking must not round them away.
    const auto kept = [](double stored, const QDoubleSpinBox* box) {
        return box->valueFromText(box->textFromValue(stored)) == box->value() ? stored : box->value();
    };
    const bool ownThresholds = m_shown == 0 || m_ownThresholds->isChecked();
    const auto& showing = shown.ownThresholds ? shown.thresholds : scope(0).thresholds;
    shown.thresholds = {kept(showing.watch, m_watch), kept(showing.elevated, m_elevated),
                        kept(showing.suspicious, m_suspicious)};
    shown.ownThresholds = ownThresholds;
    const double showingMatters = shown.ownMatters ? shown.matters : showing.watch;
    shown.ownMatters = m_shown != 0 && m_ownMatters->isChecked();
    shown.matters = kept(showingMatters, m_matters);
}

void SettingsDialog::loadShown()
{
    const Scope& shown = scope(m_shown);
    const QSignalBlocker blockOwn(m_ownThresholds);
    const QSignalBlocker blockOwnMatters(m_ownMatters);
    const QSignalBlocker blockWatch(m_watch);
    m_ownThresholds->setChecked(shown.ownThresholds);
    m_ownMatters->setChecked(shown.ownMatters);
    // A task without its own thresholds shows the default as it stands in this dialog.
    const auto& thresholds = shown.ownThresholds ? shown.thresholds : scope(0).thresholds;
    m_watch->setValue(thresholds.watch);
    m_elevated->setValue(thresholds.elevated);
    m_suspicious->setValue(thresholds.suspicious);
    m_matters->setValue(shown.ownMatters ? shown.matters : thresholds.watch);
    m_scopeNote->setText(m_shown == 0
                             ? tr("The database's default, for every task without its own. The difference "
                                  "that matters of such a task is its watch threshold.")
                             : tr("This task's own settings; unchecked, a setting follows the default."));
    updateEnabled();
}

void SettingsDialog::updateEnabled()
{
    const bool task = m_shown != 0;
    m_ownThresholds->setVisible(task);
    m_ownMatters->setVisible(task);
    const bool thresholds = !task || m_ownThresholds->isChecked();
    m_watch->setEnabled(thresholds);
    m_elevated->setEnabled(thresholds);
    m_suspicious->setEnabled(thresholds);
    m_matters->setEnabled(task && m_ownMatters->isChecked());
}

QString SettingsDialog::scopeName(qint64 taskId) const
{
    return taskId == 0 ? tr("the default") : tr("task %1").arg(taskId);
}

void SettingsDialog::accept()
{
    saveShown();
    for (const auto& [taskId, values] : m_scopes) {
        if (!values.ownThresholds)
            continue;
        const auto& t = values.thresholds;
        QString problem;
        if (!(t.elevated > t.watch))
            problem = tr("Elevated (%1 points) must be above Watch (%2 points)").arg(t.elevated).arg(t.watch);
        else if (!(t.suspicious > t.elevated))
            problem = tr("Suspicious (%1 points) must be above Elevated (%2 points)")
                          .arg(t.suspicious)
                          .arg(t.elevated);
        if (!problem.isEmpty()) {
            showTask(taskId);
            showError(problem + tr(" for %1.").arg(scopeName(taskId)));
            return;
        }
    }
    try {
        m_store.inTransaction([&] {
            for (const auto& [taskId, values] : m_scopes) {
                if (values == m_read.at(taskId))
                    continue;
                if (taskId == 0) {
                    workspace::setZoneThresholds(m_store, values.thresholds);
                    continue;
                }
                workspace::setTaskZoneThresholds(
                    m_store, taskId, values.ownThresholds ? std::optional(values.thresholds) : std::nullopt);
                workspace::setDifferenceThatMatters(
                    m_store, taskId, values.ownMatters ? std::optional(values.matters) : std::nullopt);
            }
            workspace::setReferenceMode(m_store,
                                       m_reference->currentData().toString() == QStringLiteral("mean")
                                           ? stats::ReferenceMode::Mean
                                           : stats::ReferenceMode::Median);
        });
    } catch (const std::exception& e) {
        // A read-only or locked database.
        showError(QString::fromStdString(e.what()));
        return;
    }
    setMaxRepeatsAtOnce(m_maxRepeats->value());
    QDialog::accept();
}

void SettingsDialog::showError(const QString& message)
{
    if (m_errorBox)
        m_errorBox->close();
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Settings"), message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("settingsError"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_errorBox = box;
    box->open();
}

} // namespace nf::ui
