// ixbrin.hpp — the interface between ixbrin's files (the on-disk format is
// format.hpp, the design docs/ixbrin-format.md and docs/ixbrin.md):
//   handler.cpp        the handler, reloptions, opclass options
//   column_ops.cpp     per column: the summary kind and the opclass's functions
//   summary.cpp        in-memory summaries: add a row, union, match scan keys
//   summary_codec.cpp  summaries to and from their tuples, checked
//   range_map.cpp      the range map and the summary pages: read, store, move
//   ordered_pass.hpp   the ordered scan's parts (heap_rows, ordered_pass, ordered_scan)
//   build.cpp, insert.cpp, bitmap_scan.cpp, vacuum.cpp,
//   resummarize.cpp, cost.cpp, validate.cpp, functions.cpp, inspect.cpp.
// Every file is C-style (pg/longjmp_safe.hpp): palloc'd memory, no object
// with a destructor.
#pragma once

#include "ixbrin/format.hpp"
#include "pg/guard.hpp"
#include "core/brin/bloom_filter.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/amapi.h"
#include "access/skey.h"
#include "fmgr.h"
#include "nodes/pathnodes.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

namespace ixbrin {

namespace br = ixcore::brin;

// ---- options ----------------------------------------------------------------

constexpr int kDefaultPagesPerRange = 128;
constexpr int kMaxPagesPerRange = 131072;

struct IxbrOptions {
    int32 vl_len_;
    int pages_per_range;
};

// Opclass parameters (support function 4), as BRIN's.
struct MultiOptions {
    int32 vl_len_;
    int values_per_range;
};
struct BloomOptions {
    int32 vl_len_;
    double n_distinct_per_range;
    double false_positive_rate;
};
constexpr int kDefaultValuesPerRange = 32;
constexpr double kDefaultBloomNDistinct = -0.1;
constexpr double kDefaultBloomFalsePositiveRate = 0.01;

// Support function numbers of an ixbrin operator class.
constexpr int16 kProcCompare = 1;   // int4 (T, T): ordering, minmax and multi bounds
constexpr int16 kProcHash = 2;      // int4 (T): bloom summaries
constexpr int16 kProcDistance = 3;  // float8 (T, T): minmax-multi merging
constexpr int16 kProcOptions = 4;   // void (internal): opclass parameters
constexpr int16 kNumProcs = 4;

// ---- per-column operators ------------------------------------------------------

enum class Kind : uint8 { MinMax = 0, Multi = 1, Bloom = 2 };

struct ColumnOps {
    Kind kind;
    Oid type;
    int16 typlen;
    bool typbyval;
    Oid collation;
    Oid opfamily;
    FmgrInfo cmp;
    FmgrInfo hash;       // bloom
    FmgrInfo distance;   // multi
    int values_per_range;
    br::BloomShape bloom;
    bool desc;           // the index column's order (CREATE INDEX ... DESC)
    bool nulls_first;
};

struct IndexOps {
    int ncols;
    uint32 pages_per_range;
    ColumnOps cols[INDEX_MAX_KEYS];
};

// The operators of every key column of an index (pages_per_range from the
// metapage, or at build from the options).
void init_ops(IndexOps* ops, Relation index, uint32 pages_per_range);
// The options' pages_per_range (CREATE INDEX).
uint32 option_pages_per_range(Relation index);

// cmp(a, b) of a column's values: < 0, 0, > 0 (the type's btree order).
int compare_values(const ColumnOps& c, Datum a, Datum b);

// ---- summaries ---------------------------------------------------------------

struct ColumnSummary {
    bool has_nulls;
    bool has_values;
    Datum min, max;      // minmax
    uint32 n;            // multi: intervals; bloom mode 0: hashes
    Datum* lo;           // multi (room for values_per_range + 1)
    Datum* hi;
    bool* point;
    uint8 bloom_mode;    // 0: sorted hashes, 1: bitmap
    uint32* hashes;      // bloom mode 0 (room for the set's capacity)
    uint8* bitmap;       // bloom mode 1 (nbits / 8 bytes)
};

// SORTED ("in order"): in heap order, every row's first-column key is at
// least every key two or more pages before it (neighbouring pages may
// interleave: a few seconds of jitter, or concurrent inserters).  Kept up
// as rows come with the page of the last row and two maxima of the first
// column: over the pages before that page, and over those before it.
struct Summary {
    uint32 range;
    bool sorted;
    bool pending;        // a re-summarization runs: cols and pend both take rows
    ItemPointerData last_tid;  // SORTED: the row added last (its page is "the last page")
    bool have_before_last;     // SORTED: before_last is a key (there are rows before the last page)
    bool have_before_prev;     // SORTED: before_prev is a key
    Datum before_last;         // the largest first-column key on the pages before the last page
    Datum before_prev;         // ... on the pages before the page before it
    ColumnSummary* cols;       // one per key column
    ColumnSummary* pend;       // one per key column; PENDING: the re-summarization's rows
};

// An empty summary (no row yet), in CurrentMemoryContext.
Summary* new_summary(const IndexOps* ops, uint32 range);
// Merge one row in; true if anything changed.  Values are copied.
bool add_row(const IndexOps* ops, Summary* s, const Datum* values, const bool* isnull, ItemPointer tid);
// into := into ∪ from, for each column (flags: sorted only if both are and
// ordered by TID; the caller decides for a union of disjoint TIDs).
void union_columns(const IndexOps* ops, ColumnSummary* into, const ColumnSummary* from);
// Empty the pending part and start taking rows into it.
void begin_pending(const IndexOps* ops, Summary* s);

// A scan's keys, with what a test of them needs: the comparison of the
// column's type with the key's (cross-type: the family's function), the
// key's hash for bloom columns, an = ANY array's elements.
struct PreparedKey {
    int col;                 // 0-based
    int flags;               // SK_ISNULL, SK_SEARCHNULL, SK_SEARCHNOTNULL, SK_SEARCHARRAY
    StrategyNumber strategy;
    int nvalues;             // 1, or the array's non-NULL elements
    Datum* values;
    FmgrInfo cmp;            // cmp(column value, key value)
    FmgrInfo hash;           // bloom columns: the hash of the key's type
    bool never;              // col = NULL, or an array without a non-NULL element
};
struct PreparedKeys {
    int n;
    PreparedKey* keys;
};
PreparedKeys* prepare_keys(Relation index, const IndexOps* ops, const ScanKeyData* keys, int nkeys);

// A summary of no row (every row of the range deleted and vacuumed away,
// or only aborted ones): every row gives column 0 a value or a NULL.
inline bool summary_is_empty(const Summary* s) { return !s->cols[0].has_values && !s->cols[0].has_nulls; }
// Can a range with this summary hold a row that matches every key?
bool summary_matches(const IndexOps* ops, const Summary* s, const PreparedKeys* keys);
// The first column whose summary does not cover the row's value, or -1
// (ixbrin_check: a summary must cover every row of its range).
int uncovered_column(const IndexOps* ops, const Summary* s, const Datum* values, const bool* isnull);
// Does a row (its index column values) match every key?
bool row_matches(const IndexOps* ops, const PreparedKeys* keys, const Datum* values, const bool* isnull);

// ---- summary tuples (summary_codec.cpp) ------------------------------------------

Size summary_bytes(const IndexOps* ops, const Summary* s);
void encode_summary(const IndexOps* ops, const Summary* s, char* dst);
// Decode and check a tuple read from (index, blkno): index_corrupted if it
// is malformed or not the tuple of `range`.
Summary* decode_summary(Relation index, BlockNumber blkno, const IndexOps* ops, const char* src, Size len,
                        uint32 range);
// The largest summary tuple a page takes.
Size max_summary_bytes();
// The largest a summary of this index can be, long values aside (counted
// as empty): CREATE INDEX refuses what could never fit.
Size largest_fixed_summary_bytes(const IndexOps* ops);

// ---- range map and summary pages (range_map.cpp) --------------------------------------

// A checked copy of the metapage: kind, magic, version, pages_per_range
// and the column count against the catalog, the map's page count.
IxbrMeta read_meta(Relation index, Snapshot snapshot = nullptr);
// pages_per_range, checked once per backend (rd_amcache).
uint32 cached_pages_per_range(Relation index);

// Every map entry, for ranges 0 .. *nranges - 1 (palloc'd; ranges past
// the map are empty and not listed).
MapEntry* read_entries(Relation index, const IxbrMeta& meta, Snapshot snapshot, uint64* nranges);
// The same for the ranges of a heap of heap_blocks blocks (every range a
// scan's snapshot can see rows in), without reading the metapage: scans.
MapEntry* read_heap_entries(Relation index, BlockNumber heap_blocks, Snapshot snapshot, uint64* nranges);

inline bool entry_has_summary(const MapEntry& e) { return ItemPointerGetBlockNumberNoCheck(&e.summary) != InvalidBlockNumber; }
// A scan may trust the entry's summary (not desummarized, or being summarized).
inline bool entry_usable(const MapEntry& e) { return entry_has_summary(e) && !(e.flags & kEntryDesummarized); }

// Calls fn for the summary of every usable entry among entries[0, nranges)
// whose range is a multiple of step, reading each summary page once (in
// page order, not range order), and decoding with no lock held.  A
// summary that moved meanwhile is read again through the map; s is NULL
// if the range was desummarized meanwhile (its rows are then read whole).
// With reset_each, what fn is given is freed after it returns; else it
// stays in CurrentMemoryContext.  index_corrupted for a damaged page.
using SummaryFn = void (*)(void* arg, uint64 range, const Summary* s);
void for_each_summary(Relation index, const IndexOps* ops, const MapEntry* entries, uint64 nranges, uint64 step,
                      Snapshot snapshot, bool reset_each, SummaryFn fn, void* arg);
// The summary of a range, or NULL if it has none (*desummarized says if
// it has rows nonetheless).
Summary* read_range_summary(Relation index, const IndexOps* ops, uint64 range, bool* desummarized,
                            Snapshot snapshot = nullptr);

// Change a range's summary under its page lock: modify(Summary*) returns
// whether it changed anything; the new tuple replaces the old in place, or
// moves to a page with room.  A range without a summary gets one (modify
// applied to an empty summary) when `create` says so: IfEmpty for a range
// with no rows (an insert's first row), Always also for a desummarized
// range (its summarization; the entry stays DESUMMARIZED until
// clear_desummarized).  One WAL record per change.
using ModifyFn = bool (*)(Summary* s, void* arg);
enum class Create { Never, IfEmpty, Always };
void modify_range(Relation index, const IndexOps* ops, uint64 range, Create create, ModifyFn modify, void* arg);
// The summarization of a desummarized range is done: scans may use its
// summary again.
void clear_desummarized(Relation index, uint64 range);

// Clear a range's entry (DESUMMARIZED) and delete its tuple: one record.
// Returns whether it had a summary.
bool desummarize(Relation index, uint64 range);

// CREATE INDEX: summaries appended to pages without WAL, the map and the
// metapage written at the end.
struct BuildWriter {
    Relation index;
    ForkNumber fork;
    Buffer page;            // the summary page being filled (pinned and locked)
    MapEntry* entries;
    uint64 nentries;
    uint64 capacity;
};
void build_writer_init(BuildWriter* w, Relation index, ForkNumber fork, uint32 pages_per_range, int ncols);
void build_writer_add(BuildWriter* w, const IndexOps* ops, Summary* s);
void build_writer_finish(BuildWriter* w, uint64 nranges);

// ---- scans (scan_setup.cpp, bitmap_scan.cpp, ordered_scan.cpp) ----------------------

struct OrderedScan;

struct ScanOpaque {
    IndexOps ops;
    MemoryContext scan_cxt;   // the keys and the ordered scan: reset by rescan
    PreparedKeys* keys;
    OrderedScan* ordered;     // created by the first amgettuple
};

// The ordered scan (ordered_scan.cpp, on ordered_pass.hpp's parts).
OrderedScan* ordered_begin(IndexScanDesc scan, ScanOpaque* so);
bool ordered_next(OrderedScan* os, ScanDirection dir, ItemPointer tid);
void ordered_mark(OrderedScan* os);
void ordered_restore(OrderedScan* os);
void ordered_end(OrderedScan* os);

// ---- callbacks ----------------------------------------------------------------------

IndexBuildResult* build(Relation heap, Relation index, struct IndexInfo* info);
void build_empty(Relation index);
bool insert(Relation index, Datum* values, bool* isnull, ItemPointer tid, Relation heap, IndexUniqueCheck check,
            bool unchanged, struct IndexInfo* info);
IndexBulkDeleteResult* bulk_delete(IndexVacuumInfo* info, IndexBulkDeleteResult* stats, IndexBulkDeleteCallback cb,
                                   void* cb_state);
IndexBulkDeleteResult* vacuum_cleanup(IndexVacuumInfo* info, IndexBulkDeleteResult* stats);
void cost_estimate(PlannerInfo* root, IndexPath* path, double loop_count, Cost* startup, Cost* total,
                   Selectivity* selectivity, double* correlation, double* pages);
bytea* options(Datum reloptions, bool validate);
bool validate(Oid opclass);
char* build_phase_name(int64 phase);
IndexScanDesc begin_scan(Relation index, int nkeys, int norderbys);
void rescan(IndexScanDesc scan, ScanKey keys, int nkeys, ScanKey orderbys, int norderbys);
bool get_tuple(IndexScanDesc scan, ScanDirection dir);
int64 get_bitmap(IndexScanDesc scan, TIDBitmap* tbm);
void end_scan(IndexScanDesc scan);
void mark_pos(IndexScanDesc scan);
void restore_pos(IndexScanDesc scan);

// Recompute one range's summary from the heap (VACUUM, and
// ixbrin_summarize_range): the pending protocol of docs/ixbrin-format.md.
void resummarize_range(Relation heap, Relation index, uint64 range);

constexpr int64 kPhaseScan = 2;

}  // namespace ixbrin
