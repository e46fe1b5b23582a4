#include "common/error.h"
#include "common/text.h"
#include "core/error_message.h"
#include "core/scratch_dir.h"
#include "formats/safetensors.h"

#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <future>
#include <limits>

#include <sys/stat.h>

using nf::formats::bf16ToFloat;
using nf::formats::f16ToFloat;
using nf::formats::floatToBf16;
using nf::formats::floatToF16;
using nf::formats::parseSafetensorsHeader;
using nf::formats::SafetensorsFile;
using nf::formats::SafetensorsSet;
using nf::formats::TensorDType;
using nf::formats::TensorToWrite;
using nf::formats::writeSafetensors;
using nf::test::ScratchDir;

namespace fs = std::filesystem;

namespace {

const fs::path kHfTiny = fs::path(NF_TEST_DATA_DIR) / "hf-tiny";

template <typename T> std::vector<std::byte> bytesOf(const std::vector<T>& values)
{
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    if (!values.empty())
        std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

TensorToWrite f32(const std::string& name, std::vector<int64_t> shape, const std::vector<float>& values)
{
    return {name, TensorDType::F32, std::move(shape), bytesOf(values)};
}

// A tensor of `count` ascending values (distinct bytes, so a misplaced range shows).
TensorToWrite ramp(const std::string& name, size_t count, float start = 0)
{
    std::vector<float> values(count);
    for (size_t i = 0; i < count; ++i)
        values[i] = start + static_cast<float>(i);
    return f32(name, {static_cast<int64_t>(count)}, values);
}

// A file of the given header JSON (its length written before it) and data bytes.
std::string fileWithHeader(const std::string& header, const std::string& data = "")
{
    std::string bytes(8, '\0');
    for (size_t i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>((uint64_t(header.size()) >> (8 * i)) & 0xFF);
    return bytes + header + data;
}

std::string lengthPrefix(uint64_t length)
{
    std::string bytes(8, '\0');
    for (size_t i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>((length >> (8 * i)) & 0xFF);
    return bytes;
}

nf::formats::SafetensorsHeader parse(const std::string& bytes)
{
    return parseSafetensorsHeader(std::as_bytes(std::span(bytes.data(), bytes.size())), bytes.size(),
                                  "w.safetensors");
}

std::string parseError(const std::string& bytes)
{
    return nf::test::errorMessage([&] { parse(bytes); });
}

// The error for one tensor "t" described by `entry` over `data` bytes of data.
std::string entryError(const std::string& entry, size_t data = 64)
{
    return parseError(fileWithHeader("{\"t\": " + entry + "}", std::string(data, '\0')));
}

void writeFile(const fs::path& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string openError(const fs::path& path)
{
    return nf::test::errorMessage([&] { SafetensorsFile file(path); });
}

std::string folderError(const fs::path& folder, const std::string& stem = "model")
{
    return nf::test::errorMessage([&] { SafetensorsSet::openFolder(folder, stem); });
}

// Two shards and an index of `weightMap` (tensor -> shard) in `dir`: a.safetensors holds x and y,
// b.safetensors holds z.
void writeShards(const ScratchDir& dir, const std::string& weightMap)
{
    writeSafetensors(dir / "a.safetensors", {ramp("x", 4), ramp("y", 2, 10)});
    writeSafetensors(dir / "b.safetensors", {ramp("z", 3, 20)});
    writeFile(dir / "model.safetensors.index.json",
              "{\"metadata\": {\"total_size\": 36}, \"weight_map\": " + weightMap + "}");
}

const std::string kGoodMap = R"({"x": "a.safetensors", "y": "a.safetensors", "z": "b.safetensors"})";

} // namespace

// ---- writing and reading back ----

TEST(Safetensors, RoundTripsEachDtypeAndAScalarThroughAFile)
{
    ScratchDir dir;
    const std::vector<uint16_t> halves = {floatToF16(1.5f), floatToF16(-2), floatToF16(65504)};
    const std::vector<uint16_t> brains = {floatToBf16(3.0f), floatToBf16(-0.5f)};
    writeSafetensors(dir / "m.safetensors",
                     {f32("w", {2, 3}, {1, 2, 3, 4, 5, 6}),
                      {"h", TensorDType::F16, {3}, bytesOf(halves)},
                      {"b", TensorDType::BF16, {1, 2}, bytesOf(brains)},
                      f32("scale", {}, {0.25f})},
                     {{"format", "pt"}});
    const SafetensorsFile file(dir / "m.safetensors");
    const auto& header = file.header();
    EXPECT_EQ(header.metadata, (std::map<std::string, std::string>{{"format", "pt"}}));
    ASSERT_EQ(header.tensors.size(), 4u);
    EXPECT_EQ(header.dataStart % 8, 0u);

    const auto* w = file.find("w");
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->dtype, TensorDType::F32);
    EXPECT_EQ(w->shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(w->elements(), 6);
    EXPECT_EQ(w->begin, 0u);
    float values[6];
    std::memcpy(values, file.bytes(*w).data(), sizeof values);
    EXPECT_EQ(values[5], 6.0f);

    const auto* h = file.find("h");
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->dtype, TensorDType::F16);
    uint16_t half[3];
    std::memcpy(half, file.bytes(*h).data(), sizeof half);
    EXPECT_EQ(f16ToFloat(half[0]), 1.5f);
    EXPECT_EQ(f16ToFloat(half[2]), 65504.0f);

    const auto* b = file.find("b");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->dtype, TensorDType::BF16);
    EXPECT_EQ(b->end - b->begin, 4u);
    uint16_t brain[2];
    std::memcpy(brain, file.bytes(*b).data(), sizeof brain);
    EXPECT_EQ(bf16ToFloat(brain[1]), -0.5f);

    const auto* scale = file.find("scale");
    ASSERT_NE(scale, nullptr);
    EXPECT_TRUE(scale->shape.empty());
    EXPECT_EQ(scale->elements(), 1);
    EXPECT_EQ(file.bytes(*scale).size(), 4u);
    EXPECT_EQ(file.find("absent"), nullptr);
    EXPECT_FALSE(fs::exists(dir / ("m.safetensors.partial-" + std::to_string(getpid()))));
}

TEST(Safetensors, WritesTheReferenceLayoutPaddedWithSpaces)
{
    const std::string bytes = nf::formats::safetensorsBytes({ramp("a", 2)}, {{"format", "pt"}});
    const std::string json =
        R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    const size_t padded = (json.size() + 7) / 8 * 8;
    ASSERT_EQ(bytes.size(), 8 + padded + 8);
    EXPECT_EQ(bytes.substr(0, 8), lengthPrefix(padded));
    EXPECT_EQ(bytes.substr(8, padded), json + std::string(padded - json.size(), ' '));
}

TEST(Safetensors, WriterRefusesBytesThatDisagreeWithTheShape)
{
    EXPECT_THROW(nf::formats::safetensorsBytes({f32("a", {3}, {1, 2})}), std::invalid_argument);
    EXPECT_THROW(nf::formats::safetensorsBytes({f32("a", {-1}, {})}), std::invalid_argument);
    EXPECT_THROW(nf::formats::safetensorsBytes({ramp("a", 1), ramp("a", 1)}), std::invalid_argument);
    EXPECT_THROW(nf::formats::safetensorsBytes({ramp("__metadata__", 1)}), std::invalid_argument);
}

TEST(Safetensors, ListsTensorsInDataOrderWhateverTheHeaderOrder)
{
    const auto header = parse(fileWithHeader(
        R"({"b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
            "a": {"dtype": "F16", "shape": [2], "data_offsets": [4, 8]},
            "__metadata__": null})",
        std::string(8, '\0')));
    ASSERT_EQ(header.tensors.size(), 2u);
    EXPECT_EQ(header.tensors[0].name, "b");
    EXPECT_EQ(header.tensors[1].name, "a");
    EXPECT_TRUE(header.metadata.empty());
}

