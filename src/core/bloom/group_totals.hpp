// group_totals.hpp — sums over an index's group descriptors that the
// metapage keeps (since ixbloom 1.1), so that the planner's cost estimate
// reads one page whatever the number of groups, and still charges what a
// scan reads group by group.  Pure C++; the layout is on disk
// (docs/ixbloom-format.md).
#pragma once

#include "core/bloom/bit_slices.hpp"

#include <cstdint>

namespace ixcore {
namespace bloom {

// Groups are "live" when their live count is not 0: a scan reads their
// slices and TID pages.  A group whose live count is 0 costs a scan its
// dead slice's page only.
constexpr int kSlicePageCounts = 64;

struct GroupTotals {
    std::uint64_t live;         // sum of live counts
    std::uint64_t words;        // sum of capacity / 64 over live groups
    std::uint32_t tid_pages;    // over live groups
    std::uint32_t slice_pages;  // over live groups
    std::uint32_t dead_groups;  // groups whose live count is 0
    std::uint32_t reserved;
    // at_least[j]: live groups with more than j slice pages.  A predicate
    // that needs k distinct slices reads min(k, slice pages) pages of each
    // group: summed over the groups, at_least[0] + ... + at_least[k - 1].
    std::uint32_t at_least[kSlicePageCounts];
};
static_assert(sizeof(GroupTotals) == 288, "group totals layout");

// Count a group in (sign +1) or out (-1) of the totals.
void count_group(GroupTotals& t, const GroupDescriptor& g, int sig_bits, std::size_t page_bytes, int sign);

// Slice pages a predicate of k distinct slices reads over the live groups:
// exact when k <= 64 or no group has more than 64 slice pages; above that,
// groups with over 64 slice pages are taken to have at least k.
double slice_reads(const GroupTotals& t, int k);

}  // namespace bloom
}  // namespace ixcore
