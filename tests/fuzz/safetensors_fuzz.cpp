// parseSafetensorsHeader on arbitrary bytes: it must accept them or refuse them with an
// nf::InputError whose message is short and printable; an accepted header must keep the promises
// the engine relies on (offsets inside the file, sizes matching shapes, no overlap).
#include "formats/safetensors.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_target.h"

#include <cstring>
#include <span>
#include <stdexcept>

using nf::formats::SafetensorsHeader;
using nf::formats::TensorDType;
using nf::formats::TensorToWrite;

namespace {

void check(bool condition, const std::string& broken)
{
    if (!condition)
        throw std::logic_error("an accepted header breaks a promise: " + broken);
}

void checkHeader(const SafetensorsHeader& header, uint64_t fileSize)
{
    check(header.dataStart >= 8 && header.dataStart <= fileSize, "dataStart within the file");
    const uint64_t dataBytes = fileSize - header.dataStart;
    const nf::formats::TensorInfo* previous = nullptr;
    uint64_t furthest = 0;
    for (const auto& tensor : header.tensors) {
        check(tensor.begin <= tensor.end && tensor.end <= dataBytes, "offsets within the data");
        check(tensor.elements() >= 0, "an element count that fits");
        check(uint64_t(tensor.elements()) * nf::formats::elementSize(tensor.dtype) ==
                  tensor.end - tensor.begin,
              "bytes = elements x element size");
        check(!previous || previous->begin <= tensor.begin, "sorted by offset");
        check(tensor.begin == tensor.end || tensor.begin >= furthest, "no overlap");
        if (tensor.begin != tensor.end)
            furthest = std::max(furthest, tensor.end);
        previous = &tensor;
    }
}

template <typename T> std::vector<std::byte> bytesOf(const std::vector<T>& values)
{
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    if (!values.empty())
        std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

TensorToWrite tensor(std::string name, TensorDType dtype, std::vector<int64_t> shape)
{
    int64_t elements = 1;
    for (const int64_t dim : shape)
        elements *= dim;
    if (dtype == TensorDType::F32) {
        std::vector<float> values(static_cast<size_t>(elements));
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = 0.5f * static_cast<float>(i) - 1;
        return {std::move(name), dtype, std::move(shape), bytesOf(values)};
    }
    std::vector<uint16_t> values(static_cast<size_t>(elements));
    for (size_t i = 0; i < values.size(); ++i) {
        const float value = 0.25f * static_cast<float>(i) - 1;
        values[i] =
            dtype == TensorDType::F16 ? nf::formats::floatToF16(value) : nf::formats::floatToBf16(value);
    }
    return {std::move(name), dtype, std::move(shape), bytesOf(values)};
}

// Where the JSON value after the length prefix ends, by bracket depth outside strings; 0 when it
// does not close.
size_t jsonEnd(const std::string& input)
{
    size_t depth = 0;
    bool inString = false;
    for (size_t i = 8; i < input.size(); ++i) {
        const char c = input[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto bytes = std::as_bytes(std::span(data, size));
    try {
        checkHeader(nf::formats::parseSafetensorsHeader(bytes, size, "fuzz.safetensors"), size);
    } catch (const nf::InputError& error) {
        nf::fuzz::checkMessage(error.what());
    }
    return 0;
}

namespace nf::fuzz {

std::vector<std::string> seeds()
{
    using enum TensorDType;
    std::vector<TensorToWrite> all;
    for (const TensorDType dtype : {F32, F16, BF16}) {
        const std::string prefix = std::string("layer.") + nf::formats::toString(dtype);
        all.push_back(tensor(prefix + ".weight", dtype, {2, 3}));
        all.push_back(tensor(prefix + ".bias", dtype, {3}));
        all.push_back(tensor(prefix + ".scale", dtype, {}));
    }
    return {
        nf::formats::safetensorsBytes(all, {{"format", "pt"}}),
        nf::formats::safetensorsBytes({all[0], all[4], all[8]}),
        nf::formats::safetensorsBytes({tensor("empty", F32, {0, 4}), tensor("x", BF16, {1, 1, 1, 2})}),
        nf::formats::safetensorsBytes({}, {{"only", "metadata"}}),
        nf::formats::safetensorsBytes({tensor("\xc3\xa9t\xc3\xa9 \xe2\x9c\x93", F16, {2})}),
    };
}

std::vector<std::string> dictionary()
{
    return {// JSON's syntax and the values that test a reader's limits
            "{", "}", "[", "]", ",", ":", "\"", "\\\"", "\\u0000", "\\ud800", "null", "true", "-1", "1e400",
            "0.5", "18446744073709551615", "18446744073709551616", "9223372036854775808", "4294967296",
            "\xff", "\xc3", "\xe2\x80\xae",
            // the header's keys and dtypes, quoted
            "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"F32\"", "\"F16\"",
            "\"BF16\"", "\"I8\"", "\"F64\"", "\"F8_E4M3\"", "\"\"", "\"layer.F32.weight\"", "\"a\\u001b[0m\"",
            // shapes and offsets
            "[]", "[0]", "[1]", "[2, 3]", "[0, 0]", "[0, 4]", "[4, 0]", "[0, 24]", "[-1, 4]", "[0, 4, 8]",
            "[1.5]", "[\"2\"]", "[null]", "[4294967296, 4294967296]", "[18446744073709551615, 1]", "[[2]]",
            // whole entries
            "{}", "\"t\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}",
            "\"__metadata__\": {\"k\": 1}"};
}

std::string repair(std::string input, uint64_t random)
{
    const size_t end = jsonEnd(input);
    if (end == 0)
        return input;
    // The length prefix to where the JSON closes, or a few bytes either side of it.
    const uint64_t length = end - 8 + (random % 4 == 0 ? (random >> 8) % 9 : 0) - (random % 8 == 1 ? 1 : 0);
    for (size_t i = 0; i < 8; ++i)
        input[i] = static_cast<char>((length >> (8 * i)) & 0xFF);
    return input;
}

} // namespace nf::fuzz