TEST(Safetensors, AcceptsEmptyTensorsAndUnknownKeys)
{
    const auto header = parse(fileWithHeader(
        R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8], "note": 1},
            "none": {"dtype": "BF16", "shape": [0, 5], "data_offsets": [4, 4]}})",
        std::string(8, '\0')));
    ASSERT_EQ(header.tensors.size(), 2u);
    EXPECT_EQ(header.tensors[0].name, "w");
    EXPECT_EQ(header.tensors[1].elements(), 0);
}

// ---- refusals, each naming the file and, where one is at fault, the tensor ----

TEST(Safetensors, RefusesAFileShorterThanTheLengthField)
{
    const std::string message = parseError("abc");
    EXPECT_NE(message.find("w.safetensors: 3 bytes, too short"), std::string::npos) << message;
}

TEST(Safetensors, RefusesAHeaderLengthPastTheEndOfTheFile)
{
    const std::string message = parseError(lengthPrefix(1000) + "{}");
    EXPECT_NE(message.find("w.safetensors: header length 1000 bytes runs past the end of the 10-byte file"),
              std::string::npos)
        << message;
}

TEST(Safetensors, RefusesAnAbsurdHeaderLength)
{
    const std::string message = parseError(lengthPrefix(uint64_t(1) << 40) + "{}");
    EXPECT_NE(message.find("header length 1099511627776 bytes is over the limit of 100000000"),
              std::string::npos)
        << message;
    EXPECT_NE(parseError(lengthPrefix(UINT64_MAX) + "{}").find("over the limit"), std::string::npos);
}

