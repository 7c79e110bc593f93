// cost.cpp — amcostestimate from the summaries themselves.
//
// BRIN guesses how many ranges a condition selects from the column's
// correlation in pg_stats; ixbrin reads its summaries (all of them, or an
// even sample of at most kMaxSampledRanges) and tests the query's constant
// conditions against each, so the fraction of ranges is measured.  For a
// scan that returns rows in order, the startup cost is what must be read
// before the first row can come out: the first range and every range that
// overlaps its start (a sorted range costs the pages that hold its first
// keys, an unsorted one all of them).  Uncorrelated data overlaps
// everywhere, so its startup cost is its total cost, and LIMIT queries do
// not choose it.
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/genam.h"
#include "access/relation.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/selfuncs.h"
#include "utils/spccache.h"
IXPG_END_C_HEADERS

#include <algorithm>
#include <cmath>

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

constexpr uint64 kMaxSampledRanges = 20000;

// Scan keys for the clauses whose other side is a constant (a Param or an
// expression is unknown at plan time: it filters nothing here).
int constant_keys(IndexPath* path, Relation index, ScanKeyData* keys, int max_keys) {
    int n = 0;
    ListCell* lc;
    foreach (lc, path->indexclauses) {
        IndexClause* ic = lfirst_node(IndexClause, lc);
        const int col = ic->indexcol;
        ListCell* lc2;
        foreach (lc2, ic->indexquals) {
            if (n == max_keys)
                return n;
            Expr* clause = lfirst_node(RestrictInfo, lc2)->clause;
            ScanKeyData* k = &keys[n];
            if (IsA(clause, NullTest)) {
                const NullTest* nt = reinterpret_cast<const NullTest*>(clause);
                ScanKeyEntryInitialize(k, SK_ISNULL | (nt->nulltesttype == IS_NULL ? SK_SEARCHNULL : SK_SEARCHNOTNULL),
                                       static_cast<AttrNumber>(col + 1), InvalidStrategy, InvalidOid, InvalidOid,
                                       InvalidOid, Datum(0));
                ++n;
                continue;
            }
            Oid opno = InvalidOid;
            Node* other = nullptr;
            int flags = 0;
            if (IsA(clause, OpExpr) && list_length(reinterpret_cast<OpExpr*>(clause)->args) == 2) {
                opno = reinterpret_cast<OpExpr*>(clause)->opno;
                other = static_cast<Node*>(lsecond(reinterpret_cast<OpExpr*>(clause)->args));
            } else if (IsA(clause, ScalarArrayOpExpr)) {
                opno = reinterpret_cast<ScalarArrayOpExpr*>(clause)->opno;
                other = static_cast<Node*>(lsecond(reinterpret_cast<ScalarArrayOpExpr*>(clause)->args));
                flags = SK_SEARCHARRAY;
            }
            if (other == nullptr || !IsA(other, Const))
                continue;
            const Const* c = reinterpret_cast<const Const*>(other);
            int strategy;
            Oid lefttype, righttype;
            get_op_opfamily_properties(opno, index->rd_opfamily[col], false, &strategy, &lefttype, &righttype);
            ScanKeyEntryInitialize(k, flags | (c->constisnull ? SK_ISNULL : 0), static_cast<AttrNumber>(col + 1),
                                   static_cast<StrategyNumber>(strategy), righttype, index->rd_indcollation[col],
                                   InvalidOid, c->constvalue);
            ++n;
        }
    }
    return n;
}

struct RangeBounds {
    bool known;
    bool sorted;
    bool start_null, end_null;
    Datum start, end;  // in output order: every row of the range lies in [start, end]
};

// Column 0's order for the scan's direction (the index's DESC and NULLS
// FIRST, reversed for a backward scan).
int compare_output(const ColumnOps& c, int sign, bool an, Datum a, bool bn, Datum b) {
    if (an || bn) {
        if (an && bn)
            return 0;
        return ((an == c.nulls_first) ? -1 : 1) * sign;
    }
    const int r = compare_values(c, a, b);
    return (c.desc ? -r : r) * sign;
}

