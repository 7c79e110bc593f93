// bit_slices.hpp — ixbloom's bit-sliced groups: where a group's slices and
// TID pages live, turning row-major signatures into slices, and evaluating a
// query predicate over slices.  Pure C++; see docs/ixbloom-format.md.
#pragma once

#include "core/bloom/signature.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ixcore {
namespace bloom {

// Slices are read and written as 64-bit words whose bit k is row k of the
// word: the byte layout (row r is bit r % 8 of byte r / 8) only matches that
// on a little-endian machine.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "bit slices assume a little-endian machine");

// The geometry of one group, from its capacity (rows, a multiple of 64),
// the signature length, the number of TID pages (chosen by the writer, see
// tid_pages.hpp) and the bytes a page offers (BLCKSZ - header - special).
// Slices 0 .. sig_bits-1 are the signature bits; slice sig_bits is the dead
// slice, where VACUUM marks removed rows.
struct GroupGeometry {
    std::uint32_t capacity = 0;
    std::uint32_t nrows = 0;
    int sig_bits = 0;
    std::uint32_t tid_pages = 0;
    std::size_t page_bytes = 0;

    int dead_slice() const { return sig_bits; }
    std::size_t slice_bytes() const { return capacity / 8; }
    std::uint32_t slices_per_page() const { return static_cast<std::uint32_t>(page_bytes / slice_bytes()); }
    std::uint32_t slice_pages() const {
        return (static_cast<std::uint32_t>(sig_bits) + 1 + slices_per_page() - 1) / slices_per_page();
    }
    std::uint32_t total_pages() const { return slice_pages() + tid_pages; }

    // Page (relative to the group's first block) and byte offset of a slice.
    std::uint32_t slice_page(int slice) const { return static_cast<std::uint32_t>(slice) / slices_per_page(); }
    std::size_t slice_offset(int slice) const { return (static_cast<std::uint32_t>(slice) % slices_per_page()) * slice_bytes(); }
    // Page (relative) of the group's TID page i.
    std::uint32_t tid_page(std::uint32_t i) const { return slice_pages() + i; }

    std::size_t words() const { return capacity / 64; }
};

// The body bytes of an 8 kB ixbloom page: BLCKSZ 8192 - the 24-byte page
// header - the 16-byte (MAXALIGNed 12-byte) special space.  The shim checks
// its own figure against this one, so the unit tests size pages as the
// server does.
constexpr std::size_t kStandardPageBytes = 8152;

// A group's descriptor in the directory (20 bytes on disk, docs/ixbloom-format.md).
struct GroupDescriptor {
    std::uint32_t first;      // first block of the group's slice pages
    std::uint32_t nrows;
    std::uint32_t capacity;
    std::uint32_t live;       // nrows minus the rows marked in the dead slice (never lower)
    std::uint32_t tid_pages;  // TID pages after the slice pages
};
static_assert(sizeof(GroupDescriptor) == 20, "group descriptor layout");

inline GroupGeometry geometry_of(const GroupDescriptor& d, int sig_bits, std::size_t page_bytes) {
    GroupGeometry g;
    g.capacity = d.capacity;
    g.nrows = d.nrows;
    g.sig_bits = sig_bits;
    g.tid_pages = d.tid_pages;
    g.page_bytes = page_bytes;
    return g;
}

// A descriptor read from disk may be used only if everything computed from
// it stays inside the index and inside its pages: capacity a multiple of 64
// that one page's slice can hold, 1 <= nrows <= capacity, live <= nrows,
// 1 <= tid_pages <= kMaxTidPages (tid_pages.hpp), and its pages between
// block 1 and nblocks.  sig_bits must already be valid.
bool descriptor_is_valid(const GroupDescriptor& d, int sig_bits, std::uint32_t nblocks, std::size_t page_bytes);

// Does slice `slice` lie inside the used_bytes of its slice page?
inline bool slice_is_stored(const GroupGeometry& g, int slice, std::size_t used_bytes) {
    return g.slice_offset(slice) + g.slice_bytes() <= used_bytes;
}

// The largest capacity a page allows (one slice per page), and the capacity
// for a group of n rows: n rounded up to a multiple of 64, at most the max.
std::uint32_t max_group_capacity(std::size_t page_bytes);
std::uint32_t group_capacity_for(std::uint64_t nrows, std::size_t page_bytes);

// Write the row-major signatures of rows first_row .. first_row+nrows-1
// (consecutive in sigs, sig_bits/16 words each) into slices: sig_bits
// slices, bit b's slice at b * stride (the caller lays them out on pages
// afterwards).
// Rows are gathered 64 at a time into one word per slice, so each slice
// gets one 8-byte write per 64 rows instead of a byte write per set bit:
// the slices are a slice page apart, and scattered byte writes over them
// cost CREATE INDEX a measurable share of its time.
void add_rows_to_slices(const std::uint16_t* sigs, int sig_bits, std::uint32_t first_row, std::uint32_t nrows,
                        std::uint8_t* slices, std::size_t stride);

// Candidate rows of a group: out (geometry.words() 64-bit words) gets a 1 for
// every row < nrows that satisfies pred.  slice(bit) returns the bytes of
// that bit's slice.  scratch must hold 2 * geometry.words() words.
template <class Pred, class SliceOf>
void evaluate_group(const Pred& pred, const GroupGeometry& g, SliceOf&& slice, std::uint64_t* out,
                    std::uint64_t* scratch) {
    const std::size_t nw = g.words();
    std::uint64_t* clause_acc = scratch;
    std::uint64_t* alt_acc = scratch + nw;
    for (std::size_t w = 0; w < nw; ++w)
        out[w] = 0;
    for (std::uint32_t r = 0; r < g.nrows; r += 64) {
        const std::uint32_t n = g.nrows - r < 64 ? g.nrows - r : 64;
        out[r / 64] = n == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << n) - 1);
    }
    std::uint32_t alt = 0;
    for (std::uint32_t clause_stop : pred.clause_end) {
        for (std::size_t w = 0; w < nw; ++w)
            clause_acc[w] = 0;
        for (; alt < clause_stop; ++alt) {
            for (std::size_t w = 0; w < nw; ++w)
                alt_acc[w] = ~std::uint64_t{0};
            for (std::uint32_t i = pred.alt_begin_bit(alt); i < pred.alt_end[alt]; ++i) {
                const std::uint8_t* s = slice(pred.bits[i]);
                for (std::size_t w = 0; w < nw; ++w) {
                    std::uint64_t v;
                    std::memcpy(&v, s + w * 8, 8);
                    alt_acc[w] &= v;
                }
            }
            for (std::size_t w = 0; w < nw; ++w)
                clause_acc[w] |= alt_acc[w];
        }
        for (std::size_t w = 0; w < nw; ++w)
            out[w] &= clause_acc[w];
    }
}

}  // namespace bloom
}  // namespace ixcore
