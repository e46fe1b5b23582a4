#include "formats/importers/lm_eval_config.h"

#include "common/text.h"
#include "formats/importers/lm_eval_results.h"
#include "common/utc_time.h"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>
#include <string_view>
#include <vector>

namespace nf::formats::lmeval {
namespace {

using nlohmann::json;

std::string stringMember(const json& object, const char* key)
{
    const json& value = member(object, key);
    return value.is_string() ? value.get<std::string>() : std::string();
}


// One key of model_args, written "pretrained=org/name,revision=abc,dtype=auto" on the command
// line or as an object through the Python API.
std::string modelArg(const json& config, const char* key)
{
    const json& args = member(config, "model_args");
    if (args.is_object()) {
        const json& value = member(args, key);
        return value.is_string() ? value.get<std::string>() : value.is_null() ? std::string() : value.dump();
    }
    if (!args.is_string())
        return {};
    std::stringstream parts(args.get<std::string>());
    std::string part;
    const std::string prefix = std::string(key) + "=";
    while (std::getline(parts, part, ',')) {
        part = trimmed(part);
        if (part.starts_with(prefix))
            return part.substr(prefix.size());
    }
    return {};
}

// torch's dtype names ("torch.bfloat16") in the engine's words where it has them.
std::string dtypeName(std::string dtype)
{
    if (dtype.starts_with("torch."))
        dtype = dtype.substr(6);
    static const std::map<std::string, std::string> kNames = {
        {"float32", "fp32"}, {"float", "fp32"}, {"bfloat16", "bf16"}, {"float16", "fp16"}, {"half", "fp16"}};
    const auto found = kNames.find(dtype);
    return found == kNames.end() ? dtype : found->second;
}

// "cuda:0" and "cuda" run the same way: the index is where, not how (the engine keeps only the
// type in its params too).
std::string deviceType(const std::string& device)
{
    const size_t colon = device.find(':');
    return colon == std::string::npos ? device : device.substr(0, colon);
}

int deviceIndex(const std::string& device)
{
    const size_t colon = device.find(':');
    if (colon == std::string::npos)
        return 0;
    try {
        return std::stoi(device.substr(colon + 1));
    } catch (const std::exception&) {
        return 0;
    }
}

// torch.utils.collect_env's text: "Key: value" lines, GPUs on their own lines when several.
struct EnvInfo
{
    std::map<std::string, std::string> values;   // first occurrence of each key
    std::vector<std::string> gpus;               // "GPU 0: NVIDIA A100-SXM4-80GB" lines
    std::map<std::string, std::string> packages; // "[pip3] numpy==1.26.4"
};

// "GPU 0: NVIDIA A100-SXM4-80GB"
bool isGpuLine(const std::string& line)
{
    if (!line.starts_with("GPU "))
        return false;
    const size_t colon = line.find(": ");
    return colon != std::string::npos && colon > 4 && line.find_first_not_of("0123456789", 4) == colon;
}

EnvInfo parseEnvInfo(const std::string& text)
{
    EnvInfo info;
    std::stringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (isGpuLine(line)) {
            info.gpus.push_back(trimmed(line.substr(line.find(": ") + 2)));
            continue;
        }
        if (line.starts_with("[pip3] ") || line.starts_with("[pip] ")) {
            const std::string package = trimmed(line.substr(line.find(' ') + 1));
            const size_t equals = package.find("==");
            if (equals != std::string::npos)
                info.packages.emplace(package.substr(0, equals), package.substr(equals + 2));
            continue;
        }
        const size_t colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        const std::string key = trimmed(std::string_view(line).substr(0, colon));
        const std::string value = trimmed(std::string_view(line).substr(colon + 1));
        if (!key.empty())
            info.values.emplace(key, value);
        // One GPU is written on the key's own line: "GPU models and configuration: GPU 0: NAME".
        if (key == "GPU models and configuration" && isGpuLine(value))
            info.gpus.push_back(trimmed(value.substr(value.find(": ") + 2)));
    }
    return info;
}

bool unknown(const std::string& value)
{
    return value.empty() || value == "N/A" || value == "None" || value == "Could not collect";
}

// "12.1" -> "12010": cudaRuntimeGetVersion's encoding, which the engine records.
std::string cudaVersionNumber(const std::string& version)
{
    int major = 0;
    int minor = 0;
    if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2)
        return version;
    return std::to_string(major * 1000 + minor * 10);
}

