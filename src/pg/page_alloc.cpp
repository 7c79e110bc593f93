// page_alloc.cpp — page allocation and recycling through the index FSM.
#include "pg/page_alloc.hpp"
#include "pg/generic_wal.hpp"

IXPG_BEGIN_C_HEADERS
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
                if (PageIsNew(page) || page_is(page, spec, spec.deleted_kind))
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
