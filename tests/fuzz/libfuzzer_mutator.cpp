// libFuzzer's own mutations, then, half of the time, the target's repair of the framing.
#include "fuzz/fuzz_target.h"

#include <cstring>

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t maxSize);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t maxSize, unsigned int seed)
{
    size = LLVMFuzzerMutate(data, size, maxSize);
    if (seed % 2 == 0)
        return size;
    const std::string repaired =
        nf::fuzz::repair(std::string(reinterpret_cast<const char*>(data), size), seed / 2);
    if (repaired.size() > maxSize)
        return size;
    std::memcpy(data, repaired.data(), repaired.size());
    return repaired.size();
}
