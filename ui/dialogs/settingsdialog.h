#pragma once

// The settings: the zone thresholds (accuracy points) and the difference that matters, for every
// task or for one task, and the reference the deviations are measured from; these live in the
// database, shared with `noisefloor-cli zones`, so every user and the CLI see the same zones and
// verdicts. Also the app's own limit on the repeats one click may queue (this computer only).

#include "stats/types.h"

#include <QDialog>
#include <QPointer>
#include <map>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QMessageBox;
class QSpinBox;
QT_END_NAMESPACE

namespace nf::store {
class Store;
}

namespace nf::ui {

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // Reads the current values from the store; accept() writes them back to it. `taskId` > 0
    // opens on that task's own settings, else on the database's default.
    explicit SettingsDialog(store::Store& store, QWidget* parent = nullptr, qint64 taskId = 0);
    ~SettingsDialog() override;

    // The most runs "Run N more repeats" queues at once (QSettings "compare/maxRepeats").
    static constexpr int kDefaultMaxRepeats = 100;
    static int maxRepeatsAtOnce();
    static void setMaxRepeatsAtOnce(int runs);

    // Shows the settings of this task (0: the default).
    void showTask(qint64 taskId);

public Q_SLOTS:
    // Stays open with a warning naming the field (and the task) when the thresholds do not
    // increase strictly.
    void accept() override;

private:
    // The values of one scope (task 0: the database's default) as the dialog holds them.
    struct Scope
    {
        bool ownThresholds = true;
        stats::ZoneThresholds thresholds;
        bool ownMatters = false;
        double matters = 1.0;
        bool operator==(const Scope& other) const;
    };
    Scope& scope(qint64 taskId);
    std::map<qint64, Scope> m_read; // each scope as the database had it: OK writes only what changed
    void saveShown();
    void loadShown();
    void updateEnabled();
    QString scopeName(qint64 taskId) const;
    void showError(const QString& message);

    store::Store& m_store;
    QComboBox* m_task = nullptr;
    QLabel* m_scopeNote = nullptr;
    QCheckBox* m_ownThresholds = nullptr;
    QDoubleSpinBox* m_watch = nullptr;
    QDoubleSpinBox* m_elevated = nullptr;
    QDoubleSpinBox* m_suspicious = nullptr;
    QCheckBox* m_ownMatters = nullptr;
    QDoubleSpinBox* m_matters = nullptr;
    QComboBox* m_reference = nullptr;
    QSpinBox* m_maxRepeats = nullptr;
    QPointer<QMessageBox> m_errorBox;
    std::map<qint64, Scope> m_scopes; // the scopes shown so far, with the user's edits
    qint64 m_shown = 0;
};

} // namespace nf::ui
