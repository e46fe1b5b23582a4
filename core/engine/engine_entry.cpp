// The one symbol libnoisefloor-engine.so exports (everything else it holds is hidden): the engine,
// for a program of the same build.

#include "engine/engine.h"

#include <string>

extern "C" __attribute__((visibility("default"))) const nf::engine::Engine* nf_engine_entry(int interfaceVersion,
                                                                                              const char* build)
{
    if (interfaceVersion != nf::engine::kEngineInterfaceVersion || build == nullptr ||
        nf::engine::engineBuild() != build)
        return nullptr;
    return &nf::engine::linkedEngine();
}
