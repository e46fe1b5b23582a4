// The tokenizer.json reader on small hand-written files. Expected ids were checked against
// Hugging Face tokenizers (scripts/tokenizer-reference) on the same JSON; the parity test
// compares whole real tokenizers.

#include "core/error_message.h"
#include "core/scratch_dir.h"
#include "formats/tokenizer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <thread>

namespace {

using nf::formats::Tokenizer;
using nf::test::errorMessage;
using nlohmann::json;
using Ids = std::vector<int32_t>;

// GPT-2's byte-level character for a byte (printable Latin-1 stands for itself).
std::string byteChar(int b)
{
    auto printable = [](int x) { return (x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE); };
    int cp = b;
    if (!printable(b)) {
        cp = 256;
        for (int x = 0; x < b; ++x)
            cp += printable(x) ? 0 : 1;
    }
    std::string out;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return out;
}

// A byte-level BPE tokenizer.json: ids 0-255 are the bytes (so the id of "Ġ", the space, is
// ' '), then one token per merge in order.
// GPT-2's pre-tokenizer (ByteLevel with its regex), no normalizer, no added tokens.
json byteLevelJson(const std::vector<std::pair<std::string, std::string>>& merges)
{
    json vocab = json::object();
    for (int b = 0; b < 256; ++b)
        vocab[byteChar(b)] = b;
    json mergeList = json::array();
    for (const auto& [left, right] : merges) {
        if (!vocab.contains(left + right))
            vocab[left + right] = vocab.size();
        mergeList.push_back({left, right});
    }
    const json byteLevel = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true},
                            {"use_regex", true}};
    return {{"version", "1.0"},
            {"truncation", nullptr},
            {"padding", nullptr},
            {"added_tokens", json::array()},
            {"normalizer", nullptr},
            {"pre_tokenizer", byteLevel},
            {"post_processor", byteLevel},
            {"decoder", byteLevel},
            {"model",
             {{"type", "BPE"},
              {"dropout", nullptr},
              {"unk_token", nullptr},
              {"continuing_subword_prefix", nullptr},
              {"end_of_word_suffix", nullptr},
              {"fuse_unk", false},
              {"byte_fallback", false},
              {"ignore_merges", false},
              {"vocab", vocab},
              {"merges", mergeList}}}};
}

json addedToken(const std::string& content, int id, bool special = true)
{
    return {{"id", id},           {"content", content}, {"single_word", false}, {"lstrip", false},
            {"rstrip", false},    {"normalized", false}, {"special", special}};
}

Tokenizer load(const json& file)
{
    return Tokenizer::fromJson(file.dump(), "<test>");
}

