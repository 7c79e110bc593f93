// pages.cpp — ixbloom page helpers: initialisation, checks, allocation, the
// metapage and the group directory, the fold lock.
#include "ixbloom/ixbloom.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/indexfsm.h"
#include "storage/lmgr.h"
IXPG_END_C_HEADERS

namespace ixbloom {

void init_page(Page page, uint16 flags) {
    PageInit(page, BLCKSZ, sizeof(IxbPageOpaque));
    IxbPageOpaque* op = page_opaque(page);
    op->flags = flags;
    op->unused = 0;
    op->next = InvalidBlockNumber;
    op->reserved = 0;
    op->page_id = kPageId;
}

void check_page_kind(Relation index, BlockNumber blkno, Page page, uint16 kinds) {
    if (PageIsNew(page) || PageGetSpecialSize(page) != MAXALIGN(sizeof(IxbPageOpaque)) ||
        page_opaque(page)->page_id != kPageId || (page_opaque(page)->flags & kinds) == 0 ||
        ((PageHeader)page)->pd_lower > ((PageHeader)page)->pd_upper ||
        ((PageHeader)page)->pd_lower < MAXALIGN(SizeOfPageHeaderData))
        ereport(ERROR,
                (errcode(ERRCODE_INDEX_CORRUPTED),
                 errmsg("index \"%s\" contains an unexpected or corrupted page at block %u",
                        RelationGetRelationName(index), blkno),
                 errhint("REINDEX the index.")));
}

int buffer_entries(Page page, int sig_bits) {
    const std::size_t used = ((PageHeader)page)->pd_lower - MAXALIGN(SizeOfPageHeaderData);
    return static_cast<int>(used / entry_bytes(sig_bits));
}

Buffer new_page(Relation index, bool allow_recycled) {
    // A recycled page is usable only if nobody else grabbed it meanwhile and
    // it really is a deleted ixbloom page (the FSM is only a hint).
    while (allow_recycled) {
        BlockNumber blkno = GetFreeIndexPage(index);
        if (blkno == InvalidBlockNumber)
            break;
        Buffer buf = ReadBuffer(index, blkno);
        if (ConditionalLockBuffer(buf)) {
            Page page = BufferGetPage(buf);
            if (PageIsNew(page) ||
                (PageGetSpecialSize(page) == MAXALIGN(sizeof(IxbPageOpaque)) && (page_opaque(page)->flags & kPageDeleted)))
                return buf;
            LockBuffer(buf, BUFFER_LOCK_UNLOCK);
        }
        ReleaseBuffer(buf);
    }
    LockRelationForExtension(index, ExclusiveLock);
    Buffer buf = ReadBufferExtended(index, MAIN_FORKNUM, P_NEW, RBM_NORMAL, nullptr);
    LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
    UnlockRelationForExtension(index, ExclusiveLock);
    return buf;
}

BlockNumber extend_contiguous(Relation index, uint32 n) {
    LockRelationForExtension(index, ExclusiveLock);
    BlockNumber first = InvalidBlockNumber;
    for (uint32 i = 0; i < n; ++i) {
        Buffer buf = ReadBufferExtended(index, MAIN_FORKNUM, P_NEW, RBM_NORMAL, nullptr);
        if (i == 0)
            first = BufferGetBlockNumber(buf);
        ReleaseBuffer(buf);
    }
    UnlockRelationForExtension(index, ExclusiveLock);
    return first;
}

IxbMeta read_meta(Relation index) {
    Buffer buf = ReadBuffer(index, kMetaBlock);
    LockBuffer(buf, BUFFER_LOCK_SHARE);
    Page page = BufferGetPage(buf);
    check_page_kind(index, kMetaBlock, page, kPageMeta);
    IxbMeta meta = *page_meta(page);
    UnlockReleaseBuffer(buf);
    if (meta.magic != kMagic)
        ereport(ERROR,
                (errcode(ERRCODE_INDEX_CORRUPTED),
                 errmsg("index \"%s\" is not an ixbloom index", RelationGetRelationName(index))));
    if (meta.sig_bits < bl::kMinSignatureBits || meta.sig_bits > bl::kMaxSignatureBits || meta.sig_bits % 16 != 0 ||
        meta.ncols < 1 || meta.ncols > bl::kMaxColumns)
        ereport(ERROR,
                (errcode(ERRCODE_INDEX_CORRUPTED),
                 errmsg("index \"%s\" has a corrupted metapage (signature of %u bits, %u columns)",
                        RelationGetRelationName(index), meta.sig_bits, meta.ncols),
                 errhint("REINDEX the index.")));
    if (meta.format_version != kFormatVersion)
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg("index \"%s\" has ixbloom format version %u, this build reads version %u",
                        RelationGetRelationName(index), meta.format_version, kFormatVersion),
                 errhint("REINDEX the index.")));
    return meta;
}

