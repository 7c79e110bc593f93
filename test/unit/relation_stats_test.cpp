// relation_stats_test.cpp — result arithmetic of ixstat, checked against the
// values contrib pgstattuple prints for the same counters.
#include "core/relation_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(RelationStats, RoundsLikePrintfTwoDecimals) {
    EXPECT_DOUBLE_EQ(ixcore::round_2dp(60.495434385357484), 60.5);
    EXPECT_DOUBLE_EQ(ixcore::round_2dp(30.24812178178267), 30.25);
    EXPECT_DOUBLE_EQ(ixcore::round_2dp(0.33985484730113635), 0.34);
    // 0.125 is exact in binary: printf rounds half to even.
    EXPECT_DOUBLE_EQ(ixcore::round_2dp(0.125), 0.12);
    EXPECT_DOUBLE_EQ(ixcore::round_2dp(0.0), 0.0);
    EXPECT_DOUBLE_EQ(ixcore::round_2dp(100.0), 100.0);
}

TEST(RelationStats, TuplePercentagesOfEmptyTableAreZero) {
    ixcore::TupleStats s;
    EXPECT_EQ(s.percent_of_table(0), 0.0);
    s.add_live(10);
    EXPECT_EQ(s.percent_of_table(s.tuple_len), 0.0);
}

TEST(RelationStats, TuplePercentages) {
    // Numbers from a real run: 8650752-byte table, 5233310 live bytes.
    ixcore::TupleStats s;
    s.table_len = 8650752;
    s.tuple_len = 5233310;
    s.dead_tuple_len = 2616690;
    s.free_space = 29400;
    EXPECT_DOUBLE_EQ(s.percent_of_table(s.tuple_len), 60.5);
    EXPECT_DOUBLE_EQ(s.percent_of_table(s.dead_tuple_len), 30.25);
    EXPECT_DOUBLE_EQ(s.percent_of_table(s.free_space), 0.34);
}

TEST(RelationStats, CountersAccumulate) {
    ixcore::TupleStats s;
    s.add_live(5);
    s.add_live(7);
    s.add_dead(3);
    EXPECT_EQ(s.tuple_count, 2u);
    EXPECT_EQ(s.tuple_len, 12u);
    EXPECT_EQ(s.dead_tuple_count, 1u);
    EXPECT_EQ(s.dead_tuple_len, 3u);
}

TEST(RelationStats, ApproxScannedPercentIsWholeNumber) {
    ixcore::ApproxStats a;
    EXPECT_EQ(a.scanned_percent(), 0.0);
    a.pages = 3;
    a.scanned_pages = 2;
    EXPECT_EQ(a.scanned_percent(), 66.0);
    // Beyond 2^32/100 pages, where a 32-bit product would overflow.
    a.pages = 100000000;
    a.scanned_pages = 50000000;
    EXPECT_EQ(a.scanned_percent(), 50.0);
}

TEST(RelationStats, ApproxPercentagesAreUnrounded) {
    ixcore::ApproxStats a;
    a.pages = 1056;
    a.table_len = 8650752;
    EXPECT_DOUBLE_EQ(a.percent_of_table(5233310), 100.0 * 5233310 / 8650752);
    ixcore::ApproxStats empty;
    EXPECT_EQ(empty.percent_of_table(0), 0.0);
}

TEST(RelationStats, BtreeIncludesMetapageAndNaNWithoutLeaves) {
    ixcore::BtreeStats b;
    EXPECT_EQ(b.index_size(8192), 8192u);
    EXPECT_TRUE(std::isnan(b.avg_leaf_density()));
    EXPECT_TRUE(std::isnan(b.leaf_fragmentation()));
    b.leaf_pages = 274;
    b.internal_pages = 1;
    b.max_avail = 274ull * 8136;
    b.free_space = 226000;
    b.fragments = 3;
    EXPECT_EQ(b.index_size(8192), 276u * 8192);
    EXPECT_DOUBLE_EQ(b.avg_leaf_density(), ixcore::round_2dp(100.0 - 226000.0 / (274.0 * 8136) * 100.0));
    EXPECT_DOUBLE_EQ(b.leaf_fragmentation(), 1.09);
}

TEST(RelationStats, HashFreePercent) {
    ixcore::HashStats h;
    h.bitmap_pages = 1;
    // Only the metapage and the bitmap page: no tuple space at all.
    EXPECT_EQ(h.free_percent(2, 8152), 0.0);
    h.free_space = 1000;
    h.unused_pages = 2;
    // 10 blocks - metapage - 1 bitmap = 8 pages of tuple space.
    EXPECT_DOUBLE_EQ(h.free_percent(10, 8152), 100.0 * (1000.0 + 2 * 8152) / (8.0 * 8152));
}

}  // namespace
