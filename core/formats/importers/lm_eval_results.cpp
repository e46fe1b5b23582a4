#include "formats/importers/lm_eval_results.h"

#include "common/sha256.h"
#include "common/text.h"
#include "formats/json_input.h"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace nf::formats::lmeval {
namespace {

// group -> subtasks: "group_subtasks" (lm-eval 0.4.2 on, which also lists plain tasks with no
// subtasks), else the "group" each task's config names (older files).
std::map<std::string, std::vector<std::string>> groupChildren(const ResultsFile& file)
{
    std::map<std::string, std::vector<std::string>> children;
    const json& subtasks = member(file.root, "group_subtasks");
    if (subtasks.is_object()) {
        for (const auto& [group, list] : subtasks.items()) {
            if (!list.is_array())
                file.fail("group_subtasks." + printableExcerpt(group), "is not a list of task names");
            for (const json& child : list) {
                if (!child.is_string())
                    file.fail("group_subtasks." + printableExcerpt(group), "is not a list of task names");
                children[group].push_back(child.get<std::string>());
            }
        }
    } else if (member(file.root, "configs").is_object()) {
        for (const auto& [task, config] : member(file.root, "configs").items()) {
            const json& group = member(config, "group");
            if (group.is_string())
                children[group.get<std::string>()].push_back(task);
            else if (group.is_array())
                for (const json& name : group)
                    if (name.is_string())
                        children[name.get<std::string>()].push_back(task);
        }
    }
    std::erase_if(children, [](const auto& entry) { return entry.second.empty(); });
    return children;
}

void collectLeaves(const std::string& name, const std::map<std::string, std::vector<std::string>>& children,
                   std::set<std::string>& visited, std::vector<std::string>& leaves)
{
    if (!visited.insert(name).second)
        return;
    const auto found = children.find(name);
    if (found == children.end()) {
        leaves.push_back(name);
        return;
    }
    for (const std::string& child : found->second)
        collectLeaves(child, children, visited, leaves);
}

// Filters under which a task reports `metric` (keys "metric,filter" with a number).
std::set<std::string> filtersOf(const json& scores, const std::string& metric)
{
    std::set<std::string> filters;
    if (!scores.is_object())
        return filters;
    for (const auto& [key, value] : scores.items()) {
        if (key.starts_with(metric + ",") && value.is_number())
            filters.insert(key.substr(metric.size() + 1));
    }
    return filters;
}

} // namespace

const json& member(const json& object, const std::string& key)
{
    static const json kNull;
    if (!object.is_object())
        return kNull;
    const auto found = object.find(key);
    return found == object.end() ? kNull : *found;
}

std::string joined(const std::set<std::string>& names)
{
    std::string text;
    for (const std::string& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

ResultsFile readResultsFile(const fs::path& given)
{
    ResultsFile file;
    file.path = fs::absolute(given).lexically_normal();
    std::ifstream in(file.path, std::ios::binary);
    if (!in)
        throw InputError(file.path.string() + ": cannot be read");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    file.sha256 = sha256Hex(bytes);
    file.root = parseJsonInput(withoutByteOrderMark(bytes), {file.path.string()});
    if (!file.root.is_object() || !member(file.root, "results").is_object())
        throw InputError(file.path.string() + ": has no \"results\" object: not an lm-eval results file");
    return file;
}

std::vector<Benchmark> benchmarks(const ResultsFile& file)
{
    const auto children = groupChildren(file);
    const json& configs = member(file.root, "configs");
    std::set<std::string> isChild;
    for (const auto& [group, list] : children)
        isChild.insert(list.begin(), list.end());
    // A task always has a config; a name in "results" without one is a group this file does not
    // describe (older files), not something evaluated on its own.
    auto isTask = [&](const std::string& name) {
        return !children.contains(name) && (!configs.is_object() || configs.contains(name));
    };

    std::vector<Benchmark> found;
    auto add = [&](const std::string& name, bool group, const std::vector<std::string>& tasks) {
        Benchmark benchmark{name, group, {}, {}, false};
        const std::string prefix = name + "_";
        for (const std::string& task : tasks) {
            if (!file.results().contains(task))
                file.fail("group_subtasks." + printableExcerpt(name),
                          printableExcerpt(task) + " has no entry in \"results\"");
            Leaf leaf;
            leaf.task = task;
            leaf.subject = group && task.starts_with(prefix) && task.size() > prefix.size()
                               ? task.substr(prefix.size())
                               : task;
            benchmark.leaves.push_back(std::move(leaf));
        }
        std::sort(benchmark.leaves.begin(), benchmark.leaves.end(),
                  [](const Leaf& a, const Leaf& b) { return a.subject < b.subject; });
        found.push_back(std::move(benchmark));
    };
    for (const auto& [group, list] : children) {
        if (isChild.contains(group))
            continue;
        std::set<std::string> visited;
        std::vector<std::string> leaves;
        collectLeaves(group, children, visited, leaves);
        std::erase_if(
            leaves, [&](const std::string& leaf) { return !isTask(leaf) && !file.results().contains(leaf); });
        if (!leaves.empty())
            add(group, true, leaves);
    }
    for (const auto& [name, scores] : file.results().items()) {
        if (!isChild.contains(name) && isTask(name))
            add(name, false, {name});
    }
    std::sort(found.begin(), found.end(),
              [](const Benchmark& a, const Benchmark& b) { return a.name < b.name; });
    return found;
}

std::map<std::string, fs::path> samplesFiles(const ResultsFile& file)
{
    std::map<std::string, fs::path> files;
    const std::string stem = file.path.stem().string();
    const size_t underscore = stem.rfind('_');
    if (underscore == std::string::npos)
        return files;
    const std::string suffix = stem.substr(underscore) + ".jsonl";
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(file.path.parent_path(), error)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with("samples_") || !name.ends_with(suffix) || name.size() <= 8 + suffix.size())
            continue;
        const std::string task = name.substr(8, name.size() - 8 - suffix.size());
        if (!file.results().contains(task))
            throw InputError(entry.path().string() + ": task " + printableExcerpt(task) + " is not in " +
                             file.name() + " (a samples file of another evaluation?)");
        files[task] = entry.path();
    }
    return files;
}

