// summary.cpp — in-memory summaries: merging rows in, unions, and testing
// scan keys against a summary (can the range hold a match?) and against a
// row (does it match?).  Values are compared with the operator class's
// comparison function, so NaN, infinities, -0 and collations order exactly
// as btree orders them.
#include "ixbrin/ixbrin.hpp"
#include "core/brin/intervals.hpp"

IXPG_BEGIN_C_HEADERS
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

// A value kept in a summary: a copy, detoasted (a heap row's value may be
// compressed or stored out of line; a summary stores the bytes themselves).
Datum copy_value(const ColumnOps& c, Datum v) {
    if (c.typlen == -1 && VARATT_IS_EXTENDED(DatumGetPointer(v))) {
        struct varlena* plain = pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(v)));
        if (plain != reinterpret_cast<struct varlena*>(DatumGetPointer(v)))
            return PointerGetDatum(plain);  // (already a copy)
    }
    return datumCopy(v, c.typbyval, c.typlen);
}

void init_column(const ColumnOps& c, ColumnSummary* cs) {
    std::memset(cs, 0, sizeof *cs);
    if (c.kind == Kind::Multi) {
        const int room = c.values_per_range + 2;
        cs->lo = static_cast<Datum*>(palloc(sizeof(Datum) * room));
        cs->hi = static_cast<Datum*>(palloc(sizeof(Datum) * room));
        cs->point = static_cast<bool*>(palloc(sizeof(bool) * room));
    } else if (c.kind == Kind::Bloom) {
        cs->hashes = static_cast<uint32*>(palloc(sizeof(uint32) * (br::bloom_set_capacity(c.bloom) + 1)));
        cs->bitmap = static_cast<uint8*>(palloc0(c.bloom.nbits / 8));
    }
}

// ---- minmax-multi -----------------------------------------------------------------

// Merge neighbours, closest first, until the intervals cost at most
// values_per_range.
void reduce_intervals(const ColumnOps& c, ColumnSummary* cs) {
    if (br::intervals_cost(cs->n, 0) <= static_cast<uint32>(c.values_per_range))
        return;  // (even as intervals it fits)
    uint32 points = 0;
    for (uint32 i = 0; i < cs->n; ++i)
        points += cs->point[i];
    if (br::intervals_cost(cs->n, points) <= static_cast<uint32>(c.values_per_range))
        return;
    double* gaps = static_cast<double*>(palloc(sizeof(double) * cs->n));
    bool* merge = static_cast<bool*>(palloc(sizeof(bool) * cs->n));
    for (uint32 i = 0; i + 1 < cs->n; ++i)
        gaps[i] = DatumGetFloat8(
            FunctionCall2Coll(const_cast<FmgrInfo*>(&c.distance), c.collation, cs->hi[i], cs->lo[i + 1]));
    br::plan_merges(gaps, cs->point, cs->n, static_cast<uint32>(c.values_per_range), merge);
    uint32 out = 0;
    for (uint32 i = 0; i < cs->n;) {
        uint32 end = i;
        while (end + 1 < cs->n && merge[end])
            ++end;
        cs->lo[out] = cs->lo[i];
        cs->hi[out] = cs->hi[end];
        cs->point[out] = end == i && cs->point[i];
        ++out;
        i = end + 1;
    }
    cs->n = out;
    pfree(gaps);
    pfree(merge);
}