TEST(Safetensors, RefusesInvalidJsonWithoutQuotingTheParser)
{
    const std::string message = parseError(fileWithHeader("{\"t\": {\"dtype\": F32}}"));
    EXPECT_EQ(message, "w.safetensors: header is not valid JSON (at byte 17)");
    EXPECT_EQ(parseError(fileWithHeader("{\"t\": 1e400}")),
              "w.safetensors: header is not valid JSON: the number 1e400 in \"t\" is out of range (a double "
              "holds up to about 1.8e308) (at byte 11)");
    EXPECT_NE(parseError(fileWithHeader("{} x")).find("not valid JSON"), std::string::npos);
    EXPECT_NE(parseError(fileWithHeader("{\"\xff\": 1}")).find("not valid JSON"), std::string::npos);
}

TEST(Safetensors, RefusesDeepNestingWithoutOverflowingTheStack)
{
    const std::string arrays(100'000, '[');
    EXPECT_EQ(parseError(fileWithHeader(arrays)), "w.safetensors: header nests deeper than 64 levels");
    std::string objects;
    for (int i = 0; i < 100'000; ++i)
        objects += "{\"a\":";
    EXPECT_EQ(parseError(fileWithHeader(objects)), "w.safetensors: header nests deeper than 64 levels");
}

TEST(Safetensors, RefusesAHeaderThatIsNotAnObject)
{
    EXPECT_EQ(parseError(fileWithHeader("[]")), "w.safetensors: header is not a JSON object of tensors");
    EXPECT_EQ(parseError(fileWithHeader("\"t\"")), "w.safetensors: header is not a JSON object of tensors");
}

TEST(Safetensors, RefusesATensorNamedTwice)
{
    const std::string entry = R"({"dtype": "F32", "shape": [1], "data_offsets": [0, 4]})";
    const std::string message =
        parseError(fileWithHeader("{\"t\": " + entry + ", \"t\": " + entry + "}", "xxxx"));
    EXPECT_EQ(message, "w.safetensors: header lists tensor 't' twice");
    EXPECT_EQ(entryError(R"({"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "shape": [1]})"),
              "w.safetensors: header has the key 'shape' twice in one object");
}

TEST(Safetensors, RefusesAnEntryThatIsNotAnObjectOrLacksAKey)
{
    EXPECT_EQ(entryError("[1]"),
              "w.safetensors: tensor 't': expected an object with dtype, shape and data_offsets");
    EXPECT_EQ(entryError(R"({"shape": [1], "data_offsets": [0, 4]})"),
              "w.safetensors: tensor 't': no 'dtype'");
    EXPECT_EQ(entryError(R"({"dtype": "F32", "data_offsets": [0, 4]})"),
              "w.safetensors: tensor 't': no 'shape'");
    EXPECT_EQ(entryError(R"({"dtype": "F32", "shape": [1]})"),
              "w.safetensors: tensor 't': no 'data_offsets'");
}

TEST(Safetensors, RefusesUnsupportedDtypesByName)
{
    for (const std::string dtype : {"I8", "F64", "F8_E4M3", "f32", "BOOL"}) {
        const std::string message =
            entryError(R"({"dtype": ")" + dtype + R"(", "shape": [1], "data_offsets": [0, 1]})");
        EXPECT_EQ(message, "w.safetensors: tensor 't': dtype '" + dtype +
                               "' is not supported (noisefloor reads F32, F16 and BF16)");
    }
    EXPECT_NE(
        entryError(R"({"dtype": 4, "shape": [1], "data_offsets": [0, 4]})").find("'dtype' must be a string"),
        std::string::npos);
}

TEST(Safetensors, RefusesAShapeThatIsNotNonNegativeIntegers)
{
    for (const std::string shape :
         {"[-1]", "[1.5]", "[\"2\"]", "2", "[[2]]", "[null]", "[18446744073709551615]",
          "[9223372036854775808]", "[18446744073709551616]"}) {
        const std::string message =
            entryError(R"({"dtype": "F32", "shape": )" + shape + R"(, "data_offsets": [0, 4]})");
        EXPECT_EQ(message, "w.safetensors: tensor 't': 'shape' must be a list of non-negative integers")
            << shape;
    }
}

TEST(Safetensors, RefusesAShapeWhoseSizeOverflows)
{
    const std::string message =
        entryError(R"({"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]})");
    EXPECT_EQ(
        message,
        "w.safetensors: tensor 't': shape [4294967296, 4294967296] has more elements than 64 bits count");
    // Fits int64 as elements, not as bytes.
    EXPECT_NE(entryError(R"({"dtype": "F32", "shape": [4611686018427387904], "data_offsets": [0, 4]})")
                  .find("more elements than 64 bits count"),
              std::string::npos);
}

