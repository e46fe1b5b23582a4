// Finding and reading the sources of an import: formats from the content, folders searched,
// globs expanded, the data folder loaded once. Nothing here touches a database.

#include "workspace/import.h"

#include "common/error.h"
#include "common/paths.h"
#include "common/text.h"
#include "common/utc_time.h"
#include "formats/importers/llamafactory.h"
#include "formats/importers/lm_eval.h"
#include "formats/json_input.h"
#include "formats/mcq.h"
#include "workspace/import_jsonl.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <set>

#include <glob.h>

namespace nf::workspace {
namespace {

namespace fs = std::filesystem;

// How deep a folder given to `import` is searched for sources: out/<model>/<run>/results_x.json.
constexpr int kSearchDepth = 3;
// About 31 years: a run's finish time (its start plus this) stays a time the store can write.
constexpr double kMaxDurationSeconds = 1e9;

// noisefloor's JSONL: the first non-blank line is an object with "model" and "correct" (or
// "accuracy", a run known only by its score).
bool looksLikeRunsJsonl(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
        const std::string_view text = first ? withoutByteOrderMark(line) : std::string_view(line);
        first = false;
        if (text.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        // Read as far as it can be: a line the reader will refuse (nested too deep, a number out of
        // range) is still told as JSONL, so that the refusal names its file and line.
        formats::JsonKeyScanner top;
        formats::JsonFailure failure;
        if (!formats::saxParseJsonInput(text, top, failure) && top.isObject() && path.extension() == ".jsonl")
            return true; // a .jsonl line refused before its "model" key: the reader names why
        return top.isObject() && top.topKeys().contains("model") &&
               (top.topKeys().contains("correct") || top.topKeys().contains("accuracy"));
    }
    return false;
}

bool isSamplesFile(const fs::path& path)
{
    const std::string name = path.filename().string();
    return name.starts_with("samples_") && name.ends_with(".jsonl");
}

// samples_<task>_<date>.jsonl is read with results_<date>.json beside it.
bool resultsBeside(const fs::path& samples)
{
    const std::string name = samples.filename().string();
    const size_t underscore = name.rfind('_');
    if (underscore == std::string::npos)
        return false;
    const std::string date = name.substr(underscore + 1, name.size() - underscore - 1 - std::string(".jsonl").size());
    std::error_code error;
    return fs::is_regular_file(samples.parent_path() / ("results_" + date + ".json"), error);
}

bool hasGlobCharacters(const std::string& path)
{
    return path.find_first_of("*?[") != std::string::npos;
}

std::vector<fs::path> expand(const std::string& pattern)
{
    std::error_code error;
    if (fs::exists(pattern, error) || !hasGlobCharacters(pattern)) {
        if (!fs::exists(pattern, error))
            throw InputError(pattern + ": no such file or folder");
        return {fs::path(pattern)};
    }
    glob_t found{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &found);
    std::vector<fs::path> paths;
    if (rc == 0)
        for (size_t i = 0; i < found.gl_pathc; ++i)
            paths.emplace_back(found.gl_pathv[i]);
    globfree(&found);
    if (paths.empty())
        throw InputError(pattern + ": matches no file or folder");
    return paths;
}

struct Source
{
    SourceFormat format;
    fs::path path; // a LLaMA-Factory save_dir, an lm-eval results file, a JSONL file
};

[[noreturn]] void notImportable(const fs::path& path, SourceFormat format)
{
    if (format == SourceFormat::NoisefloorDatabase)
        throw InputError(path.string() + " is a noisefloor database: bring its runs in with `noisefloor-cli merge " +
                         path.string() + "`");
    if (isSamplesFile(path))
        throw InputError(path.string() + " is an lm-eval samples file: import the results_<date>.json beside it "
                                         "(its samples files are read with it)");
    throw InputError(path.string() + ": not a format noisefloor imports (a LLaMA-Factory save_dir with "
                                     "results.json/results.log, an lm-eval results_<date>.json, or noisefloor JSONL; "
                                     "docs/formats.md)");
}

// A folder that is not itself a source: the sources inside it, kSearchDepth levels down, in
// name order. Samples files and other JSON are passed over silently.
void search(const fs::path& dir, int depth, std::vector<Source>& sources)
{
    std::vector<fs::path> entries;
    std::error_code error;
    for (auto it = fs::directory_iterator(dir, error); !error && it != fs::directory_iterator(); it.increment(error))
        entries.push_back(it->path());
    std::sort(entries.begin(), entries.end());
    for (const fs::path& entry : entries) {
        if (fs::is_directory(entry, error)) {
            if (formats::looksLikeLlamaFactory(entry))
                sources.push_back({SourceFormat::LlamaFactory, entry});
            else if (depth > 1)
                search(entry, depth - 1, sources);
            continue;
        }
        const SourceFormat format = detectFormat(entry.string());
        if (format == SourceFormat::LmEval || format == SourceFormat::Jsonl)
            sources.push_back({format, entry});
    }
}

std::vector<Source> sourcesOf(const fs::path& path)
{
    std::vector<Source> sources;
    const SourceFormat format = detectFormat(path.string());
    std::error_code error;
    if (fs::is_directory(path, error)) {
        if (format == SourceFormat::LlamaFactory)
            return {{format, path}};
        search(path, kSearchDepth, sources);
        if (sources.empty())
            throw InputError(path.string() + ": no LLaMA-Factory save_dir (results.json, results.log), lm-eval "
                                             "results_<date>.json or noisefloor JSONL found in it or " +
                             std::to_string(kSearchDepth - 1) + " levels below");
        return sources;
    }
    // Named by the user, a FIFO or a device is refused by name (a folder's search passes them over).
    requireRegularFile(path, "import source");
    // A glob such as out/* reaches the samples files too: they come with their results file.
    if (format == SourceFormat::Unknown && isSamplesFile(path) && resultsBeside(path))
        return {};
    if (format == SourceFormat::Unknown || format == SourceFormat::NoisefloorDatabase)
        notImportable(path, format);
    // Either file of a LLaMA-Factory save_dir stands for the folder (both are read).
    return {{format, format == SourceFormat::LlamaFactory ? path.parent_path() : path}};
}

// A plain folder's benchmark: MMLU names its files <subject>_<split>.csv with no header, C-Eval
// the same with an "id,question" header, CMMLU <subject>.csv.
std::string benchmarkSpec(const std::string& data, const std::string& split)
{
    if (formats::isMcqSpec(data))
        return split.empty() || data.ends_with(":" + split) ? data : data + ":" + split;
    const fs::path dir = fs::absolute(data).lexically_normal();
    if (!fs::is_directory(dir))
        throw InputError("--data " + data + ": no such folder");
    for (const fs::path& root : {dir, dir / "data"}) {
        for (const char* folder : {"test", "val", "dev"}) {
            std::error_code error;
            for (const auto& entry : fs::directory_iterator(root / folder, error)) {
                const std::string name = entry.path().filename().string();
                if (!name.ends_with(".csv"))
                    continue;
                const std::string kind = !name.ends_with(std::string("_") + folder + ".csv") ? "cmmlu"
                                         : fileHead(entry.path(), 12).starts_with("id,question") ? "ceval"
                                                                                                    : "mmlu";
                return kind + ":" + dir.string() + (split.empty() ? "" : ":" + split);
            }
        }
    }
    throw InputError("--data " + data + ": not a benchmark folder (expected test/, val/ or dev/ with MMLU, CMMLU or "
                                        "C-Eval CSV files, or a spec such as mmlu:DIR)");
}

// What the store would find only inside the import's transaction (and never for a run it already
// has), checked for every run of every format before a database is opened.
void checkTimes(const formats::ImportBatch& batch)
{
    for (const formats::ImportedRun& run : batch.runs) {
        if (!run.startedAt.empty() && !isIsoTime(run.startedAt))
            throw InputError(run.where + ": start time '" + printableExcerpt(run.startedAt) +
                             "' is not an ISO-8601 time such as 2026-11-28T04:10:00.123Z (years 1000 to 9000)");
        if (!(run.durationSeconds >= 0 && run.durationSeconds <= kMaxDurationSeconds))
            throw InputError(run.where + ": duration " + std::to_string(run.durationSeconds) +
                             " s is not from 0 to 1e9 seconds");
    }
}

} // namespace

SourceFormat detectFormat(const std::string& text)
{
    const fs::path path(text);
    std::error_code error;
    if (fs::is_directory(path, error))
        return formats::looksLikeLlamaFactory(path) ? SourceFormat::LlamaFactory : SourceFormat::Unknown;
    // A FIFO, a device or /proc/kmsg is never a source: looking inside would block.
    if (!fs::is_regular_file(path, error) || !specialFileKind(path).empty())
        return SourceFormat::Unknown;
    const std::string head = fileHead(path, 16);
    if (head.size() == 16 && std::memcmp(head.data(), "SQLite format 3", 16) == 0)
        return SourceFormat::NoisefloorDatabase;
    if (formats::looksLikeLlamaFactory(path))
        return SourceFormat::LlamaFactory;
    if (formats::looksLikeLmEvalResults(path))
        return SourceFormat::LmEval;
    if (!isSamplesFile(path) && looksLikeRunsJsonl(path))
        return SourceFormat::Jsonl;
    return SourceFormat::Unknown;
}

const char* formatName(SourceFormat format)
{
    switch (format) {
    case SourceFormat::Jsonl:
        return "jsonl";
    case SourceFormat::LlamaFactory:
        return "llamafactory";
    case SourceFormat::LmEval:
        return "lm-eval";
    case SourceFormat::NoisefloorDatabase:
        return "noisefloor database";
    case SourceFormat::Unknown:
        break;
    }
    return "unknown";
}

ImportPlan planImport(const std::vector<std::string>& paths, const ImportOptions& options)
{
    if (paths.empty())
        throw InputError("nothing to import: give files, folders or globs");
    std::vector<Source> sources;
    for (const std::string& pattern : paths)
        for (const fs::path& path : expand(pattern))
            for (Source& source : sourcesOf(path))
                sources.push_back(std::move(source));

    std::optional<formats::McqTask> data;
    if (!options.data.empty())
        data = formats::loadMcqTask(benchmarkSpec(options.data, options.split));

    ImportPlan plan;
    std::set<std::string> seen; // the same source found twice (a glob and its folder) is imported once
    for (const Source& source : sources) {
        formats::ImportBatch batch;
        switch (source.format) {
        case SourceFormat::LlamaFactory: {
            formats::LlamaFactoryOptions lf;
            lf.data = data ? &*data : nullptr;
            lf.modelLabel = options.modelLabel;
            lf.seed = options.seed;
            batch = formats::readLlamaFactory(source.path, lf);
            break;
        }
        case SourceFormat::LmEval: {
            formats::LmEvalOptions lm;
            lm.metric = options.metric;
            lm.filter = options.filter;
            lm.modelLabel = options.modelLabel;
            lm.data = data ? &*data : nullptr;
            batch = formats::readLmEval(source.path, lm);
            break;
        }
        case SourceFormat::Jsonl:
            batch = jsonlBatch(source.path);
            break;
        case SourceFormat::NoisefloorDatabase:
        case SourceFormat::Unknown:
            notImportable(source.path, source.format);
        }
        if (!seen.insert(formats::importKey(batch)).second)
            continue;
        checkTimes(batch);
        if (!options.params.empty())
            addParams(batch, options.params);
        plan.batches.push_back(std::move(batch));
    }
    return plan;
}

} // namespace nf::workspace
