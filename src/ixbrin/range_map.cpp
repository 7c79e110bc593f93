// range_map.cpp — the range map and the summary pages
// (docs/ixbrin-format.md): reading entries and summaries, changing a
// summary in place or moving it, creating the first summary of a range,
// desummarizing, and the build's writer.  Locks are taken metapage, map
// page, summary pages (ascending); a reader holds the map page while it
// locks the summary page, so a summary cannot move under it.
#include "ixbrin/ixbrin.hpp"
#include "pg/generic_wal.hpp"
#include "pg/page_access.hpp"
#include "pg/page_alloc.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/bufpage.h"
IXPG_END_C_HEADERS

#include <algorithm>
#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

// How often a change may find its summary moved or created by another
// backend before it gives up (each retry means someone else progressed).
constexpr int kMaxAttempts = 1000;

uint32 map_page_of(uint64 range) { return static_cast<uint32>(range / kEntriesPerMapPage); }
uint32 slot_of(uint64 range) { return static_cast<uint32>(range % kEntriesPerMapPage); }

// Is blk a block of the index?  The size is measured again only for a
// block past the size last measured: no system call on the insert path.
bool inside_index(Relation index, BlockNumber blk);

// The per-backend copy of what never changes once written: pages_per_range
// and the blocks of the map pages known so far (a map page is never moved
// or freed), so that an insert need not read the metapage.  It lives in
// rd_amcache, which the relcache frees when the index is rebuilt (REINDEX,
// TRUNCATE).
struct MapCache {
    uint32 pages_per_range;
    uint32 nmap;
    BlockNumber nblocks;  // the index's size when last measured (it only grows)
    BlockNumber map_blocks[kMaxMapPages];
};

// The cache, read again from the metapage when it knows fewer than
// `want` map pages (the map may have grown since).
MapCache* map_cache(Relation index, uint32 want) {
    MapCache* mc = static_cast<MapCache*>(index->rd_amcache);
    if (mc == nullptr || mc->nmap < want) {
        const IxbrMeta meta = read_meta(index);
        if (mc == nullptr) {
            mc = static_cast<MapCache*>(MemoryContextAlloc(index->rd_indexcxt, sizeof(MapCache)));
            mc->nblocks = 0;
        }
        mc->pages_per_range = meta.pages_per_range;
        std::memcpy(mc->map_blocks, meta.map_blocks, sizeof(BlockNumber) * meta.nmap);
        mc->nmap = meta.nmap;
        index->rd_amcache = mc;
    }
    return mc;
}

// The block of map page k, or InvalidBlockNumber if the map has no page k.
BlockNumber known_map_block(Relation index, uint32 k) {
    const MapCache* mc = map_cache(index, k + 1);
    if (k >= mc->nmap)
        return InvalidBlockNumber;
    const BlockNumber blk = mc->map_blocks[k];
    if (blk == ixpg::kMetaBlock || !inside_index(index, blk))
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                  "Range-map page %u is block %u, outside the index.", k, blk);
    return blk;
}

bool inside_index(Relation index, BlockNumber blk) {
    MapCache* mc = map_cache(index, 0);
    if (blk < mc->nblocks)
        return true;
    mc->nblocks = RelationGetNumberOfBlocks(index);
    return blk < mc->nblocks;
}

MapEntry empty_entry() {
    MapEntry e;
    ItemPointerSetInvalid(&e.summary);
    e.flags = 0;
    return e;
}

// The block of map page k, checked against the index.
BlockNumber map_block(Relation index, const IxbrMeta& meta, uint32 k) {
    const BlockNumber blk = meta.map_blocks[k];
    if (blk == ixpg::kMetaBlock || blk >= RelationGetNumberOfBlocks(index))
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                  "Range-map page %u is block %u, outside the index.", k, blk);
    return blk;
}

MapEntry entry_on(Page page, uint32 slot) {
    if ((static_cast<Size>(slot) + 1) * sizeof(MapEntry) > ixpg::page_body_used(page))
        return empty_entry();
    MapEntry e;
    std::memcpy(&e, ixpg::page_body(page) + static_cast<Size>(slot) * sizeof(MapEntry), sizeof e);
    return e;
}

