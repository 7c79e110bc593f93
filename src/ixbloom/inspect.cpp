// inspect.cpp — SQL functions that show an ixbloom index's metapage, its
// groups and a group's TID pages (ixbloom 1.1), for users and for the
// tests.  They read pages through the same checked paths as scans, so a
// damaged index gives the same index_corrupted errors.  EXECUTE is granted
// to pg_stat_scan_tables (as contrib pgstattuple's functions are).
#include "ixbloom/ixbloom.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relation.h"
#include "access/table.h"
#include "access/xlog.h"
#include "catalog/index.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

// Open an ixbloom index of this session (AccessShareLock), or ERROR.
Relation open_ixbloom(Oid relid) {
    Relation rel = relation_open(relid, AccessShareLock);
    if (rel->rd_rel->relkind != RELKIND_INDEX || rel->rd_indam == nullptr || rel->rd_indam->ambuild != build)
        ereport(ERROR,
                (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                 errmsg("\"%s\" is not an ixbloom index", RelationGetRelationName(rel))));
    if (RELATION_IS_OTHER_TEMP(rel))
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg("cannot access temporary indexes of other sessions")));
    return rel;
}

Datum block_or_null(BlockNumber blkno, bool* isnull) {
    *isnull = blkno == InvalidBlockNumber;
    return Int64GetDatum(static_cast<int64>(blkno));
}

Datum int_array(const uint16* values, int n) {
    Datum* elems = static_cast<Datum*>(palloc(sizeof(Datum) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; ++i)
        elems[i] = Int32GetDatum(values[i]);
    return PointerGetDatum(construct_array(elems, n, INT4OID, sizeof(int32), true, TYPALIGN_INT));
}

// The options recorded at CREATE INDEX, as they would be written in WITH.
Datum recorded_options(const IxbMeta& meta) {
    StringInfoData s;
    initStringInfo(&s);
    if (meta.opt_length != 0)
        appendStringInfo(&s, "length=%d", meta.opt_length);
    for (int i = 0; i < bl::kMaxColumns; ++i)
        if (meta.opt_col_bits[i] != 0)
            appendStringInfo(&s, "%scol%d=%u", s.len > 0 ? ", " : "", i + 1, meta.opt_col_bits[i]);
    if (meta.opt_false_positive_rate > 0)
        appendStringInfo(&s, "%sfalse_positive_rate=%g", s.len > 0 ? ", " : "", meta.opt_false_positive_rate);
    return CStringGetTextDatum(s.data);
}

// Where the signature shape came from (IxbMeta::sized_from); NULL for an
// index of ixbloom 1.0, which recorded no options.
const char* sizing_name(const IxbMeta& meta) {
    switch (meta.sized_from) {
        case kSizedByStatistics: return "statistics";
        case kSizedBySample: return "sample";
        default: break;
    }
    if (!(meta.recorded & kRecordedOptions))
        return nullptr;
    return bl::options_given(recorded_shape_options(meta)) ? "options" : "defaults";
}

// The tuplestore of a set-returning function, an ixbloom index, its
// metapage and its groups.
struct GroupsView {
    ReturnSetInfo* rsinfo;
    Relation index;
    IxbMeta meta;
    IxbGroup* groups;
    uint32 ngroups;
};

// The fold lock is held in share mode until close_groups, as by a scan: a
// merge may otherwise free the groups' pages between the directory and
// them.
GroupsView open_groups(FunctionCallInfo fcinfo) {
    GroupsView v;
    InitMaterializedSRF(fcinfo, 0);
    v.rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    v.index = open_ixbloom(PG_GETARG_OID(0));
    lock_fold(v.index, ShareLock);
    v.meta = read_meta(v.index);
    v.groups = read_groups(v.index, v.meta, &v.ngroups);
    return v;
}

void close_groups(const GroupsView& v) {
    unlock_fold(v.index, ShareLock);
    relation_close(v.index, AccessShareLock);
}

const char* encoding_name(bl::TidEncoding e) {
    switch (e) {
        case bl::TidEncoding::kRuns: return "runs";
        case bl::TidEncoding::kBitmaps: return "bitmaps";
        case bl::TidEncoding::kArray: break;
    }
    return "array";
}

}  // namespace

}  // namespace ixbloom

