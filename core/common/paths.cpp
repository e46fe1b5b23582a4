#include "common/paths.h"

#include "common/error.h"

#include <cstdlib>

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

namespace nf {
namespace {

// File systems whose files the kernel makes as they are read: a size of 0 says nothing, reading
// may block (/proc/kmsg) or never end.
bool kernelFileSystem(const std::filesystem::path& path)
{
    struct statfs info {};
    if (::statfs(path.c_str(), &info) != 0)
        return false;
    switch (static_cast<unsigned long>(info.f_type)) {
    case PROC_SUPER_MAGIC:
    case SYSFS_MAGIC:
    case DEBUGFS_MAGIC:
    case TRACEFS_MAGIC:
    case SECURITYFS_MAGIC:
    case CGROUP_SUPER_MAGIC:
    case CGROUP2_SUPER_MAGIC:
        return true;
    default:
        return false;
    }
}

} // namespace

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

std::string specialFileKind(const std::filesystem::path& path)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return {};
    switch (info.st_mode & S_IFMT) {
    case S_IFREG:
        return kernelFileSystem(path) ? "a file of the kernel's /proc or /sys" : "";
    case S_IFDIR:
        return "a folder";
    case S_IFIFO:
        return "a FIFO";
    case S_IFCHR:
        return "a character device";
    case S_IFBLK:
        return "a block device";
    case S_IFSOCK:
        return "a socket";
    default:
        return "an unusual file";
    }
}

void requireRegularFile(const std::filesystem::path& path, const std::string& what)
{
    const std::string kind = specialFileKind(path);
    if (!kind.empty())
        throw InputError(what + " " + path.string() + " is " + kind + ", not a regular file");
}

} // namespace nf