TEST(Safetensors, RefusesDataOffsetsThatAreNotABeginAndAnEnd)
{
    for (const std::string offsets :
         {"[0]", "[0, 4, 8]", "[-4, 4]", "[0, 4.0]", "4", "[0, \"4\"]", "[0, 1e30]"}) {
        const std::string message =
            entryError(R"({"dtype": "F32", "shape": [1], "data_offsets": )" + offsets + "}");
        EXPECT_EQ(message,
                  "w.safetensors: tensor 't': 'data_offsets' must be two non-negative integers [begin, end]")
            << offsets;
    }
    EXPECT_EQ(entryError(R"({"dtype": "F32", "shape": [1], "data_offsets": [8, 4]})"),
              "w.safetensors: tensor 't': data_offsets [8, 4] end before they begin");
}

TEST(Safetensors, RefusesOffsetsPastTheData)
{
    EXPECT_EQ(entryError(R"({"dtype": "F32", "shape": [2], "data_offsets": [0, 8]})", 6),
              "w.safetensors: tensor 't': data_offsets [0, 8] run past the data, which has 6 bytes (a "
              "truncated file?)");
}

TEST(Safetensors, RefusesASizeThatDisagreesWithTheShape)
{
    EXPECT_EQ(entryError(R"({"dtype": "BF16", "shape": [2, 3], "data_offsets": [0, 24]})"),
              "w.safetensors: tensor 't': shape [2, 3] of BF16 is 12 bytes but data_offsets [0, 24] hold 24");
}

TEST(Safetensors, RefusesOverlappingTensorsNamingBoth)
{
    const std::string message = parseError(fileWithHeader(
        R"({"long": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
            "mid": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})",
        std::string(16, '\0')));
    EXPECT_EQ(message, "w.safetensors: tensor 'long' [0, 16] and tensor 'mid' [4, 8] overlap in the data");
    // A later tensor that overlaps the furthest-reaching one, not its neighbour.
    EXPECT_NE(parseError(fileWithHeader(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                                            "b": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]},
                                            "c": {"dtype": "F32", "shape": [1], "data_offsets": [12, 16]}})",
                                        std::string(16, '\0')))
                  .find("tensor 'a' [0, 16] and tensor 'c' [12, 16] overlap"),
              std::string::npos);
}

TEST(Safetensors, RefusesMetadataThatIsNotAnObjectOfStrings)
{
    EXPECT_EQ(parseError(fileWithHeader(R"({"__metadata__": {"format": "pt", "epochs": 3}})")),
              "w.safetensors: '__metadata__' must be an object of strings; 'epochs' is not a string");
    EXPECT_EQ(parseError(fileWithHeader(R"({"__metadata__": ["pt"]})")),
              "w.safetensors: '__metadata__' must be an object of strings");
}

