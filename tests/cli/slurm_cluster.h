#pragma once

// A real single-node Slurm cluster for tests and benches: munged, slurmctld and slurmd from
// Debian's packages, started from a slurm.conf of its own in a scratch folder on free ports
// (proctrack/linuxproc, task/none: no cgroups needed), and stopped with everything it ran. It
// needs root (slurmd starts jobs as their user) and the packages (scripts/setup installs them);
// where it cannot start, error() says why and the caller skips, saying so.

#include "core/scratch_dir.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace nf::test {

class SlurmCluster
{
public:
    SlurmCluster()
    {
        if (::geteuid() != 0) {
            m_error = "a local Slurm cluster needs root (slurmd starts jobs as their users)";
            return;
        }
        for (const char* program :
             {"/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch"})
            if (::access(program, X_OK) != 0) {
                m_error = std::string(program) +
                          " is not installed (scripts/setup installs slurmctld, slurmd, "
                          "slurm-client and munge)";
                return;
            }
        start();
    }
    ~SlurmCluster() { stop(); }
    SlurmCluster(const SlurmCluster&) = delete;
    SlurmCluster& operator=(const SlurmCluster&) = delete;

    // Empty when the cluster is up.
    const std::string& error() const { return m_error; }
    const std::filesystem::path& config() const { return m_config; }
    // `command` run by sh with SLURM_CONF pointing at this cluster; its standard output.
    std::string shell(const std::string& command) const
    {
        const std::string full = "SLURM_CONF=" + m_config.string() + " " + command;
        std::string out;
        if (FILE* pipe = ::popen(full.c_str(), "r")) {
            char buffer[4096];
            size_t n = 0;
            while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
                out.append(buffer, n);
            ::pclose(pipe);
        }
        return out;
    }
    // Waits until squeue lists nothing of this cluster (every job ended), up to `limit`.
    bool waitIdle(std::chrono::seconds limit) const
    {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (shell("squeue -h 2>/dev/null").empty())
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return false;
    }

private:
    static int freePort()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        socklen_t length = sizeof address;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        const int port = ntohs(address.sin_port);
        ::close(fd);
        return port;
    }

    static int run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

    void start()
    {
        namespace fs = std::filesystem;
        const auto& dir = m_dir.path();
        for (const char* sub : {"munge", "state", "spool", "log"})
            fs::create_directories(dir / sub);
        {
            std::random_device random;
            std::ofstream key(dir / "munge" / "key", std::ios::binary);
            for (int i = 0; i < 1024; ++i)
                key.put(static_cast<char>(random() & 0xff));
        }
        fs::permissions(dir / "munge" / "key", fs::perms::owner_read | fs::perms::owner_write);
        m_munge = dir / "munge";
        if (run("/usr/sbin/munged --force --key-file=" + (m_munge / "key").string() +
                " --socket=" + (m_munge / "socket").string() + " --pid-file=" + (m_munge / "pid").string() +
                " --log-file=" + (m_munge / "log").string() +
                " --seed-file=" + (m_munge / "seed").string()) != 0) {
            m_error = "munged did not start (see " + (m_munge / "log").string() + ")";
            return;
        }
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        const auto cpus = std::max(1u, std::thread::hardware_concurrency());
        m_config = dir / "slurm.conf";
        std::ofstream conf(m_config);
        conf
            << "ClusterName=nftest" << ::getpid() << "\nSlurmctldHost=" << host
            << "\nSlurmUser=root\nSlurmdUser=root\nAuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket="
            << (m_munge / "socket").string() << "\nSlurmctldPort=" << freePort()
            << "\nSlurmdPort=" << freePort() << "\nStateSaveLocation=" << (dir / "state").string()
            << "\nSlurmdSpoolDir=" << (dir / "spool").string()
            << "\nSlurmctldPidFile=" << (dir / "slurmctld.pid").string()
            << "\nSlurmdPidFile=" << (dir / "slurmd.pid").string()
            << "\nSlurmctldLogFile=" << (dir / "log" / "slurmctld.log").string()
            << "\nSlurmdLogFile=" << (dir / "log" / "slurmd.log").string()
            << "\nProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nSchedulerType=sched/backfill"
               "\nSelectType=select/"
               "cons_tres\nSelectTypeParameters=CR_Core\nReturnToService=2\nMpiDefault=none"
               "\nJobCompType=jobcomp/none\nAccountingStorageType=accounting_storage/none\nKillWait=10"
               "\nNodeName="
            << host << " CPUs=" << cpus << " RealMemory=1000 State=UNKNOWN"
            << "\nPartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n";
        conf.close();
        const std::string env = "SLURM_CONF=" + m_config.string() + " ";
        if (run(env + "/usr/sbin/slurmctld -i -f " + m_config.string()) != 0 ||
            run(env + "/usr/sbin/slurmd -f " + m_config.string()) != 0) {
            m_error = "slurmctld or slurmd did not start (see " + (dir / "log").string() + ")";
            return;
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            if (shell("sinfo -h -o %T 2>/dev/null").find("idle") != std::string::npos)
                return;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        m_error = "the local Slurm node did not come up within 30 s (see " + (dir / "log").string() + ")";
    }

    static void killFromPidFile(const std::filesystem::path& file)
    {
        std::ifstream in(file);
        pid_t pid = 0;
        if (!(in >> pid) || pid <= 1)
            return;
        ::kill(pid, SIGTERM);
        for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ::kill(pid, SIGKILL);
    }

    void stop()
    {
        // Job steps outlive slurmd: cancel them and let them end first.
        if (!m_config.empty() && m_error.empty()) {
            run("SLURM_CONF=" + m_config.string() + " scancel --user=root");
            waitIdle(std::chrono::seconds(20));
        }
        killFromPidFile(m_dir / "slurmd.pid");
        killFromPidFile(m_dir / "slurmctld.pid");
        killFromPidFile(m_dir / "munge" / "pid");
    }

    ScratchDir m_dir;
    std::filesystem::path m_munge;
    std::filesystem::path m_config;
    std::string m_error;
};

} // namespace nf::test
