// keys.cpp — values to entries and back, and scan keys to intervals of
// index positions (docs/ixlearn-format.md, "Order keys").  Every type maps
// to an order key whose unsigned order is its btree order; a scan key on a
// type of the same key space (int2/int4/int8; float4/float8; the column's
// own type) becomes an interval directly, any other cross-type key (date
// against timestamptz, which depends on the session's time zone) through
// the family's comparison function, by a binary search of the column's
// key space.  Either way a scan tests entries with integer comparisons.
#include "ixlearn/ixlearn.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/itup.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"
#include "utils/lsyscache.h"
#include "utils/uuid.h"
IXPG_END_C_HEADERS

#include <climits>
#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

namespace {

// A 128-bit key of the column's own order (before DESC).
struct Key {
    uint64 hi, lo;
};
bool key_less(Key a, Key b) { return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo; }
Key key_next(Key k, bool* overflow) {
    *overflow = false;
    if (++k.lo == 0 && ++k.hi == 0) *overflow = true;
    return k;
}
Key key_prev(Key k) {
    if (k.lo-- == 0) --k.hi;
    return k;
}
constexpr Key kKeyMin{0, 0};
constexpr Key kKeyMax{~uint64{0}, ~uint64{0}};

Key key_of(KeyType type, Datum value, bool* negzero) {
    *negzero = false;
    switch (type) {
        case KeyType::Int2: return Key{0, lc::key_from_int(DatumGetInt16(value))};
        case KeyType::Int4: return Key{0, lc::key_from_int(DatumGetInt32(value))};
        case KeyType::Int8: return Key{0, lc::key_from_int(DatumGetInt64(value))};
        case KeyType::Date: return Key{0, lc::key_from_int(DatumGetDateADT(value))};
        case KeyType::Timestamp:
        case KeyType::TimestampTz: return Key{0, lc::key_from_int(DatumGetTimestamp(value))};
        case KeyType::Float4: return Key{0, lc::key_from_double(DatumGetFloat4(value), negzero)};
        case KeyType::Float8: return Key{0, lc::key_from_double(DatumGetFloat8(value), negzero)};
        case KeyType::Uuid: {
            Key k;
            lc::key_from_uuid(DatumGetUUIDP(value)->data, &k.hi, &k.lo);
            return k;
        }
    }
    return kKeyMin;
}

Datum value_of(KeyType type, Key k, bool negzero) {
    switch (type) {
        case KeyType::Int2: return Int16GetDatum(static_cast<int16>(lc::int_from_key(k.lo)));
        case KeyType::Int4: return Int32GetDatum(static_cast<int32>(lc::int_from_key(k.lo)));
        case KeyType::Int8: return Int64GetDatum(lc::int_from_key(k.lo));
        case KeyType::Date: return DateADTGetDatum(static_cast<DateADT>(lc::int_from_key(k.lo)));
        case KeyType::Timestamp:
        case KeyType::TimestampTz: return TimestampGetDatum(lc::int_from_key(k.lo));
        case KeyType::Float4: return Float4GetDatum(static_cast<float4>(lc::double_from_key(k.lo, negzero)));
        case KeyType::Float8: return Float8GetDatum(lc::double_from_key(k.lo, negzero));
        case KeyType::Uuid: {
            pg_uuid_t* u = static_cast<pg_uuid_t*>(palloc(sizeof(pg_uuid_t)));
            lc::uuid_from_key(k.hi, k.lo, u->data);
            return UUIDPGetDatum(u);
        }
    }
    return 0;
}

lc::Pos pos_of_key(const KeyColumn& col, Key k) {
    return col.desc ? lc::Pos{lc::kRankValue, ~k.hi, ~k.lo} : lc::Pos{lc::kRankValue, k.hi, k.lo};
}
Key key_of_pos(const KeyColumn& col, const lc::Pos& p) { return col.desc ? Key{~p.hi, ~p.lo} : Key{p.hi, p.lo}; }
uint8 null_rank(const KeyColumn& col) { return col.nulls_first ? lc::kRankNullsFirst : lc::kRankNullsLast; }

// ---- scan keys ---------------------------------------------------------------------

// Which key space a value of type `t` lives in, to tell whether a scan
// value converts to the column's keys directly.
int key_space(Oid t) {
    switch (t) {
        case INT2OID: case INT4OID: case INT8OID: return 1;
        case FLOAT4OID: case FLOAT8OID: return 2;
        default: return 0;
    }
}
KeyType type_of_space_member(Oid t) {
    switch (t) {
        case INT2OID: return KeyType::Int2;
        case INT4OID: return KeyType::Int4;
        case INT8OID: return KeyType::Int8;
        case FLOAT4OID: return KeyType::Float4;
        default: return KeyType::Float8;
    }
}

// The column's keys, in order, as up to three runs: -infinity, the finite
// range, +infinity (date and timestamps: values outside the finite range
// cannot be stored, and their comparison functions need not accept them).
struct Domain {
    int nruns;
    Key first[3], last[3];
};
Domain domain_of(KeyType t) {
    Domain d{};
    auto run = [&](int64 a, int64 b) {
        d.first[d.nruns] = Key{0, lc::key_from_int(a)};
        d.last[d.nruns] = Key{0, lc::key_from_int(b)};
        ++d.nruns;
    };
    switch (t) {
        case KeyType::Date:
            run(DATEVAL_NOBEGIN, DATEVAL_NOBEGIN);
            run(-POSTGRES_EPOCH_JDATE, DATE_END_JULIAN - POSTGRES_EPOCH_JDATE - 1);
            run(DATEVAL_NOEND, DATEVAL_NOEND);
            break;
        case KeyType::Timestamp:
        case KeyType::TimestampTz:
            run(DT_NOBEGIN, DT_NOBEGIN);
            run(MIN_TIMESTAMP, END_TIMESTAMP - 1);
            run(DT_NOEND, DT_NOEND);
            break;
        default:
            d.nruns = 1;
            d.first[0] = kKeyMin;
            d.last[0] = kKeyMax;
            break;
    }
    return d;
}

struct CrossCompare {
    FmgrInfo proc;
    Oid collation;
    KeyType type;
    Datum value;
    // cmp(column value with key k, scan value)
    int operator()(Key k) const {
        return DatumGetInt32(FunctionCall2Coll(const_cast<FmgrInfo*>(&proc), collation, value_of(type, k, false), value));
    }
};

// The smallest column key x with cmp(x) >= 0 (strict: > 0); *none if there is none.
Key first_at_or_above(const CrossCompare& cmp, KeyType t, bool strict, bool* none) {
    const Domain d = domain_of(t);
    *none = false;
    for (int r = 0; r < d.nruns; ++r) {
        const int c = cmp(d.last[r]);
        if (strict ? c <= 0 : c < 0) continue;  // the whole run is below
        // Binary search the run for the first key that passes.
        Key lo = d.first[r], hi = d.last[r];  // hi passes
        while (key_less(lo, hi)) {
            // mid = lo + (hi - lo) / 2 in 128 bits
            unsigned __int128 a = (static_cast<unsigned __int128>(lo.hi) << 64) | lo.lo;
            unsigned __int128 b = (static_cast<unsigned __int128>(hi.hi) << 64) | hi.lo;
            unsigned __int128 m = a + (b - a) / 2;
            Key mid{static_cast<uint64>(m >> 64), static_cast<uint64>(m)};
            const int cm = cmp(mid);
            if (strict ? cm > 0 : cm >= 0)
                hi = mid;
            else {
                bool ovf;
                lo = key_next(mid, &ovf);
            }
        }
        return hi;
    }
    *none = true;
    return kKeyMax;
}

// [t1, t2): the column keys equal to the scan value; below t1 the keys
// less than it, from t2 on the keys greater.  t1_none/t2_none: no such key.
struct Thresholds {
    Key t1, t2;
    bool t1_none, t2_none;
};

Thresholds thresholds(Relation index, int attno, const KeyColumn& col, Oid subtype, Datum value) {
    Thresholds th{};
    if (subtype == InvalidOid) subtype = col.typid;
    const int space = key_space(subtype);
    if (subtype == col.typid || (space != 0 && space == key_space(col.typid))) {
        bool negzero;
        const KeyType vt = subtype == col.typid ? col.type : type_of_space_member(subtype);
        th.t1 = key_of(vt, value, &negzero);
        th.t2 = key_next(th.t1, &th.t2_none);
        return th;
    }
    CrossCompare cmp;
    const Oid proc = get_opfamily_proc(index->rd_opfamily[attno], col.typid, subtype, kProcCompare);
    if (!OidIsValid(proc))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                        errmsg("ixlearn operator family of index \"%s\" has no comparison function for %s and %s",
                               RelationGetRelationName(index), format_type_be(col.typid), format_type_be(subtype))));
    fmgr_info(proc, &cmp.proc);
    cmp.collation = index->rd_indcollation[attno];
    cmp.type = col.type;
    cmp.value = value;
    th.t1 = first_at_or_above(cmp, col.type, false, &th.t1_none);
    th.t2 = first_at_or_above(cmp, col.type, true, &th.t2_none);
    return th;
}

