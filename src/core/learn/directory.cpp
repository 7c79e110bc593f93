// directory.cpp — coding and searching ixlearn's learned directory
// (directory.hpp).  Layout: DirHeader, the PLA segments, a uint32 offset
// per block of kDirBlockEntries entries, then each block as four lanes
// (tag = rank·2 + 1 for a Full low bound, hi, lo, block number).
#include "core/learn/directory.hpp"

#include <cstring>
#include <vector>

namespace ixcore {
namespace learn {

namespace {

constexpr int kLanesPerBlock = 4;

std::uint64_t tag_of(const DirEntry& e) { return static_cast<std::uint64_t>(e.low.rank) * 2 + (e.low_is_column ? 0 : 1); }

Segment read_segment(const std::uint8_t* segs, std::uint32_t i) {
    Segment s;
    std::memcpy(&s, segs + static_cast<std::size_t>(i) * sizeof(Segment), sizeof s);
    return s;
}

}  // namespace

std::size_t directory_max_bytes(std::uint32_t n) {
    const std::size_t blocks = (n + kDirBlockEntries - 1) / kDirBlockEntries;
    return sizeof(DirHeader) + static_cast<std::size_t>(n) * sizeof(Segment) + blocks * 4 +
           blocks * kLanesPerBlock * kLaneHeaderBytes + static_cast<std::size_t>(n) * kLanesPerBlock * 8 + 64;
}

std::size_t directory_encode(const DirEntry* entries, std::uint32_t n, std::uint32_t epsilon, bool wide,
                             LaneFormat format, std::uint8_t* out) {
    // A segment stores slopes down to 2^-32 positions per key: shift the
    // coordinates so that the average gap between leaves is about 2^16.
    std::uint64_t lo = ~std::uint64_t{0}, hi = 0;
    for (std::uint32_t j = 0; j < n; ++j) {
        if (entries[j].low.rank != kRankValue) continue;
        const std::uint64_t c = model_coordinate(entries[j].low, wide);
        lo = c < lo ? c : lo;
        hi = c > hi ? c : hi;
    }
    std::uint32_t shift = 0;
    if (hi > lo) {
        const std::uint64_t gap = (hi - lo) / n;
        std::uint32_t gap_bits = 0;
        while (gap_bits < 64 && (gap >> gap_bits) > 1) ++gap_bits;
        shift = gap_bits > 16 ? gap_bits - 16 : 0;
    }
    std::vector<std::uint64_t> coords(n);
    for (std::uint32_t j = 0; j < n; ++j)
        coords[j] = model_coordinate(entries[j].low, wide) >> shift;
    const std::vector<Segment> segs = fit_segments(coords.data(), n, epsilon);

    DirHeader h{};
    h.shift = shift;
    h.nleaves = n;
    h.nsegments = static_cast<std::uint32_t>(segs.size());
    h.epsilon = epsilon;
    h.nblocks = (n + kDirBlockEntries - 1) / kDirBlockEntries;
    h.wide = wide ? 1 : 0;
    std::uint8_t* p = out + sizeof h;
    std::memcpy(p, segs.data(), segs.size() * sizeof(Segment));
    p += segs.size() * sizeof(Segment);
    std::uint8_t* offsets = p;
    p += static_cast<std::size_t>(h.nblocks) * 4;
    std::uint64_t lane[kDirBlockEntries];
    for (std::uint32_t b = 0; b < h.nblocks; ++b) {
        const std::uint32_t off = static_cast<std::uint32_t>(p - out);
        std::memcpy(offsets + 4 * b, &off, 4);
        const std::uint32_t first = b * kDirBlockEntries;
        const std::uint32_t count = n - first < kDirBlockEntries ? n - first : kDirBlockEntries;
        for (int l = 0; l < kLanesPerBlock; ++l) {
            for (std::uint32_t i = 0; i < count; ++i) {
                const DirEntry& e = entries[first + i];
                lane[i] = l == 0 ? tag_of(e) : l == 1 ? e.low.hi : l == 2 ? e.low.lo : e.block;
            }
            p += lane_encode(lane, count, format, p);
        }
    }
    std::memcpy(out, &h, sizeof h);
    return static_cast<std::size_t>(p - out);
}

bool DirectoryView::parse(const std::uint8_t* data, std::size_t len, LaneFormat format) {
    format_ = format;
    if (len < sizeof(DirHeader)) return false;
    std::memcpy(&h_, data, sizeof h_);
    if (h_.nleaves == 0 || h_.wide > 1 || h_.shift >= 64 || h_.epsilon == 0 || h_.nsegments == 0 ||
        h_.nsegments > h_.nleaves || h_.nblocks != (h_.nleaves + kDirBlockEntries - 1) / kDirBlockEntries)
        return false;
    const std::size_t fixed = sizeof(DirHeader) + static_cast<std::size_t>(h_.nsegments) * sizeof(Segment) +
                              static_cast<std::size_t>(h_.nblocks) * 4;
    if (fixed > len) return false;
    segs_ = data + sizeof(DirHeader);
    offsets_ = segs_ + static_cast<std::size_t>(h_.nsegments) * sizeof(Segment);
    data_ = data;
    len_ = len;
    for (std::uint32_t i = 0; i < h_.nsegments; ++i) {
        const Segment s = read_segment(segs_, i);
        if (s.first_pos >= h_.nleaves || s.slope_q32 < 0) return false;
        if (i > 0 && read_segment(segs_, i - 1).first_key > s.first_key) return false;
    }
    for (std::uint32_t b = 0; b < h_.nblocks; ++b) {
        std::uint32_t off;
        std::memcpy(&off, offsets_ + 4 * b, 4);
        if (off < fixed || off > len) return false;
        const std::uint32_t count =
            h_.nleaves - b * kDirBlockEntries < kDirBlockEntries ? h_.nleaves - b * kDirBlockEntries : kDirBlockEntries;
        std::size_t at = off;
        for (int l = 0; l < kLanesPerBlock; ++l) {
            LaneView lane;
            if (!lane.parse(data + at, len - at, count, format)) return false;
            at += lane.bytes();
        }
    }
    // Entries in order (a column bound before a full-key bound of the same
    // first column), tags and block numbers in range: a damaged directory
    // must not route a lookup past the leaves that hold its key.
    for (std::uint32_t b = 0; b < h_.nblocks; ++b) {
        const std::uint32_t count =
            h_.nleaves - b * kDirBlockEntries < kDirBlockEntries ? h_.nleaves - b * kDirBlockEntries : kDirBlockEntries;
        LaneView lanes[kLanesPerBlock];
        block_lanes(b, lanes);
        for (std::uint32_t i = 0; i < count; ++i)
            if (lanes[0].get(i) > 2u * kRankNullsLast + 1 || lanes[3].get(i) > 0xFFFFFFFFu) return false;
    }
    DirEntry prev{};
    for (std::uint32_t j = 0; j < h_.nleaves; ++j) {
        const DirEntry e = entry(j);
        if (j > 0) {
            const int c = compare(e.low, prev.low);
            if (c < 0 || (c == 0 && prev.low_is_column == false && e.low_is_column)) return false;
        }
        prev = e;
    }
    return true;
}

void DirectoryView::block_lanes(std::uint32_t b, LaneView* lanes) const {
    std::uint32_t off;
    std::memcpy(&off, offsets_ + 4 * b, 4);
    const std::uint32_t count =
        h_.nleaves - b * kDirBlockEntries < kDirBlockEntries ? h_.nleaves - b * kDirBlockEntries : kDirBlockEntries;
    std::size_t at = off;
    for (int l = 0; l < kLanesPerBlock; ++l) {
        lanes[l].parse_again(data_ + at, len_ - at, count, format_);  // parse() checked them
        at += lanes[l].bytes();
    }
}

DirEntry DirectoryView::entry(std::uint32_t j) const {
    const std::uint32_t i = j % kDirBlockEntries;
    LaneView lanes[kLanesPerBlock];
    block_lanes(j / kDirBlockEntries, lanes);
    const std::uint64_t tag = lanes[0].get(i);
    DirEntry e;
    e.low = Pos{static_cast<std::uint8_t>(tag / 2), lanes[1].get(i), lanes[2].get(i)};
    e.low_is_column = (tag & 1) == 0;
    e.block = static_cast<std::uint32_t>(lanes[3].get(i));
    return e;
}

std::uint64_t DirectoryView::coordinate(const Pos& p) const { return model_coordinate(p, h_.wide != 0) >> h_.shift; }

// < 0: entry j's low bound is below the probe.
int compare_low(const DirEntry& e, const Pos& p, Probe probe) {
    const int c = compare(e.low, p);
    if (c != 0) return c;
    const int etag = e.low_is_column ? 0 : 1;
    const int ptag = static_cast<int>(probe);
    return etag < ptag ? -1 : etag > ptag ? 1 : 0;
}

int compare_entries(const DirEntry& a, const DirEntry& b) {
    const int c = compare(a.low, b.low);
    if (c != 0) return c;
    return a.low_is_column == b.low_is_column ? 0 : a.low_is_column ? -1 : 1;
}

int DirectoryView::compare_entry(std::uint32_t j, const Pos& p, Probe probe) const {
    return compare_low(entry(j), p, probe);
}

// The last j in [lo, hi) with entry(j) <= probe, given entry(lo) <= probe.
std::uint32_t DirectoryView::search(std::uint32_t lo, std::uint32_t hi, const Pos& p, Probe probe) const {
    while (hi - lo > 1) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        if (compare_entry(mid, p, probe) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

std::uint32_t DirectoryView::predict_entry(const Pos& p) const {
    const std::uint64_t x = coordinate(p);
    // The segment for x: the last whose first key is <= x.
    std::uint32_t lo = 0, hi = h_.nsegments;
    while (hi - lo > 1) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        if (read_segment(segs_, mid).first_key <= x)
            lo = mid;
        else
            hi = mid;
    }
    const Segment s = read_segment(segs_, lo);
    return static_cast<std::uint32_t>(predict(&s, 1, h_.nleaves, x));
}

std::uint32_t DirectoryView::route(const Pos& p, Probe probe, std::uint32_t* steps) const {
    const std::uint32_t n = h_.nleaves;
    const std::uint32_t guess = predict_entry(p);
    const std::uint32_t eps = h_.epsilon + 1;
    std::uint32_t lo = guess > eps ? guess - eps : 0;
    std::uint32_t hi = n - guess > eps + 1 ? guess + eps + 1 : n;
    std::uint32_t answer;
    // The window answers if its first entry is <= the probe (or is the
    // first leaf) and the entry after it is above the probe (or the end);
    // else the model is off (keys never seen by the fit): search it all.
    const bool lo_ok = lo == 0 || compare_entry(lo, p, probe) <= 0;
    const bool hi_ok = hi == n || compare_entry(hi, p, probe) > 0;
    if (lo_ok && hi_ok) {
        answer = (lo == 0 && compare_entry(0, p, probe) > 0) ? 0 : search(lo, hi, p, probe);
    } else {
        answer = compare_entry(0, p, probe) > 0 ? 0 : search(0, n, p, probe);
    }
    if (steps != nullptr) *steps = answer > guess ? answer - guess : guess - answer;
    return answer;
}

}  // namespace learn
}  // namespace ixcore
