// cost.cpp — amcostestimate: charge what a scan reads.
//
// genericcostestimate supplies selectivity and correlation; the page count is
// ixbloom's own, from the metapage alone (its totals over the group
// descriptors): the metapage and directory, for every group one slice page
// per distinct predicate bit (at most the group's slice pages), the TID
// pages the expected candidates fall on, and the whole insert buffer.  An
// = ANY(array) is one pass, so its elements add bits, not scans.
#include "ixbloom/ixbloom.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/genam.h"
#include "nodes/primnodes.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "utils/selfuncs.h"
IXPG_END_C_HEADERS

#include <algorithm>
#include <cmath>
#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

// The totals of the metapage, or for one written by ixbloom 1.0 (until its
// first VACUUM records them) those of as many full groups as it has.
bl::GroupTotals totals_of(const IxbMeta& meta) {
    if (meta.recorded & kRecordedTotals)
        return meta.totals;
    bl::GroupTotals t;
    std::memset(&t, 0, sizeof t);
    const IxbGroup full = {1, bl::max_group_capacity(kPageBytes), bl::max_group_capacity(kPageBytes),
                           bl::max_group_capacity(kPageBytes), 1};
    for (uint32 i = 0; i < meta.ngroups; ++i)
        bl::count_group(t, full, meta.sig_bits, kPageBytes, +1);
    t.live = meta.grouped_rows;
    return t;
}

}  // namespace

void cost_estimate(PlannerInfo* root, IndexPath* path, double loop_count, Cost* startup, Cost* total,
                   Selectivity* selectivity, double* correlation, double* pages) {
    ixpg::sql_entry([&] {
        IndexOptInfo* info = path->indexinfo;
        GenericCosts costs = {};
        genericcostestimate(root, path, loop_count, &costs);

        Relation index = index_open(info->indexoid, AccessShareLock);
        const IxbMeta meta = read_meta(index);
        index_close(index, AccessShareLock);
        const bl::GroupTotals t = totals_of(meta);

        double bits = 0;
        ListCell* lc;
        foreach (lc, path->indexclauses) {
            IndexClause* iclause = lfirst_node(IndexClause, lc);
            const int col = iclause->indexcol;
            ListCell* lc2;
            foreach (lc2, iclause->indexquals) {
                RestrictInfo* rinfo = lfirst_node(RestrictInfo, lc2);
                double alternatives = 1;
                if (IsA(rinfo->clause, ScalarArrayOpExpr)) {
                    ScalarArrayOpExpr* saop = reinterpret_cast<ScalarArrayOpExpr*>(rinfo->clause);
                    alternatives = estimate_array_length(static_cast<Node*>(lsecond(saop->args)));
                }
                bits += alternatives * meta.col_bits[col];
            }
        }
        // Per live group one slice page per distinct bit, at most the
        // group's slice pages (the metapage's histogram sums that exactly);
        // a candidate reads one of a group's T TID pages, so c candidates
        // read about T (1 - e^(-c/T)) of them (over the sum of the groups:
        // equal to the per-group sum when the groups' rows per TID page are
        // alike, an upper bound otherwise).  A group with no live row costs
        // its dead slice's page.
        const double slice_bits = std::min<double>(bits, meta.sig_bits);
        const double slice_reads = bl::slice_reads(t, static_cast<int>(std::ceil(slice_bits)));
        const double candidates = costs.indexSelectivity * static_cast<double>(t.live);
        const double tid_reads = t.tid_pages > 0 ? t.tid_pages * (1 - std::exp(-candidates / t.tid_pages)) : 0;
        const double dir_pages = std::ceil(meta.ngroups / static_cast<double>(kGroupsPerDirPage));
        const double index_pages = 1 + dir_pages + slice_reads + t.dead_groups + tid_reads + meta.buf_pages;
        const double buffered_rows = static_cast<double>(meta.buf_pages) * entries_per_page(meta.sig_bits);

        *startup = 0;
        *total = index_pages * costs.spc_random_page_cost + (candidates + buffered_rows) * cpu_index_tuple_cost +
                 slice_bits * static_cast<double>(t.words) * cpu_operator_cost * 0.05;
        *selectivity = costs.indexSelectivity;
        *correlation = costs.indexCorrelation;
        *pages = index_pages;
    });
}

}  // namespace ixbloom
