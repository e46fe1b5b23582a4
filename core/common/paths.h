#pragma once

#include <filesystem>
#include <string>

namespace nf {

// $XDG_DATA_HOME/noisefloor, or ~/.local/share/noisefloor: the database and the demo's cached models.
std::filesystem::path dataDirectory();

// The default database: dataDirectory()/runs.sqlite.
std::filesystem::path defaultDatabasePath();

// What `path` is when it is not a file whose bytes can be read to their end: "a FIFO", "a
// character device", "a block device", "a socket", "a folder", or "a file of the kernel's /proc
// or /sys" (made as it is read: /proc/kmsg blocks, others never end). Empty for a regular file
// and for a path that does not exist (its reader says so in its own words). Symbolic links are
// followed.
std::string specialFileKind(const std::filesystem::path& path);

// Throws nf::InputError "<what> <path> is a FIFO, not a regular file" where specialFileKind
// names something: readers call it before opening a file, since opening a FIFO waits for a
// writer and reading /dev/zero never ends. `what` says what the file was to be ("task file").
void requireRegularFile(const std::filesystem::path& path, const std::string& what);

} // namespace nf
