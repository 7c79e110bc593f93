// model.cpp — the learned model: loading the current version into the
// backend's cache, routing a key through it, and retraining it
// (docs/ixlearn-format.md, "Lookups" and "WAL ordering").
//
// A retrain walks the leaf chain, codes the new directory into new model
// pages (each logged as it is written), then switches the metapage in one
// record and only then frees the old version's pages.  A reader that is
// loading the old version when its pages are freed sees a page that is no
// longer a model page of that version, and starts again from the
// metapage; a reader that keeps using a cached older model stays correct,
// because leaves only split to the right and the chain is followed from
// whatever leaf the model names.
#include "ixlearn/ixlearn.hpp"
#include "pg/chain_walk.hpp"
#include "pg/generic_wal.hpp"
#include "pg/page_alloc.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/xlog.h"
#include "storage/lmgr.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

namespace {

// Read the model pages of version `meta.model_version`; false if a page is
// not (any more) one of them: a retrain freed it meanwhile.
bool read_model_pages(Relation index, const IxlMeta& meta, uint8* out) {
    ixpg::ChainWalk walk(index, kPages, kPageModel, meta.model_head);
    uint32 done = 0, page_index = 0;
    while (!walk.done() && done < meta.model_bytes) {
        Buffer buf = walk.try_read(BUFFER_LOCK_SHARE);
        if (buf == InvalidBuffer) return false;
        Page page = BufferGetPage(buf);
        ModelPageHeader h;
        const std::size_t used = ixpg::page_body_used(page);
        bool ok = used >= sizeof h;
        if (ok) {
            std::memcpy(&h, ixpg::page_body(page), sizeof h);
            ok = h.model_version == meta.model_version && h.page_index == page_index;
        }
        if (ok) {
            const std::size_t slice = used - sizeof h;
            if (slice > meta.model_bytes - done || slice == 0) {
                UnlockReleaseBuffer(buf);
                ixpg::report_index_damage(index, walk.current(), "model page", "its slice overruns the model's %u bytes",
                                          meta.model_bytes);
            }
            std::memcpy(out + done, ixpg::page_body(page) + sizeof h, slice);
            done += static_cast<uint32>(slice);
        }
        UnlockReleaseBuffer(buf);
        if (!ok) return false;
        ++page_index;
        walk.advance();
    }
    if (done != meta.model_bytes)
        ixpg::report_index_damage(index, meta.model_head, "model", "its pages hold %u of its %u bytes", done,
                                  meta.model_bytes);
    return true;
}

void load_model(Relation index, IndexCache* cache) {
    for (int attempt = 0;; ++attempt) {
        const IxlMeta meta = read_meta(index);
        if (meta.model_version == cache->model_version && cache->model_bytes != nullptr) return;
        if (meta.model_bytes == 0 || meta.model_bytes > MaxAllocSize)
            ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage", "model size %u out of range",
                                      meta.model_bytes);
        uint8* bytes = static_cast<uint8*>(MemoryContextAlloc(index->rd_indexcxt, meta.model_bytes));
        if (!read_model_pages(index, meta, bytes)) {
            pfree(bytes);
            if (attempt > 100)
                ixpg::report_index_damage(index, meta.model_head, "model", "%s",
                                          "its pages kept changing while being read");
            continue;
        }
        lc::DirectoryView dir;
        if (!dir.parse(bytes, meta.model_bytes, index_shape(index).leaf.format)) {
            pfree(bytes);
            ixpg::report_index_damage(index, meta.model_head, "model", "%s", "the coded directory is malformed");
        }
        const BlockNumber nblocks = RelationGetNumberOfBlocks(index);
        for (uint32 j = 0; j < dir.size(); ++j) {
            const BlockNumber b = dir.entry(j).block;
            if (b == ixpg::kMetaBlock || b >= nblocks) {
                pfree(bytes);
                ixpg::report_index_damage(index, meta.model_head, "model", "it names block %u, outside the index", b);
            }
        }
        if (cache->model_bytes != nullptr) pfree(cache->model_bytes);
        cache->model_bytes = bytes;
        cache->model_version = meta.model_version;
        cache->dir = dir;
        return;
    }
}

struct DirList {
    lc::DirEntry* e;
    uint32 n, cap;
    uint64 entries;
};

