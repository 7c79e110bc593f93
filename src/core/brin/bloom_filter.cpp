// bloom_filter.cpp — sizing, bit positions, and the sorted hash set.
#include "core/brin/bloom_filter.hpp"

#include <algorithm>
#include <cmath>

namespace ixcore {
namespace brin {

namespace {

std::uint32_t mix32(std::uint32_t x) {
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    x ^= x >> 16;
    return x;
}

}  // namespace

BloomShape bloom_shape(double ndistinct, double false_positive_rate) {
    const double ln2 = std::log(2.0);
    const double n = std::max(1.0, ndistinct);
    double m = std::ceil(-n * std::log(false_positive_rate) / (ln2 * ln2));
    m = std::max(8.0, std::ceil(m / 8) * 8);
    const double k = std::round(m / n * ln2);
    BloomShape s;
    s.nbits = static_cast<std::uint32_t>(m);
    s.k = static_cast<std::uint8_t>(std::min(16.0, std::max(1.0, k)));
    return s;
}

std::uint32_t bloom_bit(std::uint32_t hash, std::uint32_t i, std::uint32_t nbits) {
    const std::uint32_t h1 = mix32(hash ^ 0x9e3779b9u);
    const std::uint32_t h2 = mix32(hash + 0x7f4a7c15u) | 1u;
    return static_cast<std::uint32_t>((h1 + static_cast<std::uint64_t>(i) * h2) % nbits);
}

void bloom_set_bits(std::uint8_t* bitmap, const BloomShape& s, std::uint32_t hash) {
    for (std::uint32_t i = 0; i < s.k; ++i) {
        const std::uint32_t b = bloom_bit(hash, i, s.nbits);
        bitmap[b / 8] = static_cast<std::uint8_t>(bitmap[b / 8] | (1u << (b % 8)));
    }
}

bool bloom_has_bits(const std::uint8_t* bitmap, const BloomShape& s, std::uint32_t hash) {
    for (std::uint32_t i = 0; i < s.k; ++i) {
        const std::uint32_t b = bloom_bit(hash, i, s.nbits);
        if (!((bitmap[b / 8] >> (b % 8)) & 1u))
            return false;
    }
    return true;
}

bool hash_set_insert(std::uint32_t* set, std::uint32_t* n, std::uint32_t hash) {
    std::uint32_t* at = std::lower_bound(set, set + *n, hash);
    if (at != set + *n && *at == hash)
        return false;
    std::copy_backward(at, set + *n, set + *n + 1);
    *at = hash;
    ++*n;
    return true;
}

bool hash_set_contains(const std::uint32_t* set, std::uint32_t n, std::uint32_t hash) {
    return std::binary_search(set, set + n, hash);
}

}  // namespace brin
}  // namespace ixcore
