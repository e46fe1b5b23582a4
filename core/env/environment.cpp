#include "env/environment.h"

#include "common/sha256.h"
#include "nf/version.h"

#include <climits>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include <dlfcn.h>
#include <link.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace nf::env {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUnset = "(unset)";

// A loaded shared object that looks like a BLAS: the name it was loaded by and its real file.
struct LoadedBlas
{
    std::string loadedName;
    std::string realPath;
};

bool looksLikeBlas(const std::string& fileName)
{
    for (const char* stem : {"libblas", "libopenblas", "libmkl", "libblis"}) {
        if (fileName.find(stem) != std::string::npos)
            return true;
    }
    return false;
}

std::string realPath(const std::string& path)
{
    char resolved[PATH_MAX];
    return ::realpath(path.c_str(), resolved) ? std::string(resolved) : path;
}

int collectBlas(dl_phdr_info* info, size_t, void* data)
{
    const std::string name = info->dlpi_name ? info->dlpi_name : "";
    if (!name.empty() && looksLikeBlas(fs::path(name).filename().string())) {
        auto& found = *static_cast<std::vector<LoadedBlas>*>(data);
        const std::string real = realPath(name);
        const bool seen = std::any_of(found.begin(), found.end(),
                                      [&](const LoadedBlas& blas) { return blas.realPath == real; });
        if (!seen)
            found.push_back({name, real});
    }
    return 0;
}

// BLAS libraries in load order, the libblas.so.3 first when there is one: it is the name
// libtorch links, and on Debian an alternatives link whose target decides the numbers.
std::vector<LoadedBlas> loadedBlasLibraries()
{
    std::vector<LoadedBlas> found;
    dl_iterate_phdr(&collectBlas, &found);
    std::stable_partition(found.begin(), found.end(), [](const LoadedBlas& blas) {
        return fs::path(blas.loadedName).filename().string().starts_with("libblas.so");
    });
    return found;
}

// Looks a symbol up in the loaded BLAS libraries and their dependencies (Debian's OpenBLAS
// libblas.so.3 exports no openblas_* itself; its libopenblas.so.0 does), then globally. Asking
// the libraries' own handles also works when they were loaded RTLD_LOCAL.
void* findSymbol(const std::vector<LoadedBlas>& libraries, const char* symbol)
{
    for (const LoadedBlas& blas : libraries) {
        void* handle = dlopen(blas.loadedName.c_str(), RTLD_LAZY | RTLD_NOLOAD);
        if (!handle)
            continue;
        void* address = dlsym(handle, symbol);
        dlclose(handle); // only drops the reference NOLOAD took; the library stays loaded
        if (address)
            return address;
    }
    return dlsym(RTLD_DEFAULT, symbol);
}

std::string callString(void* function)
{
    if (!function)
        return {};
    const char* text = reinterpret_cast<char* (*)()>(function)();
    return text ? text : "";
}

std::string nameFromPath(const std::string& path)
{
    const fs::path file(path);
    const std::string fileName = file.filename().string();
    if (fileName.starts_with("libblas") && file.parent_path().filename() == "blas")
        return "reference BLAS";
    if (fileName.find("libmkl") != std::string::npos)
        return "Intel MKL";
    if (fileName.find("libblis") != std::string::npos)
        return "BLIS";
    return "unknown";
}

std::string environmentVariable(const char* name)
{
    const char* value = std::getenv(name);
    return value ? value : kUnset;
}

std::string osPrettyName()
{
    std::ifstream in("/etc/os-release");
    std::string line;
    while (std::getline(in, line)) {
        if (!line.starts_with("PRETTY_NAME="))
            continue;
        std::string value = line.substr(12);
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        return value;
    }
    return "unknown";
}

std::string kernel()
{
    utsname name{};
    if (uname(&name) != 0)
        return "unknown";
    return std::string(name.release) + " " + name.machine;
}

std::string hostName()
{
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0)
        return "unknown";
    return name;
}

std::string joined(const std::vector<std::string>& parts, const std::string& separator)
{
    std::string text;
    for (const std::string& part : parts)
        text += (text.empty() ? "" : separator) + part;
    return text;
}

} // namespace

BlasInfo detectBlas()
{
    const std::vector<LoadedBlas> libraries = loadedBlasLibraries();
    BlasInfo info;
    if (!libraries.empty()) {
        info.library = libraries.front().realPath;
        for (size_t i = 1; i < libraries.size(); ++i)
            info.alsoLoaded.push_back(libraries[i].realPath);
    }

    if (void* config = findSymbol(libraries, "openblas_get_config")) {
        info.name = "OpenBLAS";
        info.config = callString(config);
        info.coreName = callString(findSymbol(libraries, "openblas_get_corename"));
        if (void* threads = findSymbol(libraries, "openblas_get_num_threads"))
            info.threads = reinterpret_cast<int (*)()>(threads)();
        // OpenBLAS linked statically into something: no BLAS-named library, but the code is there.
        Dl_info where{};
        if (info.library.empty() && dladdr(config, &where) && where.dli_fname)
            info.library = realPath(where.dli_fname);
    } else if (!libraries.empty()) {
        info.name = nameFromPath(info.library);
    } else {
        info.name = "not loaded";
    }
    return info;
}