// Set entry `slot`; entries between the old end and it become empty.
void set_entry(Page page, uint32 slot, const MapEntry& e) {
    const Size used = ixpg::page_body_used(page);
    const Size want = (static_cast<Size>(slot) + 1) * sizeof(MapEntry);
    for (Size at = used; at < want; at += sizeof(MapEntry)) {
        const MapEntry blank = empty_entry();
        std::memcpy(ixpg::page_body(page) + at, &blank, sizeof blank);
    }
    if (want > used)
        ixpg::set_page_body_used(page, want);
    std::memcpy(ixpg::page_body(page) + static_cast<Size>(slot) * sizeof(MapEntry), &e, sizeof e);
}

Buffer lock_map_page(Relation index, BlockNumber blk, int mode, Snapshot snapshot) {
    Buffer buf = ReadBuffer(index, blk);
    LockBuffer(buf, mode);
    TestForOldSnapshot(snapshot, index, BufferGetPage(buf));
    ixpg::check_page_kind(index, blk, BufferGetPage(buf), kPages, kPageMap);
    // Whole entries only: a reader would lose the entries past a damaged
    // end, and a writer would overwrite them with empty ones.
    const Size used = ixpg::page_body_used(BufferGetPage(buf));
    if (used % sizeof(MapEntry) != 0 || used > kEntriesPerMapPage * sizeof(MapEntry))
        ixpg::report_index_damage(index, blk, "range-map page", "Its %zu bytes of entries are not whole entries.",
                                  used);
    return buf;
}

// The summary page an entry names, locked and checked (its header and the
// entry's line pointer), and the item's bytes; index_corrupted unless the item is a
// normal one.
Buffer lock_summary_page(Relation index, const MapEntry& e, BlockNumber held, int mode, Snapshot snapshot) {
    const BlockNumber blk = ItemPointerGetBlockNumberNoCheck(&e.summary);
    if (blk == ixpg::kMetaBlock || blk == held || !inside_index(index, blk))
        ixpg::report_index_damage(index, held, "range-map page", "An entry names block %u, which is %s.", blk,
                                  blk == held ? "the map page itself" : "outside the index or its metapage");
    Buffer buf = ReadBuffer(index, blk);
    LockBuffer(buf, mode);
    Page page = BufferGetPage(buf);
    TestForOldSnapshot(snapshot, index, page);
    ixpg::check_page_kind(index, blk, page, kPages, kPageSummary);
    const OffsetNumber off = ItemPointerGetOffsetNumberNoCheck(&e.summary);
    if (off < FirstOffsetNumber || off > PageGetMaxOffsetNumber(page) || !ItemIdIsNormal(PageGetItemId(page, off)))
        ixpg::report_index_damage(index, blk, "summary page", "An entry names item %u, which it does not hold.", off);
    ixpg::check_page_item(index, blk, page, off, 0);
    return buf;
}

Summary* decode_at(Relation index, const IndexOps* ops, Buffer buf, OffsetNumber off, uint64 range) {
    Page page = BufferGetPage(buf);
    ItemId lp = PageGetItemId(page, off);
    return decode_summary(index, BufferGetBlockNumber(buf), ops, static_cast<const char*>(PageGetItem(page, lp)),
                          ItemIdGetLength(lp), static_cast<uint32>(range));
}

// The summary as a tuple.  A re-summarization's pending part that would
// not fit is dropped: that ends the re-summarization without tightening
// (the summary itself covers every row; docs/ixbrin-format.md, VACUUM).
char* encode(const IndexOps* ops, Summary* s, Size* bytes) {
    *bytes = summary_bytes(ops, s);
    if (*bytes > max_summary_bytes() && s->pending) {
        s->pending = false;
        *bytes = summary_bytes(ops, s);
    }
    if (*bytes > max_summary_bytes())
        ereport(ERROR,
                (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                 errmsg("ixbrin summary of range %u needs %zu bytes, more than a page holds (%zu)", s->range, *bytes,
                        max_summary_bytes()),
                 errhint("Index fewer columns, lower the bloom columns' n_distinct_per_range or raise their "
                         "false_positive_rate, lower values_per_range, or avoid very long values in this index.")));
    char* item = static_cast<char*>(palloc(*bytes));
    encode_summary(ops, s, item);
    return item;
}

