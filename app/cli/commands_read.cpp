// list, groups, show and export: the commands that only read the database.

#include "workspace/export_csv.h"
#include "workspace/interchange.h"
#include "commands.h"
#include "common/error.h"
#include "output.h"
#include "stats/describe.h"
#include "store/store.h"

#include <iostream>
#include <map>
#include <sstream>

namespace nf::cli {
namespace {

store::RunRow requireRun(const store::Store& store, const std::string& ref)
{
    auto run = store.findRun(ref);
    if (!run)
        throw InputError("run '" + ref + "' is not in " + store.path().string());
    return *run;
}

nlohmann::json groupJson(const store::Store& store, const store::GroupRow& group)
{
    const auto summary = stats::describe(group.accuracies);
    const auto task = store.task(group.taskId);
    const bool any = summary.n > 0;
    return {
        {"id", group.id},
        {"model", group.modelLabel},
        {"model_sha256", store.model(group.modelId).sha256},
        {"task", group.taskLabel},
        {"task_id", group.taskId},
        {"task_sha256", task.sha256},
        {"params", nlohmann::json::parse(group.paramsJson)},
        {"params_hash", group.paramsHash},
        {"n", summary.n},
        {"mean", any ? jsonNumber(summary.mean) : nullptr},
        {"sd", jsonNumber(summary.sd)},
        {"min", any ? jsonNumber(summary.min) : nullptr},
        {"max", any ? jsonNumber(summary.max) : nullptr},
        {"accuracies", group.accuracies},
    };
}

nlohmann::json fullRunJson(const store::Store& store, const store::RunRow& run, bool withItems)
{
    auto json = runJson(run);
    const auto group = store.group(run.configId);
    json["model"] = group->modelLabel;
    json["task"] = group->taskLabel;
    json["config"] = nlohmann::json::parse(group->paramsJson);
    json["environment"] =
        run.envId > 0 ? nlohmann::json::parse(store.environmentJson(run.envId)) : nlohmann::json(nullptr);
    if (run.importId)
        if (const auto source = store.importRow(*run.importId))
            json["import"] = {{"format", source->format},
                              {"path", source->path},
                              {"sha256", source->sha256},
                              {"files", nlohmann::json::parse(source->filesJson)},
                              {"imported_at", source->importedAt}};
    if (withItems) {
        auto items = nlohmann::json::array();
        for (const auto& item : store.runItems(run.id))
            items.push_back(itemJson(item));
        json["items"] = std::move(items);
    }
    return json;
}

struct ExportOptions
{
    std::string format = "json";
    std::string out;
    std::vector<int64_t> groups;
    std::string status = "completed";
};

// The runs `filter` selects, of the status a user named (nothing: any); a word that names no
// status matches no run.
std::vector<store::RunRow> runsWithStatus(const store::Store& store, store::RunFilter filter,
                                          const std::optional<std::string>& statusWord)
{
    if (statusWord) {
        const auto status = store::runStatusFromString(*statusWord);
        if (!status)
            return {};
        filter.status = *status;
    }
    return store.runs(filter);
}

// Streams run by run: an export of 100 runs x 14,000 items never holds them all in memory.
void writeExport(const store::Store& store, const ExportOptions& options, std::ostream& out)
{
    std::vector<store::RunRow> runs;
    store::RunFilter filter;
    const auto status = options.status == "all" ? std::nullopt : std::optional<std::string>(options.status);
    if (options.groups.empty()) {
        runs = runsWithStatus(store, filter, status);
    } else {
        for (const int64_t group : options.groups) {
            filter.configId = group;
            const auto some = runsWithStatus(store, filter, status);
            runs.insert(runs.end(), some.begin(), some.end());
        }
    }
    if (options.format == "jsonl") {
        workspace::exportRuns(store, options.groups, [&](const formats::RunRecord& record) {
            out << formats::runsJsonlLine(record) << '\n';
        });
        return;
    }
    if (options.format == "json") {
        out << "[";
        for (size_t i = 0; i < runs.size(); ++i)
            out << (i == 0 ? "\n" : ",\n") << fullRunJson(store, runs[i], true).dump();
        out << "\n]\n";
        return;
    }
    workspace::writeItemsCsv(store, runs, out);
}

} // namespace

void addReadCommands(CLI::App& app, GlobalOptions& global, Action& action)
{
    auto statusFilter = std::make_shared<std::string>();
    auto groupFilter = std::make_shared<int64_t>(0);
    auto* list = app.add_subcommand("list", "List runs");
    list->add_option("--status", *statusFilter, "Only runs with this status");
    list->add_option("--group", *groupFilter, "Only runs of this config group");
    list->callback([&global, &action, statusFilter, groupFilter] {
        action = [&global, statusFilter, groupFilter] {
            const auto store = openExisting(global);
            store::RunFilter filter;
            if (*groupFilter > 0)
                filter.configId = *groupFilter;
            const auto runs = runsWithStatus(
                store, filter,
                statusFilter->empty() ? std::nullopt : std::optional<std::string>(*statusFilter));
            if (global.json) {
                auto array = nlohmann::json::array();
                for (const auto& run : runs)
                    array.push_back(runJson(run));
                std::cout << array.dump(2) << '\n';
                return kExitOk;
            }
            // Each run's model and config, from its group (read once per group).
            std::map<int64_t, std::pair<std::string, std::string>> described;
            auto describeGroup = [&](int64_t id) -> const std::pair<std::string, std::string>& {
                auto it = described.find(id);
                if (it == described.end()) {
                    const auto group = store.group(id);
                    it = described
                             .emplace(id, group ? std::pair(group->modelLabel, describeParams(group->paramsJson))
                                                : std::pair(std::string(), std::string()))
                             .first;
                }
                return it->second;
            };
            Table table({"id", "uid", "group", "model", "config", "seed", "status", "accuracy", "items", "started",
                         "label"});
            for (const auto& run : runs) {
                const auto& [model, config] = describeGroup(run.configId);
                table.addRow({std::to_string(run.id), run.uid.substr(0, 8), std::to_string(run.configId),
                              model, config, std::to_string(run.seed),
                              store::toString(run.status) + (run.reproduces ? " (repro)" : ""),
                              points(run.accuracy), std::to_string(run.nItems), run.startedAt, run.label});
            }
            table.print(std::cout);
            return kExitOk;
        };
    });

    auto* groups = app.add_subcommand("groups", "List config groups with the spread of their run accuracies");
    groups->callback([&global, &action] {
        action = [&global] {
            const auto store = openExisting(global);
            const auto all = store.groups();
            if (global.json) {
                auto array = nlohmann::json::array();
                for (const auto& group : all)
                    array.push_back(groupJson(store, group));
                std::cout << array.dump(2) << '\n';
            } else {
                printGroupTable(std::cout, all);
            }
            return kExitOk;
        };
    });

    auto runRef = std::make_shared<std::string>();
    auto withItems = std::make_shared<bool>(false);
    auto* show = app.add_subcommand("show", "Show one run: config, environment, and optionally every item");
    show->add_option("RUN", *runRef, "Run id or uid (a unique prefix is enough)")->required();
    show->add_flag("--items", *withItems, "Also print every item's answer");
    show->callback([&global, &action, runRef, withItems] {
        action = [&global, runRef, withItems] {
            const auto store = openExisting(global);
            const auto run = requireRun(store, *runRef);
            if (global.json) {
                std::cout << fullRunJson(store, run, *withItems).dump(2) << '\n';
                return kExitOk;
            }
            const auto group = store.group(run.configId);
            // A run another tool reported only as a score has no items to count.
            const bool runLevel =
                run.status == store::RunStatus::Completed && run.importId && !store.runHasItems(run.id);
            std::cout << "run " << run.id << "  uid " << run.uid << '\n'
                      << "  status     " << run.status << (run.notes.empty() ? "" : "  (" + run.notes + ")")
                      << '\n'
                      << "  accuracy   " << points(run.accuracy) << " points ("
                      << (runLevel ? std::string("run-level: the source gave a score, no per-item results")
                                   : std::to_string(run.nCorrect) + " of " + std::to_string(run.nItems))
                      << ")\n"
                      << "  seed       " << run.seed << '\n'
                      << "  group      " << run.configId << ": " << group->modelLabel << " on "
                      << group->taskLabel << " (task " << group->taskId << ")\n"
                      << "  config     " << group->paramsJson << '\n'
                      << "  started    " << run.startedAt << '\n'
                      << "  finished   " << (run.finishedAt.empty() ? "-" : run.finishedAt) << '\n'
                      << "  duration   "
                      << (run.durationSeconds ? fixed(*run.durationSeconds, 3) + " s" : std::string("-"))
                      << '\n'
                      << "  label      " << run.label << '\n'
                      << "  source     " << run.source << '\n';
            if (run.importId)
                if (const auto source = store.importRow(*run.importId)) {
                    std::cout << "  imported   " << source->importedAt << " from " << source->path << " (sha256 "
                              << source->sha256 << ")\n";
                    for (const auto& file : nlohmann::json::parse(source->filesJson))
                        std::cout << "             with " << file.value("path", "") << " (sha256 "
                                  << file.value("sha256", "") << ")\n";
                }
            if (run.reproduces)
                std::cout << "  reproduces run " << *run.reproduces << '\n';
            const auto environment = run.envId > 0 ? nlohmann::json::parse(store.environmentJson(run.envId))
                                                   : nlohmann::json::object();
            std::cout << "  environment" << (environment.empty() ? "  - (not recorded)" : "") << '\n';
            for (const auto& [key, value] : environment.items())
                std::cout << "    " << key << " = "
                          << (value.is_string() ? value.get<std::string>() : value.dump()) << '\n';
            if (*withItems) {
                const auto items = store.runItems(run.id);
                const bool prompts = !items.empty() && items.front().nShots.has_value();
                // A language model's answers are choice letters; its prompts kept n_shots examples.
                Table table(prompts ? std::vector<std::string>{"idx", "predicted", "correct", "p_true", "n_shots"}
                                    : std::vector<std::string>{"idx", "predicted", "correct", "p_true"});
                for (const auto& item : items) {
                    std::vector<std::string> row = {
                        std::to_string(item.idx),
                        prompts ? std::string(1, static_cast<char>('A' + item.predicted)) : std::to_string(item.predicted),
                        item.correct ? "1" : "0", fixed(item.pTrue, 6)};
                    if (prompts)
                        row.push_back(std::to_string(item.nShots.value_or(0)));
                    table.addRow(row);
                }
                table.print(std::cout);
            }
            return kExitOk;
        };
    });

    auto exportOptions = std::make_shared<ExportOptions>();
    auto* exportCommand =
        app.add_subcommand("export", "Export runs with their config, environment and items");
    exportCommand
        ->add_option("--format", exportOptions->format,
                     "json | jsonl (noisefloor's interchange format, see docs/formats.md) | csv")
        ->check(CLI::IsMember({"json", "jsonl", "csv"}))
        ->capture_default_str();
    exportCommand->add_option("--out", exportOptions->out, "Output file (default: standard output)")
        ->type_name("FILE");
    exportCommand->add_option("--group", exportOptions->groups, "Only these config groups");
    exportCommand->add_option("--status", exportOptions->status, "Run status to export, or all")
        ->capture_default_str();
    exportCommand->callback([&global, &action, exportOptions] {
        action = [&global, exportOptions] {
            const auto store = openExisting(global);
            if (exportOptions->out.empty()) {
                writeExport(store, *exportOptions, std::cout);
            } else {
                AtomicFile file(exportOptions->out);
                writeExport(store, *exportOptions, file.stream());
                file.commit();
            }
            return kExitOk;
        };
    });
}

} // namespace nf::cli
