// bloom_decoders_fuzz_test.cpp — seeded randomized tests of everything
// ixbloom decodes from disk before it is trusted: TID pages (mutated bytes
// of real pages, and random bytes), group descriptors, stored slices, and
// signature shapes with the options they are checked against.  A fixed
// number of cases runs in the test command; under the sanitizer build
// (test/run-sanitized.sh) the page bodies sit in buffers of exactly their
// used size, so a read past them is reported.
#include "core/bloom/bit_slices.hpp"
#include "core/bloom/shape_options.hpp"
#include "core/bloom/tid_pages.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

namespace {

using namespace ixcore::bloom;

constexpr std::size_t kBody = kStandardPageBytes;

// Real TID pages of a group: heap-ordered rows with holes.
struct Group {
    std::vector<Tid> tids;
    std::vector<std::vector<std::uint8_t>> pages;  // each exactly its used bytes
};

Group real_group(std::mt19937& rng) {
    Group g;
    const std::uint32_t n = 1 + rng() % 20000;
    std::uint32_t block = rng() % 100000;
    std::uint16_t off = 1;
    const bool scattered = rng() % 4 == 0;
    while (g.tids.size() < n) {
        if (rng() % 3 == 0)
            ++off;
        if (off > 291 || scattered || rng() % 150 == 0) {
            block += 1 + rng() % 3;
            off = 1;
        }
        g.tids.push_back(Tid::make(block, off++));
    }
    std::vector<TidPagePlan> plans(kMaxTidPages);
    const std::uint32_t np = plan_tid_pages(g.tids.data(), n, kBody, plans.data());
    for (std::uint32_t p = 0; p < np; ++p) {
        std::vector<std::uint8_t> body(kBody, 0);
        const std::size_t used = encode_tid_page(g.tids.data(), plans.data(), np, p, body.data(), kBody);
        body.resize(used);
        g.pages.push_back(body);
    }
    return g;
}

// Open every page and resolve every position a page claims to hold; it
// must not crash or read past a page, whatever the bytes say.
void read_all(const std::vector<std::vector<std::uint8_t>>& pages, std::uint32_t nrows) {
    const std::uint32_t np = static_cast<std::uint32_t>(pages.size());
    TidPageReader page0;
    if (!page0.open(pages[0].data(), pages[0].size(), 0, np, nrows, nullptr))
        return;
    for (std::uint32_t p = 0; p < np; ++p) {
        TidPageReader other;
        TidPageReader* r = &page0;
        if (p > 0) {
            if (!other.open(pages[p].data(), pages[p].size(), p, np, nrows, &page0))
                continue;
            r = &other;
        }
        ASSERT_LE(r->first_pos() + r->nrows(), nrows);
        for (std::uint32_t pos = r->first_pos(); pos < r->first_pos() + r->nrows(); ++pos) {
            ASSERT_EQ(tid_page_of(page0, np, pos), p);
            (void)r->at(pos);
        }
    }
}

TEST(BloomDecodersFuzz, MutatedTidPages) {
    std::mt19937 rng(61);
    for (int round = 0; round < 400; ++round) {
        Group g = real_group(rng);
        const std::uint32_t n = static_cast<std::uint32_t>(g.tids.size());
        for (int m = 0; m < 25; ++m) {
            std::vector<std::vector<std::uint8_t>> pages = g.pages;
            const std::size_t p = rng() % pages.size();
            std::vector<std::uint8_t>& body = pages[p];
            switch (rng() % 4) {
                case 0:  // flip bits
                    for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k)
                        body[rng() % body.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
                    break;
                case 1:  // a header field set to an extreme
                    body[rng() % std::min<std::size_t>(body.size(), 12)] = static_cast<std::uint8_t>(rng() % 2 ? 0xff : 0);
                    break;
                case 2:  // pd_lower cut short
                    body.resize(rng() % body.size());
                    break;
                default:  // a random run of bytes
                    for (std::size_t i = rng() % body.size(), k = 0; i < body.size() && k < 16; ++i, ++k)
                        body[i] = static_cast<std::uint8_t>(rng());
                    break;
            }
            // Also lie about the group: more rows than there are.
            read_all(pages, m % 5 == 0 ? n + 1 + rng() % 100 : n);
        }
    }
}

TEST(BloomDecodersFuzz, RandomTidPageBytes) {
    std::mt19937 rng(62);
    for (int round = 0; round < 20000; ++round) {
        const std::size_t used = rng() % 200;
        std::vector<std::vector<std::uint8_t>> pages(1 + rng() % 3, std::vector<std::uint8_t>(used));
        for (auto& page : pages)
            for (auto& b : page)
                b = static_cast<std::uint8_t>(rng() % 3 == 0 ? rng() : rng() % 4);
        read_all(pages, 1 + rng() % 2000);
    }
}

// A descriptor that passes descriptor_is_valid keeps every page and offset
// computed from it inside the index and inside its pages.
TEST(BloomDecodersFuzz, GroupDescriptors) {
    std::mt19937 rng(63);
    int accepted = 0;
    for (int round = 0; round < 200000; ++round) {
        const int sig_bits = 16 * (1 + static_cast<int>(rng() % 256));
        const std::uint32_t nblocks = 1 + rng() % 5000;
        GroupDescriptor d;
        auto pick = [&](std::uint32_t typical) -> std::uint32_t {
            switch (rng() % 4) {
                case 0: return static_cast<std::uint32_t>(rng());
                case 1: return typical;
                default: return rng() % (typical + 2);
            }
        };
        d.capacity = pick(64 * (1 + rng() % 1019));
        d.nrows = pick(d.capacity);
        d.live = pick(d.nrows);
        d.tid_pages = pick(1 + rng() % 64);
        d.first = pick(nblocks / 2);
        if (!descriptor_is_valid(d, sig_bits, nblocks, kBody))
            continue;
        ++accepted;
        const GroupGeometry g = geometry_of(d, sig_bits, kBody);
        ASSERT_GE(d.first, 1u);
        ASSERT_LE(static_cast<std::uint64_t>(d.first) + g.total_pages(), nblocks);
        ASSERT_LE(d.nrows, g.capacity);
        ASSERT_LE(g.capacity, max_group_capacity(kBody));
        for (int s = 0; s <= g.dead_slice(); ++s) {
            ASSERT_LT(g.slice_page(s), g.slice_pages());
            ASSERT_LE(g.slice_offset(s) + g.slice_bytes(), kBody);
        }
        ASSERT_LT(g.tid_page(d.tid_pages - 1), g.total_pages());
    }
    EXPECT_GT(accepted, 1000);
}

// The slices a group's writer puts on each slice page (as group_write.cpp
// fills them: slices_per_page slices, the last page up to the dead slice,
// pd_lower after the last) are exactly those slice_is_stored accepts there:
// every slice of the page with the bytes written, and not the page's last
// slice with one byte less.
TEST(BloomDecodersFuzz, SlicesStoredWhereTheWriterPutsThem) {
    std::mt19937 rng(64);
    for (int round = 0; round < 20000; ++round) {
        GroupDescriptor d{1, 0, 64 * (1 + static_cast<std::uint32_t>(rng() % 1019)), 0, 1};
        d.nrows = 1 + rng() % d.capacity;
        const GroupGeometry g = geometry_of(d, 16 * (1 + static_cast<int>(rng() % 256)), kBody);
        const std::uint32_t page = static_cast<std::uint32_t>(rng() % g.slice_pages());
        const std::uint32_t first = page * g.slices_per_page();
        const std::uint32_t count =
            std::min<std::uint32_t>(g.slices_per_page(), static_cast<std::uint32_t>(g.dead_slice()) + 1 - first);
        const std::size_t written = count * g.slice_bytes();
        ASSERT_LE(written, kBody);
        for (std::uint32_t s = first; s < first + count; ++s) {
            ASSERT_EQ(g.slice_page(static_cast<int>(s)), page);
            ASSERT_TRUE(slice_is_stored(g, static_cast<int>(s), written)) << "slice " << s;
        }
        ASSERT_FALSE(slice_is_stored(g, static_cast<int>(first + count - 1), written - 1));
    }
}

// Options CREATE INDEX accepts give a shape that a metapage check accepts;
// a shape changed on disk is caught against the options recorded with it.
TEST(BloomDecodersFuzz, ShapesAndOptions) {
    std::mt19937 rng(65);
    int valid = 0, caught = 0;
    for (int round = 0; round < 50000; ++round) {
        ShapeOptions o;
        const int ncols = 1 + static_cast<int>(rng() % kMaxColumns);
        if (rng() % 3 == 0) {
            o.false_positive_rate = 0.000001 + (rng() % 1000) / 2000.0;
        } else {
            o.length = rng() % 2 ? 0 : 1 + static_cast<int>(rng() % kMaxSignatureBits);
            for (int i = 0; i < kMaxColumns; ++i)
                if (rng() % 4 == 0)
                    o.col_bits[i] = 1 + static_cast<int>(rng() % 200);
        }
        if (rng() % 20 == 0)
            o.col_bits[rng() % kMaxColumns] = 1 + static_cast<int>(rng() % 5);  // maybe with a rate
        if (check_options(o, ncols).fault != OptionFault::None)
            continue;
        ++valid;
        SignatureShape shape = shape_from_options(o, ncols);
        ASSERT_TRUE(shape_is_valid(shape)) << "round " << round;
        ASSERT_TRUE(shape_from_options(o, ncols) == shape);
        // Damage one field of the stored shape.
        SignatureShape damaged = shape;
        switch (rng() % 3) {
            case 0: damaged.bits += 16 * (1 + static_cast<int>(rng() % 4)); break;
            case 1: damaged.col_bits[rng() % ncols] += 1; break;
            default: damaged.col_bits[rng() % ncols] = 65535; break;
        }
        if (!shape_is_valid(damaged) || !(shape_from_options(o, ncols) == damaged))
            ++caught;
    }
    EXPECT_GT(valid, 10000);
    EXPECT_EQ(caught, valid);
}

TEST(ShapeOptions, Faults) {
    ShapeOptions o;
    EXPECT_EQ(check_options(o, 3).fault, OptionFault::None);
    o.col_bits[3] = 2;
    EXPECT_EQ(check_options(o, 3).fault, OptionFault::ColumnPastEnd);
    EXPECT_EQ(check_options(o, 3).column, 3);
    EXPECT_EQ(check_options(o, 0).fault, OptionFault::None);  // column count unknown
    o = ShapeOptions{};
    o.length = 16;
    o.col_bits[1] = 17;
    EXPECT_EQ(check_options(o, 0).fault, OptionFault::ColumnBitsTooMany);
    EXPECT_EQ(check_options(o, 0).length, 16);
    o.col_bits[1] = 81;
    o.length = 0;  // the default, 80
    EXPECT_EQ(check_options(o, 2).fault, OptionFault::ColumnBitsTooMany);
    o = ShapeOptions{};
    o.false_positive_rate = 0.01;
    o.length = 64;
    EXPECT_EQ(check_options(o, 2).fault, OptionFault::RateWithBits);
    // A metapage check: colN as given, defaults where not.
    o = ShapeOptions{};
    o.length = 81;
    o.col_bits[2] = 5;
    const SignatureShape s = shape_from_options(o, 3);
    EXPECT_EQ(s.bits, 96);
    EXPECT_EQ(s.col_bits[0], 2);
    EXPECT_EQ(s.col_bits[2], 5);
    SignatureShape bad = s;
    bad.col_bits[1] = 0;
    EXPECT_FALSE(shape_is_valid(bad));
    bad = s;
    bad.ncols = 33;
    EXPECT_FALSE(shape_is_valid(bad));
}

}  // namespace
