#include "formats/idx.h"

#include "common/error.h"
#include "common/paths.h"

#include <climits>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace nf::formats {
namespace {

constexpr uint8_t kUnsignedByteType = 0x08;
constexpr int kMaxDims = 4;
// deflate cannot compress better than about 1032:1; a header promising more data than that
// is lying, and we must not allocate what it asks for.
constexpr uint64_t kMaxDeflateRatio = 1100;

std::string where(const std::filesystem::path& path)
{
    return path.string() + ": ";
}

std::vector<uint8_t> readWholeFile(const std::filesystem::path& path)
{
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status))
        throw InputError(where(path) + "no such file");
    if (std::filesystem::is_directory(status))
        throw InputError(where(path) + "is a directory, not an IDX file");
    requireRegularFile(path, "IDX file");
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file)
        throw InputError(where(path) + "cannot be read: " + std::strerror(errno));
    // Grows past the stat size if the file does (a pipe, a file still being written).
    std::vector<uint8_t> bytes(std::filesystem::file_size(path, ec) + 1);
    size_t used = 0;
    while (true) {
        used += std::fread(bytes.data() + used, 1, bytes.size() - used, file.get());
        if (used < bytes.size())
            break;
        bytes.resize(bytes.size() * 2);
    }
    if (std::ferror(file.get()))
        throw InputError(where(path) + "read error");
    bytes.resize(used);
    return bytes;
}

bool isGzip(const std::vector<uint8_t>& bytes, size_t offset = 0)
{
    return bytes.size() >= offset + 2 && bytes[offset] == 0x1f && bytes[offset + 1] == 0x8b;
}

// The bytes of a raw file, read in order.
class RawReader
{
public:
    explicit RawReader(const std::vector<uint8_t>& bytes) : m_bytes(bytes) {}

    size_t read(uint8_t* out, size_t count)
    {
        const size_t n = std::min(count, m_bytes.size() - m_offset);
        if (n > 0) // an empty array's data() may be null, which memcpy must not get even for 0 bytes
            std::memcpy(out, m_bytes.data() + m_offset, n);
        m_offset += n;
        return n;
    }
    uint64_t skipRest()
    {
        const size_t n = m_bytes.size() - m_offset;
        m_offset = m_bytes.size();
        return n;
    }
    // The most bytes that read() could still return.
    uint64_t upperBound() const { return m_bytes.size() - m_offset; }

private:
    const std::vector<uint8_t>& m_bytes;
    size_t m_offset = 0;
};

// The uncompressed bytes of a gzip file held in memory, inflated on demand straight into the
// caller's buffer (no second copy of a 47 MB training set). Concatenated gzip members are one
// stream, as gzip(1) treats them.
class GzipReader
{
public:
    GzipReader(const std::vector<uint8_t>& compressed, const std::filesystem::path& path)
        : m_compressed(compressed), m_path(path)
    {
        // 16 + MAX_WBITS: expect a gzip header and check the CRC and length in its trailer.
        if (inflateInit2(&m_stream, 16 + MAX_WBITS) != Z_OK)
            throw InputError(where(m_path) + "cannot start gzip decompression");
    }
    ~GzipReader() { inflateEnd(&m_stream); }
    GzipReader(const GzipReader&) = delete;
    GzipReader& operator=(const GzipReader&) = delete;

    size_t read(uint8_t* out, size_t count)
    {
        size_t produced = 0;
        while (produced < count && !m_ended) {
            refillInput();
            const uInt room = static_cast<uInt>(std::min<size_t>(count - produced, UINT_MAX));
            m_stream.next_out = out + produced;
            m_stream.avail_out = room;
            const int status = inflate(&m_stream, Z_NO_FLUSH);
            produced += room - m_stream.avail_out;
            handle(status);
        }
        return produced;
    }
    uint64_t skipRest()
    {
        uint64_t skipped = 0;
        std::vector<uint8_t> scratch(1 << 16);
        while (!m_ended)
            skipped += read(scratch.data(), scratch.size());
        return skipped;
    }
    uint64_t upperBound() const { return (m_compressed.size() + 1024) * kMaxDeflateRatio; }

private:
    void refillInput()
    {
        if (m_stream.avail_in > 0 || m_fed == m_compressed.size())
            return;
        const size_t n = std::min<size_t>(m_compressed.size() - m_fed, UINT_MAX);
        m_stream.next_in = const_cast<Bytef*>(m_compressed.data() + m_fed);
        m_stream.avail_in = static_cast<uInt>(n);
        m_fed += n;
    }
    size_t consumed() const { return m_fed - m_stream.avail_in; }

