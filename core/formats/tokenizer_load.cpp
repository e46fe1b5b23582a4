// Reading tokenizer.json: each component either understood exactly as Hugging Face tokenizers
// reads it, or refused with an InputError naming the file and the component.

#include "common/error.h"
#include "common/sha256.h"
#include "common/text.h"
#include "formats/tokenizer_impl.h"
#include "formats/tokenizer_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>

namespace nf::formats {

using nlohmann::json;
using namespace tokenizer_detail;

namespace {

// How far past the number of model.vocab's entries an id may be (gaps that added tokens fill).
constexpr int64_t kIdSlack = 65536;

// GPT-2's pre-tokenizer regex, the one ByteLevel uses when use_regex is true.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class Reader
{
public:
    explicit Reader(const std::string& origin) : m_origin(origin) {}

    [[noreturn]] void fail(const std::string& what) const { throw InputError(m_origin + ": " + what); }
    [[noreturn]] void unsupported(const std::string& what) const
    {
        fail(what + " is not supported (byte-level BPE only)");
    }

    std::string typeOf(const json& component, const std::string& key) const
    {
        if (!component.is_object())
            fail(key + " is not an object");
        const auto type = component.find("type");
        if (type == component.end() || !type->is_string())
            fail(key + " has no \"type\"");
        return type->get<std::string>();
    }

    bool flag(const json& object, const char* key, bool fallback) const
    {
        const auto it = object.find(key);
        if (it == object.end() || it->is_null())
            return fallback;
        if (!it->is_boolean())
            fail(std::string("\"") + key + "\" is not true or false");
        return it->get<bool>();
    }

    std::string string(const json& object, const char* key, const std::string& where) const
    {
        const auto it = object.find(key);
        if (it == object.end() || !it->is_string())
            fail(where + "." + key + " is missing or not a string");
        return it->get<std::string>();
    }

    void normalizer(const json& n, std::vector<NormalForm>& out) const
    {
        if (n.is_null())
            return;
        const std::string type = typeOf(n, "normalizer");
        if (type == "NFC")
            out.push_back(NormalForm::Nfc);
        else if (type == "NFD")
            out.push_back(NormalForm::Nfd);
        else if (type == "NFKC")
            out.push_back(NormalForm::Nfkc);
        else if (type == "NFKD")
            out.push_back(NormalForm::Nfkd);
        else if (type == "Sequence" && n.contains("normalizers") && n["normalizers"].is_array())
            for (const json& inner : n["normalizers"])
                normalizer(inner, out);
        else
            unsupported("normalizer type '" + printableExcerpt(type) + "'");
    }

    void preTokenizer(const json& p, std::vector<PreTokenizerStep>& out) const
    {
        const std::string type = typeOf(p, "pre_tokenizer");
        if (type == "Sequence" && p.contains("pretokenizers") && p["pretokenizers"].is_array()) {
            for (const json& inner : p["pretokenizers"])
                preTokenizer(inner, out);
        } else if (type == "ByteLevel") {
            PreTokenizerStep step;
            step.byteLevel = true;
            step.addPrefixSpace = flag(p, "add_prefix_space", true);
            if (flag(p, "use_regex", true))
                step.regex = gpt2Regex();
            out.push_back(std::move(step));
        } else if (type == "Split") {
            const std::string behavior = p.value("behavior", std::string());
            if (behavior != "Isolated")
                unsupported("pre_tokenizer Split with behavior '" + printableExcerpt(behavior) + "'");
            if (flag(p, "invert", false))
                unsupported("pre_tokenizer Split with invert true");
            const json pattern = p.value("pattern", json());
            PreTokenizerStep step;
            try {
                if (pattern.is_object() && pattern.contains("Regex") && pattern["Regex"].is_string())
                    step.regex = std::make_shared<Regex>(
                        onigurumaCompatiblePattern(pattern["Regex"].get<std::string>()));
                else if (pattern.is_object() && pattern.contains("String") && pattern["String"].is_string())
                    step.regex = std::make_shared<Regex>(pattern["String"].get<std::string>(), true);
                else
                    fail("pre_tokenizer Split has no pattern {\"Regex\": ...} or {\"String\": ...}");
            } catch (const std::invalid_argument& e) {
                fail("pre_tokenizer Split pattern does not compile: " + printableExcerpt(e.what(), 160));
            }
            out.push_back(std::move(step));
        } else {
            unsupported("pre_tokenizer type '" + printableExcerpt(type) + "'");
        }
    }

    static std::shared_ptr<const Regex> gpt2Regex()
    {
        static const auto regex = std::make_shared<const Regex>(onigurumaCompatiblePattern(kGpt2Pattern));
        return regex;
    }

    // What the post-processor puts before and after a single sequence's ids.
    void postProcessor(const json& p, std::vector<int32_t>& prefix,
                       std::vector<int32_t>& suffix) const
    {
        if (p.is_null())
            return;
        const std::string type = typeOf(p, "post_processor");
        std::vector<int32_t> before, after;
        if (type == "ByteLevel") {
            return; // offsets only
        } else if (type == "Sequence" && p.contains("processors") && p["processors"].is_array()) {
            for (const json& inner : p["processors"])
                postProcessor(inner, prefix, suffix);
            return;
        } else if (type == "TemplateProcessing") {
            templateProcessing(p, before, after);
        } else if (type == "BertProcessing" || type == "RobertaProcessing") {
            before.push_back(specialPair(p, "cls", type));
            after.push_back(specialPair(p, "sep", type));
        } else {
            unsupported("post_processor type '" + printableExcerpt(type) + "'");
        }
        prefix.insert(prefix.begin(), before.begin(), before.end());
        suffix.insert(suffix.end(), after.begin(), after.end());
    }

    int32_t specialPair(const json& p, const char* key, const std::string& type) const
    {
        const auto it = p.find(key);
        if (it == p.end() || !it->is_array() || it->size() != 2 || !(*it)[1].is_number_integer())
            fail("post_processor " + printableExcerpt(type) + " has no \"" + key + "\": [token, id]");
        return (*it)[1].get<int32_t>();
    }

    void templateProcessing(const json& p, std::vector<int32_t>& before, std::vector<int32_t>& after) const
    {
        const json single = p.value("single", json());
        const json specials = p.value("special_tokens", json::object());
        if (!single.is_array())
            unsupported("post_processor TemplateProcessing with a \"single\" that is not a list of pieces");
        bool seenSequence = false;
        for (const json& piece : single) {
            if (piece.contains("Sequence")) {
                if (piece["Sequence"].value("id", std::string()) != "A" || seenSequence)
                    unsupported("post_processor TemplateProcessing single other than one $A sequence");
                seenSequence = true;
            } else if (piece.contains("SpecialToken")) {
                const std::string name = piece["SpecialToken"].value("id", std::string());
                const auto token = specials.find(name);
                if (token == specials.end() || !token->contains("ids") || !(*token)["ids"].is_array())
                    fail("post_processor TemplateProcessing: special token '" + printableExcerpt(name) +
                         "' is not in its special_tokens");
                for (const json& id : (*token)["ids"])
                    (seenSequence ? after : before).push_back(id.get<int32_t>());
            } else {
                unsupported("post_processor TemplateProcessing piece " + printableExcerpt(piece.dump()));
            }
        }
        if (!seenSequence)
            unsupported("post_processor TemplateProcessing single without the $A sequence");
    }

    bool decoder(const json& p) const
    {
        if (p.is_null())
            return false;
        const std::string type = typeOf(p, "decoder");
        if (type != "ByteLevel")
            unsupported("decoder type '" + printableExcerpt(type) + "'");
        return true;
    }

private:
    const std::string& m_origin;
};

// The model: its settings from the JSON values, its vocabulary and merges from the lists
// parseTokenizerJson took out (merges come as ["a", "b"] pairs in newer files, "a b" in older).
void readModel(const Reader& reader, const TokenizerJson& file, LoadedTokenizer& d)
{
    const json& model = file.root["model"];
    const std::string type = reader.typeOf(model, "model");
    if (type != "BPE")
        reader.unsupported("model type '" + printableExcerpt(type) + "'");
    const json dropout = model.value("dropout", json());
    if (!dropout.is_null() && !(dropout.is_number() && dropout.get<double>() == 0.0))
        reader.unsupported("model dropout " + printableExcerpt(dropout.dump()));
    if (reader.flag(model, "byte_fallback", false))
        reader.unsupported("model byte_fallback true");
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
        const json affix = model.value(key, json());
        if (!affix.is_null() && !(affix.is_string() && affix.get<std::string>().empty()))
            reader.unsupported(std::string("model ") + key + " " + printableExcerpt(affix.dump()));
    }
    d.bpe.ignoreMerges = reader.flag(model, "ignore_merges", false);
    d.bpe.fuseUnk = reader.flag(model, "fuse_unk", false);

