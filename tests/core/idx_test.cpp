#include "common/error.h"
#include "core/error_message.h"
#include "core/idx_writer.h"
#include "core/scratch_dir.h"
#include "formats/idx.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>

using nf::formats::readIdx;
using nf::test::ScratchDir;

namespace {

// The InputError message readIdx throws for path; fails the test when it throws nothing.
std::string readError(const std::filesystem::path& path)
{
    return nf::test::errorMessage([&] { readIdx(path); });
}

const std::vector<uint8_t> kSixBytes = {1, 2, 3, 250, 251, 255};

} // namespace

TEST(Idx, ReadsRawFile)
{
    ScratchDir dir;
    nf::test::writeIdx(dir / "a.idx", {2, 3}, kSixBytes);
    const auto array = readIdx(dir / "a.idx");
    EXPECT_EQ(array.dims, (std::vector<uint32_t>{2, 3}));
    EXPECT_EQ(array.data, kSixBytes);
}

TEST(Idx, ReadsGzipFileDetectedByContentNotName)
{
    ScratchDir dir;
    nf::test::writeIdx(dir / "no-extension", {3, 1, 2}, kSixBytes, true);
    const auto array = readIdx(dir / "no-extension");
    EXPECT_EQ(array.dims, (std::vector<uint32_t>{3, 1, 2}));
    EXPECT_EQ(array.data, kSixBytes);
}

TEST(Idx, ReadsFourDimensionsAndEmptyData)
{
    ScratchDir dir;
    nf::test::writeIdx(dir / "4d", {1, 2, 3, 1}, kSixBytes);
    EXPECT_EQ(readIdx(dir / "4d").dims.size(), 4u);
    nf::test::writeIdx(dir / "empty", {0}, {}, true);
    EXPECT_TRUE(readIdx(dir / "empty").data.empty());
}

TEST(Idx, ReadsConcatenatedGzipMembersAsOneStream)
{
    ScratchDir dir;
    const std::string bytes = nf::test::idxBytes({6}, kSixBytes);
    nf::test::writeBytes(dir / "part1", bytes.substr(0, 7), true);
    nf::test::writeBytes(dir / "part2", bytes.substr(7), true);
    std::string joined;
    for (const char* part : {"part1", "part2"}) {
        std::ifstream in(dir / part, std::ios::binary);
        joined.append(std::istreambuf_iterator<char>(in), {});
    }
    nf::test::writeBytes(dir / "joined.gz", joined);
    EXPECT_EQ(readIdx(dir / "joined.gz").data, kSixBytes);
}

TEST(Idx, RejectsTruncatedData)
{
    ScratchDir dir;
    for (bool gzip : {false, true}) {
        const auto path = dir / (gzip ? "short.gz" : "short");
        nf::test::writeBytes(path, nf::test::idxBytes({2, 3}, {1, 2, 3, 4}), gzip);
        EXPECT_EQ(readError(path), path.string() + ": truncated: header says 6 bytes of data, file has 4");
    }
}

TEST(Idx, RejectsTruncatedHeader)
{
    ScratchDir dir;
    nf::test::writeBytes(dir / "header", nf::test::idxBytes({2, 3}, {}).substr(0, 9));
    const std::string message = readError(dir / "header");
    EXPECT_TRUE(message.starts_with((dir / "header").string() + ": truncated")) << message;
}

TEST(Idx, RejectsHeaderPromisingMoreThanGzipCanHold)
{
    ScratchDir dir;
    nf::test::writeBytes(dir / "huge.gz", nf::test::idxBytes({60000, 60000, 60000}, {1}), true);
    EXPECT_EQ(readError(dir / "huge.gz"),
              (dir / "huge.gz").string() +
                  ": truncated: header says 216000000000000 bytes of data, file has 1");
}

TEST(Idx, RejectsTrailingData)
{
    ScratchDir dir;
    for (bool gzip : {false, true}) {
        const auto path = dir / (gzip ? "long.gz" : "long");
        nf::test::writeBytes(path, nf::test::idxBytes({4}, kSixBytes), gzip);
        EXPECT_EQ(readError(path),
                  path.string() + ": trailing data: header says 4 bytes of data, file has 6");
    }
}

TEST(Idx, RejectsBadMagic)
{
    ScratchDir dir;
    nf::test::writeBytes(dir / "text.csv", "label,pixel0\n1,0\n");
    EXPECT_EQ(readError(dir / "text.csv"),
              (dir / "text.csv").string() + ": not an IDX file (bad magic number)");
    nf::test::writeBytes(dir / "tiny", std::string(2, '\0'), true);
    EXPECT_EQ(readError(dir / "tiny"), (dir / "tiny").string() + ": not an IDX file (bad magic number)");
}

TEST(Idx, RejectsTypesOtherThanUnsignedByte)
{
    ScratchDir dir;
    nf::test::writeBytes(dir / "floats", nf::test::idxBytes({1}, {0, 0, 0, 0}, 0x0D));
    EXPECT_EQ(readError(dir / "floats"),
              (dir / "floats").string() + ": IDX type 0x0D is not supported (only unsigned bytes, 0x08)");
}

TEST(Idx, RejectsZeroOrMoreThanFourDimensions)
{
    ScratchDir dir;
    nf::test::writeBytes(dir / "0d", nf::test::idxBytes({}, {}));
    nf::test::writeIdx(dir / "5d", {1, 1, 1, 1, 1}, {7});
    for (const char* name : {"0d", "5d"}) {
        const std::string message = readError(dir / name);
        EXPECT_TRUE(message.starts_with((dir / name).string() + ": IDX header has")) << message;
        EXPECT_NE(message.find("only 1 to 4 are supported"), std::string::npos) << message;
    }
}

TEST(Idx, RejectsMissingFile)
{
    ScratchDir dir;
    EXPECT_EQ(readError(dir / "absent.gz"), (dir / "absent.gz").string() + ": no such file");
}

TEST(Idx, RejectsCorruptGzip)
{
    ScratchDir dir;
    nf::test::writeIdx(dir / "good.gz", {6}, kSixBytes, true);
    std::string bytes;
    {
        std::ifstream in(dir / "good.gz", std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    std::string flipped = bytes;
    flipped[bytes.size() - 6] ^= 0x55; // inside the CRC-32 of the trailer
    nf::test::writeBytes(dir / "flipped.gz", flipped);
    nf::test::writeBytes(dir / "cut.gz", bytes.substr(0, bytes.size() - 10));
    nf::test::writeBytes(dir / "garbage.gz", std::string("\x1f\x8b") + std::string(40, 'x'));
    for (const char* name : {"flipped.gz", "cut.gz", "garbage.gz"}) {
        const std::string message = readError(dir / name);
        EXPECT_TRUE(message.starts_with((dir / name).string() + ": corrupt gzip data")) << message;
    }
}

TEST(Idx, ReadsFashionMnistTestImages)
{
    const std::filesystem::path path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << path << " is absent (apt-get install dataset-fashion-mnist)";
    const auto start = std::chrono::steady_clock::now();
    const auto array = readIdx(path);
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(array.dims, (std::vector<uint32_t>{10000, 28, 28}));
    EXPECT_EQ(array.data.size(), 10000u * 28 * 28);
    // A figure for the log, not an assertion: timings belong in bench/.
    std::printf("read %s in %.1f ms\n", path.c_str(), elapsed.count());
}
