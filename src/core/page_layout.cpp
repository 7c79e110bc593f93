// page_layout.cpp — validation rules for PostgreSQL's standard page layout.
#include "core/page_layout.hpp"

namespace ixcore {

const char* describe(PageFault fault) {
    switch (fault) {
        case PageFault::None: return "Page is valid";
        case PageFault::BadBounds: return "Page header bounds (pd_lower, pd_upper, pd_special) are inconsistent";
        case PageFault::BadSpecialAlign: return "Special space offset is not aligned";
        case PageFault::BadSpecialSize: return "Special space size does not match the index access method";
        case PageFault::BadPageSize: return "Page size in the header does not match the block size";
        case PageFault::ItemOutOfPage: return "A line pointer points outside the page's tuple area";
        case PageFault::ItemTooShort: return "A line pointer is shorter than a tuple header";
    }
    return "unknown page fault";
}

namespace {

// The per-item rules, as bits so that a loop can OR them branch-free:
// bit 0, an item with storage (length != 0) starts below pd_upper or any
// item ends past pd_special; bit 1, a normal item is shorter than min_len.
// Storage-less pointers (unused, redirect, dead without storage) have
// length 0 and small or zero offsets, so the end check may include them.
inline std::int32_t item_fault_bits(std::int32_t off, std::int32_t flags, std::int32_t len, std::int32_t up,
                                    std::int32_t sp, std::int32_t min_len) {
    return (((len != 0) & (off < up)) | (off + len > sp)) | (((flags == 1) & (len < min_len)) << 1);
}

PageFault fault_from_bits(std::int32_t bits) {
    if (bits & 1)
        return PageFault::ItemOutOfPage;
    if (bits & 2)
        return PageFault::ItemTooShort;
    return PageFault::None;
}

}  // namespace

PageFault PageView::validate_header() const {
    const std::size_t lo = lower(), up = upper(), sp = special();
    // The same ordering PageIsVerified demands of the header, re-checked here
    // because a page can be corrupted after it was read into shared buffers,
    // and because checksums are off by default.
    if (lo < kPageHeaderSize || lo > up || up > sp || sp > block_size_)
        return PageFault::BadBounds;
    if (sp % kMaxAlign != 0)
        return PageFault::BadSpecialAlign;
    if ((read_u16(page_ + kOffPageSizeVersion) & 0xff00u) != block_size_)
        return PageFault::BadPageSize;
    return PageFault::None;
}

PageFault PageView::validate(std::size_t min_item_len) const {
    PageFault header = validate_header();
    if (header != PageFault::None)
        return header;
    // The same rules as tally_items(), without the counting: this runs on
    // every heap page before its tuples are visited.
    const std::size_t n = item_count();
    const std::int32_t up = upper(), sp = special();
    const std::int32_t min_len = static_cast<std::int32_t>(min_item_len);
    const std::uint8_t* lp = page_ + kPageHeaderSize;
    std::int32_t bad = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t word = read_u32(lp + k * kLinePointerSize);
        const std::int32_t off = static_cast<std::int32_t>(word & 0x7fffu);
        const std::int32_t flags = static_cast<std::int32_t>((word >> 15) & 0x3u);
        const std::int32_t len = static_cast<std::int32_t>(word >> 17);
        bad |= item_fault_bits(off, flags, len, up, sp, min_len);
    }
    return fault_from_bits(bad);
}

PageFault PageView::validate_item(std::size_t i, std::size_t min_item_len) const {
    if (i < 1 || i > item_count())
        return PageFault::ItemOutOfPage;
    const std::uint32_t word = read_u32(page_ + kPageHeaderSize + (i - 1) * kLinePointerSize);
    const std::int32_t off = static_cast<std::int32_t>(word & 0x7fffu);
    const std::int32_t flags = static_cast<std::int32_t>((word >> 15) & 0x3u);
    const std::int32_t len = static_cast<std::int32_t>(word >> 17);
    return fault_from_bits(item_fault_bits(off, flags, len, upper(), special(), static_cast<std::int32_t>(min_item_len)));
}

PageFault PageView::tally_items(std::size_t first, std::size_t min_item_len, ItemTally& tally) const {
    const std::size_t n = item_count();
    if (first > n)
        return PageFault::None;
    const std::int32_t up = upper(), sp = special();
    const std::int32_t min_len = static_cast<std::int32_t>(min_item_len);
    const std::uint8_t* lp = page_ + kPageHeaderSize + (first - 1) * kLinePointerSize;
    const std::size_t m = n - first + 1;

    // Branch-free, signed 32-bit lanes so the compiler can vectorise it with
    // plain SSE2 compares: a page holds at most 2042 line pointers of at most
    // 32767 bytes, so every per-page sum fits.
    std::int32_t total_len = 0, dead = 0, dead_len = 0, bad = 0;
    for (std::size_t k = 0; k < m; ++k) {
        const std::uint32_t word = read_u32(lp + k * kLinePointerSize);
        const std::int32_t off = static_cast<std::int32_t>(word & 0x7fffu);
        const std::int32_t flags = static_cast<std::int32_t>((word >> 15) & 0x3u);
        const std::int32_t len = static_cast<std::int32_t>(word >> 17);
        const std::int32_t is_dead = flags == 3;
        total_len += len;
        dead += is_dead;
        dead_len += -is_dead & len;
        bad |= item_fault_bits(off, flags, len, up, sp, min_len);
    }
    if (bad != 0)
        return fault_from_bits(bad);
    tally.live += m - static_cast<std::uint64_t>(dead);
    tally.live_len += static_cast<std::uint64_t>(total_len - dead_len);
    tally.dead += static_cast<std::uint64_t>(dead);
    tally.dead_len += static_cast<std::uint64_t>(dead_len);
    return PageFault::None;
}

}  // namespace ixcore