bool fits_in_place(Page page, OffsetNumber off, Size bytes) {
    const Size old = MAXALIGN(ItemIdGetLength(PageGetItemId(page, off)));
    return MAXALIGN(bytes) <= old + PageGetExactFreeSpace(page);
}

bool page_takes(Page page, Size bytes) { return PageGetFreeSpace(page) >= MAXALIGN(bytes); }

// Make the map hold map page k (one record per page added: the metapage
// and the new page).  The caller holds the metapage exclusively.
void extend_map(Relation index, Buffer meta_buf, uint32 k) {
    for (;;) {
        IxbrMeta* m = page_meta(BufferGetPage(meta_buf));
        if (m->nmap > k)
            return;
        if (m->nmap >= static_cast<uint32>(kMaxMapPages))
            ereport(ERROR,
                    (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                     errmsg("index \"%s\" cannot map more than %llu block ranges", RelationGetRelationName(index),
                            static_cast<unsigned long long>(kMaxRanges)),
                     errhint("Rebuild it with a larger pages_per_range (now %u).", m->pages_per_range)));
        Buffer fresh = ixpg::new_page(index, kPages);
        const BlockNumber blk = BufferGetBlockNumber(fresh);
        ixpg::log_change(index, {meta_buf, fresh}, {0, GENERIC_XLOG_FULL_IMAGE}, [&](Page* p) {
            ixpg::init_page(p[1], kPages, kPageMap);
            IxbrMeta* w = page_meta(p[0]);
            w->map_blocks[w->nmap] = blk;
            w->nmap += 1;
        });
        UnlockReleaseBuffer(fresh);
    }
}

// A summary page with room for `bytes`, exclusively locked, other than
// `avoid`: the metapage's insert page, or a new page (which becomes it).
// *is_new says which; the caller then logs it as a full image.
Buffer page_with_room(Relation index, Page meta_page, Size bytes, BlockNumber avoid, bool* is_new) {
    const BlockNumber hint = page_meta(meta_page)->insert_page;
    *is_new = false;
    if (hint != InvalidBlockNumber && hint != avoid && hint != ixpg::kMetaBlock &&
        hint < RelationGetNumberOfBlocks(index)) {
        Buffer buf = ReadBuffer(index, hint);
        LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
        if (ixpg::page_is(BufferGetPage(buf), kPages, kPageSummary) && page_takes(BufferGetPage(buf), bytes))
            return buf;
        UnlockReleaseBuffer(buf);
    }
    *is_new = true;
    return ixpg::new_page(index, kPages);
}

}  // namespace

IxbrMeta read_meta(Relation index, Snapshot snapshot) {
    const IxbrMeta meta = ixpg::read_metapage<IxbrMeta>(index, kPages, kMetaSpec, nullptr, snapshot);
    if (meta.pages_per_range < 1 || meta.pages_per_range > static_cast<uint32>(kMaxPagesPerRange) ||
        meta.ncols != IndexRelationGetNumberOfKeyAttributes(index) || meta.nmap > static_cast<uint32>(kMaxMapPages))
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                  "It says %u pages per range, %u columns (the index has %d), %u map pages.",
                                  meta.pages_per_range, meta.ncols, IndexRelationGetNumberOfKeyAttributes(index),
                                  meta.nmap);
    return meta;
}

uint32 cached_pages_per_range(Relation index) { return map_cache(index, 0)->pages_per_range; }

namespace {

// The entries of map pages 0 .. nmap - 1 (blocks[k] is page k's block).
MapEntry* read_map_pages(Relation index, const BlockNumber* blocks, uint32 nmap, Snapshot snapshot, uint64* nranges) {
    const uint64 room = static_cast<uint64>(nmap) * kEntriesPerMapPage;
    MapEntry* entries = static_cast<MapEntry*>(palloc_extended(sizeof(MapEntry) * (room > 0 ? room : 1), MCXT_ALLOC_HUGE));
    uint64 n = 0;
    for (uint32 k = 0; k < nmap; ++k) {
        CHECK_FOR_INTERRUPTS();
        const BlockNumber blk = blocks[k];
        if (blk == ixpg::kMetaBlock || !inside_index(index, blk))
            ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                      "Range-map page %u is block %u, outside the index.", k, blk);
        Buffer buf = lock_map_page(index, blk, BUFFER_LOCK_SHARE, snapshot);
        Page page = BufferGetPage(buf);
        const uint64 count = ixpg::page_body_used(page) / sizeof(MapEntry);
        std::memcpy(entries + static_cast<uint64>(k) * kEntriesPerMapPage, ixpg::page_body(page),
                    count * sizeof(MapEntry));
        for (uint64 i = count; i < kEntriesPerMapPage; ++i)
            entries[static_cast<uint64>(k) * kEntriesPerMapPage + i] = empty_entry();
        if (count > 0)
            n = static_cast<uint64>(k) * kEntriesPerMapPage + count;
        UnlockReleaseBuffer(buf);
    }
    *nranges = n;
    return entries;
}

}  // namespace

