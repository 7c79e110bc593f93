// cost.cpp — amcostestimate: charge what a scan reads.
//
// genericcostestimate supplies selectivity and correlation; the page count is
// ixbloom's own: the metapage and directory, for every group one slice page
// per distinct predicate bit (at most the signature length), the TID pages
// the expected candidates fall on, and the whole insert buffer.  An = ANY(array)
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

        Relation index = index_open(info->indexoid, AccessShareLock);
        const IxbMeta meta = read_meta(index);
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
        const double slice_pages = std::min<double>(bits, meta.sig_bits);
        const double rows = static_cast<double>(meta.grouped_rows);
        // TID pages: whatever the groups do not spend on slices (runs make
        // their number depend on the heap's layout, so it is not stored);
        // a candidate reads one, so c candidates over T pages read about
        // T (1 - e^(-c/T)) of them.
        const double full_group_slice_pages = meta.sig_bits + 1.0;
        const double dir_pages = std::ceil(meta.ngroups / static_cast<double>(kGroupsPerDirPage));
        const double tid_total =
            std::max<double>(meta.ngroups, info->pages - 1 - dir_pages - meta.buf_pages - meta.ngroups * full_group_slice_pages);
        const double candidates = costs.indexSelectivity * rows;
        const double tid_pages = tid_total > 0 ? tid_total * (1 - std::exp(-candidates / tid_total)) : 0;
        const double index_pages = 1 + dir_pages +
                                   meta.ngroups * slice_pages + tid_pages + meta.buf_pages;
        const double buffered_rows = static_cast<double>(meta.buf_pages) * entries_per_page(meta.sig_bits);

        *startup = 0;
        *total = index_pages * costs.spc_random_page_cost +
                 (costs.indexSelectivity * rows + buffered_rows) * cpu_index_tuple_cost +
                 meta.ngroups * slice_pages * (bl::max_group_capacity(kPageBytes) / 64.0) * cpu_operator_cost * 0.05;
        *selectivity = costs.indexSelectivity;
        *correlation = costs.indexCorrelation;
        *pages = index_pages;
    });
}

}  // namespace ixbloom
