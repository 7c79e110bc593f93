// build.cpp — ambuild and ambuildempty.  The heap's rows become entries,
// sorted into index order (build_sort.cpp); the sorted entries fill leaves
// to the fillfactor,
// left to right in consecutive blocks; the leaves' low bounds become the
// directory and its model.  Pages are written without WAL and logged once
// at the end (pg/index_build.hpp); an unlogged index's init fork (a
// metapage, one empty leaf and its model) is written by the same path.
#include "ixlearn/ixlearn.hpp"
#include "pg/index_build.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/tableam.h"
#include "catalog/index.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

namespace {

// ---- the leaf writer ------------------------------------------------------------------

struct Writer {
    Relation index;
    ForkNumber fork;
    const Shape* shape;
    std::size_t target;     // bytes a built leaf may fill
    uint64* words;          // pending entries, kMaxLeafEntries + 1
    uint32 n;
    uint8* include;         // their INCLUDE bytes
    uint32 include_used, include_cap;
    // How many entries a leaf takes is found by measuring coded sizes
    // (leaf_size codes the entries, so each measure costs a pass over them):
    uint32 next_check;      // measure at this many pending entries
    uint32 fits;            // entries known to fit (0: none measured)
    std::size_t fits_size;  // ... their coded size
    double slope;           // bytes an entry adds, from the last two measures (0: unknown)
    lc::Bound low;          // of the next leaf
    BlockNumber prev;       // the last leaf written
    lc::DirEntry* dir;
    uint32 ndir, dir_cap;
    uint64 entries;
};

Buffer new_block(Writer* w) {
    Buffer buf = ReadBufferExtended(w->index, w->fork, P_NEW, RBM_NORMAL, nullptr);
    LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
    return buf;
}

void write_leaf(Writer* w, uint32 m, bool last) {
    const lc::LeafShape& ls = w->shape->leaf;
    lc::Bound high;
    if (last) {
        std::memset(&high, 0, sizeof high);
        high.kind = lc::BoundKind::PlusInf;
    } else {
        high = lc::bound_between(ls, w->words + static_cast<std::size_t>(m - 1) * ls.stride(),
                                 w->words + static_cast<std::size_t>(m) * ls.stride());
    }
    Buffer buf = new_block(w);
    const BlockNumber blkno = BufferGetBlockNumber(buf);
    Page page = BufferGetPage(buf);
    ixpg::init_page(page, kPages, kPageLeaf);
    page_opaque(page)->left = w->prev;
    page_opaque(page)->next = last ? InvalidBlockNumber : blkno + 1;
    if (!encode_leaf(*w->shape, w->words, m, w->include, w->low, high, page))
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("an entry of index \"%s\" does not fit in a leaf", RelationGetRelationName(w->index)),
                        errhint("INCLUDE columns of an ixlearn entry are limited to about %zu bytes.",
                                kLeafCapacity / 2)));
    MarkBufferDirty(buf);
    UnlockReleaseBuffer(buf);

    if (w->ndir == w->dir_cap) {
        w->dir_cap *= 2;
        w->dir = static_cast<lc::DirEntry*>(repalloc_huge(w->dir, sizeof(lc::DirEntry) * w->dir_cap));
    }
    w->dir[w->ndir++] = lc::DirEntry{lc::bound_first_column(w->low), w->low.kind != lc::BoundKind::Full, blkno};
    w->prev = blkno;
    w->entries += m;
    w->low = high;

    // Keep the entries after the m written ones (their INCLUDE bytes move down too).
    const uint32 stride = ls.stride();
    const uint32 rest = w->n - m;
    uint64 inc_start = rest > 0 ? w->words[static_cast<std::size_t>(m) * stride + ls.w_include_start()] : w->include_used;
    std::memmove(w->words, w->words + static_cast<std::size_t>(m) * stride, sizeof(uint64) * stride * rest);
    std::memmove(w->include, w->include + inc_start, w->include_used - inc_start);
    w->include_used -= static_cast<uint32>(inc_start);
    for (uint32 i = 0; i < rest; ++i) w->words[static_cast<std::size_t>(i) * stride + ls.w_include_start()] -= inc_start;
    w->n = rest;
    w->fits = 0;
    w->fits_size = 0;
    // The next leaf probably takes about as many.
    w->next_check = m;
}

