// Child processes with captured output: posix_spawnp and two pipes read with poll.

#include "cluster/command.h"

#include "common/error.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace nf::cluster {
namespace {

// A pipe whose ends close with it.
struct Pipe
{
    std::array<int, 2> fd{-1, -1};
    Pipe()
    {
        if (::pipe2(fd.data(), O_CLOEXEC) != 0)
            throw std::runtime_error(std::string("cannot make a pipe: ") + std::strerror(errno));
    }
    ~Pipe()
    {
        closeEnd(0);
        closeEnd(1);
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    void closeEnd(int end)
    {
        if (fd[end] >= 0)
            ::close(fd[end]);
        fd[end] = -1;
    }
};

} // namespace

std::string CommandResult::lastLine() const
{
    for (const std::string* text : {&err, &out}) {
        std::istringstream lines(*text);
        std::string line;
        std::string last;
        while (std::getline(lines, line))
            if (line.find_first_not_of(" \t\r") != std::string::npos)
                last = line;
        if (!last.empty())
            return last;
    }
    return {};
}

bool onPath(const std::string& program)
{
    if (program.find('/') != std::string::npos)
        return ::access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / program;
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
            return true;
    }
    return false;
}

CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input,
                         std::chrono::seconds timeout)
{
    if (argv.empty())
        throw std::invalid_argument("runCommand: no program");
    if (!onPath(argv[0]))
        throw InputError(argv[0] + " is not on the PATH (is this a Slurm login node?)");
    Pipe in;
    Pipe out;
    Pipe err;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.fd[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.fd[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(spawned));
    in.closeEnd(0);
    out.closeEnd(1);
    err.closeEnd(1);

    CommandResult result;
    size_t written = 0;
    if (input.empty())
        in.closeEnd(1);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timedOut = false;
    while (out.fd[0] >= 0 || err.fd[0] >= 0) {
        std::array<pollfd, 3> fds{};
        nfds_t n = 0;
        for (Pipe* pipe : {&out, &err})
            if (pipe->fd[0] >= 0)
                fds[n++] = {pipe->fd[0], POLLIN, 0};
        if (in.fd[1] >= 0)
            fds[n++] = {in.fd[1], POLLOUT, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timedOut = true;
            break;
        }
        if (::poll(fds.data(), n, static_cast<int>(left.count())) < 0 && errno != EINTR)
            break;
        for (nfds_t i = 0; i < n; ++i) {
            if (fds[i].revents == 0)
                continue;
            if (fds[i].fd == in.fd[1]) {
                const ssize_t put = ::write(in.fd[1], input.data() + written, input.size() - written);
                written += put > 0 ? static_cast<size_t>(put) : 0;
                if (put < 0 || written == input.size())
                    in.closeEnd(1);
                continue;
            }
            Pipe& pipe = fds[i].fd == out.fd[0] ? out : err;
            std::string& text = &pipe == &out ? result.out : result.err;
            char buffer[8192];
            const ssize_t got = ::read(pipe.fd[0], buffer, sizeof buffer);
            if (got > 0)
                text.append(buffer, static_cast<size_t>(got));
            else if (got == 0 || errno != EINTR)
                pipe.closeEnd(0);
        }
    }
    in.closeEnd(1);
    if (timedOut)
        ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timedOut)
        throw std::runtime_error(argv[0] + " did not answer within " + std::to_string(timeout.count()) +
                                 " s; stopped it");
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

} // namespace nf::cluster
