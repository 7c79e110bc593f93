// build.cpp — ambuild and ambuildempty.
//
// CREATE INDEX hashes every heap row straight into the bit slices of the
// group being collected, as long as the line pointers of the current heap
// block ascend.  The table AM reports a HOT chain's live version under its
// root line pointer when it reaches the version, so within a block they can
// go backwards; such a block's rows are taken back out of the slices,
// collected, sorted and added again.  Blocks arrive in order, so a group's
// TIDs end up sorted and its TID pages get runs or per-block bitmaps.  Each
// full group is written on new pages.  Pages are written without WAL and logged once at the end with
// log_newpage_range (as pgvector does): far less WAL than a record per page.
#include "ixbloom/ixbloom.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/htup_details.h"
#include "access/tableam.h"
#include "access/xloginsert.h"
#include "catalog/index.h"
#include "commands/progress.h"
#include "storage/smgr.h"
#include "utils/memutils.h"
#include "utils/backend_progress.h"
IXPG_END_C_HEADERS

#include <algorithm>
#include <cstring>

namespace ixbloom {

namespace {

struct BuildState {
    IxbState state;
    Relation index;
    uint32 capacity;
    uint32 rows;          // rows in the group being collected
    uint8* slices;        // sig_bits slices of capacity / 8 bytes
    bl::Tid* tids;
    // The heap block being read: its rows from position segment on are in
    // the slices, in line-pointer order so far (last_offset is the latest).
    BlockNumber block;
    uint32 segment;
    uint16 last_offset;
    // A block whose line pointers came out of order is collected here
    // instead, and sorted when the block ends.
    uint32 pending;       // rows collected; 0 = rows go straight to the slices
    bool collecting;
    bl::Tid pending_tids[MaxHeapTuplesPerPage];
    uint16* pending_sigs;  // row-major, shape.words() words per row
    uint16* sorted_sigs;
    IxbGroup* groups;
    uint32 ngroups;
    uint32 max_groups;
    double indtuples;
    MemoryContext tmp;    // reset per row: hash functions may allocate
};

std::size_t stride_of(const BuildState* bs) { return bs->capacity / 8; }

void flush_group(BuildState* bs) {
    if (bs->rows == 0)
        return;
    if (bs->ngroups == bs->max_groups) {
        bs->max_groups *= 2;
        bs->groups = static_cast<IxbGroup*>(repalloc(bs->groups, sizeof(IxbGroup) * bs->max_groups));
    }
    bs->groups[bs->ngroups++] = write_group_slices(bs->index, bs->state.shape.bits, bs->slices, stride_of(bs),
                                                   bs->tids, bs->rows, false);
    bs->rows = 0;
    bs->segment = 0;
    std::memset(bs->slices, 0, static_cast<std::size_t>(bs->state.shape.bits) * stride_of(bs));
}

// The current block's line pointers went backwards: take its rows back out
// of the slices (clearing their bits) into the collection, to be sorted.
void start_collecting(BuildState* bs) {
    const std::size_t words = static_cast<std::size_t>(bs->state.shape.words());
    const std::size_t stride = stride_of(bs);
    const uint32 n = bs->rows - bs->segment;
    for (uint32 i = 0; i < n; ++i) {
        const uint32 pos = bs->segment + i;
        uint16* sig = bs->pending_sigs + i * words;
        const uint8 mask = static_cast<uint8>(1u << (pos % 8));
        for (int b = 0; b < bs->state.shape.bits; ++b) {
            uint8* byte = bs->slices + static_cast<std::size_t>(b) * stride + pos / 8;
            if (*byte & mask) {
                sig[b / 16] = static_cast<uint16>(sig[b / 16] | (1u << (b % 16)));
                *byte = static_cast<uint8>(*byte & ~mask);
            }
        }
        bs->pending_tids[i] = bs->tids[pos];
    }
    bs->pending = n;
    bs->rows = bs->segment;
    bs->collecting = true;
}

// Sort the collected rows of the block by line pointer and add them to the
// group.
void drain_collection(BuildState* bs) {
    const std::size_t words = static_cast<std::size_t>(bs->state.shape.words());
    const bl::Tid* t = bs->pending_tids;
    uint16 order[MaxHeapTuplesPerPage];
    for (uint32 i = 0; i < bs->pending; ++i)
        order[i] = static_cast<uint16>(i);
    std::sort(order, order + bs->pending, [t](uint16 a, uint16 b) { return t[a].offset < t[b].offset; });
    for (uint32 i = 0; i < bs->pending; ++i)
        std::memcpy(bs->sorted_sigs + i * words, bs->pending_sigs + order[i] * words, sizeof(uint16) * words);
    for (uint32 done = 0; done < bs->pending;) {
        uint32 n = bs->pending - done;
        if (n > bs->capacity - bs->rows)
            n = bs->capacity - bs->rows;
        bl::add_rows_to_slices(bs->sorted_sigs + done * words, bs->state.shape.bits, bs->rows, n, bs->slices,
                               stride_of(bs));
        for (uint32 i = 0; i < n; ++i)
            bs->tids[bs->rows + i] = t[order[done + i]];
        bs->rows += n;
        done += n;
        if (bs->rows == bs->capacity)
            flush_group(bs);
    }
    bs->last_offset = bs->pending > 0 ? t[order[bs->pending - 1]].offset : 0;
    std::memset(bs->pending_sigs, 0, sizeof(uint16) * words * bs->pending);
    bs->pending = 0;
    bs->collecting = false;
    bs->segment = bs->rows;
}

// Called by the table AM for each heap tuple.  Plain C-style code: no C++
// object lives here, so an ERROR may longjmp through it.
void build_callback(Relation, ItemPointer tid, Datum* values, bool* isnull, bool, void* arg) {
    BuildState* bs = static_cast<BuildState*>(arg);
    bl::Tid t;
    std::memcpy(&t, tid, sizeof t);
    if (t.block() != bs->block) {
        if (bs->collecting)
            drain_collection(bs);
        bs->block = t.block();
        bs->segment = bs->rows;
        bs->last_offset = 0;
    } else if (!bs->collecting && t.offset <= bs->last_offset) {
        // (A heap block's in-order run has at most MaxHeapTuplesPerPage rows;
        // a table AM with more per block just keeps them unsorted.)
        if (bs->rows - bs->segment < MaxHeapTuplesPerPage)
            start_collecting(bs);
        else
            bs->segment = bs->rows;
    }
    if (bs->collecting && bs->pending == MaxHeapTuplesPerPage)
        drain_collection(bs);  // (only a table AM with bigger pages gets here)

    MemoryContext old = MemoryContextSwitchTo(bs->tmp);
    if (bs->collecting) {
        row_signature(&bs->state, values, isnull,
                      bs->pending_sigs + bs->pending * static_cast<std::size_t>(bs->state.shape.words()));
        bs->pending_tids[bs->pending++] = t;
    } else {
        // In order: straight into the slices.
        uint8* const row_byte = bs->slices + bs->rows / 8;
        const std::size_t stride = stride_of(bs);
        const uint8 mask = static_cast<uint8>(1u << (bs->rows % 8));
        for_each_row_bit(&bs->state, values, isnull, [&](int bit) { row_byte[bit * stride] |= mask; });
        bs->tids[bs->rows++] = t;
        bs->last_offset = t.offset;
    }
    MemoryContextSwitchTo(old);
    MemoryContextReset(bs->tmp);
    if (!bs->collecting && bs->rows == bs->capacity)
        flush_group(bs);
    bs->indtuples += 1;
    if (static_cast<int64>(bs->indtuples) % 10000 == 0)
        pgstat_progress_update_param(PROGRESS_CREATEIDX_TUPLES_DONE, static_cast<int64>(bs->indtuples));
}

void fill_meta(Page page, const bl::SignatureShape& shape) {
    init_page(page, kPageMeta);
    IxbMeta* m = page_meta(page);
    std::memset(m, 0, sizeof(IxbMeta));
    m->magic = kMagic;
    m->format_version = kFormatVersion;
    m->sig_bits = static_cast<uint16>(shape.bits);
    m->ncols = static_cast<uint16>(shape.ncols);
    for (int i = 0; i < shape.ncols; ++i)
        m->col_bits[i] = static_cast<uint16>(shape.col_bits[i]);
    m->dir_head = m->dir_tail = InvalidBlockNumber;
    m->buf_head = m->buf_tail = InvalidBlockNumber;
    reinterpret_cast<PageHeader>(page)->pd_lower = static_cast<LocationIndex>(MAXALIGN(SizeOfPageHeaderData) + sizeof(IxbMeta));
}

// Write the directory chain for the built groups and the final metapage.
void write_directory_and_meta(Relation index, const BuildState& bs) {
    pgstat_progress_update_param(PROGRESS_CREATEIDX_SUBPHASE, kPhaseWrite);
    const uint32 ndir = (bs.ngroups + kGroupsPerDirPage - 1) / kGroupsPerDirPage;
    const BlockNumber first_dir = ndir > 0 ? extend_contiguous(index, ndir) : InvalidBlockNumber;
    for (uint32 d = 0; d < ndir; ++d) {
        Buffer buf = ReadBuffer(index, first_dir + d);
        LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
        Page page = BufferGetPage(buf);
        init_page(page, kPageDirectory);
        const uint32 from = d * kGroupsPerDirPage;
        uint32 count = bs.ngroups - from;
        if (count > kGroupsPerDirPage)
            count = kGroupsPerDirPage;
        std::memcpy(page_body(page), bs.groups + from, count * sizeof(IxbGroup));
        reinterpret_cast<PageHeader>(page)->pd_lower =
            static_cast<LocationIndex>(MAXALIGN(SizeOfPageHeaderData) + count * sizeof(IxbGroup));
        page_opaque(page)->next = d + 1 < ndir ? first_dir + d + 1 : InvalidBlockNumber;
        MarkBufferDirty(buf);
        UnlockReleaseBuffer(buf);
    }

    Buffer meta_buf = ReadBuffer(index, kMetaBlock);
    LockBuffer(meta_buf, BUFFER_LOCK_EXCLUSIVE);
    IxbMeta* m = page_meta(BufferGetPage(meta_buf));
    m->ngroups = bs.ngroups;
    m->dir_head = first_dir;
    m->dir_tail = ndir > 0 ? first_dir + ndir - 1 : InvalidBlockNumber;
    for (uint32 i = 0; i < bs.ngroups; ++i)
        m->grouped_rows += bs.groups[i].nrows;
    MarkBufferDirty(meta_buf);
    UnlockReleaseBuffer(meta_buf);
}

}  // namespace

IndexBuildResult* build(Relation heap, Relation index, IndexInfo* info) {
    return ixpg::sql_entry([&] {
        if (RelationGetNumberOfBlocks(index) != 0)
            elog(ERROR, "index \"%s\" already contains data", RelationGetRelationName(index));

        BuildState* bs = static_cast<BuildState*>(palloc0(sizeof(BuildState)));
        init_state_from_options(&bs->state, index);
        bs->index = index;
        bs->capacity = bl::max_group_capacity(kPageBytes);
        bs->slices = static_cast<uint8*>(palloc_extended(
            static_cast<std::size_t>(bs->state.shape.bits) * (bs->capacity / 8), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO));
        bs->tids = static_cast<bl::Tid*>(palloc(sizeof(bl::Tid) * bs->capacity));
        bs->pending_sigs = static_cast<uint16*>(
            palloc0(sizeof(uint16) * bs->state.shape.words() * static_cast<std::size_t>(MaxHeapTuplesPerPage)));
        bs->sorted_sigs = static_cast<uint16*>(
            palloc(sizeof(uint16) * bs->state.shape.words() * static_cast<std::size_t>(MaxHeapTuplesPerPage)));
        bs->max_groups = 16;
        bs->groups = static_cast<IxbGroup*>(palloc(sizeof(IxbGroup) * bs->max_groups));
        bs->tmp = AllocSetContextCreate(CurrentMemoryContext, "ixbloom build row", ALLOCSET_DEFAULT_SIZES);

        // The metapage first, so that it is block 0.
        Buffer meta_buf = ReadBufferExtended(index, MAIN_FORKNUM, P_NEW, RBM_NORMAL, nullptr);
        LockBuffer(meta_buf, BUFFER_LOCK_EXCLUSIVE);
        fill_meta(BufferGetPage(meta_buf), bs->state.shape);
        MarkBufferDirty(meta_buf);
        UnlockReleaseBuffer(meta_buf);

        pgstat_progress_update_param(PROGRESS_CREATEIDX_SUBPHASE, kPhaseScan);
        bs->block = InvalidBlockNumber;
        const double reltuples = table_index_build_scan(heap, index, info, true, true, build_callback, bs, nullptr);
        if (bs->collecting)
            drain_collection(bs);
        flush_group(bs);
        write_directory_and_meta(index, *bs);

        if (RelationNeedsWAL(index))
            log_newpage_range(index, MAIN_FORKNUM, 0, RelationGetNumberOfBlocks(index), true);

        IndexBuildResult* result = static_cast<IndexBuildResult*>(palloc(sizeof(IndexBuildResult)));
        result->heap_tuples = reltuples;
        result->index_tuples = bs->indtuples;
        MemoryContextDelete(bs->tmp);
        return result;
    });
}

void build_empty(Relation index) {
    ixpg::sql_entry([&] {
        // The init fork of an unlogged index: just the metapage, written and
        // logged directly (the buffer manager does not handle init forks).
        IxbState state;
        init_state_from_options(&state, index);
        Page page = static_cast<Page>(palloc0(BLCKSZ));
        fill_meta(page, state.shape);
        PageSetChecksumInplace(page, kMetaBlock);
        smgrwrite(RelationGetSmgr(index), INIT_FORKNUM, kMetaBlock, page, true);
        log_newpage(&(RelationGetSmgr(index))->smgr_rnode.node, INIT_FORKNUM, kMetaBlock, page, true);
        smgrimmedsync(RelationGetSmgr(index), INIT_FORKNUM);
    });
}

}  // namespace ixbloom