// The most entries, of the n pending, that fit in `target` bytes (at
// least 1): lo entries fit (lo_size bytes; lo 0: none measured), hi do not
// (hi_size bytes, or 0 when hi is over the count limit, not measured).
// The size grows about linearly with the count, so the first guess is
// interpolated between the two; every third guess halves the interval,
// which bounds the measures when the size grows in steps.
uint32 most_that_fit(Writer* w, uint32 lo, std::size_t lo_size, uint32 hi, std::size_t hi_size) {
    if (lo == 0) {
        lo = 1;
        lo_size = leaf_size(*w->shape, w->words, 1);
    }
    for (uint32 guess = 0; hi - lo > 1; ++guess) {
        uint32 mid = lo + (hi - lo) / 2;
        if (hi_size > lo_size && guess % 3 != 2 && w->target >= lo_size) {
            const double step = static_cast<double>(w->target - lo_size) * (hi - lo) / (hi_size - lo_size);
            mid = lo + static_cast<uint32>(step < hi - lo ? step : hi - lo);
            mid = mid <= lo ? lo + 1 : mid >= hi ? hi - 1 : mid;
        }
        const std::size_t size = leaf_size(*w->shape, w->words, mid);
        if (size <= w->target) {
            lo = mid;
            lo_size = size;
        } else {
            hi = mid;
            hi_size = size;
        }
    }
    return lo;
}

// Measure the n pending entries; if they fit, choose the next count to
// measure at (where the size should reach the target); if not, write the
// most that fit as a leaf.
void measure_pending(Writer* w) {
    const uint32 n = w->n;
    if (n > lc::kMaxLeafEntries) {
        write_leaf(w, most_that_fit(w, w->fits, w->fits_size, n, 0), false);
        return;
    }
    const std::size_t size = leaf_size(*w->shape, w->words, n);
    if (size > w->target) {
        write_leaf(w, most_that_fit(w, w->fits, w->fits_size, n, size), false);
        return;
    }
    if (w->fits > 0 && n > w->fits && size > w->fits_size)
        w->slope = static_cast<double>(size - w->fits_size) / (n - w->fits);
    w->fits = n;
    w->fits_size = size;
    const double more = w->slope > 0 ? (w->target - size) / w->slope
                                     : static_cast<double>(n) * (w->target - size) / size;
    const double next = n + (more < 1 ? 1 : more);
    w->next_check = next > lc::kMaxLeafEntries ? lc::kMaxLeafEntries + 1 : static_cast<uint32>(next);
}

void writer_add(Writer* w, const uint64* words, const uint8* include, uint32 include_len) {
    const lc::LeafShape& ls = w->shape->leaf;
    uint64* e = w->words + static_cast<std::size_t>(w->n) * ls.stride();
    std::memcpy(e, words, sizeof(uint64) * ls.stride());
    if (w->include_used + include_len > w->include_cap) {
        w->include_cap = (w->include_used + include_len) * 2;
        w->include = static_cast<uint8*>(repalloc(w->include, w->include_cap));
    }
    if (include_len > 0) std::memcpy(w->include + w->include_used, include, include_len);
    e[ls.w_include_start()] = w->include_used;
    e[ls.w_include_len()] = include_len;
    w->include_used += include_len;
    ++w->n;
    if (w->n >= w->next_check || w->n > lc::kMaxLeafEntries) measure_pending(w);
}

