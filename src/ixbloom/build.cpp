// build.cpp — ambuild and ambuildempty.
//
// CREATE INDEX hashes every heap row into the bit slices of the group being
// collected (core's SliceCollector keeps each group's rows in TID order, so
// its TID pages get runs or per-block bitmaps) and writes each full group on
// new pages.  Pages are written without WAL and logged once at the end
// (pg/index_build.hpp); an unlogged index's init fork, just a metapage, is
// written by the same path.
#include "ixbloom/ixbloom.hpp"
#include "pg/index_build.hpp"
#include "pg/page_alloc.hpp"
#include "core/bloom/slice_collector.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/htup_details.h"
#include "access/tableam.h"
#include "catalog/index.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

struct BuildState {
    IxbState state;
    Relation index;
    bl::SliceCollector collector;
    uint16* row_bits;     // the bit positions of one row
    IxbGroup* groups;
    uint32 ngroups;
    uint32 max_groups;
    double indtuples;
    ixpg::progress::TupleCounter progress;
    MemoryContext tmp;    // reset per row: hash functions may allocate
};

// Write the rows collected so far as a group.
void add_group(BuildState* bs) {
    const bl::SliceCollector& c = bs->collector;
    if (bs->ngroups == bs->max_groups) {
        bs->max_groups *= 2;
        bs->groups = static_cast<IxbGroup*>(repalloc(bs->groups, sizeof(IxbGroup) * bs->max_groups));
    }
    bs->groups[bs->ngroups++] =
        write_group_slices(bs->index, bs->state.shape.bits, c.slices(), c.stride(), c.tids(), c.rows(), false);
}

void write_full_groups(BuildState* bs) {
    while (bs->collector.full()) {
        add_group(bs);
        bs->collector.next_group();
    }
}

// Called by the table AM for each heap tuple.  Plain C-style code: no C++
// object with a destructor lives here, so an ERROR may longjmp through it.
void build_callback(Relation, ItemPointer tid, Datum* values, bool* isnull, bool, void* arg) {
    BuildState* bs = static_cast<BuildState*>(arg);
    bl::Tid t;
    std::memcpy(&t, tid, sizeof t);
    MemoryContext old = MemoryContextSwitchTo(bs->tmp);
    uint32 nbits = 0;
    for_each_row_bit(&bs->state, values, isnull, [bs, &nbits](int bit) { bs->row_bits[nbits++] = static_cast<uint16>(bit); });
    MemoryContextSwitchTo(old);
    MemoryContextReset(bs->tmp);
    bs->collector.add_row(t, bs->row_bits, nbits);
    write_full_groups(bs);
    bs->indtuples += 1;
    bs->progress.add();
}

// After the heap scan: the rows still collected make the last group.
void write_last_groups(BuildState* bs) {
    bs->collector.finish();
    write_full_groups(bs);
    if (bs->collector.rows() > 0)
        add_group(bs);
}

// The directory chain and the final metapage.
void write_directory_and_meta(BuildState* bs) {
    ixpg::progress::set_phase(kPhaseWrite);
    Relation index = bs->index;

    const uint32 ndir = (bs->ngroups + kGroupsPerDirPage - 1) / kGroupsPerDirPage;
    const BlockNumber first_dir = ndir > 0 ? ixpg::extend_contiguous(index, ndir) : InvalidBlockNumber;
    for (uint32 d = 0; d < ndir; ++d) {
        Buffer buf = ReadBuffer(index, first_dir + d);
        LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
        Page page = BufferGetPage(buf);
        ixpg::init_page(page, kPages, kPageDirectory);
        const uint32 from = d * kGroupsPerDirPage;
        uint32 count = bs->ngroups - from;
        if (count > kGroupsPerDirPage)
            count = kGroupsPerDirPage;
        std::memcpy(ixpg::page_body(page), bs->groups + from, count * sizeof(IxbGroup));
        ixpg::set_page_body_used(page, count * sizeof(IxbGroup));
        page_opaque(page)->next = d + 1 < ndir ? first_dir + d + 1 : InvalidBlockNumber;
        MarkBufferDirty(buf);
        UnlockReleaseBuffer(buf);
    }

    const bl::GroupTotals totals = group_totals(bs->groups, bs->ngroups, bs->state.shape.bits);
    Buffer meta_buf = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
    IxbMeta* m = page_meta(BufferGetPage(meta_buf));
    m->ngroups = bs->ngroups;
    m->dir_head = first_dir;
    m->dir_tail = ndir > 0 ? first_dir + ndir - 1 : InvalidBlockNumber;
    for (uint32 i = 0; i < bs->ngroups; ++i)
        m->grouped_rows += bs->groups[i].nrows;
    m->totals = totals;
    MarkBufferDirty(meta_buf);
    UnlockReleaseBuffer(meta_buf);
}