MapEntry* read_entries(Relation index, const IxbrMeta& meta, Snapshot snapshot, uint64* nranges) {
    return read_map_pages(index, meta.map_blocks, meta.nmap, snapshot, nranges);
}

MapEntry* read_heap_entries(Relation index, BlockNumber heap_blocks, Snapshot snapshot, uint64* nranges) {
    // Every range with rows has an entry, on a map page the metapage
    // listed when the entry was written: the map pages the heap's size
    // needs are in the cache, or the cache is read again.
    const uint64 ranges = (static_cast<uint64>(heap_blocks) + cached_pages_per_range(index) - 1) / cached_pages_per_range(index);
    const uint32 want = static_cast<uint32>(std::min<uint64>((ranges + kEntriesPerMapPage - 1) / kEntriesPerMapPage, kMaxMapPages));
    const MapCache* mc = map_cache(index, want);
    return read_map_pages(index, mc->map_blocks, std::min(want, mc->nmap), snapshot, nranges);
}

namespace {

struct SummaryRef {
    BlockNumber blk;
    OffsetNumber off;
    uint64 range;
};

int ref_order(const void* a, const void* b) {
    const SummaryRef* x = static_cast<const SummaryRef*>(a);
    const SummaryRef* y = static_cast<const SummaryRef*>(b);
    if (x->blk != y->blk)
        return x->blk < y->blk ? -1 : 1;
    return x->off < y->off ? -1 : (x->off > y->off ? 1 : 0);
}

}  // namespace