bool setBlasThreads(int threads)
{
    if (threads < 1)
        return false;
    void* function = findSymbol(loadedBlasLibraries(), "openblas_set_num_threads");
    if (!function)
        return false;
    reinterpret_cast<void (*)(int)>(function)(threads);
    return true;
}

CpuInfo detectCpu()
{
    CpuInfo cpu;
    cpu.logicalCores = static_cast<int>(std::thread::hardware_concurrency());
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    // x86 says "model name"; some ARM kernels only say "Model" or "Hardware".
    std::string fallback;
    while (std::getline(in, line)) {
        const size_t colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::string key = line.substr(0, colon);
        key.erase(key.find_last_not_of(" \t") + 1);
        const size_t start = line.find_first_not_of(" \t", colon + 1);
        const std::string value = start == std::string::npos ? "" : line.substr(start);
        if (key == "model name" && !value.empty()) {
            cpu.model = value;
            break;
        }
        if ((key == "Model" || key == "Hardware") && fallback.empty())
            fallback = value;
    }
    if (cpu.model.empty())
        cpu.model = fallback.empty() ? "unknown" : fallback;
    return cpu;
}

std::string Snapshot::json() const
{
    // std::map keeps the keys sorted, and so does nlohmann's object, so equal maps dump equally.
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, value] : m_values)
        object[key] = value;
    // A stray non-UTF-8 byte (a hostname, a CPU string) must not make the snapshot throw.
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Snapshot::hash() const
{
    return sha256Hex(json());
}

Snapshot hostSnapshot()
{
    Snapshot snapshot;
    snapshot.set("noisefloor.version", kVersion);
    snapshot.set("noisefloor.commit", kGitCommit);

    const BlasInfo blas = detectBlas();
    snapshot.set("blas.library", blas.library);
    snapshot.set("blas.name", blas.name);
    snapshot.set("blas.config", blas.config);
    snapshot.set("blas.core", blas.coreName);
    snapshot.set("blas.threads", std::to_string(blas.threads));
    snapshot.set("blas.also_loaded", joined(blas.alsoLoaded, ";"));

    // Asking OpenMP itself would mean linking it into every program; the variable is what a user
    // sets, and the engine records libtorch's own thread counts.
    snapshot.set("omp.max_threads", environmentVariable("OMP_NUM_THREADS"));

    const CpuInfo cpu = detectCpu();
    snapshot.set("cpu.model", cpu.model);
    snapshot.set("cpu.cores", std::to_string(cpu.logicalCores));
    snapshot.set("os", osPrettyName());
    snapshot.set("kernel", kernel());
    snapshot.set("host", hostName());
    for (const char* name :
         {"CUBLAS_WORKSPACE_CONFIG", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "CUDA_VISIBLE_DEVICES"})
        snapshot.set(std::string("env.") + name, environmentVariable(name));
    // A run made by a Slurm array task (`noisefloor-cli submit --slurm`): which node, job and task.
    if (const char* job = std::getenv("SLURM_JOB_ID"); job && *job) {
        snapshot.set("slurm.job_id", job);
        for (const auto& [key, name] : {std::pair{"slurm.array_job_id", "SLURM_ARRAY_JOB_ID"},
                                        std::pair{"slurm.array_task_id", "SLURM_ARRAY_TASK_ID"},
                                        std::pair{"slurm.node", "SLURMD_NODENAME"},
                                        std::pair{"slurm.cluster", "SLURM_CLUSTER_NAME"}})
            if (const char* value = std::getenv(name); value && *value)
                snapshot.set(key, value);
    }
    return snapshot;
}

bool canChangeResults(const std::string& key, const DevicesUsed& devices)
{
    static const std::set<std::string> never = {
        "host", "os", "kernel", "cpu.cores", "noisefloor.commit", "engine.tokenizer", "engine.adapter", "torch.interop_threads",
        "torch.cuda_built", "env.CUDA_VISIBLE_DEVICES", "env.OMP_NUM_THREADS", "env.OPENBLAS_NUM_THREADS"};
    static const std::set<std::string> cpuOnly = {"blas.library", "blas.name",      "blas.config",
                                                  "blas.core",    "blas.threads",   "blas.also_loaded",
                                                  "omp.max_threads", "torch.threads", "cpu.model"};
    static const std::set<std::string> cudaOnly = {
        "gpu.name", "gpu.driver", "determinism.cudnn_deterministic", "determinism.cudnn_benchmark",
        "determinism.tf32_cublas", "determinism.tf32_cudnn", "env.CUBLAS_WORKSPACE_CONFIG"};
    if (never.count(key) || key.rfind("slurm.", 0) == 0)
        return false;
    // Runs of unknown device (imports) could have used either.
    const bool cpu = devices.cpu || devices.unknown;
    const bool cuda = devices.cuda || devices.unknown;
    if (cpuOnly.count(key))
        return cpu;
    if (cudaOnly.count(key) || key.rfind("cuda.", 0) == 0)
        return cuda;
    return true;
}

void ensureCublasWorkspaceConfig()
{
    // overwrite = 0: a value the user chose (":16:8" saves memory) wins.
    setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", 0);
}

} // namespace nf::env