// What the sampled summaries say: how many ranges have rows, how many of
// them the conditions select, and the first-column bounds of those.
struct CostScan {
    const IndexOps* ops;
    const PreparedKeys* keys;
    int sign;
    RangeBounds* bounds;
    uint64 with_rows;
    uint64 selected;
};

void cost_summary(void* arg, uint64, const Summary* s) {
    CostScan* a = static_cast<CostScan*>(arg);
    const ColumnOps& c0 = a->ops->cols[0];
    if (s == nullptr) {
        ++a->with_rows;
        a->bounds[a->selected++].known = false;
        return;
    }
    if (summary_is_empty(s))
        return;
    ++a->with_rows;
    if (!summary_matches(a->ops, s, a->keys))
        return;
    RangeBounds& b = a->bounds[a->selected++];
    b.sorted = s->sorted;
    const ColumnSummary& cs = s->cols[0];
    b.known = c0.kind != Kind::Bloom && (cs.has_values || cs.has_nulls);
    if (!b.known)
        return;
    // Candidate ends: the values' low and high, and NULL (the summary
    // stays allocated: bounds point into it).
    bool have = false;
    auto consider = [&](bool isnull, Datum v) {
        if (!have || compare_output(c0, a->sign, isnull, v, b.start_null, b.start) < 0) {
            b.start_null = isnull;
            b.start = v;
        }
        if (!have || compare_output(c0, a->sign, isnull, v, b.end_null, b.end) > 0) {
            b.end_null = isnull;
            b.end = v;
        }
        have = true;
    };
    if (cs.has_values) {
        consider(false, c0.kind == Kind::Multi ? cs.lo[0] : cs.min);
        consider(false, c0.kind == Kind::Multi ? cs.hi[cs.n - 1] : cs.max);
    }
    if (cs.has_nulls)
        consider(true, Datum(0));
}

}  // namespace

