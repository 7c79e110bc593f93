// tid_pages_test.cpp — ixbloom's TID pages (format 2): the split of a
// group's rows over pages, the run, bitmap and array encodings, the page-0
// map, the reader's validation of malformed pages, and randomized round
// trips.
#include "core/bloom/bit_slices.hpp"
#include "core/bloom/tid_pages.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace {

using namespace ixcore::bloom;

constexpr std::size_t kBody = kStandardPageBytes;  // BLCKSZ 8192 - 24-byte header - 16-byte special

struct Encoded {
    std::vector<TidPagePlan> plans;
    std::vector<std::vector<std::uint8_t>> pages;
    std::vector<std::size_t> used;
};

// Plan and encode every page.  Each page buffer has guard bytes after the
// body: the encoder must never touch them, and must accept its own plan.
Encoded encode(const std::vector<Tid>& tids) {
    constexpr std::size_t kGuard = 64;
    Encoded e;
    e.plans.resize(kMaxTidPages);
    const std::uint32_t n = plan_tid_pages(tids.data(), static_cast<std::uint32_t>(tids.size()), kBody, e.plans.data());
    e.plans.resize(n);
    for (std::uint32_t p = 0; p < n; ++p) {
        std::vector<std::uint8_t> page(kBody + kGuard, 0xA5);
        const std::size_t used = encode_tid_page(tids.data(), e.plans.data(), n, p, page.data(), kBody);
        EXPECT_GT(used, 0u) << "page " << p << " does not match its plan";
        EXPECT_LE(used, kBody);
        for (std::size_t i = kBody; i < page.size(); ++i)
            EXPECT_EQ(page[i], 0xA5) << "page " << p << " written past its body at byte " << i;
        page.resize(kBody);
        e.pages.push_back(std::move(page));
        e.used.push_back(used);
    }
    return e;
}

// Decode every position through the map, as a scan does, and compare.
void expect_round_trip(const std::vector<Tid>& tids, const Encoded& e) {
    const std::uint32_t npages = static_cast<std::uint32_t>(e.pages.size());
    const std::uint32_t n = static_cast<std::uint32_t>(tids.size());
    TidPageReader page0;
    ASSERT_TRUE(page0.open(e.pages[0].data(), e.used[0], 0, npages, n, nullptr));
    std::vector<TidPageReader> readers(npages);
    readers[0] = page0;
    for (std::uint32_t p = 1; p < npages; ++p)
        ASSERT_TRUE(readers[p].open(e.pages[p].data(), e.used[p], p, npages, n, &page0)) << "page " << p;
    for (std::uint32_t pos = 0; pos < n; ++pos) {
        const std::uint32_t p = tid_page_of(page0, npages, pos);
        ASSERT_TRUE(readers[p].holds(pos)) << "pos " << pos;
        const Tid t = readers[p].at(pos);
        ASSERT_TRUE(t == tids[pos]) << "pos " << pos;
    }
}

// rows_per_block rows at offsets 1..rows_per_block of consecutive blocks.
std::vector<Tid> heap_order(std::uint32_t n, std::uint32_t first_block, std::uint16_t rows_per_block) {
    std::vector<Tid> tids;
    for (std::uint32_t i = 0; i < n; ++i)
        tids.push_back(Tid::make(first_block + i / rows_per_block, static_cast<std::uint16_t>(1 + i % rows_per_block)));
    return tids;
}

TEST(TidPages, FullGroupInHeapOrderFitsOnePage) {
    // 65216 rows, 157 per heap block: 416 runs, about 3.3 kB.
    const auto tids = heap_order(65216, 70000, 157);
    const Encoded e = encode(tids);
    ASSERT_EQ(e.plans.size(), 1u);
    EXPECT_EQ(e.plans[0].nrows, 65216u);
    EXPECT_EQ(e.plans[0].encoding, TidEncoding::kRuns);
    EXPECT_EQ(e.plans[0].nentries, 416u);
    EXPECT_EQ(e.used[0], kTidHeaderBytes + kTidMapBytes + 416 * kTidRunBytes);
    expect_round_trip(tids, e);
}

TEST(TidPages, HolesBecomeBitmaps) {
    // Every other line pointer, 100 rows per heap block: no two rows are
    // adjacent, but a block's rows fit a 199-bit bitmap (8 + 25 bytes).
    std::vector<Tid> tids;
    for (std::uint32_t i = 0; i < 65216; ++i)
        tids.push_back(Tid::make(i / 100, static_cast<std::uint16_t>(1 + 2 * (i % 100))));
    const Encoded e = encode(tids);
    for (const auto& p : e.plans)
        EXPECT_EQ(p.encoding, TidEncoding::kBitmaps);
    // 653 blocks x 33 bytes: 3 pages instead of 49 arrays.
    EXPECT_EQ(e.plans.size(), 3u);
    expect_round_trip(tids, e);
}

