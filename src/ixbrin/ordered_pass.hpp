// ordered_pass.hpp — the parts of an ordered scan (docs/ixbrin.md,
// "Ordered scans"):
//   heap_rows.cpp      the visible rows of one heap page, as index keys and
//                      the root TIDs of their HOT chains
//   ordered_pass.cpp   one pass: the candidate ranges in one direction, rows
//                      out in exact key order, from a position on
//   ordered_scan.cpp   amgettuple's contract over passes: direction changes,
//                      mark and restore
// Rows are ordered by every index column (its DESC and NULLS FIRST, as
// btree), then by TID, so that a position is a row and a pass can start
// right after it.
#pragma once

#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relscan.h"
#include "access/tableam.h"
#include "nodes/execnodes.h"
IXPG_END_C_HEADERS

namespace ixbrin {

// A key of the first index column, as a range's bound.
struct Key0 {
    bool unbounded;  // no bound: a desummarized range, a bloom first column
    bool isnull;
    Datum value;
};

// A range that can hold a match: the first and last key of column 0 it can
// hold, in the index's order.
struct RangeRef {
    uint64 range;
    bool sorted;  // its rows lie in the heap in column 0's ascending order
    Key0 lo, hi;
};

// A row: its index column values and its root TID (the data belongs to
// whoever produced it, valid until they produce the next).
struct RowKey {
    const Datum* values;
    const bool* isnull;
    ItemPointerData tid;
};

// What every pass of one scan shares (set up by ordered_scan.cpp).
struct ScanShared {
    IndexScanDesc scan;
    const IndexOps* ops;
    const PreparedKeys* keys;
    const RangeRef* ranges;  // every range that can hold a match
    int nranges;
    BlockNumber heap_blocks;
    TupleDesc row_desc;      // the index columns and the TID as int8 (sorts, stores)
    // Heap access (heap_rows.cpp).
    TupleTableSlot* heap_slot;
    EState* estate;
    IndexInfo* index_info;
    ExprState* predicate;
};

// ---- order ---------------------------------------------------------------------

// Column i of two rows, in the index's order.
int compare_column(const IndexOps* ops, int i, bool anull, Datum a, bool bnull, Datum b);
// Two rows in the index's order (sign +1) or its reverse (-1), TID last.
int compare_rows(const IndexOps* ops, int sign, const RowKey& a, const RowKey& b);
// Column 0 keys in the pass's order; "unbounded" comes first.
int compare_key0(const IndexOps* ops, int sign, const Key0& a, const Key0& b);

// A TID as an int8 that orders as the TID does (sorts and stores).
inline int64 pack_tid(const ItemPointerData& tid) {
    return static_cast<int64>((static_cast<uint64>(ItemPointerGetBlockNumber(&tid)) << 16) |
                              ItemPointerGetOffsetNumber(&tid));
}
inline void unpack_tid(int64 packed, ItemPointer tid) {
    const uint64 u = static_cast<uint64>(packed);
    ItemPointerSet(tid, static_cast<BlockNumber>(u >> 16), static_cast<OffsetNumber>(u & 0xffff));
}

// ---- heap rows (heap_rows.cpp) ----------------------------------------------------

// Calls sink for every row of heap page blk that the scan's snapshot sees
// and that matches the index predicate and (if match_keys) the scan keys,
// in offset order (reverse: from the last), until sink returns false.
// Values are the index columns (expressions computed), detoasted, valid
// during the call.
using RowSink = bool (*)(void* arg, const RowKey& row);
void read_heap_page(const ScanShared* sh, BlockNumber blk, bool reverse, bool match_keys, RowSink sink, void* arg);

// ---- passes (ordered_pass.cpp) -------------------------------------------------------

struct Pass;
// A pass in the index's order (sign +1) or its reverse (-1) that returns
// the rows strictly after `after` (every row if NULL).  It lives in
// CurrentMemoryContext; pass_end releases what is not memory.
Pass* pass_begin(const ScanShared* sh, int sign, const RowKey* after);
// The next row, valid until the next call; false at the end (and after).
bool pass_next(Pass* p, RowKey* row);
void pass_end(Pass* p);

}  // namespace ixbrin
