// pla.cpp — the optimal streaming PLA (O'Rourke's convex hull algorithm,
// as in the PGM-index) in exact integer arithmetic, stored as 32.32
// fixed-point segments, and the lookups over those segments.
//
// From each segment's first point the hull takes points while some line
// passes within ±epsilon of all of them AND some 32.32 slope lies in the
// range of feasible slopes (for sparse keys the exact range can fall
// between two 32.32 values; the segment then ends there rather than store a
// slope no feasible line has).  With such a slope q, g(i) = i - floor(dx(i)
// * q / 2^32) spreads over at most 2·epsilon (the exact line bounds it to
// less than 2·epsilon + 1, and g is an integer), so an integer first_pos
// within epsilon of every g(i) exists: the middle of the spread.  first_pos
// is thus an intercept-adjusted position, not necessarily the true position
// of first_key.  place() computes that spread point by point — the check of
// every point against the stored parameters — and cuts the segment at the
// first point that does not fit (possible only next to position 0, where
// first_pos cannot go negative).
//
// Positions are assumed below 2^62, so that every slope product below fits
// in 128 bits (|dy| < 2^63, dx < 2^64).
#include "core/learn/pla.hpp"

#include <algorithm>
#include <limits>

namespace ixcore {
namespace learn {

namespace {

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

constexpr u128 kMaxSlopeQ32 = std::numeric_limits<std::int64_t>::max();

// A point relative to the segment's first point: x = key - first key,
// y = position - first position, moved up or down by epsilon.
struct Pt {
    std::uint64_t x;
    std::int64_t y;
};

// The slope from a to b (a.x < b.x) as the fraction dy / dx, dx > 0.
struct Slope {
    i128 dy, dx;
};

Slope slope(const Pt& a, const Pt& b) { return {i128{b.y} - a.y, static_cast<i128>(b.x - a.x)}; }

bool operator<(const Slope& p, const Slope& q) { return p.dy * q.dx < q.dy * p.dx; }

// The smallest 32.32 value >= s (0 when s <= 0: stored slopes are >= 0).
u128 q32_ceil(const Slope& s) {
    if (s.dy <= 0)
        return 0;
    const u128 dx = static_cast<u128>(s.dx);
    return ((static_cast<u128>(s.dy) << 32) + dx - 1) / dx;
}

// The largest 32.32 value <= s (s > 0), saturated at INT64_MAX.
u128 q32_floor(const Slope& s) {
    return std::min(kMaxSlopeQ32, (static_cast<u128>(s.dy) << 32) / static_cast<u128>(s.dx));
}

// The feasible lines through the points of one segment.  Every point p
// gives an upper point p + epsilon and a lower point p - epsilon; a line is
// feasible when it passes on or below every upper point and on or above
// every lower point.  The steepest feasible line touches a lower point on
// its left and an upper point on its right, the flattest an upper point on
// its left and a lower point on its right.  The left touch points are found
// on two hulls: of the upper points, the lower convex hull (the flattest
// line is a tangent from below), of the lower points, the upper convex hull.
// Each hull starts at the current touch point, which only moves right, so
// every point is visited O(1) times amortised.
class Hulls {
public:
    explicit Hulls(std::uint32_t epsilon) : eps_(epsilon) {}

    // Start over with the segment's first point, (0, 0).
    void reset() {
        upper_.assign(1, Pt{0, eps_});
        lower_.assign(1, Pt{0, -eps_});
        ustart_ = lstart_ = 0;
        qlo_ = 0;
        qhi_ = kMaxSlopeQ32;
        points_ = 1;
    }

    // Adds a point right of all the others; false (and nothing changed) when
    // no feasible line with a 32.32 slope would remain.
    bool add(std::uint64_t x, std::int64_t y) {
        const Pt u{x, y + eps_}, l{x, y - eps_};
        if (points_ == 1) {
            const u128 qlo = q32_ceil(slope(upper_[0], l)), qhi = q32_floor(slope(lower_[0], u));
            if (qlo > qhi)
                return false;
            steep_end_ = u;
            flat_end_ = l;
            upper_.push_back(u);
            lower_.push_back(l);
            qlo_ = qlo;
            qhi_ = qhi;
            points_ = 2;
            return true;
        }
        const Slope steep = slope(lower_[lstart_], steep_end_), flat = slope(upper_[ustart_], flat_end_);
        if (slope(upper_[ustart_], u) < flat || steep < slope(lower_[lstart_], l))
            return false;  // the point is outside every feasible line's reach
        // An upper point below the steepest line lowers the steepest slope:
        // the new steepest line is the tangent from u to the lower hull.
        const bool new_steep = slope(lower_[lstart_], u) < steep;
        std::size_t lstart = lstart_;
        u128 qhi = qhi_;
        if (new_steep) {
            Slope best = slope(lower_[lstart], u);
            for (std::size_t k = lstart + 1; k < lower_.size(); ++k) {
                const Slope s = slope(lower_[k], u);
                if (best < s)
                    break;
                best = s;
                lstart = k;
            }
            qhi = q32_floor(best);
        }
        // Symmetrically, a lower point above the flattest line.
        const bool new_flat = flat < slope(upper_[ustart_], l);
        std::size_t ustart = ustart_;
        u128 qlo = qlo_;
        if (new_flat) {
            Slope best = slope(upper_[ustart], l);
            for (std::size_t k = ustart + 1; k < upper_.size(); ++k) {
                const Slope s = slope(upper_[k], l);
                if (s < best)
                    break;
                best = s;
                ustart = k;
            }
            qlo = q32_ceil(best);
        }
        if (qlo > qhi)
            return false;
        lstart_ = lstart;
        ustart_ = ustart;
        qlo_ = qlo;
        qhi_ = qhi;
        // A point on the far side of its extreme line can never constrain
        // a feasible line again: only the others join their hull.
        if (new_steep) {
            steep_end_ = u;
            while (upper_.size() >= ustart_ + 2 &&
                   !(slope(upper_[upper_.size() - 2], upper_.back()) < slope(upper_.back(), u)))
                upper_.pop_back();
            upper_.push_back(u);
        }
        if (new_flat) {
            flat_end_ = l;
            while (lower_.size() >= lstart_ + 2 &&
                   !(slope(lower_.back(), l) < slope(lower_[lower_.size() - 2], lower_.back())))
                lower_.pop_back();
            lower_.push_back(l);
        }
        ++points_;
        return true;
    }

