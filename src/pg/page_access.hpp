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

// The header, and line pointer `item` alone (it must exist): for a writer
// that reads one item of the page.
void check_page_item(Relation rel, BlockNumber blkno, Page page, OffsetNumber item, std::size_t min_item_len);

// The same for the header alone, for pages whose body is not line pointers
// (metapages) or whose items the caller does not read.
void check_page_header(Relation rel, BlockNumber blkno, Page page);

// Validate a locked page's header and tally its items first..max in one
// pass (see ixcore::PageView::tally_items); report_corrupted_page() if any
// item with storage lies outside the tuple area.
void tally_page_items(Relation rel, BlockNumber blkno, Page page, OffsetNumber first, std::size_t min_item_len,
                      ixcore::PageView::ItemTally& tally);

// How many blocks one pg_call covers in for_each_block().  A guard costs a
// sigsetjmp; per page that was a measurable share of a metapage-light scan
// such as pgstatindex, per 256 pages it is noise.
constexpr BlockNumber kBlocksPerGuard = 256;

// Call visit(blkno) for every block in [first, end), with CHECK_FOR_INTERRUPTS
// before each, inside one pg_call per kBlocksPerGuard blocks.  visit() talks
// to PostgreSQL directly (read, lock, release buffers) and so must keep no
// object with a non-trivial destructor alive: an ERROR longjmps straight to
// the batch's guard, and becomes a PgError there.  Pins and locks still held
// at that moment are released by transaction abort.
template <class Visit>
void for_each_block(BlockNumber first, BlockNumber end, Visit&& visit) {
    BlockNumber blkno = first;
    while (blkno < end) {
        const BlockNumber batch_end = end - blkno > kBlocksPerGuard ? blkno + kBlocksPerGuard : end;
        pg_call([&] {
            for (; blkno < batch_end; ++blkno) {
                CHECK_FOR_INTERRUPTS();
                visit(blkno);
            }
        });
    }
}

// The number of blocks in the main fork right now.
BlockNumber relation_blocks(Relation rel);

}  // namespace ixpg
