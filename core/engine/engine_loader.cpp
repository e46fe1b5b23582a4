#include "engine/engine.h"
#include "nf/version.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <dlfcn.h>

namespace nf::engine {
namespace {

constexpr const char* kLibrary = "libnoisefloor-engine.so";

// Where to look, in order: the environment's choice, the installed layout beside this program
// (bin/ and NF_ENGINE_INSTALL_DIR relative to it), and for a program run from the build tree, the
// build tree's (an installed program never looks in the folder it was built in).
std::vector<std::filesystem::path> candidates()
{
    std::vector<std::filesystem::path> paths;
    if (const char* chosen = std::getenv("NF_ENGINE_LIBRARY"); chosen != nullptr && *chosen != '\0')
        return {chosen};
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error)
        paths.push_back((self.parent_path() / NF_ENGINE_INSTALL_DIR / kLibrary).lexically_normal());
    const std::string buildDir = std::string(NF_ENGINE_BUILD_DIR) + "/";
    if (!error && self.string().starts_with(buildDir))
        paths.emplace_back(NF_ENGINE_BUILD_PATH);
    return paths;
}

const Engine* open()
{
    const auto paths = candidates();
    for (const auto& path : paths) {
        if (!std::filesystem::exists(path))
            continue;
        // RTLD_LOCAL: the library's own copies of noisefloor's code stay its own.
        void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (library == nullptr)
            throw std::runtime_error("cannot load the engine, which runs evaluations: " +
                                     std::string(::dlerror()));
        auto* entry = reinterpret_cast<EngineEntry>(::dlsym(library, kEngineEntryName));
        const Engine* engine = nullptr;
        const std::string build = engineBuild();
        if (entry != nullptr)
            engine = entry(kEngineInterfaceVersion, build.c_str());
        if (engine == nullptr) {
            ::dlclose(library);
            throw std::runtime_error(path.string() + " is not the engine of this build of noisefloor (" +
                                     build + "): reinstall noisefloor");
        }
        return engine;
    }
    std::string looked;
    for (const auto& path : paths)
        looked += (looked.empty() ? "" : ", ") + path.string();
    throw std::runtime_error("the engine, which runs evaluations, is not installed: no " +
                             std::string(kLibrary) + " at " + looked +
                             " (reinstall noisefloor, or set NF_ENGINE_LIBRARY)");
}

} // namespace

std::string engineBuild()
{
    return std::string(kVersion) + " " + kGitCommit + " layout " + std::to_string(sizeof(RunPlan)) + "/" +
           std::to_string(sizeof(EvalConfig)) + "/" + std::to_string(sizeof(EvaluationRequest)) + "/" +
           std::to_string(sizeof(EvaluationCallbacks)) + "/" + std::to_string(sizeof(LoadedEvaluation)) +
           "/" + std::to_string(sizeof(RepeatResult)) + "/" + std::to_string(sizeof(RunOutcome)) + "/" +
           std::to_string(sizeof(ResolvedDevice)) + "/" + std::to_string(sizeof(DemoModels)) + " libstdc++ " +
           std::to_string(__GLIBCXX__);
}

const Engine& loadEngine()
{
    // A throwing initialiser leaves it uninitialised: the next call tries again.
    static const Engine* const engine = open();
    return *engine;
}

} // namespace nf::engine