void cost_estimate(PlannerInfo* root, IndexPath* path, double loop_count, Cost* startup, Cost* total,
                   Selectivity* selectivity, double* correlation, double* pages) {
    ixpg::sql_entry([&] {
        IndexOptInfo* info = path->indexinfo;
        GenericCosts costs = {};
        genericcostestimate(root, path, loop_count, &costs);
        double spc_random_page_cost, spc_seq_page_cost;
        get_tablespace_page_costs(info->reltablespace, &spc_random_page_cost, &spc_seq_page_cost);

        MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbrin cost", ALLOCSET_DEFAULT_SIZES);
        MemoryContext old = MemoryContextSwitchTo(cxt);
        Relation index = index_open(info->indexoid, AccessShareLock);
        const IxbrMeta meta = read_meta(index);
        IndexOps* ops = static_cast<IndexOps*>(palloc0(sizeof(IndexOps)));
        init_ops(ops, index, meta.pages_per_range);
        ScanKeyData keys[INDEX_MAX_KEYS * 4];
        const int nkeys = constant_keys(path, index, keys, INDEX_MAX_KEYS * 4);
        PreparedKeys* prepared = prepare_keys(index, ops, keys, nkeys);

        uint64 nranges = 0;
        const MapEntry* entries = read_entries(index, meta, nullptr, &nranges);
        const uint64 step = nranges > kMaxSampledRanges ? (nranges + kMaxSampledRanges - 1) / kMaxSampledRanges : 1;
        const int sign = ScanDirectionIsBackward(path->indexscandir) ? -1 : 1;
        const ColumnOps& c0 = ops->cols[0];
        CostScan cs{ops, prepared, sign,
                    static_cast<RangeBounds*>(palloc0(sizeof(RangeBounds) * (nranges / step + 1))), 0, 0};
        for (uint64 r = 0; r < nranges; r += step)
            if (!entry_usable(entries[r]) && (entries[r].flags & kEntryDesummarized))
                cost_summary(&cs, r, nullptr);  // rows, and no summary: read whole
        for_each_summary(index, ops, entries, nranges, step, nullptr, false, cost_summary, &cs);
        const uint64 with_rows = cs.with_rows, selected = cs.selected;
        const RangeBounds* bounds = cs.bounds;

        // The ranges a scan reads, and the pages each costs.
        const double fraction = with_rows > 0 ? static_cast<double>(selected) / with_rows : 1.0;
        const double ranges_read = fraction * (static_cast<double>(info->rel->pages) / meta.pages_per_range + 1);
        const double rows_per_range =
            info->rel->pages > 0 ? std::max(1.0, info->rel->tuples / (info->rel->pages / meta.pages_per_range + 1)) : 1;
        const double index_cost = spc_seq_page_cost * info->pages;

        // Before the first row: the earliest range, and every range whose
        // start comes before its end.  An unsorted range is read whole into
        // the queue; a sorted one is streamed, a page at a time, after a
        // binary search for its first page when the first column is bounded.
        const double ppr = meta.pages_per_range;
        const double rows_per_page = rows_per_range / ppr;
        bool bounded = false;
        for (int i = 0; i < nkeys; ++i)
            bounded |= keys[i].sk_attno == 1 && !(keys[i].sk_flags & (SK_ISNULL | SK_SEARCHARRAY));
        const double stream_pages = bounded ? 1 + std::ceil(std::log2(ppr)) : 1;
        double startup_ranges = 0, startup_pages = 0, startup_rows = 0, held_rows = 0;
        if (selected > 0) {
            uint64 first = 0;
            for (uint64 i = 1; i < selected; ++i) {
                if (!bounds[i].known)
                    first = i;
                else if (bounds[first].known &&
                         compare_output(c0, sign, bounds[i].start_null, bounds[i].start, bounds[first].start_null,
                                        bounds[first].start) < 0)
                    first = i;
            }
            for (uint64 i = 0; i < selected; ++i) {
                const bool needed = i == first || !bounds[i].known || !bounds[first].known ||
                                    compare_output(c0, sign, bounds[i].start_null, bounds[i].start,
                                                   bounds[first].end_null, bounds[first].end) < 0;
                if (!needed)
                    continue;
                startup_ranges += 1;
                startup_pages += bounds[i].sorted ? stream_pages : ppr;
                startup_rows += bounds[i].sorted ? stream_pages * rows_per_page : rows_per_range;
                held_rows += bounds[i].sorted ? rows_per_page : rows_per_range;
            }
            startup_ranges *= static_cast<double>(step);
            startup_pages *= static_cast<double>(step);
            startup_rows *= static_cast<double>(step);
            held_rows *= static_cast<double>(step);
        }
        // How far the ranges overlap, measured: 1 when each range starts
        // after the first one ends (a time series), 0 when every range
        // overlaps the first (uncorrelated data).
        const double overlap = selected > 1 ? (startup_ranges / step - 1) / static_cast<double>(selected - 1) : 0;

        // An ordered scan's own work per row it reads: the visibility check
        // and the index columns, then the queue, whose size is the rows
        // held at once (a comparison costs as in cost_sort, log2 of them
        // per row).
        const double row_cpu =
            cpu_tuple_cost + cpu_operator_cost * ops->ncols + 2.0 * cpu_operator_cost * std::log2(std::max(2.0, held_rows));
        *startup = index_cost + costs.indexStartupCost;
        *total = *startup + 0.1 * cpu_operator_cost * ranges_read * meta.pages_per_range;
        if (path->path.pathkeys != NIL) {
            *startup += startup_pages * spc_seq_page_cost + startup_rows * row_cpu;
            *total = std::max(*startup, index_cost + costs.indexStartupCost + ranges_read * rows_per_range * row_cpu);
        }
        // An index-only scan: PostgreSQL offers one for count(*) (no
        // column needed) on any index with amgettuple, but ixbrin returns no
        // index tuples; a cost no other plan reaches keeps it out, even with
        // every other scan disabled.
        if (path->path.pathtype == T_IndexOnlyScan)
            *startup = *total = 1e6 * disable_cost;
        *selectivity = std::min(1.0, std::max(costs.indexSelectivity, fraction));
        // Without an order to give, a plain index scan reads what the
        // bitmap scan reads, and more: its correlation is none, so that the
        // planner takes the bitmap scan.
        *correlation = path->path.pathkeys == NIL ? 0.0 : std::max(0.0, 1.0 - overlap) * (sign < 0 ? -1 : 1);
        *pages = info->pages;
        index_close(index, AccessShareLock);
        MemoryContextSwitchTo(old);
        MemoryContextDelete(cxt);
    });
}

}  // namespace ixbrin