TEST(Safetensors, QuotesNamesShortAndWithoutControlCharacters)
{
    const std::string entry = R"({"dtype": "I8", "shape": [1], "data_offsets": [0, 1]})";
    const std::string longName =
        parseError(fileWithHeader("{\"" + std::string(500, 'x') + "\": " + entry + "}", "x"));
    EXPECT_EQ(longName, "w.safetensors: tensor '" + std::string(80, 'x') +
                            "…': dtype 'I8' is not supported (noisefloor reads F32, F16 and BF16)");
    const std::string controls = parseError(fileWithHeader(R"({"a\u001b[2Jb\u202e": )" + entry + "}", "x"));
    EXPECT_NE(controls.find("tensor 'a\\x1B[2Jb\\u{202E}'"), std::string::npos) << controls;
    const std::string dtype =
        entryError(R"({"dtype": ")" + std::string(300, 'Q') + R"(", "shape": [1], "data_offsets": [0, 1]})");
    EXPECT_LT(dtype.size(), 200u) << dtype;
}

TEST(PrintableExcerpt, EscapesControlsAndBrokenUtf8AndCutsLongText)
{
    EXPECT_EQ(nf::printableExcerpt("plain ünïcode ✓"), "plain ünïcode ✓");
    EXPECT_EQ(nf::printableExcerpt("a\nb\x7f\xc2\x85"), "a\\x0Ab\\x7F\\u{0085}");
    EXPECT_EQ(nf::printableExcerpt("\xff\xc0\x80\xed\xa0\x80\xe2\x82"),
              "\\xFF\\xC0\\x80\\xED\\xA0\\x80\\xE2\\x82");
    EXPECT_EQ(nf::printableExcerpt("abcdef", 3), "abc…");
    EXPECT_EQ(nf::printableExcerpt("abc", 3), "abc");
}

TEST(Safetensors, RefusesAFileCutInTheHeaderOrInTheData)
{
    const std::string whole = nf::formats::safetensorsBytes({ramp("a", 4), ramp("b", 4)});
    const std::string inHeader = parseError(whole.substr(0, 40));
    EXPECT_NE(inHeader.find("runs past the end of the 40-byte file"), std::string::npos) << inHeader;
    const std::string inData = parseError(whole.substr(0, whole.size() - 3));
    EXPECT_NE(inData.find("tensor 'b': data_offsets [16, 32] run past the data, which has 29 bytes"),
              std::string::npos)
        << inData;
}

TEST(Safetensors, NeverReadsPastTheBytesGiven)
{
    const std::string whole = nf::formats::safetensorsBytes({ramp("a", 4)});
    const auto bytes = std::as_bytes(std::span(whole.data(), 20));
    const std::string message =
        nf::test::errorMessage([&] { parseSafetensorsHeader(bytes, whole.size(), "w.safetensors"); });
    EXPECT_NE(message.find("only 20 of its bytes were read"), std::string::npos) << message;
}

// ---- one file, mapped ----

TEST(SafetensorsFile, ReleasedTensorsStayReadable)
{
    ScratchDir dir;
    writeSafetensors(dir / "m.safetensors", {ramp("small", 3), ramp("big", 100'000, 7), ramp("after", 5)});
    const SafetensorsFile file(dir / "m.safetensors");
    const auto* big = file.find("big");
    ASSERT_NE(big, nullptr);
    const std::vector<std::byte> before(file.bytes(*big).begin(), file.bytes(*big).end());
    file.release(*big);
    file.release(*file.find("small"));
    const auto after = file.bytes(*big);
    EXPECT_TRUE(std::equal(after.begin(), after.end(), before.begin(), before.end()));
    float last = 0;
    std::memcpy(&last, file.bytes(*file.find("after")).data() + 16, 4);
    EXPECT_EQ(last, 4.0f);
}

TEST(SafetensorsFile, RefusesAMissingFileAFolderAndAnEmptyFile)
{
    ScratchDir dir;
    EXPECT_EQ(openError(dir / "none.safetensors"), (dir / "none.safetensors").string() + ": no such file");
    EXPECT_EQ(openError(dir.path()), dir.path().string() + ": is a folder, not a safetensors file");
    writeFile(dir / "empty.safetensors", "");
    EXPECT_EQ(openError(dir / "empty.safetensors"),
              (dir / "empty.safetensors").string() + ": empty file, not a safetensors file");
    writeFile(dir / "short.safetensors", "1234");
    EXPECT_NE(openError(dir / "short.safetensors").find("short.safetensors: 4 bytes, too short"),
              std::string::npos);
    writeFile(dir / "bad.safetensors", fileWithHeader("{\"t\": 1}"));
    EXPECT_EQ(openError(dir / "bad.safetensors"),
              (dir / "bad.safetensors").string() +
                  ": tensor 't': expected an object with dtype, shape and data_offsets");
}

TEST(SafetensorsFile, RefusesAFifoWithoutWaitingForAWriter)
{
    ScratchDir dir;
    const fs::path fifo = dir / "pipe.safetensors";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    auto opened = std::async(std::launch::async, [&] { return openError(fifo); });
    if (opened.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
        ADD_FAILURE() << "opening a FIFO hangs";
        std::_Exit(1); // the thread cannot be stopped; leave rather than hang the suite
    }
    EXPECT_EQ(opened.get(),
              fifo.string() + ": is not a regular file (a pipe or a device?), not a safetensors file");
}

// ---- a folder: one file or shards with an index ----

TEST(SafetensorsSet, OpensASingleFile)
{
    ScratchDir dir;
    writeSafetensors(dir / "model.safetensors", {ramp("w", 4), ramp("b", 2)});
    const auto set = SafetensorsSet::openFolder(dir.path());
    EXPECT_EQ(set.names(), (std::vector<std::string>{"b", "w"}));
    EXPECT_EQ(set.files(), (std::vector<fs::path>{dir / "model.safetensors"}));
    EXPECT_EQ(set.totalTensorBytes(), 24u);
    const auto entry = set.find("w");
    ASSERT_NE(entry.tensor, nullptr);
    EXPECT_EQ(entry.file->path(), dir / "model.safetensors");
    EXPECT_EQ(set.find("absent").tensor, nullptr);
}

TEST(SafetensorsSet, OpensTheStemItIsGiven)
{
    ScratchDir dir;
    writeSafetensors(dir / "adapter_model.safetensors", {ramp("lora_A", 4)});
    EXPECT_EQ(SafetensorsSet::openFolder(dir.path(), "adapter_model").names(),
              (std::vector<std::string>{"lora_A"}));
    EXPECT_EQ(folderError(dir.path()),
              dir.path().string() + ": no model.safetensors or model.safetensors.index.json in it");
    EXPECT_EQ(folderError(dir / "none"), (dir / "none").string() + ": no such folder");
}

TEST(SafetensorsSet, OpensShardsThroughTheIndex)
{
    ScratchDir dir;
    writeShards(dir, R"({"x": "a.safetensors", "z": "b.safetensors"})"); // y is only in its shard
    writeSafetensors(dir / "model.safetensors", {ramp("ignored", 1)});   // the index wins
    auto set = SafetensorsSet::openFolder(dir.path());
    EXPECT_EQ(set.names(), (std::vector<std::string>{"x", "y", "z"}));
    EXPECT_EQ(set.files(), (std::vector<fs::path>{dir / "model.safetensors.index.json", dir / "a.safetensors",
                                                  dir / "b.safetensors"}));
    EXPECT_EQ(set.totalTensorBytes(), 36u);
    const SafetensorsSet moved = std::move(set);
    const auto z = moved.find("z");
    ASSERT_NE(z.tensor, nullptr);
    EXPECT_EQ(z.file->path(), dir / "b.safetensors");
    float first = 0;
    std::memcpy(&first, z.file->bytes(*z.tensor).data(), 4);
    EXPECT_EQ(first, 20.0f);
}

TEST(SafetensorsSet, RefusesAnIndexNamingAMissingShard)
{
    ScratchDir dir;
    writeShards(dir, R"({"x": "a.safetensors", "y": "a.safetensors", "z": "c.safetensors"})");
    EXPECT_EQ(folderError(dir.path()), (dir / "model.safetensors.index.json").string() +
                                           ": shard 'c.safetensors' (of tensor 'z' and others) is not in " +
                                           dir.path().string());
}

TEST(SafetensorsSet, RefusesATensorInAnotherShardThanTheIndexSays)
{
    ScratchDir dir;
    writeShards(dir, R"({"x": "a.safetensors", "y": "b.safetensors", "z": "b.safetensors"})");
    EXPECT_EQ(folderError(dir.path()), (dir / "model.safetensors.index.json").string() +
                                           ": tensor 'y' is in " + (dir / "a.safetensors").string() +
                                           ", not in " + (dir / "b.safetensors").string() +
                                           " where the index places it");
}

TEST(SafetensorsSet, RefusesATensorInNoShard)
{
    ScratchDir dir;
    writeShards(dir, R"({"x": "a.safetensors", "q": "a.safetensors", "z": "b.safetensors"})");
    EXPECT_EQ(folderError(dir.path()), (dir / "model.safetensors.index.json").string() +
                                           ": tensor 'q' is in none of the shards (the index places it in "
                                           "'a.safetensors')");
}

TEST(SafetensorsSet, RefusesATensorInTwoShards)
{
    ScratchDir dir;
    writeShards(dir, kGoodMap);
    writeSafetensors(dir / "b.safetensors", {ramp("z", 3), ramp("x", 4)});
    EXPECT_EQ(folderError(dir.path()), (dir / "b.safetensors").string() + ": tensor 'x' is also in " +
                                           (dir / "a.safetensors").string() +
                                           " (a name must be in one shard only)");
}

TEST(SafetensorsSet, RefusesShardNamesOutsideTheFolderOrNotPrintable)
{
    // Each name as the index's JSON writes it and as the message shows it.
    const std::vector<std::pair<std::string, std::string>> shards = {
        {"../a.safetensors", "../a.safetensors"},
        {"sub/a.safetensors", "sub/a.safetensors"},
        {"/etc/passwd", "/etc/passwd"},
        {"..", ".."},
        {".", "."},
        {"", ""},
        {"a\\u001b[2J.safetensors", "a\\x1B[2J.safetensors"}};
    for (const auto& [json, shown] : shards) {
        ScratchDir dir;
        writeShards(dir, R"({"x": ")" + json + R"(", "z": "b.safetensors"})");
        EXPECT_EQ(folderError(dir.path()), (dir / "model.safetensors.index.json").string() +
                                               ": weight_map: tensor 'x': shard '" + shown +
                                               "' must be a file name in the index's folder");
    }
}

TEST(SafetensorsSet, RefusesAnIndexThatIsNotAWeightMap)
{
    ScratchDir dir;
    const std::string index = (dir / "model.safetensors.index.json").string();
    writeShards(dir, "{\"x\": 3}");
    EXPECT_EQ(folderError(dir.path()),
              index + ": weight_map: tensor 'x': the shard must be a file name in the index's folder");
    writeFile(dir / "model.safetensors.index.json", "{\"weight_map\": {\"x\": \"a.safetensors\",}}");
    EXPECT_EQ(folderError(dir.path()), index + ": is not valid JSON (at byte 38)");
    writeFile(dir / "model.safetensors.index.json", "{\"metadata\": {}}");
    EXPECT_EQ(folderError(dir.path()),
              index + ": expected {\"weight_map\": {\"tensor name\": \"shard file\", ...}}");
    writeFile(dir / "model.safetensors.index.json", "{\"weight_map\": {}}");
    EXPECT_EQ(folderError(dir.path()), index + ": the weight_map lists no tensors");
    fs::remove(dir / "model.safetensors.index.json");
    ASSERT_EQ(mkfifo((dir / "model.safetensors.index.json").c_str(), 0600), 0);
    EXPECT_EQ(folderError(dir.path()), index + ": is not a regular file");
}

TEST(SafetensorsSet, ReadsTheShardedBf16Fixture)
{
    const fs::path folder = kHfTiny / "mistral-sharded-bf16";
    if (!fs::exists(folder))
        GTEST_SKIP() << folder << " is missing";
    const auto set = SafetensorsSet::openFolder(folder);
    EXPECT_EQ(set.files().size(), 3u);
    EXPECT_EQ(set.files()[0].filename(), "model.safetensors.index.json");
    EXPECT_EQ(set.names().size(), 21u);
    const auto head = set.find("lm_head.weight");
    ASSERT_NE(head.tensor, nullptr);
    EXPECT_EQ(head.tensor->dtype, TensorDType::BF16);
    EXPECT_EQ(head.file->path().filename(), "model-00002-of-00002.safetensors");
    uint64_t dataBytes = 0;
    for (size_t i = 1; i < set.files().size(); ++i) {
        const SafetensorsFile shard(set.files()[i]);
        dataBytes += fs::file_size(set.files()[i]) - shard.header().dataStart;
    }
    EXPECT_EQ(set.totalTensorBytes(), dataBytes);
    // RMSNorm weights of a random-weight model: finite, of the order of one.
    const auto norm = set.find("model.norm.weight");
    ASSERT_NE(norm.tensor, nullptr);
    const auto bytes = norm.file->bytes(*norm.tensor);
    for (size_t i = 0; i < bytes.size(); i += 2) {
        uint16_t value = 0;
        std::memcpy(&value, bytes.data() + i, 2);
        EXPECT_TRUE(std::isfinite(bf16ToFloat(value)));
        EXPECT_LT(std::abs(bf16ToFloat(value)), 10.0f);
    }
}

TEST(SafetensorsSet, ReadsTheTiedQwen2Fixture)
{
    const fs::path folder = kHfTiny / "qwen2-bias-tied";
    if (!fs::exists(folder))
        GTEST_SKIP() << folder << " is missing";
    const auto set = SafetensorsSet::openFolder(folder);
    EXPECT_EQ(set.files(), (std::vector<fs::path>{folder / "model.safetensors"}));
    EXPECT_EQ(set.find("lm_head.weight").tensor, nullptr); // tied to the embeddings
    const auto bias = set.find("model.layers.0.self_attn.q_proj.bias");
    ASSERT_NE(bias.tensor, nullptr);
    EXPECT_EQ(bias.tensor->dtype, TensorDType::F32);
    const auto embed = set.find("model.embed_tokens.weight");
    ASSERT_NE(embed.tensor, nullptr);
    EXPECT_EQ(embed.tensor->shape, (std::vector<int64_t>{512, 64}));
    EXPECT_EQ(set.totalTensorBytes(),
              fs::file_size(folder / "model.safetensors") - embed.file->header().dataStart);
}

// ---- bf16 and fp16 ----

TEST(HalfFloats, Bf16RoundsToNearestEven)
{
    EXPECT_EQ(floatToBf16(1.0f), 0x3F80);
    EXPECT_EQ(floatToBf16(1.0f + 0x1p-8f), 0x3F80);     // halfway: to the even 0x3F80
    EXPECT_EQ(floatToBf16(1.0f + 3 * 0x1p-8f), 0x3F82); // halfway: to the even 0x3F82
    EXPECT_EQ(floatToBf16(1.0f + 0x1p-8f + 0x1p-20f), 0x3F81);
    EXPECT_EQ(floatToBf16(-0.0f), 0x8000);
    EXPECT_EQ(floatToBf16(std::numeric_limits<float>::infinity()), 0x7F80);
    EXPECT_EQ(floatToBf16(std::numeric_limits<float>::max()), 0x7F80); // rounds up past the largest
    EXPECT_EQ(floatToBf16(std::numeric_limits<float>::denorm_min()), 0x0000);
    EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBf16(std::numeric_limits<float>::quiet_NaN()))));
    // A NaN whose payload is only in the low bits must not become an infinity.
    EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBf16(std::bit_cast<float>(0x7F800001u)))));
    EXPECT_EQ(bf16ToFloat(0x4040), 3.0f);
}

