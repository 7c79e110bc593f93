// fold.cpp — folding the insert buffer into bit-sliced groups, in the WAL
// order of docs/ixbloom-format.md: group pages first (unreachable until
// committed), then the metapage + directory record (the commit point), then
// the folded buffer pages are freed.  And the fold lock.
#include "ixbloom/ixbloom.hpp"
#include "pg/chain_walk.hpp"
#include "pg/page_alloc.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/lmgr.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

// The rows of the buffer pages being folded, and those pages.
struct FoldState {
    Relation index;
    bl::SignatureShape shape;
    uint16* sigs;
    bl::Tid* tids;
    BlockNumber* pages;
    uint32 rows;
    uint32 npages;
    bool freed;
};

// Write the collected rows as a group, commit it (the buffer's head moves
// to next_head), then free the folded pages.
void flush(FoldState* fs, BlockNumber next_head) {
    IxbGroup group = {};
    const uint32 ngroups = fs->rows > 0 ? 1 : 0;
    if (fs->rows > 0)
        group = write_group(fs->index, fs->shape, fs->sigs, fs->tids, fs->rows, true);
    commit_groups(fs->index, &group, ngroups, next_head, fs->npages);
    for (uint32 i = 0; i < fs->npages; ++i)
        ixpg::free_page(fs->index, kPages, fs->pages[i]);
    fs->freed |= fs->npages > 0;
    fs->rows = 0;
    fs->npages = 0;
}

}  // namespace

void fold_buffer(Relation index, bool seal) {
    if (seal)
        seal_buffer(index);
    const IxbMeta meta = read_meta(index);
    const uint32 max_rows = bl::max_group_capacity(kPageBytes);
    check_buffer_pages(index, meta);

    MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbloom fold", ALLOCSET_DEFAULT_SIZES);
    MemoryContext old = MemoryContextSwitchTo(cxt);
    FoldState fs;
    fs.index = index;
    fs.shape = cached_shape(index);
    const std::size_t words = static_cast<std::size_t>(fs.shape.words());
    const std::size_t ebytes = entry_bytes(fs.shape.bits);
    fs.sigs = static_cast<uint16*>(palloc_extended(sizeof(uint16) * words * max_rows, MCXT_ALLOC_HUGE));
    fs.tids = static_cast<bl::Tid*>(palloc(sizeof(bl::Tid) * max_rows));
    fs.pages = static_cast<BlockNumber*>(palloc(sizeof(BlockNumber) * (max_rows + 1)));
    fs.rows = fs.npages = 0;
    fs.freed = false;

    // Only pages before the tail: inserts touch nothing but the tail.
    ixpg::ChainWalk walk(index, kPages, kPageBuffer, meta.buf_head, meta.buf_tail);
    while (!walk.done()) {
        CHECK_FOR_INTERRUPTS();
        const BlockNumber blkno = walk.current();
        Buffer buf = walk.read(BUFFER_LOCK_SHARE);
        Page page = BufferGetPage(buf);
        const int n = buffer_entries(index, blkno, page, fs.shape.bits);
        if (fs.rows + static_cast<uint32>(n) > max_rows || fs.npages == max_rows) {
            UnlockReleaseBuffer(buf);
            flush(&fs, blkno);
            continue;  // read this page again, into the next group
        }
        const char* body = ixpg::page_body(page);
        for (int i = 0; i < n; ++i) {
            const char* e = body + i * ebytes;
            std::memcpy(&fs.tids[fs.rows], e, sizeof(bl::Tid));
            std::memcpy(&fs.sigs[fs.rows * words], e + sizeof(ItemPointerData), fs.shape.bits / 8);
            ++fs.rows;
        }
        fs.pages[fs.npages++] = blkno;
        UnlockReleaseBuffer(buf);
        walk.advance();
    }
    if (fs.npages > 0)
        flush(&fs, meta.buf_tail);
    // Without this the buffer kept growing the index under steady inserts.
    if (fs.freed)
        ixpg::publish_free_pages(index);

    MemoryContextSwitchTo(old);
    MemoryContextDelete(cxt);
}

void lock_fold(Relation index, LOCKMODE mode) { LockPage(index, ixpg::kMetaBlock, mode); }
bool try_lock_fold(Relation index, LOCKMODE mode) { return ConditionalLockPage(index, ixpg::kMetaBlock, mode); }
void unlock_fold(Relation index, LOCKMODE mode) { UnlockPage(index, ixpg::kMetaBlock, mode); }

}  // namespace ixbloom
