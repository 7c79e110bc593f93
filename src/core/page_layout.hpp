// page_layout.hpp — a read-only codec for PostgreSQL's standard page layout.
//
// Pure C++17, no PostgreSQL header: the shim (src/pg/page_access.cpp)
// proves at compile time that these offsets match the server's structs.  Core
// uses it to validate pages before anyone trusts a line pointer, so a
// corrupted page becomes a clean error instead of a wild read.
//
// Layout (all little-endian, as on every platform PostgreSQL 15 ships for):
//   offset  0  pd_lsn (8)      offset 12 pd_lower (2)   offset 16 pd_special (2)
//   offset  8  pd_checksum (2) offset 14 pd_upper (2)   offset 18 pd_pagesize_version (2)
//   offset 10  pd_flags (2)    offset 20 pd_prune_xid (4)
//   offset 24  line pointers, 4 bytes each: lp_off:15 | lp_flags:2 | lp_len:15
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ixcore {

constexpr std::size_t kPageHeaderSize = 24;
constexpr std::size_t kLinePointerSize = 4;
constexpr std::size_t kOffLower = 12;
constexpr std::size_t kOffUpper = 14;
constexpr std::size_t kOffSpecial = 16;
constexpr std::size_t kOffPageSizeVersion = 18;
constexpr std::size_t kMaxAlign = 8;

// Line pointer states (lp_flags).
enum class ItemState : std::uint8_t { Unused = 0, Normal = 1, Redirect = 2, Dead = 3 };

struct LinePointer {
    std::uint16_t offset;  // byte offset of the item from the start of the page
    ItemState state;
    std::uint16_t length;  // byte length of the item
};

// Why a page was rejected; None means the page may be read.
enum class PageFault : std::uint8_t {
    None,
    BadBounds,        // pd_lower/pd_upper/pd_special out of order or out of the page
    BadSpecialAlign,  // pd_special not MAXALIGNed
    BadSpecialSize,   // special space not the size the access method uses (callers check)
    BadPageSize,      // pd_pagesize_version does not match the block size
    ItemOutOfPage,    // a used line pointer points outside [pd_upper, pd_special)
    ItemTooShort,     // a normal item is shorter than the minimal tuple header
};

const char* describe(PageFault fault);

inline std::uint16_t read_u16(const std::uint8_t* p) {
    std::uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline std::uint32_t read_u32(const std::uint8_t* p) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// A view of one page image; never copies, never writes.
class PageView {
public:
    PageView(const std::uint8_t* page, std::size_t block_size) : page_(page), block_size_(block_size) {}

    std::uint16_t lower() const { return read_u16(page_ + kOffLower); }
    std::uint16_t upper() const { return read_u16(page_ + kOffUpper); }
    std::uint16_t special() const { return read_u16(page_ + kOffSpecial); }
    std::size_t special_size() const { return block_size_ - special(); }

    // An all-zero header: a page that was extended but never initialised.
    bool is_new() const { return upper() == 0; }

    // Number of line pointers, as PageGetMaxOffsetNumber computes it.
    std::size_t item_count() const {
        return lower() <= kPageHeaderSize ? 0 : (lower() - kPageHeaderSize) / kLinePointerSize;
    }

    // Line pointer number i, counted from 1 like OffsetNumber.
    LinePointer item(std::size_t i) const {
        std::uint32_t word = read_u32(page_ + kPageHeaderSize + (i - 1) * kLinePointerSize);
        return LinePointer{static_cast<std::uint16_t>(word & 0x7fffu),
                           static_cast<ItemState>((word >> 15) & 0x3u),
                           static_cast<std::uint16_t>(word >> 17)};
    }

    // Check the header: pd_lower <= pd_upper <= pd_special <= block size,
    // aligned special space, matching page size.  Enough for pages whose
    // "items" are not line pointers (metapages).
    PageFault validate_header() const;

    // validate_header(), then every line pointer that carries storage
    // (length != 0) must lie inside [pd_upper, pd_special), and no pointer
    // may end past pd_special.  min_item_len is the smallest legal length of
    // a Normal item (the heap tuple header, say); 0 skips that.
    PageFault validate(std::size_t min_item_len) const;

    // The rules of validate() for line pointer i (1-based) alone, which must
    // exist; the header must already be valid.  For a writer that touches
    // one item of a page per call: checking every pointer each time was a
    // measurable share of a single-row insert.
    PageFault validate_item(std::size_t i, std::size_t min_item_len) const;

    // One pass over items first..item_count(): tally them the way contrib
    // pgstattuple counts index items (LP_DEAD is dead, anything else live,
    // lengths from the line pointer) while bounds-checking every item that
    // has storage, as validate() would.  The header must already be valid.
    // Fused because this is the hot loop of every index scan: a separate
    // validation pass cost as much again as the counting.
    struct ItemTally {
        std::uint64_t live = 0, live_len = 0, dead = 0, dead_len = 0;
    };
    PageFault tally_items(std::size_t first, std::size_t min_item_len, ItemTally& tally) const;

private:
    const std::uint8_t* page_;
    std::size_t block_size_;
};

}  // namespace ixcore