extern "C" {

PG_FUNCTION_INFO_V1(ixbloom_metapage);
PG_FUNCTION_INFO_V1(ixbloom_groups);
PG_FUNCTION_INFO_V1(ixbloom_tid_pages);
PG_FUNCTION_INFO_V1(ixbloom_merge_groups);

// ixbloom_metapage(regclass): one row.
Datum ixbloom_metapage(PG_FUNCTION_ARGS) {
    using namespace ixbloom;
    return ixpg::sql_entry([&]() -> Datum {
        Relation index = open_ixbloom(PG_GETARG_OID(0));
        const IxbMeta meta = read_meta(index);
        relation_close(index, AccessShareLock);

        TupleDesc desc;
        if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
            elog(ERROR, "return type must be a row type");
        const bool options = meta.recorded & kRecordedOptions;
        const bool totals = meta.recorded & kRecordedTotals;
        // ixbloom 1.1 declares 19 columns; 1.2 adds merges and sized_from.
        if (desc->natts != 19 && desc->natts != 21)
            elog(ERROR, "ixbloom_metapage: the SQL declaration has %d columns", desc->natts);
        Datum values[21];
        bool nulls[21] = {};
        values[0] = Int32GetDatum(static_cast<int32>(meta.format_version));
        values[1] = Int32GetDatum(meta.sig_bits);
        values[2] = Int32GetDatum(meta.ncols);
        values[3] = int_array(meta.col_bits, meta.ncols);
        values[4] = options ? recorded_options(meta) : Datum(0);
        nulls[4] = !options;
        values[5] = Int64GetDatum(meta.ngroups);
        values[6] = Int64GetDatum(static_cast<int64>(meta.grouped_rows));
        values[7] = block_or_null(meta.dir_head, &nulls[7]);
        values[8] = block_or_null(meta.dir_tail, &nulls[8]);
        values[9] = block_or_null(meta.buf_head, &nulls[9]);
        values[10] = block_or_null(meta.buf_tail, &nulls[10]);
        values[11] = Int64GetDatum(meta.buf_pages);
        values[12] = Int64GetDatum(static_cast<int64>(meta.buf_pages) * static_cast<int64>(entries_per_page(meta.sig_bits)));
        values[13] = Int64GetDatum(meta.folds);
        values[14] = Int64GetDatum(static_cast<int64>(meta.totals.live));
        values[15] = Int64GetDatum(meta.totals.slice_pages);
        values[16] = Int64GetDatum(meta.totals.tid_pages);
        values[17] = Int64GetDatum(static_cast<int64>(meta.totals.words));
        values[18] = Int64GetDatum(meta.totals.dead_groups);
        for (int i = 14; i < 19; ++i)
            nulls[i] = !totals;
        values[19] = Int64GetDatum(meta.merges);
        const char* sizing = sizing_name(meta);
        values[20] = sizing != nullptr ? CStringGetTextDatum(sizing) : Datum(0);
        nulls[20] = sizing == nullptr;
        PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
    });
}

// ixbloom_groups(regclass): one row per group, in directory order.
Datum ixbloom_groups(PG_FUNCTION_ARGS) {
    using namespace ixbloom;
    return ixpg::sql_entry([&]() -> Datum {
        const GroupsView v = open_groups(fcinfo);
        Relation index = v.index;
        uint8* dead = static_cast<uint8*>(palloc(bl::max_group_capacity(kPageBytes) / 8));
        for (uint32 i = 0; i < v.ngroups; ++i) {
            CHECK_FOR_INTERRUPTS();
            const IxbGroup& g = v.groups[i];
            const bl::GroupGeometry geo = group_geometry(g, v.meta.sig_bits);
            const BlockNumber dead_blk = g.first + geo.slice_page(geo.dead_slice());
            Buffer buf = read_group_page(index, dead_blk, kPageSlice, nullptr, nullptr);
            copy_slice(index, dead_blk, BufferGetPage(buf), geo, geo.dead_slice(), dead);
            UnlockReleaseBuffer(buf);
            Datum values[9];
            bool nulls[9] = {};
            values[0] = Int32GetDatum(static_cast<int32>(i + 1));
            values[1] = Int64GetDatum(g.first);
            values[2] = Int32GetDatum(static_cast<int32>(g.nrows));
            values[3] = Int32GetDatum(static_cast<int32>(g.capacity));
            values[4] = Int32GetDatum(static_cast<int32>(g.live));
            values[5] = Int32GetDatum(static_cast<int32>(count_dead(index, dead_blk, dead, g)));
            values[6] = Int32GetDatum(static_cast<int32>(geo.slice_pages()));
            values[7] = Int32GetDatum(static_cast<int32>(g.tid_pages));
            values[8] = Int64GetDatum(g.first + geo.tid_page(0));
            tuplestore_putvalues(v.rsinfo->setResult, v.rsinfo->setDesc, values, nulls);
        }
        close_groups(v);
        return Datum(0);
    });
}

// ixbloom_tid_pages(regclass, group int): one row per TID page of a group.
Datum ixbloom_tid_pages(PG_FUNCTION_ARGS) {
    using namespace ixbloom;
    return ixpg::sql_entry([&]() -> Datum {
        const GroupsView v = open_groups(fcinfo);
        Relation index = v.index;
        const int32 group_no = PG_GETARG_INT32(1);
        if (group_no < 1 || static_cast<uint32>(group_no) > v.ngroups)
            ereport(ERROR,
                    (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                     errmsg("index \"%s\" has no group %d", RelationGetRelationName(index), group_no),
                     errhint("Groups are numbered from 1 to %u, as ixbloom_groups() lists them.", v.ngroups)));
        const IxbGroup& g = v.groups[group_no - 1];
        const bl::GroupGeometry geo = group_geometry(g, v.meta.sig_bits);
        // Page 0 stays open: the others are checked against its map.
        bl::TidPageReader page0, other;
        const BlockNumber blk0 = g.first + geo.tid_page(0);
        Buffer buf0 = read_group_page(index, blk0, kPageTid, nullptr, nullptr);
        open_tid_page(index, blk0, BufferGetPage(buf0), g, 0, nullptr, &page0);
        for (uint32 p = 0; p < g.tid_pages; ++p) {
            const BlockNumber blk = g.first + geo.tid_page(p);
            Buffer buf = InvalidBuffer;
            const bl::TidPageReader* reader = &page0;
            if (p > 0) {
                buf = read_group_page(index, blk, kPageTid, nullptr, nullptr);
                open_tid_page(index, blk, BufferGetPage(buf), g, p, &page0, &other);
                reader = &other;
            }
            Datum values[7];
            bool nulls[7] = {};
            values[0] = Int32GetDatum(static_cast<int32>(p));
            values[1] = Int64GetDatum(blk);
            values[2] = Int64GetDatum(reader->first_pos());
            values[3] = Int32GetDatum(static_cast<int32>(reader->nrows()));
            values[4] = CStringGetTextDatum(encoding_name(reader->encoding()));
            values[5] = Int32GetDatum(static_cast<int32>(reader->entries()));
            values[6] = Int32GetDatum(static_cast<int32>(reader->map_entries()));
            if (buf != InvalidBuffer)
                UnlockReleaseBuffer(buf);
            tuplestore_putvalues(v.rsinfo->setResult, v.rsinfo->setDesc, values, nulls);
        }
        UnlockReleaseBuffer(buf0);
        close_groups(v);
        return Datum(0);
    });
}

// ixbloom_merge_groups(regclass): merge the index's small groups now, as
// VACUUM does (ixbloom 1.2).  Like brin_summarize_range: for the table's
// owner, under ShareUpdateExclusiveLock on the table and the index, so it
// waits for VACUUM rather than running beside it.
Datum ixbloom_merge_groups(PG_FUNCTION_ARGS) {
    using namespace ixbloom;
    return ixpg::sql_entry([&]() -> Datum {
        const Oid index_oid = PG_GETARG_OID(0);
        if (RecoveryInProgress())
            ereport(ERROR,
                    (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE), errmsg("recovery is in progress"),
                     errhint("ixbloom_merge_groups() cannot be executed during recovery.")));
        // The table first, as VACUUM locks it; then the index.
        const Oid heap_oid = IndexGetRelation(index_oid, true);
        if (!OidIsValid(heap_oid))
            ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                            errmsg("\"%s\" is not an index",
                                   get_rel_name(index_oid) != nullptr ? get_rel_name(index_oid) : "?")));
        Relation heap = table_open(heap_oid, ShareUpdateExclusiveLock);
        if (!pg_class_ownercheck(heap_oid, GetUserId()))
            aclcheck_error(ACLCHECK_NOT_OWNER, get_relkind_objtype(heap->rd_rel->relkind),
                           RelationGetRelationName(heap));
        Relation index = index_open(index_oid, ShareUpdateExclusiveLock);
        // As brin_summarize_range: the index may have moved to another table
        // (or gone) before its lock was granted.
        if (IndexGetRelation(index_oid, true) != heap_oid)
            ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                            errmsg("could not open parent table of index \"%s\"", RelationGetRelationName(index))));
        relation_close(open_ixbloom(index_oid), AccessShareLock);

        lock_merge(index);
        const MergeResult r = merge_groups(index);
        unlock_merge(index);
        index_close(index, ShareUpdateExclusiveLock);
        table_close(heap, ShareUpdateExclusiveLock);

        TupleDesc desc;
        if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
            elog(ERROR, "return type must be a row type");
        Datum values[3] = {Int32GetDatum(static_cast<int32>(r.groups_before)),
                           Int32GetDatum(static_cast<int32>(r.groups_after)),
                           Int64GetDatum(static_cast<int64>(r.pages_freed))};
        bool nulls[3] = {};
        PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
    });
}
}
