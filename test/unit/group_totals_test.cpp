// group_totals_test.cpp — the metapage's sums over the group descriptors
// (core/bloom/group_totals.hpp): counted in and out, they match sums taken
// afresh, and slice_reads gives what a scan reads group by group.
#include "core/bloom/group_totals.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

namespace {

using namespace ixcore::bloom;

constexpr std::size_t kBody = kStandardPageBytes;

GroupTotals fresh(const std::vector<GroupDescriptor>& groups, int sig_bits) {
    GroupTotals t;
    std::memset(&t, 0, sizeof t);
    for (const GroupDescriptor& g : groups)
        count_group(t, g, sig_bits, kBody, +1);
    return t;
}

std::vector<GroupDescriptor> random_groups(std::mt19937& rng, int n) {
    std::vector<GroupDescriptor> groups;
    for (int i = 0; i < n; ++i) {
        GroupDescriptor g;
        g.first = 1;
        g.capacity = 64 * (1 + rng() % 1019);
        g.nrows = 1 + rng() % g.capacity;
        g.live = rng() % 5 == 0 ? 0 : rng() % (g.nrows + 1);
        g.tid_pages = 1 + rng() % 4;
        groups.push_back(g);
    }
    return groups;
}

// What the cost model charged before the totals existed, group by group.
double per_group_slice_reads(const std::vector<GroupDescriptor>& groups, int sig_bits, int k) {
    double reads = 0;
    for (const GroupDescriptor& g : groups)
        if (g.live > 0)
            reads += std::min<std::uint32_t>(static_cast<std::uint32_t>(k), geometry_of(g, sig_bits, kBody).slice_pages());
    return reads;
}

TEST(GroupTotals, SliceReadsAreThePerGroupSum) {
    std::mt19937 rng(5);
    for (int round = 0; round < 300; ++round) {
        const int sig_bits = 16 * (1 + static_cast<int>(rng() % 8));  // at most 129 slice pages
        const std::vector<GroupDescriptor> groups = random_groups(rng, 1 + static_cast<int>(rng() % 50));
        const GroupTotals t = fresh(groups, sig_bits);
        for (int k = 1; k <= 64; ++k)
            ASSERT_DOUBLE_EQ(slice_reads(t, k), per_group_slice_reads(groups, sig_bits, k)) << "k " << k;
        // Above 64 distinct slices, groups of more slice pages count k.
        for (int k : {65, 80, sig_bits})
            ASSERT_GE(slice_reads(t, k) + 1e-9, per_group_slice_reads(groups, sig_bits, std::min(k, 64)));
    }
}

TEST(GroupTotals, CountedOutAndInAgain) {
    std::mt19937 rng(6);
    for (int round = 0; round < 300; ++round) {
        const int sig_bits = 16 * (1 + static_cast<int>(rng() % 256));
        std::vector<GroupDescriptor> groups = random_groups(rng, 1 + static_cast<int>(rng() % 30));
        GroupTotals t = fresh(groups, sig_bits);
        // VACUUM changes live counts: out with the old, in with the new.
        for (GroupDescriptor& g : groups) {
            if (rng() % 2)
                continue;
            count_group(t, g, sig_bits, kBody, -1);
            g.live = rng() % 3 == 0 ? 0 : rng() % (g.nrows + 1);
            count_group(t, g, sig_bits, kBody, +1);
        }
        const GroupTotals want = fresh(groups, sig_bits);
        ASSERT_EQ(std::memcmp(&t, &want, sizeof t), 0) << "round " << round;
        std::uint32_t dead = 0;
        for (const GroupDescriptor& g : groups)
            dead += g.live == 0;
        ASSERT_EQ(t.dead_groups, dead);
    }
}

}  // namespace