ChainWalk::ChainWalk(Relation index) : index_(index), nblocks_(RelationGetNumberOfBlocks(index)) {}

bool ChainWalk::try_visit(BlockNumber blkno) {
    ++visited_;
    if (blkno >= nblocks_ || visited_ > nblocks_) {
        // Concurrent inserts may have extended the chain since we started.
        nblocks_ = RelationGetNumberOfBlocks(index_);
        if (blkno >= nblocks_ || visited_ > nblocks_)
            return false;
    }
    return blkno != kMetaBlock;
}

void ChainWalk::visit(BlockNumber blkno) {
    if (!try_visit(blkno))
        ereport(ERROR,
                (errcode(ERRCODE_INDEX_CORRUPTED),
                 errmsg("index \"%s\" has a broken page chain at block %u", RelationGetRelationName(index_), blkno),
                 errdetail("The chain leads outside the index or loops."), errhint("REINDEX the index.")));
}

IxbGroup* read_groups(Relation index, const IxbMeta& meta, uint32* ngroups) {
    const BlockNumber nblocks = meta.ngroups > 0 ? RelationGetNumberOfBlocks(index) : 0;
    // Every group takes at least two blocks (a slice page and a TID page).
    if (meta.ngroups > nblocks)
        ereport(ERROR,
                (errcode(ERRCODE_INDEX_CORRUPTED),
                 errmsg("index \"%s\" has a corrupted metapage (%u groups in %u blocks)", RelationGetRelationName(index),
                        meta.ngroups, nblocks),
                 errhint("REINDEX the index.")));
    IxbGroup* groups = static_cast<IxbGroup*>(palloc(sizeof(IxbGroup) * (static_cast<std::size_t>(meta.ngroups) + 1)));
    uint32 n = 0;
    ChainWalk walk(index, nblocks);
    for (BlockNumber blkno = meta.dir_head; blkno != InvalidBlockNumber && n < meta.ngroups;) {
        walk.visit(blkno);
        Buffer buf = ReadBuffer(index, blkno);
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        Page page = BufferGetPage(buf);
        check_page_kind(index, blkno, page, kPageDirectory);
        const std::size_t count =
            (((PageHeader)page)->pd_lower - MAXALIGN(SizeOfPageHeaderData)) / sizeof(IxbGroup);
        const IxbGroup* on_page = reinterpret_cast<const IxbGroup*>(page_body(page));
        for (std::size_t i = 0; i < count && n < meta.ngroups; ++i) {
            const IxbGroup& g = on_page[i];
            // Everything a scan computes from a descriptor must stay inside
            // the index and inside its buffers.
            const bl::GroupGeometry geo = group_geometry(g, meta.sig_bits);
            if (g.capacity == 0 || g.capacity % 64 != 0 || g.capacity > bl::max_group_capacity(kPageBytes) ||
                g.nrows == 0 || g.nrows > g.capacity || g.live > g.nrows || g.tid_pages == 0 ||
                g.tid_pages > bl::kMaxTidPages || g.first == kMetaBlock || g.first >= nblocks ||
                geo.total_pages() > nblocks - g.first)
                ereport(ERROR,
                        (errcode(ERRCODE_INDEX_CORRUPTED),
                         errmsg("index \"%s\" has a corrupted group descriptor in directory block %u",
                                RelationGetRelationName(index), blkno),
                         errhint("REINDEX the index.")));
            groups[n++] = g;
        }
        blkno = page_opaque(page)->next;
        UnlockReleaseBuffer(buf);
    }
    *ngroups = n;
    return groups;
}

void lock_fold(Relation index, LOCKMODE mode) { LockPage(index, kMetaBlock, mode); }
bool try_lock_fold(Relation index, LOCKMODE mode) { return ConditionalLockPage(index, kMetaBlock, mode); }
void unlock_fold(Relation index, LOCKMODE mode) { UnlockPage(index, kMetaBlock, mode); }

}  // namespace ixbloom
