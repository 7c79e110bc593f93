// ixbloom.hpp — the interface between ixbloom's files (the on-disk format
// is format.hpp):
//   handler.cpp       the handler, reloptions, the GUC
//   hashing.cpp       per-index state: signature shape and hash functions
//   shape_facts.cpp   the shape of an index given no options, from the data
//   metapage.cpp      reading and checking the metapage, its cached shape
//   directory.cpp     group descriptors: read, append (a fold's commit), live counts
//   group_write.cpp   writing a group's slice and TID pages
//   group_read.cpp    reading a group's slices and TID pages
//   insert_buffer.cpp the insert buffer's tail: append, extend, seal
//   fold.cpp          folding the insert buffer into groups; the fold lock
//   merge.cpp         merging small groups into full ones; the merge lock
//   build.cpp, insert.cpp, scan_setup.cpp, scan.cpp, vacuum.cpp, cost.cpp,
//   validate.cpp, options_check.cpp, inspect.cpp: the callbacks and SQL
//   functions.
//
// The boundary rule (docs/architecture.md): every file here but scan.cpp
// calls PostgreSQL directly and keeps no object with a non-trivial
// destructor alive, which pg/longjmp_safe.hpp enforces; scan.cpp keeps C++
// containers and calls PostgreSQL only through ixpg::pg_call.
#pragma once

#include "ixbloom/format.hpp"
#include "pg/guard.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/amapi.h"
#include "fmgr.h"
#include "nodes/pathnodes.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