// Add [a, b] (a <= b; a point if is_point) to the sorted disjoint intervals.
bool add_interval(const ColumnOps& c, ColumnSummary* cs, Datum a, Datum b, bool is_point) {
    // The first interval that does not end before a, and the first that
    // starts after b.
    uint32 first = 0;
    while (first < cs->n && compare_values(c, cs->hi[first], a) < 0)
        ++first;
    uint32 last = first;
    while (last < cs->n && compare_values(c, cs->lo[last], b) <= 0)
        ++last;
    if (last == first + 1 && compare_values(c, cs->lo[first], a) <= 0 && compare_values(c, cs->hi[first], b) >= 0)
        return false;  // already covered
    if (last == first) {
        // Disjoint from all: insert at first.
        std::memmove(&cs->lo[first + 1], &cs->lo[first], sizeof(Datum) * (cs->n - first));
        std::memmove(&cs->hi[first + 1], &cs->hi[first], sizeof(Datum) * (cs->n - first));
        std::memmove(&cs->point[first + 1], &cs->point[first], sizeof(bool) * (cs->n - first));
        cs->lo[first] = copy_value(c, a);
        cs->hi[first] = is_point ? cs->lo[first] : copy_value(c, b);
        cs->point[first] = is_point;
        ++cs->n;
    } else {
        // Overlaps intervals first .. last-1: they become one.
        const Datum lo = compare_values(c, a, cs->lo[first]) < 0 ? copy_value(c, a) : cs->lo[first];
        const Datum hi = compare_values(c, b, cs->hi[last - 1]) > 0 ? copy_value(c, b) : cs->hi[last - 1];
        cs->lo[first] = lo;
        cs->hi[first] = hi;
        cs->point[first] = compare_values(c, lo, hi) == 0;
        const uint32 removed = last - first - 1;
        std::memmove(&cs->lo[first + 1], &cs->lo[last], sizeof(Datum) * (cs->n - last));
        std::memmove(&cs->hi[first + 1], &cs->hi[last], sizeof(Datum) * (cs->n - last));
        std::memmove(&cs->point[first + 1], &cs->point[last], sizeof(bool) * (cs->n - last));
        cs->n -= removed;
    }
    reduce_intervals(c, cs);
    return true;
}

// ---- bloom ---------------------------------------------------------------------------

uint32 hash_of(const ColumnOps& c, Datum v) {
    return DatumGetUInt32(FunctionCall1Coll(const_cast<FmgrInfo*>(&c.hash), c.collation, v));
}

void to_bitmap(const ColumnOps& c, ColumnSummary* cs) {
    std::memset(cs->bitmap, 0, c.bloom.nbits / 8);
    for (uint32 i = 0; i < cs->n; ++i)
        br::bloom_set_bits(cs->bitmap, c.bloom, cs->hashes[i]);
    cs->bloom_mode = 1;
    cs->n = 0;
}

bool add_hash(const ColumnOps& c, ColumnSummary* cs, uint32 h) {
    if (cs->bloom_mode == 0) {
        if (br::hash_set_contains(cs->hashes, cs->n, h))
            return false;
        if (cs->n < br::bloom_set_capacity(c.bloom)) {
            br::hash_set_insert(cs->hashes, &cs->n, h);
            return true;
        }
        to_bitmap(c, cs);
    }
    if (br::bloom_has_bits(cs->bitmap, c.bloom, h))
        return false;
    br::bloom_set_bits(cs->bitmap, c.bloom, h);
    return true;
}

bool bloom_may_hold(const ColumnOps& c, const ColumnSummary* cs, uint32 h) {
    return cs->bloom_mode == 0 ? br::hash_set_contains(cs->hashes, cs->n, h) : br::bloom_has_bits(cs->bitmap, c.bloom, h);
}

// ---- one column ------------------------------------------------------------------------

bool add_value(const ColumnOps& c, ColumnSummary* cs, Datum v, bool isnull) {
    if (isnull) {
        const bool changed = !cs->has_nulls;
        cs->has_nulls = true;
        return changed;
    }
    const bool first = !cs->has_values;
    cs->has_values = true;
    switch (c.kind) {
        case Kind::MinMax:
            if (first) {
                cs->min = cs->max = copy_value(c, v);
                return true;
            }
            if (compare_values(c, v, cs->min) < 0) {
                cs->min = copy_value(c, v);
                return true;
            }
            if (compare_values(c, v, cs->max) > 0) {
                cs->max = copy_value(c, v);
                return true;
            }
            return false;
        case Kind::Multi:
            return add_interval(c, cs, v, v, true) || first;
        case Kind::Bloom:
            return add_hash(c, cs, hash_of(c, v)) || first;
    }
    return false;
}

// The column's first and last values (minmax and multi).
Datum low_of(const ColumnOps& c, const ColumnSummary* cs) { return c.kind == Kind::Multi ? cs->lo[0] : cs->min; }
Datum high_of(const ColumnOps& c, const ColumnSummary* cs) { return c.kind == Kind::Multi ? cs->hi[cs->n - 1] : cs->max; }

