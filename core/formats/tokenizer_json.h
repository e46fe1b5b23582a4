#pragma once

// Reading a tokenizer.json's text (core/formats/tokenizer_load.cpp): everything as JSON values
// except the bulk of the file, model.vocab and model.merges (150,000 tokens and as many merges),
// which come out as plain lists while the text is read. Building JSON values for those took
// most of the loading time. Internal to nf_formats.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nf::formats::tokenizer_detail {

struct TokenizerJson
{
    nlohmann::json root; // the file, less model.vocab when it is an object and model.merges
    std::optional<std::vector<std::pair<std::string, int64_t>>> vocab; // model.vocab's entries
    std::optional<std::vector<std::pair<std::string, std::string>>> merges; // model.merges, either form
    // The first entry of those two that is not what it should be: "model.merges[3] is ...".
    std::string badEntry;
};

// InputError "<origin>:<line>: not valid JSON (...)" when the text is not JSON or passes the
// limits of formats/json_input.h.
TokenizerJson parseTokenizerJson(std::string_view text, const std::string& origin);

} // namespace nf::formats::tokenizer_detail