void writer_init(Writer* w, Relation index, ForkNumber fork) {
    std::memset(w, 0, sizeof *w);
    w->index = index;
    w->fork = fork;
    w->shape = &index_shape(index);
    w->target = kLeafCapacity * static_cast<std::size_t>(option_fillfactor(index)) / 100;
    w->words = static_cast<uint64*>(
        palloc_extended(sizeof(uint64) * w->shape->leaf.stride() * (lc::kMaxLeafEntries + 2), MCXT_ALLOC_HUGE));
    w->include_cap = 1024;
    w->include = static_cast<uint8*>(palloc(w->include_cap));
    w->next_check = 64;
    w->low.kind = lc::BoundKind::MinusInf;
    w->prev = InvalidBlockNumber;
    w->dir_cap = 256;
    w->dir = static_cast<lc::DirEntry*>(palloc(sizeof(lc::DirEntry) * w->dir_cap));
    // Block 0: the metapage, filled in by writer_finish.
    Buffer meta = new_block(w);
    Assert(BufferGetBlockNumber(meta) == ixpg::kMetaBlock);
    UnlockReleaseBuffer(meta);
}

void writer_finish(Writer* w) {
    // The last leaf (the only one, empty, for an empty table); split it
    // first if the pending entries do not fit in one.
    // (A single entry goes in the last leaf whatever the fillfactor.)
    for (;;) {
        if (w->n <= 1) break;
        if (w->n > lc::kMaxLeafEntries) {
            write_leaf(w, most_that_fit(w, w->fits, w->fits_size, w->n, 0), false);
            continue;
        }
        const std::size_t size = leaf_size(*w->shape, w->words, w->n);
        if (size <= w->target) break;
        write_leaf(w, most_that_fit(w, w->fits, w->fits_size, w->n, size), false);
    }
    const uint32 last_n = w->n;
    write_leaf(w, last_n, true);

    // The model pages, consecutive after the leaves.
    const std::size_t cap = lc::directory_max_bytes(w->ndir);
    uint8* bytes = static_cast<uint8*>(palloc_extended(cap, MCXT_ALLOC_HUGE));
    const uint32 epsilon = static_cast<uint32>(option_epsilon(w->index));
    const std::size_t len = lc::directory_encode(w->dir, w->ndir, epsilon, w->shape->wide, w->shape->leaf.format, bytes);
    const uint32 npages = static_cast<uint32>((len + kModelSliceBytes - 1) / kModelSliceBytes);
    BlockNumber head = InvalidBlockNumber;
    for (uint32 i = 0; i < npages; ++i) {
        Buffer buf = new_block(w);
        Page page = BufferGetPage(buf);
        if (i == 0) head = BufferGetBlockNumber(buf);
        ixpg::init_page(page, kPages, kPageModel);
        page_opaque(page)->next = i + 1 < npages ? BufferGetBlockNumber(buf) + 1 : InvalidBlockNumber;
        const std::size_t off = static_cast<std::size_t>(i) * kModelSliceBytes;
        const std::size_t slice = len - off < kModelSliceBytes ? len - off : kModelSliceBytes;
        const ModelPageHeader h{1, i};
        std::memcpy(ixpg::page_body(page), &h, sizeof h);
        std::memcpy(ixpg::page_body(page) + sizeof h, bytes + off, slice);
        ixpg::set_page_body_used(page, sizeof h + slice);
        MarkBufferDirty(buf);
        UnlockReleaseBuffer(buf);
    }

    Buffer meta_buf = ReadBufferExtended(w->index, w->fork, ixpg::kMetaBlock, RBM_NORMAL, nullptr);
    LockBuffer(meta_buf, BUFFER_LOCK_EXCLUSIVE);
    Page page = BufferGetPage(meta_buf);
    ixpg::init_page(page, kPages, kPageMeta);
    IxlMeta* m = page_meta(page);
    std::memset(m, 0, sizeof *m);
    m->magic = kMagic;
    m->format_version = w->shape->leaf.format == lc::LaneFormat::V1 ? 1 : kFormatVersion;
    m->nkeys = w->shape->leaf.nkeys;
    m->natts = w->shape->natts;
    m->model_version = 1;
    m->model_head = head;
    m->model_pages = npages;
    m->model_bytes = static_cast<uint32>(len);
    m->leftmost = w->dir[0].block;
    m->epsilon = epsilon;
    m->leaves_at_model = w->ndir;
    m->splits_since_model = 0;
    m->entries = w->entries;
    ixpg::set_page_body_used(page, sizeof(IxlMeta));
    MarkBufferDirty(meta_buf);
    UnlockReleaseBuffer(meta_buf);
}