// The column keys (own order) that pass `strategy` against the value:
// false if none.
bool key_range(const Thresholds& th, StrategyNumber strategy, Key* lo, Key* hi) {
    switch (strategy) {
        case BTLessStrategyNumber:  // x < v: [min, t1)
            if (th.t1_none) { *lo = kKeyMin; *hi = kKeyMax; return true; }
            if (th.t1.hi == 0 && th.t1.lo == 0) return false;
            *lo = kKeyMin; *hi = key_prev(th.t1); return true;
        case BTLessEqualStrategyNumber:  // x <= v: [min, t2)
            if (th.t2_none) { *lo = kKeyMin; *hi = kKeyMax; return true; }
            if (th.t2.hi == 0 && th.t2.lo == 0) return false;
            *lo = kKeyMin; *hi = key_prev(th.t2); return true;
        case BTEqualStrategyNumber:  // [t1, t2)
            if (th.t1_none) return false;
            if (!th.t2_none && !key_less(th.t1, th.t2)) return false;
            *lo = th.t1; *hi = th.t2_none ? kKeyMax : key_prev(th.t2); return true;
        case BTGreaterEqualStrategyNumber:
            if (th.t1_none) return false;
            *lo = th.t1; *hi = kKeyMax; return true;
        case BTGreaterStrategyNumber:
            if (th.t2_none) return false;
            *lo = th.t2; *hi = kKeyMax; return true;
        default:
            elog(ERROR, "ixlearn: unknown strategy %d", strategy);
    }
    return false;
}