TEST(TidPages, OneRowPerBlockIsAnArray) {
    // No two rows share a block: a run or a bitmap costs 8 or 9 bytes a row,
    // the array 6.
    std::vector<Tid> tids;
    for (std::uint32_t i = 0; i < 65216; ++i)
        tids.push_back(Tid::make(i * 3, static_cast<std::uint16_t>(1 + i % 7)));
    const Encoded e = encode(tids);
    for (const auto& p : e.plans)
        EXPECT_EQ(p.encoding, TidEncoding::kArray);
    // (8152 - 12 - 256) / 6 = 1314 on page 0, (8152 - 12) / 6 = 1356 after.
    EXPECT_EQ(e.plans[0].nrows, 1314u);
    EXPECT_EQ(e.plans[1].nrows, 1356u);
    EXPECT_EQ(e.plans.size(), 49u);
    EXPECT_LE(e.plans.size(), kMaxTidPages);
    expect_round_trip(tids, e);
}

TEST(TidPages, BitmapEntriesSplitWhereThePageEnds) {
    // Blocks of 250 rows at every third offset (747-bit bitmaps, 102 bytes):
    // a page ends inside a block, whose rows continue on the next page.
    std::vector<Tid> tids;
    for (std::uint32_t i = 0; i < 30000; ++i)
        tids.push_back(Tid::make(7 + i / 250, static_cast<std::uint16_t>(1 + 3 * (i % 250))));
    const Encoded e = encode(tids);
    ASSERT_GE(e.plans.size(), 2u);
    EXPECT_EQ(e.plans[0].encoding, TidEncoding::kBitmaps);
    EXPECT_NE(e.plans[0].nrows % 250, 0u);
    expect_round_trip(tids, e);
}

TEST(TidPages, EachPageTakesTheDenserEncoding) {
    // Runs of 2 (8 bytes per 2 rows) beat bitmaps (9) and arrays (12).
    std::vector<Tid> tids;
    for (std::uint32_t i = 0; i < 20000; ++i)
        tids.push_back(Tid::make(i / 2, static_cast<std::uint16_t>(1 + i % 2)));
    const Encoded e = encode(tids);
    EXPECT_EQ(e.plans[0].encoding, TidEncoding::kRuns);
    EXPECT_EQ(e.plans[0].nrows, 2 * ((kBody - kTidHeaderBytes - kTidMapBytes) / kTidRunBytes));
    expect_round_trip(tids, e);
}

TEST(TidPages, RunsSplitAtTheSixteenBitLimits) {
    // Offsets up to 65535 in one block: a run may not pass 65535 rows.
    std::vector<Tid> tids;
    for (std::uint32_t i = 0; i < 65535; ++i)
        tids.push_back(Tid::make(5, static_cast<std::uint16_t>(1 + i)));
    tids.push_back(Tid::make(6, 1));
    const Encoded e = encode(tids);
    // nrows is 16-bit too: 65535 rows on page 0, then the last row.
    ASSERT_EQ(e.plans.size(), 2u);
    EXPECT_EQ(e.plans[0].nrows, 65535u);
    EXPECT_EQ(e.plans[0].nentries, 1u);
    expect_round_trip(tids, e);
}

TEST(TidPages, SmallGroupsAndSingleRows) {
    for (std::uint32_t n : {1u, 2u, 3u, 64u, 1314u, 1315u}) {
        const auto tids = heap_order(n, 0, 1);  // one row per block: no runs help
        const Encoded e = encode(tids);
        ASSERT_GE(e.plans.size(), 1u);
        expect_round_trip(tids, e);
    }
    EXPECT_EQ(plan_tid_pages(nullptr, 0, kBody, nullptr), 0u);
}

TEST(TidPages, AskingBackwardsRestartsTheRunCursor) {
    const auto tids = heap_order(5000, 9, 30);
    const Encoded e = encode(tids);
    ASSERT_EQ(e.plans.size(), 1u);
    TidPageReader r;
    ASSERT_TRUE(r.open(e.pages[0].data(), e.used[0], 0, 1, 5000, nullptr));
    EXPECT_TRUE(r.at(4999) == tids[4999]);
    EXPECT_TRUE(r.at(17) == tids[17]);
    EXPECT_TRUE(r.at(4000) == tids[4000]);
}

