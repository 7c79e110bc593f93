// index_stats.cpp — ixstat.index_stats() and index_stats_sample(): walk an
// index's blocks with its method's census reader and form the row.
#include "ixstat/index_census.hpp"
#include "ixstat/ixstat.hpp"
#include "pg/page_access.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relation.h"
#include "catalog/pg_class_d.h"
#include "commands/defrem.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
IXPG_END_C_HEADERS

#include <cmath>
#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixstat {

void Census::add(const char* name, double delta, bool scales) {
    // Readers name their figures with string literals: the pointer matches
    // (this runs once per page on a btree's leaves), the text is the fallback.
    for (int i = 0; i < ndetail; ++i)
        if (detail[i].name == name) {
            detail[i].value += delta;
            return;
        }
    for (int i = 0; i < ndetail; ++i)
        if (std::strcmp(detail[i].name, name) == 0) {
            detail[i].value += delta;
            return;
        }
    if (ndetail < kMaxDetail)
        detail[ndetail++] = Item{name, delta, scales};
}

void count_leaf_bytes(Page page, Size free, Census& c) {
    const Size usable = reinterpret_cast<PageHeader>(page)->pd_special - SizeOfPageHeaderData;
    c.free_bytes += free;
    c.leaf_usable += usable;
    c.leaf_used += usable - free;
}

void count_item_page(Relation index, BlockNumber blkno, Page page, OffsetNumber first, std::size_t min_item_len,
                     bool leaf, Census& c) {
    ixcore::PageView::ItemTally tally;
    ixpg::tally_page_items(index, blkno, page, first, min_item_len, tally);
    if (leaf) {
        ++c.leaf;
        c.live += tally.live;
        c.dead += tally.dead;
        c.dead_bytes += tally.dead_len + tally.dead * sizeof(ItemIdData);
        count_leaf_bytes(page, PageGetFreeSpace(page), c);
    } else {
        ++c.internal;
        c.free_bytes += PageGetFreeSpace(page);
    }
}

namespace {

const CensusReader* reader_for(Relation index) {
    char* am = get_am_name(index->rd_rel->relam);
    const CensusReader* r = builtin_reader(am);
    if (r == nullptr)
        r = extension_reader(am);
    if (r == nullptr)
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg("index_stats does not support access method \"%s\" (index \"%s\")", am,
                        RelationGetRelationName(index)),
                 errhint("Supported: btree, hash, gin, gist, spgist, brin, bloom, ixbloom, ixbrin, ixlearn.")));
    return r;
}

void scale(uint64& v, double f) { v = static_cast<uint64>(std::llround(static_cast<double>(v) * f)); }

