// The environment differences a comparison warns about: only keys that can change results on the
// device the runs used.

#include "workspace/group_data.h"
#include "core/scratch_dir.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace nf::store;

namespace {

struct OneTask
{
    explicit OneTask(const std::filesystem::path& file) : store(file)
    {
        const std::vector<TaskItem> items(4, TaskItem{"s", "0"});
        model = store.ensureModel("/m.pt", "model-sha", "classifier", "model");
        task = store.ensureTask("image", "/a", "a-sha", "task A", items);
    }
    // A group whose runs were recorded in `environment` (JSON object of strings).
    int64_t groupWithEnvironment(const std::string& params, const std::string& environment)
    {
        const int64_t config = store.ensureConfig(model, task, params, params + "-hash");
        const int64_t env = store.ensureEnvironment(environment, environment + "-hash");
        const std::vector<ItemRow> rows = {{0, 0, true, 0.9}, {1, 1, false, 0.1}, {2, 0, true, 0.8}, {3, 0, true, 0.7}};
        for (int seed = 1; seed <= 2; ++seed) {
            const int64_t run = store.beginRun({config, env, seed, "", "engine"});
            store.completeRun(run, rows, 1.0);
        }
        return config;
    }
    Store store;
    int64_t model = 0, task = 0;
};

std::vector<std::string> keys(const std::vector<nf::workspace::EnvironmentDifference>& differences)
{
    std::vector<std::string> out;
    for (const auto& difference : differences)
        out.push_back(difference.key);
    return out;
}

} // namespace

TEST(EnvironmentDifferences, OnTheCpuOnlyKeysThatCanChangeResultsAreReported)
{
    nf::test::ScratchDir dir;
    OneTask db(dir / "db.sqlite");
    // The app used to record CUBLAS_WORKSPACE_CONFIG unset and the CLI ":4096:8": irrelevant on a
    // CPU, as are the host and the build's commit; the OpenBLAS core is not.
    const int64_t a = db.groupWithEnvironment(
        "{\"g\":1}", R"j({"engine.device":"cpu","env.CUBLAS_WORKSPACE_CONFIG":"(unset)","host":"a",)j"
                     R"j("noisefloor.commit":"abc","blas.core":"Haswell","torch.version":"1.13.1"})j");
    const int64_t b = db.groupWithEnvironment(
        "{\"g\":2}", R"j({"engine.device":"cpu","env.CUBLAS_WORKSPACE_CONFIG":":4096:8","host":"b",)j"
                     R"j("noisefloor.commit":"def","blas.core":"Zen","torch.version":"1.13.1"})j");
    EXPECT_EQ(keys(nf::workspace::environmentDifferences(db.store, a, b)), std::vector<std::string>{"blas.core"});
}

TEST(EnvironmentDifferences, OnCudaTheCublasWorkspaceMattersAndTheBlasCoreDoesNot)
{
    nf::test::ScratchDir dir;
    OneTask db(dir / "db.sqlite");
    const int64_t a = db.groupWithEnvironment(
        "{\"g\":1}", R"j({"engine.device":"cuda:0","env.CUBLAS_WORKSPACE_CONFIG":"(unset)","blas.core":"Haswell"})j");
    const int64_t b = db.groupWithEnvironment(
        "{\"g\":2}", R"j({"engine.device":"cuda:0","env.CUBLAS_WORKSPACE_CONFIG":":4096:8","blas.core":"Zen"})j");
    const auto differences = nf::workspace::environmentDifferences(db.store, a, b);
    ASSERT_EQ(keys(differences), std::vector<std::string>{"env.CUBLAS_WORKSPACE_CONFIG"});
    EXPECT_EQ(differences[0].valuesA, "(unset)");
    EXPECT_EQ(differences[0].valuesB, ":4096:8");
}

TEST(EnvironmentDifferences, ImportedRunsOfUnknownDeviceKeepEveryKeyThatCouldMatter)
{
    nf::test::ScratchDir dir;
    OneTask db(dir / "db.sqlite");
    const int64_t a = db.groupWithEnvironment("{\"g\":1}", R"j({"gpu.name":"A100","blas.core":"Haswell","os":"x"})j");
    const int64_t b = db.groupWithEnvironment("{\"g\":2}", R"j({"gpu.name":"H100","blas.core":"Zen","os":"y"})j");
    EXPECT_EQ(keys(nf::workspace::environmentDifferences(db.store, a, b)),
              (std::vector<std::string>{"blas.core", "gpu.name"}));
}
