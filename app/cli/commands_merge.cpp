// merge: another noisefloor database (a GPU server's) brought into this one.

#include "commands.h"
#include "common/error.h"
#include "store/merge.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace nf::cli {
namespace {

struct MergeOptions
{
    std::string other;
    bool dryRun = false;
};

// 10000000 -> "10,000,000".
std::string thousands(int64_t value)
{
    std::string digits = std::to_string(value < 0 ? -value : value);
    for (auto at = static_cast<ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3)
        digits.insert(static_cast<size_t>(at), ",");
    return value < 0 ? "-" + digits : digits;
}

std::string count(int64_t n, const std::string& one, const std::string& many)
{
    return thousands(n) + " " + (n == 1 ? one : many);
}

// "merged 1,000 runs (10,000,000 items) from OTHER: 10 groups (3 joined, 7 new), 2 models, 1 task, 1
// environment new; 4 runs already here; 2 runs that did not complete were not merged".
std::string describe(const store::MergeResult& result, const std::string& other, bool dryRun)
{
    std::string text;
    if (result.runsAdded == 0) {
        text = "nothing new in " + other;
        if (result.runsAlreadyHere == 0 && result.runsNotCompleted == 0)
            return text + ": it has no runs";
        text += ":";
    } else {
        text = std::string(dryRun ? "would merge " : "merged ") + count(result.runsAdded, "run", "runs") +
               " (" + count(result.itemsAdded, "item", "items") + ") from " + other + ": " +
               count(result.groupsJoined + result.groupsNew, "group", "groups") + " (" +
               thousands(result.groupsJoined) + " joined, " + thousands(result.groupsNew) + " new)";
        std::vector<std::string> rows;
        if (result.modelsNew > 0)
            rows.push_back(count(result.modelsNew, "model", "models"));
        if (result.tasksNew > 0)
            rows.push_back(count(result.tasksNew, "task", "tasks"));
        if (result.environmentsNew > 0)
            rows.push_back(count(result.environmentsNew, "environment", "environments"));
        if (result.importsNew > 0)
            rows.push_back(count(result.importsNew, "import record", "import records"));
        for (const auto& row : rows)
            text += ", " + row;
        if (!rows.empty())
            text += " new";
        text += ";";
        if (result.reproductions > 0)
            text += " " + count(result.reproductions, "run repeats a seed", "runs repeat seeds") +
                    " already here and " + (dryRun ? "would count" : "counts") + " as a reproduction;";
    }
    if (result.runsAlreadyHere > 0)
        text += " " + count(result.runsAlreadyHere, "run", "runs") + " already here;";
    if (result.runsNotCompleted > 0)
        text += " " +
                count(result.runsNotCompleted, "run that did not complete was",
                      "runs that did not complete were") +
                " not merged;";
    text.pop_back(); // the last ';' or ':'
    return text;
}

// A folder under the system's temporary folder, made on demand and removed with its contents.
class ScratchFolder
{
public:
    ScratchFolder() = default;
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    ~ScratchFolder()
    {
        std::error_code ignored;
        if (!m_path.empty())
            std::filesystem::remove_all(m_path, ignored);
    }

    const std::filesystem::path& make()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "noisefloor-merge-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            throw StoreError("cannot make a temporary folder in " +
                             std::filesystem::temp_directory_path().string());
        m_path = pattern;
        return m_path;
    }

private:
    std::filesystem::path m_path;
};

// A dry run writes nothing where the user points: an existing database is opened read-only, one
// of an older schema is stood in for by an upgraded copy in a temporary folder (an upgrade is a
// write too, and the merge writes into the schema it knows), and one not made yet by an empty one.
store::Store openTarget(const GlobalOptions& global, bool dryRun, ScratchFolder& scratch)
{
    if (!dryRun)
        return openStore(global, store::OpenMode::ReadWrite);
    std::error_code ec;
    const std::filesystem::path path = databasePath(global);
    if (std::filesystem::exists(path, ec)) {
        auto existing = openExisting(global, /*mayUpgrade=*/false);
        if (existing.fileSchemaVersion() == store::Store::kSchemaVersion)
            return existing;
        GlobalOptions copy = global;
        copy.db = (scratch.make() / path.filename()).string();
        for (const char* suffix : {"", "-wal"})
            if (std::filesystem::exists(path.string() + suffix, ec))
                std::filesystem::copy_file(path.string() + suffix, copy.db + suffix);
        return openStore(copy, store::OpenMode::ReadWrite);
    }
    GlobalOptions empty = global;
    empty.db = (scratch.make() / "empty.sqlite").string();
    return openStore(empty, store::OpenMode::ReadWrite);
}

int runMerge(const GlobalOptions& global, const MergeOptions& options)
{
    std::error_code ec;
    if (!std::filesystem::exists(options.other, ec))
        throw InputError(options.other + " does not exist");
    const bool fresh = !std::filesystem::exists(databasePath(global), ec);
    ScratchFolder scratch;
    auto store = openTarget(global, options.dryRun, scratch);
    // What is wrong with the other file (not a noisefloor database, newer, damaged, this very
    // database) arrives as InputError naming it; a StoreError is this database failing.
    const store::MergeResult result = store::mergeDatabase(store, options.other, options.dryRun);

    const std::string database =
        fresh && options.dryRun ? databasePath(global) + " (not made yet)" : store.path().string();
    if (global.json) {
        std::cout << nlohmann::json{{"other", options.other},
                                    {"database", database},
                                    {"dry_run", options.dryRun},
                                    {"runs_added", result.runsAdded},
                                    {"runs_already_here", result.runsAlreadyHere},
                                    {"runs_not_completed", result.runsNotCompleted},
                                    {"reproductions", result.reproductions},
                                    {"items_added", result.itemsAdded},
                                    {"groups_joined", result.groupsJoined},
                                    {"groups_new", result.groupsNew},
                                    {"models_new", result.modelsNew},
                                    {"tasks_new", result.tasksNew},
                                    {"environments_new", result.environmentsNew},
                                    {"imports_new", result.importsNew},
                                    // A dry run's group ids are those a merge now would give.
                                    {"groups", result.groups}}
                         .dump(2)
                  << '\n';
        return kExitOk;
    }
    std::cout << describe(result, options.other, options.dryRun) << '\n';
    if (!result.groups.empty() && !options.dryRun) {
        std::cout << "groups:";
        for (const int64_t group : result.groups)
            std::cout << ' ' << group;
        std::cout << " (`noisefloor-cli summary GROUP`)\n";
    }
    if (options.dryRun)
        std::cout << "dry run: nothing was written\n";
    std::cout << "Database: " << database << '\n';
    return kExitOk;
}

} // namespace

void addMergeCommand(CLI::App& app, GlobalOptions& global, Action& action)
{
    auto options = std::make_shared<MergeOptions>();
    auto* merge = app.add_subcommand(
        "merge", "Bring the completed runs of another noisefloor database (a GPU server's) into this one: "
                 "matched by hashes and run uids, so merging twice adds nothing; all or nothing");
    merge->add_option("OTHER", options->other, "The other database file (read, never written)")
        ->type_name("FILE")
        ->required();
    merge->add_flag("--dry-run", options->dryRun, "Show what would be merged; write nothing");
    merge->callback(
        [&global, &action, options] { action = [&global, options] { return runMerge(global, *options); }; });
}

} // namespace nf::cli
