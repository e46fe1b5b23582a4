// SafetensorsSet: a checkpoint's weights in one file or in shards listed by an index.

#include "common/error.h"
#include "common/text.h"
#include "formats/safetensors.h"
#include "formats/safetensors_detail.h"

#include <fstream>
#include <sstream>

#include <sys/stat.h>

namespace nf::formats {

namespace fs = std::filesystem;
using detail::kMaxHeaderBytes;
using detail::parseStrictJson;
using detail::quotedExcerpt;
using detail::tensorRef;
using nlohmann::json;

// ---- SafetensorsSet ----

struct SafetensorsSet::Impl
{
    std::vector<fs::path> files;
    std::vector<std::unique_ptr<SafetensorsFile>> shards;
    std::map<std::string, Entry, std::less<>> entries;
    uint64_t totalBytes = 0;

    // Opens `path` and adds its tensors; a name another shard has is an error.
    const SafetensorsFile& add(const fs::path& path)
    {
        shards.push_back(std::make_unique<SafetensorsFile>(path));
        const SafetensorsFile& shard = *shards.back();
        files.push_back(path);
        for (const TensorInfo& tensor : shard.header().tensors) {
            const auto [it, added] = entries.emplace(tensor.name, Entry{&shard, &tensor});
            if (!added)
                throw InputError(path.string() + ": " + tensorRef(tensor.name) + " is also in " +
                                 it->second.file->path().string() + " (a name must be in one shard only)");
            totalBytes += tensor.end - tensor.begin;
        }
        return shard;
    }

    void readIndex(const fs::path& folder, const fs::path& index);
};

namespace {

// A small JSON file read whole, after checking that it is a regular file (a FIFO would hang).
std::string readJsonFile(const fs::path& path)
{
    const std::string file = path.string() + ": ";
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::is_regular_file(status))
        throw InputError(file + "is not a regular file");
    const uintmax_t size = fs::file_size(path, error);
    if (error || size > kMaxHeaderBytes)
        throw InputError(file +
                         (error ? "cannot be read: " + error.message() : "too large for an index file"));
    std::ifstream in(path, std::ios::binary);
    std::string text(static_cast<size_t>(size), '\0');
    if (!in.read(text.data(), static_cast<std::streamsize>(size)))
        throw InputError(file + "cannot be read");
    return text;
}

// A shard is named by a plain file name in the index's folder, never a path out of it; short and
// printable, since messages then name it in full as part of its path.
bool isPlainFileName(const std::string& name)
{
    constexpr size_t kMaxFileName = 255; // NAME_MAX
    return !name.empty() && name.size() <= kMaxFileName && name != "." && name != ".." &&
           name.find('/') == std::string::npos && printableExcerpt(name, kMaxFileName) == name;
}

} // namespace

void SafetensorsSet::Impl::readIndex(const fs::path& folder, const fs::path& index)
{
    const std::string where = index.string() + ": ";
    const std::string text = readJsonFile(index);
    std::string failure;
    const json root = parseStrictJson(withoutByteOrderMark(text), failure, false);
    if (!failure.empty())
        throw InputError(where + failure);
    const auto weightMap = root.find("weight_map"); // end() when root is not an object
    if (weightMap == root.end() || !weightMap->is_object())
        throw InputError(where + "expected {\"weight_map\": {\"tensor name\": \"shard file\", ...}}");
    if (weightMap->empty())
        throw InputError(where + "the weight_map lists no tensors");

    std::map<std::string, std::string> shardOf; // tensor -> shard file name
    for (const auto& [tensor, shard] : weightMap->get_ref<const json::object_t&>()) {
        if (!shard.is_string() || !isPlainFileName(shard.get_ref<const std::string&>()))
            throw InputError(
                where + "weight_map: " + tensorRef(tensor) + ": " +
                (shard.is_string() ? "shard " + quotedExcerpt(shard.get<std::string>()) : "the shard") +
                " must be a file name in the index's folder");
        shardOf.emplace(tensor, shard.get<std::string>());
    }
    std::map<std::string, std::string> firstTensorOf; // shard file name -> a tensor the index places in it
    for (const auto& [tensor, shard] : shardOf)
        firstTensorOf.emplace(shard, tensor);

    files.push_back(index);
    for (const auto& [shard, tensor] : firstTensorOf) {
        const fs::path path = folder / shard;
        std::error_code error;
        if (!fs::exists(path, error))
            throw InputError(where + "shard " + quotedExcerpt(shard) + " (of " + tensorRef(tensor) +
                             " and others) is not in " + folder.string());
        add(path);
    }
    for (const auto& [tensor, shard] : shardOf) {
        const auto found = entries.find(tensor);
        if (found == entries.end())
            throw InputError(where + tensorRef(tensor) +
                             " is in none of the shards (the index places it in " + quotedExcerpt(shard) +
                             ")");
        const fs::path expected = folder / shard;
        if (found->second.file->path() != expected)
            throw InputError(where + tensorRef(tensor) + " is in " + found->second.file->path().string() +
                             ", not in " + expected.string() + " where the index places it");
    }
}

SafetensorsSet SafetensorsSet::openFolder(const fs::path& folder, const std::string& stem)
{
    std::error_code error;
    if (!fs::is_directory(folder, error))
        throw InputError(folder.string() + ": " +
                         (fs::exists(folder, error) ? "is not a folder" : "no such folder"));
    const fs::path index = folder / (stem + ".safetensors.index.json");
    const fs::path single = folder / (stem + ".safetensors");
    SafetensorsSet set;
    if (fs::exists(index, error))
        set.d->readIndex(folder, index);
    else if (fs::exists(single, error))
        set.d->add(single);
    else
        throw InputError(folder.string() + ": no " + stem + ".safetensors or " + stem +
                         ".safetensors.index.json in it");
    return set;
}

SafetensorsSet::SafetensorsSet() : d(std::make_unique<Impl>()) {}
SafetensorsSet::~SafetensorsSet() = default;
SafetensorsSet::SafetensorsSet(SafetensorsSet&&) noexcept = default;
SafetensorsSet& SafetensorsSet::operator=(SafetensorsSet&&) noexcept = default;

SafetensorsSet::Entry SafetensorsSet::find(std::string_view name) const
{
    const auto found = d->entries.find(name);
    return found == d->entries.end() ? Entry{} : found->second;
}

std::vector<std::string> SafetensorsSet::names() const
{
    std::vector<std::string> names;
    names.reserve(d->entries.size());
    for (const auto& [name, entry] : d->entries)
        names.push_back(name);
    return names;
}

const std::vector<fs::path>& SafetensorsSet::files() const
{
    return d->files;
}

uint64_t SafetensorsSet::totalTensorBytes() const
{
    return d->totalBytes;
}

} // namespace nf::formats
