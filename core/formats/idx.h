#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace nf::formats {

// An IDX array of unsigned bytes (MNIST, Fashion-MNIST): the dimensions from the header and the
// data in row-major order.
struct IdxArray
{
    std::vector<uint32_t> dims;
    std::vector<uint8_t> data;
};

// Reads an IDX file of type 0x08 (unsigned byte), gzip-compressed or raw (detected by content,
// not name). Checks the magic number, the type, the number of dimensions, and that the data is
// exactly as long as the header says. Throws nf::InputError naming the file and what is wrong.
IdxArray readIdx(const std::filesystem::path& path);

} // namespace nf::formats