// Can a column summary hold a value v with "value <strategy> v", cmp
// comparing a column value with v?
bool column_may_hold(const ColumnOps& c, const ColumnSummary* cs, const PreparedKey& k, Datum v) {
    if (!cs->has_values)
        return false;
    auto cmp = [&](Datum x) {
        return DatumGetInt32(FunctionCall2Coll(const_cast<FmgrInfo*>(&k.cmp), c.collation, x, v));
    };
    if (c.kind == Kind::Bloom) {
        if (k.strategy != BTEqualStrategyNumber)
            return true;
        return bloom_may_hold(c, cs,
                              DatumGetUInt32(FunctionCall1Coll(const_cast<FmgrInfo*>(&k.hash), c.collation, v)));
    }
    switch (k.strategy) {
        case BTLessStrategyNumber: return cmp(low_of(c, cs)) < 0;
        case BTLessEqualStrategyNumber: return cmp(low_of(c, cs)) <= 0;
        case BTGreaterEqualStrategyNumber: return cmp(high_of(c, cs)) >= 0;
        case BTGreaterStrategyNumber: return cmp(high_of(c, cs)) > 0;
        case BTEqualStrategyNumber:
            if (c.kind == Kind::MinMax)
                return cmp(cs->min) <= 0 && cmp(cs->max) >= 0;
            for (uint32 i = 0; i < cs->n; ++i)
                if (cmp(cs->lo[i]) <= 0 && cmp(cs->hi[i]) >= 0)
                    return true;
            return false;
        default: return true;
    }
}

bool value_matches(const PreparedKey& k, Oid collation, Datum x, Datum v) {
    const int r = DatumGetInt32(FunctionCall2Coll(const_cast<FmgrInfo*>(&k.cmp), collation, x, v));
    switch (k.strategy) {
        case BTLessStrategyNumber: return r < 0;
        case BTLessEqualStrategyNumber: return r <= 0;
        case BTEqualStrategyNumber: return r == 0;
        case BTGreaterEqualStrategyNumber: return r >= 0;
        case BTGreaterStrategyNumber: return r > 0;
        default: return true;
    }
}

}  // namespace

Summary* new_summary(const IndexOps* ops, uint32 range) {
    // One allocation sized by the column count: an insert decodes a summary
    // per row, and room for INDEX_MAX_KEYS columns would be most of its cost.
    char* mem = static_cast<char*>(palloc0(sizeof(Summary) + 2 * ops->ncols * sizeof(ColumnSummary)));
    Summary* s = reinterpret_cast<Summary*>(mem);
    s->cols = reinterpret_cast<ColumnSummary*>(mem + sizeof(Summary));
    s->pend = s->cols + ops->ncols;
    s->range = range;
    s->sorted = true;
    ItemPointerSetInvalid(&s->last_tid);
    for (int i = 0; i < ops->ncols; ++i)
        init_column(ops->cols[i], &s->cols[i]);
    return s;
}

void begin_pending(const IndexOps* ops, Summary* s) {
    s->pending = true;
    for (int i = 0; i < ops->ncols; ++i)
        init_column(ops->cols[i], &s->pend[i]);
}

namespace {

// Upkeep of SORTED (ixbrin.hpp) for a row whose first-column key is x on
// heap page q: false if the range is no longer in order.
bool keep_in_order(const IndexOps* ops, Summary* s, bool x_null, Datum x, ItemPointer tid) {
    const ColumnOps& c = ops->cols[0];
    const ColumnSummary& c0 = s->cols[0];
    if (x_null || c.kind == Kind::Bloom)
        return false;  // (no bounds to order by)
    if (!c0.has_values && !c0.has_nulls) {
        s->last_tid = *tid;
        s->have_before_last = s->have_before_prev = false;
        return true;
    }
    if (c0.has_nulls || !ItemPointerIsValid(&s->last_tid))
        return false;
    const BlockNumber p = ItemPointerGetBlockNumber(&s->last_tid);
    const BlockNumber q = ItemPointerGetBlockNumber(tid);
    const Datum top = high_of(c, &c0);
    auto at_least = [&](bool have, Datum bound) { return !have || compare_values(c, x, bound) >= 0; };
    if (q + 1 < p)
        return false;  // rows two pages on are already there: they may be smaller
    if (q + 1 == p) {
        // The page before the last: above what is two pages before it; it
        // raises the maximum before the last page.
        if (!at_least(s->have_before_prev, s->before_prev))
            return false;
        if (!s->have_before_last || compare_values(c, x, s->before_last) > 0)
            s->before_last = copy_value(c, x);
        s->have_before_last = true;
        return true;
    }
    if (q == p) {
        if (!at_least(s->have_before_prev, s->before_prev))
            return false;
    } else if (q == p + 1) {
        if (!at_least(s->have_before_last, s->before_last))
            return false;
        s->before_prev = s->before_last;
        s->have_before_prev = s->have_before_last;
        s->before_last = copy_value(c, top);
        s->have_before_last = true;
    } else {
        if (compare_values(c, x, top) < 0)
            return false;
        s->before_prev = s->before_last = copy_value(c, top);
        s->have_before_prev = s->have_before_last = true;
    }
    if (ItemPointerCompare(tid, &s->last_tid) > 0)
        s->last_tid = *tid;
    return true;
}

}  // namespace