TEST(TidPages, ReaderRejectsMalformedPages) {
    const auto tids = heap_order(3000, 100, 50);
    Encoded e = encode(tids);
    ASSERT_EQ(e.plans.size(), 1u);
    auto opens = [&](const std::vector<std::uint8_t>& page, std::size_t used, std::uint32_t rows = 3000) {
        TidPageReader r;
        return r.open(page.data(), used, 0, 1, rows, nullptr);
    };
    EXPECT_TRUE(opens(e.pages[0], e.used[0]));
    EXPECT_FALSE(opens(e.pages[0], e.used[0] - 1)) << "runs overrun pd_lower";
    EXPECT_FALSE(opens(e.pages[0], e.used[0], 2999)) << "more rows than the group";
    EXPECT_FALSE(opens(e.pages[0], e.used[0], 3001)) << "page 0 must cover up to the next map entry";
    auto corrupt = [&](std::size_t at, std::uint8_t v) {
        auto page = e.pages[0];
        page[at] = v;
        return opens(page, e.used[0]);
    };
    EXPECT_FALSE(corrupt(0, 1)) << "page 0 must start at position 0";
    EXPECT_FALSE(corrupt(6, 0)) << "nruns 0 turns it into an array that overruns";
    EXPECT_FALSE(corrupt(8, 2)) << "map entry count differs from the group's pages";
    const std::size_t run0 = kTidHeaderBytes + kTidMapBytes;
    EXPECT_FALSE(corrupt(run0 + 6, 0)) << "empty run";
    EXPECT_FALSE(corrupt(run0 + 4, 0)) << "offset 0";
    EXPECT_FALSE(corrupt(run0 + 6, 49)) << "run lengths no longer sum to nrows";
    TidPageReader r;
    EXPECT_FALSE(r.open(e.pages[0].data(), e.used[0], 0, kMaxTidPages + 1, 3000, nullptr));
    EXPECT_FALSE(r.open(e.pages[0].data(), e.used[0], 1, 2, 3000, nullptr)) << "later pages need page 0";
}

TEST(TidPages, ReaderRejectsMalformedBitmaps) {
    std::vector<Tid> tids;
    for (std::uint32_t i = 0; i < 3000; ++i)
        tids.push_back(Tid::make(40 + i / 60, static_cast<std::uint16_t>(2 + 2 * (i % 60))));
    Encoded e = encode(tids);
    ASSERT_EQ(e.plans.size(), 1u);
    ASSERT_EQ(e.plans[0].encoding, TidEncoding::kBitmaps);
    auto opens = [&](const std::vector<std::uint8_t>& page, std::size_t used) {
        TidPageReader r;
        return r.open(page.data(), used, 0, 1, 3000, nullptr);
    };
    EXPECT_TRUE(opens(e.pages[0], e.used[0]));
    EXPECT_FALSE(opens(e.pages[0], e.used[0] - 1)) << "the last bitmap overruns pd_lower";
    auto corrupt = [&](std::size_t at, std::uint8_t v) {
        auto page = e.pages[0];
        page[at] = v;
        return opens(page, e.used[0]);
    };
    // Entry 0: block, offset 2, 119 bits (15 bytes), bits at 0, 2, ..., 118
    // (0x55 in every byte).  The first three keep the row count, so only
    // the check named can reject them.
    const std::size_t entry0 = kTidHeaderBytes + kTidMapBytes;
    const std::size_t bits0 = entry0 + kTidBitmapHeaderBytes;
    EXPECT_FALSE(corrupt(bits0, 0x56)) << "first bit is not a row";
    EXPECT_FALSE(corrupt(bits0 + 14, 0x95)) << "a bit past nbits";
    {
        auto page = e.pages[0];
        page[bits0 + 14] = 0x15;  // bit 118, the last, cleared ...
        page[bits0 + 7] = 0x57;   // ... and a middle bit set instead
        EXPECT_FALSE(opens(page, e.used[0])) << "last bit is not a row";
    }
    EXPECT_FALSE(corrupt(bits0 + 3, 0x57)) << "one row too many";
    EXPECT_FALSE(corrupt(10, 7)) << "unknown encoding";
    EXPECT_FALSE(corrupt(entry0 + 6, 0)) << "empty bitmap";
    EXPECT_FALSE(corrupt(entry0 + 4, 0)) << "offset 0";
    EXPECT_FALSE(corrupt(6, 0)) << "bitmaps with no entries";
    EXPECT_FALSE(corrupt(7, 1)) << "more entries than the page holds";

    // The cursor rewinds when asked for an earlier position.
    TidPageReader r;
    ASSERT_TRUE(r.open(e.pages[0].data(), e.used[0], 0, 1, 3000, nullptr));
    EXPECT_TRUE(r.at(2999) == tids[2999]);
    EXPECT_TRUE(r.at(61) == tids[61]);
    EXPECT_TRUE(r.at(60) == tids[60]);
}

