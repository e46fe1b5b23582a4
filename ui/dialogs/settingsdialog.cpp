#include "dialogs/settingsdialog.h"

#include "analysis/settings.h"
#include "stats/types.h"
#include "store/store.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace nf::ui {
namespace {

QDoubleSpinBox* thresholdBox(const char* name, double value)
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

SettingsDialog::SettingsDialog(store::Store& store, QWidget* parent) : QDialog(parent), m_store(store)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Zone settings"));
    stats::ZoneThresholds thresholds;
    try {
        thresholds = analysis::zoneThresholds(m_store);
    } catch (const std::exception&) {
        // A setting edited by hand into nonsense: start from the defaults, which OK writes back.
    }

    auto* intro = new QLabel(tr("A run's zone comes from how far its accuracy lies from the group's "
                                "reference, in accuracy points. Stored in the database, so the "
                                "command line's zones and every user of this database agree."));
    intro->setWordWrap(true);
    intro->setMinimumWidth(intro->fontMetrics().averageCharWidth() * 60);

    m_watch = thresholdBox("watchThreshold", thresholds.watch);
    m_elevated = thresholdBox("elevatedThreshold", thresholds.elevated);
    m_suspicious = thresholdBox("suspiciousThreshold", thresholds.suspicious);
    m_reference = new QComboBox;
    m_reference->setObjectName(QStringLiteral("referenceMode"));
    m_reference->addItem(tr("Median of the group's runs"), QStringLiteral("median"));
    m_reference->addItem(tr("Mean of the group's runs"), QStringLiteral("mean"));
    m_reference->setCurrentIndex(analysis::referenceMode(m_store) == stats::ReferenceMode::Mean ? 1 : 0);
    m_reference->setToolTip(tr("A pinned baseline, where a task has one, replaces this reference"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Watch from:"), m_watch);
    form->addRow(tr("&Elevated from:"), m_elevated);
    form->addRow(tr("&Suspicious from:"), m_suspicious);
    form->addRow(tr("&Reference:"), m_reference);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("okButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::accept()
{
    if (!(m_elevated->value() > m_watch->value())) {
        showError(tr("Elevated (%1 points) must be above Watch (%2 points).")
                      .arg(m_elevated->value())
                      .arg(m_watch->value()));
        return;
    }
    if (!(m_suspicious->value() > m_elevated->value())) {
        showError(tr("Suspicious (%1 points) must be above Elevated (%2 points).")
                      .arg(m_suspicious->value())
                      .arg(m_elevated->value()));
        return;
    }
    try {
        analysis::setZoneThresholds(m_store, {m_watch->value(), m_elevated->value(), m_suspicious->value()});
        analysis::setReferenceMode(m_store, m_reference->currentData().toString() == QStringLiteral("mean")
                                                ? stats::ReferenceMode::Mean
                                                : stats::ReferenceMode::Median);
    } catch (const std::exception& e) {
        // A read-only or locked database.
        showError(QString::fromStdString(e.what()));
        return;
    }
    QDialog::accept();
}

void SettingsDialog::showError(const QString& message)
{
    if (m_errorBox)
        m_errorBox->close();
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Zone settings"), message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("settingsError"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_errorBox = box;
    box->open();
}

} // namespace nf::ui
