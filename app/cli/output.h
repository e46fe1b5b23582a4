#pragma once

#include "workspace/describe_params.h"

#include "stats/types.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace nf::cli {

using workspace::describeParams;

// A plain text table with right-aligned numeric columns, as the terminal commands print them.
class Table
{
public:
    explicit Table(std::vector<std::string> headers);
    void addRow(std::vector<std::string> cells);
    void print(std::ostream& out) const;

private:
    std::vector<std::string> m_headers;
    std::vector<std::vector<std::string>> m_rows;
};

// Accuracy fraction as points ("84.31" with two decimals), "-" when absent.
std::string points(std::optional<double> fraction, int decimals = 2);
std::string fixed(double value, int decimals);

// JSON null for an absent or non-finite value: --json never prints NaN.
nlohmann::json jsonNumber(std::optional<double> value);
// [lo, hi], or null when absent.
nlohmann::json intervalJson(const std::optional<stats::Interval>& value);

nlohmann::json runJson(const store::RunRow& run);
nlohmann::json itemJson(const store::ItemRow& item);

// Prints one table per config group: runs, mean, sd, min, max and range in accuracy points.
void printGroupTable(std::ostream& out, const std::vector<store::GroupRow>& groups);

// A file written through a temporary file in the same folder, flushed to disk and renamed over
// `path` by commit(), so a reader never sees a half-written file; destroyed uncommitted, it
// leaves nothing behind. Throws nf::InputError naming the path.
class AtomicFile
{
public:
    explicit AtomicFile(const std::string& path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::ostream& stream() { return m_stream; }
    void commit();

private:
    std::string m_path;
    std::string m_temporary;
    std::ofstream m_stream;
    bool m_committed = false;
};

} // namespace nf::cli
