// generic_wal.hpp — GenericXLog from C++: one record for up to four locked
// buffers, so that crash recovery and standbys work without a custom WAL
// resource manager (and without shared_preload_libraries).
#pragma once

#include "pg/postgres.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/generic_xlog.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

#include <initializer_list>

namespace ixpg {

// Register each exclusively locked buffer, let modify(pages) change the
// registered page images (pages[i] belongs to the i-th buffer), then finish
// the record.  flags: 0 for a delta, GENERIC_XLOG_FULL_IMAGE for a page
// written from scratch.  Runs PostgreSQL code: call it inside pg_call or
// where no C++ object with a destructor is alive, and keep modify free of
// such objects too; nothing C++ happens inside GenericXLogFinish.  On an
// unlogged relation GenericXLog applies the change without WAL.
template <class Modify>
void log_change(Relation rel, std::initializer_list<Buffer> buffers, int flags, Modify&& modify) {
    GenericXLogState* state = GenericXLogStart(rel);
    Page pages[MAX_GENERIC_XLOG_PAGES];
    int n = 0;
    for (Buffer b : buffers)
        pages[n++] = GenericXLogRegisterBuffer(state, b, flags);
    modify(pages);
    GenericXLogFinish(state);
}

// The same with a flag per buffer: GENERIC_XLOG_FULL_IMAGE for a page that
// is created or re-initialised (redo must not need its old contents: a new
// block may not exist on the standby, or may be all zeros after a crash),
// 0 for a delta on an existing page.
template <class Modify>
void log_change(Relation rel, std::initializer_list<Buffer> buffers, std::initializer_list<int> flags,
                Modify&& modify) {
    GenericXLogState* state = GenericXLogStart(rel);
    Page pages[MAX_GENERIC_XLOG_PAGES];
    int n = 0;
    const int* f = flags.begin();
    for (Buffer b : buffers)
        pages[n++] = GenericXLogRegisterBuffer(state, b, *f++);
    modify(pages);
    GenericXLogFinish(state);
}

// The same for n buffers known only at run time (1 <= n <= 4), all with
// the same flags.
template <class Modify>
void log_change(Relation rel, const Buffer* buffers, int n, int flags, Modify&& modify) {
    GenericXLogState* state = GenericXLogStart(rel);
    Page pages[MAX_GENERIC_XLOG_PAGES];
    for (int i = 0; i < n; ++i)
        pages[i] = GenericXLogRegisterBuffer(state, buffers[i], flags);
    modify(pages);
    GenericXLogFinish(state);
}

}  // namespace ixpg
