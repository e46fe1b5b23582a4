#pragma once

// A child process that only waits: it stands for another noisefloor process that owns a run, and
// is killed with SIGKILL (kill -9) as a user or the OOM killer would.

#include "store/owner.h"
#include "store/sqlite.h"

#include <sqlite3.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <stdexcept>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nf::test {

class WaitingChild
{
public:
    WaitingChild()
    {
        m_pid = fork();
        if (m_pid < 0)
            throw std::runtime_error("fork failed");
        if (m_pid == 0) {
            for (;;)
                pause(); // async-signal-safe: nothing else of the parent's state is touched
        }
    }
    ~WaitingChild() { killNow(); }
    WaitingChild(const WaitingChild&) = delete;
    WaitingChild& operator=(const WaitingChild&) = delete;

    int64_t pid() const { return m_pid; }

    // kill -9, then reaped: its pid names no process afterwards.
    void killNow()
    {
        if (m_alive) {
            kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
            m_alive = false;
        }
    }

private:
    pid_t m_pid = -1;
    bool m_alive = true;
};

// Records `runId` of the database at `file` as owned by process `pid` of this host (its start
// time read now, as beginRun records it), the way that process's own beginRun would have.
inline void recordOwner(const std::filesystem::path& file, int64_t runId, int64_t pid,
                        const std::string& host = store::currentProcess().host)
{
    store::sqlite::Database db(file, SQLITE_OPEN_READWRITE);
    store::sqlite::Statement update(db, "UPDATE runs SET owner_host = ?2, owner_pid = ?3, owner_start = ?4 "
                                        "WHERE id = ?1");
    update.bind(1, runId);
    update.bind(2, host);
    update.bind(3, pid);
    update.bind(4, store::processStartTicks(pid));
    update.run();
}

// runs.status as stored, not as shown.
inline std::string storedStatus(const std::filesystem::path& file, int64_t runId)
{
    store::sqlite::Database db(file, SQLITE_OPEN_READONLY);
    store::sqlite::Statement select(db, "SELECT status FROM runs WHERE id = ?1");
    select.bind(1, runId);
    return select.step() ? select.textAt(0) : std::string();
}

} // namespace nf::test