// The leaf chain as it is now, one leaf locked at a time.
void collect_leaves(Relation index, BlockNumber leftmost, DirList* out) {
    ixpg::ChainWalk walk(index, kPages, kPageLeaf, leftmost);
    // The chain must start at -infinity and each leaf where the last one
    // ended: a model over a damaged chain would hide the leaves it skips.
    lc::Bound* prev_high = static_cast<lc::Bound*>(palloc0(sizeof(lc::Bound)));
    prev_high->kind = lc::BoundKind::MinusInf;
    BlockNumber prev = InvalidBlockNumber;
    lc::LeafView* viewp = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
    while (!walk.done()) {
        CHECK_FOR_INTERRUPTS();
        const BlockNumber blkno = walk.current();
        Buffer buf = walk.read(BUFFER_LOCK_SHARE);
        lc::LeafView& view = *viewp;
        parse_leaf(index, blkno, BufferGetPage(buf), &view);
        check_right_step_exact(index, prev, *prev_high, blkno, view);  // (retrains and VACUUM exclude each other)
        *prev_high = view.high();
        prev = blkno;
        if (out->n == out->cap) {
            out->cap *= 2;
            out->e = static_cast<lc::DirEntry*>(repalloc_huge(out->e, sizeof(lc::DirEntry) * out->cap));
        }
        const lc::Bound& low = view.low();
        out->e[out->n++] = lc::DirEntry{lc::bound_first_column(low), low.kind != lc::BoundKind::Full, blkno};
        out->entries += view.total();
        UnlockReleaseBuffer(buf);
        walk.advance();
    }
}

// Write the coded directory into model pages of `version`, last slice
// first so that each page is written once with its link; returns the head.
BlockNumber write_model_pages(Relation index, uint32 version, const uint8* bytes, std::size_t len, uint32* npages) {
    const uint32 n = static_cast<uint32>((len + kModelSliceBytes - 1) / kModelSliceBytes);
    BlockNumber next = InvalidBlockNumber;
    for (uint32 i = n; i-- > 0;) {
        const std::size_t off = static_cast<std::size_t>(i) * kModelSliceBytes;
        const std::size_t slice = len - off < kModelSliceBytes ? len - off : kModelSliceBytes;
        Buffer buf = ixpg::new_page(index, kPages);
        ixpg::log_change(index, {buf}, GENERIC_XLOG_FULL_IMAGE, [&](Page* p) {
            ixpg::init_page(p[0], kPages, kPageModel);
            page_opaque(p[0])->next = next;
            const ModelPageHeader h{version, i};
            std::memcpy(ixpg::page_body(p[0]), &h, sizeof h);
            std::memcpy(ixpg::page_body(p[0]) + sizeof h, bytes + off, slice);
            ixpg::set_page_body_used(p[0], sizeof h + slice);
        });
        next = BufferGetBlockNumber(buf);
        UnlockReleaseBuffer(buf);
    }
    *npages = n;
    return next;
}

}  // namespace

// After an insert or a lookup that walked far right of the model's leaf:
// the model lags (a table loaded after TRUNCATE or into a new index has a
// model of one leaf, a crash can cut the last retrain short, and every
// lookup would walk the chain).  When the leaves that split since the
// model are an eighth of those it lists or more, retrain now, if nobody
// else (VACUUM, another retrain) holds the table's ShareUpdateExclusiveLock:
// each retrain waits for the chain to grow by an eighth again, so its cost
// (a read of every leaf) is spread over that growth.
void retrain_if_lagging(Relation heap, Relation index, uint32 steps) {
    refresh_model(index);
    if (steps < kStepsBeforeRetrain || RecoveryInProgress()) return;
    const IxlMeta meta = read_meta(index);
    if (static_cast<uint64>(meta.splits_since_model) * 8 < meta.leaves_at_model) return;
    if (!ConditionalLockRelation(heap, ShareUpdateExclusiveLock)) return;
    retrain(index);
    UnlockRelation(heap, ShareUpdateExclusiveLock);
}

IxlMeta read_meta(Relation index) { return ixpg::read_metapage<IxlMeta>(index, kPages, kMetaSpec, nullptr, nullptr); }

lc::DirEntry route_entry(Relation index, const lc::Pos& p, lc::Probe probe) {
    IndexCache* cache = index_cache(index);
    if (cache->model_bytes == nullptr) load_model(index, cache);
    return cache->dir.entry(cache->dir.route(p, probe));
}

BlockNumber route(Relation index, const lc::Pos& p, lc::Probe probe) { return route_entry(index, p, probe).block; }

