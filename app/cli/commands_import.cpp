// import: runs from other tools (LLaMA-Factory, lm-evaluation-harness) and noisefloor's JSONL.

#include "workspace/import.h"
#include "commands.h"
#include "common/error.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

namespace nf::cli {
namespace {

struct ImportArguments
{
    std::vector<std::string> paths;
    workspace::ImportOptions options;
    std::vector<std::string> params; // KEY=VALUE
    int64_t seed = 0;
    bool dryRun = false;
};

std::string plural(int64_t n, const char* one, const char* many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

void printPreview(const workspace::ImportPreview& preview)
{
    for (const auto& batch : preview.batches) {
        std::cout << batch.format << "  " << batch.path << ": ";
        if (batch.alreadyImported) {
            std::cout << "imported before";
            if (!batch.importedAt.empty())
                std::cout << " (" << batch.importedAt << ")";
            std::cout << ", nothing to do\n";
            continue;
        }
        std::cout << plural(batch.runs, "run", "runs");
        if (batch.items > 0)
            std::cout << ", " << plural(batch.items, "item result", "item results");
        if (batch.runLevelRuns > 0)
            std::cout << ", " << batch.runLevelRuns << " run-level only";
        if (batch.runsAlreadyHere > 0)
            std::cout << "; " << plural(batch.runsAlreadyHere, "run is", "runs are") << " already in the database";
        std::cout << '\n';
        for (const auto& note : batch.notes)
            std::cout << "  note: " << note << '\n';
    }
    for (const auto& line : preview.groupLines)
        std::cout << "  " << line << '\n';
}

nlohmann::json previewJson(const workspace::ImportPreview& preview)
{
    auto sources = nlohmann::json::array();
    for (const auto& batch : preview.batches)
        sources.push_back({{"format", batch.format},
                           {"path", batch.path},
                           {"imported_before", batch.alreadyImported},
                           {"runs", batch.runs},
                           {"run_level_runs", batch.runLevelRuns},
                           {"runs_already_here", batch.runsAlreadyHere},
                           {"items", batch.items},
                           {"notes", batch.notes}});
    return {{"sources", sources},
            {"runs", preview.runs},
            {"items", preview.items},
            {"groups_joined", preview.groupsJoined},
            {"groups_new", preview.groupsNew},
            {"groups", preview.groupLines}};
}

int runImport(const GlobalOptions& global, ImportArguments& arguments)
{
    for (const std::string& param : arguments.params) {
        const size_t equals = param.find('=');
        if (equals == std::string::npos || equals == 0)
            throw InputError("--param " + param + ": expected KEY=VALUE");
        arguments.options.params.emplace_back(param.substr(0, equals), param.substr(equals + 1));
    }
    // Everything is read and checked before the database is opened for writing.
    const auto plan = workspace::planImport(arguments.paths, arguments.options);
    // A dry run against a database that does not exist yet previews against an empty one.
    auto store = !arguments.dryRun ? openStore(global, store::OpenMode::ReadWrite)
                 : std::filesystem::exists(databasePath(global)) ? openExisting(global, false)
                                                                 : store::Store(":memory:");
    const auto preview = workspace::previewImport(store, plan);
    if (arguments.dryRun) {
        if (global.json) {
            std::cout << previewJson(preview).dump(2) << '\n';
            return kExitOk;
        }
        printPreview(preview);
        std::cout << "dry run: would import " << plural(preview.runs, "run", "runs") << " ("
                  << plural(preview.items, "item result", "item results") << ") into " << preview.groupsJoined
                  << " existing and " << preview.groupsNew << " new groups; nothing written\n";
        return kExitOk;
    }
    const auto result = workspace::applyImport(store, plan);
    if (global.json) {
        auto json = previewJson(preview);
        json["imported"] = result.imported;
        json["skipped"] = result.skipped;
        json["sources_skipped"] = result.sourcesSkipped;
        json["group_ids"] = result.groups;
        std::cout << json.dump(2) << '\n';
        return kExitOk;
    }
    printPreview(preview);
    if (result.imported == 0) {
        std::cout << "nothing new: every source was imported before or its runs are already in "
                  << store.path().string() << '\n';
        return kExitOk;
    }
    std::cout << "imported " << plural(result.imported, "run", "runs") << " ("
              << plural(result.items, "item result", "item results") << ") into groups";
    for (const int64_t group : result.groups)
        std::cout << ' ' << group;
    std::cout << " (`noisefloor-cli summary GROUP`)\nDatabase: " << store.path().string() << '\n';
    return kExitOk;
}

} // namespace

void addImportCommand(CLI::App& app, GlobalOptions& global, Action& action)
{
    auto arguments = std::make_shared<ImportArguments>();
    auto* import = app.add_subcommand(
        "import", "Import runs from LLaMA-Factory (save_dir), lm-evaluation-harness (results_<date>.json with its "
                  "samples files) or noisefloor JSONL; the format is detected from the content (docs/formats.md). "
                  "All or nothing");
    import->add_option("PATH", arguments->paths, "Files, folders (searched 3 levels down) or globs")
        ->type_name("PATH")
        ->required();
    import->add_option("--data", arguments->options.data,
                       "The benchmark data folder the run used (MMLU, CMMLU, C-Eval; or mmlu:DIR...): scores "
                       "LLaMA-Factory's results.json per item; for lm-eval, checks the items and joins the task "
                       "of noisefloor's own runs on that folder")
        ->type_name("DIR");
    import->add_option("--split", arguments->options.split, "The data split evaluated (default: test; val for C-Eval)");
    import->add_option("--metric", arguments->options.metric, "lm-eval metric giving per-item correctness")
        ->default_str("acc");
    import->add_option("--filter", arguments->options.filter,
                       "lm-eval filter, for tasks scored under several (default: the only one, e.g. none)");
    import->add_option("--model", arguments->options.modelLabel,
                       "The model's name (default: lm-eval's model name; LLaMA-Factory: the save_dir folder's name)");
    import->add_option("--seed", arguments->seed, "The seed of a LLaMA-Factory run (it records none)");
    import->add_option("--param", arguments->params,
                       "KEY=VALUE added to every imported run's config (e.g. n_shot=5): runs that differ in it "
                       "form different groups");
    import->add_flag("--dry-run", arguments->dryRun, "Show what would be imported; write nothing");
    import->callback([&global, &action, arguments, import] {
        if (import->count("--seed") > 0)
            arguments->options.seed = arguments->seed;
        action = [&global, arguments] { return runImport(global, *arguments); };
    });
}

} // namespace nf::cli
