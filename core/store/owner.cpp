#include "store/owner.h"

#include <climits>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <signal.h>
#include <unistd.h>

namespace nf::store {

ProcessOwner currentProcess()
{
    ProcessOwner owner;
    char host[HOST_NAME_MAX + 1] = {};
    if (gethostname(host, sizeof host - 1) == 0)
        owner.host = host;
    // A container can share the host's name but not its pid namespace: pids are only comparable
    // within one namespace, so it is part of the owner's "host".
    std::error_code error;
    const auto pidNamespace = std::filesystem::read_symlink("/proc/self/ns/pid", error);
    if (!error)
        owner.host += " " + pidNamespace.string();
    owner.pid = getpid();
    owner.startTicks = processStartTicks(owner.pid);
    return owner;
}

std::optional<int64_t> processStartTicks(int64_t pid)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!file || !std::getline(file, stat))
        return std::nullopt;
    // Field 2 is the command name in parentheses and may itself contain spaces and ')': count the
    // fields after its last ')'. That is field 3, so field 22 is the 20th from there.
    size_t close = stat.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22; ++i) {
        if (!(fields >> field))
            return std::nullopt;
    }
    try {
        return std::stoll(field);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

bool isProcessGone(int64_t pid, std::optional<int64_t> startTicks)
{
    if (pid <= 0 || pid > INT_MAX)
        return false;
    // EPERM means the process exists but belongs to another user: still alive.
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
        return true;
    if (!startTicks)
        return false;
    std::optional<int64_t> now = processStartTicks(pid);
    return now && *now != *startTicks;
}

bool isOwnerGone(const RecordedOwner& owner, const std::string& thisHost)
{
    // Pids are only comparable within one host and pid namespace (see currentProcess).
    if (thisHost.empty() || owner.host != thisHost || !owner.pid)
        return false;
    return isProcessGone(*owner.pid, owner.startTicks);
}

RunStatus displayedStatus(RunStatus stored, const RecordedOwner& owner, const std::string& thisHost)
{
    if (stored == RunStatus::Running && isOwnerGone(owner, thisHost))
        return RunStatus::Interrupted;
    return stored;
}

} // namespace nf::store
