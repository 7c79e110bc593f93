// insert.cpp — aminsert: append the row's signature to the insert buffer's
// tail page; when the buffer holds a group's worth of rows, fold it (unless
// another backend is already folding or scanning).
#include "ixbloom/ixbloom.hpp"
#include "pg/generic_wal.hpp"

IXPG_BEGIN_C_HEADERS
#include "nodes/execnodes.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include <cstring>

namespace ixbloom {

namespace {

// Give the buffer a new tail page after seen_tail (or a first page), unless
// another backend moved the tail meanwhile; the caller retries either way.
// Called with no locks held.
void extend_buffer(Relation index, BlockNumber seen_tail) {
    Buffer meta_buf = ReadBuffer(index, kMetaBlock);
    LockBuffer(meta_buf, BUFFER_LOCK_EXCLUSIVE);
    const IxbMeta meta = *page_meta(BufferGetPage(meta_buf));
    if (meta.buf_tail != seen_tail) {  // someone else moved the tail: retry
        UnlockReleaseBuffer(meta_buf);
        return;
    }
    Buffer fresh = new_page(index, true);
    const BlockNumber fresh_blk = BufferGetBlockNumber(fresh);
    if (seen_tail == InvalidBlockNumber) {
        // First page of an empty buffer: one record, metapage and new page.
        ixpg::log_change(index, {meta_buf, fresh}, {0, GENERIC_XLOG_FULL_IMAGE}, [&](Page* p) {
            init_page(p[1], kPageBuffer);
            page_meta(p[0])->buf_head = fresh_blk;
            page_meta(p[0])->buf_tail = fresh_blk;
            page_meta(p[0])->buf_pages += 1;
        });
    } else {
        Buffer tail = ReadBuffer(index, seen_tail);
        LockBuffer(tail, BUFFER_LOCK_EXCLUSIVE);
        check_page_kind(index, seen_tail, BufferGetPage(tail), kPageBuffer);
        // Link and move the tail in one record: a crash leaves either the old
        // chain or the new one, never a dangling tail.
        ixpg::log_change(index, {meta_buf, tail, fresh}, {0, 0, GENERIC_XLOG_FULL_IMAGE}, [&](Page* p) {
            init_page(p[2], kPageBuffer);
            page_opaque(p[1])->next = fresh_blk;
            page_meta(p[0])->buf_tail = fresh_blk;
            page_meta(p[0])->buf_pages += 1;
        });
        UnlockReleaseBuffer(tail);
    }
    UnlockReleaseBuffer(fresh);
    UnlockReleaseBuffer(meta_buf);
}

// Append the entry to the tail if it is still the tail and has room.
bool append_to_tail(Relation index, BlockNumber tail_blk, const char* entry, std::size_t ebytes, int sig_bits) {
    Buffer buf = ReadBuffer(index, tail_blk);
    LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
    Page page = BufferGetPage(buf);
    const bool usable = !PageIsNew(page) && PageGetSpecialSize(page) == MAXALIGN(sizeof(IxbPageOpaque)) &&
                        (page_opaque(page)->flags & kPageBuffer) && page_opaque(page)->next == InvalidBlockNumber &&
                        static_cast<std::size_t>(buffer_entries(page, sig_bits)) < entries_per_page(sig_bits);
    if (usable) {
        ixpg::log_change(index, {buf}, 0, [&](Page* p) {
            PageHeader ph = reinterpret_cast<PageHeader>(p[0]);
            std::memcpy(reinterpret_cast<char*>(p[0]) + ph->pd_lower, entry, ebytes);
            ph->pd_lower = static_cast<LocationIndex>(ph->pd_lower + ebytes);
        });
    }
    UnlockReleaseBuffer(buf);
    return usable;
}

}  // namespace

bool insert(Relation index, Datum* values, bool* isnull, ItemPointer tid, Relation, IndexUniqueCheck, bool,
            IndexInfo* info) {
    return ixpg::sql_entry([&] {
        // Per-index state lives across inserts of one statement.
        IxbState* state = static_cast<IxbState*>(info->ii_AmCache);
        if (state == nullptr) {
            MemoryContext old = MemoryContextSwitchTo(info->ii_Context);
            state = static_cast<IxbState*>(palloc0(sizeof(IxbState)));
            init_state(state, index);
            MemoryContextSwitchTo(old);
            info->ii_AmCache = state;
        }
        const int sig_bits = state->shape.bits;
        const std::size_t ebytes = entry_bytes(sig_bits);
        alignas(8) char entry[sizeof(ItemPointerData) + bl::kMaxSignatureBits / 8];
        std::memset(entry, 0, sizeof entry);
        std::memcpy(entry, tid, sizeof(ItemPointerData));
        row_signature(state, values, isnull, reinterpret_cast<uint16*>(entry + sizeof(ItemPointerData)));

        IxbMeta meta;
        for (;;) {
            CHECK_FOR_INTERRUPTS();
            meta = read_meta(index);
            if (meta.buf_tail != InvalidBlockNumber && append_to_tail(index, meta.buf_tail, entry, ebytes, sig_bits))
                break;
            extend_buffer(index, meta.buf_tail);
        }

        // Fold when the buffer holds a group's worth of rows (every scan reads
        // the whole buffer, so it must stay small); never wait for it: a
        // VACUUM or a scan in progress means "later".  The metapage as read
        // for the append is recent enough to decide that.
        const uint64 buffered = static_cast<uint64>(meta.buf_pages) * entries_per_page(sig_bits);
        if (buffered >= bl::max_group_capacity(kPageBytes) && try_lock_fold(index, ExclusiveLock)) {
            fold_buffer(index, false);
            unlock_fold(index, ExclusiveLock);
        }
        return false;
    });
}

}  // namespace ixbloom
