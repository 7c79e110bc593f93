// order_key.hpp — every type ixlearn indexes, mapped to an unsigned key
// whose order is the type's btree order (docs/ixlearn-format.md, "Order
// keys"), and the place of a column value in index order (NULLs before or
// after every value).  Pure arithmetic, no PostgreSQL header: the shim
// converts Datums with these.
#pragma once

#include <cstdint>
#include <cmath>
#include <cstring>

namespace ixcore {
namespace learn {

// A column value's place in index order: rank first (0: a NULL of a NULLS
// FIRST column, 1: a value, 2: a NULL of a NULLS LAST column), then the
// order key, 128 bits (hi is 0 for every type but uuid).  A DESC column
// stores the complement of the key, so index order is always ascending.
struct Pos {
    std::uint8_t rank;
    std::uint64_t hi, lo;
};
constexpr std::uint8_t kRankNullsFirst = 0;
constexpr std::uint8_t kRankValue = 1;
constexpr std::uint8_t kRankNullsLast = 2;

inline int compare(const Pos& a, const Pos& b) {
    if (a.rank != b.rank) return a.rank < b.rank ? -1 : 1;
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
    return 0;
}
inline bool operator<(const Pos& a, const Pos& b) { return compare(a, b) < 0; }
inline bool operator==(const Pos& a, const Pos& b) { return compare(a, b) == 0; }

constexpr Pos kPosMin{0, 0, 0};
constexpr Pos kPosMax{2, ~std::uint64_t{0}, ~std::uint64_t{0}};

// Signed integers of any width (int2, int4, int8, date, timestamp[tz]):
// the sign bit flipped.
inline std::uint64_t key_from_int(std::int64_t v) { return static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63); }
inline std::int64_t int_from_key(std::uint64_t k) { return static_cast<std::int64_t>(k ^ (std::uint64_t{1} << 63)); }

// Floats, as btree orders them: -Infinity < ... < -0 = 0 < ... < Infinity <
// NaN (every NaN equal).  -0 takes the key of 0 and sets *negative_zero, so
// that the stored value comes back as it was.  float4 values go through
// double (exact), so float4 and float8 share one key space.
constexpr std::uint64_t kNaNBits = 0x7ff8000000000000ULL;
inline std::uint64_t key_from_double(double d, bool* negative_zero) {
    std::uint64_t b;
    *negative_zero = false;
    if (d != d) {
        b = kNaNBits;
    } else {
        if (d == 0.0) {
            *negative_zero = std::signbit(d);
            d = 0.0;
        }
        std::memcpy(&b, &d, sizeof b);
    }
    return (b >> 63) ? ~b : (b | (std::uint64_t{1} << 63));
}
inline double double_from_key(std::uint64_t k, bool negative_zero) {
    const std::uint64_t b = (k >> 63) ? (k & ~(std::uint64_t{1} << 63)) : ~k;
    double d;
    std::memcpy(&d, &b, sizeof d);
    return negative_zero && d == 0.0 ? -0.0 : d;
}

// uuid: its 16 bytes big-endian (uuid_cmp is memcmp).
inline void key_from_uuid(const unsigned char* bytes, std::uint64_t* hi, std::uint64_t* lo) {
    std::uint64_t h = 0, l = 0;
    for (int i = 0; i < 8; ++i) h = (h << 8) | bytes[i];
    for (int i = 8; i < 16; ++i) l = (l << 8) | bytes[i];
    *hi = h;
    *lo = l;
}
inline void uuid_from_key(std::uint64_t hi, std::uint64_t lo, unsigned char* bytes) {
    for (int i = 7; i >= 0; --i, hi >>= 8) bytes[i] = static_cast<unsigned char>(hi);
    for (int i = 15; i >= 8; --i, lo >>= 8) bytes[i] = static_cast<unsigned char>(lo);
}

}  // namespace learn
}  // namespace ixcore
