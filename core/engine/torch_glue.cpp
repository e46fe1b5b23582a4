#include "engine/torch_glue.h"

#include "common/error.h"

#include <torch/script.h>

#include <filesystem>
#include <sstream>

namespace nf::engine {

std::string torchErrorSummary(const std::exception& error)
{
    const auto firstLine = [](const std::string& text) { return text.substr(0, text.find('\n')); };
    if (const auto* c10Error = dynamic_cast<const c10::Error*>(&error))
        return firstLine(c10Error->what_without_backtrace());
    std::string text = error.what();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    const auto lastBreak = text.rfind('\n');
    return lastBreak == std::string::npos ? text : text.substr(lastBreak + 1);
}

at::Tensor outputLogits(const c10::IValue& output, const std::string& path, const char* expected)
{
    if (output.isTensor())
        return output.toTensor();
    if (output.isTuple() && !output.toTupleRef().elements().empty() &&
        output.toTupleRef().elements()[0].isTensor())
        return output.toTupleRef().elements()[0].toTensor();
    if (output.isGenericDict() && output.toGenericDict().size() > 0) {
        const auto dict = output.toGenericDict();
        if (dict.contains("logits") && dict.at("logits").isTensor())
            return dict.at("logits").toTensor();
        const auto first = dict.begin()->value();
        if (first.isTensor())
            return first.toTensor();
    }
    throw InputError(path + ": forward returned " + output.tagKind() + ", expected " + expected +
                     " (or a tuple or dict whose first element is one)");
}

c10::ScalarType scalarTypeOf(DType dtype)
{
    switch (dtype) {
    case DType::BFloat16:
        return at::kBFloat16;
    case DType::Float16:
        return at::kHalf;
    case DType::Float32:
        break;
    }
    return at::kFloat;
}

ResolvedDevice loadScriptModule(const std::string& path, const EvalConfig& config, torch::jit::Module& module)
{
    validate(config);
    if (!std::filesystem::exists(path))
        throw InputError(path + ": no such file");
    ResolvedDevice device = resolveDevice(config.device);
    checkDType(config.dtype, device);
    try {
        module = torch::jit::load(path, torchDeviceOf(device));
    } catch (const std::exception& e) {
        throw InputError(path + ": not a TorchScript model (" + torchErrorSummary(e) + ")");
    }
    module.eval();
    if (config.dtype != DType::Float32)
        module.to(scalarTypeOf(config.dtype));
    return device;
}

c10::Device torchDeviceOf(const ResolvedDevice& device)
{
    if (device.type == "cuda")
        return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(device.index));
    return c10::Device(c10::kCPU);
}

std::string shapeText(const at::Tensor& tensor)
{
    std::ostringstream out;
    out << tensor.sizes();
    return out.str();
}

} // namespace nf::engine
