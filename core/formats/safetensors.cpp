#include "formats/safetensors.h"

#include "common/error.h"
#include "common/text.h"
#include "formats/json_input.h"
#include "formats/safetensors_detail.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <tuple>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nf::formats {
namespace {

namespace fs = std::filesystem;
using detail::parseStrictJson;
using detail::quotedExcerpt;
using detail::elementCount;
using detail::shapeText;
using detail::tensorRef;
using nlohmann::json;

using detail::kMaxHeaderBytes;
// A header or index nests 3 levels; the bound keeps a hostile file's nesting from costing more.
constexpr size_t kMaxHeaderDepth = 64;

// JSON parsed through saxParseJsonInput (nesting bounded by kMaxHeaderDepth, numbers in range) into
// a value, refusing what the DOM parser would accept silently: one key twice in an object (the DOM
// keeps the last, other readers the first).
class StrictJsonBuilder final : public JsonValueBuilder
{
public:
    // `tensorKeys`: the top-level object's keys name tensors (a safetensors header).
    StrictJsonBuilder(json& root, bool tensorKeys) : JsonValueBuilder(root), m_tensorKeys(tensorKeys) {}

    // Why the handler refused the text, in words that quote none of it past a short excerpt.
    const std::string& failure() const { return m_failure; }

    bool key(string_t& value) override
    {
        if (filling().contains(value)) {
            m_failure = m_tensorKeys && openCount() == 1 && value != "__metadata__"
                            ? "lists " + tensorRef(value) + " twice"
                            : "has the key " + quotedExcerpt(value) + " twice in one object";
            return false;
        }
        return JsonValueBuilder::key(value);
    }

private:
    std::string m_failure;
    bool m_tensorKeys = false;
};

} // namespace

std::string detail::shapeText(const std::vector<int64_t>& shape)
{
    constexpr size_t kShown = 8;
    std::string text = "[";
    for (size_t i = 0; i < shape.size() && i < kShown; ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() > kShown)
        text += ", … (" + std::to_string(shape.size()) + " dimensions)";
    return text + "]";
}

bool detail::elementCount(const std::vector<int64_t>& shape, uint64_t& count)
{
    count = 1;
    if (std::find(shape.begin(), shape.end(), 0) != shape.end()) {
        count = 0;
        return true;
    }
    for (const int64_t dim : shape) {
        if (dim < 0 || static_cast<uint64_t>(dim) > uint64_t(INT64_MAX) / count)
            return false;
        count *= static_cast<uint64_t>(dim);
    }
    return true;
}

std::string detail::quotedExcerpt(std::string_view text)
{
    return "'" + printableExcerpt(text) + "'";
}

std::string detail::tensorRef(std::string_view name)
{
    return "tensor " + quotedExcerpt(name);
}

json detail::parseStrictJson(std::string_view text, std::string& failure, bool tensorKeys)
{
    json root;
    StrictJsonBuilder builder(root, tensorKeys);
    JsonFailure refused;
    if (saxParseJsonInput(text, builder, refused, kMaxHeaderDepth))
        return root;
    switch (refused.kind) {
    case JsonFailure::Kind::Handler:
        failure = builder.failure();
        return {};
    case JsonFailure::Kind::TooDeep:
        failure = "nests deeper than " + std::to_string(kMaxHeaderDepth) + " levels";
        return {};
    case JsonFailure::Kind::NumberOutOfRange:
        failure = "is not valid JSON: " + refused.detail;
        break;
    default:
        failure = "is not valid JSON";
    }
    if (refused.byte > 0)
        failure += " (at byte " + std::to_string(refused.byte) + ")";
    return {};
}

