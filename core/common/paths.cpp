#include "common/paths.h"

#include <cstdlib>

namespace nf {

std::filesystem::path dataDirectory()
{
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "noisefloor";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "share" / "noisefloor";
    return std::filesystem::current_path() / ".noisefloor";
}

std::filesystem::path defaultDatabasePath()
{
    return dataDirectory() / "runs.sqlite";
}

} // namespace nf
