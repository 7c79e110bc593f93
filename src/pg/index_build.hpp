// index_build.hpp — the parts of CREATE INDEX every method shares: build
// progress in pg_stat_progress_create_index, and pages written through
// shared buffers without WAL, then logged once at the end (as pgvector
// does), which is also how the init fork of an UNLOGGED index is written.
#pragma once

#include "pg/postgres.hpp"

IXPG_BEGIN_C_HEADERS
#include "common/relpath.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

#include <cstddef>

namespace ixpg {

// ERROR unless the fork is empty (ambuild and ambuildempty start from nothing).
void check_fork_empty(Relation index, ForkNumber fork);

// After a build wrote every page of `fork` through shared buffers without
// WAL: log them all with log_newpage_range when the index needs WAL, and
// always for the init fork (crash recovery copies it over the main fork of
// an unlogged index, so it must survive a crash).  A build of the main fork
// needs no sync: the pages are dirty buffers that checkpoints write, and at
// wal_level = minimal PostgreSQL syncs the new relation at commit.
void log_built_pages(Relation index, ForkNumber fork);

// Build progress (pg_stat_progress_create_index).
namespace progress {

// The method's subphase (its ambuildphasename names it).
void set_phase(int64 phase);

// Tuples done, reported every kTuplesPerReport (a report per tuple is a
// measurable share of a build).  Plain data: lives in a build state.
struct TupleCounter {
    static constexpr int64 kTuplesPerReport = 10000;
    int64 done;

    void add();
};

// ambuildphasename over a method's table of names: NULL for other phases.
struct PhaseName {
    int64 phase;
    const char* name;
};
template <std::size_t N>
char* phase_name(const PhaseName (&names)[N], int64 phase) {
    for (const PhaseName& p : names)
        if (p.phase == phase)
            return const_cast<char*>(p.name);
    return nullptr;
}

}  // namespace progress
}  // namespace ixpg
