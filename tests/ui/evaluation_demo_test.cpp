// The demo job: the app runs the same preset experiment as `noisefloor-cli demo`, with the demo
// models cached under the data directory. Training takes minutes, so the cache is filled here
// with tiny stand-ins of the demo models' shape (784 inputs, 10 classes, a dropout layer).

#include "core/scratch_dir.h"
#include "engine/models.h"
#include "formats/task.h"
#include "store/store.h"
#include "worker/evaluationqueue.h"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>
#include <cstdlib>
#include <set>

namespace nf::ui {
namespace {

class ScopedDataHome
{
public:
    explicit ScopedDataHome(const std::filesystem::path& path)
    {
        if (const char* old = std::getenv("XDG_DATA_HOME"))
            m_old = old;
        setenv("XDG_DATA_HOME", path.c_str(), 1);
    }
    ~ScopedDataHome()
    {
        if (m_old)
            setenv("XDG_DATA_HOME", m_old->c_str(), 1);
        else
            unsetenv("XDG_DATA_HOME");
    }

private:
    std::optional<std::string> m_old;
};

TEST(EvaluationDemo, RunsThePresetExperimentOnTheCachedDemoModels)
{
    if (!std::filesystem::exists(std::string(formats::kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz"))
        GTEST_SKIP() << "Fashion-MNIST is not installed in " << formats::kFashionMnistDir;
    test::ScratchDir home;
    ScopedDataHome dataHome(home.path());
    engine::TinyClassifierSpec spec;
    spec.inputSize = 784;
    spec.classes = 10;
    spec.dropout = true;
    std::filesystem::create_directories(home / "noisefloor" / "demo");
    engine::writeTinyClassifier(home / "noisefloor" / "demo" / "demo-mlp-v1-epoch1.pt", spec);
    spec.seed = 3;
    engine::writeTinyClassifier(home / "noisefloor" / "demo" / "demo-mlp-v1-epoch3.pt", spec);

    const auto database = home / "runs.sqlite";
    EvaluationQueue queue(QString::fromStdString(database.string()));
    QSignalSpy finished(&queue, &EvaluationQueue::jobFinished);
    QSignalSpy failed(&queue, &EvaluationQueue::jobFailed);
    QSignalSpy progress(&queue, &EvaluationQueue::progress);
    queue.enqueue({EvaluationJob::Kind::Demo, QString(), {}});
    ASSERT_TRUE(QTest::qWaitFor([&] { return finished.count() + failed.count() == 1; }, 300000));
    ASSERT_EQ(failed.count(), 0) << failed.front().at(1).toString().toStdString();

    const auto outcome = finished.front().front().value<JobOutcome>();
    EXPECT_EQ(outcome.title, QStringLiteral("demo"));
    EXPECT_EQ(outcome.completed, 30); // 2 models x (greedy, sample, MC-dropout) x 5 seeds
    EXPECT_EQ(outcome.groups.size(), 6u);
    std::set<QString> phases;
    for (const auto& signal : progress)
        phases.insert(signal.front().value<EvaluationProgress>().phase);
    EXPECT_TRUE(phases.count(QStringLiteral("evaluating")));

    store::Store store(database, store::OpenMode::ReadOnly);
    EXPECT_EQ(store.groups().size(), 6u);
    store::RunFilter completed;
    completed.status = store::RunStatus::Completed;
    EXPECT_EQ(store.runs(completed).size(), 30u);
}

} // namespace
} // namespace nf::ui
