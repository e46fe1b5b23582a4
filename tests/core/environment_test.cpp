#include "env/environment.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <dlfcn.h>

using namespace nf::env;

namespace {

// Loads the system BLAS the way libtorch does, by the alternatives name; nullptr when absent.
void* loadSystemBlas()
{
    return dlopen("libblas.so.3", RTLD_NOW | RTLD_GLOBAL);
}

// Sets or unsets a variable for one scope.
class ScopedVariable
{
public:
    ScopedVariable(const char* name, const char* value) : m_name(name)
    {
        if (const char* old = std::getenv(name))
            m_old = old;
        m_wasSet = std::getenv(name) != nullptr;
        if (value)
            setenv(name, value, 1);
        else
            unsetenv(name);
    }
    ~ScopedVariable()
    {
        if (m_wasSet)
            setenv(m_name, m_old.c_str(), 1);
        else
            unsetenv(m_name);
    }

private:
    const char* m_name;
    std::string m_old;
    bool m_wasSet = false;
};

} // namespace

TEST(Blas, ReportsRealPathOfLoadedOpenBlas)
{
    if (!loadSystemBlas())
        GTEST_SKIP() << "libblas.so.3 cannot be loaded here: " << dlerror();
    const BlasInfo blas = detectBlas();
    ASSERT_FALSE(blas.library.empty());
    EXPECT_TRUE(std::filesystem::path(blas.library).is_absolute()) << blas.library;
    EXPECT_TRUE(std::filesystem::exists(blas.library)) << blas.library;
    EXPECT_FALSE(std::filesystem::is_symlink(blas.library)) << blas.library;
    for (const std::string& other : blas.alsoLoaded)
        EXPECT_FALSE(std::filesystem::is_symlink(other)) << other;
    if (blas.library.find("openblas") == std::string::npos)
        GTEST_SKIP() << "the libblas.so.3 alternative here is " << blas.library << " (" << blas.name
                     << "), not OpenBLAS";
    EXPECT_EQ(blas.name, "OpenBLAS");
    EXPECT_GE(blas.threads, 1);
    EXPECT_FALSE(blas.config.empty());
    EXPECT_FALSE(blas.coreName.empty());
}

TEST(Blas, SetsOpenBlasThreads)
{
    if (!loadSystemBlas())
        GTEST_SKIP() << "libblas.so.3 cannot be loaded here: " << dlerror();
    if (detectBlas().name != "OpenBLAS")
        GTEST_SKIP() << "the loaded BLAS is " << detectBlas().name << ", not OpenBLAS";
    const int before = detectBlas().threads;
    ASSERT_TRUE(setBlasThreads(1));
    EXPECT_EQ(detectBlas().threads, 1);
    setBlasThreads(before);
    EXPECT_FALSE(setBlasThreads(0));
}

TEST(Env, DetectsCpu)
{
    const CpuInfo cpu = detectCpu();
    EXPECT_FALSE(cpu.model.empty());
    EXPECT_GE(cpu.logicalCores, 1);
}

TEST(Snapshot, JsonIsCompactWithSortedKeys)
{
    Snapshot snapshot;
    snapshot.set("os", "Debian GNU/Linux 12 (bookworm)");
    snapshot.set("blas.name", "OpenBLAS");
    snapshot.set("cpu.cores", "16");
    EXPECT_EQ(snapshot.json(),
              R"json({"blas.name":"OpenBLAS","cpu.cores":"16","os":"Debian GNU/Linux 12 (bookworm)"})json");
}

TEST(Snapshot, IdenticalSnapshotsHashIdenticallyAndAChangeChangesTheHash)
{
    Snapshot a;
    a.set("blas.name", "OpenBLAS");
    a.set("cpu.cores", "16");
    Snapshot b;
    b.set("cpu.cores", "16"); // other insertion order, same content
    b.set("blas.name", "OpenBLAS");
    EXPECT_EQ(a.json(), b.json());
    EXPECT_EQ(a.hash(), b.hash());
    EXPECT_EQ(a.hash().size(), 64u);
    b.set("cpu.cores", "8");
    EXPECT_NE(a.hash(), b.hash());
}

TEST(Snapshot, HostSnapshotHasTheDocumentedKeys)
{
    ScopedVariable unsetVariable("CUDA_VISIBLE_DEVICES", nullptr);
    ScopedVariable setVariable("OMP_NUM_THREADS", "3");
    const Snapshot snapshot = hostSnapshot();
    const auto& values = snapshot.values();
    for (const char* key : {"noisefloor.version", "noisefloor.commit", "blas.library", "blas.name",
                            "blas.config", "blas.core", "blas.threads", "omp.max_threads", "cpu.model",
                            "cpu.cores", "os", "kernel", "host", "env.CUBLAS_WORKSPACE_CONFIG",
                            "env.OMP_NUM_THREADS", "env.OPENBLAS_NUM_THREADS", "env.CUDA_VISIBLE_DEVICES"})
        EXPECT_TRUE(values.contains(key)) << key;
    EXPECT_EQ(values.at("env.CUDA_VISIBLE_DEVICES"), "(unset)");
    EXPECT_EQ(values.at("env.OMP_NUM_THREADS"), "3");
    EXPECT_EQ(values.at("omp.max_threads"), "3");
    EXPECT_EQ(hostSnapshot().hash(), snapshot.hash());
}

TEST(Env, CublasWorkspaceConfigIsSetOnlyWhenUnset)
{
    {
        ScopedVariable unset("CUBLAS_WORKSPACE_CONFIG", nullptr);
        ensureCublasWorkspaceConfig();
        EXPECT_STREQ(std::getenv("CUBLAS_WORKSPACE_CONFIG"), ":4096:8");
    }
    ScopedVariable chosen("CUBLAS_WORKSPACE_CONFIG", ":16:8");
    ensureCublasWorkspaceConfig();
    EXPECT_STREQ(std::getenv("CUBLAS_WORKSPACE_CONFIG"), ":16:8");
}