    if (!file.vocab)
        reader.fail("model.vocab is missing or not an object");
    d.vocab.reserve(file.vocab->size());
    d.tokenOf.reserve(file.vocab->size() + 1024);
    // Ids are dense in real vocabularies, with room for the added tokens that fill gaps; one far
    // past the entries would size every table by it (gigabytes for an id near 2^31).
    const int64_t idLimit = static_cast<int64_t>(file.vocab->size()) + kIdSlack;
    for (const auto& [token, id] : *file.vocab) {
        if (id < 0 || id >= INT32_MAX)
            reader.fail("model.vocab: the id of '" + printableExcerpt(token) +
                        "' is not a non-negative integer");
        if (id >= idLimit)
            reader.fail("model.vocab: the id " + std::to_string(id) + " of '" + printableExcerpt(token) +
                        "' is far past the vocabulary's " + std::to_string(file.vocab->size()) +
                        " entries (ids go up to " + std::to_string(idLimit - 1) + ")");
        const auto index = static_cast<size_t>(id);
        d.vocab.insert(token, static_cast<int32_t>(index));
        if (index >= d.tokenOf.size()) {
            d.tokenOf.resize(index + 1);
            d.idKind.resize(index + 1, 0);
        }
        d.tokenOf[index] = token;
        d.idKind[index] = 1;
    }
    for (size_t b = 0; b < 256; ++b) {
        std::string ch;
        appendUtf8(ch, byteLevelChars()[b]);
        d.bpe.byteIds[b] = d.vocab.find(ch).value_or(-1);
    }
    const json unk = model.value("unk_token", json());
    if (unk.is_string()) {
        d.bpe.unkId = d.vocab.find(unk.get<std::string>());
        if (!d.bpe.unkId)
            reader.fail("model.unk_token '" + printableExcerpt(unk.get<std::string>()) +
                        "' is not in the vocabulary");
    }
    if (d.bpe.ignoreMerges) {
        d.bpe.vocabBytes.reserve(d.vocab.size());
        for (size_t id = 0; id < d.tokenOf.size(); ++id) {
            const auto bytes = d.idKind[id] ? byteLevelBytes(d.tokenOf[id]) : std::nullopt;
            if (bytes) {
                const auto value = static_cast<int32_t>(id);
                d.bpe.vocabBytes.insert(*bytes, hashBytes(*bytes), &value, 1);
            }
        }
    }

