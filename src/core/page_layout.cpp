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

    const std::size_t up = upper(), sp = special();
    const std::size_t n = item_count();
    for (std::size_t i = 1; i <= n; ++i) {
        LinePointer lp = item(i);
        // Unused pointers and redirects carry no storage (a redirect names
        // another line pointer).  Dead heap pointers have length 0, but dead
        // index items keep their bytes, so those are bounds-checked too.
        if (lp.state == ItemState::Unused || lp.state == ItemState::Redirect)
            continue;
        if (lp.state == ItemState::Dead && lp.length == 0)
            continue;
        if (lp.offset < up || static_cast<std::size_t>(lp.offset) + lp.length > sp)
            return PageFault::ItemOutOfPage;
        if (lp.state == ItemState::Normal && lp.length < min_item_len)
            return PageFault::ItemTooShort;
    }
    return PageFault::None;
}

PageFault PageView::tally_items(std::size_t first, std::size_t min_item_len, ItemTally& tally) const {
    const std::uint32_t up = upper(), sp = special();
    const std::size_t n = item_count();
    const std::uint8_t* lp = page_ + kPageHeaderSize;
    // Branch-free body: faults are OR-ed together and reported once per page.
    std::uint32_t out_of_page = 0, too_short = 0;
    std::uint64_t live = 0, live_len = 0, dead = 0, dead_len = 0;
    for (std::size_t i = first; i <= n; ++i) {
        const std::uint32_t word = read_u32(lp + (i - 1) * kLinePointerSize);
        const std::uint32_t off = word & 0x7fffu;
        const std::uint32_t flags = (word >> 15) & 0x3u;
        const std::uint32_t len = word >> 17;
        const std::uint32_t is_dead = flags == static_cast<std::uint32_t>(ItemState::Dead);
        const std::uint32_t is_normal = flags == static_cast<std::uint32_t>(ItemState::Normal);
        const std::uint32_t has_storage = (is_normal | is_dead) & (len != 0);
        out_of_page |= has_storage & ((off < up) | (off + len > sp));
        too_short |= is_normal & (len < min_item_len);
        dead += is_dead;
        dead_len += is_dead * len;
        live += 1 - is_dead;
        live_len += (1 - is_dead) * len;
    }
    if (out_of_page)
        return PageFault::ItemOutOfPage;
    if (too_short)
        return PageFault::ItemTooShort;
    tally.live += live;
    tally.live_len += live_len;
    tally.dead += dead;
    tally.dead_len += dead_len;
    return PageFault::None;
}

}  // namespace ixcore
