// page_alloc.cpp — page allocation and recycling through the index FSM.
#include "pg/page_alloc.hpp"
#include "pg/generic_wal.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/freespace.h"
#include "storage/indexfsm.h"
#include "storage/lmgr.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixpg {

Buffer new_page(Relation index, const PageSpec& spec, ForkNumber fork) {
    // The FSM is a hint: a page it offers may have been taken meanwhile, or
    // (damaged) be any page at all.  Only the main fork has an FSM.
    if (fork == MAIN_FORKNUM) {
        const BlockNumber nblocks = RelationGetNumberOfBlocks(index);
        for (;;) {
            const BlockNumber blkno = GetFreeIndexPage(index);
            if (blkno == InvalidBlockNumber)
                break;
            if (blkno == kMetaBlock || blkno >= nblocks)
                continue;
            Buffer buf = ReadBuffer(index, blkno);
            // Conditional: a page someone holds, we included, is not free.
            if (ConditionalLockBuffer(buf)) {
                Page page = BufferGetPage(buf);
                if (page_is_reusable(page, spec))
                    return buf;
                LockBuffer(buf, BUFFER_LOCK_UNLOCK);
            }
            ReleaseBuffer(buf);
        }
    }
    LockRelationForExtension(index, ExclusiveLock);
    Buffer buf = ReadBufferExtended(index, fork, P_NEW, RBM_NORMAL, nullptr);
    LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
    UnlockRelationForExtension(index, ExclusiveLock);
    return buf;
}

BlockNumber extend_contiguous(Relation index, uint32 n, ForkNumber fork) {
    LockRelationForExtension(index, ExclusiveLock);
    BlockNumber first = InvalidBlockNumber;
    for (uint32 i = 0; i < n; ++i) {
        Buffer buf = ReadBufferExtended(index, fork, P_NEW, RBM_NORMAL, nullptr);
        if (i == 0)
            first = BufferGetBlockNumber(buf);
        ReleaseBuffer(buf);
    }
    UnlockRelationForExtension(index, ExclusiveLock);
    return first;
}

// One FSM lookup per block (a fraction of a microsecond each, the FSM page
// being cached) bounds a search to about 50 ms; a larger index extends.
constexpr BlockNumber kMaxRunSearchBlocks = 262144;

BlockNumber claim_free_run(Relation index, uint32 n) {
    // Runs are claimed by folds and merges, a few per thousands of rows,
    // never per row.  The shortest run that fits (best fit), so that long
    // runs stay for large groups.
    const BlockNumber nblocks = RelationGetNumberOfBlocks(index);
    if (n == 0 || nblocks > kMaxRunSearchBlocks)
        return InvalidBlockNumber;
    // An index that only grows has no free page, and its writers hold the
    // caller's lock (a fold's is exclusive) while the walk below reads the
    // FSM block by block.  Once its upper levels are brought up to date (a
    // read of its pages, one per ~4,000 blocks), the FSM's root tells
    // whether any page is free at all.
    publish_free_pages(index);
    if (GetPageWithFreeSpace(index, BLCKSZ / 2) == InvalidBlockNumber)
        return InvalidBlockNumber;
    BlockNumber first = InvalidBlockNumber;
    uint32 best = 0;
    uint32 run = 0;
    for (BlockNumber b = kMetaBlock + 1; b <= nblocks; ++b) {
        if (b < nblocks && GetRecordedFreeSpace(index, b) > 0) {
            ++run;
            continue;
        }
        if (run >= n && (best == 0 || run < best)) {
            best = run;
            first = b - run;
        }
        run = 0;
    }
    if (first == InvalidBlockNumber)
        return InvalidBlockNumber;
    for (uint32 i = 0; i < n; ++i)
        RecordUsedIndexPage(index, first + i);
    return first;
}

void give_back_run(Relation index, BlockNumber first, uint32 n) {
    for (uint32 i = 0; i < n; ++i)
        RecordFreeIndexPage(index, first + i);
}

bool page_is_reusable(Page page, const PageSpec& spec) {
    return PageIsNew(page) || page_is(page, spec, spec.deleted_kind);
}

void free_page(Relation index, const PageSpec& spec, BlockNumber blkno) {
    Buffer buf = ReadBuffer(index, blkno);
    LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
    if (!page_is(BufferGetPage(buf), spec, spec.deleted_kind))
        log_change(index, {buf}, GENERIC_XLOG_FULL_IMAGE, [&](Page* p) { init_page(p[0], spec, spec.deleted_kind); });
    UnlockReleaseBuffer(buf);
    RecordFreeIndexPage(index, blkno);
}

void publish_free_pages(Relation index) { IndexFreeSpaceMapVacuum(index); }

}  // namespace ixpg