// A page that ends inside a block's bitmap must not continue with the rest
// of that block: the encoder would join the two entries into one that no
// longer fits (found in review; it wrote past the page).
TEST(TidPages, CutBitmapEntryEndsThePage) {
    // Nine rows of one block: offsets 1, 3, ..., 15, then 65535.  Bitmaps
    // win (19 bytes for 2 entries), but the whole block would need 8 kB.
    std::vector<Tid> tiny;
    for (std::uint16_t o = 1; o <= 15; o += 2)
        tiny.push_back(Tid::make(5, o));
    tiny.push_back(Tid::make(5, 65535));
    expect_round_trip(tiny, encode(tiny));

    // Heap-like: blocks of 100 rows at odd offsets; block 238 has rows at 1
    // and 200 only, where page 0 fills up.
    std::vector<Tid> heap;
    for (std::uint32_t b = 0; heap.size() < 65216; ++b) {
        if (b == 238) {
            heap.push_back(Tid::make(b, 1));
            heap.push_back(Tid::make(b, 200));
            continue;
        }
        for (std::uint16_t o = 1; o < 200 && heap.size() < 65216; o += 2)
            heap.push_back(Tid::make(b, o));
    }
    expect_round_trip(heap, encode(heap));
}

TEST(TidPages, LineZeroGoesToAnArray) {
    // Heap TIDs never use line pointer 0, which runs and bitmaps cannot
    // express; such a row still round-trips, through an array.
    const std::vector<Tid> tids = {Tid::make(0, 0), Tid::make(0, 1), Tid::make(0, 2), Tid::make(1, 0)};
    const Encoded e = encode(tids);
    ASSERT_EQ(e.plans.size(), 1u);
    EXPECT_EQ(e.plans[0].encoding, TidEncoding::kArray);
    expect_round_trip(tids, e);
}

TEST(TidPages, LaterPageMustMatchTheMap) {
    std::vector<Tid> tids;
    for (std::uint32_t i = 0; i < 4000; ++i)
        tids.push_back(Tid::make(i, 1));
    Encoded e = encode(tids);
    ASSERT_GE(e.plans.size(), 3u);
    const std::uint32_t np = static_cast<std::uint32_t>(e.plans.size());
    TidPageReader page0, r;
    ASSERT_TRUE(page0.open(e.pages[0].data(), e.used[0], 0, np, 4000, nullptr));
    ASSERT_TRUE(r.open(e.pages[1].data(), e.used[1], 1, np, 4000, &page0));
    EXPECT_FALSE(r.open(e.pages[2].data(), e.used[2], 1, np, 4000, &page0)) << "page 2 read as page 1";
    EXPECT_FALSE(r.open(e.pages[0].data(), e.used[0], 1, np, 4000, &page0)) << "page 0 read as page 1";
}

// Randomized: heap-like TIDs with gaps, HOT-like holes, occasional block
// jumps and, as after a fold of concurrent inserts, some local disorder.
TEST(TidPages, RandomRoundTrips) {
    std::mt19937 rng(20261126);
    for (int round = 0; round < 200; ++round) {
        const std::uint32_t n = 1 + rng() % 65216;
        const int gap_pct = static_cast<int>(rng() % 60);
        std::vector<Tid> tids;
        std::uint32_t block = rng() % 1000000;
        std::uint16_t off = 1;
        while (tids.size() < n) {
            if (rng() % 100 < static_cast<unsigned>(gap_pct))
                ++off;  // a hole: dead or unrelated line pointer
            if (off > 291 || rng() % 200 == 0) {
                block += 1 + (rng() % 4 == 0 ? rng() % 1000 : 0);
                off = 1;
            }
            tids.push_back(Tid::make(block, off++));
        }
        if (round % 3 == 0)
            for (std::uint32_t i = 0; i + 1 < n; i += 1 + rng() % 50)
                std::swap(tids[i], tids[i + 1]);
        if (round % 5 == 1) {
            // Large jumps inside a block, up to the last line pointer.
            for (std::uint32_t i = 0; i < n; i += 1 + rng() % 300)
                tids[i].offset = static_cast<std::uint16_t>(tids[i].offset + rng() % 20000);
            tids[rng() % n].offset = 0xffff;
        }
        if (round % 7 == 2 && n > 10) {
            // A synchronized scan's wraparound, and a duplicate.
            std::rotate(tids.begin(), tids.begin() + n / 3, tids.end());
            tids[n / 2] = tids[n / 2 - 1];
        }
        if (round % 11 == 3)
            tids[0] = Tid::make(0xffffffffu, tids[0].offset);
        const Encoded e = encode(tids);
        ASSERT_GE(e.plans.size(), 1u) << "round " << round;
        expect_round_trip(tids, e);
        // Never less dense than plain arrays by more than the headers and map.
        EXPECT_LE(e.plans.size(), (n + 1313) / 1314 + 1) << "round " << round;
    }
}

}  // namespace
