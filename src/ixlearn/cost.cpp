// cost.cpp — amcostestimate, shaped like btcostestimate: the generic
// estimate (selectivity of the quals, leaf pages in proportion to the
// entries read, which ixlearn's smaller leaves make fewer), the heap
// correlation of the first column from pg_statistic for the planner's
// heap-fetch interpolation, and the descent: where btree charges a
// comparison per level of its height and a page per level, ixlearn
// charges the model's search (a segment, then ±epsilon entries) and one
// leaf.
#include "ixlearn/ixlearn.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/htup_details.h"
#include "catalog/pg_statistic.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"
#include "utils/syscache.h"
IXPG_END_C_HEADERS

#include <cmath>

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

namespace {

// pg_statistic's correlation of the index's first column, if it is a
// plain column of the table (0 when unknown).
double first_column_correlation(PlannerInfo* root, IndexOptInfo* index) {
    if (index->indexkeys[0] == 0) return 0.0;
    RangeTblEntry* rte = planner_rt_fetch(index->rel->relid, root);
    if (rte->rtekind != RTE_RELATION) return 0.0;
    HeapTuple tuple = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(rte->relid),
                                      Int16GetDatum(index->indexkeys[0]), BoolGetDatum(rte->inh));
    if (!HeapTupleIsValid(tuple)) return 0.0;
    double corr = 0.0;
    AttStatsSlot slot;
    if (get_attstatsslot(&slot, tuple, STATISTIC_KIND_CORRELATION, InvalidOid, ATTSTATSSLOT_NUMBERS)) {
        if (slot.nnumbers > 0) corr = slot.numbers[0];
        free_attstatsslot(&slot);
    }
    ReleaseSysCache(tuple);
    if (index->reverse_sort[0]) corr = -corr;
    return index->nkeycolumns > 1 ? corr * 0.75 : corr;
}

}  // namespace

void cost_estimate(PlannerInfo* root, IndexPath* path, double loop_count, Cost* startup, Cost* total,
                   Selectivity* selectivity, double* correlation, double* pages) {
    ixpg::sql_entry([&] {
        IndexOptInfo* index = path->indexinfo;
        GenericCosts costs;
        MemSet(&costs, 0, sizeof costs);
        genericcostestimate(root, path, loop_count, &costs);

        // The descent: the model's segment search and window, then one leaf.
        const double tuples = index->tuples > 1 ? index->tuples : 1;
        const double leaves = index->pages > 2 ? index->pages - 1 : 1;
        // (The planner holds the index's lock since it listed the index.)
        Relation rel = index_open(index->indexoid, NoLock);
        const double window = 2.0 * option_epsilon(rel) + 1;
        index_close(rel, NoLock);
        const double descent =
            (std::ceil(std::log2(window)) + std::ceil(std::log2(leaves / 64.0 + 1.0)) + std::ceil(std::log2(tuples / leaves + 1.0))) *
            cpu_operator_cost;
        const double leaf_cost = 50.0 * cpu_operator_cost;
        costs.indexStartupCost += descent + leaf_cost;
        costs.indexTotalCost += costs.num_sa_scans * (descent + leaf_cost);

        *startup = costs.indexStartupCost;
        *total = costs.indexTotalCost;
        *selectivity = costs.indexSelectivity;
        *correlation = first_column_correlation(root, index);
        *pages = costs.numIndexPages;
    });
}

bool can_return(Relation, int) { return true; }

}  // namespace ixlearn
