// import: runs from anywhere, in noisefloor's interchange format.

#include "analysis/interchange.h"
#include "commands.h"
#include "formats/runs_jsonl.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace nf::cli {

void addImportCommand(CLI::App& app, GlobalOptions& global, Action& action)
{
    auto file = std::make_shared<std::string>();
    auto* import = app.add_subcommand(
        "import", "Import runs from a noisefloor JSONL file (docs/formats.md): all or nothing");
    import->add_option("FILE", *file, "One JSON object per line per run")->required();
    import->callback([&global, &action, file] {
        action = [&global, file] {
            // The whole file is read and checked first: a malformed line stores nothing.
            const auto runs = formats::readRunsJsonl(*file);
    auto store = openStore(global, store::OpenMode::ReadWrite);
    const auto result = analysis::importRuns(store, runs);
    if (global.json) {
        std::cout << nlohmann::json{{"imported", result.imported},
                                    {"skipped", result.skipped},
                                    {"groups", result.groups}}
                         .dump(2)
                  << '\n';
        return kExitOk;
    }
    std::cout << "imported " << result.imported << " run(s) from " << *file;
    if (result.skipped > 0)
        std::cout << "; " << result.skipped << " already in the database (same uid) were skipped";
    std::cout << "\ngroups:";
    for (const int64_t group : result.groups)
        std::cout << ' ' << group;
    std::cout << " (`noisefloor-cli summary GROUP`)\nDatabase: " << store.path().string() << '\n';
    return kExitOk;
};
} // namespace nf::cli
);
}

} // namespace nf::cli
