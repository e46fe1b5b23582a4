#pragma once

#include <filesystem>

namespace nf {

// $XDG_DATA_HOME/noisefloor, or ~/.local/share/noisefloor: the database and the demo's cached models.
std::filesystem::path dataDirectory();

// The default database: dataDirectory()/runs.sqlite.
std::filesystem::path defaultDatabasePath();

} // namespace nf
