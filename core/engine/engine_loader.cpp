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
// (bin/ and NF_ENGINE_INSTALL_DIR relative to it), the build tree.
std::vector<std::filesystem::path> candidates()
{
    std::vector<std::filesystem::path> paths;
    if (const char* chosen = std::getenv("NF_ENGINE_LIBRARY"); chosen != nullptr && *chosen != '\0')
        return {chosen};
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error)
        paths.push_back((self.parent_path() / NF_ENGINE_INSTALL_DIR / kLibrary).lexically_normal());
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
            throw std::runtime_error("cannot load the engine, which runs evaluations: " + std::string(::dlerror()));
        auto* entry = reinterpret_cast<EngineEntry>(::dlsym(library, kEngineEntryName));
        const Engine* engine = nullptr;
        const std::string build = std::string(kVersion) + " " + kGitCommit;
        if (entry != nullptr)
            engine = entry(kEngineInterfaceVersion, build.c_str());
        if (engine == nullptr) {
            ::dlclose(library);
            throw std::runtime_error(path.string() + " is not the engine of this build of noisefloor (" + build +
                                     "): reinstall noisefloor");
        }
        return engine;
    }
    std::string looked;
    for (const auto& path : paths)
        looked += (looked.empty() ? "" : ", ") + path.string();
    throw std::runtime_error("the engine, which runs evaluations, is not installed: no " + std::string(kLibrary) +
                             " at " + looked + " (reinstall noisefloor, or set NF_ENGINE_LIBRARY)");
}

} // namespace

const Engine& loadEngine()
{
    // A throwing initialiser leaves it uninitialised: the next call tries again.
    static const Engine* const engine = open();
    return *engine;
}

} // namespace nf::engine
