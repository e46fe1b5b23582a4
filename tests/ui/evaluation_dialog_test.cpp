// The New-evaluation dialog driven through its widgets, found by objectName.

#include "dialogs/newevaluationdialog.h"
#include "engine/fixture.h"
#include "form_fixture.h"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QUrl>

namespace nf::ui {
namespace {

class NewEvaluationDialogTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        test::useScratchSettings(m_settings.path());
    }

    template <typename Widget> static Widget* field(const QDialog& dialog, const char* name)
    {
        auto* widget = dialog.findChild<Widget*>(QLatin1String(name));
        EXPECT_NE(widget, nullptr) << name;
        return widget;
    }

    // A valid form: the tiny model on the tiny task, seeds 1-3.
    void fillForm(const QDialog& dialog)
    {
        field<QLineEdit>(dialog, "modelPath")->setText(QString::fromStdString(m_model));
        field<QComboBox>(dialog, "task")->setEditText(QString::fromStdString(m_world.taskSpec()));
        field<QLineEdit>(dialog, "seeds")->setText(QStringLiteral("1-3"));
    }

    static void choose(const QDialog& dialog, const char* combo, const char* value)
    {
        auto* box = field<QComboBox>(dialog, combo);
        const int index = box->findData(QLatin1String(value));
        ASSERT_GE(index, 0) << combo << " has no " << value;
        box->setCurrentIndex(index);
    }

    static QMessageBox* inputError(const QDialog& dialog)
    {
        return dialog.findChild<QMessageBox*>(QStringLiteral("inputError"));
    }

    test::ScratchDir m_settings;
    test::TinyWorld m_world;
    std::string m_model = m_world.model("tiny");
};

TEST_F(NewEvaluationDialogTest, EachTemperatureBecomesItsOwnPlan)
{
    NewEvaluationDialog dialog;
    fillForm(dialog);
    choose(dialog, "decoding", "sample");
    field<QLineEdit>(dialog, "temperatures")->setText(QStringLiteral("0.7, 1.0"));
    field<QSpinBox>(dialog, "topK")->setValue(2);
    field<QDoubleSpinBox>(dialog, "topP")->setValue(0.9);
    choose(dialog, "dropout", "train");
    field<QSpinBox>(dialog, "batchSize")->setValue(8);
    choose(dialog, "dtype", "bf16");
    choose(dialog, "device", "cpu");
    field<QCheckBox>(dialog, "deterministic")->setChecked(true);
    field<QSpinBox>(dialog, "limit")->setValue(40);
    field<QLineEdit>(dialog, "modelLabel")->setText(QStringLiteral("tiny v1"));
    field<QLineEdit>(dialog, "label")->setText(QStringLiteral("sweep"));

    const auto plans = dialog.plans();
    ASSERT_EQ(plans.size(), 2u);
    EXPECT_DOUBLE_EQ(plans[0].config.temperature, 0.7);
    EXPECT_DOUBLE_EQ(plans[1].config.temperature, 1.0);
    for (const auto& plan : plans) {
        EXPECT_EQ(plan.modelPath, std::filesystem::absolute(m_model).string());
        EXPECT_EQ(plan.modelLabel, "tiny v1");
        EXPECT_EQ(plan.taskSpec, m_world.taskSpec());
        EXPECT_EQ(plan.seeds, (std::vector<int64_t>{1, 2, 3}));
        EXPECT_EQ(plan.label, "sweep");
        EXPECT_EQ(plan.config.decoding, engine::Decoding::Sample);
        EXPECT_EQ(plan.config.topK, 2);
        EXPECT_DOUBLE_EQ(plan.config.topP, 0.9);
        EXPECT_EQ(plan.config.dropout, engine::DropoutMode::Train);
        EXPECT_EQ(plan.config.batchSize, 8);
        EXPECT_EQ(plan.config.dtype, engine::DType::BFloat16);
        EXPECT_EQ(plan.config.device, "cpu");
        EXPECT_TRUE(plan.config.deterministic);
        EXPECT_EQ(plan.config.limit, 40);
    }
}

