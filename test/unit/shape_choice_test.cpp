// shape_choice_test.cpp — the signature shape chosen from the data
// (core/bloom/shape_choice.hpp): within its size budget, far cheaper than
// contrib's defaults in the model it minimises, bits where they pay, and
// the distinct-value estimate a sample feeds it.
#include "core/bloom/shape_choice.hpp"
#include "core/bloom/shape_options.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ixcore::bloom;

// The W1 table of bench/ixbloom_bench.sh: 5,000,000 rows of 6 int4
// columns with 100k, 50k, 1M, 20, 200 and 1,000 distinct values.
TableFacts w1() {
    TableFacts t;
    t.rows = 5e6;
    t.heap_pages = 31847;
    t.ncols = 6;
    const double nd[6] = {100000, 50000, 1000000, 20, 200, 1000};
    for (int i = 0; i < 6; ++i) {
        t.cols[i].ndistinct = nd[i];
        t.cols[i].btree_bytes_per_row = btree_bytes_per_row(4, t.rows / nd[i]);
    }
    return t;
}

// contrib bloom's defaults: the shape of no options.
SignatureShape contrib_defaults(int ncols) { return shape_from_options(ShapeOptions(), ncols); }

TEST(ShapeChoice, BtreeBytesPerRow) {
    // Distinct int4: a 16-byte leaf tuple and a 4-byte line pointer, at 90% fill.
    EXPECT_NEAR(btree_bytes_per_row(4, 1), 20 / 0.9, 1e-9);
    EXPECT_NEAR(btree_bytes_per_row(8, 1), 20 / 0.9, 1e-9);
    EXPECT_NEAR(btree_bytes_per_row(16, 1), 28 / 0.9, 1e-9);
    // Deduplicated: 6 bytes a row, and the tuple once per value.
    EXPECT_NEAR(btree_bytes_per_row(4, 10), (6 + 2.0) / 0.9, 1e-9);
    EXPECT_NEAR(btree_bytes_per_row(4, 1e6), (6 + 20 / kPostingTids) / 0.9, 1e-9);
    // Measured (bench/ixbloom_btree_bench.sh, 300,000 rows): six btrees on
    // the W1 columns took 65.7 bytes a row.
    const double nd[6] = {100000, 50000, 300000, 20, 200, 1000};
    double sum = 0;
    for (double d : nd)
        sum += btree_bytes_per_row(4, 300000 / d);
    EXPECT_NEAR(sum, 65.7, 65.7 * 0.05);
}

TEST(ShapeChoice, StaysWithinHalfABtreePerColumn) {
    const TableFacts t = w1();
    // Half of six btrees (45 bytes a row, mostly deduplicated), less a
    // byte, in whole 16-bit steps.
    EXPECT_EQ(budget_bits(t), 160);
    const SignatureShape s = choose_shape(t);
    EXPECT_LE(s.bits, budget_bits(t));
    EXPECT_EQ(s.ncols, 6);
    for (int i = 0; i < 6; ++i) {
        EXPECT_GE(s.col_bits[i], 1);
        EXPECT_LE(s.col_bits[i], kMaxChosenColumnBits);
    }
}

TEST(ShapeChoice, FarCheaperThanContribDefaultsOnW1) {
    const TableFacts t = w1();
    const SignatureShape s = choose_shape(t);
    EXPECT_LT(workload_cost(s, t), workload_cost(contrib_defaults(6), t) / 2);
    // The column with 20 values gains little from bits: its matches, not
    // false positives, fill the heap pages.  It gets no more than the
    // column with a million values.
    EXPECT_LE(s.col_bits[3], s.col_bits[2]);
}

TEST(ShapeChoice, ChoiceIsALocalMinimum) {
    const TableFacts t = w1();
    const SignatureShape s = choose_shape(t);
    const double cost = workload_cost(s, t);
    for (int i = 0; i < 6; ++i)
        for (int d : {-1, 1}) {
            SignatureShape o = s;
            o.col_bits[i] += d;
            if (o.col_bits[i] < 1 || o.col_bits[i] > kMaxChosenColumnBits)
                continue;
            EXPECT_GE(workload_cost(o, t), cost - 1e-6) << "column " << i << " step " << d;
        }
}

TEST(ShapeChoice, LongerSignaturesCutFalsePositives) {
    const TableFacts t = w1();
    SignatureShape a = contrib_defaults(6);
    SignatureShape b = a;
    b.bits = 160;
    const int q[2] = {2, 3};
    EXPECT_LT(query_cost(b, t, q, 2), query_cost(a, t, q, 2));
}

TEST(ShapeChoice, NothingToSizeFromGivesContribDefaults) {
    TableFacts t = w1();
    t.rows = 0;
    const SignatureShape s = choose_shape(t);
    EXPECT_EQ(s.bits, kDefaultSignatureBits);
    for (int i = 0; i < 6; ++i)
        EXPECT_EQ(s.col_bits[i], kDefaultColumnBits);
}

TEST(ShapeChoice, OneColumnIndex) {
    TableFacts t;
    t.rows = 1e6;
    t.heap_pages = 5000;
    t.ncols = 1;
    t.cols[0].ndistinct = 1e6;
    t.cols[0].btree_bytes_per_row = btree_bytes_per_row(8, 1);
    const SignatureShape s = choose_shape(t);
    EXPECT_LE(s.bits, budget_bits(t));
    EXPECT_LT(workload_cost(s, t), workload_cost(contrib_defaults(1), t));
}

TEST(ShapeChoice, EstimateDistinct) {
    // The whole table was read: what was seen.
    EXPECT_DOUBLE_EQ(estimate_distinct(1000, 37, 5, 1000), 37);
    // Every sampled value unique in a larger table: a unique column.
    EXPECT_DOUBLE_EQ(estimate_distinct(30000, 30000, 30000, 5e6), 5e6);
    // No value seen once: the sample has found them all.
    EXPECT_DOUBLE_EQ(estimate_distinct(30000, 20, 0, 5e6), 20);
    // In between: more than seen, less than the rows.
    const double e = estimate_distinct(30000, 25000, 21000, 5e6);
    EXPECT_GT(e, 25000);
    EXPECT_LT(e, 5e6);
    EXPECT_DOUBLE_EQ(estimate_distinct(0, 0, 0, 100), 1);
}

TEST(ShapeChoice, FingerprintSeesEveryField) {
    const SignatureShape s = choose_shape(w1());
    const std::uint32_t f = shape_fingerprint(s);
    EXPECT_EQ(f, shape_fingerprint(s));
    SignatureShape o = s;
    o.bits += 16;
    EXPECT_NE(shape_fingerprint(o), f);
    o = s;
    o.ncols -= 1;
    EXPECT_NE(shape_fingerprint(o), f);
    for (int i = 0; i < s.ncols; ++i) {
        o = s;
        o.col_bits[i] += 1;
        EXPECT_NE(shape_fingerprint(o), f) << "column " << i;
    }
}

}  // namespace
