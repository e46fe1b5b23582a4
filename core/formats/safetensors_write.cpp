#include "formats/safetensors.h"

#include "common/error.h"
#include "formats/safetensors_detail.h"

#include <nlohmann/json.hpp>

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <unistd.h>

// Writing safetensors files (tests, benches and the tiny fixtures) and the 16-bit float
// conversions; reading is in safetensors.cpp.

namespace nf::formats {

namespace fs = std::filesystem;
using detail::elementCount;
using detail::shapeText;
using detail::tensorRef;

// ---- writing ----

namespace {

// The header, padded with spaces to a multiple of 8 bytes as the reference writer does, so that
// the data starts aligned.
std::string headerText(const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata)
{
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const TensorToWrite& tensor : tensors) {
        const std::string what = "writeSafetensors: " + tensorRef(tensor.name) + ": ";
        uint64_t elements = 0;
        if (!elementCount(tensor.shape, elements) || elements > UINT64_MAX / elementSize(tensor.dtype))
            throw std::invalid_argument(what + "shape " + shapeText(tensor.shape) + " is not a tensor's");
        if (elements * elementSize(tensor.dtype) != tensor.bytes.size())
            throw std::invalid_argument(what + std::to_string(tensor.bytes.size()) + " bytes for shape " +
                                        shapeText(tensor.shape) + " of " + toString(tensor.dtype) + " (" +
                                        std::to_string(elements * elementSize(tensor.dtype)) + " expected)");
        if (tensor.name == "__metadata__" || header.contains(tensor.name))
            throw std::invalid_argument(what + "the name is taken");
        header[tensor.name] = {{"dtype", toString(tensor.dtype)},
                               {"shape", tensor.shape},
                               {"data_offsets", {offset, offset + tensor.bytes.size()}}};
        offset += tensor.bytes.size();
    }
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::type_error&) {
        throw std::invalid_argument("writeSafetensors: a tensor name or metadata is not valid UTF-8");
    }
    text.append((8 - text.size() % 8) % 8, ' ');
    std::string out(8, '\0');
    for (size_t i = 0; i < 8; ++i)
        out[i] = static_cast<char>((uint64_t(text.size()) >> (8 * i)) & 0xFF);
    return out + text;
}

} // namespace

std::string safetensorsBytes(const std::vector<TensorToWrite>& tensors,
                             const std::map<std::string, std::string>& metadata)
{
    std::string out = headerText(tensors, metadata);
    for (const TensorToWrite& tensor : tensors)
        out.append(reinterpret_cast<const char*>(tensor.bytes.data()), tensor.bytes.size());
    return out;
}

void writeSafetensors(const fs::path& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata)
{
    const std::string header = headerText(tensors, metadata);
    fs::path temporary = path;
    temporary += ".partial-" + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(header.data(), static_cast<std::streamsize>(header.size()));
        for (const TensorToWrite& tensor : tensors)
            out.write(reinterpret_cast<const char*>(tensor.bytes.data()),
                      static_cast<std::streamsize>(tensor.bytes.size()));
        out.close();
        if (!out) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
            throw InputError(path.string() + ": cannot be written");
        }
    }
    std::error_code error;
    fs::rename(temporary, path, error);
    if (error) {
        fs::remove(temporary, error);
        throw InputError(path.string() + ": cannot be written: " + error.message());
    }
}

// ---- conversions ----

uint16_t floatToBf16(float value)
{
    const auto bits = std::bit_cast<uint32_t>(value);
    if (std::isnan(value)) // keep it a NaN (truncating could leave an infinity) and quiet
        return static_cast<uint16_t>((bits >> 16) | 0x0040);
    // Round to nearest even; a carry into the exponent is the right answer (up to infinity).
    return static_cast<uint16_t>((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
}

float bf16ToFloat(uint16_t value)
{
    return std::bit_cast<float>(uint32_t(value) << 16);
}

uint16_t floatToF16(float value)
{
    const auto bits = std::bit_cast<uint32_t>(value);
    const auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
    const uint32_t magnitude = bits & 0x7FFFFFFF;
    if (magnitude > 0x7F800000) // NaN: quiet, with the payload's top bits
        return static_cast<uint16_t>(sign | 0x7E00 | ((magnitude >> 13) & 0x3FF));
    if (magnitude >= 0x477FF000) // from halfway past 65504, the largest half, on: infinity
        return static_cast<uint16_t>(sign | 0x7C00);
    if (magnitude >= 0x38800000) { // normal in half precision (>= 2^-14)
        uint32_t half = ((magnitude >> 23) - 112) << 10 | ((magnitude >> 13) & 0x3FF);
        const uint32_t rest = magnitude & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
            ++half; // a carry into the exponent is the right answer
        return static_cast<uint16_t>(sign | half);
    }
    if (magnitude <= 0x33000000) // at most half the smallest subnormal (2^-25): to zero, ties to even
        return sign;
    // Subnormal in half precision: the value in units of 2^-24, rounded to nearest even.
    const uint32_t exponent = magnitude >> 23;
    const uint32_t mantissa = (magnitude & 0x7FFFFF) | 0x800000;
    const uint32_t shift = 126 - exponent; // 14 to 24
    uint32_t half = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1)))
        ++half; // 0x400 is the smallest normal, as it should be
    return static_cast<uint16_t>(sign | half);
}

float f16ToFloat(uint16_t value)
{
    const uint32_t sign = uint32_t(value & 0x8000) << 16;
    const uint32_t exponent = (value >> 10) & 0x1F;
    const uint32_t mantissa = value & 0x3FF;
    if (exponent == 0) {
        const float magnitude = std::ldexp(static_cast<float>(mantissa), -24); // zero or subnormal, exact
        return sign ? -magnitude : magnitude;
    }
    if (exponent == 31)
        return std::bit_cast<float>(sign | 0x7F800000 | (mantissa << 13));
    return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

} // namespace nf::formats