// Every block from the reader's first page, or `sample` evenly spaced ones
// (the first and the last included), then the counts scaled to the rest.
// Returns how many blocks a sample read, 0 when it read them all.
uint32 walk(Relation index, const CensusReader* r, const ReaderState& state, uint32 sample, Census& c) {
    const BlockNumber nblocks = ixpg::relation_blocks(index);
    c.total = nblocks;
    if (nblocks <= r->first_page)
        return 0;
    const BlockNumber span = nblocks - r->first_page;
    const BlockNumber n = sample == 0 || sample >= span ? span : sample;
    BufferAccessStrategy strategy = GetAccessStrategy(BAS_BULKREAD);
    const uint64 meta_pages = c.meta;
    ixpg::for_each_block(0, n, [&](BlockNumber i) {
        // n == span: every block; else i·(span-1)/(n-1), spread end to end.
        const BlockNumber blkno = r->first_page + (n == span || n == 1 ? i
                                  : static_cast<BlockNumber>(static_cast<uint64>(i) * (span - 1) / (n - 1)));
        Buffer buf = ReadBufferExtended(index, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        Page page = BufferGetPage(buf);
        if (PageIsNew(page)) {
            ++c.free;
            c.free_bytes += BLCKSZ;
        } else {
            r->page(index, blkno, page, c, state);
        }
        UnlockReleaseBuffer(buf);
    });
    FreeAccessStrategy(strategy);
    if (n == span)
        return 0;
    const double f = static_cast<double>(span) / n;
    for (uint64* v : {&c.internal, &c.leaf, &c.free, &c.other, &c.live, &c.dead, &c.free_bytes, &c.dead_bytes,
                      &c.leaf_used, &c.leaf_usable})
        scale(*v, f);
    for (int i = 0; i < c.ndetail; ++i)
        if (c.detail[i].scales)
            c.detail[i].value = std::round(c.detail[i].value * f);
    // Rounding may leave the classes a page off the total: give it to leaf.
    const uint64 classed = meta_pages + c.internal + c.leaf + c.free + c.other;
    if (classed != c.total)
        c.leaf = c.leaf + c.total > classed ? c.leaf + c.total - classed : 0;
    return n;
}

// The detail object: the method's figures, then dead_bytes and, for a
// sample, how many blocks it read.
Datum detail_jsonb(const Census& c, uint32 sampled) {
    StringInfoData s;
    initStringInfo(&s);
    appendStringInfoChar(&s, '{');
    for (int i = 0; i < c.ndetail; ++i) {
        const double v = c.detail[i].value;
        if (std::isfinite(v))
            appendStringInfo(&s, "\"%s\": %.17g, ", c.detail[i].name, v);
        else
            appendStringInfo(&s, "\"%s\": null, ", c.detail[i].name);
    }
    appendStringInfo(&s, "\"dead_bytes\": " UINT64_FORMAT, c.dead_bytes);
    if (sampled != 0)
        appendStringInfo(&s, ", \"sampled_pages\": %u", sampled);
    appendStringInfoChar(&s, '}');
    return DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data));
}

}  // namespace

Datum index_stats(Relation index, uint32 sample_pages, FunctionCallInfo fcinfo) {
    if (index->rd_rel->relkind != RELKIND_INDEX)
        ereport(ERROR,
                (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                 errmsg("relation \"%s\" is not an index", RelationGetRelationName(index)),
                 errhint(index->rd_rel->relkind == RELKIND_PARTITIONED_INDEX
                             ? "A partitioned index has no pages; ask for each partition's index."
                             : "index_stats reads indexes; pgstattuple reads tables.")));
    reject_other_temp(index, "indexes");
    reject_invalid_index(index);
    const CensusReader* r = reader_for(index);
    char* am = pstrdup(r->am_name);

    Census c;
    ReaderState state{};
    ixpg::pg_call([&] {
        if (r->meta != nullptr)
            r->meta(index, c, state);
    });
    const uint32 sampled = walk(index, r, state, sample_pages, c);
    relation_close(index, AccessShareLock);

    // pgstatindex's avg_leaf_density rule: two decimals, NaN without leaves.
    const double fill = c.leaf_usable == 0 ? std::nan("")
                        : std::round((100.0 - 100.0 * static_cast<double>(c.leaf_usable - c.leaf_used) /
                                                  static_cast<double>(c.leaf_usable)) * 100.0) / 100.0;
    Datum values[12] = {
        DirectFunctionCall1(namein, CStringGetDatum(am)),
        Int64GetDatum(static_cast<int64>(c.total)),
        Int64GetDatum(static_cast<int64>(c.meta)),
        Int64GetDatum(static_cast<int64>(c.internal)),
        Int64GetDatum(static_cast<int64>(c.leaf)),
        Int64GetDatum(static_cast<int64>(c.free)),
        Int64GetDatum(static_cast<int64>(c.other)),
        Int64GetDatum(static_cast<int64>(c.live)),
        Int64GetDatum(static_cast<int64>(c.dead)),
        Int64GetDatum(static_cast<int64>(c.free_bytes)),
        Float8GetDatum(fill),
        detail_jsonb(c, sampled),
    };
    return make_result(fcinfo, values, 12);
}

}  // namespace ixstat