bool add_row(const IndexOps* ops, Summary* s, const Datum* values, const bool* isnull, ItemPointer tid) {
    bool changed = false;
    if (s->sorted) {
        if (!keep_in_order(ops, s, isnull[0], values[0], tid)) {
            s->sorted = false;
            ItemPointerSetInvalid(&s->last_tid);
            s->have_before_last = s->have_before_prev = false;
        }
        changed = true;
    }
    for (int i = 0; i < ops->ncols; ++i) {
        changed |= add_value(ops->cols[i], &s->cols[i], values[i], isnull[i]);
        if (s->pending)
            changed |= add_value(ops->cols[i], &s->pend[i], values[i], isnull[i]);
    }
    return changed;
}

void union_columns(const IndexOps* ops, ColumnSummary* into, const ColumnSummary* from) {
    for (int i = 0; i < ops->ncols; ++i) {
        const ColumnOps& c = ops->cols[i];
        ColumnSummary* a = &into[i];
        const ColumnSummary* b = &from[i];
        a->has_nulls |= b->has_nulls;
        if (!b->has_values)
            continue;
        const bool first = !a->has_values;
        a->has_values = true;
        switch (c.kind) {
            case Kind::MinMax:
                if (first || compare_values(c, b->min, a->min) < 0)
                    a->min = copy_value(c, b->min);
                if (first || compare_values(c, b->max, a->max) > 0)
                    a->max = copy_value(c, b->max);
                break;
            case Kind::Multi:
                for (uint32 j = 0; j < b->n; ++j)
                    add_interval(c, a, b->lo[j], b->hi[j], b->point[j]);
                break;
            case Kind::Bloom:
                if (b->bloom_mode == 0) {
                    for (uint32 j = 0; j < b->n; ++j)
                        add_hash(c, a, b->hashes[j]);
                } else {
                    if (a->bloom_mode == 0)
                        to_bitmap(c, a);
                    for (uint32 j = 0; j < c.bloom.nbits / 8; ++j)
                        a->bitmap[j] = static_cast<uint8>(a->bitmap[j] | b->bitmap[j]);
                }
                break;
        }
    }
}

PreparedKeys* prepare_keys(Relation index, const IndexOps* ops, const ScanKeyData* keys, int nkeys) {
    PreparedKeys* pk = static_cast<PreparedKeys*>(palloc0(sizeof(PreparedKeys)));
    pk->n = nkeys;
    pk->keys = static_cast<PreparedKey*>(palloc0(sizeof(PreparedKey) * (nkeys > 0 ? nkeys : 1)));
    for (int i = 0; i < nkeys; ++i) {
        const ScanKeyData& sk = keys[i];
        PreparedKey& k = pk->keys[i];
        k.col = sk.sk_attno - 1;
        k.flags = sk.sk_flags;
        k.strategy = sk.sk_strategy;
        const ColumnOps& c = ops->cols[k.col];
        if (sk.sk_flags & SK_ISNULL) {
            // IS NULL / IS NOT NULL; "col = NULL" matches nothing.
            k.never = !(sk.sk_flags & (SK_SEARCHNULL | SK_SEARCHNOTNULL));
            continue;
        }
        // The comparison of the column's type with the key's: the family's
        // function for the pair (for a same-type key, the class's own).
        const Oid intype = index->rd_opcintype[k.col];
        const Oid keytype = OidIsValid(sk.sk_subtype) ? sk.sk_subtype : intype;
        if (keytype == intype || IsPolymorphicType(intype)) {
            fmgr_info_copy(&k.cmp, const_cast<FmgrInfo*>(&c.cmp), CurrentMemoryContext);
            if (c.kind == Kind::Bloom)
                fmgr_info_copy(&k.hash, const_cast<FmgrInfo*>(&c.hash), CurrentMemoryContext);
        } else {
            const Oid cmp = get_opfamily_proc(c.opfamily, intype, keytype, kProcCompare);
            if (!OidIsValid(cmp))
                ereport(ERROR,
                        (errcode(ERRCODE_UNDEFINED_FUNCTION),
                         errmsg("ixbrin operator family of index \"%s\" has no comparison function for types %s and %s",
                                RelationGetRelationName(index), format_type_be(intype), format_type_be(keytype))));
            fmgr_info(cmp, &k.cmp);
            if (c.kind == Kind::Bloom) {
                const Oid hash = get_opfamily_proc(c.opfamily, keytype, keytype, kProcHash);
                if (OidIsValid(hash))
                    fmgr_info(hash, &k.hash);
                else if (k.strategy == BTEqualStrategyNumber)
                    ereport(ERROR,
                            (errcode(ERRCODE_UNDEFINED_FUNCTION),
                             errmsg("ixbrin operator family of index \"%s\" has no hash function for type %s",
                                    RelationGetRelationName(index), format_type_be(keytype))));
            }
        }
        if (sk.sk_flags & SK_SEARCHARRAY) {
            ArrayType* arr = DatumGetArrayTypeP(sk.sk_argument);
            int16 typlen;
            bool typbyval;
            char typalign;
            get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
            Datum* elems;
            bool* nulls;
            int nelems;
            deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign, &elems, &nulls, &nelems);
            k.values = static_cast<Datum*>(palloc(sizeof(Datum) * (nelems > 0 ? nelems : 1)));
            for (int e = 0; e < nelems; ++e)
                if (!nulls[e])
                    k.values[k.nvalues++] = elems[e];
            k.never = k.nvalues == 0;
        } else {
            k.values = static_cast<Datum*>(palloc(sizeof(Datum)));
            k.values[0] = sk.sk_argument;
            k.nvalues = 1;
        }
    }
    return pk;
}

