#pragma once

// The tensor operations of a Hugging Face decoder layer that HfModel (hf_model.cpp) composes, as
// transformers computes them. Internal to nf_engine, declared with forward declarations only:
// torch headers stay in .cpp files.

#include "formats/safetensors.h"

#include <cstdint>

namespace at {
class Tensor;
}
namespace c10 {
enum class ScalarType : int8_t;
}

namespace nf::engine {

// libtorch's scalar type of a stored dtype.
c10::ScalarType storedScalarType(formats::TensorDType dtype);

// A stored tensor as a CPU tensor over the mapped bytes (no copy; never written to).
at::Tensor mappedTensor(const formats::SafetensorsSet::Entry& entry);

// Root-mean-square normalisation in float, scaled by `weight`, in x's dtype.
at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps);

// The rotary embedding's x * cos + rotate_half(x) * sin, op by op, into a contiguous tensor with
// one temporary less than the expression would hold.
at::Tensor applyRotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);

} // namespace nf::engine