// The nearer of the two bf16 values around `value`, ties to the even one, measured in double.
uint16_t nearestBf16(float value)
{
    const uint32_t bits = std::bit_cast<uint32_t>(value);
    const auto low = static_cast<uint16_t>(bits >> 16);
    const auto high = static_cast<uint16_t>(low + 1);
    // Past the largest bf16, the next step up would be 2^128 (infinity).
    const double highValue =
        (high & 0x7FFF) == 0x7F80 ? std::copysign(0x1p128, double(value)) : double(bf16ToFloat(high));
    const double below = std::abs(double(value) - double(bf16ToFloat(low)));
    const double above = std::abs(highValue - double(value));
    if (below != above)
        return below < above ? low : high;
    return (low & 1) ? high : low;
}

TEST(HalfFloats, Bf16MatchesTheNearestValueOnASweepOfFloats)
{
    for (uint64_t bits = 0; bits < (uint64_t(1) << 32); bits += 65'537) {
        const float value = std::bit_cast<float>(static_cast<uint32_t>(bits));
        if (std::isnan(value) || std::isinf(value))
            continue;
        ASSERT_EQ(floatToBf16(value), nearestBf16(value)) << std::hex << bits;
    }
}

TEST(HalfFloats, F16RoundTripsEveryHalfValue)
{
    for (uint32_t half = 0; half <= 0xFFFF; ++half) {
        const float value = f16ToFloat(static_cast<uint16_t>(half));
        if (std::isnan(value))
            EXPECT_TRUE(std::isnan(f16ToFloat(floatToF16(value)))) << std::hex << half;
        else
            ASSERT_EQ(floatToF16(value), half) << std::hex << half;
    }
}