// "OS: Ubuntu 22.04.4 LTS (x86_64)": the engine records os-release's PRETTY_NAME alone.
std::string osName(std::string os)
{
    for (const char* machine : {" (x86_64)", " (aarch64)", " (arm64)", " (ppc64le)", " (s390x)"}) {
        if (os.ends_with(machine))
            return os.substr(0, os.size() - std::string_view(machine).size());
    }
    return os;
}

// "Linux-5.15.0-105-generic-x86_64-with-glibc2.35" -> "5.15.0-105-generic x86_64", the engine's
// "release machine".
std::string kernelName(const std::string& platform)
{
    if (!platform.starts_with("Linux-"))
        return {};
    std::string rest = platform.substr(6);
    const size_t with = rest.find("-with-");
    if (with != std::string::npos)
        rest = rest.substr(0, with);
    for (const char* machine : {"x86_64", "aarch64", "arm64", "ppc64le", "s390x"}) {
        const std::string suffix = std::string("-") + machine;
        if (rest.ends_with(suffix))
            return rest.substr(0, rest.size() - suffix.size()) + " " + machine;
    }
    return rest;
}

} // namespace

std::string modelLabel(const json& root, const std::string& override)
{
    if (!override.empty())
        return override;
    const std::string name = stringMember(root, "model_name");
    if (!name.empty())
        return name;
    const json& config = member(root, "config");
    const std::string pretrained = modelArg(config, "pretrained");
    if (!pretrained.empty())
        return pretrained;
    const std::string model = stringMember(config, "model");
    return model.empty() ? "lm-eval model" : model;
}

std::string modelRevision(const json& root)
{
    const json& config = member(root, "config");
    const std::string sha = stringMember(config, "model_sha");
    if (!sha.empty())
        return sha;
    const std::string revision = stringMember(config, "model_revision");
    if (!revision.empty() && revision != "main")
        return revision;
    const std::string argument = modelArg(config, "revision");
    return argument == "main" ? std::string() : argument;
}

json sharedParams(const json& root)
{
    const json& config = member(root, "config");
    json params = {{"harness", "lm-eval"}};
    // Absent and null are the same setting: leaving nulls out lets files from lm-eval versions
    // that write fewer keys land in the same config group.
    auto copy = [&](const char* from, const char* to) {
        const json& value = member(config, from);
        if (!value.is_null() && !(value.is_string() && value.get<std::string>().empty()))
            params[to] = value;
    };
    copy("model", "model");
    copy("model_args", "model_args");
    copy("limit", "limit");
    copy("gen_kwargs", "gen_kwargs");
    const json& batchSize = member(config, "batch_size");
    int64_t batchNumber = 0;
    const std::string batchText = batchSize.is_string() ? batchSize.get<std::string>() : std::string();
    const auto parsed = std::from_chars(batchText.data(), batchText.data() + batchText.size(), batchNumber);
    if (!batchText.empty() && parsed.ec == std::errc() && parsed.ptr == batchText.data() + batchText.size())
        params["batch_size"] = batchNumber; // the CLI passes "8"; "auto" and the like stay text
    else if (!batchSize.is_null())
        params["batch_size"] = batchSize;
    const std::string device = stringMember(config, "device");
    if (!device.empty())
        params["device"] = deviceType(device);
    const std::string dtype = stringMember(config, "model_dtype");
    if (!dtype.empty())
        params["dtype"] = dtypeName(dtype);
    for (const char* key : {"chat_template_sha", "system_instruction_sha"}) {
        const std::string value = stringMember(root, key);
        if (!value.empty())
            params[key] = value;
    }
    if (member(root, "fewshot_as_multiturn") == json(true))
        params["fewshot_as_multiturn"] = true;
    return params;
}

