#pragma once

// File -> Import and files dropped on the window: what the chosen files and folders hold (per
// source its format, runs and items, whether it was imported before) and what importing them would
// change (the groups the runs join or create), with the options that change how they are read: the
// benchmark data folder to score against, its split, the model's name, lm-eval's metric. Nothing is
// written before Import. Reading (a 100 MB lm-eval output takes seconds) and storing run as Jobs
// on a pool thread, each with its own Store on the database's path; the dialog stays responsive
// meanwhile.

#include "workspace/import.h"
#include "jobs/job.h"

#include <QDialog>
#include <QStringList>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;
QT_END_NAMESPACE

namespace nf::ui {

class ImportDialog : public QDialog
{
    Q_OBJECT
public:
    // Starts reading `paths` (files, folders or globs) at once; `databasePath` is the database the
    // preview is measured against and Import writes to.
    ImportDialog(const QString& databasePath, const QStringList& paths, QWidget* parent = nullptr);
    ~ImportDialog() override;

    QStringList paths() const { return m_paths; }
    // The options as the form holds them.
    workspace::ImportOptions options() const;
    // Fills the form and reads the sources again when anything changed.
    void setOptions(const workspace::ImportOptions& options);

    // True while the sources are read or the import is stored, until the result is shown.
    bool busy() const;
    // The last successful read's preview; empty before one and after an error.
    const workspace::ImportPreview& preview() const { return m_preview; }
    // The last read's or import's error, as the dialog shows it; empty when there is none.
    QString errorText() const;

    // After Import (the dialog accepted): what was stored, and the line the status bar shows.
    const workspace::ImportResult& result() const { return m_result; }
    QString resultSummary() const;

public Q_SLOTS:
    // Stores the plan on a pool thread and closes the dialog when it is stored; on failure
    // nothing is stored and the dialog stays open with the message.
    void accept() override;
    // Ignored while the import is being stored: it is one transaction and cannot stop halfway.
    void reject() override;

Q_SIGNALS:
    // After each read of the sources is shown, successful or not (tests wait on it).
    void planShown();

private:
    // A failed read is a result too: it still says whether an lm-eval source was among the paths.
    struct PlanOutcome
    {
        std::shared_ptr<const workspace::ImportPlan> plan;
        workspace::ImportPreview preview;
        QString error;
        bool lmEvalSeen = false; // an lm-eval source among the paths (also when the read failed)
    };

    QWidget* buildOptions();
    void replan();
    void showPlan(const PlanOutcome& outcome);
    void showApplyFailure(const QString& message);
    void showBusy(const QString& text);
    void showError(const QString& message);
    void chooseDataFolder();
    void updateControls();
    void fitContents();

    QStringList m_paths;

    QTreeWidget* m_sources = nullptr;
    QLabel* m_notes = nullptr;
    QLabel* m_totals = nullptr;
    QLabel* m_groups = nullptr;
    QLabel* m_error = nullptr;
    QFormLayout* m_form = nullptr;
    QLineEdit* m_data = nullptr;
    QPushButton* m_chooseData = nullptr;
    QComboBox* m_split = nullptr;
    QLineEdit* m_model = nullptr;
    QComboBox* m_metric = nullptr;
    QProgressBar* m_busyBar = nullptr;
    QLabel* m_busyText = nullptr;
    QPushButton* m_import = nullptr;
    QPushButton* m_cancel = nullptr;

    Job<PlanOutcome> m_read;
    Job<workspace::ImportResult> m_store;
    // The form changed while a read was running: its result is dropped and the read starts again
    // once it ends (two reads of a large output at once would only slow both).
    bool m_replanWanted = false;
    std::optional<workspace::ImportOptions> m_plannedOptions;
    std::shared_ptr<const workspace::ImportPlan> m_plan;
    workspace::ImportPreview m_preview;
    workspace::ImportResult m_result;
    bool m_lmEvalSeen = false;
    bool m_shownOnce = false;
};

} // namespace nf::ui
