// leaf.hpp — ixlearn's leaf codec (docs/ixlearn-format.md, "Leaf").
//
// In memory a leaf is an array of entries of `stride` 64-bit words each:
//   [rank, hi, lo] per key column      the column's Pos (order_key.hpp)
//   block, offset                      the heap TID
//   negzero                            bit c: key column c holds -0
//   include_start, include_len         the entry's INCLUDE bytes in a side buffer
// Entries are sorted by their first 3·nkeys + 2 words (keys, then TID),
// which is index order.  On disk every word but include_start is a lane
// (lane.hpp), after a header and the leaf's two bounds; the INCLUDE bytes
// follow the lanes.  After that coded part, a leaf has a pending area: up
// to kMaxPending entries appended by inserts as they came, uncoded (every
// word but include_start, 8 bytes each, then the INCLUDE bytes), so that
// an insert changes a few dozen bytes of the page (and of WAL) instead of
// coding the leaf again; the next insert that finds it full codes them in.
// Pure C++: the shim owns the page and the buffers.
#pragma once

#include "core/learn/lane.hpp"
#include "core/learn/order_key.hpp"

#include <cstddef>
#include <cstdint>

namespace ixcore {
namespace learn {

constexpr int kMaxKeyColumns = 32;  // INDEX_MAX_KEYS

struct LeafShape {
    std::uint16_t nkeys;    // key columns, 1..kMaxKeyColumns
    bool has_include;       // INCLUDE columns present
    LaneFormat format = LaneFormat::V2;  // the index's lane layout (its metapage's format version)