TEST(HalfFloats, F16RoundsAtTheEdgesOfItsRange)
{
    EXPECT_EQ(floatToF16(65504.0f), 0x7BFF);
    EXPECT_EQ(floatToF16(65519.0f), 0x7BFF);
    EXPECT_EQ(floatToF16(65520.0f), 0x7C00); // halfway to 65536: to the even, infinity
    EXPECT_EQ(floatToF16(-1e10f), 0xFC00);
    EXPECT_EQ(floatToF16(0x1p-14f), 0x0400);            // smallest normal
    EXPECT_EQ(floatToF16(0x1p-14f - 0x1p-25f), 0x0400); // halfway from the largest subnormal: to even
    EXPECT_EQ(floatToF16(0x1p-24f), 0x0001);            // smallest subnormal
    EXPECT_EQ(floatToF16(0x1p-25f), 0x0000);            // halfway to zero: to the even zero
    EXPECT_EQ(floatToF16(0x1p-25f * 1.0000001f), 0x0001);
    EXPECT_EQ(floatToF16(3 * 0x1p-25f), 0x0002); // 1.5 units: to the even 2
    EXPECT_EQ(floatToF16(-1e-10f), 0x8000);
    EXPECT_EQ(floatToF16(1.0f + 0x1p-11f), 0x3C00); // halfway: to even
    EXPECT_EQ(floatToF16(1.0f + 3 * 0x1p-11f), 0x3C02);
    const uint16_t nan = floatToF16(std::bit_cast<float>(0x7F800001u));
    EXPECT_EQ(nan & 0x7C00, 0x7C00);
    EXPECT_NE(nan & 0x03FF, 0);
    EXPECT_EQ(f16ToFloat(0x0001), 0x1p-24f);
    EXPECT_EQ(f16ToFloat(0x8000), -0.0f);
    EXPECT_TRUE(std::signbit(f16ToFloat(0x8000)));
    EXPECT_EQ(f16ToFloat(0xFC00), -std::numeric_limits<float>::infinity());
}

TEST(HalfFloats, F16MatchesTheCompilersConversionOnASweepOfFloats)
{
#if defined(__FLT16_MAX__)
    for (uint64_t bits = 0; bits < (uint64_t(1) << 32); bits += 4'099) {
        const float value = std::bit_cast<float>(static_cast<uint32_t>(bits));
        const auto expected = std::bit_cast<uint16_t>(static_cast<_Float16>(value));
        if (std::isnan(value))
            ASSERT_TRUE(std::isnan(f16ToFloat(floatToF16(value))));
        else
            ASSERT_EQ(floatToF16(value), expected) << std::hex << bits;
        ASSERT_EQ(std::bit_cast<uint32_t>(f16ToFloat(expected)),
                  std::bit_cast<uint32_t>(float(std::bit_cast<_Float16>(expected))));
    }
#else
    GTEST_SKIP() << "this compiler has no _Float16 to compare with";
#endif
}
