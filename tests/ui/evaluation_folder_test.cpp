// The New-evaluation dialog with a Hugging Face model folder and a PEFT LoRA adapter: the summary
// under the model field, what blocks Start, drops, the fields remembered, and the plan's name.

#include "core/scratch_dir.h"
#include "form_fixture.h"
#include "dialogs/formtext.h"
#include "dialogs/newevaluationdialog.h"
#include "engine/hf_model.h"
#include "engine/models.h"
#include "zonestyle.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QCoreApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QUrl>
#include <fstream>

namespace nf::ui {
namespace {

const std::string kMmlu = std::string(NF_TEST_DATA_DIR) + "/mcq/mmlu";
constexpr int kWaitMs = 5000; // a generous bound for a loaded machine, never a timing assertion

class FolderDialogTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        test::useScratchSettings(m_settings.path());
        engine::writeTinyHfModel(m_dir / "qwen-tiny", m_spec);
        engine::writeTinyLoraAdapter(m_dir / "lora", m_spec, {});
        // The dialog reads no tokenizer: a placeholder is enough.
        std::ofstream(m_dir / "qwen-tiny" / "tokenizer.json") << "{}";
        std::ofstream(m_dir / "lm.pt") << "model";
        std::ofstream(m_dir / "tokenizer.json") << "{}";
    }

    template <typename Widget> static Widget* field(const QWidget& dialog, const char* name)
    {
        return test::formField<Widget>(dialog, name);
    }

    void fillFolderForm(const QDialog& dialog) const
    {
        field<QLineEdit>(dialog, "modelPath")->setText(path("qwen-tiny"));
        field<QComboBox>(dialog, "task")->setEditText(QString::fromStdString("mmlu:" + kMmlu));
        field<QLineEdit>(dialog, "seeds")->setText(QStringLiteral("1-3"));
        auto* device = field<QComboBox>(dialog, "device");
        device->setCurrentIndex(device->findData(QStringLiteral("cpu")));
    }

    // The summary once it shows `expected` (it follows the fields after a short delay), or what it
    // shows when it does not come: empty when hidden.
    static QString settledSummary(const QDialog& dialog, const QString& expected)
    {
        auto* summary = field<QLabel>(dialog, "modelSummary");
        // Read whether it came or not: the caller compares the text.
        (void)QTest::qWaitFor([&] { return !summary->isHidden() && summary->text().contains(expected); },
                              kWaitMs);
        return summary->isHidden() ? QString() : summary->text();
    }

    static bool summaryHides(const QDialog& dialog)
    {
        auto* summary = field<QLabel>(dialog, "modelSummary");
        return QTest::qWaitFor([&] { return summary->isHidden(); }, kWaitMs);
    }

    static bool summaryIsError(const QDialog& dialog)
    {
        return field<QLabel>(dialog, "modelSummary")->property("error").toBool();
    }

    static QString startError(QDialog& dialog) { return test::startError(dialog); }

    QString path(const char* name) const { return QString::fromStdString((m_dir / name).string()); }

    test::ScratchDir m_settings;
    test::ScratchDir m_dir;
    engine::TinyHfModelSpec m_spec;
};

TEST_F(FolderDialogTest, AModelFolderIsDescribedUnderItsFieldAndMakesThePlan)
{
    NewEvaluationDialog dialog;
    dialog.show();
    fillFolderForm(dialog);
    // Typed with a trailing slash, as shells complete folders.
    field<QLineEdit>(dialog, "modelPath")->setText(path("qwen-tiny") + QLatin1Char('/'));

    const QString summary = settledSummary(dialog, QStringLiteral("Qwen3ForCausalLM"));
    EXPECT_TRUE(summary.startsWith(QStringLiteral("Qwen3ForCausalLM, "))) << summary.toStdString();
    EXPECT_TRUE(summary.contains(QStringLiteral("F32 weights"))) << summary.toStdString();
    EXPECT_TRUE(summary.contains(QStringLiteral("on cpu"))) << summary.toStdString();
    EXPECT_FALSE(summaryIsError(dialog));
    EXPECT_EQ(field<QLineEdit>(dialog, "tokenizerPath")->placeholderText(),
              QStringLiteral("tokenizer.json in the model folder"));

    const auto plans = dialog.plans();
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_EQ(plans[0].modelPath, (m_dir / "qwen-tiny").string());
    EXPECT_EQ(plans[0].adapterPath, "");
    EXPECT_EQ(plans[0].tokenizerPath, ""); // the folder's own, left for the engine to find
    ASSERT_TRUE(plans[0].config.lm.has_value());
    EXPECT_TRUE(describePlan(plans[0]).startsWith(QStringLiteral("qwen-tiny \u00b7 mmlu:mmlu")))
        << describePlan(plans[0]).toStdString();
    EXPECT_EQ(dialog.jobTitle(), QStringLiteral("qwen-tiny on mmlu:mmlu"));

    // The tokenizer is looked for in the folder, not beside it (where there is one).
    std::filesystem::remove(m_dir / "qwen-tiny" / "tokenizer.json");
    EXPECT_TRUE(startError(dialog).startsWith(
        QStringLiteral("Tokenizer file: no tokenizer.json in the model folder")));
}

