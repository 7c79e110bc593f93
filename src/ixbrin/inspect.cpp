// inspect.cpp — ixbrin_ranges(index): one row per range, its summary as
// text; ixbrin_check(index): each range's summary against the heap rows of
// the range (every row covered; minmax bounds and NULL flags exactly those
// of the rows).  For superusers and members of pg_stat_scan_tables, as
// contrib pgstattuple's functions are.
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/index.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

Relation open_ixbrin(Oid relid) {
    Relation rel = relation_open(relid, AccessShareLock);
    if (rel->rd_rel->relkind != RELKIND_INDEX || rel->rd_indam == nullptr || rel->rd_indam->ambuild != build)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                        errmsg("\"%s\" is not an ixbrin index", RelationGetRelationName(rel))));
    if (RELATION_IS_OTHER_TEMP(rel))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("cannot access temporary indexes of other sessions")));
    return rel;
}

const char* value_text(const ColumnOps& c, Datum v) {
    Oid out;
    bool varlena;
    getTypeOutputInfo(c.type, &out, &varlena);
    return OidOutputFunctionCall(out, v);
}

// A column's summary as text: "[min, max]", "{[a, b], c}", "bloom ...";
// "no values" when the range has only NULLs in it.
const char* column_text(const ColumnOps& c, const ColumnSummary& cs) {
    StringInfoData s;
    initStringInfo(&s);
    if (!cs.has_values) {
        appendStringInfoString(&s, "no values");
        return s.data;
    }
    switch (c.kind) {
        case Kind::MinMax:
            appendStringInfo(&s, "[%s, %s]", value_text(c, cs.min), value_text(c, cs.max));
            break;
        case Kind::Multi:
            appendStringInfoChar(&s, '{');
            for (uint32 i = 0; i < cs.n; ++i) {
                if (i > 0)
                    appendStringInfoString(&s, ", ");
                if (cs.point[i])
                    appendStringInfoString(&s, value_text(c, cs.lo[i]));
                else
                    appendStringInfo(&s, "[%s, %s]", value_text(c, cs.lo[i]), value_text(c, cs.hi[i]));
            }
            appendStringInfoChar(&s, '}');
            break;
        case Kind::Bloom:
            if (cs.bloom_mode == 0)
                appendStringInfo(&s, "bloom (%u distinct hashes)", cs.n);
            else
                appendStringInfo(&s, "bloom (%u bits, %u per value)", c.bloom.nbits, c.bloom.k);
            break;
    }
    return s.data;
}

struct CheckState {
    const IndexOps* ops;
    const Summary* stored;
    Summary* actual;  // the rows' minmax bounds and NULL flags
    int uncovered_col;
    Datum uncovered_value;
    bool uncovered_null;
};

void check_callback(Relation, ItemPointer tid, Datum* values, bool* isnull, bool, void* arg) {
    CheckState* st = static_cast<CheckState*>(arg);
    add_row(st->ops, st->actual, values, isnull, tid);
    if (st->uncovered_col < 0 && st->stored != nullptr) {
        const int col = uncovered_column(st->ops, st->stored, values, isnull);
        if (col >= 0) {
            st->uncovered_col = col;
            st->uncovered_null = isnull[col];
            st->uncovered_value = isnull[col] ? Datum(0) : datumCopy(values[col], st->ops->cols[col].typbyval,
                                                                    st->ops->cols[col].typlen);
        }
    }
}

}  // namespace

}  // namespace ixbrin

