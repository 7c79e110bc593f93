// index_census.hpp — ixstat.index_stats(): one page census with the same
// columns for every supported access method.  Each method has a reader that
// classifies a page (meta, internal, leaf, free, other) and counts its
// entries; index_stats.cpp walks the blocks (all of them, or an evenly
// spaced sample for the health report's cheap estimate) and forms the row.
//
// Readers run inside ixpg::pg_call (they read pages and may raise
// index_corrupted), so every type here is trivially destructible.
#pragma once

#include "pg/guard.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/bufpage.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

#include <type_traits>

namespace ixstat {

struct Census {
    uint64 total = 0, meta = 0, internal = 0, leaf = 0, free = 0, other = 0;
    uint64 live = 0, dead = 0;
    uint64 free_bytes = 0;   // unused bytes of pages in use, plus every byte of free pages
    uint64 dead_bytes = 0;   // bytes held by dead entries (detail)
    uint64 leaf_used = 0;    // leaf pages: bytes in use ...
    uint64 leaf_usable = 0;  // ... of the bytes they offer (avg_fill)

    // Method-specific figures for the detail column, in the order first
    // named.  Sampled censuses scale the counters, never the facts.
    static constexpr int kMaxDetail = 8;
    struct Item {
        const char* name;
        double value;
        bool scales;  // a per-page count (scaled by sampling), not a fact of the metapage
    };
    Item detail[kMaxDetail];
    int ndetail = 0;

    void add(const char* name, double delta, bool scales = true);
};
static_assert(std::is_trivially_destructible<Census>::value, "lives in pg_call frames");

// What a reader keeps from the metapage for the other pages.
struct ReaderState {
    uint32 entry_bytes;     // contrib bloom: tuple size; ixbloom: insert-buffer entry size
    uint32 sig_bits;        // ixbloom
    uint32 format_version;  // ixlearn: its leaves' lane layout
};

struct CensusReader {
    const char* am_name;
    BlockNumber first_page;  // the first block page() is given (after a metapage)
    // Block 0 when it is a metapage (first_page == 1): check it, count it,
    // and fill state.  NULL for methods without one.
    void (*meta)(Relation index, Census& c, ReaderState& state);
    // One block, locked in share mode, never the metapage.
    void (*page)(Relation index, BlockNumber blkno, Page page, Census& c, const ReaderState& state);
};

// The reader of an access method by name, or NULL if it is not supported.
const CensusReader* builtin_reader(const char* am_name);  // census_builtin.cpp
const CensusReader* extension_reader(const char* am_name);  // census_extensions.cpp: bloom, ixbloom, ixbrin

// Shared by readers: count a page in use whose items are line pointers
// (tallied and bounds-checked from `first`), as leaf (entries counted) or
// not; free bytes from the page's hole.
void count_item_page(Relation index, BlockNumber blkno, Page page, OffsetNumber first, std::size_t min_item_len,
                     bool leaf, Census& c);
// Count a leaf page's fill and free bytes only (entries counted by the
// caller): `free` is what a new entry could use (PageGetFreeSpace on pages
// of line pointers, as pgstatindex counts it; the hole on other pages).
void count_leaf_bytes(Page page, Size free, Census& c);

// index_stats(): sample_pages 0 reads every block; otherwise at most that
// many evenly spaced blocks after the metapage, scaled to the whole index.
Datum index_stats(Relation index, uint32 sample_pages, FunctionCallInfo fcinfo);

}  // namespace ixstat