    if (!file.badEntry.empty())
        reader.fail(file.badEntry);
    if (!file.merges)
        reader.fail("model.merges is missing or not a list");
    d.bpe.merges.reserve(file.merges->size());
    auto idOf = [&](const std::string& token, size_t rank) {
        const auto id = d.vocab.find(token);
        if (!id)
            reader.fail("model.merges[" + std::to_string(rank) + "]: '" + printableExcerpt(token) +
                        "' is not in the vocabulary");
        return *id;
    };
    std::string merged;
    for (size_t rank = 0; rank < file.merges->size(); ++rank) {
        const auto& [left, right] = (*file.merges)[rank];
        const int32_t leftId = idOf(left, rank);
        const int32_t rightId = idOf(right, rank);
        merged.assign(left).append(right);
        d.bpe.merges.insert(leftId, rightId, {static_cast<uint32_t>(rank), idOf(merged, rank)});
    }
}

// Ids as Hugging Face gives them when it loads the file: the vocabulary's id when the content is
// a model token, else the next one after the model's vocabulary size (the file's "id" is only
// checked there, with a warning).
void readAddedTokens(const Reader& reader, const json& tokens, LoadedTokenizer& d)
{
    if (tokens.is_null())
        return;
    if (!tokens.is_array())
        reader.fail("added_tokens is not a list");
    int32_t nextId = static_cast<int32_t>(d.vocab.size());
    for (size_t i = 0; i < tokens.size(); ++i) {
        const json& t = tokens[i];
        const std::string where = "added_tokens[" + std::to_string(i) + "]";
        if (!t.is_object())
            reader.fail(where + " is not an object");
        AddedToken token;
        token.content = reader.string(t, "content", where);
        token.special = reader.flag(t, "special", false);
        token.normalized = reader.flag(t, "normalized", !token.special);
        token.lstrip = reader.flag(t, "lstrip", false);
        token.rstrip = reader.flag(t, "rstrip", false);
        token.singleWord = reader.flag(t, "single_word", false);
        if (token.content.empty() || invalidUtf8Offset(token.content) != std::string_view::npos)
            continue;
        if (const auto it = d.addedByContent.find(token.content); it != d.addedByContent.end())
            token.id = it->second;
        else if (const auto v = d.vocab.find(token.content))
            token.id = *v;
        else
            token.id = nextId++;
        d.addedByContent[token.content] = token.id;
        d.addedTokens.push_back(std::move(token));
    }
}

void buildTables(LoadedTokenizer& d)
{
    std::unordered_map<std::string, bool> special;
    for (const AddedToken& token : d.addedTokens) {
        const auto id = static_cast<size_t>(token.id);
        if (id >= d.tokenOf.size()) {
            d.tokenOf.resize(id + 1);
            d.idKind.resize(id + 1, 0);
        }
        d.tokenOf[id] = token.content;
        d.idKind[id] = 1;
        if (token.special)
            special[token.content] = true;
    }
    // Decoding skips an id whose token string is a special token's content.
    d.bytesOf.resize(d.tokenOf.size());
    for (size_t id = 0; id < d.tokenOf.size(); ++id) {
        if (!d.idKind[id])
            continue;
        const std::string& token = d.tokenOf[id];
        if (special.count(token))
            d.idKind[id] = 2;
        auto bytes = byteLevelBytes(token);
        d.bytesOf[id] = bytes ? std::move(*bytes) : token;
    }
    // Special tokens are matched first, then the others, as Hugging Face orders its tries.
    for (int pass = 0; pass < 2; ++pass) {
        for (size_t i = 0; i < d.addedTokens.size(); ++i) {
            const AddedToken& token = d.addedTokens[i];
            if (token.special != (pass == 0))
                continue;
            if (!token.normalized) {
                d.rawAddedTokens.add(token.content, static_cast<int32_t>(i));
                continue;
            }
            std::string content = token.content, buffer;
            for (NormalForm form : d.normalizer)
                content = std::string(normalize(form, content, buffer));
            d.normalizedAddedTokens.add(content, static_cast<int32_t>(i));
        }
    }
}

} // namespace

