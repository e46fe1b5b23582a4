// The New-evaluation dialog with a multiple-choice task: the language-model group, the fields an
// MCQ task hides, the plans it makes, the benchmark-folder chooser, and the short task names.

#include "common/error.h"
#include "core/scratch_dir.h"
#include "form_fixture.h"
#include "dialogs/benchmarkdialog.h"
#include "dialogs/formtext.h"
#include "dialogs/newevaluationdialog.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QCoreApplication>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTest>
#include <fstream>

namespace nf::ui {
namespace {

const std::string kMmlu = std::string(NF_TEST_DATA_DIR) + "/mcq/mmlu";

class McqDialogTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        test::useScratchSettings(m_settings.path());
        // The dialog checks that files exist and loads nothing: placeholders are enough.
        std::ofstream(m_dir / "lm.pt") << "model";
        std::ofstream(m_dir / "tokenizer.json") << "{}";
        std::ofstream(m_dir / "other-tokenizer.json") << "{}";
    }

    template <typename Widget> static Widget* field(const QWidget& dialog, const char* name)
    {
        return test::formField<Widget>(dialog, name);
    }

    static void choose(const QWidget& dialog, const char* combo, const char* value)
    {
        auto* box = field<QComboBox>(dialog, combo);
        const int index = box->findData(QLatin1String(value));
        ASSERT_GE(index, 0) << combo << " has no " << value;
        box->setCurrentIndex(index);
    }

    void fillMcqForm(const QDialog& dialog) const
    {
        field<QLineEdit>(dialog, "modelPath")->setText(path("lm.pt"));
        field<QComboBox>(dialog, "task")->setEditText(QString::fromStdString("mmlu:" + kMmlu));
        field<QLineEdit>(dialog, "seeds")->setText(QStringLiteral("1-3"));
    }

    static QString startError(QDialog& dialog) { return test::startError(dialog); }

    QString path(const char* name) const { return QString::fromStdString((m_dir / name).string()); }

    test::ScratchDir m_settings;
    test::ScratchDir m_dir;
};

TEST_F(McqDialogTest, AnMcqTaskShowsTheLanguageModelGroupAndHidesTheImageFields)
{
    NewEvaluationDialog dialog;
    dialog.show();
    auto* lm = field<QGroupBox>(dialog, "languageModelBox");
    auto* batch = field<QSpinBox>(dialog, "batchSize");
    EXPECT_FALSE(lm->isVisible()); // the remembered task is Fashion-MNIST
    EXPECT_EQ(batch->value(), 256);

    fillMcqForm(dialog);
    EXPECT_TRUE(lm->isVisible());
    for (const char* imageOnly : {"input", "normalize", "dropout"})
        EXPECT_FALSE(field<QWidget>(dialog, imageOnly)->isVisible()) << imageOnly;
    EXPECT_EQ(batch->value(), 8);
    EXPECT_EQ(field<QLineEdit>(dialog, "tokenizerPath")->placeholderText(),
              QStringLiteral("tokenizer.json beside the model"));
    EXPECT_EQ(field<QSpinBox>(dialog, "nShot")->value(), 5);
    EXPECT_EQ(field<QComboBox>(dialog, "shots")->currentData().toString(), QStringLiteral("per-item"));
    EXPECT_EQ(field<QSpinBox>(dialog, "maxLength")->value(), 2048);
    EXPECT_EQ(field<QComboBox>(dialog, "paddingSide")->currentData().toString(), QStringLiteral("right"));
    EXPECT_EQ(field<QComboBox>(dialog, "promptTemplate")->currentData().toString(),
              QStringLiteral("llamafactory"));

    // Back to an image task: its fields return, and so does its batch size (the user typed none).
    field<QComboBox>(dialog, "task")->setCurrentIndex(0);
    EXPECT_FALSE(lm->isVisible());
    EXPECT_TRUE(field<QWidget>(dialog, "input")->isVisible());
    EXPECT_EQ(batch->value(), 256);
}