    std::uint32_t stride() const { return 3u * nkeys + 5u; }
    std::uint32_t key_words() const { return 3u * nkeys + 2u; }  // the sort key
    std::uint32_t w_block() const { return 3u * nkeys; }
    std::uint32_t w_offset() const { return 3u * nkeys + 1; }
    std::uint32_t w_negzero() const { return 3u * nkeys + 2; }
    std::uint32_t w_include_start() const { return 3u * nkeys + 3; }
    std::uint32_t w_include_len() const { return 3u * nkeys + 4; }
};

// Compare two entries (or an entry and a bound's words) over the first `words` words.
inline int compare_words(const std::uint64_t* a, const std::uint64_t* b, std::uint32_t words) {
    for (std::uint32_t i = 0; i < words; ++i)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

// A leaf's boundary (Lehman–Yao): every entry of the leaf is >= its low
// bound and < its high bound.  A bound is -inf (the leftmost leaf's low),
// +inf (the rightmost leaf's high), a full sort key (keys and TID), or a
// first-column key with -inf after it (the boundary fell between two
// different first-column values).
enum class BoundKind : std::uint8_t { MinusInf = 0, PlusInf = 1, Full = 2, FirstColumn = 3 };
struct Bound {
    BoundKind kind;
    std::uint64_t words[3 * kMaxKeyColumns + 2];  // the sort-key words; FirstColumn: 3 words, rest 0
};

// Are two bounds the same (kind and the words it has)?
bool same_bound(const LeafShape& shape, const Bound& a, const Bound& b);
// Where `key` (key_words() words) lies against a bound: < 0 below it.
int compare_to_bound(const LeafShape& shape, const std::uint64_t* key, const Bound& bound);
// The order of two bounds (-inf first, +inf last; a FirstColumn bound
// before every Full bound with that first column).
int compare_bounds(const LeafShape& shape, const Bound& a, const Bound& b);
// The first column of a bound, as a Pos (MinusInf: kPosMin, PlusInf: kPosMax).
Pos bound_first_column(const Bound& bound);
// The bound between two adjacent entries (left < right): when their first
// columns differ, a FirstColumn bound at the first column in (left's,
// right's] that ends with the most zero bits (btree's suffix truncation,
// for order keys); else right's full key.
Bound bound_between(const LeafShape& shape, const std::uint64_t* left, const std::uint64_t* right);

// Serialized bound: kind (1 byte) + key_words() × 8 bytes.
inline std::size_t bound_bytes(const LeafShape& shape) { return 1 + 8u * shape.key_words(); }

struct LeafHeader {
    std::uint16_t nentries;
    std::uint16_t nkeys;
    std::uint16_t has_include;
    std::uint16_t npending;  // entries in the pending area
    std::uint32_t body_bytes;
    std::uint32_t include_bytes;
};
static_assert(sizeof(LeafHeader) == 16, "leaf header layout");

// The largest number of entries a leaf may hold, whatever their coding (so
// that a damaged nentries never sizes a buffer beyond it).
constexpr std::uint32_t kMaxLeafEntries = 8192;

// Bytes the leaf would take (header, bounds, lanes, INCLUDE bytes).  scratch:
// room for n words.
std::size_t leaf_bytes(const LeafShape& shape, const std::uint64_t* entries, std::uint32_t n,
                       std::uint64_t* scratch);
// Code the leaf into out (room for leaf_bytes); returns the bytes written.
std::size_t leaf_encode(const LeafShape& shape, const std::uint64_t* entries, std::uint32_t n,
                        const std::uint8_t* include_bytes, const Bound& low, const Bound& high,
                        std::uint64_t* scratch, std::uint8_t* out);

constexpr std::uint32_t kMaxPending = 64;

// Bytes of one pending entry.
inline std::size_t pending_entry_bytes(const LeafShape& shape, std::uint32_t include_len) {
    return 8u * (shape.stride() - 1) + include_len;
}
// Write a pending entry (its words, then include_len INCLUDE bytes) at out.
void write_pending(const LeafShape& shape, const std::uint64_t* entry, const std::uint8_t* include, std::uint8_t* out);
// Set the pending count in a coded leaf's header.
void set_pending_count(std::uint8_t* leaf, std::uint16_t npending);
// Replace a coded leaf's low bound (bounds have a fixed size, so nothing
// else moves).  Lowering it keeps the leaf valid: its entries stay above.
void set_low_bound(const LeafShape& shape, std::uint8_t* leaf, const Bound& low);

// Why a leaf was rejected.
enum class LeafFault : std::uint8_t { None, Header, Bounds, Lanes, Include, Pending };
const char* describe(LeafFault fault);

// A leaf read from a page that may be damaged: parse() checks the header
// against the catalog's shape and the bytes available, every lane's
// header and size, and the INCLUDE area, before anything is read.
class LeafView {
public:
    LeafFault parse(const std::uint8_t* data, std::size_t avail, const LeafShape& shape);

    std::uint32_t size() const { return n_; }              // coded entries
    std::uint32_t pending() const { return npending_; }    // pending entries
    std::uint32_t total() const { return n_ + npending_; }
    std::size_t used_bytes() const { return used_; }       // coded part and pending area
    const Bound& low() const { return low_; }
    const Bound& high() const { return high_; }
    std::size_t bytes() const { return bytes_; }
    std::uint32_t include_bytes() const { return include_bytes_; }
    // The coded entries' INCLUDE bytes, in entry order (include_bytes() of them).
    const std::uint8_t* include_area() const { return include_; }

    // Word w of entry i (w != include_start).
    std::uint64_t word(std::uint32_t i, std::uint32_t w) const { return lanes_[lane_of(w)].get(i); }
    // The first column of entry i.
    Pos first_column(std::uint32_t i) const {
        return Pos{static_cast<std::uint8_t>(lanes_[0].get(i)), lanes_[1].get(i), lanes_[2].get(i)};
    }
    // The first entry whose first column is >= pos (strict: > pos); size() if none.
    std::uint32_t lower_bound(const Pos& pos, bool strict) const;
    // For readers that decode part of the coded entries (a scan's binary
    // search and ranges): do the first and the last one have a valid rank
    // and a first column inside the leaf's bounds?  Damage to a key lane's
    // header (its base, shift or width) moves them all, so this finds it
    // before the search trusts them; decode() checks every entry.
    bool ends_within_bounds() const;
    // Coded entries from..to-1 (to <= size()) into out, stride words each
    // (include_start 0): what word() reads, one pass per lane.  Not checked
    // like decode(): a scan checks what it uses, as it does with word().
    void decode_range(std::uint32_t from, std::uint32_t to, std::uint64_t* out) const;

    // Word w of pending entry k (w != include_start).
    std::uint64_t pending_word(std::uint32_t k, std::uint32_t w) const;
    // Pending entry k's words into out (stride words; include_start 0).
    void pending_entry(std::uint32_t k, std::uint64_t* out) const;

    // All entries, coded and pending, in index order into out (total() ×
    // stride words) and their INCLUDE bytes into include_out
    // (total_include_bytes()); include_start is rebuilt.  False if the
    // entries are damaged: a field out of range, out of order or outside
    // the leaf's bounds, an INCLUDE length past its area.
    bool decode(std::uint64_t* out, std::uint8_t* include_out) const { return decode_entries(out, include_out, true); }
    // The coded entries alone (size() of them), checked the same way.
    bool decode_coded(std::uint64_t* out, std::uint8_t* include_out) const { return decode_entries(out, include_out, false); }
    std::size_t total_include_bytes() const { return include_bytes_ + pending_include_; }

    // Append coding (format 2), for keys inserted in order: this leaf's
    // first `keep` coded entries (1 <= keep <= size()) followed by m more,
    // with no pending area, written to out (at most room bytes) without
    // coding the kept entries again: each lane takes its new values in its
    // own coding (LaneView::append), the INCLUDE area its new bytes.  The
    // entries (stride words each) must be ascending and above the last
    // kept entry; their INCLUDE bytes are at include + include_start.
    // With keep < size(), the entries after the kept ones must be among
    // the m (a key that arrived late goes before the last few coded
    // entries: they are taken off and appended again).  Returns the leaf's
    // bytes, or 0 when the entries are not in that order, a lane cannot
    // take its values, or the leaf would pass kMaxLeafEntries or room: the
    // caller then codes the leaf afresh.
    std::size_t append(const std::uint64_t* entries, std::uint32_t m, std::uint32_t keep, const std::uint8_t* include,
                       std::uint8_t* out, std::size_t room) const;
    // Pending entry k's INCLUDE bytes (its include_len of them).
    const std::uint8_t* pending_include(std::uint32_t k) const { return data_ + pending_off_[k] + 8u * (shape_.stride() - 1); }
    // The lane of word w (w != include_start): its bit width for
    // statistics, or some of its values for a scan (decode_range).
    const LaneView& lane(std::uint32_t w) const { return lanes_[lane_of(w)]; }

private:
    bool decode_entries(std::uint64_t* out, std::uint8_t* include_out, bool with_pending) const;
    std::uint32_t lane_of(std::uint32_t w) const { return w < shape_.w_include_start() ? w : w - 1; }

    LeafShape shape_{};
    std::uint32_t n_ = 0;
    std::size_t bytes_ = 0;
    std::uint32_t include_bytes_ = 0;
    const std::uint8_t* include_ = nullptr;
    std::uint32_t npending_ = 0;
    std::size_t used_ = 0;
    std::size_t pending_include_ = 0;
    std::uint16_t pending_off_[kMaxPending] = {};  // each pending entry's offset in data_
    const std::uint8_t* data_ = nullptr;
    Bound low_{}, high_{};
    LaneView lanes_[3 * kMaxKeyColumns + 4];
};

}  // namespace learn
}  // namespace ixcore
