// New evaluation's "Run on: Slurm cluster", driven through its widgets against stand-ins for
// Slurm's programs (cluster_fixture.h): offered only with sbatch on the PATH, a submission
// recorded in the database with its script written, and what is refused named in the dialog.

#include "cluster_fixture.h"
#include "dialogs/newevaluationdialog.h"
#include "engine/fixture.h"
#include "form_fixture.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <fstream>
#include <sstream>

namespace nf::ui {
namespace {

using test::formField;

class ClusterDialogTest : public ::testing::Test
{
protected:
    static constexpr int kWaitMs = 60000; // a bound for a loaded machine, never a timing assertion

    void SetUp() override { test::useScratchSettings(m_settings.path()); }

    QString database() const { return QString::fromStdString((m_data / "runs.sqlite").string()); }

    // The tiny model on the tiny task, seeds 1-3, on the cluster with every Slurm field set.
    void fillForSlurm(NewEvaluationDialog& dialog)
    {
        dialog.setDatabasePath(database());
        formField<QLineEdit>(dialog, "modelPath")->setText(QString::fromStdString(m_world.model("tiny")));
        formField<QComboBox>(dialog, "task")->setEditText(QString::fromStdString(m_world.taskSpec()));
        formField<QLineEdit>(dialog, "seeds")->setText(QStringLiteral("1-3"));
        auto* runOn = formField<QComboBox>(dialog, "runOn");
        runOn->setCurrentIndex(runOn->findData(QStringLiteral("slurm")));
        formField<QLineEdit>(dialog, "partition")->setText(QStringLiteral("gpu"));
        formField<QSpinBox>(dialog, "gpusPerTask")->setValue(1);
        formField<QLineEdit>(dialog, "timeLimit")->setText(QStringLiteral("0:30:00"));
        formField<QSpinBox>(dialog, "maxParallel")->setValue(2);
        formField<QLineEdit>(dialog, "shardsFolder")
            ->setText(QString::fromStdString((m_data / "shards").string()));
        formField<QLineEdit>(dialog, "nodeCli")
            ->setText(QStringLiteral("/opt/noisefloor/bin/noisefloor-cli"));
    }

