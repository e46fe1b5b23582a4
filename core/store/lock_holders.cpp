#include "store/lock_holders.h"

#include "common/text.h"

#include <fstream>
#include <iomanip>
#include <iterator>
#include <set>
#include <sstream>
#include <vector>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace nf::store {
namespace {

// "fe:00:12533875": the device (major and minor in hex) and inode /proc/locks names a file by.
std::string lockKey(const std::string& path)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return {};
    std::ostringstream key;
    key << std::hex << std::setfill('0') << std::setw(2) << major(info.st_dev) << ':' << std::setw(2)
        << minor(info.st_dev) << ':' << std::dec << info.st_ino;
    return key.str();
}

// How a person knows the process: its command line, bounded (it is another program's text).
std::string describe(long pid)
{
    if (pid == static_cast<long>(::getpid()))
        return "this process";
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string command((std::istreambuf_iterator<char>(in)), {});
    while (!command.empty() && command.back() == '\0')
        command.pop_back();
    for (char& c : command)
        if (c == '\0')
            c = ' ';
    return "process " + std::to_string(pid) + (command.empty() ? "" : " (" + printableExcerpt(command) + ")");
}

} // namespace

std::string lockHolders(const std::string& path)
{
    std::set<std::string> keys;
    for (const auto& file : {path, path + "-shm"})
        if (auto key = lockKey(file); !key.empty())
            keys.insert(key);
    std::ifstream locks("/proc/locks");
    std::set<long> pids;
    std::string line;
    while (std::getline(locks, line)) {
        // "1: POSIX  ADVISORY  WRITE 4242 fe:00:12533875 120 120"; a waiter's line has "->" after the number.
        std::istringstream fields(line);
        std::vector<std::string> words((std::istream_iterator<std::string>(fields)), {});
        if (words.size() > 1 && words[1] == "->")
            continue;
        if (words.size() < 6 || !keys.contains(words[5]))
            continue;
        try {
            pids.insert(std::stol(words[4]));
        } catch (const std::exception&) {
        }
    }
    // This process's own connections read too; another process is the one to name when there is one.
    if (pids.size() > 1)
        pids.erase(static_cast<long>(::getpid()));
    std::string holders;
    for (const long pid : pids)
        holders += (holders.empty() ? "" : ", ") + describe(pid);
    return holders;
}

} // namespace nf::store
