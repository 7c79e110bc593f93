// page_layout_test.cpp — the core page codec: decoding line pointers and
// rejecting every kind of broken page header or item.
#include "core/page_layout.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <random>

namespace {

constexpr std::size_t kBlock = 8192;

// A tiny page builder writing the on-disk layout byte by byte.
struct TestPage {
    std::array<std::uint8_t, kBlock> bytes{};

    void put16(std::size_t off, std::uint16_t v) { std::memcpy(&bytes[off], &v, 2); }
    void put32(std::size_t off, std::uint32_t v) { std::memcpy(&bytes[off], &v, 4); }

    // An empty page with `special` bytes of special space.
    explicit TestPage(std::size_t special = 0) {
        put16(ixcore::kOffLower, ixcore::kPageHeaderSize);
        put16(ixcore::kOffUpper, static_cast<std::uint16_t>(kBlock - special));
        put16(ixcore::kOffSpecial, static_cast<std::uint16_t>(kBlock - special));
        put16(ixcore::kOffPageSizeVersion, static_cast<std::uint16_t>(kBlock | 4));
    }

    std::uint16_t lower() const { std::uint16_t v; std::memcpy(&v, &bytes[ixcore::kOffLower], 2); return v; }
    std::uint16_t upper() const { std::uint16_t v; std::memcpy(&v, &bytes[ixcore::kOffUpper], 2); return v; }

    // Append an item of `len` bytes the way PageAddItem does.
    void add_item(std::uint16_t len, ixcore::ItemState state = ixcore::ItemState::Normal) {
        std::uint16_t up = static_cast<std::uint16_t>(upper() - ((len + 7) & ~7u));
        std::uint16_t lo = lower();
        set_pointer(static_cast<std::size_t>((lo - ixcore::kPageHeaderSize) / 4 + 1), up, state, len);
        put16(ixcore::kOffLower, static_cast<std::uint16_t>(lo + 4));
        put16(ixcore::kOffUpper, up);
    }

    void set_pointer(std::size_t i, std::uint16_t off, ixcore::ItemState state, std::uint16_t len) {
        std::uint32_t word = (off & 0x7fffu) | (static_cast<std::uint32_t>(state) << 15) | (static_cast<std::uint32_t>(len) << 17);
        put32(ixcore::kPageHeaderSize + (i - 1) * 4, word);
    }