Buffer land(Relation index, const lc::Pos& p, lc::Probe probe, LeafLock lock, lc::LeafView* view, BlockNumber* landed) {
    IndexCache* cache = index_cache(index);
    for (;;) {
        BlockNumber blk = route(index, p, probe);
        const uint32 version = cache->model_version;
        const char* wrong = nullptr;
        for (BlockNumber hops = 0; wrong == nullptr; ++hops) {
            if (!block_in_index(index, blk) || (hops > cache->nblocks && hops > RelationGetNumberOfBlocks(index))) {
                wrong = "a chain of unlinked leaves from it leads outside the index or around a loop";
                break;
            }
            Buffer buf = ReadBuffer(index, blk);
            lock_leaf(buf, lock);
            Page page = BufferGetPage(buf);
            if (ixpg::page_is(page, kPages, kPageLeaf)) {
                parse_leaf(index, blk, page, view);
                if (lc::compare_low(low_entry(view->low(), blk), p, probe) <= 0) {
                    *landed = blk;
                    return buf;
                }
                wrong = "it starts right of the key the model routes to it";
            } else if (ixpg::page_is(page, kPages, kPageUnlinked)) {
                // Unlinked since the model was trained: its key range is right of it.
                const BlockNumber next = page_opaque(page)->next;
                UnlockReleaseBuffer(buf);
                blk = next;
                continue;
            } else {
                wrong = "it is not a leaf";
            }
            UnlockReleaseBuffer(buf);
        }
        // A model older than the metapage's may name a block that was
        // unlinked, freed and reused since: take the current model and route
        // again.  The current model names no freed block.
        if (read_meta(index).model_version == version)
            ixpg::report_index_damage(index, blk, "model", "it routes a key to block %u, but %s", blk, wrong);
        refresh_model(index);
    }
}

void refresh_model(Relation index) { load_model(index, index_cache(index)); }

void retrain(Relation index) {
    const IxlMeta before = read_meta(index);
    DirList leaves{static_cast<lc::DirEntry*>(palloc(sizeof(lc::DirEntry) * 1024)), 0, 1024, 0};
    collect_leaves(index, before.leftmost, &leaves);
    const Shape& shape = index_shape(index);
    uint8* bytes = static_cast<uint8*>(palloc_extended(lc::directory_max_bytes(leaves.n), MCXT_ALLOC_HUGE));
    const uint32 epsilon = static_cast<uint32>(option_epsilon(index));
    const std::size_t len = lc::directory_encode(leaves.e, leaves.n, epsilon, shape.wide, shape.leaf.format, bytes);
    const uint32 version = before.model_version + 1;
    uint32 npages;
    const BlockNumber head = write_model_pages(index, version, bytes, len, &npages);

    Buffer meta_buf = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
    const IxlMeta old = *page_meta(BufferGetPage(meta_buf));
    ixpg::log_change(index, {meta_buf}, 0, [&](Page* p) {
        IxlMeta* m = page_meta(p[0]);
        m->model_version = version;
        m->model_head = head;
        m->model_pages = npages;
        m->model_bytes = static_cast<uint32>(len);
        m->epsilon = epsilon;
        m->leaves_at_model = leaves.n;
        m->splits_since_model = 0;
        m->entries = leaves.entries;
    });
    UnlockReleaseBuffer(meta_buf);

    // The old version's pages: unreachable from the metapage now.
    BlockNumber blk = old.model_head;
    const BlockNumber nblocks = RelationGetNumberOfBlocks(index);
    for (uint32 i = 0; i < old.model_pages && blk != InvalidBlockNumber && blk != ixpg::kMetaBlock && blk < nblocks;
         ++i) {
        Buffer buf = ReadBuffer(index, blk);
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        BlockNumber next = InvalidBlockNumber;
        ModelPageHeader h{};
        const bool mine = ixpg::page_is(BufferGetPage(buf), kPages, kPageModel) &&
                          ixpg::page_body_used(BufferGetPage(buf)) >= sizeof h;
        if (mine) {
            std::memcpy(&h, ixpg::page_body(BufferGetPage(buf)), sizeof h);
            next = page_opaque(BufferGetPage(buf))->next;
        }
        UnlockReleaseBuffer(buf);
        if (!mine || h.model_version != old.model_version) break;
        ixpg::free_page(index, kPages, blk);
        blk = next;
    }
    ixpg::publish_free_pages(index);
    pfree(bytes);
    pfree(leaves.e);
    refresh_model(index);
}

}  // namespace ixlearn
