#pragma once

// What the bench programs measure a piece of work with: wall and CPU seconds, the process's
// resident memory, and a child process per case so that each peak is its own.

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <sys/resource.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nf::bench {

inline double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// User + system time of this process so far.
inline double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

// A field of /proc/self/status in KiB: "VmRSS:" (resident now) or "VmHWM:" (peak); -1 if absent.
inline long statusKiB(const char* field)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field, 0) == 0)
            return std::stol(line.substr(std::string(field).size()));
    return -1;
}

// Seconds since this process was started (its starttime in /proc/self/stat, in clock ticks since
// boot): what a user waits from launching a program, loading its shared libraries included.
inline double secondsSinceProcessStart()
{
    std::ifstream stat("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Fields after the command name (which may hold spaces) start after its closing parenthesis;
    // starttime is field 22, the 20th after it.
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i) {
    }
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9 - std::stod(field) / ticks;
}

inline double peakRssMiB()
{
    return static_cast<double>(statusKiB("VmHWM:")) / 1024.0;
}

// Runs `body` in a child process and waits for it: its peak memory is its own, and what it
// allocates never weighs on the next case. An exception is printed as "<program>: <what>".
template <typename Body> void inChild(const char* program, Body&& body)
{
    std::fflush(stdout);
    const pid_t child = fork();
    if (child < 0) {
        std::perror("fork");
        return;
    }
    if (child == 0) {
        int code = 0;
        try {
            body();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s: %s\n", program, e.what());
            code = 1;
        }
        std::fflush(stdout);
        _exit(code);
    }
    int status = 0;
    waitpid(child, &status, 0);
}

} // namespace nf::bench