    static std::string readFile(const std::filesystem::path& path)
    {
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    test::ScratchDir m_settings;
    test::ScratchDir m_data;
    test::TinyWorld m_world;
};

TEST_F(ClusterDialogTest, SlurmIsOfferedOnlyWithSbatchOnThePath)
{
    {
        test::FakeSlurm slurm(/*withSbatch=*/false);
        NewEvaluationDialog dialog;
        auto* runOn = formField<QComboBox>(dialog, "runOn");
        const auto* model = qobject_cast<QStandardItemModel*>(runOn->model());
        ASSERT_NE(model, nullptr);
        EXPECT_FALSE(model->item(1)->isEnabled());
        EXPECT_TRUE(model->item(1)->toolTip().contains(QStringLiteral("sbatch is not on the PATH")));
        EXPECT_EQ(runOn->currentData().toString(), QStringLiteral("local"));
        EXPECT_TRUE(formField<QWidget>(dialog, "slurmFields")->isHidden());
    }
    test::FakeSlurm slurm;
    NewEvaluationDialog dialog;
    auto* runOn = formField<QComboBox>(dialog, "runOn");
    EXPECT_TRUE(qobject_cast<QStandardItemModel*>(runOn->model())->item(1)->isEnabled());
    runOn->setCurrentIndex(runOn->findData(QStringLiteral("slurm")));
    EXPECT_FALSE(formField<QWidget>(dialog, "slurmFields")->isHidden());
    EXPECT_EQ(formField<QPushButton>(dialog, "startButton")->text(), QStringLiteral("Submit"));
}

TEST_F(ClusterDialogTest, SubmittingRecordsTheJobAndWritesItsScript)
{
    test::FakeSlurm slurm;
    NewEvaluationDialog dialog;
    fillForSlurm(dialog);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    formField<QPushButton>(dialog, "startButton")->click();
    ASSERT_TRUE(accepted.count() > 0 || accepted.wait(kWaitMs)) << "the submission did not finish";

    ASSERT_EQ(dialog.submittedJobs().size(), 1u);
    store::Store db(database().toStdString(), store::OpenMode::ReadOnly);
    const auto jobs = db.jobs();
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].arrayId, "100");
    EXPECT_EQ(jobs[0].collectId, "101");
    EXPECT_EQ(jobs[0].nTasks, 3);
    EXPECT_EQ(jobs[0].nRuns, 3);
    EXPECT_EQ(std::filesystem::path(jobs[0].shardsDir).parent_path(), m_data / "shards");
    const auto script = readFile(std::filesystem::path(jobs[0].shardsDir) / "job.sbatch");
    EXPECT_NE(script.find("#SBATCH --array=0-2%2"), std::string::npos) << script;
    EXPECT_NE(script.find("#SBATCH --partition=gpu"), std::string::npos) << script;
    EXPECT_NE(script.find("#SBATCH --time=0:30:00"), std::string::npos) << script;
    EXPECT_NE(script.find("gpus-per-task=1"), std::string::npos) << script;
    EXPECT_NE(script.find("/opt/noisefloor/bin/noisefloor-cli"), std::string::npos) << script;
    // The array, then the collect job after it.
    const auto log = slurm.sbatchLog();
    EXPECT_NE(log.find("job.sbatch"), std::string::npos) << log;
    EXPECT_NE(log.find("--dependency=afterany:100"), std::string::npos) << log;
}

TEST_F(ClusterDialogTest, ABadTimeLimitIsNamedAndNothingIsSubmitted)
{
    test::FakeSlurm slurm;
    NewEvaluationDialog dialog;
    fillForSlurm(dialog);
    formField<QLineEdit>(dialog, "timeLimit")->setText(QStringLiteral("2h"));
    EXPECT_TRUE(test::startError(dialog).contains(QStringLiteral("Time limit: '2h'")));
    EXPECT_EQ(slurm.sbatchLog(), "");
}

TEST_F(ClusterDialogTest, WhatSbatchRefusesIsShownInTheDialog)
{
    test::FakeSlurm slurm;
    slurm.refuse("sbatch: error: invalid partition specified: gpu");
    NewEvaluationDialog dialog;
    fillForSlurm(dialog);
    const QString error = test::startError(dialog);
    EXPECT_TRUE(error.contains(QStringLiteral("invalid partition specified: gpu"))) << error.toStdString();
    EXPECT_FALSE(dialog.result() == QDialog::Accepted);
    EXPECT_TRUE(formField<QPushButton>(dialog, "startButton")->isEnabled());
    store::Store db(database().toStdString(), store::OpenMode::ReadWrite);
    EXPECT_TRUE(db.jobs().empty());
}

TEST_F(ClusterDialogTest, APlanThatWouldFailOnEveryNodeIsRefusedBeforeAnythingIsQueued)
{
    test::FakeSlurm slurm;
    NewEvaluationDialog dialog;
    fillForSlurm(dialog);
    // A task file that exists but is not IDX data: the form's own check passes (the files are
    // there), the run's check (checkPlanFiles, off the GUI thread) reads it and refuses.
    const auto bogus = m_data / "labels.idx";
    std::ofstream(bogus) << "not idx";
    formField<QComboBox>(dialog, "task")
        ->setEditText(QStringLiteral("idx:") +
                      QString::fromStdString((m_world / "images.idx").string() + "," + bogus.string()));
    const QString error = test::startError(dialog);
    EXPECT_TRUE(error.contains(QStringLiteral("labels.idx"))) << error.toStdString();
    EXPECT_TRUE(error.contains(QStringLiteral("not an IDX file"))) << error.toStdString();
    EXPECT_EQ(slurm.sbatchLog(), "");
}

} // namespace
} // namespace nf::ui