struct BuildState {
    Relation index;
    const Shape* shape;
    EntrySort* sort;
    uint64* words;
    double indtuples;
    ixpg::progress::TupleCounter progress;
    MemoryContext row_cxt;
};

void build_callback(Relation, ItemPointer tid, Datum* values, bool* isnull, bool, void* arg) {
    BuildState* bs = static_cast<BuildState*>(arg);
    MemoryContext old = MemoryContextSwitchTo(bs->row_cxt);
    uint8* include;
    uint32 include_len;
    entry_from_row(bs->index, *bs->shape, values, isnull, tid, bs->words, &include, &include_len);
    MemoryContextSwitchTo(old);
    entry_sort_put(bs->sort, bs->words, include, include_len);
    MemoryContextReset(bs->row_cxt);
    bs->indtuples += 1;
    bs->progress.add();
}

}  // namespace

IndexBuildResult* build(Relation heap, Relation index, IndexInfo* info) {
    return ixpg::sql_entry([&] {
        ixpg::check_fork_empty(index, MAIN_FORKNUM);
        if (info->ii_Unique)
            ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                            errmsg("ixlearn does not support unique indexes"),
                            errhint("Use a btree index to enforce uniqueness (docs/ixlearn.md).")));
        BuildState* bs = static_cast<BuildState*>(palloc0(sizeof(BuildState)));
        bs->index = index;
        bs->shape = &index_shape(index);
        bs->words = static_cast<uint64*>(palloc(sizeof(uint64) * bs->shape->leaf.stride()));
        bs->row_cxt = AllocSetContextCreate(CurrentMemoryContext, "ixlearn build row", ALLOCSET_DEFAULT_SIZES);
        bs->sort = entry_sort_begin(*bs->shape);
        ixpg::progress::set_phase(kPhaseLoad);
        const double reltuples = table_index_build_scan(heap, index, info, true, true, build_callback, bs, nullptr);
        entry_sort_perform(bs->sort);

        ixpg::progress::set_phase(kPhaseWrite);
        Writer* w = static_cast<Writer*>(palloc(sizeof(Writer)));
        writer_init(w, index, MAIN_FORKNUM);
        const uint8* include;
        uint32 include_len;
        while (entry_sort_next(bs->sort, bs->words, &include, &include_len)) {
            CHECK_FOR_INTERRUPTS();
            writer_add(w, bs->words, include, include_len);
        }
        writer_finish(w);
        entry_sort_end(bs->sort);
        ixpg::log_built_pages(index, MAIN_FORKNUM);

        IndexBuildResult* result = static_cast<IndexBuildResult*>(palloc(sizeof(IndexBuildResult)));
        result->heap_tuples = reltuples;
        result->index_tuples = bs->indtuples;
        MemoryContextDelete(bs->row_cxt);
        return result;
    });
}

void build_empty(Relation index) {
    ixpg::sql_entry([&] {
        ixpg::check_fork_empty(index, INIT_FORKNUM);
        Writer* w = static_cast<Writer*>(palloc(sizeof(Writer)));
        writer_init(w, index, INIT_FORKNUM);
        writer_finish(w);
        ixpg::log_built_pages(index, INIT_FORKNUM);
    });
}

}  // namespace ixlearn
