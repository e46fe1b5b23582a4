#include "engine/hf_ops.h"

#include <ATen/ATen.h>

namespace nf::engine {

at::ScalarType storedScalarType(formats::TensorDType dtype)
{
    switch (dtype) {
    case formats::TensorDType::F16:
        return at::kHalf;
    case formats::TensorDType::BF16:
        return at::kBFloat16;
    case formats::TensorDType::F32:
        break;
    }
    return at::kFloat;
}

at::Tensor mappedTensor(const formats::SafetensorsSet::Entry& entry)
{
    const auto bytes = entry.file->bytes(*entry.tensor);
    auto* data = const_cast<std::byte*>(bytes.data());
    return at::from_blob(data, entry.tensor->shape,
                         at::TensorOptions().dtype(storedScalarType(entry.tensor->dtype)));
}

at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps)
{
    auto hidden = x.to(at::kFloat);
    const auto variance = hidden.pow(2).mean(-1, true);
    hidden = hidden * at::rsqrt(variance + eps);
    return weight * hidden.to(x.scalar_type());
}

namespace {

at::Tensor rotateHalf(const at::Tensor& x)
{
    const int64_t half = x.size(-1) / 2;
    return at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

} // namespace

at::Tensor applyRotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin)
{
    auto out = at::empty(x.sizes(), x.options());
    at::mul_out(out, x, cos);
    return out.add_(rotateHalf(x).mul_(sin));
}

} // namespace nf::engine