TEST_F(FolderDialogTest, AnAdapterIsDescribedAndGoesIntoThePlan)
{
    NewEvaluationDialog dialog;
    dialog.show();
    fillFolderForm(dialog);
    EXPECT_TRUE(field<QLineEdit>(dialog, "adapterPath")->isVisible());
    field<QLineEdit>(dialog, "adapterPath")->setText(path("lora"));
    const QString summary = settledSummary(dialog, QStringLiteral("LoRA"));
    EXPECT_TRUE(summary.contains(QStringLiteral("+ LoRA r 4 (2 target modules)"))) << summary.toStdString();
    EXPECT_FALSE(summaryIsError(dialog));

    const auto plans = dialog.plans();
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_EQ(plans[0].adapterPath, (m_dir / "lora").string());
    EXPECT_EQ(planModelName(plans[0]), QStringLiteral("qwen-tiny + lora"));

    // An image task has no language model: the adapter row goes, and the folder is refused.
    field<QComboBox>(dialog, "task")->setCurrentIndex(0);
    EXPECT_FALSE(field<QLineEdit>(dialog, "adapterPath")->isVisible());
    const QString refused = startError(dialog);
    EXPECT_TRUE(
        refused.contains(QStringLiteral("is a Hugging Face language model; choose a multiple-choice task")))
        << refused.toStdString();
}

TEST_F(FolderDialogTest, AnAdapterWithATorchScriptFileIsNamedAndBlocksStart)
{
    NewEvaluationDialog dialog;
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.show();
    fillFolderForm(dialog);
    field<QLineEdit>(dialog, "modelPath")->setText(path("lm.pt"));
    field<QLineEdit>(dialog, "adapterPath")->setText(path("lora"));

    const QString expected =
        QStringLiteral("Adapter: a LoRA adapter applies to a Hugging Face model folder, not to "
                       "a TorchScript file (lm.pt)");
    EXPECT_TRUE(settledSummary(dialog, expected).startsWith(expected));
    EXPECT_TRUE(summaryIsError(dialog));
    EXPECT_EQ(field<QLabel>(dialog, "modelSummary")->palette().color(QPalette::WindowText),
              zoneTextColor(stats::Zone::Suspicious, dialog.palette()));
    EXPECT_TRUE(startError(dialog).startsWith(expected));
    EXPECT_EQ(accepted.count(), 0);

    // Cleared, the adapter is none: the file alone has nothing to describe and starts.
    field<QLineEdit>(dialog, "adapterPath")->clear();
    EXPECT_TRUE(summaryHides(dialog));
    // No longer an error, the summary is back in the dialog's own text colour.
    EXPECT_EQ(field<QLabel>(dialog, "modelSummary")->palette().color(QPalette::WindowText),
              dialog.palette().color(QPalette::WindowText));
    field<QPushButton>(dialog, "startButton")->click();
    EXPECT_EQ(accepted.count(), 1);
}

TEST_F(FolderDialogTest, ABatchThatMayNotFitIsSaidAndLeftToTheRunsOwnCheck)
{
    engine::EvalConfig config;
    config.device = "cpu";
    if (!engine::inspectModelFolder(m_dir / "qwen-tiny", "", config, 8, engine::resolveDevice("cpu")).availableBytes)
        GTEST_SKIP() << "this machine does not say how much memory is free";

    NewEvaluationDialog dialog;
    dialog.show();
    fillFolderForm(dialog);
    // Prompts of 2048 tokens, 100000 at a time: far more than this machine has. The weights fit, so the
    // run may start; it checks the task's real prompts before it loads the weights.
    field<QSpinBox>(dialog, "batchSize")->setValue(100000);
    const QString summary = settledSummary(dialog, QStringLiteral("may not fit"));
    EXPECT_TRUE(summary.startsWith(QStringLiteral("Qwen3ForCausalLM, "))) << summary.toStdString();
    EXPECT_TRUE(summary.contains(QStringLiteral("TB")) || summary.contains(QStringLiteral("GB"))) << summary.toStdString();
    EXPECT_TRUE(summary.contains(QStringLiteral("the run checks the task's own prompts before it starts")));
    EXPECT_FALSE(summaryIsError(dialog));
    EXPECT_EQ(dialog.plans().size(), 1u);

    field<QSpinBox>(dialog, "batchSize")->setValue(8);
    EXPECT_TRUE(QTest::qWaitFor(
        [&] { return !field<QLabel>(dialog, "modelSummary")->text().contains(QStringLiteral("may not fit")); },
        kWaitMs));
    EXPECT_EQ(dialog.plans().size(), 1u);
}

