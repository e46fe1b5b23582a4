// The form's widgets for the evaluation settings take their names, ranges, defaults and tooltips
// from the table (engine/settings.h), read into a config, show one, and are saved by name.

#include "common/error.h"
#include "core/scratch_dir.h"
#include "dialogs/settingwidgets.h"
#include "form_fixture.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>
#include <memory>

namespace nf::ui {
namespace {

TEST(SettingWidgets, TakeNameRangeDefaultAndTooltipFromTheTable)
{
    SettingWidgets widgets;
    std::unique_ptr<QSpinBox> batch(widgets.spinBox("batch_size"));
    EXPECT_EQ(batch->objectName(), QStringLiteral("batchSize"));
    EXPECT_EQ(batch->value(), engine::kClassifierBatchSize);
    EXPECT_EQ(batch->minimum(), 1);
    EXPECT_EQ(batch->maximum(), engine::kMaxBatchSize) << "the range the CLI takes";
    EXPECT_EQ(batch->toolTip().toStdString(), engine::setting("batch_size").help);
    std::unique_ptr<QDoubleSpinBox> topP(widgets.doubleSpinBox("top_p", 2, 0.05));
    EXPECT_DOUBLE_EQ(topP->minimum(), 0.01) << "above the excluded 0 by one step";
    EXPECT_DOUBLE_EQ(topP->maximum(), 1.0);
    std::unique_ptr<QComboBox> shots(
        widgets.comboBox("shots", {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
    EXPECT_EQ(shots->currentData().toString(), QStringLiteral("per-item"));
    EXPECT_EQ(shots->toolTip().toStdString(), engine::setting("shots").about);
}

TEST(SettingWidgets, ReadShowAndSaveAConfig)
{
    test::ScratchDir dir;
    test::useScratchSettings(dir.path());
    SettingWidgets widgets;
    std::unique_ptr<QSpinBox> limit(widgets.spinBox("limit"));
    std::unique_ptr<QLineEdit> normalize(widgets.lineEdit("normalize"));
    std::unique_ptr<QComboBox> order(
        widgets.comboBox("order", {QStringLiteral("fixed"), QStringLiteral("shuffled")}));

    engine::EvalConfig shown;
    shown.limit = 20;
    shown.order = engine::Order::Shuffled;
    shown.normalizeMean = 0.286;
    shown.normalizeStd = 0.353;
    widgets.show(shown);
    EXPECT_EQ(normalize->text(), QStringLiteral("0.286,0.353"));
    engine::EvalConfig read;
    widgets.apply(read);
    EXPECT_EQ(engine::canonicalParamsJson(read, "cpu"), engine::canonicalParamsJson(shown, "cpu"));

    QSettings saved;
    widgets.save(saved);
    EXPECT_EQ(saved.value(QStringLiteral("limit")).toInt(), 20);
    widgets.show(engine::EvalConfig{});
    EXPECT_TRUE(normalize->text().isEmpty()) << "an unset normalize empties its field";
    widgets.load(saved);
    EXPECT_EQ(limit->value(), 20);
    EXPECT_EQ(order->currentData().toString(), QStringLiteral("shuffled"));

    saved.setValue(QStringLiteral("order"), QStringLiteral("random"));
    widgets.load(saved);
    EXPECT_EQ(order->currentData().toString(), QStringLiteral("fixed"))
        << "an unknown word gives the default";
    normalize->setText(QStringLiteral("0.5"));
    EXPECT_THROW(widgets.apply(read), InputError);
}

} // namespace
} // namespace nf::ui
