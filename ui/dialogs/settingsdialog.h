#pragma once

// The database's zone settings: the three thresholds (accuracy points) and the reference the
// deviations are measured from. They live in the database, shared with `noisefloor-cli zones`,
// so every user and the CLI see the same zones.

#include <QDialog>
#include <QPointer>

QT_BEGIN_NAMESPACE
class QComboBox;
class QDoubleSpinBox;
class QMessageBox;
QT_END_NAMESPACE

namespace nf::store {
class Store;
}

namespace nf::ui {

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // Reads the current values from the store; accept() writes them back to it.
    explicit SettingsDialog(store::Store& store, QWidget* parent = nullptr);
    ~SettingsDialog() override;

public Q_SLOTS:
    // Stays open with a warning naming the field when the thresholds do not increase strictly.
    void accept() override;

private:
    void showError(const QString& message);

    store::Store& m_store;
    QDoubleSpinBox* m_watch = nullptr;
    QDoubleSpinBox* m_elevated = nullptr;
    QDoubleSpinBox* m_suspicious = nullptr;
    QComboBox* m_reference = nullptr;
    QPointer<QMessageBox> m_errorBox;
};

} // namespace nf::ui
