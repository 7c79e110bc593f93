// bloom_filter.hpp — the bloom summaries of ixbrin (docs/ixbrin-format.md):
// sized from the distinct values a range may hold and a target
// false-positive rate as BRIN's bloom opclasses are, kept first as a sorted
// set of 32-bit hashes (exact, and small for a range of few values) and
// turned into a bitmap when the set would take more bytes than the bitmap.
// Pure C++ over caller-owned memory.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ixcore {
namespace brin {

struct BloomShape {
    std::uint32_t nbits;  // a multiple of 8
    std::uint8_t k;       // bits per value
};

// m = ceil(-n ln p / (ln 2)^2) rounded up to a byte, k = round(m / n ln 2)
// within [1, 16]; n >= 1, 0 < p < 1.
BloomShape bloom_shape(double ndistinct, double false_positive_rate);

// Hashes a sorted set may hold before the bitmap takes fewer bytes.
inline std::uint32_t bloom_set_capacity(const BloomShape& s) { return s.nbits / 8 / 4; }

// Bit i of the bitmap for a value's 32-bit hash, i = 0..k-1 (double hashing
// over two mixes of the hash; the step is odd, so every bit is reachable
// when nbits is a power of two, and well spread otherwise).
std::uint32_t bloom_bit(std::uint32_t hash, std::uint32_t i, std::uint32_t nbits);

void bloom_set_bits(std::uint8_t* bitmap, const BloomShape& s, std::uint32_t hash);
bool bloom_has_bits(const std::uint8_t* bitmap, const BloomShape& s, std::uint32_t hash);

// A sorted set of distinct hashes: insert (n < capacity: the caller turns
// it into a bitmap first when full), find.
bool hash_set_insert(std::uint32_t* set, std::uint32_t* n, std::uint32_t hash);  // true if added
bool hash_set_contains(const std::uint32_t* set, std::uint32_t n, std::uint32_t hash);

}  // namespace brin
}  // namespace ixcore
