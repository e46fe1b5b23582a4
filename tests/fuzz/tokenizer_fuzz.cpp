// Tokenizer::fromFile on arbitrary bytes as a tokenizer.json, then encode of a few fixed texts
// and decode of their ids and of ids at the vocabulary's edges. Loading must accept or refuse
// with an nf::InputError; an accepted tokenizer must give ids inside its vocabulary, put its
// post-processor's tokens around the text's ids, and decode every id it gave.
#include "formats/tokenizer.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_target.h"

#include <nlohmann/json.hpp>

using nf::formats::Tokenizer;
using nf::fuzz::promise;
using nlohmann::ordered_json;

namespace {

const std::vector<std::string> kTexts = {
    "",
    "Hello, world! It's 12345 o'clock.",
    "  two leading spaces\n\ttab\r\n\n",
    "<|im_start|>user\nWhich answer?<|endoftext|> A",
    "\xe4\xb8\xad\xe6\x96\x87 \xc3\xbc \xf0\x9f\x98\x80 e\xcc\x81",
    std::string("nul\0inside", 10),
};

void checkTokenizer(const Tokenizer& tokenizer)
{
    const int32_t vocab = tokenizer.vocabSize();
    promise(vocab >= 0, "a vocabulary size from 0");
    for (const std::string& text : kTexts) {
        const std::vector<int32_t> ids = tokenizer.encode(text);
        for (const int32_t id : ids)
            promise(id >= 0 && id < vocab, "ids inside the vocabulary");
        std::vector<int32_t> framed = tokenizer.specialPrefix();
        framed.insert(framed.end(), ids.begin(), ids.end());
        framed.insert(framed.end(), tokenizer.specialSuffix().begin(), tokenizer.specialSuffix().end());
        promise(tokenizer.encode(text, true) == framed, "special tokens around the text's ids");
        (void)tokenizer.decode(framed);
        (void)tokenizer.decode(framed, true);
    }
    for (const int32_t id : {0, 1, 255, vocab - 1, vocab, -1, INT32_MAX})
        nf::fuzz::acceptedOrRefused([&] { (void)tokenizer.decode({id}); });
    for (const char* token : {"<|endoftext|>", "<|im_start|>", "a", ""}) {
        if (const auto id = tokenizer.tokenToId(token))
            promise(*id >= 0 && *id < vocab, "a token's id inside the vocabulary");
    }
}

// The tokenizer.json writeTrainedTokenizer makes from tests/data's corpus.
ordered_json trained(int merges)
{
    const auto path = nf::fuzz::scratchFolder() / "trained.json";
    nf::formats::writeTrainedTokenizer(path, nf::fuzz::testData("tokenizer/corpus.txt"), merges);
    std::ifstream in(path, std::ios::binary);
    return ordered_json::parse(in);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto path = nf::fuzz::scratchFolder() / "tokenizer.json";
    nf::fuzz::writeFile(path, std::string_view(reinterpret_cast<const char*>(data), size));
    std::optional<Tokenizer> tokenizer;
    if (nf::fuzz::acceptedOrRefused([&] { tokenizer = Tokenizer::fromFile(path); })) {
        // Encoding is not reading the file, but a file that loads must not make it fail.
        checkTokenizer(*tokenizer);
    }
    return 0;
}

namespace nf::fuzz {

std::vector<std::string> seeds()
{
    const ordered_json base = trained(40);
    std::vector<std::string> all = {base.dump(1), trained(0).dump()};

    // Older files' merges: "a b" strings.
    ordered_json strings = base;
    for (auto& merge : strings["model"]["merges"])
        merge = merge[0].get<std::string>() + " " + merge[1].get<std::string>();
    strings["model"]["ignore_merges"] = true;
    all.push_back(strings.dump());

    // GPT-2's form: ByteLevel with its own regex and a prefix space, no normalizer.
    ordered_json gpt2 = base;
    gpt2["normalizer"] = nullptr;
    gpt2["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}};
    gpt2["added_tokens"][0]["lstrip"] = true;
    gpt2["added_tokens"][1]["special"] = false;
    gpt2["added_tokens"][1]["single_word"] = true;
    all.push_back(gpt2.dump());

    // Llama 3's form: a template that puts a begin token before the text, NFC in a sequence.
    ordered_json llama = base;
    const int64_t begin = llama["added_tokens"][1]["id"].get<int64_t>();
    llama["normalizer"] = {{"type", "Sequence"}, {"normalizers", ordered_json::array({{{"type", "NFC"}}})}};
    ordered_json special = {{"id", "<|im_start|>"}, {"ids", ordered_json::array({begin})},
                            {"tokens", ordered_json::array({"<|im_start|>"})}};
    ordered_json single = ordered_json::array();
    single.push_back({{"SpecialToken", {{"id", "<|im_start|>"}, {"type_id", 0}}}});
    single.push_back({{"Sequence", {{"id", "A"}, {"type_id", 0}}}});
    ordered_json templated = {{"type", "TemplateProcessing"}, {"single", single}, {"pair", ordered_json::array()}};
    templated["special_tokens"]["<|im_start|>"] = special;
    ordered_json processors = ordered_json::array();
    processors.push_back(base["post_processor"]);
    processors.push_back(templated);
    llama["post_processor"] = {{"type", "Sequence"}, {"processors", processors}};
    all.push_back(llama.dump());
    return all;
}

std::vector<std::string> dictionary()
{
    return jsonDictionary({"\"type\"", "\"BPE\"", "\"WordPiece\"", "\"ByteLevel\"", "\"Split\"", "\"Sequence\"",
                           "\"NFC\"", "\"NFKD\"", "\"Metaspace\"", "\"TemplateProcessing\"", "\"BertProcessing\"",
                           "\"Regex\"", "\"String\"", "\"Isolated\"", "\"Removed\"", "\"behavior\"", "\"invert\"",
                           "\"pattern\"", "\"use_regex\"", "\"add_prefix_space\"", "\"vocab\"", "\"merges\"",
                           "\"ignore_merges\"", "\"byte_fallback\"", "\"dropout\"", "\"unk_token\"",
                           "\"added_tokens\"", "\"content\"", "\"special\"", "\"lstrip\"", "\"rstrip\"",
                           "\"single_word\"", "\"normalized\"", "\"id\"", "\"ids\"", "\"single\"",
                           "\"special_tokens\"", "\"SpecialToken\"", "\"truncation\"", "\"padding\"",
                           "\"(a|a)*b\"", "\"(?i:x)\"", "\"\\\\p{L}+\"", "\"[\"", "\"(?<=a)\"", "\"\\u0120\"",
                           "\"\\u0120 a\"", "\"<|endoftext|>\"", "2147483647", "2147483648"});
}

std::string repair(std::string input, uint64_t)
{
    return input;
}

} // namespace nf::fuzz
