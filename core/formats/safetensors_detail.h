#pragma once

// Internal to nf_formats: what safetensors.cpp (reading files), safetensors_write.cpp and
// safetensors_set.cpp (folders and index files) share.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nf::formats::detail {

// The reference implementation's limit: a longer header is not a checkpoint's.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

// 'text', bounded and with control characters and invalid UTF-8 escaped, for messages.
std::string quotedExcerpt(std::string_view text);
// "[2, 3]" (the first 8 dimensions, then their count).
std::string shapeText(const std::vector<int64_t>& shape);
// The element count of `shape`; false when it does not fit in int64 (a zero dimension makes it 0).
bool elementCount(const std::vector<int64_t>& shape, uint64_t& count);
// "tensor 'name'"
std::string tensorRef(std::string_view name);

// `text` parsed, or null and `failure` saying why not ("is not valid JSON (at byte 12)"): nesting
// bounded, one key twice in an object refused (with `tensorKeys`, in a header's words).
nlohmann::json parseStrictJson(std::string_view text, std::string& failure, bool tensorKeys);

} // namespace nf::formats::detail