namespace {

// A JSON integer >= 0 that fits `limit`.
bool isCount(const json& value, uint64_t limit = UINT64_MAX)
{
    if (value.is_number_unsigned())
        return value.get<uint64_t>() <= limit;
    return value.is_number_integer() && value.get<int64_t>() == 0; // -0
}

TensorDType dtypeFrom(const json& value, const std::string& where)
{
    if (!value.is_string())
        throw InputError(where + "'dtype' must be a string such as \"F32\"");
    const std::string& name = value.get_ref<const std::string&>();
    for (const TensorDType dtype : {TensorDType::F32, TensorDType::F16, TensorDType::BF16}) {
        if (name == toString(dtype))
            return dtype;
    }
    throw InputError(where + "dtype " + quotedExcerpt(name) +
                     " is not supported (noisefloor reads F32, F16 and BF16)");
}

TensorInfo tensorFrom(const std::string& name, const json& entry, uint64_t dataBytes, const std::string& file)
{
    const std::string where = file + ": " + tensorRef(name) + ": ";
    if (!entry.is_object())
        throw InputError(where + "expected an object with dtype, shape and data_offsets");
    for (const char* key : {"dtype", "shape", "data_offsets"}) {
        if (!entry.contains(key))
            throw InputError(where + "no '" + key + "'");
    }
    TensorInfo tensor;
    tensor.name = name;
    tensor.dtype = dtypeFrom(entry["dtype"], where);

    const json& shape = entry["shape"];
    if (!shape.is_array() ||
        !std::all_of(shape.begin(), shape.end(), [](const json& d) { return isCount(d, INT64_MAX); }))
        throw InputError(where + "'shape' must be a list of non-negative integers");
    for (const json& dim : shape)
        tensor.shape.push_back(static_cast<int64_t>(dim.get<uint64_t>()));
    uint64_t elements = 0;
    if (!elementCount(tensor.shape, elements) || elements > UINT64_MAX / elementSize(tensor.dtype))
        throw InputError(where + "shape " + shapeText(tensor.shape) +
                         " has more elements than 64 bits count");

    const json& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !isCount(offsets[0]) || !isCount(offsets[1]))
        throw InputError(where + "'data_offsets' must be two non-negative integers [begin, end]");
    tensor.begin = offsets[0].get<uint64_t>();
    tensor.end = offsets[1].get<uint64_t>();
    const std::string range = "[" + std::to_string(tensor.begin) + ", " + std::to_string(tensor.end) + "]";
    if (tensor.begin > tensor.end)
        throw InputError(where + "data_offsets " + range + " end before they begin");
    if (tensor.end > dataBytes)
        throw InputError(where + "data_offsets " + range + " run past the data, which has " +
                         std::to_string(dataBytes) + " bytes (a truncated file?)");
    const uint64_t expected = elements * elementSize(tensor.dtype);
    if (expected != tensor.end - tensor.begin)
        throw InputError(where + "shape " + shapeText(tensor.shape) + " of " + toString(tensor.dtype) +
                         " is " + std::to_string(expected) + " bytes but data_offsets " + range + " hold " +
                         std::to_string(tensor.end - tensor.begin));
    return tensor;
}

std::map<std::string, std::string> metadataFrom(const json& value, const std::string& file)
{
    std::map<std::string, std::string> metadata;
    if (value.is_null()) // the reference reader takes null for no metadata
        return metadata;
    const std::string where = file + ": '__metadata__' ";
    if (!value.is_object())
        throw InputError(where + "must be an object of strings");
    for (const auto& [key, text] : value.get_ref<const json::object_t&>()) {
        if (!text.is_string())
            throw InputError(where + "must be an object of strings; " + quotedExcerpt(key) +
                             " is not a string");
        metadata.emplace(key, text.get<std::string>());
    }
    return metadata;
}

// Sorted by begin: a tensor that overlaps any earlier one overlaps the one reaching furthest.
void checkNoOverlap(const std::vector<TensorInfo>& tensors, const std::string& file)
{
    const TensorInfo* furthest = nullptr;
    for (const TensorInfo& tensor : tensors) {
        if (tensor.begin == tensor.end)
            continue; // no bytes, nothing shared
        if (furthest && tensor.begin < furthest->end)
            throw InputError(file + ": " + tensorRef(furthest->name) + " [" +
                             std::to_string(furthest->begin) + ", " + std::to_string(furthest->end) +
                             "] and " + tensorRef(tensor.name) + " [" + std::to_string(tensor.begin) + ", " +
                             std::to_string(tensor.end) + "] overlap in the data");
        if (!furthest || tensor.end > furthest->end)
            furthest = &tensor;
    }
}

std::string systemError()
{
    return std::strerror(errno);
}

} // namespace

const char* toString(TensorDType dtype)
{
    switch (dtype) {
    case TensorDType::F32:
        return "F32";
    case TensorDType::F16:
        return "F16";
    case TensorDType::BF16:
        return "BF16";
    }
    return "?";
}

size_t elementSize(TensorDType dtype)
{
    return dtype == TensorDType::F32 ? 4 : 2;
}

int64_t TensorInfo::elements() const
{
    uint64_t count = 0;
    return elementCount(shape, count) ? static_cast<int64_t>(count) : -1;
}