Interval interval_of(const KeyColumn& col, Key lo, Key hi) {
    return col.desc ? Interval{pos_of_key(col, hi), pos_of_key(col, lo)} : Interval{pos_of_key(col, lo), pos_of_key(col, hi)};
}

// Intersect a condition with a sorted list of disjoint intervals.
void intersect(ColumnCondition* c, const Interval* iv, int n) {
    if (!c->constrained) {
        c->constrained = true;
        c->n = n;
        c->iv = static_cast<Interval*>(palloc(sizeof(Interval) * (n > 0 ? n : 1)));
        std::memcpy(c->iv, iv, sizeof(Interval) * n);
        return;
    }
    Interval* out = static_cast<Interval*>(palloc(sizeof(Interval) * (c->n + n + 1)));
    int k = 0, i = 0, j = 0;
    while (i < c->n && j < n) {
        const lc::Pos lo = lc::compare(c->iv[i].lo, iv[j].lo) > 0 ? c->iv[i].lo : iv[j].lo;
        const lc::Pos hi = lc::compare(c->iv[i].hi, iv[j].hi) < 0 ? c->iv[i].hi : iv[j].hi;
        if (lc::compare(lo, hi) <= 0) out[k++] = Interval{lo, hi};
        if (lc::compare(c->iv[i].hi, iv[j].hi) < 0) ++i; else ++j;
    }
    c->n = k;
    c->iv = out;
}

