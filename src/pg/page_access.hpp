// page_access.hpp — reading and validating relation pages from C++.
#pragma once

#include "pg/guard.hpp"
#include "core/page_layout.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

namespace ixpg {

// ERROR with ERRCODE_DATA_CORRUPTED (heap) or ERRCODE_INDEX_CORRUPTED
// (index), naming the relation, the block and what is wrong.
[[noreturn]] void report_corrupted_page(Relation rel, BlockNumber blkno, ixcore::PageFault fault);

// Validate a locked, non-new page through the core codec before any line
// pointer on it is trusted; report_corrupted_page() if it fails.
void check_page(Relation rel, BlockNumber blkno, Page page, std::size_t min_item_len);

// The same for the header alone, for pages whose body is not line pointers
// (metapages) or whose items the caller does not read.
void check_page_header(Relation rel, BlockNumber blkno, Page page);

// Read one block through `strategy`, lock it in `lock_mode`, hand the page to
// visit(page, buffer), then unlock and release.  The whole step runs inside
// one pg_call, so a PostgreSQL error on the way becomes a PgError and a C++
// exception from visit() leaves no dangling PG_TRY.  Pins and locks still
// held when an error escapes are released by transaction abort.
template <class Visit>
void visit_page(Relation rel, BlockNumber blkno, BufferAccessStrategy strategy, int lock_mode, Visit&& visit) {
    pg_call([&] {
        Buffer buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
        LockBuffer(buf, lock_mode);
        visit(BufferGetPage(buf), buf);
        UnlockReleaseBuffer(buf);
    });
}

// The number of blocks in the main fork right now.
BlockNumber relation_blocks(Relation rel);

}  // namespace ixpg
