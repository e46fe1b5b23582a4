#include "common/error.h"
#include "core/error_message.h"
#include "core/idx_writer.h"
#include "core/scratch_dir.h"
#include "formats/task.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include <unistd.h>

using nf::formats::loadImageTask;
using nf::test::ScratchDir;

namespace {

std::string loadError(const std::string& spec)
{
    return nf::test::errorMessage([&] { loadImageTask(spec); });
}

bool hasFashionMnist()
{
    return std::filesystem::exists(std::filesystem::path(nf::formats::kFashionMnistDir) /
                                   "t10k-images-idx3-ubyte.gz");
}

// Changes the working directory for one scope.
class WorkingDirectory
{
public:
    explicit WorkingDirectory(const std::filesystem::path& path) : m_previous(std::filesystem::current_path())
    {
        std::filesystem::current_path(path);
    }
    ~WorkingDirectory() { std::filesystem::current_path(m_previous); }

private:
    std::filesystem::path m_previous;
};

} // namespace

TEST(ImageTask, LoadsIdxPairWithNumberedClasses)
{
    ScratchDir dir;
    nf::test::writeImageTask(dir / "img.gz", dir / "lab", 2, 3, {0, 3, 1, 3}, true);
    const auto task = loadImageTask("idx:" + (dir / "img.gz").string() + "," + (dir / "lab").string());
    EXPECT_EQ(task.n, 4);
    EXPECT_EQ(task.rows, 2);
    EXPECT_EQ(task.cols, 3);
    EXPECT_EQ(task.pixels.size(), 24u);
    EXPECT_EQ(task.labels, (std::vector<int32_t>{0, 3, 1, 3}));
    EXPECT_EQ(task.classNames, (std::vector<std::string>{"0", "1", "2", "3"}));
    EXPECT_EQ(task.numClasses(), 4);
    EXPECT_EQ(task.spec, "idx:" + (dir / "img.gz").string() + "," + (dir / "lab").string());
    EXPECT_EQ(task.label, "idx:img.gz");
    EXPECT_EQ(task.sha256.size(), 64u);
}

TEST(ImageTask, ResolvesRelativeIdxPaths)
{
    ScratchDir dir;
    std::filesystem::create_directory(dir / "data");
    nf::test::writeImageTask(dir / "data" / "img", dir / "data" / "lab", 1, 1, {1, 0});
    WorkingDirectory cwd(dir.path());
    const auto task = loadImageTask("idx:data/img,./data/../data/lab");
    const auto real = std::filesystem::current_path() / "data";
    EXPECT_EQ(task.imagesPath, (real / "img").string());
    EXPECT_EQ(task.labelsPath, (real / "lab").string());
    EXPECT_EQ(task.spec, "idx:" + (real / "img").string() + "," + (real / "lab").string());
}

TEST(ImageTask, HashIdentifiesDataNotPath)
{
    ScratchDir dir;
    nf::test::writeImageTask(dir / "a-img", dir / "a-lab", 2, 2, {0, 1, 2});
    nf::test::writeImageTask(dir / "b-img", dir / "b-lab", 2, 2, {0, 1, 2});
    nf::test::writeImageTask(dir / "c-img", dir / "c-lab", 2, 2, {0, 1, 1});
    const auto load = [&](const char* prefix) {
        const std::string p = prefix;
        return loadImageTask("idx:" + (dir / (p + "-img")).string() + "," + (dir / (p + "-lab")).string())
            .sha256;
    };
    EXPECT_EQ(load("a"), load("b"));
    EXPECT_NE(load("a"), load("c"));
}

TEST(ImageTask, RejectsImageLabelCountMismatch)
{
    ScratchDir dir;
    nf::test::writeImageTask(dir / "img", dir / "unused", 2, 2, {0, 1, 2});
    nf::test::writeIdx(dir / "lab", {2}, {0, 1});
    EXPECT_EQ(loadError("idx:" + (dir / "img").string() + "," + (dir / "lab").string()),
              (dir / "img").string() + " has 3 images but " + (dir / "lab").string() + " has 2 labels");
}