int compare_intervals(const void* a, const void* b) {
    return lc::compare(static_cast<const Interval*>(a)->lo, static_cast<const Interval*>(b)->lo);
}

// The intervals of an array key (= ANY, < ANY, ...): sorted, merged.
int array_intervals(Relation index, int attno, const KeyColumn& col, ScanKey key, Interval* out_buf, int cap) {
    (void)cap;
    ArrayType* arr = DatumGetArrayTypeP(key->sk_argument);
    int16 elmlen;
    bool elmbyval;
    char elmalign;
    get_typlenbyvalalign(ARR_ELEMTYPE(arr), &elmlen, &elmbyval, &elmalign);
    Datum* elems;
    bool* nulls;
    int nelems;
    deconstruct_array(arr, ARR_ELEMTYPE(arr), elmlen, elmbyval, elmalign, &elems, &nulls, &nelems);
    int n = 0;
    for (int i = 0; i < nelems; ++i) {
        if (nulls[i]) continue;
        Key lo, hi;
        const Thresholds th = thresholds(index, attno, col, ARR_ELEMTYPE(arr), elems[i]);
        if (key_range(th, key->sk_strategy, &lo, &hi)) out_buf[n++] = interval_of(col, lo, hi);
    }
    if (n == 0) return 0;
    qsort(out_buf, n, sizeof(Interval), compare_intervals);
    int k = 0;
    for (int i = 1; i < n; ++i) {
        if (lc::compare(out_buf[i].lo, out_buf[k].hi) <= 0) {
            if (lc::compare(out_buf[i].hi, out_buf[k].hi) > 0) out_buf[k].hi = out_buf[i].hi;
        } else {
            out_buf[++k] = out_buf[i];
        }
    }
    return k + 1;
}

}  // namespace

lc::Pos pos_of_value(const KeyColumn& col, Datum value, bool isnull, bool* negative_zero) {
    *negative_zero = false;
    if (isnull) return lc::Pos{null_rank(col), 0, 0};
    return pos_of_key(col, key_of(col.type, value, negative_zero));
}

void entry_from_row(Relation index, const Shape& shape, const Datum* values, const bool* isnull, ItemPointer tid,
                    uint64* words, uint8** include, uint32* include_len) {
    const lc::LeafShape& ls = shape.leaf;
    uint64 negzero_mask = 0;
    for (int c = 0; c < ls.nkeys; ++c) {
        bool nz;
        const lc::Pos p = pos_of_value(shape.cols[c], values[c], isnull[c], &nz);
        words[3 * c] = p.rank;
        words[3 * c + 1] = p.hi;
        words[3 * c + 2] = p.lo;
        if (nz) negzero_mask |= uint64{1} << c;
    }
    words[ls.w_block()] = ItemPointerGetBlockNumber(tid);
    words[ls.w_offset()] = ItemPointerGetOffsetNumber(tid);
    words[ls.w_negzero()] = negzero_mask;
    words[ls.w_include_start()] = 0;
    words[ls.w_include_len()] = 0;
    *include = nullptr;
    *include_len = 0;
    if (ls.has_include) {
        IndexCache* cache = index_cache(index);
        IndexTuple itup = index_form_tuple(cache->include_desc, const_cast<Datum*>(values + ls.nkeys),
                                           const_cast<bool*>(isnull + ls.nkeys));
        *include = reinterpret_cast<uint8*>(itup);
        *include_len = static_cast<uint32>(IndexTupleSize(itup));
        // Two entries must fit in a leaf (a split needs it): room for the
        // leaf's header, bounds and coded columns, and half the rest.
        if (*include_len > max_include_bytes(ls))
            ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                            errmsg("INCLUDE values of %u bytes are too large for index \"%s\"", *include_len,
                                   RelationGetRelationName(index)),
                            errhint("The INCLUDE columns of an ixlearn entry may take at most %zu bytes; "
                                    "leave large columns out of the index.", max_include_bytes(ls))));
        words[ls.w_include_len()] = *include_len;
    }
}

