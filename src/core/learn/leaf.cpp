// leaf.cpp — ixlearn's leaf codec: bounds, sizing, encoding and the
// checked reading of leaves (leaf.hpp).
#include "core/learn/leaf.hpp"

#include <cstring>

namespace ixcore {
namespace learn {

namespace {

// Lanes of a leaf: every entry word but include_start.
std::uint32_t lane_count(const LeafShape& shape) { return shape.stride() - 1; }

// Gather word w of every entry into scratch.
void gather(const LeafShape& shape, const std::uint64_t* entries, std::uint32_t n, std::uint32_t w,
            std::uint64_t* scratch) {
    const std::uint32_t stride = shape.stride();
    for (std::uint32_t i = 0; i < n; ++i)
        scratch[i] = entries[static_cast<std::size_t>(i) * stride + w];
}

std::uint32_t word_of_lane(const LeafShape& shape, std::uint32_t lane) {
    return lane < shape.w_include_start() ? lane : lane + 1;
}

std::uint64_t include_total(const LeafShape& shape, const std::uint64_t* entries, std::uint32_t n) {
    if (!shape.has_include) return 0;
    std::uint64_t total = 0;
    for (std::uint32_t i = 0; i < n; ++i)
        total += entries[static_cast<std::size_t>(i) * shape.stride() + shape.w_include_len()];
    return total;
}

void write_bound(const LeafShape& shape, const Bound& b, std::uint8_t* out) {
    out[0] = static_cast<std::uint8_t>(b.kind);
    std::memcpy(out + 1, b.words, 8u * shape.key_words());
}

bool read_bound(const LeafShape& shape, const std::uint8_t* in, Bound* b) {
    if (in[0] > static_cast<std::uint8_t>(BoundKind::FirstColumn)) return false;
    b->kind = static_cast<BoundKind>(in[0]);
    std::memset(b->words, 0, sizeof b->words);
    std::memcpy(b->words, in + 1, 8u * shape.key_words());
    // Ranks are 0..2 in every key column a bound holds.
    const std::uint32_t cols = b->kind == BoundKind::Full ? shape.nkeys : b->kind == BoundKind::FirstColumn ? 1 : 0;
    for (std::uint32_t c = 0; c < cols; ++c)
        if (b->words[3 * c] > kRankNullsLast) return false;
    return true;
}

// Merge the pending entries (e[n_coded, n), unsorted, at most kMaxPending)
// into the sorted coded ones before them: sort the few pending entries
// aside, then merge from the back, which moves each coded entry once.
void merge_pending(const LeafShape& shape, std::uint64_t* e, std::uint32_t n_coded, std::uint32_t n) {
    const std::uint32_t stride = shape.stride();
    const std::uint32_t kw = shape.key_words();
    const std::uint32_t np = n - n_coded;
    std::uint64_t aside[kMaxPending * (3 * kMaxKeyColumns + 5)];
    std::memcpy(aside, e + static_cast<std::size_t>(n_coded) * stride, 8u * stride * np);
    for (std::uint32_t i = 1; i < np; ++i) {
        std::uint64_t tmp[3 * kMaxKeyColumns + 5];
        std::memcpy(tmp, aside + i * stride, 8u * stride);
        std::uint32_t j = i;
        for (; j > 0 && compare_words(aside + (j - 1) * stride, tmp, kw) > 0; --j)
            std::memcpy(aside + j * stride, aside + (j - 1) * stride, 8u * stride);
        std::memcpy(aside + j * stride, tmp, 8u * stride);
    }
    std::uint32_t a = n_coded, b = np, out = n;
    while (b > 0) {
        const std::uint64_t* pb = aside + (b - 1) * stride;
        std::uint64_t* dst = e + static_cast<std::size_t>(--out) * stride;
        if (a > 0 && compare_words(e + static_cast<std::size_t>(a - 1) * stride, pb, kw) > 0) {
            std::memcpy(dst, e + static_cast<std::size_t>(--a) * stride, 8u * stride);
        } else {
            std::memcpy(dst, pb, 8u * stride);
            --b;
        }
    }
}

}  // namespace

int compare_to_bound(const LeafShape& shape, const std::uint64_t* key, const Bound& bound) {
    switch (bound.kind) {
        case BoundKind::MinusInf: return 1;
        case BoundKind::PlusInf: return -1;
        case BoundKind::Full: return compare_words(key, bound.words, shape.key_words());
        case BoundKind::FirstColumn: {
            const int c = compare_words(key, bound.words, 3);
            return c != 0 ? c : 1;  // equal first column: the key is above the -inf that follows
        }
    }
    return 0;
}

int compare_bounds(const LeafShape& shape, const Bound& a, const Bound& b) {
    auto end_rank = [](BoundKind k) { return k == BoundKind::MinusInf ? 0 : k == BoundKind::PlusInf ? 2 : 1; };
    const int ra = end_rank(a.kind), rb = end_rank(b.kind);
    if (ra != rb) return ra < rb ? -1 : 1;
    if (ra != 1) return 0;
    const int c = compare_words(a.words, b.words, 3);
    if (c != 0) return c;
    const bool a_column = a.kind == BoundKind::FirstColumn, b_column = b.kind == BoundKind::FirstColumn;
    if (a_column || b_column) return a_column == b_column ? 0 : a_column ? -1 : 1;
    return compare_words(a.words, b.words, shape.key_words());
}

bool same_bound(const LeafShape& shape, const Bound& a, const Bound& b) {
    return a.kind == b.kind && std::memcmp(a.words, b.words, 8u * shape.key_words()) == 0;
}

Pos bound_first_column(const Bound& bound) {
    switch (bound.kind) {
        case BoundKind::MinusInf: return kPosMin;
        case BoundKind::PlusInf: return kPosMax;
        default: return Pos{static_cast<std::uint8_t>(bound.words[0]), bound.words[1], bound.words[2]};
    }
}

namespace {

// The value in (a, b] (a < b) that ends with the most zero bits: b with
// the bits below the highest one where a and b differ cleared.  Lanes do
// not store zero bits every value ends with, so such separators cost the
// directory only their leading bits.
std::uint64_t shortest_between(std::uint64_t a, std::uint64_t b) {
    const unsigned d = 63 - static_cast<unsigned>(__builtin_clzll(a ^ b));
    return b & ~((std::uint64_t{1} << d) - 1);
}

}  // namespace

Bound bound_between(const LeafShape& shape, const std::uint64_t* left, const std::uint64_t* right) {
    Bound b;
    std::memset(&b, 0, sizeof b);
    if (compare_words(left, right, 3) != 0) {
        // A first column above left's and at most right's, with the fewest
        // significant bits.
        b.kind = BoundKind::FirstColumn;
        b.words[0] = right[0];
        if (left[0] == right[0]) {
            if (left[1] != right[1]) {
                b.words[1] = shortest_between(left[1], right[1]);
            } else {
                b.words[1] = right[1];
                b.words[2] = shortest_between(left[2], right[2]);
            }
        }
    } else {
        b.kind = BoundKind::Full;
        std::memcpy(b.words, right, 8u * shape.key_words());
    }
    return b;
}

const char* describe(LeafFault fault) {
    switch (fault) {
        case LeafFault::None: return "no fault";
        case LeafFault::Header: return "leaf header out of range (entry count, column count or size)";
        case LeafFault::Bounds: return "leaf bounds malformed";
        case LeafFault::Lanes: return "a coded column of the leaf is malformed or overruns the page";
        case LeafFault::Include: return "INCLUDE values overrun their area";
        case LeafFault::Pending: return "the pending entries overrun the leaf or exceed their count";
    }
    return "unknown fault";
}

std::size_t leaf_bytes(const LeafShape& shape, const std::uint64_t* entries, std::uint32_t n,
                       std::uint64_t* scratch) {
    std::size_t total = sizeof(LeafHeader) + 2 * bound_bytes(shape);
    for (std::uint32_t l = 0; l < lane_count(shape); ++l) {
        gather(shape, entries, n, word_of_lane(shape, l), scratch);
        total += lane_bytes(scratch, n, shape.format);
    }
    return total + include_total(shape, entries, n);
}

std::size_t leaf_encode(const LeafShape& shape, const std::uint64_t* entries, std::uint32_t n,
                        const std::uint8_t* include_bytes, const Bound& low, const Bound& high,
                        std::uint64_t* scratch, std::uint8_t* out) {
    std::uint8_t* p = out + sizeof(LeafHeader);
    write_bound(shape, low, p);
    p += bound_bytes(shape);
    write_bound(shape, high, p);
    p += bound_bytes(shape);
    for (std::uint32_t l = 0; l < lane_count(shape); ++l) {
        gather(shape, entries, n, word_of_lane(shape, l), scratch);
        p += lane_encode(scratch, n, shape.format, p);
    }
    std::uint64_t inc = 0;
    if (shape.has_include) {
        const std::uint32_t stride = shape.stride();
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint64_t* e = entries + static_cast<std::size_t>(i) * stride;
            std::memcpy(p + inc, include_bytes + e[shape.w_include_start()], e[shape.w_include_len()]);
            inc += e[shape.w_include_len()];
        }
    }
    p += inc;
    LeafHeader h;
    h.nentries = static_cast<std::uint16_t>(n);
    h.nkeys = shape.nkeys;
    h.has_include = shape.has_include ? 1 : 0;
    h.npending = 0;
    h.body_bytes = static_cast<std::uint32_t>(p - out);
    h.include_bytes = static_cast<std::uint32_t>(inc);
    std::memcpy(out, &h, sizeof h);
    return static_cast<std::size_t>(p - out);
}

LeafFault LeafView::parse(const std::uint8_t* data, std::size_t avail, const LeafShape& shape) {
    shape_ = shape;
    LeafHeader h;
    if (avail < sizeof h) return LeafFault::Header;
    std::memcpy(&h, data, sizeof h);
    if (h.nkeys != shape.nkeys || h.has_include != (shape.has_include ? 1 : 0) || h.npending > kMaxPending ||
        h.nentries > kMaxLeafEntries || h.body_bytes < sizeof h || h.body_bytes > avail ||
        h.include_bytes > h.body_bytes)
        return LeafFault::Header;
    n_ = h.nentries;
    const std::uint8_t* p = data + sizeof h;
    const std::uint8_t* end = data + h.body_bytes;
    if (static_cast<std::size_t>(end - p) < 2 * bound_bytes(shape)) return LeafFault::Bounds;
    if (!read_bound(shape, p, &low_) || !read_bound(shape, p + bound_bytes(shape), &high_)) return LeafFault::Bounds;
    if (low_.kind == BoundKind::PlusInf || high_.kind == BoundKind::MinusInf) return LeafFault::Bounds;
    p += 2 * bound_bytes(shape);
    for (std::uint32_t l = 0; l < lane_count(shape); ++l) {
        if (!lanes_[l].parse(p, static_cast<std::size_t>(end - p), n_, shape.format)) return LeafFault::Lanes;
        p += lanes_[l].bytes();
    }
    if (static_cast<std::size_t>(end - p) != h.include_bytes) return LeafFault::Include;
    include_ = p;
    include_bytes_ = h.include_bytes;
    bytes_ = h.body_bytes;
    // The pending area: npending entries, back to back, up to avail.
    data_ = data;
    npending_ = h.npending;
    pending_include_ = 0;
    std::size_t at = h.body_bytes;
    const std::size_t fixed = 8u * (shape.stride() - 1);
    for (std::uint32_t k = 0; k < npending_; ++k) {
        if (avail - at < fixed || at > 0xFFFF) return LeafFault::Pending;
        pending_off_[k] = static_cast<std::uint16_t>(at);
        std::uint64_t len = 0;
        std::memcpy(&len, data + at + 8u * (shape.w_include_len() - 1), 8);
        if (!shape.has_include && len != 0) return LeafFault::Pending;
        if (len > avail - at - fixed) return LeafFault::Pending;
        at += fixed + len;
        pending_include_ += len;
    }
    if (at != avail) return LeafFault::Pending;
    used_ = avail;
    return LeafFault::None;
}

std::size_t LeafView::append(const std::uint64_t* entries, std::uint32_t m, std::uint32_t keep,
                             const std::uint8_t* include, std::uint8_t* out, std::size_t room) const {
    const std::uint32_t stride = shape_.stride();
    const std::uint32_t kw = shape_.key_words();
    if (keep == 0 || keep > n_ || m == 0 || keep + m > kMaxLeafEntries) return 0;
    std::uint64_t last[3 * kMaxKeyColumns + 5];
    for (std::uint32_t w = 0; w < kw; ++w) last[w] = word(keep - 1, w);
    std::uint64_t added_include = 0;
    for (std::uint32_t j = 0; j < m; ++j) {
        const std::uint64_t* e = entries + static_cast<std::size_t>(j) * stride;
        if (compare_words(j == 0 ? last : e - stride, e, kw) >= 0) return 0;
        added_include += e[shape_.w_include_len()];
    }
    // Every entry taken off must come back among the m (none is lost), and
    // the kept entries' INCLUDE bytes are the area less the dropped ones'.
    std::uint64_t kept_include = include_bytes_;
    std::uint32_t j = 0;
    for (std::uint32_t i = keep; i < n_; ++i) {
        for (std::uint32_t w = 0; w < kw; ++w) last[w] = word(i, w);
        while (j < m && compare_words(entries + static_cast<std::size_t>(j) * stride, last, kw) < 0) ++j;
        if (j == m || compare_words(entries + static_cast<std::size_t>(j) * stride, last, kw) != 0) return 0;
        kept_include -= word(i, shape_.w_include_len());
    }
    if (kept_include > include_bytes_) return 0;  // damaged lengths: code the leaf afresh (and check it)
    const std::size_t fixed = sizeof(LeafHeader) + 2 * bound_bytes(shape_);
    if (room < fixed + kept_include + added_include) return 0;
    std::size_t at = fixed;
    std::memcpy(out + sizeof(LeafHeader), data_ + sizeof(LeafHeader), 2 * bound_bytes(shape_));
    const std::size_t lanes_room = room - kept_include - added_include;
    for (std::uint32_t l = 0; l < lane_count(shape_); ++l) {
        const std::size_t b =
            lanes_[l].append(entries + word_of_lane(shape_, l), stride, m, keep, out + at, lanes_room - at);
        if (b == 0) return 0;
        at += b;
    }
    if (kept_include > 0) std::memcpy(out + at, include_, kept_include);
    at += kept_include;
    for (std::uint32_t j = 0; j < m; ++j) {
        const std::uint64_t* e = entries + static_cast<std::size_t>(j) * stride;
        const std::uint64_t len = e[shape_.w_include_len()];
        if (len > 0) std::memcpy(out + at, include + e[shape_.w_include_start()], len);
        at += len;
    }
    LeafHeader h;
    h.nentries = static_cast<std::uint16_t>(keep + m);
    h.nkeys = shape_.nkeys;
    h.has_include = shape_.has_include ? 1 : 0;
    h.npending = 0;
    h.body_bytes = static_cast<std::uint32_t>(at);
    h.include_bytes = static_cast<std::uint32_t>(kept_include + added_include);
    std::memcpy(out, &h, sizeof h);
    return at;
}

std::uint32_t LeafView::lower_bound(const Pos& pos, bool strict) const {
    // A word at a time (rank, hi, lo): the entries whose earlier words
    // equal pos's are a range, ascending in the next word.
    std::uint32_t lo = 0, hi = n_;
    const std::uint64_t want[3] = {pos.rank, pos.hi, pos.lo};
    for (std::uint32_t w = 0; w < 2; ++w) {
        const std::uint32_t from = lanes_[w].lower_bound(want[w], false, lo, hi);
        const std::uint32_t to = lanes_[w].lower_bound(want[w], true, from, hi);
        if (from == to) return from;  // none equal: the first above it, either way
        lo = from;
        hi = to;
    }
    // The last word: one search, for the end the caller asked for.
    return lanes_[2].lower_bound(want[2], strict, lo, hi);
}

bool LeafView::ends_within_bounds() const {
    if (n_ == 0) return true;
    const Pos first = first_column(0), last = first_column(n_ - 1);
    if (first.rank > kRankNullsLast || last.rank > kRankNullsLast) return false;
    // Entries are >= the low bound, so their first column is >= its first
    // column; they are < the high bound: a first column <= its first
    // column, < for a FirstColumn bound (-inf after it).
    const int c = compare(last, bound_first_column(high_));
    return compare(first, bound_first_column(low_)) >= 0 && (c < 0 || (c == 0 && high_.kind != BoundKind::FirstColumn));
}

void write_pending(const LeafShape& shape, const std::uint64_t* entry, const std::uint8_t* include, std::uint8_t* out) {
    std::uint8_t* p = out;
    for (std::uint32_t w = 0; w < shape.stride(); ++w) {
        if (w == shape.w_include_start()) continue;
        std::memcpy(p, &entry[w], 8);
        p += 8;
    }
    if (entry[shape.w_include_len()] > 0) std::memcpy(p, include, entry[shape.w_include_len()]);
}

void set_pending_count(std::uint8_t* leaf, std::uint16_t npending) {
    std::memcpy(leaf + offsetof(LeafHeader, npending), &npending, sizeof npending);
}

void set_low_bound(const LeafShape& shape, std::uint8_t* leaf, const Bound& low) {
    write_bound(shape, low, leaf + sizeof(LeafHeader));
}

std::uint64_t LeafView::pending_word(std::uint32_t k, std::uint32_t w) const {
    std::uint64_t v;
    std::memcpy(&v, data_ + pending_off_[k] + 8u * lane_of(w), 8);
    return v;
}

void LeafView::pending_entry(std::uint32_t k, std::uint64_t* out) const {
    for (std::uint32_t w = 0; w < shape_.stride(); ++w)
        out[w] = w == shape_.w_include_start() ? 0 : pending_word(k, w);
}

void LeafView::decode_range(std::uint32_t from, std::uint32_t to, std::uint64_t* out) const {
    const std::uint32_t stride = shape_.stride();
    for (std::uint32_t l = 0; l < lane_count(shape_); ++l)
        lanes_[l].decode_range(from, to, out + word_of_lane(shape_, l), stride);
    for (std::uint32_t i = from; i < to; ++i)
        out[static_cast<std::size_t>(i - from) * stride + shape_.w_include_start()] = 0;
}

bool LeafView::decode_entries(std::uint64_t* out, std::uint8_t* include_out, bool with_pending) const {
    const std::uint32_t stride = shape_.stride();
    for (std::uint32_t l = 0; l < lane_count(shape_); ++l)
        lanes_[l].decode_range(0, n_, out + word_of_lane(shape_, l), stride);
    std::uint64_t start = 0;
    for (std::uint32_t i = 0; i < n_; ++i) {
        std::uint64_t* e = out + static_cast<std::size_t>(i) * stride;
        if (e[shape_.w_block()] > 0xFFFFFFFFu || e[shape_.w_offset()] > 0xFFFFu) return false;
        e[shape_.w_include_start()] = start;
        if (shape_.has_include) {
            const std::uint64_t len = e[shape_.w_include_len()];
            if (len > include_bytes_ - start) return false;
            start += len;
        } else if (e[shape_.w_include_len()] != 0) {
            return false;
        }
    }
    if (start != include_bytes_) return false;
    if (include_bytes_ > 0) std::memcpy(include_out, include_, include_bytes_);
    // The pending entries, after the coded ones, then all of them in order.
    const std::uint32_t npending = with_pending ? npending_ : 0;
    for (std::uint32_t k = 0; k < npending; ++k) {
        std::uint64_t* e = out + static_cast<std::size_t>(n_ + k) * stride;
        pending_entry(k, e);
        if (e[shape_.w_block()] > 0xFFFFFFFFu || e[shape_.w_offset()] > 0xFFFFu) return false;
        const std::uint64_t len = e[shape_.w_include_len()];
        e[shape_.w_include_start()] = start;
        std::memcpy(include_out + start, data_ + pending_off_[k] + 8u * (stride - 1), len);
        start += len;
    }
    const std::uint32_t total = n_ + npending;
    if (npending > 0) merge_pending(shape_, out, n_, total);
    // Damage that breaks order (a rank out of range, entries out of order
    // or outside the leaf's bounds) would return wrong rows: refuse it.
    const std::uint32_t kw = shape_.key_words();
    for (std::uint32_t i = 0; i < total; ++i) {
        const std::uint64_t* e = out + static_cast<std::size_t>(i) * stride;
        for (std::uint32_t c = 0; c < shape_.nkeys; ++c)
            if (e[3 * c] > kRankNullsLast) return false;
        if (i > 0 && compare_words(e - stride, e, kw) >= 0) return false;
    }
    if (total > 0 && (compare_to_bound(shape_, out, low_) < 0 ||
                      compare_to_bound(shape_, out + static_cast<std::size_t>(total - 1) * stride, high_) >= 0))
        return false;
    return true;
}

}  // namespace learn
}  // namespace ixcore
