// The zone settings dialog reads and writes the database's settings, shared with the CLI.

#include "workspace/settings.h"
#include "core/scratch_dir.h"
#include "dialogs/settingsdialog.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>

namespace nf::ui {
namespace {

class SettingsDialogTest : public ::testing::Test
{
protected:
    template <typename Widget> static Widget* field(const QDialog& dialog, const char* name)
    {
        auto* widget = dialog.findChild<Widget*>(QLatin1String(name));
        EXPECT_NE(widget, nullptr) << name;
        return widget;
    }

    test::ScratchDir m_dir;
    store::Store m_store{m_dir / "runs.sqlite"};
};

TEST_F(SettingsDialogTest, ShowsTheDatabasesSettings)
{
    workspace::setZoneThresholds(m_store, {0.5, 2, 4});
    workspace::setReferenceMode(m_store, stats::ReferenceMode::Mean);
    SettingsDialog dialog(m_store);
    EXPECT_DOUBLE_EQ(field<QDoubleSpinBox>(dialog, "watchThreshold")->value(), 0.5);
    EXPECT_DOUBLE_EQ(field<QDoubleSpinBox>(dialog, "elevatedThreshold")->value(), 2.0);
    EXPECT_DOUBLE_EQ(field<QDoubleSpinBox>(dialog, "suspiciousThreshold")->value(), 4.0);
    EXPECT_EQ(field<QComboBox>(dialog, "referenceMode")->currentData().toString(), QStringLiteral("mean"));
}

TEST_F(SettingsDialogTest, WritesIncreasingThresholdsAndTheReferenceMode)
{
    SettingsDialog dialog(m_store);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    field<QDoubleSpinBox>(dialog, "watchThreshold")->setValue(0.5);
    field<QDoubleSpinBox>(dialog, "elevatedThreshold")->setValue(1.5);
    field<QDoubleSpinBox>(dialog, "suspiciousThreshold")->setValue(2.5);
    auto* reference = field<QComboBox>(dialog, "referenceMode");
    reference->setCurrentIndex(reference->findData(QStringLiteral("mean")));
    field<QPushButton>(dialog, "okButton")->click();

    EXPECT_EQ(accepted.count(), 1);
    const auto thresholds = workspace::zoneThresholds(m_store);
    EXPECT_DOUBLE_EQ(thresholds.watch, 0.5);
    EXPECT_DOUBLE_EQ(thresholds.elevated, 1.5);
    EXPECT_DOUBLE_EQ(thresholds.suspicious, 2.5);
    EXPECT_EQ(workspace::referenceMode(m_store), stats::ReferenceMode::Mean);
}

TEST_F(SettingsDialogTest, RefusesThresholdsThatDoNotIncreaseAndNamesTheField)
{
    SettingsDialog dialog(m_store);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.show();
    field<QDoubleSpinBox>(dialog, "watchThreshold")->setValue(3);
    field<QDoubleSpinBox>(dialog, "elevatedThreshold")->setValue(3);
    field<QPushButton>(dialog, "okButton")->click();

    auto* box = dialog.findChild<QMessageBox*>(QStringLiteral("settingsError"));
    ASSERT_NE(box, nullptr);
    EXPECT_TRUE(box->text().contains(QStringLiteral("Elevated"))) << box->text().toStdString();
    EXPECT_EQ(accepted.count(), 0);
    EXPECT_TRUE(dialog.isVisible());
    const auto thresholds = workspace::zoneThresholds(m_store);
    EXPECT_DOUBLE_EQ(thresholds.watch, 1.0); // unchanged defaults
    EXPECT_DOUBLE_EQ(thresholds.elevated, 3.0);
    box->close();
}

} // namespace
} // namespace nf::ui