// The metapage of a new index, block 0 of `fork`.
void write_new_meta(Relation index, ForkNumber fork, const bl::SignatureShape& shape, uint32 sized_from) {
    Buffer meta_buf = ReadBufferExtended(index, fork, P_NEW, RBM_NORMAL, nullptr);
    LockBuffer(meta_buf, BUFFER_LOCK_EXCLUSIVE);
    init_meta_page(BufferGetPage(meta_buf), shape,
                   shape_options(reinterpret_cast<const IxbOptions*>(index->rd_options)), sized_from);
    MarkBufferDirty(meta_buf);
    UnlockReleaseBuffer(meta_buf);
}

}  // namespace

IndexBuildResult* build(Relation heap, Relation index, IndexInfo* info) {
    return ixpg::sql_entry([&] {
        ixpg::check_fork_empty(index, MAIN_FORKNUM);
        BuildState* bs = static_cast<BuildState*>(palloc0(sizeof(BuildState)));
        init_state_from_options(&bs->state, index);
        uint32 sized_from = kSizedByOptions;
        if (!bl::options_given(shape_options(reinterpret_cast<const IxbOptions*>(index->rd_options))))
            sized_from = size_from_data(&bs->state, heap, index, info);
        bs->index = index;
        const uint32 capacity = bl::max_group_capacity(kPageBytes);
        const int sig_bits = bs->state.shape.bits;
        bs->collector.init(capacity, sig_bits, MaxHeapTuplesPerPage,
                           palloc_extended(bl::SliceCollector::memory_bytes(capacity, sig_bits, MaxHeapTuplesPerPage),
                                           MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO));
        int row_bits = 0;
        for (int i = 0; i < bs->state.shape.ncols; ++i)
            row_bits += bs->state.shape.col_bits[i];
        bs->row_bits = static_cast<uint16*>(palloc(sizeof(uint16) * row_bits));
        bs->max_groups = 16;
        bs->groups = static_cast<IxbGroup*>(palloc(sizeof(IxbGroup) * bs->max_groups));
        bs->tmp = AllocSetContextCreate(CurrentMemoryContext, "ixbloom build row", ALLOCSET_DEFAULT_SIZES);

        write_new_meta(index, MAIN_FORKNUM, bs->state.shape, sized_from);  // block 0
        ixpg::progress::set_phase(kPhaseScan);
        const double reltuples = table_index_build_scan(heap, index, info, true, true, build_callback, bs, nullptr);
        write_last_groups(bs);
        write_directory_and_meta(bs);
        ixpg::log_built_pages(index, MAIN_FORKNUM);

        IndexBuildResult* result = static_cast<IndexBuildResult*>(palloc(sizeof(IndexBuildResult)));
        result->heap_tuples = reltuples;
        result->index_tuples = bs->indtuples;
        MemoryContextDelete(bs->tmp);
        return result;
    });
}

void build_empty(Relation index) {
    ixpg::sql_entry([&] {
        // The init fork of an unlogged index: its metapage, through shared
        // buffers like any build, then logged (crash recovery restores the
        // main fork from it).
        ixpg::check_fork_empty(index, INIT_FORKNUM);
        // (An empty index: with no options, contrib's defaults until the
        // main fork is built or rebuilt from data.)
        IxbState state;
        init_state_from_options(&state, index);
        write_new_meta(index, INIT_FORKNUM, state.shape, kSizedByOptions);
        ixpg::log_built_pages(index, INIT_FORKNUM);
    });
}

}  // namespace ixbloom