void for_each_summary(Relation index, const IndexOps* ops, const MapEntry* entries, uint64 nranges, uint64 step,
                      Snapshot snapshot, bool reset_each, SummaryFn fn, void* arg) {
    // The summaries in page order: each summary page is read once however
    // the ranges' tuples are spread over the pages (moves spread them).
    uint64 n = 0;
    for (uint64 r = 0; r < nranges; r += step)
        n += entry_usable(entries[r]);
    SummaryRef* refs = static_cast<SummaryRef*>(palloc_extended(sizeof(SummaryRef) * (n > 0 ? n : 1), MCXT_ALLOC_HUGE));
    n = 0;
    for (uint64 r = 0; r < nranges; r += step)
        if (entry_usable(entries[r]))
            refs[n++] = SummaryRef{ItemPointerGetBlockNumberNoCheck(&entries[r].summary),
                                   ItemPointerGetOffsetNumberNoCheck(&entries[r].summary), r};
    qsort(refs, n, sizeof(SummaryRef), ref_order);

    MemoryContext page_cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbrin summary page", ALLOCSET_DEFAULT_SIZES);
    MemoryContext each_cxt = reset_each ? AllocSetContextCreate(CurrentMemoryContext, "ixbrin summary", ALLOCSET_DEFAULT_SIZES)
                                        : CurrentMemoryContext;
    for (uint64 i = 0; i < n;) {
        CHECK_FOR_INTERRUPTS();
        const BlockNumber blk = refs[i].blk;
        if (blk == ixpg::kMetaBlock || !inside_index(index, blk))
            ixpg::report_index_damage(index, ixpg::kMetaBlock, "range map",
                                      "The entry of range %llu names block %u, outside the index.",
                                      static_cast<unsigned long long>(refs[i].range), blk);
        uint64 end = i;
        while (end < n && refs[end].blk == blk)
            ++end;
        // Under the page's lock, copies of the items (NULL: not this
        // range's any more, it moved); decoded after, with no lock held.
        MemoryContext old = MemoryContextSwitchTo(page_cxt);
        char** items = static_cast<char**>(palloc0(sizeof(char*) * (end - i)));
        Size* lens = static_cast<Size*>(palloc0(sizeof(Size) * (end - i)));
        Buffer buf = ReadBuffer(index, blk);
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        Page page = BufferGetPage(buf);
        TestForOldSnapshot(snapshot, index, page);
        ixpg::check_page_kind(index, blk, page, kPages, kPageSummary);
        ixpg::check_page(index, blk, page, 0);
        for (uint64 k = i; k < end; ++k) {
            const OffsetNumber off = refs[k].off;
            if (off < FirstOffsetNumber || off > PageGetMaxOffsetNumber(page) || !ItemIdIsNormal(PageGetItemId(page, off)))
                continue;
            const ItemId lp = PageGetItemId(page, off);
            SummaryHeader h;
            if (ItemIdGetLength(lp) < sizeof h)
                continue;
            std::memcpy(&h, PageGetItem(page, lp), sizeof h);
            if (h.range != static_cast<uint32>(refs[k].range))
                continue;
            lens[k - i] = ItemIdGetLength(lp);
            items[k - i] = static_cast<char*>(palloc(lens[k - i]));
            std::memcpy(items[k - i], PageGetItem(page, lp), lens[k - i]);
        }
        UnlockReleaseBuffer(buf);
        MemoryContextSwitchTo(each_cxt);
        for (uint64 k = i; k < end; ++k) {
            const uint64 range = refs[k].range;
            if (items[k - i] != nullptr) {
                fn(arg, range, decode_summary(index, blk, ops, items[k - i], lens[k - i], static_cast<uint32>(range)));
            } else {
                // It moved since the map was read: through the map again.
                bool desummarized = false;
                Summary* s = read_range_summary(index, ops, range, &desummarized, snapshot);
                if (s != nullptr || desummarized)
                    fn(arg, range, s);
            }
            if (reset_each)
                MemoryContextReset(each_cxt);
        }
        MemoryContextSwitchTo(old);
        MemoryContextReset(page_cxt);
        i = end;
    }
    MemoryContextDelete(page_cxt);
    if (reset_each)
        MemoryContextDelete(each_cxt);
    pfree(refs);
}

Summary* read_range_summary(Relation index, const IndexOps* ops, uint64 range, bool* desummarized,
                            Snapshot snapshot) {
    *desummarized = false;
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        const BlockNumber map_blk = known_map_block(index, map_page_of(range));
        if (map_blk == InvalidBlockNumber)
            return nullptr;
        Buffer map_buf = lock_map_page(index, map_blk, BUFFER_LOCK_SHARE, snapshot);
        const MapEntry e = entry_on(BufferGetPage(map_buf), slot_of(range));
        if (!entry_usable(e)) {
            *desummarized = e.flags & kEntryDesummarized;
            UnlockReleaseBuffer(map_buf);
            return nullptr;
        }
        // Under the map page's lock the summary cannot move.
        Buffer buf = lock_summary_page(index, e, map_blk, BUFFER_LOCK_SHARE, snapshot);
        Summary* s = decode_at(index, ops, buf, ItemPointerGetOffsetNumberNoCheck(&e.summary), range);
        UnlockReleaseBuffer(buf);
        UnlockReleaseBuffer(map_buf);
        return s;
    }
    return nullptr;
}

