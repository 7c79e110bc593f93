// shape.cpp — the per-backend cache of an ixlearn index (rd_amcache): the
// key columns' types and order and the format version, fixed at CREATE
// INDEX, and the slot where model.cpp keeps the model.  The relcache frees it whenever the index is
// rebuilt, so it never outlives the pages it describes.
#include "ixlearn/ixlearn.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/tupdesc.h"
#include "catalog/index.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

KeyType key_type_of(Oid typid, Relation index, int attno) {
    switch (typid) {
        case INT2OID: return KeyType::Int2;
        case INT4OID: return KeyType::Int4;
        case INT8OID: return KeyType::Int8;
        case FLOAT4OID: return KeyType::Float4;
        case FLOAT8OID: return KeyType::Float8;
        case DATEOID: return KeyType::Date;
        case TIMESTAMPOID: return KeyType::Timestamp;
        case TIMESTAMPTZOID: return KeyType::TimestampTz;
        case UUIDOID: return KeyType::Uuid;
        default: break;
    }
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("ixlearn cannot index column %d of \"%s\": type %s is not supported", attno,
                           RelationGetRelationName(index), format_type_be(typid)),
                    errhint("ixlearn key columns may be int2, int4, int8, float4, float8, date, timestamp, "
                            "timestamptz or uuid; other types can be INCLUDE columns.")));
}

IndexCache* index_cache(Relation index) {
    if (index->rd_amcache != nullptr)
        return static_cast<IndexCache*>(index->rd_amcache);
    const int nkeys = IndexRelationGetNumberOfKeyAttributes(index);
    const int natts = IndexRelationGetNumberOfAttributes(index);
    IndexCache* c = static_cast<IndexCache*>(MemoryContextAllocZero(index->rd_indexcxt, sizeof(IndexCache)));
    Shape& s = c->shape;
    s.leaf.nkeys = static_cast<uint16>(nkeys);
    s.leaf.has_include = natts > nkeys;
    s.natts = static_cast<uint16>(natts);
    for (int i = 0; i < nkeys; ++i) {
        KeyColumn& col = s.cols[i];
        col.typid = index->rd_opcintype[i];
        col.type = key_type_of(col.typid, index, i + 1);
        col.desc = (index->rd_indoption[i] & INDOPTION_DESC) != 0;
        col.nulls_first = (index->rd_indoption[i] & INDOPTION_NULLS_FIRST) != 0;
    }
    s.wide = s.cols[0].type == KeyType::Uuid;
    // The lane layout: the metapage's format version, or this build's for
    // an index being built (no blocks yet).  Only REINDEX changes it, and
    // that gives the index a new relfilenode, which frees this cache.
    c->nblocks = RelationGetNumberOfBlocks(index);
    s.leaf.format = lane_format_of(c->nblocks == 0 ? kFormatVersion : read_meta(index).format_version);
    if (natts > nkeys) {
        MemoryContext old = MemoryContextSwitchTo(index->rd_indexcxt);
        c->include_desc = CreateTemplateTupleDesc(natts - nkeys);
        for (int i = nkeys; i < natts; ++i)
            TupleDescCopyEntry(c->include_desc, static_cast<AttrNumber>(i - nkeys + 1), RelationGetDescr(index),
                               static_cast<AttrNumber>(i + 1));
        MemoryContextSwitchTo(old);
    }
    index->rd_amcache = c;
    return c;
}

const Shape& index_shape(Relation index) { return index_cache(index)->shape; }

bool block_in_index(Relation index, BlockNumber blkno) {
    if (blkno == ixpg::kMetaBlock || blkno == InvalidBlockNumber) return false;
    IndexCache* c = index_cache(index);
    if (blkno < c->nblocks) return true;
    c->nblocks = RelationGetNumberOfBlocks(index);
    return blkno < c->nblocks;
}

}  // namespace ixlearn