    void handle(int status)
    {
        if (status == Z_OK)
            return;
        if (status == Z_STREAM_END) {
            if (consumed() == m_compressed.size()) {
                m_ended = true;
            } else if (isGzip(m_compressed, consumed())) {
                inflateReset(&m_stream);
            } else {
                throw corrupt("bytes after the end of the compressed stream");
            }
            return;
        }
        if (status == Z_BUF_ERROR && m_stream.avail_in == 0 && m_fed == m_compressed.size())
            throw corrupt("the compressed stream ends early; the file may be truncated");
        throw corrupt(m_stream.msg ? m_stream.msg : "zlib error " + std::to_string(status));
    }
    InputError corrupt(const std::string& detail) const
    {
        return InputError(where(m_path) + "corrupt gzip data (" + detail + ")");
    }

    const std::vector<uint8_t>& m_compressed;
    const std::filesystem::path& m_path;
    z_stream m_stream{};
    size_t m_fed = 0;
    bool m_ended = false;
};

bool isKnownIdxType(uint8_t type)
{
    // 0x08 ubyte, 0x09 sbyte, 0x0B short, 0x0C int, 0x0D float, 0x0E double.
    return type == 0x08 || type == 0x09 || (type >= 0x0B && type <= 0x0E);
}

std::string hexByte(uint8_t value)
{
    char text[8];
    std::snprintf(text, sizeof text, "0x%02X", static_cast<unsigned>(value));
    return text;
}

template <class Reader> IdxArray parseIdx(Reader& reader, const std::filesystem::path& path)
{
    uint8_t magic[4] = {};
    if (reader.read(magic, 4) < 4 || magic[0] != 0 || magic[1] != 0 || !isKnownIdxType(magic[2]))
        throw InputError(where(path) + "not an IDX file (bad magic number)");
    if (magic[2] != kUnsignedByteType)
        throw InputError(where(path) + "IDX type " + hexByte(magic[2]) +
                         " is not supported (only unsigned bytes, 0x08)");
    const int ndims = magic[3];
    if (ndims < 1 || ndims > kMaxDims)
        throw InputError(where(path) + "IDX header has " + std::to_string(ndims) +
                         " dimensions; only 1 to 4 are supported");

    IdxArray array;
    uint64_t expected = 1;
    bool overflow = false;
    for (int i = 0; i < ndims; ++i) {
        uint8_t b[4];
        if (reader.read(b, 4) < 4)
            throw InputError(where(path) + "truncated: the header ends before its " + std::to_string(ndims) +
                             " dimensions");
        const uint32_t dim = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
        array.dims.push_back(dim);
        overflow = overflow || __builtin_mul_overflow(expected, uint64_t{dim}, &expected);
    }
    if (overflow)
        throw InputError(where(path) + "IDX dimensions are too large to be real");

    const auto truncated = [&](uint64_t actual) {
        return InputError(where(path) + "truncated: header says " + std::to_string(expected) +
                          " bytes of data, file has " + std::to_string(actual));
    };
    // Checked before allocating, so a corrupt header cannot ask for terabytes.
    if (expected > reader.upperBound())
        throw truncated(reader.skipRest());
    array.data.resize(expected);
    const size_t got = reader.read(array.data.data(), array.data.size());
    if (got < expected)
        throw truncated(got);
    if (const uint64_t extra = reader.skipRest(); extra > 0)
        throw InputError(where(path) + "trailing data: header says " + std::to_string(expected) +
                         " bytes of data, file has " + std::to_string(expected + extra));
    return array;
}

} // namespace

IdxArray readIdx(const std::filesystem::path& path)
{
    const std::vector<uint8_t> bytes = readWholeFile(path);
    if (isGzip(bytes)) {
        GzipReader reader(bytes, path);
        return parseIdx(reader, path);
    }
    RawReader reader(bytes);
    return parseIdx(reader, path);
}

} // namespace nf::formats
