// chain_walk.hpp — following a chain of pages linked through the opaque
// struct's `next` (ixbloom's insert buffer and group directory; any method's
// page lists).  Damage must not turn a walk into a hang or a wild read, so
// every link is checked before it is followed: it must name a block of the
// index other than the metapage, and the walk may visit no more blocks than
// the index has (more means the links form a cycle).
//
//   ChainWalk walk(index, spec, kind, head);
//   while (!walk.done()) {
//       Buffer buf = walk.read(BUFFER_LOCK_SHARE);   // checked, locked
//       ... use BufferGetPage(buf) ...
//       UnlockReleaseBuffer(buf);
//       walk.advance();                              // to the link read above
//   }
//
// Trivially destructible, so it may live in frames an ERROR longjmps through.
#pragma once

#include "pg/am_page.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/bufmgr.h"
IXPG_END_C_HEADERS

#include <type_traits>

namespace ixpg {

class ChainWalk {
public:
    // stop: a block at which the walk ends before reading it (ixbloom's
    // fold stops at the buffer's tail); strategy: for VACUUM's reads.
    ChainWalk(Relation index, const PageSpec& spec, uint16 kind, BlockNumber head, BlockNumber stop = InvalidBlockNumber,
              BufferAccessStrategy strategy = nullptr);

    bool done() const { return current_ == InvalidBlockNumber || current_ == stop_; }
    BlockNumber current() const { return current_; }

    // Read and lock the current page and check it is a page of the chain's
    // kind; index_corrupted ("a broken page chain") if the link leads
    // outside the index, to the metapage or around a loop.  Reading the
    // same block again without advance() (after letting go of it) counts once.
    Buffer read(int lock_mode);

    // The same check, answered instead of raised: InvalidBuffer if the link
    // or the page is not what the chain needs.  On a hot standby, replay can
    // recycle pages under a walk; the caller then starts again.
    Buffer try_read(int lock_mode);

    // The error of a broken chain, for a walker that finds a break the walk
    // cannot see (two chains that meet): names the index and the block.
    [[noreturn]] static void report_broken(Relation index, BlockNumber blkno, const char* detail);

    // Move to the link of the page read last.
    void advance() {
        current_ = next_;
        advanced_ = true;
    }

private:
    bool link_ok();

    Relation index_;
    const PageSpec* spec_;
    uint16 kind_;
    BlockNumber current_;
    BlockNumber stop_;
    BufferAccessStrategy strategy_;
    BlockNumber nblocks_;
    BlockNumber next_ = InvalidBlockNumber;
    bool advanced_ = true;  // the current block has not been read yet
    uint32 visited_ = 0;
};
static_assert(std::is_trivially_destructible<ChainWalk>::value, "lives in frames an ERROR may cross");

}  // namespace ixpg
