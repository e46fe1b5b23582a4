// readIdx on arbitrary bytes as a file (raw or gzip, told apart by content): it must accept them
// or refuse them with an nf::InputError, without allocating what a lying header asks for; an
// accepted array holds exactly the bytes its dimensions say.
#include "core/idx_writer.h"
#include "formats/idx.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_target.h"

using nf::fuzz::promise;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto path = nf::fuzz::scratchFolder() / "images.idx";
    nf::fuzz::writeFile(path, std::string_view(reinterpret_cast<const char*>(data), size));
    nf::formats::IdxArray array;
    if (!nf::fuzz::acceptedOrRefused([&] { array = nf::formats::readIdx(path); }))
        return 0;
    promise(!array.dims.empty() && array.dims.size() <= 4, "1 to 4 dimensions");
    uint64_t elements = 1;
    for (const uint32_t dim : array.dims)
        elements *= dim;
    promise(elements == array.data.size(), "as many bytes as the dimensions say");
    return 0;
}

namespace nf::fuzz {

namespace {

std::string gzipped(const std::string& bytes)
{
    const auto path = scratchFolder() / "seed.idx.gz";
    nf::test::writeBytes(path, bytes, true);
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

std::vector<std::string> seeds()
{
    std::vector<uint8_t> pixels(2 * 3 * 4);
    for (size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = static_cast<uint8_t>(i * 37);
    const std::string images = nf::test::idxBytes({2, 3, 4}, pixels);
    const std::string labels = nf::test::idxBytes({5}, {9, 0, 3, 1, 7});
    const std::string scalar = nf::test::idxBytes({1, 1, 1, 1}, {42});
    const std::string empty = nf::test::idxBytes({0, 28, 28}, {});
    return {images, labels, scalar, empty, gzipped(images), gzipped(labels), gzipped(labels) + gzipped(scalar),
            nf::test::idxBytes({2}, {1, 2}, 0x0B)};
}

std::vector<std::string> dictionary()
{
    return {std::string("\0\0\x08\x01", 4), std::string("\0\0\x08\x04", 4), std::string("\0\0\x0D\x02", 4),
            std::string("\0\0\0\0", 4), std::string("\xff\xff\xff\xff", 4), std::string("\0\0\0\x1c", 4),
            std::string("\x00\x01\x00\x00", 4), "\x1f\x8b", std::string("\x1f\x8b\x08\0", 4)};
}

std::string repair(std::string input, uint64_t)
{
    return input;
}

} // namespace nf::fuzz
