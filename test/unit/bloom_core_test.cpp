// bloom_core_test.cpp — ixbloom's signature math, sizing, predicate and
// bit-slice geometry, including a randomized slices-vs-rows round trip.
#include "core/bloom/bit_slices.hpp"
#include "core/bloom/signature.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <vector>

namespace {

using namespace ixcore::bloom;

SignatureShape shape(int bits, int ncols, int k) {
    SignatureShape s;
    s.bits = bits;
    s.ncols = ncols;
    for (int i = 0; i < ncols; ++i)
        s.col_bits[i] = k;
    return s;
}

TEST(BloomSignature, RoundsLengthLikeContrib) {
    EXPECT_EQ(round_signature_bits(1), 16);
    EXPECT_EQ(round_signature_bits(80), 80);
    EXPECT_EQ(round_signature_bits(81), 96);
    EXPECT_EQ(round_signature_bits(4096), 4096);
    EXPECT_EQ(round_signature_bits(5000), 4096);
}

TEST(BloomSignature, BitsAreDeterministicInRangeAndDistinctPerColumn) {
    SignatureShape s = shape(80, 3, 5);
    std::vector<int> a, b, c;
    for_each_bit(s, 0, 12345, false, [&](int bit) { a.push_back(bit); });
    for_each_bit(s, 0, 12345, false, [&](int bit) { b.push_back(bit); });
    for_each_bit(s, 1, 12345, false, [&](int bit) { c.push_back(bit); });
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);  // same value, other column: other bits
    ASSERT_EQ(a.size(), 5u);
    for (int bit : a) {
        EXPECT_GE(bit, 0);
        EXPECT_LT(bit, 80);
    }
}

TEST(BloomSignature, NullHasItsOwnBits) {
    SignatureShape s = shape(256, 1, 4);
    std::vector<int> null_bits, value_bits;
    for_each_bit(s, 0, kNullHash, true, [&](int bit) { null_bits.push_back(bit); });
    for_each_bit(s, 0, kNullHash, false, [&](int bit) { value_bits.push_back(bit); });
    EXPECT_NE(null_bits, value_bits);
}

TEST(BloomSignature, SizingMeetsTheTargetRate) {
    for (double p : {0.1, 0.05, 0.01, 0.001}) {
        for (int ncols : {1, 2, 6, 32}) {
            SignatureShape s = shape_for_false_positive_rate(p, ncols);
            EXPECT_EQ(s.bits % 16, 0);
            if (s.bits < kMaxSignatureBits) {
                EXPECT_LE(expected_false_positive_rate(s, 0), p * 1.0001) << "p=" << p << " ncols=" << ncols;
            }
        }
    }
    SignatureShape s = shape_for_false_positive_rate(0.01, 6);
    EXPECT_EQ(s.col_bits[0], 7);
    EXPECT_EQ(s.bits, 64);  // ceil(6*7/ln2) = 61 -> 64
}

TEST(BloomSignature, MeasuredFalsePositivesFollowTheModel) {
    // 20000 random rows of 2 columns in a shape sized for 1%: probes for
    // absent values must pass about 1% of the time (well under 2%).
    SignatureShape s = shape_for_false_positive_rate(0.01, 2);
    std::mt19937 rng(7);
    std::vector<std::vector<std::uint16_t>> rows(20000, std::vector<std::uint16_t>(s.words()));
    for (auto& r : rows)
        for (int c = 0; c < 2; ++c)
            add_to_signature(s, c, rng(), false, r.data());
    int hits = 0, probes = 0;
    for (int i = 0; i < 200; ++i) {
        Predicate p;
        p.begin_clause();
        p.add_alternative(s, 0, rng(), false);
        for (auto& r : rows) {
            ++probes;
            hits += p.matches(r.data());
        }
    }
    EXPECT_LT(static_cast<double>(hits) / probes, 0.02);
}

TEST(BloomPredicate, AndOfOrs) {
    SignatureShape s = shape(128, 2, 3);
    std::vector<std::uint16_t> row(s.words());
    add_to_signature(s, 0, 10, false, row.data());
    add_to_signature(s, 1, 20, true, row.data());

    Predicate eq;  // c0 = 10 AND c1 IS NULL
    eq.begin_clause();
    eq.add_alternative(s, 0, 10, false);
    eq.begin_clause();
    eq.add_alternative(s, 1, 0, true);
    EXPECT_TRUE(eq.matches(row.data()));

    Predicate any;  // c0 = ANY({7, 10})
    any.begin_clause();
    any.add_alternative(s, 0, 7, false);
    any.add_alternative(s, 0, 10, false);
    EXPECT_TRUE(any.matches(row.data()));

    Predicate empty_any;  // c0 = ANY('{}') matches nothing
    empty_any.begin_clause();
    EXPECT_FALSE(empty_any.matches(row.data()));

    Predicate none;  // no clause: everything
    EXPECT_TRUE(none.matches(row.data()));
}

