#pragma once

// Stand-ins for Slurm's programs, for the tests of the app's cluster submissions: a scratch folder
// that is the whole PATH while the fixture lives, holding shell scripts in place of sbatch (prints
// a job id, counting from 100, and records its arguments), squeue (prints the lines the test sets,
// in the `%K|%T|%N` format the core asks for) and scancel (records its arguments). No sacct: the
// states come from squeue and the shards, as on a cluster without accounting.

#include "core/scratch_dir.h"

#include <QByteArray>
#include <QtGlobal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nf::test {

class FakeSlurm
{
public:
    explicit FakeSlurm(bool withSbatch = true) : m_oldPath(qgetenv("PATH"))
    {
        // Only shell built-ins in the scripts: nothing else is on the PATH they run with.
        if (withSbatch)
            write("sbatch",
                  "if [ -f \"$d/refuse\" ]; then read -r why < \"$d/refuse\"; echo \"$why\" >&2; exit 1; fi\n"
                  "n=100\n"
                  "[ -f \"$d/next-id\" ] && read -r n < \"$d/next-id\"\n"
                  "echo $((n + 1)) > \"$d/next-id\"\n"
                  "echo \"$*\" >> \"$d/sbatch.log\"\n"
                  "echo \"$n\"\n");
        write("squeue", "echo \"$*\" >> \"$d/squeue.log\"\n"
                        "[ -f \"$d/queue\" ] || exit 0\n"
                        "while IFS= read -r line; do echo \"$line\"; done < \"$d/queue\"\n");
        write("scancel", "echo \"$*\" >> \"$d/scancel.log\"\n");
        qputenv("PATH", QByteArray::fromStdString(m_dir.path().string()));
    }
    ~FakeSlurm() { qputenv("PATH", m_oldPath); }
    FakeSlurm(const FakeSlurm&) = delete;
    FakeSlurm& operator=(const FakeSlurm&) = delete;

    // What squeue prints from now on: "TASK|STATE|NODE" lines.
    void setQueue(const std::string& lines) { std::ofstream(m_dir / "queue") << lines; }
    // sbatch exits 1 with this on stderr from now on.
    void refuse(const std::string& message) { std::ofstream(m_dir / "refuse") << message << '\n'; }

    std::string sbatchLog() const { return read("sbatch.log"); }
    std::string scancelLog() const { return read("scancel.log"); }
    const std::filesystem::path& dir() const { return m_dir.path(); }

private:
    void write(const std::string& name, const std::string& body)
    {
        const auto path = m_dir / name;
        std::ofstream(path) << "#!/bin/sh\nd=${0%/*}\n" << body;
        std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    }
    std::string read(const std::string& name) const
    {
        std::ifstream in(m_dir / name);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    ScratchDir m_dir;
    QByteArray m_oldPath;
};

} // namespace nf::test
