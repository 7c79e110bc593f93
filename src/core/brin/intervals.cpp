// intervals.cpp — which neighbouring intervals of a minmax-multi summary
// merge when it grows past its budget.
#include "core/brin/intervals.hpp"

namespace ixcore {
namespace brin {

std::uint32_t plan_merges(const double* gaps, const bool* is_point, std::uint32_t n, std::uint32_t budget,
                          bool* merge_with_next) {
    for (std::uint32_t i = 0; i + 1 < n; ++i)
        merge_with_next[i] = false;
    // Work on runs: run r spans intervals [start, end]; its cost is 1 if it
    // is one point, else 2.  Merging two neighbouring runs costs 2.
    std::uint32_t cost = 0;
    for (std::uint32_t i = 0; i < n; ++i)
        cost += is_point[i] ? 1 : 2;
    std::uint32_t left = n;
    while (cost > budget && left > 1) {
        // The smallest gap between two intervals that are not merged yet.
        std::uint32_t best = n;
        for (std::uint32_t i = 0; i + 1 < n; ++i)
            if (!merge_with_next[i] && (best == n || gaps[i] < gaps[best]))
                best = i;
        // The runs on either side of gap best, before merging: a run is a
        // single point when it is one interval that is a point.
        std::uint32_t a = best;
        while (a > 0 && merge_with_next[a - 1])
            --a;
        std::uint32_t b = best + 1;
        while (b + 1 < n && merge_with_next[b])
            ++b;
        const bool left_point = a == best && is_point[a];
        const bool right_point = b == best + 1 && is_point[best + 1];
        cost -= (left_point ? 1 : 2) + (right_point ? 1 : 2);
        cost += 2;
        merge_with_next[best] = true;
        --left;
    }
    return left;
}

}  // namespace brin
}  // namespace ixcore
