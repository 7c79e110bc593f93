// group_totals.cpp — the metapage's sums over the group descriptors.
#include "core/bloom/group_totals.hpp"

#include <algorithm>

namespace ixcore {
namespace bloom {

void count_group(GroupTotals& t, const GroupDescriptor& g, int sig_bits, std::size_t page_bytes, int sign) {
    if (g.live == 0) {
        t.dead_groups += static_cast<std::uint32_t>(sign);
        return;
    }
    const GroupGeometry geo = geometry_of(g, sig_bits, page_bytes);
    const std::uint32_t sp = geo.slice_pages();
    t.live += static_cast<std::uint64_t>(static_cast<std::int64_t>(sign) * g.live);
    t.words += static_cast<std::uint64_t>(static_cast<std::int64_t>(sign) * static_cast<std::int64_t>(geo.words()));
    t.tid_pages += static_cast<std::uint32_t>(sign * static_cast<int>(g.tid_pages));
    t.slice_pages += static_cast<std::uint32_t>(sign * static_cast<int>(sp));
    for (std::uint32_t j = 0; j < sp && j < static_cast<std::uint32_t>(kSlicePageCounts); ++j)
        t.at_least[j] += static_cast<std::uint32_t>(sign);
}

double slice_reads(const GroupTotals& t, int k) {
    double reads = 0;
    for (int j = 0; j < k && j < kSlicePageCounts; ++j)
        reads += t.at_least[j];
    if (k > kSlicePageCounts)
        reads = std::min<double>(reads + static_cast<double>(k - kSlicePageCounts) * t.at_least[kSlicePageCounts - 1],
                                 t.slice_pages);
    return reads;
}

}  // namespace bloom
}  // namespace ixcore
