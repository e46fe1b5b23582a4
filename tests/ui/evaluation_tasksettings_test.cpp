// The settings dialog's per-task settings (thresholds and the difference that matters, shared with
// `noisefloor-cli zones --task`) and the app's limit on repeats queued at once.

#include "workspace/settings.h"
#include "core/scratch_dir.h"
#include "dialogs/settingsdialog.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>

namespace nf::ui {
namespace {

class TaskSettings : public ::testing::Test
{
protected:
    TaskSettings()
    {
        std::vector<store::TaskItem> items{{"s", "1"}, {"s", "0"}};
        taskA = m_store.ensureTask("image", "/missing/a", "sha-a", "task alpha", items);
        taskB = m_store.ensureTask("image", "/missing/b", "sha-b", "task beta", items);
        const int64_t model = m_store.ensureModel("/missing/m.pt", "sha-m", "classifier", "m");
        m_store.ensureConfig(model, taskA, "{}", "hash-a");
        m_store.ensureConfig(model, taskB, "{}", "hash-b");
    }

    ~TaskSettings() override { QSettings().remove(QStringLiteral("compare/maxRepeats")); }

    template <typename Widget> static Widget* field(const QDialog& dialog, const char* name)
    {
        auto* widget = dialog.findChild<Widget*>(QLatin1String(name));
        EXPECT_NE(widget, nullptr) << name;
        return widget;
    }

    static void choose(const QDialog& dialog, int64_t task)
    {
        auto* tasks = field<QComboBox>(dialog, "settingsTask");
        const int index = tasks->findData(qint64(task));
        ASSERT_GE(index, 0) << task;
        tasks->setCurrentIndex(index);
    }

