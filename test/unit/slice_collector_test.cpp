// slice_collector_test.cpp — CREATE INDEX's row collection (core's
// SliceCollector): every row reaches exactly one group with its own bits,
// every group but the last is full, and each group's TIDs ascend even when a
// heap block delivers its line pointers out of order (HOT chains) and a
// block's sorted rows straddle two groups.
#include "core/bloom/bit_slices.hpp"
#include "core/bloom/slice_collector.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

namespace {

using namespace ixcore::bloom;

struct Row {
    Tid tid;
    std::vector<std::uint16_t> bits;  // sorted, distinct
};

struct Group {
    std::vector<Tid> tids;
    std::vector<std::vector<std::uint16_t>> bits;  // per row, from the slices
};

// Feed rows through the collector's protocol; return the groups written.
std::vector<Group> collect(const std::vector<Row>& rows, std::uint32_t capacity, int sig_bits,
                           std::uint32_t max_block_rows) {
    std::vector<std::uint64_t> memory(SliceCollector::memory_bytes(capacity, sig_bits, max_block_rows) / 8 + 1, 0);
    SliceCollector c;
    c.init(capacity, sig_bits, max_block_rows, memory.data());
    std::vector<Group> groups;
    auto take = [&] {
        Group g;
        for (std::uint32_t r = 0; r < c.rows(); ++r) {
            g.tids.push_back(c.tids()[r]);
            std::vector<std::uint16_t> bits;
            for (int b = 0; b < sig_bits; ++b)
                if ((c.slices()[static_cast<std::size_t>(b) * c.stride() + r / 8] >> (r % 8)) & 1)
                    bits.push_back(static_cast<std::uint16_t>(b));
            g.bits.push_back(bits);
        }
        // Rows past the group's end have no bit set.
        for (std::uint32_t r = c.rows(); r < capacity; ++r)
            for (int b = 0; b < sig_bits; ++b)
                EXPECT_EQ((c.slices()[static_cast<std::size_t>(b) * c.stride() + r / 8] >> (r % 8)) & 1, 0)
                    << "bit " << b << " of unused row " << r;
        groups.push_back(g);
    };
    for (const Row& row : rows) {
        EXPECT_FALSE(c.full());
        c.add_row(row.tid, row.bits.data(), static_cast<std::uint32_t>(row.bits.size()));
        while (c.full()) {
            take();
            c.next_group();
        }
    }
    c.finish();
    while (c.full()) {
        take();
        c.next_group();
    }
    if (c.rows() > 0)
        take();
    return groups;
}

// Heap-like input: blocks ascend; within a block, rows_per_block distinct
// line pointers, in order or (hot) with some delivered late, as a HOT
// chain's live version is reported under its root line pointer.
std::vector<Row> heap_rows(std::mt19937& rng, std::uint32_t nblocks, std::uint32_t max_rows_per_block, int sig_bits,
                           int hot_pct) {
    std::vector<Row> rows;
    std::uint32_t block = rng() % 1000;
    for (std::uint32_t b = 0; b < nblocks; ++b) {
        block += 1 + (rng() % 5 == 0 ? rng() % 100 : 0);
        const std::uint32_t n = rng() % (max_rows_per_block + 1);
        std::vector<std::uint16_t> offsets;
        std::uint16_t off = 0;
        for (std::uint32_t i = 0; i < n; ++i) {
            off = static_cast<std::uint16_t>(off + 1 + rng() % 3);
            offsets.push_back(off);
        }
        if (static_cast<int>(rng() % 100) < hot_pct)
            for (std::size_t i = 0; i + 1 < offsets.size(); i += 1 + rng() % 4)
                std::swap(offsets[i], offsets[i + 1 + rng() % (offsets.size() - i - 1)]);
        for (std::uint16_t o : offsets) {
            Row r;
            r.tid = Tid::make(block, o);
            for (int k = 0; k < 6; ++k)
                r.bits.push_back(static_cast<std::uint16_t>(rng() % sig_bits));
            std::sort(r.bits.begin(), r.bits.end());
            r.bits.erase(std::unique(r.bits.begin(), r.bits.end()), r.bits.end());
            rows.push_back(r);
        }
    }
    return rows;
}

void expect_collected(const std::vector<Row>& rows, const std::vector<Group>& groups, std::uint32_t capacity,
                      const std::string& what) {
    std::map<std::pair<std::uint32_t, std::uint16_t>, std::vector<std::uint16_t>> want, got;
    for (const Row& r : rows)
        want[{r.tid.block(), r.tid.offset}] = r.bits;
    std::size_t total = 0;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const Group& grp = groups[g];
        if (g + 1 < groups.size()) {
            EXPECT_EQ(grp.tids.size(), capacity) << what << ": group " << g << " is not full";
        }
        EXPECT_GT(grp.tids.size(), 0u) << what;
        for (std::size_t i = 0; i < grp.tids.size(); ++i) {
            if (i > 0) {
                EXPECT_TRUE(grp.tids[i - 1] < grp.tids[i]) << what << ": group " << g << " row " << i << " out of order";
            }
            got[{grp.tids[i].block(), grp.tids[i].offset}] = grp.bits[i];
        }
        total += grp.tids.size();
    }
    EXPECT_EQ(total, rows.size()) << what << ": rows lost or repeated";
    EXPECT_TRUE(want == got) << what << ": a row's bits changed";
}

TEST(SliceCollector, RowsInOrderGoStraightThrough) {
    std::mt19937 rng(1);
    const std::vector<Row> rows = heap_rows(rng, 300, 40, 80, 0);
    expect_collected(rows, collect(rows, 640, 80, 40), 640, "in order");
}

// Small groups and small blocks, so that a block's sorted rows often fill
// a group and the rest (and the next block's first row) wait.
TEST(SliceCollector, OutOfOrderBlocksAcrossGroupBoundaries) {
    std::mt19937 rng(2);
    for (int round = 0; round < 300; ++round) {
        const std::uint32_t max_block_rows = 2 + rng() % 60;
        const std::uint32_t capacity = 64 * (1 + rng() % 4);
        const int sig_bits = 16 * (1 + static_cast<int>(rng() % 6));
        const std::vector<Row> rows = heap_rows(rng, 1 + rng() % 80, max_block_rows, sig_bits, 60);
        expect_collected(rows, collect(rows, capacity, sig_bits, max_block_rows), capacity,
                         "round " + std::to_string(round));
    }
}

// A block of exactly max_block_rows rows delivered backwards, a full
// group's capacity away from the start: the sorted block straddles groups.
TEST(SliceCollector, FullBlockBackwardsAtAGroupEnd) {
    std::vector<Row> rows;
    for (std::uint16_t o = 1; o <= 60; ++o)
        rows.push_back(Row{Tid::make(1, o), {static_cast<std::uint16_t>(o % 16)}});
    for (std::uint16_t o = 10; o >= 1; --o)
        rows.push_back(Row{Tid::make(2, o), {static_cast<std::uint16_t>(o % 16), 15}});
    rows.push_back(Row{Tid::make(3, 1), {3}});
    expect_collected(rows, collect(rows, 64, 16, 10), 64, "straddle");
}

// As CREATE INDEX runs it: full-size groups, heap pages of up to 291 rows.
TEST(SliceCollector, RealSizes) {
    std::mt19937 rng(3);
    const std::vector<Row> rows = heap_rows(rng, 900, 291, 80, 20);
    expect_collected(rows, collect(rows, max_group_capacity(kStandardPageBytes), 80, 291),
                     max_group_capacity(kStandardPageBytes), "real sizes");
}

}  // namespace
