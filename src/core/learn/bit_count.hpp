// bit_count.hpp — counting set bits in a Monotone lane's upper bitmap
// (lane.cpp): per word, and over runs of little-endian 64-bit words.
//
// The extension is built for the x86-64 baseline, which has no POPCNT
// instruction: there __builtin_popcount is a call into libgcc's table
// loop, which showed up in lookups' profiles.  A single word is counted
// with SWAR; the loops over many words run a copy compiled for POPCNT
// where the CPU has it (asked once), several times faster over a leaf's
// few hundred bitmap words.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ixcore {
namespace learn {

// Per-byte counts of set bits: byte i of the result counts byte i of w.
inline std::uint64_t byte_counts(std::uint64_t w) {
    w = w - ((w >> 1) & 0x5555555555555555u);
    w = (w & 0x3333333333333333u) + ((w >> 2) & 0x3333333333333333u);
    return (w + (w >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
}

inline unsigned popcount64(std::uint64_t w) {
    return static_cast<unsigned>((byte_counts(w) * 0x0101010101010101u) >> 56);
}

// Set bits in `words` words from p.
std::uint64_t count_ones(const std::uint8_t* p, std::uint64_t words);
// The word holding the k-th (from 0) set bit, or clear bit when !set,
// with *k reduced to its rank within that word; `words` if there are not
// that many.
std::uint32_t find_word_of_bit(const std::uint8_t* p, std::uint32_t words, bool set, std::uint64_t* k);

// The same loops without POPCNT, and whether the CPU has it: the tests
// compare the two paths (the dispatching ones take POPCNT where they can).
std::uint64_t count_ones_portable(const std::uint8_t* p, std::uint64_t words);
std::uint32_t find_word_of_bit_portable(const std::uint8_t* p, std::uint32_t words, bool set, std::uint64_t* k);
bool cpu_has_popcount();

}  // namespace learn
}  // namespace ixcore
