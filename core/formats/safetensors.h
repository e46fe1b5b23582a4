#pragma once

// A reader (and a small writer, for tests and benches) of the safetensors format that Hugging Face
// checkpoints use: an 8-byte little-endian header length N, N bytes of JSON
//   {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}
// then the tensors' bytes, offsets relative to the end of the header. No torch here: the engine
// turns the bytes into tensors of the run's dtype on its device (engine/hf_model.cpp).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nf::formats {

// The element types noisefloor reads. Others (I8, F64, F8_E4M3, ...) are refused by name.
enum class TensorDType { F32, F16, BF16 };

const char* toString(TensorDType dtype);
size_t elementSize(TensorDType dtype);

struct TensorInfo
{
    std::string name;
    TensorDType dtype = TensorDType::F32;
    std::vector<int64_t> shape; // [] is a scalar (one element)
    uint64_t begin = 0;         // byte offsets relative to the start of the data section
    uint64_t end = 0;

    int64_t elements() const; // -1 when the product overflows, which no parsed header has
};

struct SafetensorsHeader
{
    uint64_t dataStart = 0;          // 8 + header length: where offset 0 is in the file
    std::vector<TensorInfo> tensors; // in data-offset order
    std::map<std::string, std::string> metadata;
};

// Parses and checks a whole file's bytes (or at least its first 8 + N bytes when `fileSize` says
// how long the file is): the length within the file, the JSON, each entry's keys, dtype, shape,
// offsets within the data and not overlapping, shape x dtype size = byte length. Throws
// nf::InputError naming `fileName` and, where one is at fault, the tensor. Never reads past `bytes`.
SafetensorsHeader parseSafetensorsHeader(std::span<const std::byte> bytes, uint64_t fileSize,
                                         const std::string& fileName);

// One safetensors file, memory-mapped read-only. The header is checked when it opens.
class SafetensorsFile
{
public:
    // Throws nf::InputError naming the file (missing, unreadable, too short, bad header).
    explicit SafetensorsFile(const std::filesystem::path& path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    const std::filesystem::path& path() const;
    const SafetensorsHeader& header() const;
    const TensorInfo* find(std::string_view name) const; // nullptr when absent

    // The tensor's bytes inside the mapping (little-endian, row-major).
    std::span<const std::byte> bytes(const TensorInfo& tensor) const;

    // Drops the tensor's pages from the process (madvise DONTNEED) once it has been copied out,
    // so that loading a model never holds the file's pages and the converted weights at once.
    // bytes() still works afterwards (the kernel reads the pages again).
    void release(const TensorInfo& tensor) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// A checkpoint's weights: `model.safetensors`, or the shards listed by
// `model.safetensors.index.json` ({"weight_map": {"tensor": "shard file"}}), in a folder.
// Every tensor's name is unique across the shards, and each is where the index says it is.
class SafetensorsSet
{
public:
    struct Entry
    {
        const SafetensorsFile* file = nullptr;
        const TensorInfo* tensor = nullptr;
    };

    // `stem` is "model" for a model and "adapter_model" for a PEFT adapter. Throws
    // nf::InputError naming the folder (neither file present), the index (bad JSON, a shard
    // missing, a tensor not in the shard the index names) or the shard.
    static SafetensorsSet openFolder(const std::filesystem::path& folder, const std::string& stem = "model");

    SafetensorsSet();
    ~SafetensorsSet();
    SafetensorsSet(SafetensorsSet&&) noexcept;
    SafetensorsSet& operator=(SafetensorsSet&&) noexcept;

    // nullptr entry.tensor when absent.
    Entry find(std::string_view name) const;
    std::vector<std::string> names() const; // sorted
    // The files read (the index first when there is one), for hashing the model's identity.
    const std::vector<std::filesystem::path>& files() const;
    uint64_t totalTensorBytes() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// Writes a safetensors file (tests, benches, fuzz seeds): tensors in the order given, each entry's
// byte size must equal shape x dtype size. Written to a temporary name and renamed.
struct TensorToWrite
{
    std::string name;
    TensorDType dtype = TensorDType::F32;
    std::vector<int64_t> shape;
    std::vector<std::byte> bytes;
};
void writeSafetensors(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata = {});
// The bytes writeSafetensors writes, in memory (fuzz seeds, parser tests).
std::string safetensorsBytes(const std::vector<TensorToWrite>& tensors,
                             const std::map<std::string, std::string>& metadata = {});

// bf16 and fp16 <-> fp32 on the CPU (round to nearest even), for the writer's callers and checks.
uint16_t floatToBf16(float value);
float bf16ToFloat(uint16_t value);
uint16_t floatToF16(float value);
float f16ToFloat(uint16_t value);

} // namespace nf::formats
