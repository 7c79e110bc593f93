// intervals.hpp — the minmax-multi summaries of ixbrin: a sorted list of
// disjoint intervals (a single value is an interval of one point) that
// costs 1 per point and 2 per interval against values_per_range.  When a
// new value would exceed that, neighbours are merged, closest first (by the
// opclass's distance function, which the caller evaluates).  Pure C++: the
// caller holds the values; this decides which neighbours merge.
#pragma once

#include <cstdint>

namespace ixcore {
namespace brin {

// The cost of n intervals of which `points` are single values.
inline std::uint32_t intervals_cost(std::uint32_t n, std::uint32_t points) { return 2 * n - points; }

// gaps[i] (i < n - 1): the distance from interval i's high end to interval
// i + 1's low end.  is_point[i]: interval i is a single value.  Sets
// merge_with_next[i] for every i < n - 1 whose interval merges with the
// next one, the smallest gaps first, until the merged list costs at most
// budget (>= 2).  Returns the intervals left.
std::uint32_t plan_merges(const double* gaps, const bool* is_point, std::uint32_t n, std::uint32_t budget,
                          bool* merge_with_next);

}  // namespace brin
}  // namespace ixcore
