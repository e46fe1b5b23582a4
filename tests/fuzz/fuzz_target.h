#pragma once

// What a fuzz target file defines: LLVMFuzzerTestOneInput (run on one input; it returns normally
// for input the parser accepts or refuses as it should, and lets anything else escape), and the
// three functions below, which the g++ driver (fuzz_driver.cpp) and the libFuzzer build use to
// start from valid inputs and to mutate them usefully. CMake: nf_fuzz_target in CMakeLists.txt.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace nf::fuzz {

// Valid inputs that reach every part of the parser; mutations start from them.
std::vector<std::string> seeds();

// Tokens of the format worth splicing into an input (keys, type names, brackets, odd numbers).
std::vector<std::string> dictionary();

// The input with its framing made consistent again after a mutation (a length prefix that
// matches its JSON), so that mutations reach the checks past the framing; `random` picks among
// ways to repair. Return `input` unchanged where the format has no framing.
std::string repair(std::string input, uint64_t random);

} // namespace nf::fuzz