    test::ScratchDir m_dir;
    store::Store m_store{m_dir / "runs.sqlite"};
    int64_t taskA = 0;
    int64_t taskB = 0;
};

TEST_F(TaskSettings, OffersTheDefaultAndEveryTaskOfTheDatabase)
{
    SettingsDialog dialog(m_store);
    auto* tasks = field<QComboBox>(dialog, "settingsTask");
    ASSERT_EQ(tasks->count(), 3);
    EXPECT_EQ(tasks->itemText(0), QStringLiteral("All tasks (default)"));
    EXPECT_EQ(tasks->currentIndex(), 0);
    EXPECT_TRUE(tasks->itemText(1).contains(QStringLiteral("task alpha")));
    EXPECT_TRUE(tasks->itemText(2).contains(QStringLiteral("task beta")));
    // The default has no difference that matters of its own: each task's is its watch threshold.
    EXPECT_FALSE(field<QDoubleSpinBox>(dialog, "differenceThatMatters")->isEnabled());
}

TEST_F(TaskSettings, SetsOneTasksThresholdsAndDifferenceThatMattersAndLeavesTheRestAlone)
{
    SettingsDialog dialog(m_store);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    choose(dialog, taskA);
    field<QCheckBox>(dialog, "ownThresholds")->setChecked(true);
    field<QDoubleSpinBox>(dialog, "watchThreshold")->setValue(2);
    field<QDoubleSpinBox>(dialog, "elevatedThreshold")->setValue(4);
    field<QDoubleSpinBox>(dialog, "suspiciousThreshold")->setValue(6);
    field<QCheckBox>(dialog, "ownDifferenceThatMatters")->setChecked(true);
    field<QDoubleSpinBox>(dialog, "differenceThatMatters")->setValue(1.5);
    field<QPushButton>(dialog, "okButton")->click();

    ASSERT_EQ(accepted.count(), 1);
    EXPECT_TRUE(workspace::taskHasOwnThresholds(m_store, taskA));
    const auto own = workspace::taskZoneThresholds(m_store, taskA);
    EXPECT_DOUBLE_EQ(own.watch, 2.0);
    EXPECT_DOUBLE_EQ(own.elevated, 4.0);
    EXPECT_DOUBLE_EQ(own.suspicious, 6.0);
    EXPECT_DOUBLE_EQ(workspace::differenceThatMatters(m_store, taskA), 1.5);
    EXPECT_DOUBLE_EQ(workspace::zoneThresholds(m_store).watch, 1.0); // the default stays
    EXPECT_FALSE(workspace::taskHasOwnThresholds(m_store, taskB));
    EXPECT_FALSE(workspace::taskHasOwnDifferenceThatMatters(m_store, taskB));
}

TEST_F(TaskSettings, OpensOnATasksOwnValuesAndUncheckingThemGoesBackToTheDefault)
{
    workspace::setTaskZoneThresholds(m_store, taskB, stats::ZoneThresholds{0.5, 1, 2});
    workspace::setDifferenceThatMatters(m_store, taskB, 0.25);
    SettingsDialog dialog(m_store, nullptr, taskB);
    EXPECT_EQ(field<QComboBox>(dialog, "settingsTask")->currentData().toLongLong(), taskB);
    EXPECT_TRUE(field<QCheckBox>(dialog, "ownThresholds")->isChecked());
    EXPECT_DOUBLE_EQ(field<QDoubleSpinBox>(dialog, "watchThreshold")->value(), 0.5);
    EXPECT_DOUBLE_EQ(field<QDoubleSpinBox>(dialog, "differenceThatMatters")->value(), 0.25);

    field<QCheckBox>(dialog, "ownThresholds")->setChecked(false);
    EXPECT_DOUBLE_EQ(field<QDoubleSpinBox>(dialog, "watchThreshold")->value(), 1.0); // shows the default
    EXPECT_FALSE(field<QDoubleSpinBox>(dialog, "watchThreshold")->isEnabled());
    field<QCheckBox>(dialog, "ownDifferenceThatMatters")->setChecked(false);
    field<QPushButton>(dialog, "okButton")->click();

    EXPECT_FALSE(workspace::taskHasOwnThresholds(m_store, taskB));
    EXPECT_FALSE(workspace::taskHasOwnDifferenceThatMatters(m_store, taskB));
    EXPECT_DOUBLE_EQ(workspace::differenceThatMatters(m_store, taskB), 1.0); // the watch threshold
}

TEST_F(TaskSettings, OkWritesBackOnlyWhatWasChangedAndKeepsTheCommandLinesDecimals)
{
    // Set from the CLI with more decimals than the boxes show: looking and pressing OK must not
    // round them, and a task the user did not touch is not written at all.
    workspace::setZoneThresholds(m_store, stats::ZoneThresholds{1.125, 3.0625, 5.0});
    workspace::setDifferenceThatMatters(m_store, taskB, 0.1234);
    {
        SettingsDialog dialog(m_store, nullptr, taskB);
        choose(dialog, 0);
        choose(dialog, taskB);
        field<QPushButton>(dialog, "okButton")->click();
    }
    EXPECT_EQ(workspace::zoneThresholds(m_store).watch, 1.125);
    EXPECT_EQ(workspace::zoneThresholds(m_store).elevated, 3.0625);
    EXPECT_EQ(workspace::differenceThatMatters(m_store, taskB), 0.1234);
    EXPECT_FALSE(workspace::taskHasOwnThresholds(m_store, taskB));
    // An edit of one box writes that value and keeps the others as stored.
    {
        SettingsDialog dialog(m_store);
        field<QDoubleSpinBox>(dialog, "suspiciousThreshold")->setValue(6.0);
        field<QPushButton>(dialog, "okButton")->click();
    }
    EXPECT_EQ(workspace::zoneThresholds(m_store).watch, 1.125);
    EXPECT_EQ(workspace::zoneThresholds(m_store).suspicious, 6.0);
}

TEST_F(TaskSettings, KeepsEditsWhileSwitchingBetweenTasks)
{
    SettingsDialog dialog(m_store);
    choose(dialog, taskA);
    field<QCheckBox>(dialog, "ownDifferenceThatMatters")->setChecked(true);
    field<QDoubleSpinBox>(dialog, "differenceThatMatters")->setValue(2.5);
    choose(dialog, taskB);
    EXPECT_FALSE(field<QCheckBox>(dialog, "ownDifferenceThatMatters")->isChecked());
    choose(dialog, 0);
    field<QDoubleSpinBox>(dialog, "watchThreshold")->setValue(0.75);
    choose(dialog, taskA);
    EXPECT_DOUBLE_EQ(field<QDoubleSpinBox>(dialog, "differenceThatMatters")->value(), 2.5);
    // Without its own thresholds, task A shows the default as edited in the dialog.
    EXPECT_DOUBLE_EQ(field<QDoubleSpinBox>(dialog, "watchThreshold")->value(), 0.75);
    field<QPushButton>(dialog, "okButton")->click();

    EXPECT_DOUBLE_EQ(workspace::differenceThatMatters(m_store, taskA), 2.5);
    EXPECT_DOUBLE_EQ(workspace::zoneThresholds(m_store).watch, 0.75);
    EXPECT_DOUBLE_EQ(workspace::differenceThatMatters(m_store, taskB), 0.75); // follows the new default
}

TEST_F(TaskSettings, RefusesATasksThresholdsThatDoNotIncreaseAndNamesTheTask)
{
    SettingsDialog dialog(m_store);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.show();
    choose(dialog, taskA);
    field<QCheckBox>(dialog, "ownThresholds")->setChecked(true);
    field<QDoubleSpinBox>(dialog, "watchThreshold")->setValue(3);
    field<QDoubleSpinBox>(dialog, "elevatedThreshold")->setValue(3);
    choose(dialog, 0); // the error is found on the task, not only on the scope shown
    field<QPushButton>(dialog, "okButton")->click();

    auto* box = dialog.findChild<QMessageBox*>(QStringLiteral("settingsError"));
    ASSERT_NE(box, nullptr);
    EXPECT_TRUE(box->text().contains(QStringLiteral("Elevated"))) << box->text().toStdString();
    EXPECT_TRUE(box->text().contains(QStringLiteral("task %1").arg(taskA))) << box->text().toStdString();
    EXPECT_EQ(field<QComboBox>(dialog, "settingsTask")->currentData().toLongLong(), taskA);
    EXPECT_EQ(accepted.count(), 0);
    EXPECT_FALSE(workspace::taskHasOwnThresholds(m_store, taskA));
    box->close();
}

TEST_F(TaskSettings, KeepsTheLimitOnRepeatsQueuedAtOnceForThisComputer)
{
    EXPECT_EQ(SettingsDialog::maxRepeatsAtOnce(), SettingsDialog::kDefaultMaxRepeats);
    SettingsDialog dialog(m_store);
    auto* limit = field<QSpinBox>(dialog, "maxRepeats");
    EXPECT_EQ(limit->value(), 100);
    limit->setValue(40);
    field<QPushButton>(dialog, "okButton")->click();
    EXPECT_EQ(SettingsDialog::maxRepeatsAtOnce(), 40);
    EXPECT_EQ(QSettings().value(QStringLiteral("compare/maxRepeats")).toInt(), 40);
}

} // namespace
} // namespace nf::ui