SafetensorsHeader parseSafetensorsHeader(std::span<const std::byte> bytes, uint64_t fileSize,
                                         const std::string& fileName)
{
    const std::string file = fileName + ": ";
    if (fileSize < 8)
        throw InputError(
            file + std::to_string(fileSize) +
            " bytes, too short for a safetensors file (which starts with an 8-byte header length)");
    if (bytes.size() < 8)
        throw InputError(file + "only " + std::to_string(bytes.size()) + " of its bytes were read");
    uint64_t length = 0;
    for (int i = 7; i >= 0; --i)
        length = (length << 8) | std::to_integer<uint64_t>(bytes[static_cast<size_t>(i)]);
    if (length > kMaxHeaderBytes)
        throw InputError(file + "header length " + std::to_string(length) + " bytes is over the limit of " +
                         std::to_string(kMaxHeaderBytes) + " (not a safetensors file?)");
    if (length > fileSize - 8)
        throw InputError(file + "header length " + std::to_string(length) +
                         " bytes runs past the end of the " + std::to_string(fileSize) +
                         "-byte file (a truncated file, or not a safetensors file?)");
    if (length > bytes.size() - 8)
        throw InputError(file + "only " + std::to_string(bytes.size()) +
                         " of its bytes were read, fewer than the " + std::to_string(8 + length) +
                         " the header needs");

    std::string failure;
    const json root =
        parseStrictJson({reinterpret_cast<const char*>(bytes.data()) + 8, length}, failure, true);
    if (!failure.empty())
        throw InputError(file + "header " + failure);
    if (!root.is_object())
        throw InputError(file + "header is not a JSON object of tensors");

    SafetensorsHeader header;
    header.dataStart = 8 + length;
    const uint64_t dataBytes = fileSize - header.dataStart;
    for (const auto& [name, entry] : root.get_ref<const json::object_t&>()) {
        if (name == "__metadata__")
            header.metadata = metadataFrom(entry, fileName);
        else
            header.tensors.push_back(tensorFrom(name, entry, dataBytes, fileName));
    }
    std::sort(header.tensors.begin(), header.tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
        return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
    });
    checkNoOverlap(header.tensors, fileName);
    return header;
}

// ---- SafetensorsFile ----

struct SafetensorsFile::Impl
{
    fs::path path;
    SafetensorsHeader header;
    std::map<std::string, size_t, std::less<>> byName; // index in header.tensors
    const std::byte* map = nullptr;
    size_t size = 0;

    ~Impl()
    {
        if (map)
            ::munmap(const_cast<std::byte*>(map), size);
    }
};

SafetensorsFile::SafetensorsFile(const fs::path& path) : d(std::make_unique<Impl>())
{
    d->path = path;
    const std::string file = path.string() + ": ";
    // stat first: opening a FIFO to look at it would wait for a writer.
    struct stat info = {};
    if (::stat(path.c_str(), &info) != 0)
        throw InputError(file + (errno == ENOENT ? "no such file" : "cannot be read: " + systemError()));
    if (S_ISDIR(info.st_mode))
        throw InputError(file + "is a folder, not a safetensors file");
    if (!S_ISREG(info.st_mode))
        throw InputError(file + "is not a regular file (a pipe or a device?), not a safetensors file");
    // O_NONBLOCK: should the path become a FIFO after the stat, the open still returns at once.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw InputError(file + "cannot be opened: " + systemError());
    const bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
    if (regular && info.st_size > 0) {
        d->size = static_cast<size_t>(info.st_size);
        void* map = ::mmap(nullptr, d->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map != MAP_FAILED)
            d->map = static_cast<const std::byte*>(map);
    }
    const int mapError = errno;
    ::close(fd); // the mapping keeps the file
    if (!regular)
        throw InputError(file + "is not a regular file, not a safetensors file");
    if (info.st_size == 0)
        throw InputError(file + "empty file, not a safetensors file");
    if (!d->map)
        throw InputError(file + "cannot be mapped into memory: " + std::strerror(mapError));

    d->header = parseSafetensorsHeader({d->map, d->size}, d->size, path.string());
    for (size_t i = 0; i < d->header.tensors.size(); ++i)
        d->byName.emplace(d->header.tensors[i].name, i);
}

SafetensorsFile::~SafetensorsFile() = default;

const fs::path& SafetensorsFile::path() const
{
    return d->path;
}

const SafetensorsHeader& SafetensorsFile::header() const
{
    return d->header;
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const
{
    const auto found = d->byName.find(name);
    return found == d->byName.end() ? nullptr : &d->header.tensors[found->second];
}

std::span<const std::byte> SafetensorsFile::bytes(const TensorInfo& tensor) const
{
    // A TensorInfo of another file could point anywhere; a cheap check keeps it inside this one.
    if (tensor.begin > tensor.end || tensor.end > d->size - d->header.dataStart)
        throw std::out_of_range(d->path.string() + ": " + tensorRef(tensor.name) +
                                " is not within this file");
    return {d->map + d->header.dataStart + tensor.begin, static_cast<size_t>(tensor.end - tensor.begin)};
}

void SafetensorsFile::release(const TensorInfo& tensor) const
{
    const std::span<const std::byte> range = bytes(tensor);
    // Only whole pages inside the tensor: its neighbours' bytes stay where they are.
    const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto first = (reinterpret_cast<uintptr_t>(range.data()) + page - 1) / page * page;
    const auto last = (reinterpret_cast<uintptr_t>(range.data()) + range.size()) / page * page;
    if (last > first)
        ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED); // advice: failure is harmless
}

} // namespace nf::formats