TEST_F(NewEvaluationDialogTest, TemperatureZeroQueuesAGreedyGroupAndGreedyIgnoresTheList)
{
    NewEvaluationDialog dialog;
    fillForm(dialog);
    choose(dialog, "decoding", "sample");
    field<QLineEdit>(dialog, "temperatures")->setText(QStringLiteral("0 0.7"));
    auto plans = dialog.plans();
    ASSERT_EQ(plans.size(), 2u);
    EXPECT_EQ(plans[0].config.decoding, engine::Decoding::Greedy);
    EXPECT_EQ(plans[1].config.decoding, engine::Decoding::Sample);

    choose(dialog, "decoding", "greedy");
    EXPECT_FALSE(field<QLineEdit>(dialog, "temperatures")->isEnabled());
    plans = dialog.plans();
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_EQ(plans[0].config.decoding, engine::Decoding::Greedy);
}

TEST_F(NewEvaluationDialogTest, SeedsAcceptRangesListsAndBoth)
{
    NewEvaluationDialog dialog;
    fillForm(dialog);
    auto* seeds = field<QLineEdit>(dialog, "seeds");
    seeds->setText(QStringLiteral("1,2,3"));
    EXPECT_EQ(dialog.plans().at(0).seeds, (std::vector<int64_t>{1, 2, 3}));
    seeds->setText(QStringLiteral("4-6, 10"));
    EXPECT_EQ(dialog.plans().at(0).seeds, (std::vector<int64_t>{4, 5, 6, 10}));
}

TEST_F(NewEvaluationDialogTest, MissingModelFileShowsTheProblemAndStartsNothing)
{
    NewEvaluationDialog dialog;
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.show();
    fillForm(dialog);
    const QString missing = QString::fromStdString((m_world / "gone.pt").string());
    field<QLineEdit>(dialog, "modelPath")->setText(missing);
    field<QPushButton>(dialog, "startButton")->click();

    auto* box = inputError(dialog);
    ASSERT_NE(box, nullptr);
    EXPECT_TRUE(box->isVisible());
    EXPECT_EQ(box->text(), QStringLiteral("Model not found: ") + missing);
    EXPECT_EQ(accepted.count(), 0);
    EXPECT_TRUE(dialog.isVisible());
    EXPECT_TRUE(dialog.plans().empty());
    box->close();
}

TEST_F(NewEvaluationDialogTest, BadFieldsAreNamedInTheMessage)
{
    NewEvaluationDialog dialog;
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.show();
    const auto expectError = [&](const QString& fragment) {
        field<QPushButton>(dialog, "startButton")->click();
        auto* box = inputError(dialog);
        ASSERT_NE(box, nullptr) << fragment.toStdString();
        EXPECT_TRUE(box->text().contains(fragment)) << box->text().toStdString();
        box->close();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    };

    fillForm(dialog);
    field<QLineEdit>(dialog, "seeds")->setText(QStringLiteral("1-x"));
    expectError(QStringLiteral("Seeds"));

    fillForm(dialog);
    field<QLineEdit>(dialog, "modelPath")->clear();
    expectError(QStringLiteral("Model file"));

    // engine::validate's own check, by its key.
    fillForm(dialog);
    field<QLineEdit>(dialog, "normalize")->setText(QStringLiteral("0.5,0"));
    expectError(QStringLiteral("normalize"));

    fillForm(dialog);
    field<QLineEdit>(dialog, "normalize")->clear();
    choose(dialog, "decoding", "sample");
    field<QLineEdit>(dialog, "temperatures")->setText(QStringLiteral("hot"));
    expectError(QStringLiteral("Temperatures"));
    EXPECT_EQ(accepted.count(), 0);
}

TEST_F(NewEvaluationDialogTest, QueueCollectsFormsAndStartRunsThem)
{
    NewEvaluationDialog dialog;
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.show();
    fillForm(dialog);
    field<QPushButton>(dialog, "addToQueue")->click();
    choose(dialog, "decoding", "sample");
    field<QLineEdit>(dialog, "temperatures")->setText(QStringLiteral("0.5, 2"));
    field<QPushButton>(dialog, "addToQueue")->click();
    auto* queue = field<QListWidget>(dialog, "queue");
    ASSERT_EQ(queue->count(), 3);
    EXPECT_TRUE(queue->item(2)->text().contains(QStringLiteral("T=2.00")))
        << queue->item(2)->text().toStdString();

    queue->item(1)->setSelected(true);
    field<QPushButton>(dialog, "removeFromQueue")->click();
    ASSERT_EQ(queue->count(), 2);
    // The queue, not the form (whose temperatures now read differently), is what starts.
    field<QLineEdit>(dialog, "temperatures")->setText(QStringLiteral("9"));
    const auto plans = dialog.plans();
    ASSERT_EQ(plans.size(), 2u);
    EXPECT_EQ(plans[0].config.decoding, engine::Decoding::Greedy);
    EXPECT_DOUBLE_EQ(plans[1].config.temperature, 2.0);

    field<QPushButton>(dialog, "startButton")->click();
    EXPECT_EQ(accepted.count(), 1);
    EXPECT_EQ(inputError(dialog), nullptr);
    EXPECT_EQ(dialog.plans().size(), 2u);
}