TEST_F(McqDialogTest, ThePlanCarriesTheChosenLanguageModelOptions)
{
    NewEvaluationDialog dialog;
    fillMcqForm(dialog);
    choose(dialog, "dropout", "train"); // hidden for an LM: it must not reach the plan
    field<QLineEdit>(dialog, "tokenizerPath")->setText(path("other-tokenizer.json"));
    choose(dialog, "promptTemplate", "mmlu-original");
    field<QSpinBox>(dialog, "nShot")->setValue(2);
    choose(dialog, "shots", "first");
    field<QSpinBox>(dialog, "maxLength")->setValue(1024);
    choose(dialog, "paddingSide", "left");
    field<QSpinBox>(dialog, "batchSize")->setValue(4);

    const auto plans = dialog.plans();
    ASSERT_EQ(plans.size(), 1u);
    const auto& plan = plans[0];
    EXPECT_EQ(plan.taskSpec, "mmlu:" + kMmlu);
    EXPECT_EQ(plan.tokenizerPath, (m_dir / "other-tokenizer.json").string());
    EXPECT_EQ(plan.seeds, (std::vector<int64_t>{1, 2, 3}));
    ASSERT_TRUE(plan.config.lm.has_value());
    EXPECT_EQ(plan.config.lm->promptTemplate, "mmlu-original");
    EXPECT_EQ(plan.config.lm->nShot, 2);
    EXPECT_EQ(plan.config.lm->shots, engine::ShotSelection::First);
    EXPECT_EQ(plan.config.lm->maxLength, 1024);
    EXPECT_EQ(plan.config.lm->paddingSide, engine::PaddingSide::Left);
    EXPECT_EQ(plan.config.dropout, engine::DropoutMode::Eval);
    EXPECT_EQ(plan.config.batchSize, 4);

    // No tokenizer named: the one beside the model, left for the engine to find.
    field<QLineEdit>(dialog, "tokenizerPath")->clear();
    EXPECT_EQ(dialog.plans().at(0).tokenizerPath, "");
}

TEST_F(McqDialogTest, TheShotsFollowTheTemplateUntilTheUserChoosesThem)
{
    NewEvaluationDialog dialog;
    fillMcqForm(dialog);
    const auto shots = [&] { return field<QComboBox>(dialog, "shots")->currentData().toString(); };
    EXPECT_EQ(shots(), QStringLiteral("per-item"));
    choose(dialog, "promptTemplate", "mmlu-original");
    EXPECT_EQ(shots(), QStringLiteral("first")) << "the MMLU authors' code takes the first k dev rows, as run does";
    EXPECT_EQ(dialog.plans().at(0).config.lm->shots, engine::ShotSelection::First);
    choose(dialog, "promptTemplate", "llamafactory");
    EXPECT_EQ(shots(), QStringLiteral("per-item"));
    choose(dialog, "shots", "per-run");
    choose(dialog, "promptTemplate", "mmlu-original");
    EXPECT_EQ(shots(), QStringLiteral("per-run")) << "a choice of the user's stays";
}

TEST_F(McqDialogTest, AnImageTaskMakesAPlanWithoutLanguageModelOptions)
{
    NewEvaluationDialog dialog;
    fillMcqForm(dialog);
    field<QComboBox>(dialog, "task")->setCurrentIndex(0);
    const auto plans = dialog.plans();
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_FALSE(plans[0].config.lm.has_value());
    EXPECT_EQ(plans[0].tokenizerPath, "");
}

TEST_F(McqDialogTest, AMissingTokenizerOrTaskFolderIsNamedAndStartsNothing)
{
    NewEvaluationDialog dialog;
    dialog.show();
    fillMcqForm(dialog);
    std::filesystem::remove(m_dir / "tokenizer.json");
    EXPECT_TRUE(
        startError(dialog).startsWith(QStringLiteral("Tokenizer file: no tokenizer.json beside the model")));

    field<QLineEdit>(dialog, "tokenizerPath")->setText(path("gone.json"));
    EXPECT_EQ(startError(dialog), QStringLiteral("Tokenizer file not found: ") + path("gone.json"));

    field<QLineEdit>(dialog, "tokenizerPath")->setText(path("other-tokenizer.json"));
    field<QComboBox>(dialog, "task")
        ->setEditText(QStringLiteral("cmmlu:") + path("no-such-folder") + QStringLiteral(":test"));
    EXPECT_EQ(startError(dialog), QStringLiteral("Task folder not found: ") + path("no-such-folder"));
    EXPECT_TRUE(dialog.isVisible());
}

TEST_F(McqDialogTest, LanguageModelFieldsAreRememberedForTheNextDialog)
{
    {
        NewEvaluationDialog dialog;
        fillMcqForm(dialog);
        field<QLineEdit>(dialog, "tokenizerPath")->setText(path("other-tokenizer.json"));
        field<QSpinBox>(dialog, "nShot")->setValue(0);
        choose(dialog, "shots", "per-run");
        choose(dialog, "paddingSide", "left");
        field<QSpinBox>(dialog, "batchSize")->setValue(2);
        dialog.accept();
        ASSERT_EQ(dialog.result(), QDialog::Accepted);
    }
    NewEvaluationDialog again;
    EXPECT_EQ(field<QComboBox>(again, "task")->currentText(), QString::fromStdString("mmlu:" + kMmlu));
    EXPECT_EQ(field<QLineEdit>(again, "tokenizerPath")->text(), path("other-tokenizer.json"));
    EXPECT_EQ(field<QSpinBox>(again, "nShot")->value(), 0);
    EXPECT_EQ(field<QComboBox>(again, "shots")->currentData().toString(), QStringLiteral("per-run"));
    EXPECT_EQ(field<QComboBox>(again, "paddingSide")->currentData().toString(), QStringLiteral("left"));
    EXPECT_EQ(field<QSpinBox>(again, "batchSize")->value(), 2);
}

