// pla.hpp — an error-bounded piecewise-linear model of a sorted key
// sequence: the optimal streaming PLA of the PGM-index (O'Rourke's convex
// hull algorithm), fewest segments such that every point (x[i], i) is
// predicted within ±epsilon positions.  Slope tests use exact 128-bit
// integer cross products; the segments are then stored in 32.32 fixed
// point, and every point is checked against the stored parameters (a
// segment is cut short where rounding would break the bound), so the bound
// holds for what is written to disk, not only for the exact line.
//
// Keys are unsigned 64-bit, non-decreasing, duplicates allowed (a run of
// equal keys longer than 2·epsilon + 1 gets a segment boundary inside it;
// predict() then answers for the run's first position).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ixcore {
namespace learn {

struct Segment {
    std::uint64_t first_key;  // smallest key the segment answers for
    std::uint64_t first_pos;  // predicted position of first_key (within epsilon of it)
    std::int64_t slope_q32;   // positions per key, 32.32 fixed point (>= 0)
};
static_assert(sizeof(Segment) == 24, "stored on disk as is");

// Fit segments over (keys[i], i), i < n.  epsilon >= 1.
std::vector<Segment> fit_segments(const std::uint64_t* keys, std::size_t n, std::uint32_t epsilon);

// The segment for key: the last whose first_key <= key (the first one for
// keys below every segment).  segs sorted by first_key, not empty.
std::size_t find_segment(const Segment* segs, std::size_t nsegs, std::uint64_t key);

// The predicted position of key, clamped to [0, n).  For keys present in
// the fitted sequence, |predict - true position| <= epsilon.
std::uint64_t predict(const Segment* segs, std::size_t nsegs, std::uint64_t n, std::uint64_t key);

}  // namespace learn
}  // namespace ixcore