void row_from_entry(Relation index, const Shape& shape, const uint64* words, const uint8* include_bytes,
                    Datum* values, bool* isnull) {
    const lc::LeafShape& ls = shape.leaf;
    const uint64 negzero_mask = words[ls.w_negzero()];
    for (int c = 0; c < ls.nkeys; ++c) {
        const KeyColumn& col = shape.cols[c];
        const lc::Pos p{static_cast<uint8>(words[3 * c]), words[3 * c + 1], words[3 * c + 2]};
        isnull[c] = p.rank != lc::kRankValue;
        values[c] = isnull[c] ? 0 : value_of(col.type, key_of_pos(col, p), (negzero_mask >> c) & 1);
    }
    if (ls.has_include) {
        IndexCache* cache = index_cache(index);
        // The stored tuple may be unaligned in the leaf's area: copy it.
        const uint64 len = words[ls.w_include_len()];
        IndexTuple itup = static_cast<IndexTuple>(palloc(len));
        std::memcpy(itup, include_bytes + words[ls.w_include_start()], len);
        if (len < sizeof(IndexTupleData) || IndexTupleSize(itup) != len)
            ereport(ERROR, (errcode(ERRCODE_INDEX_CORRUPTED),
                            errmsg("index \"%s\" has a corrupted INCLUDE value", RelationGetRelationName(index))));
        index_deform_tuple(itup, cache->include_desc, values + ls.nkeys, isnull + ls.nkeys);
    }
}

bool conditions_from_keys(Relation index, const Shape& shape, ScanKey keys, int nkeys, ColumnCondition* out) {
    for (int c = 0; c < shape.leaf.nkeys; ++c)
        out[c] = ColumnCondition{false, 0, nullptr};
    for (int i = 0; i < nkeys; ++i) {
        ScanKey key = &keys[i];
        const int attno = key->sk_attno - 1;
        const KeyColumn& col = shape.cols[attno];
        if (key->sk_flags & SK_ISNULL) {
            Interval iv;
            if (key->sk_flags & SK_SEARCHNULL) {
                const uint8 r = null_rank(col);
                iv = Interval{lc::Pos{r, 0, 0}, lc::Pos{r, 0, 0}};
            } else if (key->sk_flags & SK_SEARCHNOTNULL) {
                iv = Interval{lc::Pos{lc::kRankValue, 0, 0}, lc::Pos{lc::kRankValue, ~uint64{0}, ~uint64{0}}};
            } else {
                return false;  // a comparison with NULL is never true
            }
            intersect(&out[attno], &iv, 1);
        } else if (key->sk_flags & SK_SEARCHARRAY) {
            ArrayType* arr = DatumGetArrayTypeP(key->sk_argument);
            const int cap = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
            Interval* buf = static_cast<Interval*>(palloc(sizeof(Interval) * (cap > 0 ? cap : 1)));
            const int n = array_intervals(index, attno, col, key, buf, cap);
            intersect(&out[attno], buf, n);
        } else {
            Key lo, hi;
            const Thresholds th = thresholds(index, attno, col, key->sk_subtype, key->sk_argument);
            if (!key_range(th, key->sk_strategy, &lo, &hi)) return false;
            const Interval iv = interval_of(col, lo, hi);
            intersect(&out[attno], &iv, 1);
        }
        if (out[attno].n == 0) return false;
    }
    return true;
}

bool condition_passes(const ColumnCondition& c, const lc::Pos& p) {
    if (!c.constrained) return true;
    int lo = 0, hi = c.n - 1;
    while (lo <= hi) {
        const int mid = (lo + hi) / 2;
        if (lc::compare(p, c.iv[mid].lo) < 0)
            hi = mid - 1;
        else if (lc::compare(p, c.iv[mid].hi) > 0)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

}  // namespace ixlearn