TEST_F(NewEvaluationDialogTest, NextDialogStartsFromTheFormLastStarted)
{
    {
        NewEvaluationDialog dialog;
        fillForm(dialog);
        choose(dialog, "decoding", "sample");
        field<QLineEdit>(dialog, "temperatures")->setText(QStringLiteral("0.7, 1.0"));
        field<QSpinBox>(dialog, "batchSize")->setValue(32);
        dialog.accept();
        ASSERT_EQ(dialog.result(), QDialog::Accepted);
    }
    NewEvaluationDialog next;
    EXPECT_EQ(field<QLineEdit>(next, "modelPath")->text(), QString::fromStdString(m_model));
    EXPECT_EQ(field<QLineEdit>(next, "seeds")->text(), QStringLiteral("1-3"));
    EXPECT_EQ(field<QSpinBox>(next, "batchSize")->value(), 32);
    const auto plans = next.plans();
    ASSERT_EQ(plans.size(), 2u);
    EXPECT_EQ(plans[0].taskSpec, m_world.taskSpec());
    EXPECT_DOUBLE_EQ(plans[1].config.temperature, 1.0);
}

TEST_F(NewEvaluationDialogTest, TaskPresetsGiveTheirSpecs)
{
    NewEvaluationDialog dialog;
    fillForm(dialog);
    auto* task = field<QComboBox>(dialog, "task");
    task->setCurrentIndex(task->findData(QStringLiteral("fashion-mnist:train")));
    EXPECT_EQ(dialog.plans().at(0).taskSpec, "fashion-mnist:train");
    task->setCurrentIndex(0);
    EXPECT_EQ(dialog.plans().at(0).taskSpec, "fashion-mnist:test");
}

TEST_F(NewEvaluationDialogTest, SetPlanFillsTheFormThatGivesItBack)
{
    engine::RunPlan plan;
    plan.modelPath = std::filesystem::absolute(m_model).string();
    plan.modelLabel = "tiny";
    plan.taskSpec = m_world.taskSpec();
    plan.seeds = {6, 7, 8};
    plan.label = "more";
    plan.config.decoding = engine::Decoding::Sample;
    plan.config.temperature = 0.7;
    plan.config.topK = 2;
    plan.config.batchSize = 64;
    plan.config.device = "cpu";
    plan.config.limit = 30;
    plan.config.input = engine::InputLayout::Flat;
    plan.config.order = engine::Order::Shuffled;
    plan.config.normalizeMean = 0.5;
    plan.config.normalizeStd = 0.25;

    NewEvaluationDialog dialog;
    dialog.setPlan(plan);
    const auto plans = dialog.plans();
    ASSERT_EQ(plans.size(), 1u);
    const auto& got = plans.front();
    EXPECT_EQ(got.modelPath, plan.modelPath);
    EXPECT_EQ(got.modelLabel, plan.modelLabel);
    EXPECT_EQ(got.taskSpec, plan.taskSpec);
    EXPECT_EQ(got.seeds, plan.seeds);
    EXPECT_EQ(got.label, plan.label);
    EXPECT_EQ(engine::canonicalParamsJson(got.config, "cpu"),
              engine::canonicalParamsJson(plan.config, "cpu"));
}

TEST_F(NewEvaluationDialogTest, DroppingAModelFileSetsTheModelPath)
{
    NewEvaluationDialog dialog;
    dialog.show();
    QMimeData text;
    text.setUrls({QUrl::fromLocalFile(QStringLiteral("/tmp/notes.txt"))});
    QDragEnterEvent refused(QPoint(10, 10), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&dialog, &refused);
    EXPECT_FALSE(refused.isAccepted());

    QMimeData model;
    model.setUrls({QUrl::fromLocalFile(QString::fromStdString(m_model))});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &model, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&dialog, &enter);
    EXPECT_TRUE(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &model, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&dialog, &drop);
    EXPECT_EQ(field<QLineEdit>(dialog, "modelPath")->text(), QString::fromStdString(m_model));
}

} // namespace
} // namespace nf::ui
