// insert_buffer.cpp — the insert buffer's tail: rows are appended to the
// last page of the chain; a full tail gets a new page linked after it.
// Every page number taken from the metapage is checked before its buffer is
// locked (check_link): a damaged pointer to the metapage, or to a page this
// backend already holds, would otherwise wait on its own lock forever.
#include "ixbloom/ixbloom.hpp"
#include "pg/generic_wal.hpp"
#include "pg/page_alloc.hpp"

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

// How often an insert may find the tail moved or full before it gives up:
// each retry means another backend extended the buffer meanwhile.
constexpr int kMaxAppendAttempts = 10000;

// Link a new page after the locked tail and make it the tail, in one record
// with the metapage: a crash leaves either the old chain or the new one,
// never a dangling tail.
void link_new_tail(Relation index, Buffer meta_buf, Buffer tail, Buffer fresh) {
    const BlockNumber fresh_blk = BufferGetBlockNumber(fresh);
    ixpg::log_change(index, {meta_buf, tail, fresh}, {0, 0, GENERIC_XLOG_FULL_IMAGE}, [&](Page* p) {
        ixpg::init_page(p[2], kPages, kPageBuffer);
        page_opaque(p[1])->next = fresh_blk;
        page_meta(p[0])->buf_tail = fresh_blk;
        page_meta(p[0])->buf_pages += 1;
    });
}

// Give the buffer a new tail page after seen_tail (or a first page), unless
// another backend moved the tail meanwhile; the caller retries either way.
// Called with no locks held.
void extend_buffer(Relation index, BlockNumber seen_tail) {
    Buffer meta_buf = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
    const IxbMeta meta = *page_meta(BufferGetPage(meta_buf));
    if (meta.buf_tail != seen_tail) {  // someone else moved the tail: retry
        UnlockReleaseBuffer(meta_buf);
        return;
    }
    Buffer fresh = ixpg::new_page(index, kPages);
    const BlockNumber fresh_blk = BufferGetBlockNumber(fresh);
    if (seen_tail == InvalidBlockNumber) {
        // First page of an empty buffer: one record, metapage and new page.
        ixpg::log_change(index, {meta_buf, fresh}, {0, GENERIC_XLOG_FULL_IMAGE}, [&](Page* p) {
            ixpg::init_page(p[1], kPages, kPageBuffer);
            page_meta(p[0])->buf_head = fresh_blk;
            page_meta(p[0])->buf_tail = fresh_blk;
            page_meta(p[0])->buf_pages += 1;
        });
    } else {
        Buffer tail = lock_chain_tail(index, seen_tail, fresh_blk, kPageBuffer, "insert-buffer tail");
        link_new_tail(index, meta_buf, tail, fresh);
        UnlockReleaseBuffer(tail);
    }
    UnlockReleaseBuffer(fresh);
    UnlockReleaseBuffer(meta_buf);
}

// Append the entry to the tail if it is still the tail and has room.
bool append_to_tail(Relation index, BlockNumber tail_blk, const char* entry, std::size_t ebytes) {
    check_link(index, tail_blk, ixpg::kMetaBlock, "insert-buffer tail", false);
    Buffer buf = ReadBuffer(index, tail_blk);
    LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
    Page page = BufferGetPage(buf);
    // A page recycled meanwhile is simply not the tail any more.
    const bool usable = ixpg::page_is(page, kPages, kPageBuffer) && page_opaque(page)->next == InvalidBlockNumber &&
                        ixpg::page_body_used(page) + ebytes <= kPageBytes;
    if (usable) {
        ixpg::log_change(index, {buf}, 0, [&](Page* p) {
            const std::size_t used = ixpg::page_body_used(p[0]);
            std::memcpy(ixpg::page_body(p[0]) + used, entry, ebytes);
            ixpg::set_page_body_used(p[0], used + ebytes);
        });
    }
    UnlockReleaseBuffer(buf);
    return usable;
}

}  // namespace

int buffer_entries(Relation index, BlockNumber blkno, Page page, int sig_bits) {
    const std::size_t used = ixpg::page_body_used(page);
    if (used % entry_bytes(sig_bits) != 0)
        ixpg::report_index_damage(index, blkno, "insert-buffer page",
                                  "Its %zu bytes are not whole entries of %zu bytes.", used, entry_bytes(sig_bits));
    return static_cast<int>(used / entry_bytes(sig_bits));
}

IxbMeta append_to_buffer(Relation index, const char* entry, int sig_bits) {
    const std::size_t ebytes = entry_bytes(sig_bits);
    for (int attempt = 0; attempt < kMaxAppendAttempts; ++attempt) {
        CHECK_FOR_INTERRUPTS();
        const IxbMeta meta = read_meta(index);
        if (meta.buf_tail != InvalidBlockNumber && append_to_tail(index, meta.buf_tail, entry, ebytes))
            return meta;
        extend_buffer(index, meta.buf_tail);
    }
    ereport(ERROR,
            (errcode(ERRCODE_INDEX_CORRUPTED),
             errmsg("index \"%s\" found no usable insert-buffer tail in %d attempts", RelationGetRelationName(index),
                    kMaxAppendAttempts),
             errhint("REINDEX the index if this persists.")));
}

void seal_buffer(Relation index) {
    Buffer meta_buf = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
    const IxbMeta meta = *page_meta(BufferGetPage(meta_buf));
    if (meta.buf_tail == InvalidBlockNumber) {
        UnlockReleaseBuffer(meta_buf);
        return;
    }
    Buffer tail = lock_chain_tail(index, meta.buf_tail, ixpg::kMetaBlock, kPageBuffer, "insert-buffer tail");
    if (buffer_entries(index, meta.buf_tail, BufferGetPage(tail), meta.sig_bits) == 0) {
        UnlockReleaseBuffer(tail);
        UnlockReleaseBuffer(meta_buf);
        return;
    }
    // (new_page never hands out the tail or the metapage: both are held.)
    Buffer fresh = ixpg::new_page(index, kPages);
    link_new_tail(index, meta_buf, tail, fresh);
    UnlockReleaseBuffer(fresh);
    UnlockReleaseBuffer(tail);
    UnlockReleaseBuffer(meta_buf);
}

}  // namespace ixbloom