TEST_F(FolderDialogTest, WhatTheEngineRefusesInAFolderIsShownUnderTheField)
{
    NewEvaluationDialog dialog;
    dialog.show();
    fillFolderForm(dialog);
    std::filesystem::create_directory(m_dir / "empty");
    field<QLineEdit>(dialog, "modelPath")->setText(path("empty"));
    EXPECT_TRUE(
        settledSummary(dialog, QStringLiteral("without config.json")).startsWith(QStringLiteral("Model: ")));
    EXPECT_TRUE(startError(dialog).contains(QStringLiteral("is a folder without config.json")));

    std::ofstream(m_dir / "qwen-tiny" / "config.json") << R"({"architectures": ["GemmaForCausalLM"]})";
    field<QLineEdit>(dialog, "modelPath")->clear();
    EXPECT_TRUE(summaryHides(dialog));
    field<QLineEdit>(dialog, "modelPath")->setText(path("qwen-tiny"));
    const QString refused = settledSummary(dialog, QStringLiteral("GemmaForCausalLM"));
    EXPECT_TRUE(refused.contains(QStringLiteral("config.json"))) << refused.toStdString();
    EXPECT_TRUE(summaryIsError(dialog));
    EXPECT_TRUE(startError(dialog).contains(QStringLiteral("GemmaForCausalLM")));
}

TEST_F(FolderDialogTest, DroppingAModelFolderAndAnAdapterFolderFillsBothFields)
{
    NewEvaluationDialog dialog;
    dialog.show();
    std::filesystem::create_directory(m_dir / "plain");
    QMimeData plain;
    plain.setUrls({QUrl::fromLocalFile(path("plain"))});
    QDragEnterEvent refused(QPoint(10, 10), Qt::CopyAction, &plain, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&dialog, &refused);
    EXPECT_FALSE(refused.isAccepted()) << "a folder without config.json is no model";

    QMimeData both;
    both.setUrls({QUrl::fromLocalFile(path("lora")), QUrl::fromLocalFile(path("qwen-tiny"))});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &both, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&dialog, &enter);
    EXPECT_TRUE(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &both, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&dialog, &drop);
    EXPECT_EQ(field<QLineEdit>(dialog, "modelPath")->text(), path("qwen-tiny"));
    EXPECT_EQ(field<QLineEdit>(dialog, "adapterPath")->text(), path("lora"));
}

TEST_F(FolderDialogTest, AFolderWithConfigJsonIsTheModelEvenWithAnAdapterConfigInIt)
{
    std::filesystem::copy(m_dir / "qwen-tiny", m_dir / "both");
    std::filesystem::copy_file(m_dir / "lora" / "adapter_config.json",
                               m_dir / "both" / "adapter_config.json");
    NewEvaluationDialog dialog;
    dialog.show();
    const auto drop = [&](const QList<QUrl>& urls) {
        QMimeData mime;
        mime.setUrls(urls);
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&dialog, &enter);
        EXPECT_TRUE(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&dialog, &drop);
    };

    drop({QUrl::fromLocalFile(path("both"))});
    EXPECT_EQ(field<QLineEdit>(dialog, "modelPath")->text(), path("both"));
    EXPECT_EQ(field<QLineEdit>(dialog, "adapterPath")->text(), QString());

    // Dropped after an adapter folder: still the model, and that folder the adapter.
    field<QLineEdit>(dialog, "modelPath")->clear();
    drop({QUrl::fromLocalFile(path("lora")), QUrl::fromLocalFile(path("both"))});
    EXPECT_EQ(field<QLineEdit>(dialog, "modelPath")->text(), path("both"));
    EXPECT_EQ(field<QLineEdit>(dialog, "adapterPath")->text(), path("lora"));
}

TEST_F(FolderDialogTest, TheAdapterIsRememberedAndFilledFromAPlan)
{
    {
        NewEvaluationDialog dialog;
        fillFolderForm(dialog);
        field<QLineEdit>(dialog, "adapterPath")->setText(path("lora"));
        dialog.accept();
        ASSERT_EQ(dialog.result(), QDialog::Accepted);
    }
    NewEvaluationDialog again;
    EXPECT_EQ(field<QLineEdit>(again, "modelPath")->text(), path("qwen-tiny"));
    EXPECT_EQ(field<QLineEdit>(again, "adapterPath")->text(), path("lora"));

    engine::RunPlan plan = again.plans().at(0);
    plan.adapterPath.clear();
    again.setPlan(plan);
    EXPECT_EQ(field<QLineEdit>(again, "adapterPath")->text(), QString());
    EXPECT_EQ(again.plans().at(0).adapterPath, "");
}

TEST(PlanModelName, NamesAFolderGivenWithATrailingSlashAndItsAdapter)
{
    engine::RunPlan plan;
    plan.modelPath = "/models/Qwen3-0.6B/";
    EXPECT_EQ(planModelName(plan), QStringLiteral("Qwen3-0.6B"));
    plan.adapterPath = "/adapters/math-lora/";
    EXPECT_EQ(planModelName(plan), QStringLiteral("Qwen3-0.6B + math-lora"));
    plan.modelLabel = "qwen math";
    EXPECT_EQ(planModelName(plan), QStringLiteral("qwen math"));
    plan = {};
    plan.modelPath = "/models/lm.pt";
    EXPECT_EQ(planModelName(plan), QStringLiteral("lm.pt"));
}

} // namespace
} // namespace nf::ui