TEST(BenchmarkFolderDialog, BuildsTheSpecFromKindFolderAndSplit)
{
    BenchmarkFolderDialog dialog;
    const QString cmmlu = QStringLiteral(NF_TEST_DATA_DIR "/mcq/cmmlu");
    dialog.setFolder(cmmlu); // the folder's name says which benchmark
    auto* kind = dialog.findChild<QComboBox*>(QStringLiteral("benchmarkKind"));
    auto* split = dialog.findChild<QComboBox*>(QStringLiteral("benchmarkSplit"));
    ASSERT_NE(kind, nullptr);
    ASSERT_NE(split, nullptr);
    EXPECT_EQ(kind->currentData().toString(), QStringLiteral("cmmlu"));
    QStringList splits;
    for (int i = 0; i < split->count(); ++i)
        splits << split->itemText(i);
    EXPECT_EQ(splits, (QStringList{QStringLiteral("test"), QStringLiteral("dev")}));
    EXPECT_EQ(dialog.spec(), QStringLiteral("cmmlu:") + cmmlu + QStringLiteral(":test"));

    // C-Eval's test split has no answers: val first.
    kind->setCurrentIndex(kind->findData(QStringLiteral("ceval")));
    EXPECT_EQ(split->itemText(0), QStringLiteral("val"));

    // A split folder chosen by mistake stands for the benchmark folder above it.
    dialog.setFolder(QStringLiteral(NF_TEST_DATA_DIR "/mcq/mmlu/test"));
    EXPECT_EQ(kind->currentData().toString(), QStringLiteral("mmlu"));
    split->setCurrentText(QStringLiteral("val"));
    EXPECT_EQ(dialog.spec(), QStringLiteral("mmlu:" NF_TEST_DATA_DIR "/mcq/mmlu:val"));

    dialog.setSpec(QStringLiteral("ceval:/data/ceval:dev"));
    EXPECT_EQ(kind->currentData().toString(), QStringLiteral("ceval"));
    EXPECT_EQ(split->currentText(), QStringLiteral("dev"));
    EXPECT_EQ(dialog.findChild<QLineEdit*>(QStringLiteral("benchmarkFolder"))->text(),
              QStringLiteral("/data/ceval"));
}

TEST(BenchmarkFolderDialog, StaysOpenNamingAFolderWithoutTheSplit)
{
    BenchmarkFolderDialog dialog;
    dialog.show();
    dialog.setFolder(QStringLiteral(NF_TEST_DATA_DIR "/mcq/cmmlu"));
    auto* split = dialog.findChild<QComboBox*>(QStringLiteral("benchmarkSplit"));
    auto* kind = dialog.findChild<QComboBox*>(QStringLiteral("benchmarkKind"));
    kind->setCurrentIndex(kind->findData(QStringLiteral("ceval"))); // CMMLU has no val/ folder
    ASSERT_EQ(split->currentText(), QStringLiteral("val"));
    dialog.accept();
    EXPECT_TRUE(dialog.isVisible());
    auto* error = dialog.findChild<QLabel*>(QStringLiteral("benchmarkError"));
    ASSERT_NE(error, nullptr);
    EXPECT_TRUE(error->isVisible());
    EXPECT_TRUE(error->text().contains(QStringLiteral("has no val/ folder"))) << error->text().toStdString();

    kind->setCurrentIndex(kind->findData(QStringLiteral("cmmlu")));
    dialog.accept();
    EXPECT_EQ(dialog.result(), QDialog::Accepted);
}

TEST(FormText, ShortTaskSpecsNameTheFileOrFolderAndTheSplit)
{
    EXPECT_EQ(shortTaskSpec(QStringLiteral("mmlu:/data/mmlu/data:test")), QStringLiteral("mmlu:data (test)"));
    EXPECT_EQ(shortTaskSpec(QStringLiteral("cmmlu:/data/cmmlu/")), QStringLiteral("cmmlu:cmmlu"));
    EXPECT_EQ(shortTaskSpec(QStringLiteral("jsonl:/q/tiny.jsonl")), QStringLiteral("jsonl:tiny.jsonl"));
    EXPECT_EQ(shortTaskSpec(QStringLiteral("idx:/a/images-ubyte,/a/labels-ubyte")),
              QStringLiteral("idx:images-ubyte"));
    EXPECT_EQ(shortTaskSpec(QStringLiteral("fashion-mnist:test")), QStringLiteral("fashion-mnist:test"));
}

} // namespace
} // namespace nf::ui