TEST(BitSlices, Geometry) {
    // The body of a real 8 kB ixbloom page (the server build checks it).
    const std::size_t page = kStandardPageBytes;
    EXPECT_EQ(page, 8192u - 24u - 16u);
    EXPECT_EQ(max_group_capacity(page), 65216u);
    EXPECT_EQ(group_capacity_for(0, page), 64u);
    EXPECT_EQ(group_capacity_for(100, page), 128u);
    EXPECT_EQ(group_capacity_for(10000000, page), 65216u);

    // A full group: one slice per page, plus the dead slice.
    GroupGeometry g{65216, 65216, 80, 3, page};
    EXPECT_EQ(g.slices_per_page(), 1u);
    EXPECT_EQ(g.dead_slice(), 80);
    EXPECT_EQ(g.slice_pages(), 81u);
    EXPECT_EQ(g.slice_page(g.dead_slice()), 80u);
    EXPECT_EQ(g.tid_page(0), 81u);
    EXPECT_EQ(g.tid_page(2), 83u);
    EXPECT_EQ(g.total_pages(), 84u);

    GroupGeometry small{128, 100, 80, 1, page};  // 16-byte slices, 509 per page
    EXPECT_EQ(small.slices_per_page(), 509u);
    EXPECT_EQ(small.slice_pages(), 1u);
    EXPECT_EQ(small.slice_offset(3), 48u);
    EXPECT_EQ(small.slice_offset(small.dead_slice()), 80u * 16u);
    EXPECT_EQ(small.total_pages(), 2u);

    // 509 signature slices fill a page; the dead slice starts the next one.
    GroupGeometry edge{128, 100, 509, 1, page};
    EXPECT_EQ(edge.slice_pages(), 2u);
    EXPECT_EQ(edge.slice_page(edge.dead_slice()), 1u);
}

// The plain definition of slicing, one row and one bit at a time.
void add_row_to_slices(const std::uint16_t* signature, int sig_bits, std::uint32_t row, std::uint8_t* slices,
                       std::size_t stride) {
    for (int b = 0; b < sig_bits; ++b)
        if (signature_has_bit(signature, b))
            slices[static_cast<std::size_t>(b) * stride + row / 8] |= static_cast<std::uint8_t>(1u << (row % 8));
}

// add_rows_to_slices (64 rows per slice word) must set exactly the bits
// that the plain definition sets row by row, from any start position, with
// a stride larger than the slices (as CREATE INDEX uses for its last group).
TEST(BitSlices, RowsAtOnceMatchRowByRow) {
    std::mt19937 rng(7);
    for (int round = 0; round < 40; ++round) {
        SignatureShape s = shape(16 * (1 + static_cast<int>(rng() % 10)), 4, 1 + static_cast<int>(rng() % 3));
        const std::size_t stride = 8 * (1 + rng() % 40) + (round % 2 == 0 ? 0 : 16);
        const std::uint32_t first = static_cast<std::uint32_t>(rng() % (stride * 8 / 2));
        const std::uint32_t n = static_cast<std::uint32_t>(rng() % (stride * 8 - first) + 1);
        std::vector<std::uint16_t> sigs(static_cast<std::size_t>(n) * s.words());
        for (std::uint32_t r = 0; r < n; ++r)
            for (int c = 0; c < 4; ++c)
                add_to_signature(s, c, rng() % 1000, rng() % 9 == 0, sigs.data() + static_cast<std::size_t>(r) * s.words());
        std::vector<std::uint8_t> one(static_cast<std::size_t>(s.bits) * stride, 0), all(one);
        // Bits already set outside the range must survive.
        for (std::size_t i = 0; i < one.size(); i += 1 + rng() % 97)
            one[i] = all[i] = static_cast<std::uint8_t>(rng());
        for (std::uint32_t r = 0; r < n; ++r)
            add_row_to_slices(sigs.data() + static_cast<std::size_t>(r) * s.words(), s.bits, first + r, one.data(), stride);
        add_rows_to_slices(sigs.data(), s.bits, first, n, all.data(), stride);
        ASSERT_EQ(one, all) << "round " << round << " first " << first << " rows " << n;
    }
}

// Randomized: slices evaluated with evaluate_group must select exactly the
// rows whose row-major signatures match, for random predicates.
TEST(BitSlices, SlicesAgreeWithRowsOnRandomPredicates) {
    std::mt19937 rng(99);
    for (int round = 0; round < 50; ++round) {
        SignatureShape s = shape(16 * (1 + static_cast<int>(rng() % 8)), 3, 1 + static_cast<int>(rng() % 3));
        const std::uint32_t nrows = 1 + rng() % 3000;
        GroupGeometry g{group_capacity_for(nrows, kStandardPageBytes), nrows, s.bits, 1, kStandardPageBytes};
        std::vector<std::uint16_t> sigs(static_cast<std::size_t>(nrows) * s.words());
        auto row = [&](std::uint32_t r) { return sigs.data() + static_cast<std::size_t>(r) * s.words(); };
        std::vector<std::uint8_t> slices(static_cast<std::size_t>(s.bits) * g.slice_bytes());
        for (std::uint32_t r = 0; r < nrows; ++r)
            for (int c = 0; c < 3; ++c) {
                const bool isnull = rng() % 10 == 0;
                add_to_signature(s, c, rng() % 50, isnull, row(r));
            }
        add_rows_to_slices(sigs.data(), s.bits, 0, nrows, slices.data(), g.slice_bytes());
        Predicate p;
        const int nclauses = 1 + static_cast<int>(rng() % 3);
        for (int c = 0; c < nclauses; ++c) {
            p.begin_clause();
            const int nalts = static_cast<int>(rng() % 3);  // 0 = empty ANY
            for (int a = 0; a < nalts + (c == 0 ? 1 : 0); ++a)
                p.add_alternative(s, c, rng() % 50, rng() % 10 == 0);
        }
        std::vector<std::uint64_t> out(g.words()), scratch(2 * g.words());
        evaluate_group(p, g, [&](int bit) { return slices.data() + static_cast<std::size_t>(bit) * g.slice_bytes(); },
                       out.data(), scratch.data());
        for (std::uint32_t r = 0; r < g.capacity; ++r) {
            const bool from_slices = (out[r / 64] >> (r % 64)) & 1u;
            const bool expected = r < nrows && p.matches(row(r));
            ASSERT_EQ(from_slices, expected) << "round " << round << " row " << r;
        }
    }
}

}  // namespace
