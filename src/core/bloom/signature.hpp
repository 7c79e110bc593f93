// signature.hpp — ixbloom's signature math: which bits a value sets,
// how long a signature must be for a target false-positive rate, and the
// query predicate over signatures.  Pure C++; see docs/ixbloom-format.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace ixcore {
namespace bloom {

constexpr int kMaxColumns = 32;
constexpr int kMinSignatureBits = 16;
constexpr int kMaxSignatureBits = 4096;
constexpr int kMaxColumnBits = 4095;
constexpr int kDefaultSignatureBits = 80;  // contrib bloom's default
constexpr int kDefaultColumnBits = 2;      // contrib bloom's default

// murmur3's 32-bit finaliser: a fast bijective mix.
inline std::uint32_t mix32(std::uint32_t x) {
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    x ^= x >> 16;
    return x;
}

// The hash that stands for NULL, before seeding (NULLs also take their own
// seed, so no value's hash can map to the NULL bits by construction).
constexpr std::uint32_t kNullHash = 0x5bd1e995u;

// The shape frozen at CREATE INDEX: signature length and bits per column.
struct SignatureShape {
    int bits = kDefaultSignatureBits;    // L, a multiple of 16
    int ncols = 0;
    int col_bits[kMaxColumns] = {};      // k_i

    int words() const { return bits / 16; }
};

// Round a requested length up to a multiple of 16, as contrib bloom does.
int round_signature_bits(int requested);

// The shape meeting false-positive rate p for a single-column equality
// query on an index of ncols columns (docs/ixbloom-format.md).  p in (0, 1).
SignatureShape shape_for_false_positive_rate(double p, int ncols);

// The expected false-positive rate of an equality query on column col, when
// every row sets all its columns' bits (a full signature).
double expected_false_positive_rate(const SignatureShape& shape, int col);

// Call f(bit) for the k_col bit positions of a value (or NULL) in column col.
// Each position is its own mix of the seeded hash: double hashing
// (a + j*b mod L) was tried first, but with an even L an odd step alternates
// the parity of the bits, halving the pairs a value can set and raising the
// false-positive rate measurably (bench/ixbloom_bench.sh).
template <class F>
void for_each_bit(const SignatureShape& shape, int col, std::uint32_t hash, bool isnull, F&& f) {
    const std::uint32_t seed = mix32(0x9e3779b9u * static_cast<std::uint32_t>(col + 1)) ^ (isnull ? 0xa5a5a5a5u : 0u);
    const std::uint32_t a = mix32((isnull ? kNullHash : hash) ^ seed);
    const std::uint32_t L = static_cast<std::uint32_t>(shape.bits);
    // Multiply-shift maps a 32-bit hash onto [0, L) without a division: a
    // division per bit was a measurable share of CREATE INDEX.
    for (int j = 0; j < shape.col_bits[col]; ++j) {
        const std::uint64_t h = mix32(a + static_cast<std::uint32_t>(j) * 0x9e3779b9u);
        f(static_cast<int>((h * L) >> 32));
    }
}

// Row-major signatures: shape.words() uint16 words, bit b in word b / 16.
inline void set_signature_bit(std::uint16_t* words, int bit) {
    words[bit / 16] = static_cast<std::uint16_t>(words[bit / 16] | (1u << (bit % 16)));
}

// Set a value's bits in a row-major signature.
inline void add_to_signature(const SignatureShape& shape, int col, std::uint32_t hash, bool isnull,
                             std::uint16_t* words) {
    for_each_bit(shape, col, hash, isnull, [&](int bit) { set_signature_bit(words, bit); });
}

inline bool signature_has_bit(const std::uint16_t* words, int bit) {
    return (words[bit / 16] >> (bit % 16)) & 1u;
}

// A query: an AND of clauses; a clause is an OR of alternatives (one per
// element of col = ANY(array), one for col = value or col IS NULL); an
// alternative is the AND of its bits.  A clause without alternatives (an
// empty array) matches nothing.  Stored flat so that the shim can keep it in
// palloc'd memory: Alloc is std::allocator in tests, ixpg::PallocAllocator
// in the server.
template <template <class> class Alloc = std::allocator>
struct BasicPredicate {
    std::vector<std::uint16_t, Alloc<std::uint16_t>> bits;        // every alternative's bits, in order
    std::vector<std::uint32_t, Alloc<std::uint32_t>> alt_end;     // end of alternative i in bits
    std::vector<std::uint32_t, Alloc<std::uint32_t>> clause_end;  // end of clause j in alt_end

    void begin_clause() { clause_end.push_back(static_cast<std::uint32_t>(alt_end.size())); }

    // Add the bits of a value (or NULL) of column col as an alternative of
    // the clause begun last.
    void add_alternative(const SignatureShape& shape, int col, std::uint32_t hash, bool isnull) {
        for_each_bit(shape, col, hash, isnull, [&](int bit) { bits.push_back(static_cast<std::uint16_t>(bit)); });
        alt_end.push_back(static_cast<std::uint32_t>(bits.size()));
        clause_end.back() = static_cast<std::uint32_t>(alt_end.size());
    }

    std::size_t clause_count() const { return clause_end.size(); }

    std::uint32_t alt_begin_bit(std::uint32_t alt) const { return alt == 0 ? 0 : alt_end[alt - 1]; }

    // Does a row-major signature satisfy the predicate?
    bool matches(const std::uint16_t* words) const {
        std::uint32_t alt = 0;
        for (std::uint32_t clause_stop : clause_end) {
            bool any = false;
            for (; alt < clause_stop && !any; ++alt) {
                bool all = true;
                for (std::uint32_t i = alt_begin_bit(alt); i < alt_end[alt] && all; ++i)
                    all = signature_has_bit(words, bits[i]);
                any = all;
            }
            if (!any)
                return false;
            alt = clause_stop;
        }
        return true;
    }
};

using Predicate = BasicPredicate<>;

}  // namespace bloom
}  // namespace ixcore
