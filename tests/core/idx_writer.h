#pragma once

// Tiny IDX fixtures written by the tests themselves, raw or gzip-compressed. Header-only; a test
// target that includes it links ZLIB::ZLIB.

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nf::test {

// The bytes of an IDX file: magic (0, 0, type, number of dims), big-endian dims, then data. The
// data need not match the dims, so tests can build truncated or overlong files.
inline std::string idxBytes(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data,
                            uint8_t type = 0x08)
{
    std::string bytes = {0, 0, static_cast<char>(type), static_cast<char>(dims.size())};
    for (uint32_t dim : dims) {
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.push_back(static_cast<char>((dim >> shift) & 0xff));
    }
    bytes.append(data.begin(), data.end());
    return bytes;
}

// Writes bytes to path, gzip-compressed when asked.
inline void writeBytes(const std::filesystem::path& path, std::string_view bytes, bool gzip = false)
{
    if (!gzip) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out)
            throw std::runtime_error("cannot write " + path.string());
        return;
    }
    gzFile out = gzopen(path.c_str(), "wb");
    if (!out)
        throw std::runtime_error("cannot open " + path.string() + " for gzip writing");
    const bool written = bytes.empty() || gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())) ==
                                              static_cast<int>(bytes.size());
    if (gzclose(out) != Z_OK || !written)
        throw std::runtime_error("cannot write " + path.string());
}

// Writes an IDX file of unsigned bytes (type 0x08) with the given dims and data.
inline void writeIdx(const std::filesystem::path& path, const std::vector<uint32_t>& dims,
                     const std::vector<uint8_t>& data, bool gzip = false)
{
    writeBytes(path, idxBytes(dims, data), gzip);
}

// Writes images [n, rows, cols] and labels [n] as a pair of IDX files, e.g. for "idx:IMAGES,LABELS".
// The pixels follow a fixed pattern, so two calls write identical files.
inline void writeImageTask(const std::filesystem::path& images, const std::filesystem::path& labels,
                           uint32_t rows, uint32_t cols, const std::vector<uint8_t>& labelValues,
                           bool gzip = false)
{
    const auto n = static_cast<uint32_t>(labelValues.size());
    std::vector<uint8_t> pixels(size_t{n} * rows * cols);
    for (size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = static_cast<uint8_t>((i * 37) % 256);
    writeIdx(images, {n, rows, cols}, pixels, gzip);
    writeIdx(labels, {n}, labelValues, gzip);
}

} // namespace nf::test