namespace ixbloom {

// ---- options and state (handler.cpp, hashing.cpp) ----------------------------

// Options as parsed from reloptions (0 = not given).
struct IxbOptions {
    int32 vl_len_;
    int length;
    int col_bits[bl::kMaxColumns];
    double false_positive_rate;
};

// The options of an index as core sees them (NULL rd_options: none given).
bl::ShapeOptions shape_options(const IxbOptions* opts);
// ERROR for what CREATE INDEX refuses; ncols 0 = not known (amoptions).
void check_shape_options(const bl::ShapeOptions& opts, int ncols);

// What every callback needs: the frozen shape and the hash functions.
struct IxbState {
    bl::SignatureShape shape;
    FmgrInfo hash_fn[INDEX_MAX_KEYS];
    Oid collations[INDEX_MAX_KEYS];
};

// A scan's own state (scan->opaque).
struct IxbScanOpaque {
    IxbState state;
};

// The state of an existing index (shape from the metapage, cached per
// backend) or, at build, from the options.
void init_state(IxbState* state, Relation index);
void init_state_from_options(IxbState* state, Relation index);
// At CREATE INDEX given no length, colN or false_positive_rate: the shape
// chosen from the table (shape_facts.cpp), from pg_statistic or else from a
// sample of its rows; contrib's defaults for an empty table.  Sets
// state->shape (state's hash functions must be set: init_state_from_options)
// and returns kSizedBy*.
uint32 size_from_data(IxbState* state, Relation heap, Relation index, struct IndexInfo* info);

uint32 hash_value(const IxbState* state, int col, Datum value);

// The hash of a scan key of type key_type for column col: the column's own
// function, or for a cross-type key (bigint_col = 42) the family's function
// of the key's type, whose hashes agree for equal values.  key_type is the
// operator's right-hand type (sk_subtype), never an array's element type:
// for a polymorphic class (anyenum) they differ.
uint32 hash_key(Relation index, const IxbState* state, int col, Oid key_type, Datum value);

// Call f(bit) for every signature bit of one heap row.
template <class F>
void for_each_row_bit(const IxbState* state, const Datum* values, const bool* isnull, F&& f) {
    for (int i = 0; i < state->shape.ncols; ++i) {
        const uint32 h = isnull[i] ? 0 : hash_value(state, i, values[i]);
        bl::for_each_bit(state->shape, i, h, isnull[i], f);
    }
}

// ---- metapage (metapage.cpp) --------------------------------------------------

// A checked copy of the metapage: kind, magic and version (pg/am_metapage),
// then the signature shape against the index's real column count and
// against the options it was built with (where the metapage records them,
// those first against their ranges), and each chain with both a head and a
// tail or neither.  Counts against the relation's size are checked where
// the size is known anyway (read_groups, folds, VACUUM).  snapshot: a
// scan's (every page a scan reads passes TestForOldSnapshot), else NULL.
IxbMeta read_meta(Relation index, Snapshot snapshot = nullptr);
// The same check on a metapage the caller holds locked.
void check_meta(Relation index, const IxbMeta& meta, std::size_t stored_bytes);
// The buffer's page count against the index's size (which a fold, or
// VACUUM, knows anyway; an insert reads buf_pages to decide on a fold).
void check_buffer_pages(Relation index, const IxbMeta& meta);
// The options recorded at CREATE INDEX (meaningful with kRecordedOptions).
bl::ShapeOptions recorded_shape_options(const IxbMeta& meta);
// The shape of the index: checked once per backend, then from rd_amcache.
bl::SignatureShape cached_shape(Relation index);
// A metapage for a new index (build, and the init fork of an unlogged one);
// sized_from: kSizedBy*.
void init_meta_page(Page page, const bl::SignatureShape& shape, const bl::ShapeOptions& opts, uint32 sized_from);
// A page number read from the metapage or a chain that the caller is about
// to lock: ERROR unless it is a block other than the metapage and other
// than `held` (a page this backend already holds: locking it again would
// wait on itself, uninterruptibly), and, with check_size, inside the index.
// Without it (the insert path, where a size costs a system call per row)
// ReadBuffer refuses a block past the end with its own ERROR.
void check_link(Relation index, BlockNumber blkno, BlockNumber held, const char* what, bool check_size);
// The tail of the buffer or directory chain, which the caller (holding the
// metapage exclusively) is about to link a new page after: check_link, then
// lock it exclusively and check its kind and that it ends its chain.
Buffer lock_chain_tail(Relation index, BlockNumber blkno, BlockNumber held, uint16 kind, const char* what);

// ---- groups (directory.cpp, group_write.cpp, group_read.cpp) -----------------------

// Every group descriptor, in directory order, each checked against the
// relation's size (palloc'd array).  dir_blocks, if given, gets the
// directory page of each (palloc'd).  consistent, if given, turns the
// checks' ERRORs into false (a hot-standby scan, whose directory a replayed
// fold or merge may change between two of its pages: it reads the
// metapage to tell that from damage); the groups are then incomplete.
IxbGroup* read_groups(Relation index, const IxbMeta& meta, uint32* ngroups, Snapshot snapshot = nullptr,
                      BlockNumber** dir_blocks = nullptr, bool* consistent = nullptr);

// Append descriptors to the directory and apply meta changes, in one WAL
// record with the metapage (the commit point of a fold).
void commit_groups(Relation index, const IxbGroup* groups, uint32 n, BlockNumber new_buf_head, uint32 folded_pages);

// A merge's commit (docs/ixbloom-format.md, "Merge"): in one record with
// the metapage, the descriptor old[0] is replaced by *merged (or removed
// too, if merged is NULL) and old[1..k-1] are removed.  dir_blocks[i] is
// the directory page that holds old[i], in chain order, at most 3 pages;
// each descriptor must still be there, unchanged.
// The most groups one merge takes (a bound for arrays; the rows of a
// merge fit one group, so only groups with few live rows come near it).
constexpr uint32 kMaxMergeGroups = 64;
void replace_groups(Relation index, const IxbGroup* old, uint32 k, const BlockNumber* dir_blocks,
                    const IxbGroup* merged);

// Write the groups' recomputed live counts (one record per directory page
// that changes, with the metapage's total).
void update_live_counts(Relation index, const IxbMeta& meta, const uint32* live, uint32 ngroups);

// Sums over the descriptors, as the metapage keeps them.
bl::GroupTotals group_totals(const IxbGroup* groups, uint32 n, int sig_bits);
// VACUUM: make the metapage's totals those of the directory (recording
// them on a metapage written before they existed).
void store_totals(Relation index, const bl::GroupTotals& totals);

// Write one group of nrows rows on new blocks of `fork`, WAL-logged page by
// page or not at all (CREATE INDEX); returns its descriptor.
// write_group_slices takes the rows already bit-sliced (slice s at slices +
// s * stride, at least the group's slice bytes each), TIDs in position order.
IxbGroup write_group_slices(Relation index, int sig_bits, const uint8* slices, std::size_t stride, const bl::Tid* tids,
                            uint32 nrows, bool use_wal);
// write_group takes row-major signatures (from the insert buffer); rows
// not in TID order are sorted first, so that heap neighbours become runs.
IxbGroup write_group(Relation index, const bl::SignatureShape& shape, const uint16* sigs, const bl::Tid* tids,
                     uint32 nrows, bool use_wal);

// Read and share-lock a page of a group, checked as the kind it must be
// (snapshot: the scan's, for the old-snapshot test; NULL elsewhere).
Buffer read_group_page(Relation index, BlockNumber blkno, uint16 kind, Snapshot snapshot,
                       BufferAccessStrategy strategy);
// Copy slice `slice` of a group from its (locked) slice page: ERROR if the
// page does not hold it.
void copy_slice(Relation index, BlockNumber blkno, Page page, const bl::GroupGeometry& g, int slice, uint8* dst);
// Open TID page `i` of a group (buffer share-locked by the caller): ERROR
// if it is not a well-formed TID page of that group.  Page 0 first.
void open_tid_page(Relation index, BlockNumber blkno, Page page, const IxbGroup& group, uint32 i,
                   const bl::TidPageReader* page0, bl::TidPageReader* reader);
// Rows a dead slice marks; ERROR if it marks a row past the group's end
// (such bits would make the live count too low and hide rows).
uint32 count_dead(Relation index, BlockNumber blkno, const uint8* dead, const IxbGroup& group);

// The same checks without the ERROR, for a hot-standby scan, where a page
// that fails them may have been recycled by a merge replayed under the
// scan (the scan then reads the metapage to tell that from damage).
// try_read_group_page returns InvalidBuffer for a page of another kind.
Buffer try_read_group_page(Relation index, BlockNumber blkno, uint16 kind, Snapshot snapshot);
bool slice_fits(Page page, const bl::GroupGeometry& g, int slice);
bool try_open_tid_page(Page page, const IxbGroup& group, uint32 i, const bl::TidPageReader* page0,
                       bl::TidPageReader* reader);
bool dead_slice_fits(const uint8* dead, const IxbGroup& group);

// ---- insert buffer and folds (insert_buffer.cpp, fold.cpp) -------------------------

// Entries on a buffer page, from pd_lower: ERROR if pd_lower does not end
// on an entry.
int buffer_entries(Relation index, BlockNumber blkno, Page page, int sig_bits);
// Append one entry (TID then signature) to the buffer's tail; returns the
// metapage as read for the append.
IxbMeta append_to_buffer(Relation index, const char* entry, int sig_bits);
// Start a new, empty tail so that every row now in the buffer sits on a
// page before the tail, where a fold may take it.
void seal_buffer(Relation index);

// Fold the full buffer pages into groups; with `seal`, first start a new
// tail so that every row in the buffer is folded.  Caller holds the fold lock.
void fold_buffer(Relation index, bool seal);
// The heavyweight lock that serialises folds and VACUUM against scans.
void lock_fold(Relation index, LOCKMODE mode);
bool try_lock_fold(Relation index, LOCKMODE mode);
void unlock_fold(Relation index, LOCKMODE mode);

// ---- merges (merge.cpp) --------------------------------------------------------------

struct MergeResult {
    uint32 groups_before;
    uint32 groups_after;
    uint64 pages_freed;
};
// Merge small or emptied groups until no batch is worth merging.  Caller
// holds the merge lock and not the fold lock.
MergeResult merge_groups(Relation index);
// The lock that keeps merges, bulk deletes and VACUUM's cleanup apart
// (each reads descriptors and rows that another would change).  Taken
// before the fold lock.
void lock_merge(Relation index);
void unlock_merge(Relation index);

// ---- callbacks ------------------------------------------------------------------

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
int64 get_bitmap(IndexScanDesc scan, TIDBitmap* tbm);
void end_scan(IndexScanDesc scan);

// ixbloom.vacuum_fold_min_pages: VACUUM folds the insert buffer only when
// its chain has at least this many pages.  A small fold makes a small group,
// which costs each scan a slice page or two and a TID page for few rows, and
// stays in the index until REINDEX; a buffer page costs one read per scan
// until the buffer is folded.  16 pages (8,144 rows at length=80) make a
// group that a 2-column query reads in about 5 pages.
constexpr int kDefaultVacuumFoldMinPages = 16;
extern int vacuum_fold_min_pages;

// ixbloom.vacuum_merge: VACUUM's cleanup merges small groups (merge.cpp).
extern bool vacuum_merge;

// Build sub-phases reported in pg_stat_progress_create_index.
constexpr int64 kPhaseScan = 2;
constexpr int64 kPhaseWrite = 3;

}  // namespace ixbloom
