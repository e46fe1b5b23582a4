#include "output.h"

#include "workspace/number_text.h"
#include "commands.h"
#include "common/error.h"
#include "common/paths.h"
#include "stats/describe.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <ostream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace nf::cli {

Table::Table(std::vector<std::string> headers) : m_headers(std::move(headers)) {}

void Table::addRow(std::vector<std::string> cells)
{
    cells.resize(m_headers.size());
    m_rows.push_back(std::move(cells));
}

void Table::print(std::ostream& out) const
{
    std::vector<size_t> widths(m_headers.size());
    for (size_t c = 0; c < m_headers.size(); ++c) {
        widths[c] = m_headers[c].size();
        for (const auto& row : m_rows)
            widths[c] = std::max(widths[c], row[c].size());
    }
    auto isNumeric = [](const std::string& cell) {
        return !cell.empty() && cell.find_first_not_of("0123456789.-+%") == std::string::npos;
    };
    auto printRow = [&](const std::vector<std::string>& row, bool header) {
        for (size_t c = 0; c < row.size(); ++c) {
            const bool right = !header && isNumeric(row[c]);
            if (c > 0)
                out << "  ";
            const size_t pad = widths[c] - row[c].size();
            if (right)
                out << std::string(pad, ' ') << row[c];
            else if (c + 1 < row.size())
                out << row[c] << std::string(pad, ' ');
            else
                out << row[c];
        }
        out << '\n';
    };
    printRow(m_headers, true);
    for (const auto& row : m_rows)
        printRow(row, false);
}

std::string fixed(double value, int decimals)
{
    if (!std::isfinite(value))
        return "-";
    return workspace::fixedText(value, decimals);
}

std::string points(std::optional<double> fraction, int decimals)
{
    return fraction ? fixed(*fraction * 100.0, decimals) : "-";
}

nlohmann::json jsonNumber(std::optional<double> value)
{
    if (!value || !std::isfinite(*value))
        return nullptr;
    return *value;
}

nlohmann::json intervalJson(const std::optional<stats::Interval>& value)
{
    return value ? nlohmann::json::array({value->lo, value->hi}) : nlohmann::json(nullptr);
}

nlohmann::json runJson(const store::RunRow& run)
{
    return {
        {"id", run.id},
        {"uid", run.uid},
        {"group", run.configId},
        {"seed", run.seed},
        {"status", store::toString(run.status)},
        {"accuracy", jsonNumber(run.accuracy)},
        {"n_items", run.nItems},
        {"n_correct", run.nCorrect},
        {"started_at", run.startedAt},
        {"finished_at", run.finishedAt.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.finishedAt)},
        {"duration_s", jsonNumber(run.durationSeconds)},
        {"label", run.label},
        {"notes", run.notes},
        {"source", run.source},
        {"reproduces", run.reproduces ? nlohmann::json(*run.reproduces) : nlohmann::json(nullptr)},
    };
}

nlohmann::json itemJson(const store::ItemRow& item)
{
    nlohmann::json json = {
        {"idx", item.idx}, {"predicted", item.predicted}, {"correct", item.correct}, {"p_true", item.pTrue}};
    // Language-model items: the few-shot examples the prompt kept and its token hash.
    if (item.nShots)
        json["n_shots"] = *item.nShots;
    if (item.promptHash)
        json["prompt_hash"] = *item.promptHash;
    return json;
}

void printGroupTable(std::ostream& out, const std::vector<store::GroupRow>& groups)
{
    Table table({"group", "model", "task", "config", "runs", "mean", "sd", "min", "max", "range"});
    for (const auto& group : groups) {
        const auto summary = stats::describe(group.accuracies);
        auto pts = [](double fraction) { return fixed(fraction * 100.0, 2); };
        table.addRow({std::to_string(group.id), group.modelLabel, group.taskLabel,
                      describeParams(group.paramsJson), std::to_string(summary.n), pts(summary.mean),
                      pts(summary.sd), pts(summary.min), pts(summary.max), pts(summary.range)});
    }
    table.print(out);
    out << "(accuracy in points, over completed runs; reproductions are not counted)\n";
}

namespace {

// fsync of a path (a file, or the folder whose entry a rename changed).
bool syncPath(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0)
        return false;
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced;
}

} // namespace

AtomicFile::AtomicFile(const std::string& path)
    : m_path(std::filesystem::absolute(path).string()),
      m_temporary(m_path + ".partial-" + std::to_string(::getpid()))
{
    m_stream.open(m_temporary, std::ios::binary | std::ios::trunc);
    if (!m_stream)
        throw InputError(path + ": cannot be written (" + std::strerror(errno) + ")");
}

AtomicFile::~AtomicFile()
{
    if (!m_committed) {
        m_stream.close();
        std::error_code ignored;
        std::filesystem::remove(m_temporary, ignored);
    }
}

void AtomicFile::commit()
{
    m_stream.flush();
    m_stream.close();
    if (!m_stream || !syncPath(m_temporary))
        throw InputError(m_path + ": write failed (disk full?)");
    std::error_code error;
    std::filesystem::rename(m_temporary, m_path, error);
    if (error)
        throw InputError(m_path + ": cannot be written (" + error.message() + ")");
    m_committed = true;
    syncPath(std::filesystem::path(m_path).parent_path().string());
}

std::string databasePath(const GlobalOptions& global)
{
    return global.db.empty() ? defaultDatabasePath().string() : global.db;
}

store::Store openExisting(const GlobalOptions& global, bool mayUpgrade)
{
    const auto path = databasePath(global);
    if (!std::filesystem::exists(path))
        throw InputError(path + ": no database yet (run `noisefloor-cli demo`, `run` or `import` first)");
    auto store = openStore(global, store::OpenMode::ReadOnly);
    const int fileVersion = store.fileSchemaVersion();
    if (fileVersion == store.schemaVersion())
        return store;
    // A file of an older noisefloor: upgraded once where it can be written, so that later reads
    // need no copy; otherwise read through the copy migrated in memory.
    if (mayUpgrade) {
        try {
            const store::Store upgraded(path, store::OpenMode::ReadWrite);
            std::cerr << "noisefloor-cli: upgraded " << path << " from schema " << fileVersion << " to "
                      << store.schemaVersion() << '\n';
            return openStore(global, store::OpenMode::ReadOnly);
        } catch (const StoreError&) {
            // Read-only, or locked by a writer for longer than the busy timeout: read the copy.
        }
    }
    std::cerr << "noisefloor-cli: note: " << path << " has the older schema " << fileVersion
              << (mayUpgrade ? " and cannot be written" : "") << "; read through a copy upgraded in memory\n";
    return store;
}

store::Store openStore(const GlobalOptions& global, store::OpenMode mode)
{
    try {
        return store::Store(databasePath(global), mode);
    } catch (const StoreError& e) {
        throw InputError(e.what());
    }
}

} // namespace nf::cli