void modify_range(Relation index, const IndexOps* ops, uint64 range, Create create, ModifyFn modify, void* arg) {
    const uint32 k = map_page_of(range);
    const uint32 slot = slot_of(range);
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        CHECK_FOR_INTERRUPTS();
        const BlockNumber known = known_map_block(index, k);
        if (known != InvalidBlockNumber) {
            // The common case: change the summary in place, holding the map
            // page (shared) so that it cannot move.
            const BlockNumber map_blk = known;
            Buffer map_buf = lock_map_page(index, map_blk, BUFFER_LOCK_SHARE, nullptr);
            const MapEntry e = entry_on(BufferGetPage(map_buf), slot);
            if (entry_has_summary(e)) {
                Buffer buf = lock_summary_page(index, e, map_blk, BUFFER_LOCK_EXCLUSIVE, nullptr);
                const OffsetNumber off = ItemPointerGetOffsetNumberNoCheck(&e.summary);
                Summary* s = decode_at(index, ops, buf, off, range);
                if (!modify(s, arg)) {
                    UnlockReleaseBuffer(buf);
                    UnlockReleaseBuffer(map_buf);
                    return;
                }
                Size bytes;
                char* item = encode(ops, s, &bytes);
                if (fits_in_place(BufferGetPage(buf), off, bytes)) {
                    ixpg::log_change(index, {buf}, 0, [&](Page* p) {
                        if (!PageIndexTupleOverwrite(p[0], off, item, bytes))
                            elog(ERROR, "ixbrin: summary of range %u did not fit where it was measured to fit",
                                 s->range);
                    });
                    UnlockReleaseBuffer(buf);
                    UnlockReleaseBuffer(map_buf);
                    return;
                }
                UnlockReleaseBuffer(buf);
                UnlockReleaseBuffer(map_buf);
                // Too large for its page: move it (below, with the map
                // page and the metapage held exclusively).
            } else {
                UnlockReleaseBuffer(map_buf);
                if (create == Create::Never || (create == Create::IfEmpty && (e.flags & kEntryDesummarized)))
                    return;
            }
        } else if (create == Create::Never) {
            return;
        }

        // Create or move: metapage, map page, summary pages, in that order.
        Buffer meta_buf = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
        extend_map(index, meta_buf, k);
        const BlockNumber map_blk = map_block(index, *page_meta(BufferGetPage(meta_buf)), k);
        Buffer map_buf = lock_map_page(index, map_blk, BUFFER_LOCK_EXCLUSIVE, nullptr);
        const MapEntry e = entry_on(BufferGetPage(map_buf), slot);
        Buffer old_buf = InvalidBuffer;
        Summary* s;
        OffsetNumber old_off = InvalidOffsetNumber;
        if (entry_has_summary(e)) {
            old_buf = lock_summary_page(index, e, map_blk, BUFFER_LOCK_EXCLUSIVE, nullptr);
            old_off = ItemPointerGetOffsetNumberNoCheck(&e.summary);
            s = decode_at(index, ops, old_buf, old_off, range);
        } else if (create == Create::Never || (create == Create::IfEmpty && (e.flags & kEntryDesummarized))) {
            UnlockReleaseBuffer(map_buf);
            UnlockReleaseBuffer(meta_buf);
            return;
        } else {
            s = new_summary(ops, static_cast<uint32>(range));
        }
        const bool changed = modify(s, arg);
        Size bytes;
        char* item = changed ? encode(ops, s, &bytes) : nullptr;
        if (!changed || (old_buf != InvalidBuffer && fits_in_place(BufferGetPage(old_buf), old_off, bytes))) {
            // Nothing to do, or (the summary changed meanwhile) it fits in
            // place now.
            if (changed)
                ixpg::log_change(index, {old_buf}, 0, [&](Page* p) {
                    if (!PageIndexTupleOverwrite(p[0], old_off, item, bytes))
                        elog(ERROR, "ixbrin: summary of range %u did not fit where it was measured to fit", s->range);
                });
            if (old_buf != InvalidBuffer)
                UnlockReleaseBuffer(old_buf);
            UnlockReleaseBuffer(map_buf);
            UnlockReleaseBuffer(meta_buf);
            return;
        }
        // A page with room (never the old page: the tuple did not fit there).
        const BlockNumber old_blk = old_buf != InvalidBuffer ? BufferGetBlockNumber(old_buf) : InvalidBlockNumber;
        bool is_new = false;
        Buffer target = page_with_room(index, BufferGetPage(meta_buf), bytes, old_blk, &is_new);
        const BlockNumber target_blk = BufferGetBlockNumber(target);
        auto apply = [&](Page meta_page, Page map_page, Page old_page, Page target_page) {
            if (is_new) {
                ixpg::init_page(target_page, kPages, kPageSummary);
                page_meta(meta_page)->insert_page = target_blk;
            }
            if (old_page != nullptr)
                PageIndexTupleDeleteNoCompact(old_page, old_off);
            const OffsetNumber off =
                PageAddItem(target_page, reinterpret_cast<Item>(item), bytes, InvalidOffsetNumber, false, false);
            if (off == InvalidOffsetNumber)
                elog(ERROR, "ixbrin: a summary page measured to have room has none");
            MapEntry ne;
            ItemPointerSet(&ne.summary, target_blk, off);
            ne.flags = e.flags;  // (DESUMMARIZED stays until its summarization is done)
            set_entry(map_page, slot, ne);
        };
        if (old_buf != InvalidBuffer)
            ixpg::log_change(index, {meta_buf, map_buf, old_buf, target}, {0, 0, 0, is_new ? GENERIC_XLOG_FULL_IMAGE : 0},
                             [&](Page* p) { apply(p[0], p[1], p[2], p[3]); });
        else
            ixpg::log_change(index, {meta_buf, map_buf, target}, {0, 0, is_new ? GENERIC_XLOG_FULL_IMAGE : 0},
                             [&](Page* p) { apply(p[0], p[1], nullptr, p[2]); });
        UnlockReleaseBuffer(target);
        if (old_buf != InvalidBuffer)
            UnlockReleaseBuffer(old_buf);
        UnlockReleaseBuffer(map_buf);
        UnlockReleaseBuffer(meta_buf);
        return;
    }
    ereport(ERROR,
            (errcode(ERRCODE_INDEX_CORRUPTED),
             errmsg("index \"%s\" kept changing the summary of range %llu under an update",
                    RelationGetRelationName(index), static_cast<unsigned long long>(range)),
             errhint("REINDEX the index if this persists.")));
}

