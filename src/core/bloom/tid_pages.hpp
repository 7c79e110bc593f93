// tid_pages.hpp — the TID pages of an ixbloom group (format 2): how a
// group's row positions are split over pages, and each page's encoding: runs
// of adjacent heap line pointers, per-heap-block offset bitmaps, or a plain
// array.  Pure C++; the byte layout is specified in docs/ixbloom-format.md
// ("TID pages").
#pragma once

#include <cstddef>
#include <cstdint>

namespace ixcore {
namespace bloom {

// A heap TID laid out like PostgreSQL's ItemPointerData (block as two
// 16-bit halves, then the line pointer number), so pages hold the same bytes.
struct Tid {
    std::uint16_t block_hi;
    std::uint16_t block_lo;
    std::uint16_t offset;

    std::uint32_t block() const { return (std::uint32_t{block_hi} << 16) | block_lo; }
    static Tid make(std::uint32_t block, std::uint16_t offset) {
        return Tid{static_cast<std::uint16_t>(block >> 16), static_cast<std::uint16_t>(block & 0xffff), offset};
    }
};
static_assert(sizeof(Tid) == 6, "Tid must match ItemPointerData");

inline bool operator==(const Tid& a, const Tid& b) { return a.block() == b.block() && a.offset == b.offset; }
inline bool operator<(const Tid& a, const Tid& b) {
    return a.block() != b.block() ? a.block() < b.block() : a.offset < b.offset;
}

constexpr std::size_t kTidHeaderBytes = 12;
constexpr std::size_t kTidRunBytes = 8;
constexpr std::size_t kTidBitmapHeaderBytes = 8;  // then ceil(nbits / 8) bitmap bytes
constexpr std::uint32_t kMaxTidPages = 64;                      // entries reserved in page 0's map
constexpr std::size_t kTidMapBytes = kMaxTidPages * sizeof(std::uint32_t);

enum class TidEncoding : std::uint8_t { kArray, kRuns, kBitmaps };

// One TID page as the writer plans it.
struct TidPagePlan {
    std::uint32_t first_pos = 0;
    std::uint32_t nrows = 0;
    TidEncoding encoding = TidEncoding::kArray;
    std::uint32_t nentries = 0;  // runs or bitmaps; 0 for an array
};

// Split rows [0, n) with TIDs tids[0..n) into pages of page_bytes body
// bytes.  Each page takes the most rows that runs, bitmaps or an array can
// hold (on a tie, the fewest bytes).  Writes at most kMaxTidPages plans; returns how many pages, or 0 if
// n is 0 or the rows would need more than kMaxTidPages pages (cannot happen
// for n <= 65216 and 8 kB pages; the unit tests check the bound).
std::uint32_t plan_tid_pages(const Tid* tids, std::uint32_t n, std::size_t page_bytes, TidPagePlan* plans);

// Encode the page `plans[page]` of a group into body (page_bytes long).
// Page 0 also gets the map of every page's first position.  Returns the
// bytes used (the page's pd_lower is the body start plus this), or 0 if the
// plan does not fit page_bytes or its entries (a bug: the caller must stop);
// nothing is ever written past page_bytes.
std::size_t encode_tid_page(const Tid* tids, const TidPagePlan* plans, std::uint32_t npages, std::uint32_t page,
                            std::uint8_t* body, std::size_t page_bytes);

// Reads one TID page: validates the header and its encoding against the
// bytes the page declares (pd_lower), then resolves positions.
class TidPageReader {
public:
    // False if the page is malformed: bad header, runs or bitmaps that do
    // not sum to nrows or reach past used_bytes, an array or map that
    // overruns used_bytes, a map that is not
    // strictly ascending from 0, or rows other than the range that page 0's
    // map gives this page.  Pages after the first need page0 (already open).
    bool open(const std::uint8_t* body, std::size_t used_bytes, std::uint32_t page_index, std::uint32_t group_pages,
              std::uint32_t group_rows, const TidPageReader* page0);

    std::uint32_t first_pos() const { return first_pos_; }
    std::uint32_t nrows() const { return nrows_; }
    bool holds(std::uint32_t pos) const { return pos >= first_pos_ && pos - first_pos_ < nrows_; }
    // The TID of position pos, which must satisfy holds(pos).  Asking in
    // ascending order walks the runs once; a smaller pos restarts the walk.
    Tid at(std::uint32_t pos);
    // Page 0: first position of TID page i (i < group_pages).
    std::uint32_t map_entry(std::uint32_t i) const;
    // The page's header, for inspection: its encoding, runs or bitmaps
    // (0 for an array), and the map's entries (page 0 only).
    TidEncoding encoding() const { return encoding_; }
    std::uint32_t entries() const { return nentries_; }
    std::uint32_t map_entries() const { return map_entries_; }

private:
    const std::uint8_t* body_ = nullptr;
    const std::uint8_t* entries_ = nullptr;
    std::uint32_t first_pos_ = 0;
    std::uint32_t nrows_ = 0;
    TidEncoding encoding_ = TidEncoding::kArray;
    std::uint32_t nentries_ = 0;
    std::uint32_t map_entries_ = 0;
    // cursor over runs or bitmaps: the entry's byte offset from entries_,
    // and the position of its first row
    std::size_t entry_at_ = 0;
    std::uint32_t entry_start_ = 0;

    void rewind() {
        entry_at_ = 0;
        entry_start_ = first_pos_;
    }
};

// Which TID page of a group holds pos, from page 0's map (binary search).
std::uint32_t tid_page_of(const TidPageReader& page0, std::uint32_t npages, std::uint32_t pos);

}  // namespace bloom
}  // namespace ixcore
