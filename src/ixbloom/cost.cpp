// cost.cpp — amcostestimate: charge what a scan reads.
//
// genericcostestimate supplies selectivity and correlation; the page count is
// ixbloom's own: the metapage and directory, for every group one slice page
// per distinct predicate bit (at most the group's slice pages), the TID
// pages the expected candidates fall on, and the whole insert buffer.  An = ANY(array)
// is one pass, so its elements add bits, not scans.
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

namespace ixbloom {

void cost_estimate(PlannerInfo* root, IndexPath* path, double loop_count, Cost* startup, Cost* total,
                   Selectivity* selectivity, double* correlation, double* pages) {
    ixpg::sql_entry([&] {
        IndexOptInfo* info = path->indexinfo;
        GenericCosts costs = {};
        genericcostestimate(root, path, loop_count, &costs);

        // The metapage and the group descriptors (one directory page per 407
        // groups): each group's own slice and TID page counts.
        Relation index = index_open(info->indexoid, AccessShareLock);
        const IxbMeta meta = read_meta(index);
        uint32 ngroups = 0;
        IxbGroup* groups = read_groups(index, meta, &ngroups);
        index_close(index, AccessShareLock);

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
                bits += alternatives * (col < meta.ncols ? meta.col_bits[col] : 1);
            }
        }
        // Per group: one slice page per distinct bit, at most the group's
        // slice pages; and a candidate reads one of its T TID pages, so c
        // candidates read about T (1 - e^(-c/T)) of them.
        const double slice_bits = std::min<double>(bits, meta.sig_bits);
        // (Scans skip groups with no live row; descriptors have tid_pages >= 1.)
        double slice_reads = 0, slice_words = 0, tid_reads = 0, grouped_rows = 0;
        for (uint32 i = 0; i < ngroups; ++i) {
            if (groups[i].live == 0)
                continue;
            const bl::GroupGeometry g = group_geometry(groups[i], meta.sig_bits);
            const double candidates = costs.indexSelectivity * groups[i].live;
            const double tid_pages = groups[i].tid_pages;
            slice_reads += std::min<double>(slice_bits, g.slice_pages());
            slice_words += slice_bits * static_cast<double>(g.words());
            tid_reads += tid_pages * (1 - std::exp(-candidates / tid_pages));
            grouped_rows += groups[i].live;
        }
        pfree(groups);
        const double dir_pages = std::ceil(ngroups / static_cast<double>(kGroupsPerDirPage));
        const double index_pages = 1 + dir_pages + slice_reads + tid_reads + meta.buf_pages;
        const double buffered_rows = static_cast<double>(meta.buf_pages) * entries_per_page(meta.sig_bits);

        *startup = 0;
        *total = index_pages * costs.spc_random_page_cost +
                 (costs.indexSelectivity * grouped_rows + buffered_rows) * cpu_index_tuple_cost +
                 slice_words * cpu_operator_cost * 0.05;
        *selectivity = costs.indexSelectivity;
        *correlation = costs.indexCorrelation;
        *pages = index_pages;
    });
}

}  // namespace ixbloom