TEST(ImageTask, RejectsWrongDimensions)
{
    ScratchDir dir;
    nf::test::writeIdx(dir / "flat", {4}, {0, 1, 2, 3});
    nf::test::writeIdx(dir / "lab", {4}, {0, 1, 2, 3});
    const std::string message = loadError("idx:" + (dir / "flat").string() + "," + (dir / "lab").string());
    EXPECT_EQ(message, (dir / "flat").string() + ": expected images [n, rows, cols], found dimensions [4]");
    const std::string swapped = loadError("idx:" + (dir / "lab").string() + "," + (dir / "flat").string());
    EXPECT_TRUE(swapped.starts_with((dir / "lab").string() + ": expected images")) << swapped;
}

TEST(ImageTask, ReportsMissingIdxFile)
{
    ScratchDir dir;
    nf::test::writeIdx(dir / "lab", {1}, {0});
    EXPECT_EQ(loadError("idx:" + (dir / "img").string() + "," + (dir / "lab").string()),
              (dir / "img").string() + ": no such file");
}

TEST(ImageTask, RejectsUnknownSpec)
{
    EXPECT_EQ(loadError("xyz"),
              "unknown task 'xyz': expected fashion-mnist[:test|train] or idx:IMAGES,LABELS");
    EXPECT_EQ(loadError("fashion-mnist:valid"),
              "unknown task 'fashion-mnist:valid': expected fashion-mnist[:test|train] or idx:IMAGES,LABELS");
    for (const char* spec : {"idx:", "idx:only-one", "idx:a,", "idx:,b", "idx:a,b,c"}) {
        const std::string message = loadError(spec);
        EXPECT_NE(message.find("expected idx:IMAGES,LABELS"), std::string::npos) << message;
    }
}

TEST(ImageTask, LoadsFashionMnistTestSplit)
{
    if (!hasFashionMnist())
        GTEST_SKIP() << nf::formats::kFashionMnistDir << " is absent (apt-get install dataset-fashion-mnist)";
    const auto start = std::chrono::steady_clock::now();
    const auto task = loadImageTask("fashion-mnist");
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    std::printf("loaded fashion-mnist:test in %.1f ms\n", elapsed.count());
    EXPECT_EQ(task.spec, "fashion-mnist:test");
    EXPECT_EQ(task.label, "fashion-mnist:test");
    EXPECT_EQ(task.n, 10000);
    EXPECT_EQ(task.rows, 28);
    EXPECT_EQ(task.cols, 28);
    EXPECT_EQ(task.pixels.size(), 10000u * 28 * 28);
    EXPECT_EQ(task.numClasses(), 10);
    EXPECT_EQ(task.classNames.front(), "T-shirt/top");
    EXPECT_EQ(task.classNames.back(), "Ankle boot");
    EXPECT_EQ(task.imagesPath, std::string(nf::formats::kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz");
    // Fashion-MNIST's test split is balanced: 1,000 items per class.
    EXPECT_EQ(std::count(task.labels.begin(), task.labels.end(), 9), 1000);
    EXPECT_EQ(loadImageTask("fashion-mnist:test").sha256, task.sha256);
}

TEST(ImageTask, LoadsFashionMnistTrainSplit)
{
    if (!hasFashionMnist())
        GTEST_SKIP() << nf::formats::kFashionMnistDir << " is absent (apt-get install dataset-fashion-mnist)";
    const auto start = std::chrono::steady_clock::now();
    const auto task = loadImageTask("fashion-mnist:train");
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    std::printf("loaded fashion-mnist:train in %.1f ms\n", elapsed.count());
    EXPECT_EQ(task.spec, "fashion-mnist:train");
    EXPECT_EQ(task.n, 60000);
    EXPECT_EQ(task.numClasses(), 10);
}
