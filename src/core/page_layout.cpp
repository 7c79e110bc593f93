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

}  // namespace ixcore