bool summary_matches(const IndexOps* ops, const Summary* s, const PreparedKeys* keys) {
    for (int i = 0; i < keys->n; ++i) {
        const PreparedKey& k = keys->keys[i];
        const ColumnSummary* cs = &s->cols[k.col];
        if (k.never)
            return false;
        if (k.flags & SK_ISNULL) {
            if ((k.flags & SK_SEARCHNULL) && !cs->has_nulls)
                return false;
            if ((k.flags & SK_SEARCHNOTNULL) && !cs->has_values)
                return false;
            continue;
        }
        bool matched = false;
        for (int v = 0; v < k.nvalues && !matched; ++v)
            matched = column_may_hold(ops->cols[k.col], cs, k, k.values[v]);
        if (!matched)
            return false;
    }
    return true;
}

int uncovered_column(const IndexOps* ops, const Summary* s, const Datum* values, const bool* isnull) {
    for (int i = 0; i < ops->ncols; ++i) {
        const ColumnOps& c = ops->cols[i];
        const ColumnSummary* cs = &s->cols[i];
        if (isnull[i]) {
            if (!cs->has_nulls)
                return i;
            continue;
        }
        if (!cs->has_values)
            return i;
        bool covered = false;
        switch (c.kind) {
            case Kind::MinMax:
                covered = compare_values(c, cs->min, values[i]) <= 0 && compare_values(c, cs->max, values[i]) >= 0;
                break;
            case Kind::Multi:
                for (uint32 j = 0; j < cs->n && !covered; ++j)
                    covered = compare_values(c, cs->lo[j], values[i]) <= 0 && compare_values(c, cs->hi[j], values[i]) >= 0;
                break;
            case Kind::Bloom:
                covered = bloom_may_hold(c, cs, hash_of(c, values[i]));
                break;
        }
        if (!covered)
            return i;
    }
    return -1;
}

bool row_matches(const IndexOps* ops, const PreparedKeys* keys, const Datum* values, const bool* isnull) {
    for (int i = 0; i < keys->n; ++i) {
        const PreparedKey& k = keys->keys[i];
        if (k.never)
            return false;
        if (k.flags & SK_ISNULL) {
            if ((k.flags & SK_SEARCHNULL) && !isnull[k.col])
                return false;
            if ((k.flags & SK_SEARCHNOTNULL) && isnull[k.col])
                return false;
            continue;
        }
        if (isnull[k.col])
            return false;
        bool matched = false;
        for (int v = 0; v < k.nvalues && !matched; ++v)
            matched = value_matches(k, ops->cols[k.col].collation, values[k.col], k.values[v]);
        if (!matched)
            return false;
    }
    return true;
}

}  // namespace ixbrin
