#pragma once

// Helpers shared by the engine's torch code (classifier.cpp, causal_lm.cpp). Internal to nf_engine,
// and declared with forward declarations only: torch headers stay in .cpp files.

#include "engine/config.h"
#include "engine/runtime.h"

#include <cstdint>
#include <exception>
#include <string>

namespace at {
class Tensor;
}
namespace torch::jit {
struct Module;
}
namespace c10 {
struct Device;
struct IValue;
enum class ScalarType : int8_t;
} // namespace c10

namespace nf::engine {

// The line of a torch error that says what went wrong: c10::Error's first line without the
// backtrace, or the last line of a TorchScript traceback.
std::string torchErrorSummary(const std::exception& error);

// The logits in a module's output: the tensor itself, a tuple's first element, or a dict's
// "logits" entry (else its first value). Throws nf::InputError naming `path` and what it got,
// with `expected` ("a Tensor[B, C] of logits") in the message.
at::Tensor outputLogits(const c10::IValue& output, const std::string& path, const char* expected);

c10::ScalarType scalarTypeOf(DType dtype);

// Validates the config, resolves its device and checks its dtype there, and loads the TorchScript
// file onto that device in eval mode, converted to the dtype. Throws nf::InputError naming the file.
ResolvedDevice loadScriptModule(const std::string& path, const EvalConfig& config, torch::jit::Module& module);

c10::Device torchDeviceOf(const ResolvedDevice& device);

// "[2, 16, 512]"
std::string shapeText(const at::Tensor& tensor);

} // namespace nf::engine