std::string readFile(const std::filesystem::path& path)
{
    std::ifstream file(path, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

const std::vector<std::pair<std::string, std::string>> kMerges = {
    {"a", "b"}, {"b", "c"}, {"Ġ", "a"}, {"ab", "c"}}; // ids 256 ab, 257 bc, 258 Ġa, 259 abc

TEST(Tokenizer, RefusesComponentsItDoesNotImplementNamingThem)
{
    struct Case
    {
        const char* pointer;
        json value;
        const char* named;
    };
    const Case cases[] = {
        {"/model/type", "WordPiece", "model type 'WordPiece' is not supported (byte-level BPE only)"},
        {"/model/type", "Unigram", "model type 'Unigram'"},
        {"/model/type", "WordLevel", "model type 'WordLevel'"},
        {"/model/byte_fallback", true, "model byte_fallback true is not supported"},
        {"/model/dropout", 0.1, "model dropout 0.1 is not supported"},
        {"/model/continuing_subword_prefix", "##", "model continuing_subword_prefix \"##\" is not supported"},
        {"/model/end_of_word_suffix", "</w>", "model end_of_word_suffix \"</w>\" is not supported"},
        {"/pre_tokenizer", {{"type", "Metaspace"}, {"replacement", "▁"}},
         "pre_tokenizer type 'Metaspace' is not supported (byte-level BPE only)"},
        {"/pre_tokenizer", {{"type", "Whitespace"}}, "pre_tokenizer type 'Whitespace'"},
        {"/pre_tokenizer",
         {{"type", "Sequence"},
          {"pretokenizers",
           {{{"type", "Split"}, {"pattern", {{"Regex", "\\s+"}}}, {"behavior", "Removed"}, {"invert", false}},
            {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}},
         "pre_tokenizer Split with behavior 'Removed' is not supported"},
        {"/pre_tokenizer",
         {{"type", "Sequence"},
          {"pretokenizers",
           {{{"type", "Split"}, {"pattern", {{"Regex", "\\s+"}}}, {"behavior", "Isolated"}, {"invert", true}},
            {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}},
         "pre_tokenizer Split with invert true is not supported"},
        {"/pre_tokenizer", nullptr, "without a pre_tokenizer"},
        {"/normalizer", {{"type", "Lowercase"}}, "normalizer type 'Lowercase' is not supported"},
        {"/normalizer", {{"type", "Sequence"}, {"normalizers", {{{"type", "NFC"}}, {{"type", "Strip"}}}}},
         "normalizer type 'Strip' is not supported"},
        {"/decoder", {{"type", "Metaspace"}}, "decoder type 'Metaspace' is not supported"},
        {"/post_processor", {{"type", "Unknown"}}, "post_processor type 'Unknown' is not supported"},
        {"/truncation", {{"max_length", 512}}, "truncation settings are not supported"},
    };
    for (const Case& c : cases) {
        json file = byteLevelJson(kMerges);
        file[json::json_pointer(c.pointer)] = c.value;
        const std::string message = errorMessage([&] { load(file); });
        EXPECT_EQ(message.rfind("<test>: ", 0), 0u) << message;
        EXPECT_NE(message.find(c.named), std::string::npos) << c.pointer << ": " << message;
    }
}

TEST(Tokenizer, NamesTheFileItRefuses)
{
    nf::test::ScratchDir dir;
    json file = byteLevelJson(kMerges);
    file["pre_tokenizer"] = {{"type", "Metaspace"}};
    const auto path = dir / "tokenizer.json";
    std::ofstream(path) << file.dump();
    EXPECT_EQ(errorMessage([&] { Tokenizer::fromFile(path); }),
              path.string() + ": pre_tokenizer type 'Metaspace' is not supported (byte-level BPE only)");
    EXPECT_NE(errorMessage([&] { Tokenizer::fromFile(dir / "missing.json"); }).find("missing.json"),
              std::string::npos);
    std::ofstream(dir / "broken.json") << "{\"model\": ";
    EXPECT_NE(errorMessage([&] { Tokenizer::fromFile(dir / "broken.json"); }).find("not valid JSON"),
              std::string::npos);
}

TEST(Tokenizer, NamesTheEntryOfAMalformedVocabularyOrMergeList)
{
    json file = byteLevelJson(kMerges);
    file["model"]["merges"][1] = {"b"};
    EXPECT_EQ(errorMessage([&] { load(file); }), "<test>: model.merges[1] is not a pair of tokens");
    file["model"]["merges"][1] = 7;
    EXPECT_EQ(errorMessage([&] { load(file); }), "<test>: model.merges[1] is not a pair of tokens");
    file["model"]["merges"][1] = {"b", "zz"};
    EXPECT_EQ(errorMessage([&] { load(file); }), "<test>: model.merges[1]: 'zz' is not in the vocabulary");
    file = byteLevelJson(kMerges);
    file["model"]["vocab"]["x"] = "1";
    EXPECT_EQ(errorMessage([&] { load(file); }),
              "<test>: model.vocab: the id of 'x' is not a non-negative integer");
    // An id far past the entries would size every table by it (gigabytes near 2^31).
    file = byteLevelJson(kMerges);
    file["model"]["vocab"]["x"] = 2'000'000'000;
    const auto entries = file["model"]["vocab"].size();
    EXPECT_EQ(errorMessage([&] { load(file); }),
              "<test>: model.vocab: the id 2000000000 of 'x' is far past the vocabulary's " +
                  std::to_string(entries) + " entries (ids go up to " + std::to_string(entries + 65535) + ")");
    file["model"].erase("vocab");
    EXPECT_EQ(errorMessage([&] { load(file); }), "<test>: model.vocab is missing or not an object");
}

TEST(Tokenizer, MergesTheLowestRankFirst)
{
    const Tokenizer tokenizer = load(byteLevelJson(kMerges));
    EXPECT_EQ(tokenizer.encode("abc"), Ids({259}));          // ab, then ab+c
    EXPECT_EQ(tokenizer.encode("bcab"), Ids({257, 256}));    // one word: bc and ab
    EXPECT_EQ(tokenizer.encode("xbc a"), Ids({'x', 257, 258})); // " a" is Ġa
    const Tokenizer reversed = load(byteLevelJson({{"b", "c"}, {"a", "b"}}));
    EXPECT_EQ(reversed.encode("abc"), Ids({'a', 256}));      // bc (rank 0) wins over ab
}

TEST(Tokenizer, MergesLongWordsAsItMergesShortOnes)
{
    const Tokenizer tokenizer = load(byteLevelJson({{"a", "a"}, {"aa", "aa"}}));
    EXPECT_EQ(tokenizer.encode("aaaaa"), Ids({257, 'a'}));
    EXPECT_EQ(tokenizer.encode(std::string(1001, 'a')), [] {
        Ids ids(250, 257);
        ids.push_back('a');
        return ids;
    }());
}

TEST(Tokenizer, ReadsBothFormsOfMerges)
{
    json pairs = byteLevelJson(kMerges);
    json strings = pairs;
    strings["model"]["merges"] = {"a b", "b c", "Ġ a", "ab c"};
    const std::string text = "abc bcab, a abcabc";
    EXPECT_EQ(load(pairs).encode(text), load(strings).encode(text));
    EXPECT_EQ(load(strings).encode(text), Ids({259, ' ', 257, 256, ',', 258, ' ', 259, 259}));
    strings["model"]["merges"] = {"a b c"};
    EXPECT_NE(errorMessage([&] { load(strings); }).find("model.merges[0] is not two tokens"), std::string::npos);
}

TEST(Tokenizer, IgnoreMergesMapsAWordInTheVocabularyStraightToItsId)
{
    // "abc" is in the vocabulary, but the merges alone reach a + bc.
    json file = byteLevelJson({{"b", "c"}});
    file["model"]["vocab"]["abc"] = 300;
    EXPECT_EQ(load(file).encode("abc"), Ids({'a', 256}));
    file["model"]["ignore_merges"] = true;
    EXPECT_EQ(load(file).encode("abc abcd"), Ids({300, ' ', 'a', 256, 'd'}));
}

TEST(Tokenizer, MatchesAddedTokensInTheTextBeforeSplittingIt)
{
    json file = byteLevelJson(kMerges);
    file["added_tokens"] = {addedToken("<|endoftext|>", 260), addedToken("<|end|>", 261),
                            addedToken("<think>", 262, false)};
    const Tokenizer tokenizer = load(file);
    EXPECT_EQ(tokenizer.encode("ab<|endoftext|>abc"), Ids({256, 260, 259}));
    EXPECT_EQ(tokenizer.encode("<|end|><|endoftext|> a<think>"), Ids({261, 260, 258, 262}));
    EXPECT_EQ(tokenizer.encode("<|end|"), Ids({'<', '|', 'e', 'n', 'd', '|'}));
    EXPECT_EQ(tokenizer.tokenToId("<|endoftext|>"), 260);
    EXPECT_EQ(tokenizer.tokenToId("abc"), 259);
    EXPECT_EQ(tokenizer.tokenToId("nope"), std::nullopt);
    EXPECT_EQ(tokenizer.vocabSize(), 263);
}

TEST(Tokenizer, HonoursLstripRstripAndSingleWord)
{
    json file = byteLevelJson(kMerges);
    file["added_tokens"] = {addedToken("<x>", 260), addedToken("<y>", 261), addedToken("ab", 256, false)};
    file["added_tokens"][0]["lstrip"] = true;
    file["added_tokens"][1]["rstrip"] = true;
    file["added_tokens"][2]["single_word"] = true;
    const Tokenizer tokenizer = load(file);
    EXPECT_EQ(tokenizer.encode("ab  <x>  <y>  ab"), Ids({256, 260, ' ', ' ', 261, 256}));
    EXPECT_EQ(tokenizer.encode("xab ab abc"), Ids({'x', 256, ' ', 256, ' ', 259}));
}

TEST(Tokenizer, MatchesNormalizedAddedTokensInTheNormalizedText)
{
    // U+00E8 è (normalized) and U+00F1 ñ (not) written in NFC; the text has them decomposed.
    json file = byteLevelJson(kMerges);
    file["normalizer"] = {{"type", "NFC"}};
    file["added_tokens"] = {addedToken("\xC3\xA8x", 260, false), addedToken("\xC3\xB1x", 261, false)};
    file["added_tokens"][0]["normalized"] = true;
    const Tokenizer tokenizer = load(file);
    EXPECT_EQ(tokenizer.encode("e\xCC\x80x"), Ids({260}));
    EXPECT_EQ(tokenizer.encode("n\xCC\x83x"), Ids({0xC3, 0xB1, 'x'})); // NFC, then bytes
    EXPECT_EQ(tokenizer.encode("\xC3\xB1x"), Ids({261}));
}

TEST(Tokenizer, AppliesASequenceOfNormalizersInOrder)
{
    json file = byteLevelJson(kMerges);
    file["normalizer"] = {{"type", "Sequence"},
                          {"normalizers", {{{"type", "NFKC"}}, {{"type", "NFC"}}, {{"type", "NFD"}}, {{"type", "NFC"}}}}};
    // U+FB01 (the fi ligature) and a decomposed e-acute: "fi" and U+00E9.
    EXPECT_EQ(load(file).encode("\xEF\xAC\x81 e\xCC\x81"), Ids({'f', 'i', ' ', 0xC3, 0xA9}));
}

TEST(Tokenizer, AddsThePostProcessorsSpecialTokensOnlyWhenAsked)
{
    json file = byteLevelJson(kMerges);
    file["added_tokens"] = {addedToken("<s>", 260), addedToken("</s>", 261)};
    const json bos = {{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}};
    const json eos = {{"SpecialToken", {{"id", "</s>"}, {"type_id", 0}}}};
    const json sequence = {{"Sequence", {{"id", "A"}, {"type_id", 0}}}};
    file["post_processor"] = {
        {"type", "Sequence"},
        {"processors",
         {{{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}, {"use_regex", true}},
          {{"type", "TemplateProcessing"},
           {"single", {bos, sequence, eos}},
           {"pair", {bos, sequence, eos}},
           {"special_tokens",
            {{"<s>", {{"id", "<s>"}, {"ids", {260}}, {"tokens", {"<s>"}}}},
             {"</s>", {{"id", "</s>"}, {"ids", {261}}, {"tokens", {"</s>"}}}}}}}}}};
    const Tokenizer tokenizer = load(file);
    EXPECT_EQ(tokenizer.encode("abc", true), Ids({260, 259, 261}));
    EXPECT_EQ(tokenizer.encode("abc", false), Ids({259}));
    EXPECT_EQ(tokenizer.encode("", true), Ids({260, 261}));
}

TEST(Tokenizer, AddsAPrefixSpaceToEachPieceWhenTheFileSaysSo)
{
    json file = byteLevelJson(kMerges);
    file["pre_tokenizer"]["add_prefix_space"] = true;
    file["added_tokens"] = {addedToken("<s>", 260)};
    const Tokenizer tokenizer = load(file);
    EXPECT_EQ(tokenizer.encode(" <s>ab<s> ab"), Ids({' ', 260, ' ', 256, 260, ' ', 256}));
}

TEST(Tokenizer, RefusesInvalidUtf8NamingTheByteOffset)
{
    const Tokenizer tokenizer = load(byteLevelJson(kMerges));
    EXPECT_NE(errorMessage([&] { tokenizer.encode("ab\xFF"); }).find("not valid UTF-8 at byte 2"),
              std::string::npos);
    EXPECT_NE(errorMessage([&] { tokenizer.encode("a\xC0\x80"); }).find("at byte 1"), std::string::npos); // overlong
    EXPECT_NE(errorMessage([&] { tokenizer.encode("\xED\xA0\x80"); }).find("at byte 0"), std::string::npos); // surrogate
    EXPECT_NE(errorMessage([&] { tokenizer.encode("abc\xE4\xB8"); }).find("at byte 3"), std::string::npos); // cut short
    EXPECT_EQ(tokenizer.encode("\xE4\xB8\xAD"), Ids({0xE4, 0xB8, 0xAD}));
}

TEST(Tokenizer, DecodesBytesBackAndCanSkipSpecialTokens)
{
    json file = byteLevelJson(kMerges);
    file["added_tokens"] = {addedToken("<|endoftext|>", 260), addedToken("<think>", 261, false)};
    const Tokenizer tokenizer = load(file);
    const std::string text = "abc a<think>\xE4\xB8\xAD<|endoftext|> \n";
    const auto ids = tokenizer.encode(text);
    EXPECT_EQ(tokenizer.decode(ids), text);
    EXPECT_EQ(tokenizer.decode(ids, true), "abc a<think>\xE4\xB8\xAD \n");
    EXPECT_EQ(tokenizer.decode({0xE4, 0xB8}), "\xEF\xBF\xBD"); // half a character: U+FFFD, as HF
    EXPECT_NE(errorMessage([&] { tokenizer.decode({1000}); }).find("token id 1000 is not in <test>"),
              std::string::npos);
    EXPECT_NE(errorMessage([&] { tokenizer.decode({-1}); }).find("token id -1"), std::string::npos);
}

TEST(Tokenizer, EncodesTheSameFromSeveralThreadsAtOnce)
{
    const Tokenizer tokenizer = load(byteLevelJson(kMerges));
    std::string text;
    for (int i = 0; i < 2000; ++i)
        text += "abc bcab word" + std::to_string(i) + " ";
    const auto expected = tokenizer.encode(text);
    std::vector<std::thread> threads;
    std::vector<bool> same(4, false);
    for (size_t t = 0; t < same.size(); ++t)
        threads.emplace_back([&, t] {
            const Tokenizer copy = tokenizer; // copies share the tables
            bool allSame = true;
            for (int r = 0; r < 5; ++r)
                allSame = allSame && copy.encode(text) == expected;
            same[t] = allSame;
        });
    for (auto& thread : threads)
        thread.join();
    for (bool s : same)
        EXPECT_TRUE(s);
}

TEST(Tokenizer, TrainsATokenizerThatRoundTripsText)
{
    nf::test::ScratchDir dir;
    const std::string corpus = readFile(std::filesystem::path(NF_TEST_DATA_DIR) / "tokenizer" / "corpus.txt");
    ASSERT_FALSE(corpus.empty());
    nf::formats::writeTrainedTokenizer(dir / "a.json", corpus, 500);
    nf::formats::writeTrainedTokenizer(dir / "b.json", corpus, 500);
    EXPECT_EQ(readFile(dir / "a.json"), readFile(dir / "b.json")); // reproducible

    const Tokenizer tokenizer = Tokenizer::fromFile(dir / "a.json");
    EXPECT_GT(tokenizer.vocabSize(), 256 + 400);
    EXPECT_LE(tokenizer.vocabSize(), 256 + 500 + 2);
    EXPECT_EQ(tokenizer.tokenToId("<|endoftext|>"), tokenizer.vocabSize() - 2);
    EXPECT_EQ(tokenizer.tokenToId("<|im_start|>"), tokenizer.vocabSize() - 1);
    const std::string text =
        "The following are multiple choice questions (with answers).\nA. 12\nAnswer:B\n\n"
        "\xE4\xBB\x8A\xE5\xA4\xA9 def add(a, b):\n\treturn a + b  \xF0\x9F\x98\x80<|endoftext|>";
    const auto ids = tokenizer.encode(text);
    EXPECT_LT(ids.size(), text.size() / 2); // the merges shorten it
    EXPECT_EQ(ids.back(), tokenizer.vocabSize() - 2);
    EXPECT_EQ(tokenizer.decode(ids), text);
    // NFC: a decomposed é encodes as the composed one.
    EXPECT_EQ(tokenizer.encode("caf\x65\xCC\x81"), tokenizer.encode("caf\xC3\xA9"));
}

} // namespace