Seeds seeds(const json& root)
{
    const json& config = member(root, "config");
    Seeds result;
    std::string note = "lm-eval seeds:";
    const char* separator = " ";
    for (const auto& [key, name] : {std::pair{"random_seed", "random"}, std::pair{"numpy_seed", "numpy"},
                                    std::pair{"torch_seed", "torch"}, std::pair{"fewshot_seed", "fewshot"}}) {
        const json& value = member(config, key);
        note += std::string(separator) + name + " " + (value.is_number_integer() ? value.dump() : "not set");
        separator = ", ";
    }
    for (const char* key : {"fewshot_seed", "random_seed"}) {
        const json& value = member(config, key);
        if (value.is_number_integer()) {
            result.seed = value.get<int64_t>();
            result.known = true;
            break;
        }
    }
    if (config.is_object())
        result.note = note;
    return result;
}

std::string environmentJson(const json& root)
{
    json env = json::object();
    auto set = [&](const char* key, const std::string& value) {
        if (!unknown(value))
            env[key] = value;
    };
    const json& config = member(root, "config");
    const std::string device = stringMember(config, "device");
    set("engine.device", device);
    set("lm_eval.git_hash", stringMember(root, "git_hash"));
    set("lm_eval.version", stringMember(root, "lm_eval_version"));
    set("transformers.version", stringMember(root, "transformers_version"));
    const json& batchSizes = member(config, "batch_sizes");
    if (batchSizes.is_array() && !batchSizes.empty()) { // what "auto" chose: it changes the numbers
        std::string sizes;
        for (const json& size : batchSizes)
            sizes += (sizes.empty() ? "" : ",") + (size.is_string() ? size.get<std::string>() : size.dump());
        set("lm_eval.batch_sizes", sizes);
    }

    const EnvInfo info = parseEnvInfo(stringMember(root, "pretty_env_info"));
    auto value = [&](const char* key) {
        const auto found = info.values.find(key);
        return found == info.values.end() ? std::string() : found->second;
    };
    set("torch.version", value("PyTorch version"));
    const std::string cudaBuild = value("CUDA used to build PyTorch");
    if (!cudaBuild.empty()) {
        env["torch.cuda_built"] = unknown(cudaBuild) ? "no" : "yes";
        if (!unknown(cudaBuild))
            set("cuda.runtime_version", cudaVersionNumber(cudaBuild));
    }
    if (deviceType(device) == "cuda" || (device.empty() && !info.gpus.empty())) {
        const size_t index = static_cast<size_t>(deviceIndex(device));
        std::string gpu = value("GPU models and configuration");
        if (index < info.gpus.size())
            gpu = info.gpus[index];
        set("gpu.name", gpu);
        set("gpu.driver", value("Nvidia driver version"));
    }
    set("os", osName(value("OS")));
    set("kernel", kernelName(value("Python platform")));
    set("cpu.model", value("Model name"));
    const std::string python = value("Python version");
    set("python.version", python.substr(0, python.find(' ')));
    const auto numpy = info.packages.find("numpy");
    if (numpy != info.packages.end())
        set("numpy.version", numpy->second);
    return env.empty() ? std::string() : env.dump();
}

std::string startedAt(const json& root)
{
    const json& date = member(root, "date");
    if (!date.is_number())
        return {};
    // Seconds since 1970 within the years 1000-9000 that the store reads; a value outside them is
    // no time anyone ran (and past time_t's range its conversion is undefined): unknown, as absent.
    const double seconds = date.get<double>();
    if (!(seconds >= -30'610'224'000.0 && seconds <= 221'845'392'000.0))
        return {};
    return isoUtc(static_cast<std::time_t>(seconds));
}

double durationSeconds(const json& root)
{
    const json& value = member(root, "total_evaluation_time_seconds");
    if (value.is_number())
        return value.get<double>();
    if (value.is_string()) {
        try {
            return std::stod(value.get<std::string>());
        } catch (const std::exception&) {
            return 0;
        }
    }
    return 0;
}

} // namespace nf::formats::lmeval