extern "C" {

PG_FUNCTION_INFO_V1(ixbrin_ranges);
PG_FUNCTION_INFO_V1(ixbrin_check);

Datum ixbrin_ranges(PG_FUNCTION_ARGS) {
    using namespace ixbrin;
    return ixpg::sql_entry([&]() -> Datum {
        InitMaterializedSRF(fcinfo, 0);
        ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
        Relation index = open_ixbrin(PG_GETARG_OID(0));
        const IxbrMeta meta = read_meta(index);
        IndexOps* ops = static_cast<IndexOps*>(palloc0(sizeof(IndexOps)));
        init_ops(ops, index, meta.pages_per_range);
        uint64 nranges = 0;
        const MapEntry* entries = read_entries(index, meta, nullptr, &nranges);
        MemoryContext row_cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbrin_ranges row", ALLOCSET_DEFAULT_SIZES);
        for (uint64 r = 0; r < nranges; ++r) {
            CHECK_FOR_INTERRUPTS();
            MemoryContext old = MemoryContextSwitchTo(row_cxt);
            const MapEntry& e = entries[r];
            bool desummarized = false;
            Summary* s = entry_has_summary(e) ? read_range_summary(index, ops, r, &desummarized) : nullptr;
            desummarized |= (e.flags & kEntryDesummarized) != 0;
            Datum values[7];
            bool nulls[7] = {};
            values[0] = Int64GetDatum(static_cast<int64>(r));
            values[1] = Int64GetDatum(static_cast<int64>(r * meta.pages_per_range));
            values[2] = CStringGetTextDatum(desummarized ? "desummarized" : s != nullptr ? "summarized" : "empty");
            if (s != nullptr) {
                Datum* texts = static_cast<Datum*>(palloc(sizeof(Datum) * ops->ncols));
                Datum* flags = static_cast<Datum*>(palloc(sizeof(Datum) * ops->ncols));
                for (int i = 0; i < ops->ncols; ++i) {
                    texts[i] = CStringGetTextDatum(column_text(ops->cols[i], s->cols[i]));
                    flags[i] = BoolGetDatum(s->cols[i].has_nulls);
                }
                values[3] = BoolGetDatum(s->sorted);
                values[4] = BoolGetDatum(s->pending);
                values[5] = PointerGetDatum(construct_array(flags, ops->ncols, BOOLOID, 1, true, TYPALIGN_CHAR));
                values[6] = PointerGetDatum(construct_array(texts, ops->ncols, TEXTOID, -1, false, TYPALIGN_INT));
            } else {
                nulls[3] = nulls[4] = nulls[5] = nulls[6] = true;
            }
            tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
            MemoryContextSwitchTo(old);
            MemoryContextReset(row_cxt);
        }
        relation_close(index, AccessShareLock);
        return Datum(0);
    });
}

// One row per problem: a row of the range that its summary does not cover
// (an index that would lose it), or minmax bounds / NULL flags that are not
// exactly those of the range's rows (a summary that VACUUM did not tighten).
Datum ixbrin_check(PG_FUNCTION_ARGS) {
    using namespace ixbrin;
    return ixpg::sql_entry([&]() -> Datum {
        InitMaterializedSRF(fcinfo, 0);
        ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
        const Oid indexoid = PG_GETARG_OID(0);
        const Oid heapoid = IndexGetRelation(indexoid, true);
        if (!OidIsValid(heapoid))
            ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                            errmsg("\"%s\" is not an ixbrin index", get_rel_name(indexoid))));
        Relation heap = table_open(heapoid, AccessShareLock);
        Relation index = open_ixbrin(indexoid);
        const IxbrMeta meta = read_meta(index);
        IndexOps* ops = static_cast<IndexOps*>(palloc0(sizeof(IndexOps)));
        init_ops(ops, index, meta.pages_per_range);
        IndexInfo* info = BuildIndexInfo(index);
        uint64 nranges = 0;
        const MapEntry* entries = read_entries(index, meta, nullptr, &nranges);
        const BlockNumber heap_blocks = RelationGetNumberOfBlocks(heap);
        const uint64 all_ranges = (static_cast<uint64>(heap_blocks) + meta.pages_per_range - 1) / meta.pages_per_range;
        auto report = [&](uint64 r, int col, const char* problem, const char* stored, const char* actual) {
            Datum values[5];
            bool nulls[5] = {};
            values[0] = Int64GetDatum(static_cast<int64>(r));
            values[1] = Int32GetDatum(col + 1);
            values[2] = CStringGetTextDatum(problem);
            values[3] = CStringGetTextDatum(stored);
            values[4] = CStringGetTextDatum(actual);
            tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
        };
        for (uint64 r = 0; r < all_ranges; ++r) {
            CHECK_FOR_INTERRUPTS();
            MapEntry e;
            if (r < nranges) {
                e = entries[r];
            } else {
                ItemPointerSetInvalid(&e.summary);
                e.flags = 0;
            }
            if (e.flags & kEntryDesummarized)
                continue;  // no summary to check: scans read it whole
            bool desummarized = false;
            Summary* stored = entry_has_summary(e) ? read_range_summary(index, ops, r, &desummarized) : nullptr;
            CheckState st{ops, stored, new_summary(ops, static_cast<uint32>(r)), -1, Datum(0), false};
            const BlockNumber first = static_cast<BlockNumber>(r * meta.pages_per_range);
            const BlockNumber n = heap_blocks - first < meta.pages_per_range ? heap_blocks - first : meta.pages_per_range;
            table_index_build_range_scan(heap, index, info, false, true, false, first, n, check_callback, &st, nullptr);
            bool any_row = false;
            for (int i = 0; i < ops->ncols; ++i)
                any_row |= st.actual->cols[i].has_values || st.actual->cols[i].has_nulls;
            if (stored == nullptr) {
                if (any_row)
                    report(r, 0, "rows without a summary", "none", "rows");
                continue;
            }
            if (st.uncovered_col >= 0)
                report(r, st.uncovered_col, "row not covered", column_text(ops->cols[st.uncovered_col], stored->cols[st.uncovered_col]),
                       st.uncovered_null ? "NULL" : value_text(ops->cols[st.uncovered_col], st.uncovered_value));
            for (int i = 0; i < ops->ncols; ++i) {
                const ColumnOps& c = ops->cols[i];
                const ColumnSummary& a = st.actual->cols[i];
                const ColumnSummary& b = stored->cols[i];
                if (c.kind != Kind::MinMax)
                    continue;  // (multi and bloom summaries are checked for cover only)
                const bool exact = a.has_nulls == b.has_nulls && a.has_values == b.has_values &&
                                   (!a.has_values || (compare_values(c, a.min, b.min) == 0 &&
                                                      compare_values(c, a.max, b.max) == 0));
                if (!exact) {
                    StringInfoData st_text, ac_text;
                    initStringInfo(&st_text);
                    initStringInfo(&ac_text);
                    appendStringInfo(&st_text, "%s%s", column_text(c, b), b.has_nulls ? ", nulls" : "");
                    appendStringInfo(&ac_text, "%s%s", column_text(c, a), a.has_nulls ? ", nulls" : "");
                    report(r, i, "bounds not exact", st_text.data, ac_text.data);
                }
            }
        }
        relation_close(index, AccessShareLock);
        table_close(heap, AccessShareLock);
        return Datum(0);
    });
}
}
