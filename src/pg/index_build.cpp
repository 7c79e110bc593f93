// index_build.cpp — build-time helpers shared by the access methods.
#include "pg/index_build.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/xloginsert.h"
#include "commands/progress.h"
#include "storage/bufmgr.h"
#include "utils/backend_progress.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixpg {

void check_fork_empty(Relation index, ForkNumber fork) {
    if (RelationGetNumberOfBlocksInFork(index, fork) != 0)
        elog(ERROR, "index \"%s\" already contains data", RelationGetRelationName(index));
}

void log_built_pages(Relation index, ForkNumber fork) {
    if (RelationNeedsWAL(index) || fork == INIT_FORKNUM)
        log_newpage_range(index, fork, 0, RelationGetNumberOfBlocksInFork(index, fork), true);
}

namespace progress {

void set_phase(int64 phase) { pgstat_progress_update_param(PROGRESS_CREATEIDX_SUBPHASE, phase); }

void TupleCounter::add() {
    if (++done % kTuplesPerReport == 0)
        pgstat_progress_update_param(PROGRESS_CREATEIDX_TUPLES_DONE, done);
}

}  // namespace progress
}  // namespace ixpg