    ixcore::PageView view() const { return ixcore::PageView(bytes.data(), kBlock); }
};

TEST(PageLayout, EmptyPageIsValid) {
    TestPage p;
    EXPECT_EQ(p.view().validate(23), ixcore::PageFault::None);
    EXPECT_EQ(p.view().item_count(), 0u);
    EXPECT_FALSE(p.view().is_new());
}

TEST(PageLayout, AllZeroPageIsNew) {
    std::array<std::uint8_t, kBlock> zero{};
    ixcore::PageView v(zero.data(), kBlock);
    EXPECT_TRUE(v.is_new());
    EXPECT_EQ(v.item_count(), 0u);
    // A new page must be recognised before validation: its header is all zero.
    EXPECT_EQ(v.validate_header(), ixcore::PageFault::BadBounds);
}

TEST(PageLayout, DecodesLinePointers) {
    TestPage p(16);
    p.add_item(40);
    p.add_item(23, ixcore::ItemState::Dead);
    p.add_item(100);
    ixcore::PageView v = p.view();
    ASSERT_EQ(v.item_count(), 3u);
    EXPECT_EQ(v.item(1).length, 40);
    EXPECT_EQ(v.item(1).offset, kBlock - 16 - 40);
    EXPECT_EQ(v.item(1).state, ixcore::ItemState::Normal);
    EXPECT_EQ(v.item(2).state, ixcore::ItemState::Dead);
    EXPECT_EQ(v.item(3).length, 100);
    EXPECT_EQ(v.special_size(), 16u);
    EXPECT_EQ(v.validate(23), ixcore::PageFault::None);
}

TEST(PageLayout, RejectsHeaderOutOfOrder) {
    TestPage p;
    p.put16(ixcore::kOffLower, 9000);  // past the page
    EXPECT_EQ(p.view().validate_header(), ixcore::PageFault::BadBounds);

    TestPage q;
    q.put16(ixcore::kOffLower, 10);  // inside the header
    EXPECT_EQ(q.view().validate_header(), ixcore::PageFault::BadBounds);

    TestPage r;
    r.put16(ixcore::kOffLower, 200);
    r.put16(ixcore::kOffUpper, 100);  // lower > upper
    EXPECT_EQ(r.view().validate_header(), ixcore::PageFault::BadBounds);

    TestPage s(16);
    s.put16(ixcore::kOffUpper, kBlock - 8);  // upper > special
    EXPECT_EQ(s.view().validate_header(), ixcore::PageFault::BadBounds);
}

TEST(PageLayout, RejectsMisalignedSpecial) {
    TestPage p;
    p.put16(ixcore::kOffSpecial, kBlock - 12);
    p.put16(ixcore::kOffUpper, kBlock - 12);
    EXPECT_EQ(p.view().validate_header(), ixcore::PageFault::BadSpecialAlign);
}

TEST(PageLayout, RejectsWrongPageSize) {
    TestPage p;
    p.put16(ixcore::kOffPageSizeVersion, 4096 | 4);
    EXPECT_EQ(p.view().validate_header(), ixcore::PageFault::BadPageSize);
}

TEST(PageLayout, RejectsItemOutsideTupleArea) {
    TestPage p(16);
    p.add_item(40);
    p.set_pointer(1, static_cast<std::uint16_t>(kBlock - 16 - 8), ixcore::ItemState::Normal, 40);  // runs into special
    EXPECT_EQ(p.view().validate(0), ixcore::PageFault::ItemOutOfPage);

    TestPage q;
    q.add_item(40);
    q.set_pointer(1, 30, ixcore::ItemState::Normal, 40);  // below pd_upper, over the line pointers
    EXPECT_EQ(q.view().validate(0), ixcore::PageFault::ItemOutOfPage);
}

TEST(PageLayout, ValidatesOneItem) {
    TestPage p(16);
    p.add_item(40);
    p.add_item(40);
    p.set_pointer(2, static_cast<std::uint16_t>(kBlock - 16 - 8), ixcore::ItemState::Normal, 40);  // runs into special
    EXPECT_EQ(p.view().validate_item(1, 0), ixcore::PageFault::None);
    EXPECT_EQ(p.view().validate_item(2, 0), ixcore::PageFault::ItemOutOfPage);
    EXPECT_EQ(p.view().validate_item(3, 0), ixcore::PageFault::ItemOutOfPage);  // no such pointer
    EXPECT_EQ(p.view().validate_item(1, 41), ixcore::PageFault::ItemTooShort);
}

TEST(PageLayout, RejectsShortTuple) {
    TestPage p;
    p.add_item(10);
    EXPECT_EQ(p.view().validate(23), ixcore::PageFault::ItemTooShort);
    EXPECT_EQ(p.view().validate(8), ixcore::PageFault::None);
}

TEST(PageLayout, DeadItemsWithStorageAreChecked) {
    TestPage p;
    p.add_item(40, ixcore::ItemState::Dead);
    p.set_pointer(1, static_cast<std::uint16_t>(kBlock - 8), ixcore::ItemState::Dead, 40);
    EXPECT_EQ(p.view().validate(23), ixcore::PageFault::ItemOutOfPage);
}

TEST(PageLayout, StoragelessPointersAreSkipped) {
    TestPage p;
    p.add_item(40);
    // Garbage offsets are fine where there is no storage.
    p.set_pointer(1, 7, ixcore::ItemState::Dead, 0);
    EXPECT_EQ(p.view().validate(23), ixcore::PageFault::None);
    p.set_pointer(1, 2, ixcore::ItemState::Redirect, 0);
    EXPECT_EQ(p.view().validate(23), ixcore::PageFault::None);
    p.set_pointer(1, 0, ixcore::ItemState::Unused, 0);
    EXPECT_EQ(p.view().validate(23), ixcore::PageFault::None);
}

TEST(PageLayout, EveryFaultHasADescription) {
    for (auto f : {ixcore::PageFault::None, ixcore::PageFault::BadBounds, ixcore::PageFault::BadSpecialAlign,
                   ixcore::PageFault::BadSpecialSize, ixcore::PageFault::BadPageSize, ixcore::PageFault::ItemOutOfPage, ixcore::PageFault::ItemTooShort})
        EXPECT_GT(std::strlen(ixcore::describe(f)), 5u);
}

// Fuzz-style: random bytes must never make the codec read outside the page
// (ASan proves it in the sanitizer build), and whatever validate() accepts
// must really be in bounds.
TEST(PageLayout, RandomPagesNeverEscapeTheBuffer) {
    std::mt19937_64 rng(12345);
    for (int round = 0; round < 20000; ++round) {
        TestPage p(round % 3 == 0 ? 16 : 0);
        const int items = static_cast<int>(rng() % 40);
        for (int i = 0; i < items && p.upper() > p.lower() + 200; ++i)
            p.add_item(static_cast<std::uint16_t>(24 + rng() % 150));
        // Corrupt a few random bytes in the header or line pointer array.
        const int flips = static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f)
            p.bytes[rng() % (ixcore::kPageHeaderSize + 4 * 40)] = static_cast<std::uint8_t>(rng());
        ixcore::PageView v = p.view();
        if (v.validate(23) != ixcore::PageFault::None)
            continue;
        for (std::size_t i = 1; i <= v.item_count(); ++i) {
            ixcore::LinePointer lp = v.item(i);
            if (lp.state == ixcore::ItemState::Normal) {
                ASSERT_GE(lp.offset, v.upper());
                ASSERT_LE(static_cast<std::size_t>(lp.offset) + lp.length, v.special());
                ASSERT_GE(lp.length, 23);
            }
        }
    }
}

}  // namespace
