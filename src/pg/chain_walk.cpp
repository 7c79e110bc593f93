// chain_walk.cpp — checked traversal of page chains.
#include "pg/chain_walk.hpp"

#include "pg/longjmp_safe.hpp"

namespace ixpg {

ChainWalk::ChainWalk(Relation index, const PageSpec& spec, uint16 kind, BlockNumber head, BlockNumber stop,
                     BufferAccessStrategy strategy)
    : index_(index), spec_(&spec), kind_(kind), current_(head), stop_(stop), strategy_(strategy),
      nblocks_(head == InvalidBlockNumber ? 0 : RelationGetNumberOfBlocks(index)) {}

bool ChainWalk::link_ok() {
    if (!advanced_)
        return true;  // the page read last, again
    advanced_ = false;
    ++visited_;
    if (current_ >= nblocks_ || visited_ > nblocks_) {
        // Concurrent writers may have extended the chain since we started.
        nblocks_ = RelationGetNumberOfBlocks(index_);
        if (current_ >= nblocks_ || visited_ > nblocks_)
            return false;
    }
    return current_ != kMetaBlock;
}

void ChainWalk::report_broken(Relation index, BlockNumber blkno, const char* detail) {
    ereport(ERROR,
            (errcode(ERRCODE_INDEX_CORRUPTED),
             errmsg("index \"%s\" has a broken page chain at block %u", RelationGetRelationName(index), blkno),
             errdetail("%s", detail), errhint("REINDEX the index.")));
    pg_unreachable();
}

Buffer ChainWalk::read(int lock_mode) {
    if (!link_ok()) {
        char detail[128];
        snprintf(detail, sizeof detail, "The chain of %s pages leads outside the index, to its metapage, or around a loop.",
                 spec_->kind_name(kind_));
        report_broken(index_, current_, detail);
    }
    Buffer buf = ReadBufferExtended(index_, MAIN_FORKNUM, current_, RBM_NORMAL, strategy_);
    LockBuffer(buf, lock_mode);
    check_page_kind(index_, current_, BufferGetPage(buf), *spec_, kind_);
    next_ = page_next(BufferGetPage(buf), *spec_);
    return buf;
}

Buffer ChainWalk::try_read(int lock_mode) {
    if (!link_ok())
        return InvalidBuffer;
    Buffer buf = ReadBufferExtended(index_, MAIN_FORKNUM, current_, RBM_NORMAL, strategy_);
    LockBuffer(buf, lock_mode);
    if (!page_is(BufferGetPage(buf), *spec_, kind_)) {
        UnlockReleaseBuffer(buf);
        return InvalidBuffer;
    }
    next_ = page_next(BufferGetPage(buf), *spec_);
    return buf;
}

}  // namespace ixpg