std::set<std::string> metricsPresent(const ResultsFile& file)
{
    std::set<std::string> metrics;
    for (const auto& [task, scores] : file.results().items()) {
        if (!scores.is_object())
            continue;
        for (const auto& [key, value] : scores.items()) {
            const size_t comma = key.find(',');
            if (comma != std::string::npos && !key.substr(0, comma).ends_with("_stderr"))
                metrics.insert(key.substr(0, comma));
        }
    }
    return metrics;
}

bool chooseFilter(Benchmark& benchmark, const ResultsFile& file, const LmEvalOptions& options)
{
    std::set<std::string> filters;
    const Leaf* with = nullptr;
    const Leaf* without = nullptr;
    for (const Leaf& leaf : benchmark.leaves) {
        const auto own = filtersOf(file.results()[leaf.task], options.metric);
        const bool reports = options.filter.empty() ? !own.empty() : own.contains(options.filter);
        (reports ? with : without) = &leaf;
        filters.insert(own.begin(), own.end());
    }
    if (!with)
        return false;
    const std::string key = options.metric + "," + (options.filter.empty() ? "<filter>" : options.filter);
    if (without)
        file.fail("results." + printableExcerpt(without->task),
                  "group " + printableExcerpt(benchmark.name) +
                      " mixes tasks: " + printableExcerpt(with->task) + " reports " + key + ", " +
                      printableExcerpt(without->task) + " does not");
    if (!options.filter.empty()) {
        benchmark.filter = options.filter;
    } else if (filters.size() == 1) {
        benchmark.filter = *filters.begin();
    } else {
        file.fail("results." + printableExcerpt(with->task),
                  printableExcerpt(benchmark.name) + " reports " + options.metric + " under the filters " +
                      printableExcerpt(joined(filters)) + ": choose one");
    }
    for (const Leaf& leaf : benchmark.leaves) {
        if (!file.results()[leaf.task].contains(options.metric + "," + benchmark.filter))
            file.fail("results." + printableExcerpt(leaf.task),
                      "group " + printableExcerpt(benchmark.name) +
                          " mixes tasks: " + printableExcerpt(leaf.task) + " has no " + options.metric + "," +
                          printableExcerpt(benchmark.filter));
    }
    return true;
}

void checkSameKind(const Benchmark& benchmark, const ResultsFile& file)
{
    const json& nShot = member(file.root, "n-shot");
    const json& configs = member(file.root, "configs");
    auto shots = [&](const Leaf& leaf) {
        const json& value = member(nShot, leaf.task);
        return value.is_null() ? member(member(configs, leaf.task), "num_fewshot") : value;
    };
    auto outputType = [&](const Leaf& leaf) { return member(member(configs, leaf.task), "output_type"); };
    const Leaf& first = benchmark.leaves.front();
    for (const Leaf& leaf : benchmark.leaves) {
        if (shots(leaf) != shots(first))
            file.fail("n-shot." + printableExcerpt(leaf.task),
                      "group " + printableExcerpt(benchmark.name) +
                          " mixes tasks: " + printableExcerpt(first.task) + " is " +
                          printableExcerpt(shots(first).dump()) + "-shot, " + printableExcerpt(leaf.task) +
                          " " + printableExcerpt(shots(leaf).dump()) + "-shot");
        if (outputType(leaf) != outputType(first))
            file.fail("configs." + printableExcerpt(leaf.task) + ".output_type",
                      "group " + printableExcerpt(benchmark.name) +
                          " mixes tasks: " + printableExcerpt(first.task) + " is " +
                          printableExcerpt(outputType(first).dump()) + ", " + printableExcerpt(leaf.task) +
                          " " + printableExcerpt(outputType(leaf).dump()));
    }
}

void readCounts(Benchmark& benchmark, const ResultsFile& file, const std::string& metricKey)
{
    const json& nSamples = member(file.root, "n-samples");
    for (Leaf& leaf : benchmark.leaves) {
        const json& counts = member(nSamples, leaf.task);
        const json& original = member(counts, "original");
        const json& effective = member(counts, "effective");
        const json& sampleLen = member(file.results()[leaf.task], "sample_len");
        if (original.is_number_integer())
            leaf.original = original.get<int64_t>();
        if (effective.is_number_integer())
            leaf.effective = effective.get<int64_t>();
        else if (sampleLen.is_number_integer())
            leaf.effective = sampleLen.get<int64_t>();
        leaf.reported = file.results()[leaf.task][metricKey].get<double>();
    }
}

} // namespace nf::formats::lmeval