void clear_desummarized(Relation index, uint64 range) {
    const BlockNumber map_blk = known_map_block(index, map_page_of(range));
    if (map_blk == InvalidBlockNumber)
        return;
    Buffer map_buf = lock_map_page(index, map_blk, BUFFER_LOCK_EXCLUSIVE, nullptr);
    MapEntry e = entry_on(BufferGetPage(map_buf), slot_of(range));
    // Only with its new summary in place: a range desummarized again
    // meanwhile (no summary) stays desummarized.
    if ((e.flags & kEntryDesummarized) && entry_has_summary(e)) {
        ixpg::log_change(index, {map_buf}, 0, [&](Page* p) {
            e.flags = static_cast<uint16>(e.flags & ~kEntryDesummarized);
            set_entry(p[0], slot_of(range), e);
        });
    }
    UnlockReleaseBuffer(map_buf);
}

bool desummarize(Relation index, uint64 range) {
    const BlockNumber map_blk = known_map_block(index, map_page_of(range));
    if (map_blk == InvalidBlockNumber)
        return false;
    Buffer map_buf = lock_map_page(index, map_blk, BUFFER_LOCK_EXCLUSIVE, nullptr);
    const MapEntry e = entry_on(BufferGetPage(map_buf), slot_of(range));
    if (!entry_has_summary(e)) {
        UnlockReleaseBuffer(map_buf);
        return false;
    }
    Buffer buf = lock_summary_page(index, e, map_blk, BUFFER_LOCK_EXCLUSIVE, nullptr);
    const OffsetNumber off = ItemPointerGetOffsetNumberNoCheck(&e.summary);
    ixpg::log_change(index, {map_buf, buf}, 0, [&](Page* p) {
        PageIndexTupleDeleteNoCompact(p[1], off);
        MapEntry ne = empty_entry();
        ne.flags = kEntryDesummarized;
        set_entry(p[0], slot_of(range), ne);
    });
    UnlockReleaseBuffer(buf);
    UnlockReleaseBuffer(map_buf);
    return true;
}

// ---- the build's writer ---------------------------------------------------------------

void build_writer_init(BuildWriter* w, Relation index, ForkNumber fork, uint32 pages_per_range, int ncols) {
    w->index = index;
    w->fork = fork;
    w->page = InvalidBuffer;
    w->nentries = 0;
    w->capacity = 1024;
    w->entries = static_cast<MapEntry*>(palloc(sizeof(MapEntry) * w->capacity));
    // The metapage first, so that it is block 0.
    Buffer meta_buf = ReadBufferExtended(index, fork, P_NEW, RBM_NORMAL, nullptr);
    LockBuffer(meta_buf, BUFFER_LOCK_EXCLUSIVE);
    Page page = BufferGetPage(meta_buf);
    ixpg::init_page(page, kPages, kPageMeta);
    IxbrMeta* m = page_meta(page);
    std::memset(m, 0, sizeof *m);
    m->magic = kMagic;
    m->format_version = kFormatVersion;
    m->pages_per_range = pages_per_range;
    m->ncols = static_cast<uint16>(ncols);
    m->insert_page = InvalidBlockNumber;
    ixpg::set_page_body_used(page, sizeof(IxbrMeta));
    MarkBufferDirty(meta_buf);
    UnlockReleaseBuffer(meta_buf);
}