namespace tokenizer_detail {

void loadTokenizer(std::string_view text, const std::string& origin, LoadedTokenizer& into)
{
    static std::atomic<uint64_t> serials{0};
    LoadedTokenizer* d = &into;
    d->origin = origin;
    d->sha256 = sha256Hex(text);
    d->serial = ++serials;
    const Reader reader(d->origin);

    const TokenizerJson file = parseTokenizerJson(text, d->origin);
    const json& root = file.root;
    if (!root.is_object())
        reader.fail("not a tokenizer.json (the top level is not an object)");
    if (!root.contains("model"))
        reader.fail("no \"model\": not a Hugging Face tokenizer.json");
    for (const char* key : {"truncation", "padding"})
        if (root.contains(key) && !root[key].is_null())
            reader.fail(std::string(key) + " settings are not supported (set \"" + key + "\" to null)");

    readModel(reader, file, *d);
    reader.normalizer(root.value("normalizer", json()), d->normalizer);

    const json pre = root.value("pre_tokenizer", json());
    if (pre.is_null())
        reader.unsupported("a tokenizer without a pre_tokenizer (no ByteLevel step)");
    reader.preTokenizer(pre, d->preTokenizer);
    const auto byteLevel = std::count_if(d->preTokenizer.begin(), d->preTokenizer.end(),
                                         [](const PreTokenizerStep& s) { return s.byteLevel; });
    if (byteLevel != 1 || !d->preTokenizer.back().byteLevel)
        reader.unsupported("pre_tokenizer without exactly one ByteLevel step at its end");

    readAddedTokens(reader, root.value("added_tokens", json()), *d);
    buildTables(*d);
    reader.postProcessor(root.value("post_processor", json()), d->specialPrefix, d->specialSuffix);
    for (const std::vector<int32_t>* ids : {&d->specialPrefix, &d->specialSuffix})
        for (int32_t id : *ids)
            if (id < 0 || static_cast<size_t>(id) >= d->idKind.size() || !d->idKind[static_cast<size_t>(id)])
                reader.fail("post_processor adds id " + std::to_string(id) + ", which is not a token");
    d->byteLevelDecoder = reader.decoder(root.value("decoder", json()));
}

} // namespace tokenizer_detail

} // namespace nf::formats
