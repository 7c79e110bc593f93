// page_alloc.hpp — where an access method's new pages come from and where
// its freed pages go: the index free space map, or new blocks at the end.
#pragma once

#include "pg/am_page.hpp"

IXPG_BEGIN_C_HEADERS
#include "common/relpath.h"
#include "storage/bufmgr.h"
IXPG_END_C_HEADERS

namespace ixpg {

// A page to initialise, exclusively locked: a page the FSM offers, if it is
// still free (all zeros, or of the method's deleted kind) and not the
// metapage, past the end or locked by anyone (this backend included: a page
// already held can never be handed out again); else a new block.
Buffer new_page(Relation index, const PageSpec& spec, ForkNumber fork = MAIN_FORKNUM);

// n new blocks, contiguous at the end of the fork (pinned by nobody;
// all zeros until the caller writes them); returns the first.
BlockNumber extend_contiguous(Relation index, uint32 n, ForkNumber fork = MAIN_FORKNUM);

// n contiguous blocks of the main fork that the FSM records as free, now
// recorded as used there; InvalidBlockNumber if there is no such run (or
// the index has more than 262,144 blocks, 2 GB: the search reads the FSM
// block by block; it publishes the FSM first, and skips the search when no
// page is free).  The
// FSM is a hint: before writing a page of the run, the caller locks it and
// checks page_is_reusable, since an insert may have taken the page from
// the FSM before the run was recorded as used.  The caller gives back what
// it did not write with give_back_run.
BlockNumber claim_free_run(Relation index, uint32 n);
void give_back_run(Relation index, BlockNumber first, uint32 n);
// May this page, locked by the caller, be written from scratch: never
// initialised, or of the method's deleted kind?
bool page_is_reusable(Page page, const PageSpec& spec);

// Re-initialise a page as the deleted kind (one WAL record, a full image;
// none if it already is one) and offer it in the FSM.  The caller holds no
// lock on it.
void free_page(Relation index, const PageSpec& spec, BlockNumber blkno);

// Make pages freed since the last call findable: GetFreeIndexPage searches
// the FSM from its upper levels, which RecordFreeIndexPage does not update.
void publish_free_pages(Relation index);

}  // namespace ixpg