void build_writer_add(BuildWriter* w, const IndexOps* ops, Summary* s) {
    Size bytes;
    char* item = encode(ops, s, &bytes);
    if (w->page == InvalidBuffer || !page_takes(BufferGetPage(w->page), bytes)) {
        if (w->page != InvalidBuffer) {
            MarkBufferDirty(w->page);
            UnlockReleaseBuffer(w->page);
        }
        w->page = ReadBufferExtended(w->index, w->fork, P_NEW, RBM_NORMAL, nullptr);
        LockBuffer(w->page, BUFFER_LOCK_EXCLUSIVE);
        ixpg::init_page(BufferGetPage(w->page), kPages, kPageSummary);
    }
    const OffsetNumber off =
        PageAddItem(BufferGetPage(w->page), reinterpret_cast<Item>(item), bytes, InvalidOffsetNumber, false, false);
    if (off == InvalidOffsetNumber)
        elog(ERROR, "ixbrin: a new summary page has no room for %zu bytes", bytes);
    pfree(item);
    while (w->nentries <= s->range) {
        if (w->nentries == w->capacity) {
            w->capacity *= 2;
            w->entries = static_cast<MapEntry*>(repalloc_huge(w->entries, sizeof(MapEntry) * w->capacity));
        }
        w->entries[w->nentries++] = empty_entry();
    }
    ItemPointerSet(&w->entries[s->range].summary, BufferGetBlockNumber(w->page), off);
}

void build_writer_finish(BuildWriter* w, uint64 nranges) {
    if (nranges > kMaxRanges)
        ereport(ERROR,
                (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                 errmsg("index \"%s\" cannot map %llu block ranges (at most %llu)", RelationGetRelationName(w->index),
                        static_cast<unsigned long long>(nranges), static_cast<unsigned long long>(kMaxRanges)),
                 errhint("Use a larger pages_per_range.")));
    BlockNumber insert_page = InvalidBlockNumber;
    if (w->page != InvalidBuffer) {
        insert_page = BufferGetBlockNumber(w->page);
        MarkBufferDirty(w->page);
        UnlockReleaseBuffer(w->page);
        w->page = InvalidBuffer;
    }
    const uint32 nmap = static_cast<uint32>((w->nentries + kEntriesPerMapPage - 1) / kEntriesPerMapPage);
    const BlockNumber first = nmap > 0 ? ixpg::extend_contiguous(w->index, nmap, w->fork) : InvalidBlockNumber;
    for (uint32 k = 0; k < nmap; ++k) {
        Buffer buf = ReadBufferExtended(w->index, w->fork, first + k, RBM_NORMAL, nullptr);
        LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
        Page page = BufferGetPage(buf);
        ixpg::init_page(page, kPages, kPageMap);
        const uint64 from = static_cast<uint64>(k) * kEntriesPerMapPage;
        const uint64 count = w->nentries - from < kEntriesPerMapPage ? w->nentries - from : kEntriesPerMapPage;
        std::memcpy(ixpg::page_body(page), w->entries + from, count * sizeof(MapEntry));
        ixpg::set_page_body_used(page, count * sizeof(MapEntry));
        MarkBufferDirty(buf);
        UnlockReleaseBuffer(buf);
    }
    Buffer meta_buf = ReadBufferExtended(w->index, w->fork, ixpg::kMetaBlock, RBM_NORMAL, nullptr);
    LockBuffer(meta_buf, BUFFER_LOCK_EXCLUSIVE);
    IxbrMeta* m = page_meta(BufferGetPage(meta_buf));
    m->nmap = nmap;
    for (uint32 k = 0; k < nmap; ++k)
        m->map_blocks[k] = first + k;
    m->insert_page = insert_page;
    MarkBufferDirty(meta_buf);
    UnlockReleaseBuffer(meta_buf);
}

}  // namespace ixbrin
