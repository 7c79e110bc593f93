// learn_leaf_test.cpp — ixlearn's order keys, leaf codec (round trips, the
// pending area, damaged leaves) and learned directory (routing against a
// brute-force reference, damaged directories).  Every buffer handed to a
// parser is exactly as long as the data it holds, so the sanitizer build
// reports any read past it.
#include "core/learn/directory.hpp"
#include "core/learn/leaf.hpp"
#include "core/learn/order_key.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <vector>

namespace {

using namespace ixcore::learn;
using Words = std::vector<std::uint64_t>;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

int sign(int c) { return (c > 0) - (c < 0); }
int cmp_u64(std::uint64_t a, std::uint64_t b) { return (a > b) - (a < b); }

// ===========================================================================
// Order keys
// ===========================================================================

// Integers: the sign flip round-trips and keeps order, extremes included.
TEST(LearnOrderKey, IntEdges) {
    const std::int64_t edges[] = {std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<std::int64_t>::min() + 1,
                                  std::numeric_limits<std::int32_t>::min(),
                                  std::numeric_limits<std::int16_t>::min(),
                                  -2,
                                  -1,
                                  0,
                                  1,
                                  2,
                                  std::numeric_limits<std::int16_t>::max(),
                                  std::numeric_limits<std::int32_t>::max(),
                                  std::numeric_limits<std::int64_t>::max() - 1,
                                  std::numeric_limits<std::int64_t>::max()};
    for (std::int64_t v : edges)
        EXPECT_EQ(int_from_key(key_from_int(v)), v);
    for (std::size_t i = 0; i + 1 < sizeof edges / sizeof edges[0]; ++i)
        EXPECT_LT(key_from_int(edges[i]), key_from_int(edges[i + 1])) << edges[i];
    EXPECT_EQ(key_from_int(std::numeric_limits<std::int64_t>::min()), 0u);
    EXPECT_EQ(key_from_int(std::numeric_limits<std::int64_t>::max()), kMax);
    EXPECT_EQ(key_from_int(0), std::uint64_t{1} << 63);
    EXPECT_EQ(key_from_int(-1), (std::uint64_t{1} << 63) - 1);
}

// Integers: random pairs (full range and small magnitudes) keep their order.
TEST(LearnOrderKey, IntRandomPairs) {
    std::mt19937_64 rng(11);
    for (int i = 0; i < 200000; ++i) {
        std::int64_t a = static_cast<std::int64_t>(rng()), b = static_cast<std::int64_t>(rng());
        if (i % 2) {
            a = static_cast<std::int64_t>(rng() % 2001) - 1000;
            b = static_cast<std::int64_t>(rng() % 2001) - 1000;
        }
        ASSERT_EQ(sign(cmp_u64(key_from_int(a), key_from_int(b))), (a > b) - (a < b)) << a << " " << b;
        ASSERT_EQ(int_from_key(key_from_int(a)), a);
        ASSERT_EQ(key_from_int(int_from_key(static_cast<std::uint64_t>(a))), static_cast<std::uint64_t>(a));
    }
}

double bits_to_double(std::uint64_t b) {
    double d;
    std::memcpy(&d, &b, 8);
    return d;
}
std::uint64_t double_bits(double d) {
    std::uint64_t b;
    std::memcpy(&b, &d, 8);
    return b;
}

// btree's float8 comparison: NaN equals NaN and is above everything, -0 = 0.
template <class F>
int btree_float_cmp(F a, F b) {
    const bool na = std::isnan(a), nb = std::isnan(b);
    if (na || nb) return na && nb ? 0 : na ? 1 : -1;
    return (a > b) - (a < b);
}

std::uint64_t dkey(double d) {
    bool nz;
    return key_from_double(d, &nz);
}

// Floats: -Inf < negatives < -0 = 0 < positives < Inf < NaN, strictly.
TEST(LearnOrderKey, DoubleOrderLadder) {
    const double inf = std::numeric_limits<double>::infinity();
    const double ladder[] = {-inf,
                             -std::numeric_limits<double>::max(),
                             -1e300,
                             -1.5,
                             -1.0,
                             -std::numeric_limits<double>::min(),
                             -std::numeric_limits<double>::denorm_min(),
                             0.0,
                             std::numeric_limits<double>::denorm_min(),
                             std::numeric_limits<double>::min(),
                             1.0,
                             1.5,
                             1e300,
                             std::numeric_limits<double>::max(),
                             inf,
                             std::numeric_limits<double>::quiet_NaN()};
    for (std::size_t i = 0; i + 1 < sizeof ladder / sizeof ladder[0]; ++i)
        EXPECT_LT(dkey(ladder[i]), dkey(ladder[i + 1])) << ladder[i] << " vs " << ladder[i + 1];
    EXPECT_EQ(dkey(-0.0), dkey(0.0));
}

// Every NaN (any payload, either sign, signalling or quiet) is one key, above +Inf.
TEST(LearnOrderKey, AllNaNsEqual) {
    const std::uint64_t payloads[] = {0x7ff8000000000000ULL, 0xfff8000000000000ULL, 0x7ff0000000000001ULL,
                                      0xfff0000000000001ULL, 0x7fffffffffffffffULL, 0xffffffffffffffffULL,
                                      0xfff8000000000123ULL, 0x7ff4000000abcdefULL};
    const std::uint64_t inf_key = dkey(std::numeric_limits<double>::infinity());
    for (std::uint64_t p : payloads) {
        const double d = bits_to_double(p);
        ASSERT_TRUE(std::isnan(d));
        bool nz = true;
        const std::uint64_t k = key_from_double(d, &nz);
        EXPECT_FALSE(nz);
        EXPECT_EQ(k, dkey(std::numeric_limits<double>::quiet_NaN())) << std::hex << p;
        EXPECT_GT(k, inf_key);
        EXPECT_TRUE(std::isnan(double_from_key(k, false)));
    }
}

// -0 sets the flag and comes back with its sign; +0 does not.
TEST(LearnOrderKey, NegativeZeroFlag) {
    bool nz = false;
    const std::uint64_t k = key_from_double(-0.0, &nz);
    EXPECT_TRUE(nz);
    EXPECT_TRUE(std::signbit(double_from_key(k, nz)));
    EXPECT_EQ(double_from_key(k, nz), 0.0);
    nz = true;
    const std::uint64_t k0 = key_from_double(0.0, &nz);
    EXPECT_FALSE(nz);
    EXPECT_EQ(k0, k);
    EXPECT_FALSE(std::signbit(double_from_key(k0, false)));
    // The flag only affects zero.
    EXPECT_EQ(double_from_key(dkey(-2.5), true), -2.5);
    EXPECT_EQ(double_from_key(dkey(3.0), true), 3.0);
}

// Random bit patterns: key order equals btree order; values round-trip bit-exactly.
TEST(LearnOrderKey, DoubleRandomPairs) {
    std::mt19937_64 rng(12);
    auto draw = [&]() {
        switch (rng() % 4) {
            case 0: return bits_to_double(rng());
            case 1: return static_cast<double>(static_cast<std::int64_t>(rng() % 2001) - 1000) / 8;
            case 2: return bits_to_double((rng() % 2 ? 0x8000000000000000ULL : 0) | (rng() % 5));  // zeros, denormals
            default: return bits_to_double((rng() % 2 ? 0xfff0000000000000ULL : 0x7ff0000000000000ULL) | (rng() % 3));
        }
    };
    for (int i = 0; i < 200000; ++i) {
        const double a = draw(), b = draw();
        bool nza, nzb;
        const std::uint64_t ka = key_from_double(a, &nza), kb = key_from_double(b, &nzb);
        ASSERT_EQ(sign(cmp_u64(ka, kb)), btree_float_cmp(a, b)) << a << " " << b;
        const double back = double_from_key(ka, nza);
        if (std::isnan(a))
            ASSERT_TRUE(std::isnan(back));
        else
            ASSERT_EQ(double_bits(back), double_bits(a)) << a;
    }
}

// float4 goes through double exactly: order and bits survive.
TEST(LearnOrderKey, FloatThroughDouble) {
    std::mt19937_64 rng(13);
    auto draw = [&]() {
        std::uint32_t b = static_cast<std::uint32_t>(rng());
        if (rng() % 4 == 0) b = (b & 0x80000000u) | static_cast<std::uint32_t>(rng() % 4);  // zeros, denormals
        if (rng() % 8 == 0) b = (b & 0x80000000u) | 0x7f800000u | static_cast<std::uint32_t>(rng() % 2);  // inf, NaN
        float f;
        std::memcpy(&f, &b, 4);
        return f;
    };
    for (int i = 0; i < 200000; ++i) {
        const float a = draw(), b = draw();
        bool nza, nzb;
        const std::uint64_t ka = key_from_double(static_cast<double>(a), &nza);
        const std::uint64_t kb = key_from_double(static_cast<double>(b), &nzb);
        ASSERT_EQ(sign(cmp_u64(ka, kb)), btree_float_cmp(a, b)) << a << " " << b;
        const float back = static_cast<float>(double_from_key(ka, nza));
        if (std::isnan(a)) {
            ASSERT_TRUE(std::isnan(back));
        } else {
            std::uint32_t x, y;
            std::memcpy(&x, &a, 4);
            std::memcpy(&y, &back, 4);
            ASSERT_EQ(x, y);
        }
    }
}

// uuid: (hi, lo) order is memcmp order; bytes round-trip.
TEST(LearnOrderKey, UuidIsMemcmpOrder) {
    std::mt19937_64 rng(14);
    for (int i = 0; i < 100000; ++i) {
        unsigned char a[16], b[16];
        for (auto& c : a) c = static_cast<unsigned char>(rng());
        std::memcpy(b, a, 16);
        // Differ at one random byte (or not at all), so that every byte position decides sometimes.
        if (rng() % 17 != 0) b[rng() % 16] = static_cast<unsigned char>(rng());
        std::uint64_t ah, al, bh, bl;
        key_from_uuid(a, &ah, &al);
        key_from_uuid(b, &bh, &bl);
        const int want = sign(std::memcmp(a, b, 16));
        const int got = ah != bh ? sign(cmp_u64(ah, bh)) : sign(cmp_u64(al, bl));
        ASSERT_EQ(got, want);
        unsigned char back[16];
        uuid_from_key(ah, al, back);
        ASSERT_EQ(std::memcmp(back, a, 16), 0);
    }
    const unsigned char first[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                     0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
    std::uint64_t h, l;
    key_from_uuid(first, &h, &l);
    EXPECT_EQ(h, 0x0123456789abcdefULL);  // big-endian
    EXPECT_EQ(l, 0xfedcba9876543210ULL);
}

// Pos: rank decides, then hi, then lo.
TEST(LearnOrderKey, PosCompare) {
    EXPECT_EQ(compare(Pos{1, 5, 5}, Pos{1, 5, 5}), 0);
    EXPECT_TRUE((Pos{1, 5, 5} == Pos{1, 5, 5}));
    EXPECT_LT(compare(Pos{0, kMax, kMax}, Pos{1, 0, 0}), 0);
    EXPECT_GT(compare(Pos{2, 0, 0}, Pos{1, kMax, kMax}), 0);
    EXPECT_LT(compare(Pos{1, 1, kMax}, Pos{1, 2, 0}), 0);
    EXPECT_GT(compare(Pos{1, 2, 1}, Pos{1, 2, 0}), 0);
    EXPECT_TRUE((Pos{1, 2, 0} < Pos{1, 2, 1}));
    EXPECT_FALSE((Pos{1, 2, 1} < Pos{1, 2, 1}));
    std::mt19937_64 rng(15);
    for (int i = 0; i < 10000; ++i) {
        const Pos p{static_cast<std::uint8_t>(rng() % 3), rng() % 3 ? rng() : 0, rng()};
        EXPECT_LE(compare(kPosMin, p), 0);
        EXPECT_GE(compare(kPosMax, p), 0);
        EXPECT_EQ(compare(p, p), 0);
        const Pos q{static_cast<std::uint8_t>(rng() % 3), rng() % 3, rng() % 3};
        const int want = p.rank != q.rank ? (p.rank < q.rank ? -1 : 1)
                         : p.hi != q.hi   ? cmp_u64(p.hi, q.hi)
                                          : cmp_u64(p.lo, q.lo);
        EXPECT_EQ(compare(p, q), want);
        EXPECT_EQ(compare(q, p), -want);
    }
}

// ===========================================================================
// Leaves: helpers
// ===========================================================================

// Entries in memory: n × stride words sorted by their key words (unique),
// include_start a prefix sum into `inc`.
struct Entries {
    LeafShape shape{1, false};
    Words w;
    Bytes inc;

    std::uint32_t n() const { return static_cast<std::uint32_t>(w.size() / shape.stride()); }
    const std::uint64_t* at(std::uint32_t i) const { return w.data() + static_cast<std::size_t>(i) * shape.stride(); }
    std::uint64_t* at(std::uint32_t i) { return w.data() + static_cast<std::size_t>(i) * shape.stride(); }
    std::size_t include_total() const {
        std::size_t t = 0;
        for (std::uint32_t i = 0; i < n(); ++i) t += at(i)[shape.w_include_len()];
        return t;
    }
};

// How keys are drawn: `spread` (0: any 64-bit value) bounds the first
// column's lo so that first columns repeat; `wide` draws hi words too.
struct KeyStyle {
    std::uint64_t spread;
    bool wide;
};

KeyStyle random_style(std::mt19937_64& rng) {
    static const std::uint64_t spreads[] = {0, 3, 50, 1000000};
    return KeyStyle{spreads[rng() % 4], rng() % 4 == 0};
}

// One random entry's words (include_start left 0).
Words random_entry(std::mt19937_64& rng, const LeafShape& s, const KeyStyle& style) {
    Words e(s.stride(), 0);
    for (std::uint32_t c = 0; c < s.nkeys; ++c) {
        const std::uint64_t r = rng() % 16;
        const std::uint64_t rank = r == 0 ? kRankNullsFirst : r == 1 ? kRankNullsLast : kRankValue;
        e[3 * c] = rank;
        if (rank != kRankValue) continue;  // a NULL: key words 0
        const std::uint64_t spread = c == 0 ? style.spread : 4;
        e[3 * c + 1] = style.wide ? (rng() % 2 ? rng() : rng() % 3) : 0;
        e[3 * c + 2] = spread == 0 ? rng() : rng() % spread;
    }
    switch (rng() % 4) {
        case 0: e[s.w_block()] = 0; break;
        case 1: e[s.w_block()] = 0xFFFFFFFFu; break;
        case 2: e[s.w_block()] = rng() % 100; break;
        default: e[s.w_block()] = rng() & 0xFFFFFFFFu; break;
    }
    e[s.w_offset()] = 1 + rng() % 2047;
    e[s.w_negzero()] = rng() & ((std::uint64_t{1} << s.nkeys) - 1);
    e[s.w_include_len()] = s.has_include ? rng() % 51 : 0;
    return e;
}

bool key_less(const LeafShape& s, const Words& a, const Words& b) {
    return compare_words(a.data(), b.data(), s.key_words()) < 0;
}

// n unique random entries, sorted by key words.
std::vector<Words> random_records(std::mt19937_64& rng, const LeafShape& s, std::uint32_t n, const KeyStyle& style) {
    std::vector<Words> recs;
    while (recs.size() < n) {
        while (recs.size() < n) recs.push_back(random_entry(rng, s, style));
        std::sort(recs.begin(), recs.end(), [&](const Words& a, const Words& b) { return key_less(s, a, b); });
        recs.erase(std::unique(recs.begin(), recs.end(),
                               [&](const Words& a, const Words& b) {
                                   return compare_words(a.data(), b.data(), s.key_words()) == 0;
                               }),
                   recs.end());
    }
    return recs;
}

// Flatten records into Entries: include_start as a prefix sum, random include bytes.
Entries make_entries(std::mt19937_64& rng, const LeafShape& s, const std::vector<Words>& recs) {
    Entries e;
    e.shape = s;
    for (const Words& r : recs) {
        Words x = r;
        x[s.w_include_start()] = e.inc.size();
        for (std::uint64_t k = 0; k < x[s.w_include_len()]; ++k) e.inc.push_back(static_cast<std::uint8_t>(rng()));
        e.w.insert(e.w.end(), x.begin(), x.end());
    }
    return e;
}

Bound minus_inf() {
    Bound b;
    std::memset(&b, 0, sizeof b);
    b.kind = BoundKind::MinusInf;
    return b;
}
Bound plus_inf() {
    Bound b = minus_inf();
    b.kind = BoundKind::PlusInf;
    return b;
}
Bound full_bound(const LeafShape& s, const std::uint64_t* key) {
    Bound b = minus_inf();
    b.kind = BoundKind::Full;
    std::memcpy(b.words, key, 8u * s.key_words());
    return b;
}
Bound column_bound(const Pos& p) {
    Bound b = minus_inf();
    b.kind = BoundKind::FirstColumn;
    b.words[0] = p.rank;
    b.words[1] = p.hi;
    b.words[2] = p.lo;
    return b;
}

// A random leaf: its entries and bounds that hold them (the bounds drawn
// as a build makes them, from neighbours outside the leaf, or infinite).
struct LeafCase {
    Entries e;
    Bound low, high;
};

LeafCase random_leaf(std::mt19937_64& rng, const LeafShape& s, std::uint32_t n) {
    const KeyStyle style = random_style(rng);
    std::vector<Words> recs = random_records(rng, s, n + 2, style);
    LeafCase c;
    const Words below = recs.front(), above = recs.back();
    recs.erase(recs.begin());
    recs.pop_back();
    c.e = make_entries(rng, s, recs);
    const Words& first = n > 0 ? recs.front() : above;
    const Words& last = n > 0 ? recs.back() : below;
    switch (rng() % 3) {
        case 0: c.low = minus_inf(); break;
        case 1: c.low = bound_between(s, below.data(), first.data()); break;
        default: c.low = n > 0 ? full_bound(s, first.data()) : minus_inf(); break;  // low == first entry is allowed
    }
    c.high = rng() % 3 == 0 ? plus_inf() : bound_between(s, last.data(), above.data());
    return c;
}

// Either format: the leaf codec is the same but for its lanes.
LeafShape random_shape(std::mt19937_64& rng) {
    return LeafShape{static_cast<std::uint16_t>(1 + rng() % 4), rng() % 2 == 0,
                     rng() % 2 == 0 ? LaneFormat::V1 : LaneFormat::V2};
}

// Codes a leaf into a buffer of exactly leaf_bytes (checking that
// leaf_encode writes exactly that many bytes and nothing past them).
Bytes encode_leaf(const Entries& e, const Bound& low, const Bound& high) {
    const std::uint32_t n = e.n();
    Words scratch(std::max<std::uint32_t>(n, 1));
    const std::size_t size = leaf_bytes(e.shape, e.w.data(), n, scratch.data());
    Bytes out(size + 64, 0xA5);
    const std::uint8_t one = 0;
    const std::uint8_t* inc = e.inc.empty() ? &one : e.inc.data();
    EXPECT_EQ(leaf_encode(e.shape, e.w.data(), n, inc, low, high, scratch.data(), out.data()), size);
    for (std::size_t i = size; i < out.size(); ++i)
        if (out[i] != 0xA5) {
            ADD_FAILURE() << "leaf_encode wrote past leaf_bytes at " << i;
            break;
        }
    out.resize(size);
    return out;
}


// Decoded entries and INCLUDE bytes; ok is the decoder's answer.  The
// buffers are exactly as large as the view asks (at least 1 byte, as the
// shim allocates them).
struct Decoded {
    bool ok;
    Words w;
    Bytes inc;
};
Decoded decode_leaf(const LeafShape& s, const LeafView& v, bool coded_only) {
    Decoded d;
    const std::uint32_t n = coded_only ? v.size() : v.total();
    const std::size_t inc = coded_only ? v.include_bytes() : v.total_include_bytes();
    d.w.assign(static_cast<std::size_t>(n) * s.stride(), 0);
    d.inc.assign(std::max<std::size_t>(inc, 1), 0);
    std::uint64_t dummy = 0;
    std::uint64_t* out = d.w.empty() ? &dummy : d.w.data();
    d.ok = coded_only ? v.decode_coded(out, d.inc.data()) : v.decode(out, d.inc.data());
    d.inc.resize(inc);
    return d;
}

void expect_bound_eq(const LeafShape& s, const Bound& got, const Bound& want) {
    EXPECT_EQ(static_cast<int>(got.kind), static_cast<int>(want.kind));
    if (got.kind == BoundKind::Full || got.kind == BoundKind::FirstColumn) {
        EXPECT_EQ(compare_words(got.words, want.words, s.key_words()), 0);
    }
}

// The first entry at or after pos (strict: after) by the first column, by a linear scan.
std::uint32_t brute_lower_bound(const Entries& e, const Pos& p, bool strict) {
    for (std::uint32_t i = 0; i < e.n(); ++i) {
        const int c = compare(Pos{static_cast<std::uint8_t>(e.at(i)[0]), e.at(i)[1], e.at(i)[2]}, p);
        if (c > 0 || (!strict && c == 0)) return i;
    }
    return e.n();
}

// lower_bound against the linear scan: at every (sampled) first column, its
// neighbours, the extremes and random positions.
void check_lower_bound(std::mt19937_64& rng, const LeafView& v, const Entries& e) {
    std::vector<Pos> probes = {kPosMin, kPosMax, Pos{1, 0, 0}, Pos{1, kMax, kMax}, Pos{0, 0, 0}, Pos{2, 0, 0}};
    const std::uint32_t n = e.n();
    for (std::uint32_t k = 0; k < std::min<std::uint32_t>(n, 150); ++k) {
        const std::uint32_t i = n <= 150 ? k : static_cast<std::uint32_t>(rng() % n);
        const Pos p{static_cast<std::uint8_t>(e.at(i)[0]), e.at(i)[1], e.at(i)[2]};
        probes.push_back(p);
        probes.push_back(Pos{p.rank, p.hi, p.lo - 1});
        probes.push_back(Pos{p.rank, p.hi, p.lo + 1});
    }
    for (int k = 0; k < 20; ++k) probes.push_back(Pos{static_cast<std::uint8_t>(rng() % 3), rng() % 3, rng() % 60});
    for (const Pos& p : probes)
        for (bool strict : {false, true})
            ASSERT_EQ(v.lower_bound(p, strict), brute_lower_bound(e, p, strict))
                << "probe (" << int(p.rank) << "," << p.hi << "," << p.lo << ") strict " << strict;
}

// Random access (word, first_column) against the entries.
void check_random_access(const LeafView& v, const Entries& e) {
    const LeafShape& s = e.shape;
    for (std::uint32_t i = 0; i < e.n(); ++i) {
        for (std::uint32_t w = 0; w < s.stride(); ++w) {
            if (w == s.w_include_start()) continue;
            ASSERT_EQ(v.word(i, w), e.at(i)[w]) << "entry " << i << " word " << w;
        }
        const Pos p = v.first_column(i);
        ASSERT_EQ(compare(p, Pos{static_cast<std::uint8_t>(e.at(i)[0]), e.at(i)[1], e.at(i)[2]}), 0) << i;
    }
    // decode_range over a few ranges: the same words (include_start 0).
    const std::uint32_t n = e.n();
    for (std::uint32_t from : {0u, n / 3, n / 2}) {
        for (std::uint32_t to : {from, from + (n - from) / 2, n}) {
            Words out(std::size_t{to - from} * s.stride() + 1, 0x5A5A);
            v.decode_range(from, to, out.data());
            for (std::uint32_t i = from; i < to; ++i)
                for (std::uint32_t w = 0; w < s.stride(); ++w)
                    ASSERT_EQ(out[std::size_t{i - from} * s.stride() + w], w == s.w_include_start() ? 0 : e.at(i)[w])
                        << "decode_range(" << from << ", " << to << ") entry " << i << " word " << w;
            ASSERT_EQ(out.back(), 0x5A5Au) << "decode_range wrote past its range";
        }
    }
}

// ===========================================================================
// Leaves: round trips
// ===========================================================================

// Random shapes (1..4 keys, with and without INCLUDE) and entries: the sizes
// agree, decode() gives the entries back exactly, random access,
// decode_range and lower_bound agree with the entries, the bounds come back.
TEST(LearnLeaf, RoundTripRandom) {
    std::mt19937_64 rng(21);
    for (int iter = 0; iter < 300; ++iter) {
        const LeafShape s = random_shape(rng);
        const std::uint32_t n = iter < 10                ? static_cast<std::uint32_t>(iter)
                                : iter % 25 == 0 ? 1500 + static_cast<std::uint32_t>(rng() % 600)
                                                         : static_cast<std::uint32_t>(rng() % 200);
        const LeafCase c = random_leaf(rng, s, n);
        ASSERT_EQ(c.e.n(), n);
        const Bytes leaf = encode_leaf(c.e, c.low, c.high);
        LeafView v;
        ASSERT_EQ(v.parse(leaf.data(), leaf.size(), s), LeafFault::None) << "iter " << iter;
        EXPECT_EQ(v.bytes(), leaf.size());
        EXPECT_EQ(v.used_bytes(), leaf.size());
        EXPECT_EQ(v.size(), n);
        EXPECT_EQ(v.pending(), 0u);
        EXPECT_EQ(v.total(), n);
        EXPECT_EQ(v.include_bytes(), c.e.inc.size());
        EXPECT_EQ(v.total_include_bytes(), c.e.inc.size());
        expect_bound_eq(s, v.low(), c.low);
        expect_bound_eq(s, v.high(), c.high);
        const Decoded d = decode_leaf(s, v, false);
        ASSERT_TRUE(d.ok) << "iter " << iter;
        EXPECT_EQ(d.w, c.e.w);  // include_start included: rebuilt as the same prefix sum
        EXPECT_EQ(d.inc, c.e.inc);
        const Decoded dc = decode_leaf(s, v, true);
        ASSERT_TRUE(dc.ok);
        EXPECT_EQ(dc.w, c.e.w);
        EXPECT_EQ(dc.inc, c.e.inc);
        check_random_access(v, c.e);
        check_lower_bound(rng, v, c.e);
        if (HasFailure()) return;
    }
}

// The largest leaf the format allows parses; one entry more is a header fault.
TEST(LearnLeaf, MaxEntries) {
    std::mt19937_64 rng(22);
    const LeafShape s{1, false};
    for (std::uint32_t n : {kMaxLeafEntries, kMaxLeafEntries + 1}) {
        Entries e;
        e.shape = s;
        for (std::uint32_t i = 0; i < n; ++i) {
            const Words x = {kRankValue, 0, 1000 + i, rng() & 0xFFFFFFFFu, 1 + rng() % 2047, 0, 0, 0};
            e.w.insert(e.w.end(), x.begin(), x.end());
        }
        const Bytes leaf = encode_leaf(e, minus_inf(), plus_inf());
        LeafView v;
        if (n == kMaxLeafEntries) {
            ASSERT_EQ(v.parse(leaf.data(), leaf.size(), s), LeafFault::None);
            EXPECT_EQ(v.lane(2).bits(), 0);  // keys in order cost nothing
            const Decoded d = decode_leaf(s, v, false);
            ASSERT_TRUE(d.ok);
            EXPECT_EQ(d.w, e.w);
        } else {
            EXPECT_EQ(v.parse(leaf.data(), leaf.size(), s), LeafFault::Header);
        }
    }
}

// Every bound kind round-trips; bound_first_column reads each; a
// FirstColumn bound keeps only its first column.
TEST(LearnLeaf, BoundKindsRoundTrip) {
    const LeafShape s{2, true};
    std::mt19937_64 rng(23);
    Entries e = make_entries(rng, s,
                             {{1, 0, 10, 1, 0, 1, 5, 1, 0, 0, 3},
                              {1, 0, 10, 1, 0, 2, 5, 1, 0, 0, 0},
                              {1, 0, 20, 0, 0, 0, 6, 9, 3, 0, 7}});
    const Words below = {1, 0, 9, 1, 0, 0, 0, 1, 0, 0, 0}, above = {1, 0, 20, 1, 0, 0, 0, 1, 0, 0, 0};
    const Bound lows[] = {minus_inf(), full_bound(s, e.at(0)), bound_between(s, below.data(), e.at(0)),
                          column_bound(Pos{1, 0, 10})};
    const Bound highs[] = {plus_inf(), full_bound(s, above.data()), bound_between(s, e.at(1), e.at(2)),
                           column_bound(Pos{2, 0, 0})};
    // The control: bound_between made a FirstColumn bound for these two.
    ASSERT_EQ(lows[2].kind, BoundKind::FirstColumn);
    ASSERT_EQ(highs[2].kind, BoundKind::FirstColumn);
    for (const Bound& lo : lows)
        for (const Bound& hi : highs) {
            const Bytes leaf = encode_leaf(e, lo, hi);
            LeafView v;
            ASSERT_EQ(v.parse(leaf.data(), leaf.size(), s), LeafFault::None);
            expect_bound_eq(s, v.low(), lo);
            expect_bound_eq(s, v.high(), hi);
            for (const Bound* b : {&v.low(), &v.high()}) {
                const Pos p = bound_first_column(*b);
                if (b->kind == BoundKind::MinusInf)
                    EXPECT_EQ(compare(p, kPosMin), 0);
                else if (b->kind == BoundKind::PlusInf)
                    EXPECT_EQ(compare(p, kPosMax), 0);
                else
                    EXPECT_EQ(compare(p, Pos{static_cast<std::uint8_t>(b->words[0]), b->words[1], b->words[2]}), 0);
                if (b->kind == BoundKind::FirstColumn) {
                    for (std::uint32_t w = 3; w < s.key_words(); ++w) EXPECT_EQ(b->words[w], 0u);
                }
            }
            // The entries lie in [low, high) for every pair except the
            // FirstColumn high between the first columns 10 and 20 (a value
            // in (10, 20]), which the last entry (20) is at or above.
            const Decoded d = decode_leaf(s, v, false);
            const bool high_below_last = hi.kind == BoundKind::FirstColumn && hi.words[0] == 1 && hi.words[2] > 10 &&
                                         hi.words[2] <= 20;
            EXPECT_EQ(d.ok, !high_below_last);
        }
}

// compare_to_bound on examples: -inf below all, +inf above all, Full is
// word order, FirstColumn puts an equal first column above it.
TEST(LearnLeaf, CompareToBound) {
    const LeafShape s{2, false};
    const Words k = {1, 0, 10, 1, 0, 5, 7, 3};
    EXPECT_GT(compare_to_bound(s, k.data(), minus_inf()), 0);
    EXPECT_LT(compare_to_bound(s, k.data(), plus_inf()), 0);
    EXPECT_EQ(compare_to_bound(s, k.data(), full_bound(s, k.data())), 0);
    Words t = k;
    t[7] = 4;  // larger offset: the bound is above the key
    EXPECT_LT(compare_to_bound(s, k.data(), full_bound(s, t.data())), 0);
    t[7] = 2;
    EXPECT_GT(compare_to_bound(s, k.data(), full_bound(s, t.data())), 0);
    t = k;
    t[5] = 6;  // second column larger
    EXPECT_LT(compare_to_bound(s, k.data(), full_bound(s, t.data())), 0);
    t = k;
    t[3] = 0;  // second column NULLS FIRST
    EXPECT_GT(compare_to_bound(s, k.data(), full_bound(s, t.data())), 0);
    EXPECT_GT(compare_to_bound(s, k.data(), column_bound(Pos{1, 0, 10})), 0);  // equal column: above
    EXPECT_GT(compare_to_bound(s, k.data(), column_bound(Pos{1, 0, 9})), 0);
    EXPECT_LT(compare_to_bound(s, k.data(), column_bound(Pos{1, 0, 11})), 0);
    EXPECT_LT(compare_to_bound(s, k.data(), column_bound(Pos{1, 1, 0})), 0);  // hi decides before lo
    EXPECT_LT(compare_to_bound(s, k.data(), column_bound(Pos{2, 0, 0})), 0);  // NULLS LAST above values
    EXPECT_GT(compare_to_bound(s, k.data(), column_bound(Pos{0, kMax, kMax})), 0);
    // Words after a FirstColumn bound's first column do not matter.
    Bound junk = column_bound(Pos{1, 0, 10});
    for (std::uint32_t w = 3; w < s.key_words(); ++w) junk.words[w] = kMax;
    EXPECT_GT(compare_to_bound(s, k.data(), junk), 0);
}

// bound_between: FirstColumn at the right entry's first column when the
// first columns differ (rank, hi or lo), its full key otherwise; either
// way the left entry is below it and the right one at or above it.
TEST(LearnLeaf, BoundBetween) {
    const LeafShape s{2, false};
    const Words left = {1, 0, 10, 1, 0, 5, 7, 3};
    const Words rights[] = {
        {1, 0, 11, 0, 0, 0, 0, 1},  // lo differs
        {1, 1, 0, 1, 0, 0, 0, 1},   // hi differs
        {2, 0, 0, 1, 0, 0, 0, 1},   // rank differs
        {1, 0, 10, 1, 0, 6, 0, 1},  // second column differs
        {1, 0, 10, 1, 0, 5, 7, 4},  // TID differs
        {1, 0, 10, 1, 0, 5, 8, 0},
    };
    for (int r = 0; r < 6; ++r) {
        const Words& right = rights[r];
        const Bound b = bound_between(s, left.data(), right.data());
        if (r < 3) {
            ASSERT_EQ(b.kind, BoundKind::FirstColumn) << r;
            EXPECT_EQ(compare_words(b.words, right.data(), 3), 0);
            for (std::uint32_t w = 3; w < s.key_words(); ++w) EXPECT_EQ(b.words[w], 0u);
            EXPECT_GT(compare_to_bound(s, right.data(), b), 0);
        } else {
            ASSERT_EQ(b.kind, BoundKind::Full) << r;
            EXPECT_EQ(compare_words(b.words, right.data(), s.key_words()), 0);
            EXPECT_EQ(compare_to_bound(s, right.data(), b), 0);
        }
        EXPECT_LT(compare_to_bound(s, left.data(), b), 0) << r;
        EXPECT_EQ(compare(bound_first_column(b), Pos{static_cast<std::uint8_t>(right[0]), right[1], right[2]}), 0);
    }
}

// compare_bounds orders bounds as the keys they separate: if a <= b, every
// key at or above b is at or above a; it is antisymmetric; and on examples
// -inf < a column bound < a full bound with that column < +inf.
TEST(LearnLeaf, CompareBounds) {
    std::mt19937_64 rng(33);
    for (int iter = 0; iter < 200; ++iter) {
        const LeafShape s = random_shape(rng);
        const std::vector<Words> recs = random_records(rng, s, 12, random_style(rng));
        std::vector<Bound> bounds = {minus_inf(), plus_inf()};
        for (std::size_t i = 0; i + 1 < recs.size(); ++i) {
            bounds.push_back(full_bound(s, recs[i].data()));
            if (compare_words(recs[i].data(), recs[i + 1].data(), s.key_words()) < 0)
                bounds.push_back(bound_between(s, recs[i].data(), recs[i + 1].data()));
            bounds.push_back(column_bound(Pos{static_cast<std::uint8_t>(recs[i][0]), recs[i][1], recs[i][2]}));
        }
        for (const Bound& a : bounds)
            for (const Bound& b : bounds) {
                const int ab = compare_bounds(s, a, b), ba = compare_bounds(s, b, a);
                ASSERT_EQ(ab < 0, ba > 0);
                ASSERT_EQ(ab == 0, ba == 0);
                if (ab > 0) continue;
                for (const Words& k : recs) {
                    if (compare_to_bound(s, k.data(), b) >= 0) {
                        ASSERT_GE(compare_to_bound(s, k.data(), a), 0);
                    }
                }
            }
    }
    const LeafShape s{1, false};
    const Words k = {1, 0, 10, 7, 3};
    EXPECT_LT(compare_bounds(s, minus_inf(), column_bound(Pos{0, 0, 0})), 0);
    EXPECT_LT(compare_bounds(s, column_bound(Pos{1, 0, 10}), full_bound(s, k.data())), 0);
    EXPECT_GT(compare_bounds(s, column_bound(Pos{1, 0, 11}), full_bound(s, k.data())), 0);
    EXPECT_LT(compare_bounds(s, full_bound(s, k.data()), plus_inf()), 0);
    EXPECT_EQ(compare_bounds(s, plus_inf(), plus_inf()), 0);
}

// set_low_bound lowers a coded leaf's low bound in place: the leaf parses
// with the new bound and the same entries (VACUUM gives an unlinked leaf's
// key range to its right neighbour this way).
TEST(LearnLeaf, SetLowBound) {
    std::mt19937_64 rng(34);
    for (int iter = 0; iter < 100; ++iter) {
        const LeafShape s = random_shape(rng);
        const LeafCase c = random_leaf(rng, s, static_cast<std::uint32_t>(rng() % 100));
        Bytes leaf = encode_leaf(c.e, c.low, c.high);
        const Bound lower =
            c.low.kind == BoundKind::MinusInf || rng() % 2 == 0 ? minus_inf() : column_bound(Pos{0, 0, 0});
        ASSERT_LE(compare_bounds(s, lower, c.low), 0);
        set_low_bound(s, leaf.data(), lower);
        LeafView v;
        ASSERT_EQ(v.parse(leaf.data(), leaf.size(), s), LeafFault::None) << iter;
        expect_bound_eq(s, v.low(), lower);
        expect_bound_eq(s, v.high(), c.high);
        const Decoded d = decode_leaf(s, v, false);
        ASSERT_TRUE(d.ok) << iter;
        EXPECT_EQ(d.w, c.e.w);
    }
}

// lower_bound over repeated first columns (and NULLs at both ends).
TEST(LearnLeaf, LowerBoundWithRepeats) {
    const LeafShape s{1, false};
    std::mt19937_64 rng(24);
    const std::vector<Words> recs = {{0, 0, 0, 1, 1, 0, 0, 0}, {0, 0, 0, 1, 2, 0, 0, 0}, {1, 0, 5, 1, 1, 0, 0, 0},
                                     {1, 0, 5, 2, 1, 0, 0, 0}, {1, 0, 5, 3, 1, 0, 0, 0}, {1, 0, 7, 1, 1, 0, 0, 0},
                                     {2, 0, 0, 1, 1, 0, 0, 0}};
    const Entries e = make_entries(rng, s, recs);
    const Bytes leaf = encode_leaf(e, minus_inf(), plus_inf());
    LeafView v;
    ASSERT_EQ(v.parse(leaf.data(), leaf.size(), s), LeafFault::None);
    EXPECT_EQ(v.lower_bound(Pos{1, 0, 5}, false), 2u);
    EXPECT_EQ(v.lower_bound(Pos{1, 0, 5}, true), 5u);
    EXPECT_EQ(v.lower_bound(Pos{1, 0, 6}, false), 5u);
    EXPECT_EQ(v.lower_bound(Pos{0, 0, 0}, false), 0u);
    EXPECT_EQ(v.lower_bound(Pos{0, 0, 0}, true), 2u);
    EXPECT_EQ(v.lower_bound(Pos{2, 0, 0}, false), 6u);
    EXPECT_EQ(v.lower_bound(Pos{2, 0, 0}, true), 7u);
    EXPECT_EQ(v.lower_bound(kPosMax, false), 7u);
    check_lower_bound(rng, v, e);
}

// ===========================================================================
// Leaves: the pending area
// ===========================================================================

// A coded leaf with pending entries appended after it, as insert does
// (each written with write_pending at the used end, then the count).
struct PendingCase {
    LeafShape s;
    Entries all;    // every entry, sorted
    Entries coded;  // the coded ones
    std::vector<std::uint32_t> pend;  // indices into `all`, in the order written
    Bound low, high;
    Bytes leaf;
};

// Appends one pending entry (checking it writes exactly pending_entry_bytes).
void append_pending(const LeafShape& s, Bytes* leaf, const std::uint64_t* entry, const std::uint8_t* include) {
    const std::size_t bytes = pending_entry_bytes(s, static_cast<std::uint32_t>(entry[s.w_include_len()]));
    Bytes tmp(bytes + 16, 0xA5);
    write_pending(s, entry, include, tmp.data());
    for (std::size_t i = bytes; i < tmp.size(); ++i)
        if (tmp[i] != 0xA5) {
            ADD_FAILURE() << "write_pending wrote past pending_entry_bytes";
            break;
        }
    leaf->insert(leaf->end(), tmp.begin(), tmp.begin() + static_cast<std::ptrdiff_t>(bytes));
}

const std::uint8_t kNoBytes[1] = {0};

PendingCase make_pending_case(std::mt19937_64& rng, const LeafShape& s, std::uint32_t ncoded, std::uint32_t npend) {
    PendingCase c;
    c.s = s;
    const LeafCase lc = random_leaf(rng, s, ncoded + npend);
    c.all = lc.e;
    c.low = lc.low;
    c.high = lc.high;
    std::vector<std::uint32_t> idx(ncoded + npend);
    for (std::uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::shuffle(idx.begin(), idx.end(), rng);
    c.pend.assign(idx.begin(), idx.begin() + npend);
    std::vector<bool> pending(idx.size(), false);
    for (std::uint32_t k : c.pend) pending[k] = true;
    c.coded.shape = s;
    for (std::uint32_t i = 0; i < c.all.n(); ++i) {
        if (pending[i]) continue;
        Words x(c.all.at(i), c.all.at(i) + s.stride());
        const std::uint64_t start = x[s.w_include_start()], len = x[s.w_include_len()];
        x[s.w_include_start()] = c.coded.inc.size();
        c.coded.inc.insert(c.coded.inc.end(), c.all.inc.begin() + static_cast<std::ptrdiff_t>(start),
                           c.all.inc.begin() + static_cast<std::ptrdiff_t>(start + len));
        c.coded.w.insert(c.coded.w.end(), x.begin(), x.end());
    }
    c.leaf = encode_leaf(c.coded, c.low, c.high);
    for (std::uint32_t k : c.pend) {
        const std::uint64_t* e = c.all.at(k);
        const std::uint8_t* inc = e[s.w_include_len()] > 0 ? c.all.inc.data() + e[s.w_include_start()] : kNoBytes;
        append_pending(s, &c.leaf, e, inc);
    }
    set_pending_count(c.leaf.data(), static_cast<std::uint16_t>(npend));
    return c;
}

// Entries in key order, as a serial or time key inserted in order makes
// them: the first column a line with jitter, TIDs filling heap pages, the
// other columns and INCLUDE lengths random.
Entries in_order_entries(std::mt19937_64& rng, const LeafShape& s, std::uint32_t n) {
    std::vector<Words> recs;
    const std::uint64_t start = rng() >> 20, step = 1 + rng() % 50, jitter = 1 + rng() % step;
    const std::uint64_t per_page = 20 + rng() % 200;
    for (std::uint32_t i = 0; i < n; ++i) {
        Words e(s.stride(), 0);
        e[0] = kRankValue;
        e[2] = start + i * step + rng() % jitter;
        for (std::uint32_t c = 1; c < s.nkeys; ++c) {
            e[3 * c] = kRankValue;
            e[3 * c + 2] = rng() % 5;
        }
        e[s.w_block()] = 1000 + i / per_page;
        e[s.w_offset()] = 1 + i % per_page;
        e[s.w_include_len()] = s.has_include ? rng() % 9 : 0;
        recs.push_back(e);
    }
    return make_entries(rng, s, recs);
}

// Appending entries in order to a coded leaf gives the leaf that holds
// them all: it parses, decodes to every entry and INCLUDE byte, and has no
// pending area.  Entries not above the coded ones are refused.
TEST(LearnLeaf, AppendInOrder) {
    std::mt19937_64 rng(77);
    int appended = 0, refused = 0;
    for (int iter = 0; iter < 400; ++iter) {
        LeafShape s = random_shape(rng);
        s.format = LaneFormat::V2;
        const auto n = static_cast<std::uint32_t>(1 + rng() % 400);
        const auto m = static_cast<std::uint32_t>(1 + rng() % 65);
        const Entries all = iter % 4 == 3 ? random_leaf(rng, s, n + m).e : in_order_entries(rng, s, n + m);
        Entries coded;
        coded.shape = s;
        coded.w.assign(all.w.begin(), all.w.begin() + static_cast<std::ptrdiff_t>(n) * s.stride());
        coded.inc.assign(all.inc.begin(), all.inc.begin() + static_cast<std::ptrdiff_t>(coded.include_total()));
        const Bound low = minus_inf(), high = plus_inf();
        const Bytes leaf = encode_leaf(coded, low, high);
        LeafView v;
        ASSERT_EQ(v.parse(leaf.data(), leaf.size(), s), LeafFault::None);
        Bytes out(kMaxLeafEntries * 8, 0xA5);
        const std::uint8_t* inc = all.inc.empty() ? kNoBytes : all.inc.data();
        // Every third leaf keeps fewer than its coded entries: the last
        // few come off and are appended again with the new ones.
        const std::uint32_t keep = iter % 3 == 1 ? n - static_cast<std::uint32_t>(rng() % std::min(n, 20u)) : n;
        const std::size_t bytes = v.append(all.at(keep), n - keep + m, keep, inc, out.data(), out.size() - 64);
        for (std::size_t k = bytes; k < out.size() && bytes > 0; ++k)
            if (out[k] != 0xA5) {
                ADD_FAILURE() << "append wrote past its size at " << k;
                break;
            }
        if (bytes == 0) {
            ++refused;
            continue;
        }
        ++appended;
        out.resize(bytes);
        LeafView w;
        ASSERT_EQ(w.parse(out.data(), out.size(), s), LeafFault::None) << "iter " << iter;
        EXPECT_EQ(w.size(), n + m);
        EXPECT_EQ(w.pending(), 0u);
        const Decoded d = decode_leaf(s, w, false);
        ASSERT_TRUE(d.ok) << "iter " << iter;
        EXPECT_EQ(d.w, all.w);
        EXPECT_EQ(d.inc, all.inc);
        check_random_access(w, all);
        check_lower_bound(rng, w, all);
        if (HasFailure()) return;
    }
    EXPECT_GT(appended, 100);
    EXPECT_GT(refused, 50);

    // Not above the last coded entry, or not ascending: refused.
    LeafShape s{1, false, LaneFormat::V2};
    std::vector<Words> recs;
    for (std::uint64_t i = 0; i < 40; ++i) recs.push_back(Words{kRankValue, 0, 1000 + i, 5, 1 + i, 0, 0, 0});
    const Entries all = make_entries(rng, s, recs);  // every lane a line or a constant
    Entries coded;
    coded.shape = s;
    coded.w.assign(all.w.begin(), all.w.begin() + 30 * s.stride());
    const Bytes leaf = encode_leaf(coded, minus_inf(), plus_inf());
    LeafView v;
    ASSERT_EQ(v.parse(leaf.data(), leaf.size(), s), LeafFault::None);
    Bytes out(4096);
    EXPECT_GT(v.append(all.at(30), 10, 30, kNoBytes, out.data(), out.size()), 0u);
    EXPECT_EQ(v.append(all.at(29), 11, 30, kNoBytes, out.data(), out.size()), 0u);  // repeats the last coded entry
    Words swapped(all.at(30), all.at(30) + 2 * s.stride());
    std::swap_ranges(swapped.begin(), swapped.begin() + s.stride(), swapped.begin() + s.stride());
    EXPECT_EQ(v.append(swapped.data(), 2, 30, kNoBytes, out.data(), out.size()), 0u);
    // Entries taken off must all come back: keeping 27 needs 27..29 among them.
    EXPECT_GT(v.append(all.at(27), 13, 27, kNoBytes, out.data(), out.size()), 0u);
    Words gap(all.at(27), all.at(27) + 13 * s.stride());
    gap.erase(gap.begin() + s.stride(), gap.begin() + 2 * s.stride());  // entry 28 missing
    EXPECT_EQ(v.append(gap.data(), 12, 27, kNoBytes, out.data(), out.size()), 0u);
    EXPECT_EQ(v.append(all.at(30), 10, 27, kNoBytes, out.data(), out.size()), 0u);  // 27..29 all missing
    EXPECT_EQ(v.append(all.at(30), 10, 0, kNoBytes, out.data(), out.size()), 0u);
    EXPECT_EQ(v.append(all.at(30), 10, 31, kNoBytes, out.data(), out.size()), 0u);
    // A format 1 leaf is never appended to.
    s.format = LaneFormat::V1;
    const Bytes leaf1 = encode_leaf(Entries{s, coded.w, {}}, minus_inf(), plus_inf());
    ASSERT_EQ(v.parse(leaf1.data(), leaf1.size(), s), LeafFault::None);
    EXPECT_EQ(v.append(all.at(30), 10, 30, kNoBytes, out.data(), out.size()), 0u);
}

// Pending entries read back as written; decode() merges them into index
// order with their INCLUDE bytes; decode_coded() leaves them out.
TEST(LearnLeaf, PendingRoundTrip) {
    std::mt19937_64 rng(31);
    for (int iter = 0; iter < 250; ++iter) {
        const LeafShape s = random_shape(rng);
        const std::uint32_t ncoded = iter % 10 == 0 ? 0 : static_cast<std::uint32_t>(rng() % 150);
        const std::uint32_t npend = iter % 7 == 0 ? kMaxPending : static_cast<std::uint32_t>(rng() % (kMaxPending + 1));
        const PendingCase c = make_pending_case(rng, s, ncoded, npend);
        LeafView v;
        ASSERT_EQ(v.parse(c.leaf.data(), c.leaf.size(), s), LeafFault::None) << "iter " << iter;
        EXPECT_EQ(v.size(), ncoded);
        EXPECT_EQ(v.pending(), npend);
        EXPECT_EQ(v.total(), ncoded + npend);
        EXPECT_EQ(v.used_bytes(), c.leaf.size());
        EXPECT_EQ(v.include_bytes(), c.coded.inc.size());
        EXPECT_EQ(v.total_include_bytes(), c.all.inc.size());
        // pending_word / pending_entry / pending_include read back what was written.
        for (std::uint32_t k = 0; k < npend; ++k) {
            const std::uint64_t* want = c.all.at(c.pend[k]);
            Words got(s.stride(), 7);
            v.pending_entry(k, got.data());
            for (std::uint32_t w = 0; w < s.stride(); ++w) {
                if (w == s.w_include_start()) {
                    EXPECT_EQ(got[w], 0u);
                    continue;
                }
                ASSERT_EQ(got[w], want[w]) << "pending " << k << " word " << w;
                ASSERT_EQ(v.pending_word(k, w), want[w]);
            }
            const std::uint64_t len = want[s.w_include_len()];
            if (len > 0) {
                EXPECT_EQ(std::memcmp(v.pending_include(k), c.all.inc.data() + want[s.w_include_start()], len), 0);
            }
        }
        // decode(): every entry in index order, each with its INCLUDE bytes.
        const Decoded d = decode_leaf(s, v, false);
        ASSERT_TRUE(d.ok) << "iter " << iter;
        ASSERT_EQ(d.w.size(), c.all.w.size());
        for (std::uint32_t i = 0; i < c.all.n(); ++i) {
            const std::uint64_t* got = d.w.data() + static_cast<std::size_t>(i) * s.stride();
            const std::uint64_t* want = c.all.at(i);
            for (std::uint32_t w = 0; w < s.stride(); ++w)
                if (w != s.w_include_start()) {
                    ASSERT_EQ(got[w], want[w]) << "entry " << i << " word " << w;
                }
            const std::uint64_t start = got[s.w_include_start()], len = got[s.w_include_len()];
            ASSERT_LE(start + len, d.inc.size());
            if (len > 0) {
                ASSERT_EQ(std::memcmp(d.inc.data() + start, c.all.inc.data() + want[s.w_include_start()], len), 0)
                    << "entry " << i;
            }
        }
        // decode_coded(): the coded entries alone, exactly.
        const Decoded dc = decode_leaf(s, v, true);
        ASSERT_TRUE(dc.ok);
        EXPECT_EQ(dc.w, c.coded.w);
        EXPECT_EQ(dc.inc, c.coded.inc);
        check_random_access(v, c.coded);
        if (HasFailure()) return;
    }
}

// A full pending area (64) parses; a count of 65 is rejected as a header
// fault even with 65 entries' bytes present.
TEST(LearnLeaf, PendingCountLimit) {
    std::mt19937_64 rng(32);
    const LeafShape s{1, true};
    PendingCase c = make_pending_case(rng, s, 10, kMaxPending + 1);
    LeafView v;
    EXPECT_EQ(v.parse(c.leaf.data(), c.leaf.size(), s), LeafFault::Header);
    // Drop the last entry's bytes and count: now valid.
    const std::uint64_t* last = c.all.at(c.pend.back());
    c.leaf.resize(c.leaf.size() - pending_entry_bytes(s, static_cast<std::uint32_t>(last[s.w_include_len()])));
    set_pending_count(c.leaf.data(), kMaxPending);
    ASSERT_EQ(v.parse(c.leaf.data(), c.leaf.size(), s), LeafFault::None);
    EXPECT_EQ(v.pending(), kMaxPending);
}

// ===========================================================================
// Leaves: damage
// ===========================================================================

// Reads everything a parsed view offers (the sanitizer build reports any
// read outside the buffer); if decode() accepts the entries, checks on its
// own what acceptance promises: fields in range, strict order, within the
// bounds, INCLUDE bytes inside their area.
void exercise_damaged(const LeafShape& s, const LeafView& v) {
    std::uint64_t sink = 0;
    for (std::uint32_t i = 0; i < v.size(); ++i) {
        for (std::uint32_t w = 0; w < s.stride(); ++w)
            if (w != s.w_include_start()) sink += v.word(i, w);
        sink += v.first_column(i).lo;
    }
    sink += v.lower_bound(Pos{1, 0, 5}, false) + v.lower_bound(kPosMax, true);
    Words pe(s.stride());
    for (std::uint32_t k = 0; k < v.pending(); ++k) {
        v.pending_entry(k, pe.data());
        const std::uint64_t len = v.pending_word(k, s.w_include_len());
        for (std::uint64_t b = 0; b < len; ++b) sink += v.pending_include(k)[b];
    }
    EXPECT_LE(v.pending(), kMaxPending);
    EXPECT_LE(v.size(), kMaxLeafEntries);
    (void)sink;
    for (bool coded_only : {false, true}) {
        const Decoded d = decode_leaf(s, v, coded_only);
        if (!d.ok) continue;
        const std::uint32_t n = coded_only ? v.size() : v.total();
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint64_t* e = d.w.data() + static_cast<std::size_t>(i) * s.stride();
            for (std::uint32_t c = 0; c < s.nkeys; ++c) ASSERT_LE(e[3 * c], kRankNullsLast);
            ASSERT_LE(e[s.w_block()], 0xFFFFFFFFu);
            ASSERT_LE(e[s.w_offset()], 0xFFFFu);
            ASSERT_LE(e[s.w_include_len()], d.inc.size());
            ASSERT_LE(e[s.w_include_start()], d.inc.size() - e[s.w_include_len()]);
            if (!s.has_include) {
                ASSERT_EQ(e[s.w_include_len()], 0u);
            }
            if (i > 0) {
                ASSERT_LT(compare_words(e - s.stride(), e, s.key_words()), 0) << "accepted out of order";
            }
        }
        if (n > 0) {
            ASSERT_GE(compare_to_bound(s, d.w.data(), v.low()), 0) << "accepted below the low bound";
            ASSERT_LT(compare_to_bound(s, d.w.data() + static_cast<std::size_t>(n - 1) * s.stride(), v.high()), 0)
                << "accepted at or above the high bound";
        }
    }
}

// Some valid leaves with INCLUDE bytes and pending entries, of every shape.
std::vector<PendingCase> sample_leaves(std::mt19937_64& rng, int count, std::uint32_t max_coded) {
    std::vector<PendingCase> out;
    for (int i = 0; i < count; ++i) {
        const LeafShape s{static_cast<std::uint16_t>(1 + i % 4), i % 3 != 0};
        const std::uint32_t npend = i % 2 == 0 ? 0 : 1 + static_cast<std::uint32_t>(rng() % 5);
        out.push_back(make_pending_case(rng, s, static_cast<std::uint32_t>(rng() % (max_coded + 1)), npend));
    }
    return out;
}

// Every truncation of a valid leaf (coded part or pending area) is
// rejected: avail must be exactly the used bytes.
TEST(LearnLeafDamaged, EveryTruncationIsRejected) {
    std::mt19937_64 rng(41);
    for (const PendingCase& c : sample_leaves(rng, 12, 30)) {
        for (std::size_t avail = 0; avail < c.leaf.size(); ++avail) {
            const Bytes cut(c.leaf.begin(), c.leaf.begin() + static_cast<std::ptrdiff_t>(avail));
            LeafView v;
            ASSERT_NE(v.parse(cut.data(), cut.size(), c.s), LeafFault::None)
                << "avail " << avail << " of " << c.leaf.size();
        }
        LeafView v;
        ASSERT_EQ(v.parse(c.leaf.data(), c.leaf.size(), c.s), LeafFault::None);
    }
}

// Random byte flips in valid leaves: parse() rejects them, or decode()
// rejects them, or what decode() accepts is in order and within bounds;
// nothing reads outside the buffer.
TEST(LearnLeafDamaged, RandomFlips) {
    std::mt19937_64 rng(42);
    const std::vector<PendingCase> base = sample_leaves(rng, 24, 60);
    int parsed = 0, decoded = 0;
    for (int iter = 0; iter < 6000; ++iter) {
        const PendingCase& c = base[rng() % base.size()];
        Bytes b = c.leaf;
        const int flips = 1 + static_cast<int>(rng() % 4);
        // Half the time aim at the header, bounds and first lane headers.
        const std::size_t zone = rng() % 2 ? std::min<std::size_t>(b.size(), 16 + 2 * bound_bytes(c.s) + 64) : b.size();
        for (int f = 0; f < flips; ++f) b[rng() % zone] ^= static_cast<std::uint8_t>(1 + rng() % 255);
        LeafView v;
        if (v.parse(b.data(), b.size(), c.s) != LeafFault::None) continue;
        ++parsed;
        exercise_damaged(c.s, v);
        decoded += decode_leaf(c.s, v, false).ok;
        if (HasFailure()) {
            ADD_FAILURE() << "iter " << iter;
            return;
        }
    }
    RecordProperty("parsed", parsed);
    RecordProperty("decoded", decoded);
}

// Random bytes behind a plausible header (the right shape, counts and
// sizes in range, body_bytes anywhere up to avail): never a read outside
// the buffer, and nothing out of order accepted.
TEST(LearnLeafDamaged, RandomBuffers) {
    std::mt19937_64 rng(43);
    for (int iter = 0; iter < 30000; ++iter) {
        const LeafShape s = random_shape(rng);
        const std::size_t avail = rng() % 900;
        Bytes b(avail);
        for (auto& x : b) x = static_cast<std::uint8_t>(rng() % 4 == 0 ? rng() : rng() % 3);
        if (avail >= sizeof(LeafHeader) && rng() % 8 != 0) {
            LeafHeader h;
            h.nentries = static_cast<std::uint16_t>(rng() % 4);
            h.nkeys = s.nkeys;
            h.has_include = s.has_include;
            h.npending = static_cast<std::uint16_t>(rng() % 3);
            h.body_bytes = static_cast<std::uint32_t>(rng() % (avail + 1));
            h.include_bytes = static_cast<std::uint32_t>(rng() % (h.body_bytes / 8 + 1));
            std::memcpy(b.data(), &h, sizeof h);
            if (avail >= 16 + 2 * bound_bytes(s)) {  // valid bound kinds most of the time
                b[16] = static_cast<std::uint8_t>(rng() % 4 == 0 ? 2 : 0);
                b[16 + bound_bytes(s)] = static_cast<std::uint8_t>(rng() % 4 == 0 ? 2 : 1);
            }
        }
        LeafView v;
        if (v.parse(b.data(), b.size(), s) != LeafFault::None) continue;
        exercise_damaged(s, v);
        if (HasFailure()) {
            ADD_FAILURE() << "iter " << iter;
            return;
        }
    }
}

// A well-formed base leaf for the specific faults below: 2 key columns,
// INCLUDE, 20 coded entries, 2 pending ones.
// Format 1 unless told: the fault tests patch lane fields at format 1's offsets.
PendingCase fault_base(std::uint64_t seed, LaneFormat format = LaneFormat::V1) {
    std::mt19937_64 rng(seed);
    return make_pending_case(rng, LeafShape{2, true, format}, 20, 2);
}

void put_u16(Bytes* b, std::size_t at, std::uint16_t v) { std::memcpy(b->data() + at, &v, 2); }
void put_u32(Bytes* b, std::size_t at, std::uint32_t v) { std::memcpy(b->data() + at, &v, 4); }
void put_u64(Bytes* b, std::size_t at, std::uint64_t v) { std::memcpy(b->data() + at, &v, 8); }
std::uint32_t get_u32(const Bytes& b, std::size_t at) {
    std::uint32_t v;
    std::memcpy(&v, b.data() + at, 4);
    return v;
}

LeafFault parse_fault(const Bytes& b, const LeafShape& s) {
    LeafView v;
    return v.parse(b.data(), b.size(), s);
}

// Where lane l of a coded leaf starts.
std::size_t lane_offset(const Bytes& leaf, const LeafShape& s, std::uint32_t l) {
    std::size_t at = sizeof(LeafHeader) + 2 * bound_bytes(s);
    LeafHeader h;
    std::memcpy(&h, leaf.data(), sizeof h);
    for (std::uint32_t k = 0; k < l; ++k) {
        LaneView lane;
        EXPECT_TRUE(lane.parse(leaf.data() + at, leaf.size() - at, h.nentries, s.format));
        at += lane.bytes();
    }
    return at;
}

// Header checks: the catalog's shape, the counts' limits and the sizes
// against avail, each reported as a header fault.
TEST(LearnLeafDamaged, HeaderFaults) {
    const PendingCase c = fault_base(51);
    const LeafShape s = c.s;
    ASSERT_EQ(parse_fault(c.leaf, s), LeafFault::None);
    EXPECT_EQ(parse_fault(c.leaf, LeafShape{3, true}), LeafFault::Header);   // nkeys mismatch
    EXPECT_EQ(parse_fault(c.leaf, LeafShape{1, true}), LeafFault::Header);
    EXPECT_EQ(parse_fault(c.leaf, LeafShape{2, false}), LeafFault::Header);  // has_include mismatch
    Bytes b = c.leaf;
    set_pending_count(b.data(), kMaxPending + 1);  // npending > 64
    EXPECT_EQ(parse_fault(b, s), LeafFault::Header);
    b = c.leaf;
    put_u16(&b, offsetof(LeafHeader, nentries), kMaxLeafEntries + 1);
    EXPECT_EQ(parse_fault(b, s), LeafFault::Header);
    b = c.leaf;
    put_u32(&b, offsetof(LeafHeader, body_bytes), static_cast<std::uint32_t>(b.size() + 1));  // body_bytes > avail
    EXPECT_EQ(parse_fault(b, s), LeafFault::Header);
    b = c.leaf;
    put_u32(&b, offsetof(LeafHeader, include_bytes), get_u32(b, offsetof(LeafHeader, body_bytes)) + 1);
    EXPECT_EQ(parse_fault(b, s), LeafFault::Header);
    const Bytes tiny(c.leaf.begin(), c.leaf.begin() + 15);
    EXPECT_EQ(parse_fault(tiny, s), LeafFault::Header);
    EXPECT_STRNE(describe(LeafFault::Header), describe(LeafFault::Bounds));
}

// body_bytes smaller than the header itself must be rejected before
// anything past avail is read.  The 16 valid header bytes are followed
// (beyond avail) by bytes of a whole leaf, so that a parse that reads past
// avail gets somewhere instead of failing by chance.
TEST(LearnLeafDamaged, BodyBytesBelowHeaderSize) {
    const PendingCase c = fault_base(52);
    for (std::uint32_t body : {0u, 8u, 15u}) {
        Bytes b = c.leaf;
        set_pending_count(b.data(), 0);
        put_u32(&b, offsetof(LeafHeader, body_bytes), body);
        put_u32(&b, offsetof(LeafHeader, include_bytes), 0);
        LeafView v;
        // avail is 16 (the header); the bytes after it in b are not the leaf's.
        EXPECT_EQ(v.parse(b.data(), sizeof(LeafHeader), c.s), LeafFault::Header) << "body_bytes " << body;
    }
}

// Bound checks: the kind byte, ranks of the columns a bound holds, a +inf
// low or -inf high, and a body too short for the two bounds.
TEST(LearnLeafDamaged, BoundFaults) {
    std::mt19937_64 rng(53);
    const LeafShape s{2, true};
    const LeafCase lc = random_leaf(rng, s, 10);
    const std::size_t low_at = sizeof(LeafHeader), high_at = low_at + bound_bytes(s);
    // Full bounds on both sides, so that every rank word is checked.
    const Words above = {kRankNullsLast, kMax, kMax, kRankNullsLast, kMax, kMax, kMax, kMax};
    const Bytes good = encode_leaf(lc.e, full_bound(s, lc.e.at(0)), full_bound(s, above.data()));
    ASSERT_EQ(parse_fault(good, s), LeafFault::None);
    for (std::size_t at : {low_at, high_at})
        for (std::uint8_t kind : {std::uint8_t{4}, std::uint8_t{0x80}, std::uint8_t{0xFF}}) {
            Bytes b = good;
            b[at] = kind;
            EXPECT_EQ(parse_fault(b, s), LeafFault::Bounds) << "kind " << int(kind);
        }
    for (std::size_t at : {low_at, high_at})
        for (std::uint32_t c = 0; c < s.nkeys; ++c) {
            Bytes b = good;
            put_u64(&b, at + 1 + 8 * 3 * c, 3);  // rank 3 in column c
            EXPECT_EQ(parse_fault(b, s), LeafFault::Bounds) << "column " << c;
        }
    {
        const Bytes fc = encode_leaf(lc.e, minus_inf(), column_bound(Pos{2, 0, 0}));
        ASSERT_EQ(parse_fault(fc, s), LeafFault::None);
        Bytes b = fc;
        put_u64(&b, high_at + 1, 3);  // FirstColumn bound, rank 3
        EXPECT_EQ(parse_fault(b, s), LeafFault::Bounds);
    }
    Bytes b = good;
    b[low_at] = static_cast<std::uint8_t>(BoundKind::PlusInf);  // +inf low
    EXPECT_EQ(parse_fault(b, s), LeafFault::Bounds);
    b = good;
    b[high_at] = static_cast<std::uint8_t>(BoundKind::MinusInf);  // -inf high
    EXPECT_EQ(parse_fault(b, s), LeafFault::Bounds);
    // A body that ends inside the bounds.
    Bytes shortb(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(16 + 2 * bound_bytes(s) - 1));
    put_u32(&shortb, offsetof(LeafHeader, body_bytes), static_cast<std::uint32_t>(shortb.size()));
    put_u32(&shortb, offsetof(LeafHeader, include_bytes), 0);
    EXPECT_EQ(parse_fault(shortb, s), LeafFault::Bounds);
}

// Lane checks: a lane whose n is not nentries (either side changed), a bad
// lane header; and the INCLUDE area's size against the header.
TEST(LearnLeafDamaged, LaneAndIncludeFaults) {
    const PendingCase c = fault_base(54);
    const LeafShape s = c.s;
    Bytes b = c.leaf;
    put_u16(&b, offsetof(LeafHeader, nentries), 19);  // header says 19, lanes 20
    EXPECT_EQ(parse_fault(b, s), LeafFault::Lanes);
    for (std::uint32_t l : {0u, 5u, s.stride() - 2}) {
        const std::size_t at = lane_offset(c.leaf, s, l);
        b = c.leaf;
        put_u32(&b, at + 4, 21);  // this lane's n
        EXPECT_EQ(parse_fault(b, s), LeafFault::Lanes) << "lane " << l;
        b = c.leaf;
        b[at + 1] = 65;  // bits > 64
        EXPECT_EQ(parse_fault(b, s), LeafFault::Lanes) << "lane " << l;
        b = c.leaf;
        b[at] = 2;  // mode
        EXPECT_EQ(parse_fault(b, s), LeafFault::Lanes) << "lane " << l;
    }
    const std::uint32_t inc = get_u32(c.leaf, offsetof(LeafHeader, include_bytes));
    ASSERT_GT(inc, 1u);
    for (std::uint32_t bad : {inc - 1, inc + 1}) {
        b = c.leaf;
        put_u32(&b, offsetof(LeafHeader, include_bytes), bad);
        EXPECT_EQ(parse_fault(b, s), LeafFault::Include) << bad;
    }
}

// The same in format 2, whose lanes take their n from the leaf header: a
// header whose count is off misreads the lanes' sizes, which the lanes
// or the INCLUDE area's size then give away.
TEST(LearnLeafDamaged, LaneFaultsFormat2) {
    const PendingCase c = fault_base(54, LaneFormat::V2);
    const LeafShape s = c.s;
    ASSERT_EQ(parse_fault(c.leaf, s), LeafFault::None);
    for (std::uint16_t n : {19, 21, 1, 0}) {
        Bytes b = c.leaf;
        put_u16(&b, offsetof(LeafHeader, nentries), n);
        EXPECT_NE(parse_fault(b, s), LeafFault::None) << "nentries " << n;
    }
    for (std::uint32_t l : {0u, 5u, s.stride() - 2}) {
        const std::size_t at = lane_offset(c.leaf, s, l);
        Bytes b = c.leaf;
        b[at + 1] = 65;  // bits > 64
        EXPECT_EQ(parse_fault(b, s), LeafFault::Lanes) << "lane " << l;
        b = c.leaf;
        b[at] = 3;  // mode
        EXPECT_EQ(parse_fault(b, s), LeafFault::Lanes) << "lane " << l;
        b = c.leaf;
        b[at + 3] = 1;  // reserved
        EXPECT_EQ(parse_fault(b, s), LeafFault::Lanes) << "lane " << l;
    }
    // Format 1's reader refuses it, and format 2's a format 1 leaf.
    EXPECT_NE(parse_fault(c.leaf, LeafShape{2, true, LaneFormat::V1}), LeafFault::None);
    EXPECT_NE(parse_fault(fault_base(54).leaf, s), LeafFault::None);
}

// Pending checks: the count against the bytes (more, fewer), trailing
// bytes, INCLUDE lengths past avail or in a leaf without INCLUDE.
TEST(LearnLeafDamaged, PendingFaults) {
    const PendingCase c = fault_base(55);
    const LeafShape s = c.s;
    Bytes b = c.leaf;
    set_pending_count(b.data(), 3);  // one more than written
    EXPECT_EQ(parse_fault(b, s), LeafFault::Pending);
    set_pending_count(b.data(), 1);  // one fewer: the second entry's bytes are left over
    EXPECT_EQ(parse_fault(b, s), LeafFault::Pending);
    b = c.leaf;
    b.push_back(0);  // a trailing byte
    EXPECT_EQ(parse_fault(b, s), LeafFault::Pending);
    // The last pending entry's include_len, one past the bytes left.
    const std::size_t fixed = 8u * (s.stride() - 1);
    const std::uint64_t* last = c.all.at(c.pend.back());
    const std::size_t last_at = c.leaf.size() - pending_entry_bytes(s, static_cast<std::uint32_t>(last[s.w_include_len()]));
    b = c.leaf;
    put_u64(&b, last_at + 8u * (s.w_include_len() - 1), last[s.w_include_len()] + 1);
    EXPECT_EQ(parse_fault(b, s), LeafFault::Pending);
    put_u64(&b, last_at + 8u * (s.w_include_len() - 1), kMax);
    EXPECT_EQ(parse_fault(b, s), LeafFault::Pending);
    // The first pending entry's include_len carrying the parse past avail:
    // rejected before the second entry is read from beyond the buffer.
    const std::uint64_t* first = c.all.at(c.pend.front());
    const std::size_t first_at = c.leaf.size() - pending_entry_bytes(s, static_cast<std::uint32_t>(first[s.w_include_len()])) -
                                 pending_entry_bytes(s, static_cast<std::uint32_t>(last[s.w_include_len()]));
    ASSERT_EQ(first_at, get_u32(c.leaf, offsetof(LeafHeader, body_bytes)));
    b = c.leaf;
    put_u64(&b, first_at + 8u * (s.w_include_len() - 1), c.leaf.size() - first_at - fixed + 1);
    EXPECT_EQ(parse_fault(b, s), LeafFault::Pending);
    // A leaf without INCLUDE: a pending entry claiming INCLUDE bytes.
    std::mt19937_64 rng(56);
    const LeafShape s0{1, false};
    PendingCase d = make_pending_case(rng, s0, 5, 1);
    ASSERT_EQ(parse_fault(d.leaf, s0), LeafFault::None);
    const std::size_t p_at = d.leaf.size() - pending_entry_bytes(s0, 0);
    put_u64(&d.leaf, p_at + 8u * (s0.w_include_len() - 1), 3);
    d.leaf.insert(d.leaf.end(), {1, 2, 3});
    EXPECT_EQ(parse_fault(d.leaf, s0), LeafFault::Pending);
}

// Simple leaf for the decode checks: one key column 10, 20, ... , INCLUDE
// of 5 bytes each.
Entries simple_entries(std::uint32_t n, const LeafShape& s = LeafShape{2, true, LaneFormat::V1}) {
    Entries e;
    e.shape = s;
    for (std::uint32_t i = 0; i < n; ++i) {
        Words x(s.stride(), 0);
        x[0] = kRankValue;
        x[2] = 10 * (i + 1);
        for (std::uint32_t c = 1; c < s.nkeys; ++c) x[3 * c] = kRankValue;
        x[s.w_block()] = i;
        x[s.w_offset()] = 1;
        x[s.w_include_start()] = e.inc.size();
        x[s.w_include_len()] = s.has_include ? 5 : 0;
        for (std::uint64_t k = 0; k < x[s.w_include_len()]; ++k) e.inc.push_back(static_cast<std::uint8_t>(i + k));
        e.w.insert(e.w.end(), x.begin(), x.end());
    }
    return e;
}

// Parses (must succeed) and returns decode()'s answer.
bool parses_and_decodes(const Bytes& leaf, const LeafShape& s, bool coded_only = false) {
    LeafView v;
    const LeafFault f = v.parse(leaf.data(), leaf.size(), s);
    EXPECT_EQ(f, LeafFault::None);
    if (f != LeafFault::None) return false;
    return decode_leaf(s, v, coded_only).ok;
}

// Entries out of order or repeated: well-formed lanes, but decode() refuses.
TEST(LearnLeafDamaged, DecodeRejectsOutOfOrder) {
    Entries e = simple_entries(8);
    const LeafShape& s = e.shape;
    ASSERT_TRUE(parses_and_decodes(encode_leaf(e, minus_inf(), plus_inf()), s));
    Entries swapped = e;
    std::swap_ranges(swapped.at(3), swapped.at(3) + s.stride(), swapped.at(4));
    EXPECT_FALSE(parses_and_decodes(encode_leaf(swapped, minus_inf(), plus_inf()), s));
    Entries dup = e;
    std::copy(dup.at(3), dup.at(3) + s.w_include_start(), dup.at(4));  // entry 4 = entry 3's key and TID
    EXPECT_FALSE(parses_and_decodes(encode_leaf(dup, minus_inf(), plus_inf()), s));
    Entries tid = e;
    tid.at(5)[s.w_block()] = tid.at(4)[s.w_block()];  // same key column order, TID decides
    tid.at(5)[2] = tid.at(4)[2];
    tid.at(5)[s.w_offset()] = 0;  // below entry 4's offset 1
    EXPECT_FALSE(parses_and_decodes(encode_leaf(tid, minus_inf(), plus_inf()), s));
}

// Entries outside the leaf's bounds: decode() refuses; the controls pass.
TEST(LearnLeafDamaged, DecodeRejectsEntriesOutsideBounds) {
    const Entries e = simple_entries(8);
    const LeafShape& s = e.shape;
    const std::uint32_t last = e.n() - 1;
    // Controls: low at the first entry, high just above the last.
    EXPECT_TRUE(parses_and_decodes(encode_leaf(e, full_bound(s, e.at(0)), column_bound(Pos{1, 0, 81})), s));
    EXPECT_TRUE(parses_and_decodes(encode_leaf(e, column_bound(Pos{1, 0, 10}), plus_inf()), s));
    // High equal to the last entry (high is exclusive).
    EXPECT_FALSE(parses_and_decodes(encode_leaf(e, minus_inf(), full_bound(s, e.at(last))), s));
    // High at the last entry's first column: keys equal to it are right of it.
    EXPECT_FALSE(parses_and_decodes(encode_leaf(e, minus_inf(), column_bound(Pos{1, 0, 80})), s));
    EXPECT_FALSE(parses_and_decodes(encode_leaf(e, minus_inf(), column_bound(Pos{1, 0, 50})), s));
    // Low above the first entry.
    Words bumped(e.at(0), e.at(0) + s.key_words());
    bumped[s.w_offset()] += 1;
    EXPECT_FALSE(parses_and_decodes(encode_leaf(e, full_bound(s, bumped.data()), plus_inf()), s));
    EXPECT_FALSE(parses_and_decodes(encode_leaf(e, column_bound(Pos{1, 0, 11}), plus_inf()), s));
    EXPECT_FALSE(parses_and_decodes(encode_leaf(e, column_bound(Pos{2, 0, 0}), plus_inf()), s));
}

// Fields out of range in well-formed lanes: decode() refuses.
// The check a scan makes before its binary search: the first and last
// coded entries inside the bounds, with valid ranks.  A key lane's base,
// shift or the rank lane's base damaged moves them out.
TEST(LearnLeafDamaged, EndsOutsideBoundsAreFound) {
    for (LaneFormat format : {LaneFormat::V1, LaneFormat::V2}) {
        const Entries e = simple_entries(8, LeafShape{2, true, format});  // first columns 10..80
        const LeafShape& s = e.shape;
        LeafView v;
        for (const auto& [low, high] : {std::pair<Bound, Bound>{minus_inf(), plus_inf()},
                                        {column_bound(Pos{1, 0, 10}), column_bound(Pos{1, 0, 81})},
                                        {column_bound(Pos{1, 0, 5}), plus_inf()}}) {
            const Bytes leaf = encode_leaf(e, low, high);
            ASSERT_EQ(v.parse(leaf.data(), leaf.size(), s), LeafFault::None);
            EXPECT_TRUE(v.ends_within_bounds());
        }
        // Bounds the entries do not respect (not written by the encoder, but
        // parse() cannot tell): the last entry at a FirstColumn high bound,
        // the first below the low bound.
        for (const auto& [low, high] : {std::pair<Bound, Bound>{minus_inf(), column_bound(Pos{1, 0, 80})},
                                        {column_bound(Pos{1, 0, 11}), plus_inf()}}) {
            const Bytes leaf = encode_leaf(e, low, high);
            ASSERT_EQ(v.parse(leaf.data(), leaf.size(), s), LeafFault::None);
            EXPECT_FALSE(v.ends_within_bounds());
        }
        // Lane damage, bounds 10 .. 81: the lo lane's base moved, the rank
        // lane's base made 3.  (Each lane's base is where the format keeps
        // it for the lane's coding.)
        const Bytes good = encode_leaf(e, column_bound(Pos{1, 0, 10}), column_bound(Pos{1, 0, 81}));
        auto base_at = [&](std::uint32_t l) {
            const std::size_t at = lane_offset(good, s, l);
            if (format == LaneFormat::V1) return at + 24;
            return at + (good[at] == static_cast<std::uint8_t>(LaneMode::Linear) ? 20 : 4);
        };
        for (const auto& [lane, value] : {std::pair<std::uint32_t, std::uint64_t>{2, std::uint64_t{1} << 40}, {0, 3}}) {
            Bytes b = good;
            put_u64(&b, base_at(lane), value);
            ASSERT_EQ(v.parse(b.data(), b.size(), s), LeafFault::None) << "lane " << lane;
            EXPECT_FALSE(v.ends_within_bounds()) << "lane " << lane << " format " << static_cast<int>(format);
        }
    }
}

TEST(LearnLeafDamaged, DecodeRejectsFieldsOutOfRange) {
    const Entries e = simple_entries(6);
    const LeafShape& s = e.shape;
    Entries x = e;
    x.at(5)[3] = 3;  // rank 3 in the second column of the last entry (order unaffected)
    EXPECT_FALSE(parses_and_decodes(encode_leaf(x, minus_inf(), plus_inf()), s));
    x = e;
    x.at(5)[0] = 3;  // rank 3 in the first column (still in order)
    EXPECT_FALSE(parses_and_decodes(encode_leaf(x, minus_inf(), plus_inf()), s));
    x = e;
    x.at(2)[s.w_block()] = std::uint64_t{1} << 32;
    EXPECT_FALSE(parses_and_decodes(encode_leaf(x, minus_inf(), plus_inf()), s));
    x = e;
    x.at(2)[s.w_offset()] = 0x10000;
    EXPECT_FALSE(parses_and_decodes(encode_leaf(x, minus_inf(), plus_inf()), s));
    // No INCLUDE columns, yet an INCLUDE length.
    Entries y = simple_entries(6, LeafShape{1, false});
    y.at(1)[y.shape.w_include_len()] = 1;
    EXPECT_FALSE(parses_and_decodes(encode_leaf(y, minus_inf(), plus_inf()), y.shape));
    // INCLUDE lengths that do not add up to the area: the constant length
    // lane (Offset, 0 bits, rmin = 5) patched to 6 and to 4.
    const Bytes good = encode_leaf(e, minus_inf(), plus_inf());
    ASSERT_TRUE(parses_and_decodes(good, s));
    const std::size_t at = lane_offset(good, s, s.w_include_len() - 1);
    ASSERT_EQ(good[at], 0);  // Offset
    ASSERT_EQ(good[at + 1], 0);  // 0 bits
    for (std::uint64_t len : {6u, 4u}) {
        Bytes b = good;
        put_u64(&b, at + 24, len);
        EXPECT_FALSE(parses_and_decodes(b, s)) << len;
    }
}

// INCLUDE lengths that wrap around 2^64 to the area's size: the first
// entry's length alone is past the area, so decode() refuses (a check of
// the sum alone would accept an entry claiming 2^64 - 1 bytes).
TEST(LearnLeafDamaged, DecodeRejectsWrappingIncludeLengths) {
    Entries e = simple_entries(2);
    const LeafShape& s = e.shape;
    e.at(0)[s.w_include_len()] = 2;
    e.at(1)[s.w_include_start()] = 2;
    e.at(1)[s.w_include_len()] = 3;
    e.inc.resize(5);
    const Bytes good = encode_leaf(e, minus_inf(), plus_inf());
    ASSERT_TRUE(parses_and_decodes(good, s));
    // Splice in an include_len lane of {2^64 - 1, 6}: the sum wraps to 5.
    const std::uint32_t l = s.w_include_len() - 1;
    const std::size_t at = lane_offset(good, s, l), end = lane_offset(good, s, l + 1);
    const Words lens = {kMax, 6};
    Bytes lane(lane_bytes(lens.data(), 2, s.format));
    lane_encode(lens.data(), 2, s.format, lane.data());
    Bytes b(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(at));
    b.insert(b.end(), lane.begin(), lane.end());
    b.insert(b.end(), good.begin() + static_cast<std::ptrdiff_t>(end), good.end());
    put_u32(&b, offsetof(LeafHeader, body_bytes), static_cast<std::uint32_t>(b.size()));
    EXPECT_FALSE(parses_and_decodes(b, s));
}

// Bad pending entries: a duplicate of a coded entry, one outside the
// bounds, a rank or TID out of range, two equal ones.  decode() refuses;
// decode_coded() (which leaves them out) still accepts.
TEST(LearnLeafDamaged, DecodeRejectsBadPendingEntries) {
    const Entries e = simple_entries(6);
    const LeafShape& s = e.shape;
    const Bytes coded = encode_leaf(e, full_bound(s, e.at(0)), column_bound(Pos{1, 0, 1000}));
    const std::uint8_t inc[5] = {1, 2, 3, 4, 5};
    auto with_pending = [&](std::vector<Words> pend) {
        Bytes b = coded;
        for (const Words& p : pend) append_pending(s, &b, p.data(), inc);
        set_pending_count(b.data(), static_cast<std::uint16_t>(pend.size()));
        return b;
    };
    Words ok(e.at(2), e.at(2) + s.stride());
    ok[2] = 25;  // between entries 1 and 2
    ASSERT_TRUE(parses_and_decodes(with_pending({ok}), s));
    Words dup(e.at(2), e.at(2) + s.stride());
    Words below(e.at(0), e.at(0) + s.stride());
    below[2] = 9;
    Words above(e.at(0), e.at(0) + s.stride());
    above[2] = 1000;  // equal to the high bound's first column
    Words rank = ok;
    rank[3] = 7;
    Words block = ok;
    block[s.w_block()] = std::uint64_t{1} << 32;
    Words offset = ok;
    offset[s.w_offset()] = 0x10000;
    for (const std::vector<Words>& pend : std::vector<std::vector<Words>>{
             {dup}, {ok, dup}, {below}, {above}, {rank}, {block}, {offset}, {ok, ok}}) {
        const Bytes b = with_pending(pend);
        EXPECT_FALSE(parses_and_decodes(b, s));
        EXPECT_TRUE(parses_and_decodes(b, s, true));
    }
}

// ===========================================================================
// Directory
// ===========================================================================

enum class DirStyle { Sequential, Uniform, Duplicates, Uuid, Nulls };
const char* style_name(DirStyle st) {
    switch (st) {
        case DirStyle::Sequential: return "sequential";
        case DirStyle::Uniform: return "uniform";
        case DirStyle::Duplicates: return "duplicates";
        case DirStyle::Uuid: return "uuid";
        case DirStyle::Nulls: return "nulls";
    }
    return "?";
}

// Entries as a build lists them: low bounds sorted by (first column, tag),
// where a repeated first column is a Full bound (tag 1) and a new one is
// either.  Half the lists start with the leftmost leaf (-inf: kPosMin, a
// column bound).
std::vector<DirEntry> make_directory(std::mt19937_64& rng, std::uint32_t n, DirStyle st) {
    std::vector<Pos> pos(n);
    const std::uint64_t start = rng() % 1000, step = 1 + rng() % 100;
    const std::uint32_t nfirst = st == DirStyle::Nulls ? std::min<std::uint32_t>(n, 1 + rng() % 5) : 0;
    const std::uint32_t nlast = st == DirStyle::Nulls ? std::min<std::uint32_t>(n - nfirst, 1 + rng() % 5) : 0;
    for (std::uint32_t j = 0; j < n; ++j) {
        switch (st) {
            case DirStyle::Sequential: pos[j] = Pos{kRankValue, 0, start + j * step}; break;
            case DirStyle::Uniform: pos[j] = Pos{kRankValue, 0, rng()}; break;
            case DirStyle::Duplicates: pos[j] = Pos{kRankValue, 0, rng() % (n / 8 + 1)}; break;
            case DirStyle::Uuid: pos[j] = Pos{kRankValue, rng() % 4 == 0 ? rng() % 8 : rng(), rng()}; break;
            case DirStyle::Nulls:
                pos[j] = j < nfirst ? Pos{kRankNullsFirst, 0, 0}
                         : j >= n - nlast ? Pos{kRankNullsLast, 0, 0}
                                          : Pos{kRankValue, 0, rng() % (4 * n)};
                break;
        }
    }
    std::sort(pos.begin(), pos.end());
    const bool leftmost = rng() % 2 == 0;
    if (leftmost) pos[0] = kPosMin;
    std::vector<DirEntry> e(n);
    for (std::uint32_t j = 0; j < n; ++j) {
        e[j].low = pos[j];
        e[j].low_is_column = j == 0 ? (leftmost || rng() % 2 == 0) : (pos[j] == pos[j - 1] ? false : rng() % 10 < 7);
        e[j].block = static_cast<std::uint32_t>(rng());
    }
    return e;
}

// entry <= probe: (low, tag) against (p, probe tag), tag 0 for a column
// bound and 1 for a Full one, probe tag 0 for Before and 2 for After.
bool entry_le(const DirEntry& e, const Pos& p, Probe probe) {
    const int c = compare(e.low, p);
    if (c != 0) return c < 0;
    return (e.low_is_column ? 0 : 1) <= static_cast<int>(probe);
}

// The reference: the last j whose entry is <= the probe, 0 if none.  A
// linear scan for small lists; for large ones a binary search over the
// same predicate (valid: the lists are checked sorted by it first).
std::uint32_t ref_route(const std::vector<DirEntry>& e, const Pos& p, Probe probe) {
    if (e.size() <= 300) {
        std::uint32_t ans = 0;
        for (std::uint32_t j = 0; j < e.size(); ++j)
            if (entry_le(e[j], p, probe)) ans = j;
        return ans;
    }
    const auto it = std::partition_point(e.begin(), e.end(), [&](const DirEntry& x) { return entry_le(x, p, probe); });
    return it == e.begin() ? 0 : static_cast<std::uint32_t>(it - e.begin()) - 1;
}

bool dir_sorted(const std::vector<DirEntry>& e) {
    for (std::size_t j = 1; j < e.size(); ++j) {
        const int c = compare(e[j - 1].low, e[j].low);
        if (c > 0 || (c == 0 && e[j - 1].low_is_column < e[j].low_is_column)) return false;
    }
    return true;
}

// Codes a directory into a buffer of directory_max_bytes, checks nothing
// is written past the bytes it reports nor past the bound, and returns
// exactly those bytes.
// Format 1 unless told: the damage tests find lanes by their 32-byte headers.
Bytes encode_directory(const std::vector<DirEntry>& e, std::uint32_t eps, bool wide,
                       LaneFormat format = LaneFormat::V1) {
    const auto n = static_cast<std::uint32_t>(e.size());
    const std::size_t max = directory_max_bytes(n);
    Bytes out(max + 64, 0xA5);
    const std::size_t len = directory_encode(e.data(), n, eps, wide, format, out.data());
    EXPECT_LE(len, max);
    for (std::size_t i = len; i < out.size(); ++i)
        if (out[i] != 0xA5) {
            ADD_FAILURE() << "directory_encode wrote past its length at " << i;
            break;
        }
    out.resize(len);
    return out;
}

std::vector<Pos> dir_probes(std::mt19937_64& rng, const std::vector<DirEntry>& e, bool wide) {
    std::vector<Pos> probes = {kPosMin, kPosMax, Pos{0, 0, 0}, Pos{1, 0, 0}, Pos{1, kMax, kMax}, Pos{2, 0, 0}};
    for (const DirEntry& x : e) {
        probes.push_back(x.low);                                   // equal
        probes.push_back(Pos{x.low.rank, x.low.hi, x.low.lo - 1});  // between (or wrapped: random)
        probes.push_back(Pos{x.low.rank, x.low.hi, x.low.lo + 1});
    }
    for (int k = 0; k < 300; ++k)
        probes.push_back(Pos{static_cast<std::uint8_t>(rng() % 8 == 0 ? rng() % 3 : 1), wide ? rng() : 0,
                             k % 2 ? rng() : rng() % (4 * e.size() + 1)});
    return probes;
}

// Random directories of many sizes, key distributions and epsilons: parse
// accepts them, entries round-trip, route() equals the brute-force answer
// for every probe and kind, and for listed keys with a distinct model
// coordinate the model's prediction is within epsilon + 1.
TEST(LearnDirectory, RouteMatchesBruteForce) {
    std::mt19937_64 rng(61);
    const std::uint32_t sizes[] = {1, 2, 127, 128, 129, 10000};
    const std::uint32_t epsilons[] = {1, 4, 64};
    const DirStyle styles[] = {DirStyle::Sequential, DirStyle::Uniform, DirStyle::Duplicates, DirStyle::Uuid,
                               DirStyle::Nulls};
    for (std::uint32_t n : sizes)
        for (std::uint32_t eps : epsilons)
            for (DirStyle st : styles)
              for (LaneFormat format : {LaneFormat::V1, LaneFormat::V2}) {
                SCOPED_TRACE(testing::Message() << "n " << n << " eps " << eps << " " << style_name(st) << " format "
                                                << static_cast<int>(format));
                const bool wide = st == DirStyle::Uuid;
                const std::vector<DirEntry> e = make_directory(rng, n, st);
                ASSERT_TRUE(dir_sorted(e));
                const Bytes bytes = encode_directory(e, eps, wide, format);
                if (format == LaneFormat::V2) {  // never larger than format 1
                    EXPECT_LE(bytes.size(), encode_directory(e, eps, wide, LaneFormat::V1).size());
                }
                DirectoryView v;
                ASSERT_TRUE(v.parse(bytes.data(), bytes.size(), format));
                ASSERT_EQ(v.size(), n);
                EXPECT_EQ(v.epsilon(), eps);
                EXPECT_GE(v.segments(), 1u);
                EXPECT_LE(v.segments(), n);
                for (std::uint32_t j = 0; j < n; ++j) {
                    const DirEntry got = v.entry(j);
                    ASSERT_EQ(compare(got.low, e[j].low), 0) << j;
                    ASSERT_EQ(got.low_is_column, e[j].low_is_column) << j;
                    ASSERT_EQ(got.block, e[j].block) << j;
                }
                for (const Pos& p : dir_probes(rng, e, wide))
                    for (Probe probe : {Probe::Before, Probe::After}) {
                        std::uint32_t steps = 0;
                        const std::uint32_t got = v.route(p, probe, &steps);
                        ASSERT_EQ(got, ref_route(e, p, probe))
                            << "probe (" << int(p.rank) << "," << p.hi << "," << p.lo << ") "
                            << (probe == Probe::Before ? "Before" : "After");
                        ASSERT_EQ(v.route(p, probe), got);
                    }
                // The model's error bound, for keys whose coordinate is listed once.
                std::vector<std::uint64_t> coords(n);
                for (std::uint32_t j = 0; j < n; ++j) coords[j] = v.coordinate(e[j].low);
                for (std::uint32_t j = 0; j < n; ++j) {
                    const bool distinct = (j == 0 || coords[j - 1] != coords[j]) && (j + 1 == n || coords[j + 1] != coords[j]);
                    if (!distinct) continue;
                    for (Probe probe : {Probe::Before, Probe::After}) {
                        std::uint32_t steps = 0xFFFFFFFFu;  // must be set
                        v.route(e[j].low, probe, &steps);
                        ASSERT_LE(steps, eps + 1) << "entry " << j;
                    }
                    const std::uint32_t guess = v.predict_entry(e[j].low);
                    ASSERT_LE(guess > j ? guess - j : j - guess, eps) << "entry " << j;
                }
            }
}

// Lookups as the shim makes them: an entry's own low bound routes to it
// (Before for a column bound, After for a Full one when it is the last of
// its first column).
TEST(LearnDirectory, EntriesRouteToThemselves) {
    std::mt19937_64 rng(62);
    for (DirStyle st : {DirStyle::Sequential, DirStyle::Uniform, DirStyle::Uuid, DirStyle::Nulls}) {
        const std::vector<DirEntry> e = make_directory(rng, 1000, st);
        const Bytes bytes = encode_directory(e, 8, st == DirStyle::Uuid);
        DirectoryView v;
        ASSERT_TRUE(v.parse(bytes.data(), bytes.size(), LaneFormat::V1));
        for (std::uint32_t j = 0; j < e.size(); ++j) {
            if (e[j].low_is_column) {
                EXPECT_EQ(v.route(e[j].low, Probe::Before), j) << style_name(st) << " " << j;
            }
            const bool last_of_column = j + 1 == e.size() || compare(e[j + 1].low, e[j].low) != 0;
            if (last_of_column) {
                EXPECT_EQ(v.route(e[j].low, Probe::After), j) << style_name(st) << " " << j;
            }
        }
    }
}

// A small example spelled out: Before and After around repeated first columns.
TEST(LearnDirectory, RouteExample) {
    const std::vector<DirEntry> e = {
        {kPosMin, true, 100},          // 0: leftmost
        {Pos{1, 0, 10}, true, 101},    // 1: FirstColumn(10)
        {Pos{1, 0, 10}, false, 102},   // 2: Full(10, ...)
        {Pos{1, 0, 10}, false, 103},   // 3: Full(10, ...)
        {Pos{1, 0, 20}, false, 104},   // 4: Full(20, ...): 20s may also be in 3
        {Pos{2, 0, 0}, true, 105},     // 5: NULLS LAST
    };
    const Bytes bytes = encode_directory(e, 1, false);
    DirectoryView v;
    ASSERT_TRUE(v.parse(bytes.data(), bytes.size(), LaneFormat::V1));
    EXPECT_EQ(v.route(Pos{1, 0, 5}, Probe::Before), 0u);
    EXPECT_EQ(v.route(Pos{1, 0, 10}, Probe::Before), 1u);
    EXPECT_EQ(v.route(Pos{1, 0, 10}, Probe::After), 3u);
    EXPECT_EQ(v.route(Pos{1, 0, 15}, Probe::Before), 3u);
    EXPECT_EQ(v.route(Pos{1, 0, 20}, Probe::Before), 3u);
    EXPECT_EQ(v.route(Pos{1, 0, 20}, Probe::After), 4u);
    EXPECT_EQ(v.route(Pos{2, 0, 0}, Probe::Before), 5u);
    EXPECT_EQ(v.route(kPosMax, Probe::After), 5u);
    EXPECT_EQ(v.route(kPosMin, Probe::Before), 0u);
    // Without the leftmost entry, probes below the first answer 0.
    const std::vector<DirEntry> f(e.begin() + 2, e.end());
    const Bytes fb = encode_directory(f, 1, false);
    ASSERT_TRUE(v.parse(fb.data(), fb.size(), LaneFormat::V1));
    EXPECT_EQ(v.route(Pos{1, 0, 10}, Probe::Before), 0u);
    EXPECT_EQ(v.route(kPosMin, Probe::After), 0u);
    EXPECT_EQ(v.route(Pos{1, 0, 10}, Probe::After), 1u);
}

// compare_entries orders the example's entries as the chain has them, and
// agrees with compare_low: a leaf starts at or before a probe exactly when
// route() could answer it or a leaf right of it for that probe.
TEST(LearnDirectory, CompareEntriesAndLow) {
    const std::vector<DirEntry> e = {
        {kPosMin, true, 100}, {Pos{1, 0, 10}, true, 101}, {Pos{1, 0, 10}, false, 102},
        {Pos{1, 0, 20}, false, 104}, {Pos{2, 0, 0}, true, 105},
    };
    for (std::size_t i = 0; i < e.size(); ++i)
        for (std::size_t j = 0; j < e.size(); ++j) {
            const int c = compare_entries(e[i], e[j]);
            EXPECT_EQ(c < 0, i < j) << i << " " << j;
            EXPECT_EQ(c == 0, i == j) << i << " " << j;
        }
    const Bytes bytes = encode_directory(e, 1, false);
    DirectoryView v;
    ASSERT_TRUE(v.parse(bytes.data(), bytes.size(), LaneFormat::V1));
    for (const Pos& p : {kPosMin, Pos{1, 0, 5}, Pos{1, 0, 10}, Pos{1, 0, 15}, Pos{1, 0, 20}, Pos{2, 0, 0}, kPosMax})
        for (Probe probe : {Probe::Before, Probe::After}) {
            const std::uint32_t r = v.route(p, probe);
            for (std::size_t j = 0; j < e.size(); ++j)
                EXPECT_EQ(compare_low(e[j], p, probe) <= 0, j <= r) << j;
        }
}

// directory_max_bytes bounds the output even for incompressible input
// (random 64-bit keys and blocks, many segments at epsilon 1).  hi words
// only for a wide (uuid) directory: every other type has hi 0 (or ~0 for
// DESC), which keeps the model coordinate in order.
TEST(LearnDirectory, MaxBytesBound) {
    std::mt19937_64 rng(63);
    for (std::uint32_t n : {1u, 2u, 3u, 127u, 128u, 129u, 255u, 256u, 257u, 5000u})
        for (bool wide : {false, true}) {
            std::vector<DirEntry> e(n);
            for (auto& x : e)
                x = DirEntry{Pos{1, wide ? rng() : 0, rng()}, rng() % 2 == 0, static_cast<std::uint32_t>(rng())};
            std::sort(e.begin(), e.end(), [](const DirEntry& a, const DirEntry& b) { return a.low < b.low; });
            const Bytes bytes = encode_directory(e, 1, wide);  // checks len <= directory_max_bytes
            DirectoryView v;
            EXPECT_TRUE(v.parse(bytes.data(), bytes.size(), LaneFormat::V1));
        }
}

// The model is worth its bytes: keys in order take one segment, random
// keys far fewer segments than entries (the coordinate shift lets slopes
// of sparse keys be stored).
TEST(LearnDirectory, ModelIsCompact) {
    std::mt19937_64 rng(64);
    for (std::uint64_t step : {std::uint64_t{1}, std::uint64_t{1000}, std::uint64_t{1} << 40}) {
        std::vector<DirEntry> e(10000);
        for (std::uint32_t j = 0; j < e.size(); ++j) e[j] = DirEntry{Pos{1, 0, 12345 + j * step}, true, j};
        const Bytes b = encode_directory(e, 4, false);
        DirectoryView v;
        ASSERT_TRUE(v.parse(b.data(), b.size(), LaneFormat::V1));
        EXPECT_EQ(v.segments(), 1u) << "step " << step;
    }
    std::vector<DirEntry> e(10000);
    for (auto& x : e) x = DirEntry{Pos{1, 0, rng()}, true, 0};
    std::sort(e.begin(), e.end(), [](const DirEntry& a, const DirEntry& b) { return a.low < b.low; });
    const Bytes b = encode_directory(e, 64, false);
    DirectoryView v;
    ASSERT_TRUE(v.parse(b.data(), b.size(), LaneFormat::V1));
    EXPECT_LT(v.segments(), 100u);
}

// ===========================================================================
// Directory: damage
// ===========================================================================

// Every truncation is rejected: the last block's lanes end at the end.
TEST(LearnDirectoryDamaged, EveryTruncationIsRejected) {
    std::mt19937_64 rng(71);
    for (std::uint32_t n : {1u, 2u, 129u})
        for (DirStyle st : {DirStyle::Uniform, DirStyle::Duplicates, DirStyle::Uuid}) {
            const Bytes bytes = encode_directory(make_directory(rng, n, st), 4, st == DirStyle::Uuid);
            for (std::size_t len = 0; len < bytes.size(); ++len) {
                const Bytes cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
                DirectoryView v;
                ASSERT_FALSE(v.parse(cut.data(), cut.size(), LaneFormat::V1)) << "n " << n << " len " << len;
            }
        }
}

// Random flips: parse rejects them, or every lookup still answers an
// index inside the directory and entries are readable (no read outside
// the buffer under the sanitizers).
TEST(LearnDirectoryDamaged, RandomFlips) {
    std::mt19937_64 rng(72);
    std::vector<Bytes> base;
    for (DirStyle st : {DirStyle::Sequential, DirStyle::Uniform, DirStyle::Duplicates, DirStyle::Uuid, DirStyle::Nulls})
        for (std::uint32_t n : {3u, 200u})
            base.push_back(encode_directory(make_directory(rng, n, st), 1 + static_cast<std::uint32_t>(rng() % 16),
                                            st == DirStyle::Uuid));
    int parsed = 0;
    for (int iter = 0; iter < 6000; ++iter) {
        Bytes b = base[rng() % base.size()];
        const std::size_t zone = rng() % 2 ? std::min<std::size_t>(b.size(), 200) : b.size();
        for (int f = 1 + static_cast<int>(rng() % 3); f > 0; --f) b[rng() % zone] ^= static_cast<std::uint8_t>(1 + rng() % 255);
        DirectoryView v;
        if (!v.parse(b.data(), b.size(), LaneFormat::V1)) continue;
        ++parsed;
        for (int k = 0; k < 40; ++k) {
            const Pos p{static_cast<std::uint8_t>(rng() % 3), rng() % 2 ? rng() : 0, rng() % 2 ? rng() : rng() % 1000};
            std::uint32_t steps;
            const std::uint32_t j = v.route(p, k % 2 ? Probe::Before : Probe::After, &steps);
            ASSERT_LT(j, v.size()) << "iter " << iter;
            (void)v.entry(j);
            (void)v.predict_entry(p);
        }
    }
    RecordProperty("parsed", parsed);
}

// Random buffers behind a plausible header: parse rejects them or lookups
// stay inside the directory.
TEST(LearnDirectoryDamaged, RandomBuffers) {
    std::mt19937_64 rng(73);
    for (int iter = 0; iter < 20000; ++iter) {
        Bytes b(rng() % 2000);
        for (auto& x : b) x = static_cast<std::uint8_t>(rng() % 4 == 0 ? rng() : rng() % 2);
        if (b.size() >= sizeof(DirHeader)) {
            DirHeader h;
            h.nleaves = 1 + static_cast<std::uint32_t>(rng() % 300);
            h.nsegments = 1 + static_cast<std::uint32_t>(rng() % 3);
            h.epsilon = 1 + static_cast<std::uint32_t>(rng() % 8);
            h.nblocks = (h.nleaves + kDirBlockEntries - 1) / kDirBlockEntries;
            h.wide = static_cast<std::uint32_t>(rng() % 2);
            h.shift = static_cast<std::uint32_t>(rng() % 70);
            std::memcpy(b.data(), &h, sizeof h);
        }
        DirectoryView v;
        if (!v.parse(b.data(), b.size(), LaneFormat::V1)) continue;
        for (int k = 0; k < 20; ++k) {
            const Pos p{static_cast<std::uint8_t>(rng() % 3), rng(), rng()};
            ASSERT_LT(v.route(p, k % 2 ? Probe::Before : Probe::After), v.size());
        }
    }
}

// Offset of block 0's lane l in a directory of one block whose lanes are
// all Offset/0-bit (one entry): header, segments, one offset, lanes of 32 bytes.
std::size_t one_entry_lane(const Bytes& b, int l) {
    DirHeader h;
    std::memcpy(&h, b.data(), sizeof h);
    std::uint32_t off;
    std::memcpy(&off, b.data() + sizeof h + h.nsegments * sizeof(Segment), 4);
    return off + static_cast<std::size_t>(l) * kLaneHeaderBytes;
}

// A tag outside 0..5 (rank·2 + Full bit) is damage; parse must not map it
// onto a valid rank (tag 514 would read as rank 257, truncated to 1).
TEST(LearnDirectoryDamaged, TagOutOfRangeIsRejected) {
    const std::vector<DirEntry> e = {{Pos{1, 0, 7}, true, 5}};
    Bytes b = encode_directory(e, 1, false);
    DirectoryView v;
    ASSERT_TRUE(v.parse(b.data(), b.size(), LaneFormat::V1));
    const std::size_t tag = one_entry_lane(b, 0);
    ASSERT_EQ(b[tag + 1], 0);  // 0 bits: the value is rmin
    // (The lane may store the tag shifted: its zero low bits; set no shift.)
    for (std::uint64_t bad : {6u, 7u, 2u * 256 + 2, 2u * 256 + 3}) {
        Bytes x = b;
        x[tag + 2] = 0;
        put_u64(&x, tag + 24, bad);
        EXPECT_FALSE(v.parse(x.data(), x.size(), LaneFormat::V1)) << "tag " << bad;
    }
    Bytes ok = b;
    ok[tag + 2] = 0;
    put_u64(&ok, tag + 24, 5);  // NULLS LAST, Full: valid
    EXPECT_TRUE(v.parse(ok.data(), ok.size(), LaneFormat::V1));
}

// A block number that does not fit a BlockNumber is damage; entry() must
// not truncate it into a block the shim's range check would accept.
TEST(LearnDirectoryDamaged, BlockOutOfRangeIsRejected) {
    const std::vector<DirEntry> e = {{Pos{1, 0, 7}, true, 5}};
    Bytes b = encode_directory(e, 1, false);
    const std::size_t block = one_entry_lane(b, 3);
    ASSERT_EQ(b[block + 1], 0);
    Bytes x = b;
    put_u64(&x, block + 24, (std::uint64_t{1} << 32) + 5);
    DirectoryView v;
    EXPECT_FALSE(v.parse(x.data(), x.size(), LaneFormat::V1)) << "entry(0).block would read " << v.entry(0).block;
}

// Low bounds out of order by first column (lo, hi or rank) are rejected.
TEST(LearnDirectoryDamaged, EntriesOutOfOrderAreRejected) {
    DirectoryView v;
    const std::vector<std::vector<DirEntry>> cases = {
        {{Pos{1, 0, 7}, true, 1}, {Pos{1, 0, 5}, true, 2}},
        {{Pos{1, 0, 1}, true, 1}, {Pos{1, 0, 7}, true, 2}, {Pos{1, 0, 5}, false, 3}, {Pos{1, 0, 9}, true, 4}},
        {{Pos{2, 0, 0}, true, 1}, {Pos{1, 0, 5}, true, 2}},
        {{Pos{1, 3, 0}, true, 1}, {Pos{1, 2, 5}, true, 2}},
    };
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const Bytes b = encode_directory(cases[k], 1, k == 3);
        EXPECT_FALSE(v.parse(b.data(), b.size(), LaneFormat::V1)) << "case " << k;
    }
}

// Within one first column the column bound must come first
// (FirstColumn(p) = (p, -inf) < Full(p, ...)): a Full bound listed before
// the column bound at the same first column is out of order, and parse
// must reject it, since route()'s binary search relies on that order.
TEST(LearnDirectoryDamaged, TagsOutOfOrderAreRejected) {
    DirectoryView v;
    const std::vector<DirEntry> by_tag = {{Pos{1, 0, 3}, true, 1}, {Pos{1, 0, 7}, false, 2}, {Pos{1, 0, 7}, true, 3}};
    const Bytes b = encode_directory(by_tag, 1, false);
    EXPECT_FALSE(v.parse(b.data(), b.size(), LaneFormat::V1));
}

// Segment checks: a first position outside the directory, a negative
// slope, first keys out of order.
TEST(LearnDirectoryDamaged, SegmentFaults) {
    std::mt19937_64 rng(75);
    const Bytes good = encode_directory(make_directory(rng, 300, DirStyle::Uniform), 1, false);
    DirectoryView v;
    ASSERT_TRUE(v.parse(good.data(), good.size(), LaneFormat::V1));
    ASSERT_GE(v.segments(), 2u);
    const std::size_t seg0 = sizeof(DirHeader), seg1 = seg0 + sizeof(Segment);
    Bytes b = good;
    put_u64(&b, seg0 + offsetof(Segment, first_pos), 300);
    EXPECT_FALSE(v.parse(b.data(), b.size(), LaneFormat::V1));
    b = good;
    put_u64(&b, seg1 + offsetof(Segment, first_pos), kMax);
    EXPECT_FALSE(v.parse(b.data(), b.size(), LaneFormat::V1));
    b = good;
    put_u64(&b, seg0 + offsetof(Segment, slope_q32), static_cast<std::uint64_t>(-1));
    EXPECT_FALSE(v.parse(b.data(), b.size(), LaneFormat::V1));
    b = good;
    put_u64(&b, seg0 + offsetof(Segment, first_key), kMax);
    EXPECT_FALSE(v.parse(b.data(), b.size(), LaneFormat::V1));
}

// Header checks: zero leaves, zero epsilon, zero segments, more segments
// than leaves, a wrong block count, wide > 1, shift >= 64.
TEST(LearnDirectoryDamaged, HeaderFaults) {
    std::mt19937_64 rng(74);
    const Bytes good = encode_directory(make_directory(rng, 300, DirStyle::Uniform), 4, false);
    DirectoryView v;
    ASSERT_TRUE(v.parse(good.data(), good.size(), LaneFormat::V1));
    const std::size_t f_nleaves = offsetof(DirHeader, nleaves), f_nseg = offsetof(DirHeader, nsegments),
                      f_eps = offsetof(DirHeader, epsilon), f_nblocks = offsetof(DirHeader, nblocks),
                      f_wide = offsetof(DirHeader, wide), f_shift = offsetof(DirHeader, shift);
    const std::uint32_t nblocks = (300 + kDirBlockEntries - 1) / kDirBlockEntries;
    const std::pair<std::size_t, std::uint32_t> bad[] = {
        {f_nleaves, 0}, {f_nleaves, 301}, {f_eps, 0}, {f_nseg, 0}, {f_nseg, 301}, {f_nseg, 0xFFFFFFFFu},
        {f_nblocks, nblocks - 1}, {f_nblocks, nblocks + 1}, {f_wide, 2}, {f_shift, 64}, {f_shift, 0xFFFFFFFFu}};
    for (const auto& [at, value] : bad) {
        Bytes b = good;
        put_u32(&b, at, value);
        EXPECT_FALSE(v.parse(b.data(), b.size(), LaneFormat::V1)) << "field at " << at << " = " << value;
    }
    EXPECT_FALSE(v.parse(good.data(), sizeof(DirHeader) - 1, LaneFormat::V1));
}

}  // namespace