    // A 32.32 slope of some feasible line: the middle of the range (0 for a
    // single point, which any slope fits).
    std::uint64_t slope_q32() const { return points_ == 1 ? 0 : static_cast<std::uint64_t>((qlo_ + qhi_) / 2); }

private:
    std::int64_t eps_;
    std::vector<Pt> upper_, lower_;
    std::size_t ustart_ = 0, lstart_ = 0;  // the flattest / steepest line's left touch point
    Pt steep_end_{}, flat_end_{};          // and their right touch points
    u128 qlo_ = 0, qhi_ = 0;               // the 32.32 slopes within [flattest, steepest]
    std::size_t points_ = 0;
};

// Stores the points of keys[start, end) with slope q in *seg, choosing
// first_pos as the file comment explains; returns the end of the points
// that fit (end, unless a point next to position 0 cannot).
std::size_t place(const std::uint64_t* keys, std::size_t start, std::size_t end, std::uint64_t q,
                  std::uint32_t epsilon, Segment* seg) {
    const i128 eps = epsilon;
    i128 gmin = static_cast<i128>(start), gmax = gmin;
    std::size_t i = start + 1;
    for (; i < end; ++i) {
        if (keys[i] == keys[i - 1])
            continue;
        const u128 rise = (static_cast<u128>(keys[i] - keys[start]) * q) >> 32;
        const i128 g = static_cast<i128>(i) - static_cast<i128>(rise);
        const i128 lo = std::min(gmin, g), hi = std::max(gmax, g);
        if (hi - lo > 2 * eps || lo + eps < 0)
            break;
        gmin = lo;
        gmax = hi;
    }
    // The middle of the spread is within epsilon of both ends; when it is
    // negative, 0 is still within epsilon (lo + eps >= 0 above).
    const i128 sum = gmin + gmax;
    seg->first_key = keys[start];
    seg->first_pos = sum < 0 ? 0 : static_cast<std::uint64_t>(sum / 2);
    seg->slope_q32 = static_cast<std::int64_t>(q);
    return i;
}

}  // namespace

std::vector<Segment> fit_segments(const std::uint64_t* keys, std::size_t n, std::uint32_t epsilon) {
    std::vector<Segment> segs;
    Hulls hulls(epsilon);
    std::size_t start = 0;  // always the first occurrence of its key
    while (start < n) {
        hulls.reset();
        std::size_t end = start + 1;
        for (; end < n; ++end) {
            // Only the first occurrence of a key is a point.
            if (keys[end] == keys[end - 1])
                continue;
            if (!hulls.add(keys[end] - keys[start], static_cast<std::int64_t>(end - start)))
                break;
        }
        Segment seg;
        start = place(keys, start, end, hulls.slope_q32(), epsilon, &seg);
        segs.push_back(seg);
    }
    return segs;
}

std::size_t find_segment(const Segment* segs, std::size_t nsegs, std::uint64_t key) {
    const Segment* it = std::upper_bound(segs, segs + nsegs, key,
                                         [](std::uint64_t k, const Segment& s) { return k < s.first_key; });
    return it == segs ? 0 : static_cast<std::size_t>(it - segs) - 1;
}

std::uint64_t predict(const Segment* segs, std::size_t nsegs, std::uint64_t n, std::uint64_t key) {
    // Segments may come from disk: no segments or no rows still answer 0.
    if (nsegs == 0 || n == 0)
        return 0;
    const Segment& s = segs[find_segment(segs, nsegs, key)];
    if (key < s.first_key)
        return 0;
    // A damaged negative slope wraps to a huge one: clamped like any other.
    const u128 pos = s.first_pos + ((static_cast<u128>(key - s.first_key) * static_cast<std::uint64_t>(s.slope_q32)) >> 32);
    return pos < n - 1 ? static_cast<std::uint64_t>(pos) : n - 1;
}

}  // namespace learn
}  // namespace ixcore
