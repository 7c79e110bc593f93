// ixlearn.hpp — the interface between ixlearn's files (the on-disk format
// is format.hpp, the design docs/ixlearn-format.md, the user guide
// docs/ixlearn.md):
//   handler.cpp    the handler and reloptions
//   shape.cpp      the per-backend cache: columns, leaf shape, the model
//   keys.cpp       values to entries and back; scan keys to intervals
//   leaf_io.cpp    reading, checking and writing leaf pages
//   model.cpp      routing through the model; retraining it
//   unlink.cpp     VACUUM's unlinking and freeing of empty leaves
//   build_sort.cpp the build's sort of entries into index order
//   build.cpp, insert.cpp, scan.cpp, vacuum.cpp, cost.cpp, validate.cpp,
//   inspect.cpp (ixlearn_stats, ixlearn_check, ixlearn_retrain).
// Every file is C-style (pg/longjmp_safe.hpp): palloc'd memory, no object
// with a destructor.
#pragma once

#include "ixlearn/format.hpp"
#include "pg/guard.hpp"
#include "core/learn/directory.hpp"
#include "core/learn/leaf.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/amapi.h"
#include "access/genam.h"
#include "access/skey.h"
#include "nodes/pathnodes.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

namespace ixlearn {

namespace lc = ixcore::learn;

// ---- options ------------------------------------------------------------------

struct IxlOptions {
    int32 vl_len_;
    int fillfactor;  // leaves a build fills to, percent (btree's meaning)
    int epsilon;     // the model's error bound, in directory entries
};
constexpr int kDefaultFillfactor = 90;
constexpr int kDefaultEpsilon = 4;

constexpr int16 kProcCompare = 1;  // int4 (T, U): btree's comparison function
constexpr int16 kNumProcs = 1;

// Build subphases (pg_stat_progress_create_index).
constexpr int64 kPhaseLoad = 2;
constexpr int64 kPhaseWrite = 3;

// ---- columns and the per-backend cache ------------------------------------------

enum class KeyType : uint8 { Int2, Int4, Int8, Float4, Float8, Date, Timestamp, TimestampTz, Uuid };

struct KeyColumn {
    KeyType type;
    Oid typid;
    bool desc;
    bool nulls_first;
};

struct Shape {
    lc::LeafShape leaf;
    uint16 natts;
    bool wide;  // the first column is a uuid: the model reads its hi word
    KeyColumn cols[INDEX_MAX_KEYS];
};

// rd_amcache: the shape (fixed at CREATE INDEX) and the model of one
// version (replaced when the metapage names a newer one).
struct IndexCache {
    Shape shape;
    TupleDesc include_desc;  // the INCLUDE columns alone, or NULL
    BlockNumber nblocks;     // the index's size when last looked at (it never shrinks while cached)
    uint32 model_version;    // 0: no model loaded
    uint8* model_bytes;
    lc::DirectoryView dir;
    // The leaf this backend last inserted into when it was the rightmost,
    // and its low bound's first column: an insert at or above that low
    // bound starts there (btree's fastpath for keys in order), not at the
    // model's leaf, which lags behind leaves split off on the right.
    // 0 (the metapage): none.
    BlockNumber rightmost_hint;
    lc::Pos rightmost_low;
};

IndexCache* index_cache(Relation index);
const Shape& index_shape(Relation index);
// Is blkno a block of the index other than the metapage?  Asks the storage
// manager (a system call) only for a block past the size seen last.
bool block_in_index(Relation index, BlockNumber blkno);
// ERROR (feature_not_supported, naming the supported types) unless every
// key column is of a type ixlearn orders.
KeyType key_type_of(Oid typid, Relation index, int attno);

// ---- keys: values and entries --------------------------------------------------------

// The entry of a row: words (shape.leaf.stride()) and its INCLUDE bytes
// (palloc'd; *include_len 0 if none).
void entry_from_row(Relation index, const Shape& shape, const Datum* values, const bool* isnull, ItemPointer tid,
                    uint64* words, uint8** include, uint32* include_len);
// The values of an entry (index-only scans, ixlearn_check).
void row_from_entry(Relation index, const Shape& shape, const uint64* words, const uint8* include_bytes,
                    Datum* values, bool* isnull);
lc::Pos pos_of_value(const KeyColumn& col, Datum value, bool isnull, bool* negative_zero);

// A scan's condition on one key column: a sorted list of disjoint closed
// intervals of positions (empty: no row can match).
struct Interval {
    lc::Pos lo, hi;
};
struct ColumnCondition {
    bool constrained;  // false: every position passes
    int n;
    Interval* iv;      // palloc'd
};
// Turn the scan keys into one condition per key column; false if no row
// can match (a comparison with NULL, contradictory bounds, an empty array).
bool conditions_from_keys(Relation index, const Shape& shape, ScanKey keys, int nkeys, ColumnCondition* out);
bool condition_passes(const ColumnCondition& c, const lc::Pos& p);

// ---- the build's sort --------------------------------------------------------------

// Entries (words and INCLUDE bytes, copied) in, index order out; within
// maintenance_work_mem, or through a tuplesort beyond it.
struct EntrySort;
EntrySort* entry_sort_begin(const Shape& shape);
void entry_sort_put(EntrySort* es, const uint64* words, const uint8* include, uint32 include_len);
void entry_sort_perform(EntrySort* es);
// The next entry: *include is valid until the next call.
bool entry_sort_next(EntrySort* es, uint64* words, const uint8** include, uint32* include_len);
void entry_sort_end(EntrySort* es);

// ---- leaves ------------------------------------------------------------------------

// Parse a locked page already checked to be a leaf.
void parse_leaf(Relation index, BlockNumber blkno, Page page, lc::LeafView* view);
// How a walk locks the leaves it reads (Cleanup: VACUUM's bulk delete).
enum class LeafLock : uint8 { Share, Exclusive, Cleanup };
void lock_leaf(Buffer buf, LeafLock lock);
// A leaf's low bound as the model lists it.
inline lc::DirEntry low_entry(const lc::Bound& low, BlockNumber blkno) {
    return lc::DirEntry{lc::bound_first_column(low), low.kind != lc::BoundKind::Full, blkno};
}
// Is block blkno a leaf VACUUM has unlinked?  (Reads it under a share
// lock: call with no leaf right of it locked.)
bool leaf_unlinked(Relation index, BlockNumber blkno);
// The leaf that holds block blkno's key range now: blkno, or if VACUUM
// unlinked it, the first leaf right of it that is still in the chain.
BlockNumber live_successor(Relation index, BlockNumber blkno);
// Read and lock the leaf a right link names, moving on right past leaves
// VACUUM unlinked since the link was read; *landed: the leaf's block.
Buffer read_leaf_right(Relation index, BlockNumber blkno, LeafLock lock, lc::LeafView* view, BlockNumber* landed,
                       BufferAccessStrategy strategy = nullptr);
// A step along the chain, from leaf `from` (whose high bound is from_high)
// to the leaf `to` read through its right link: to's low bound must be
// from's high bound (index_corrupted otherwise: a cut or redirected link
// would skip or repeat entries).  to's left link is not checked: the walk
// released `from` before it locked `to`, and a split of `from` in between
// puts a new page between them, which is no damage; ixlearn_check verifies
// left links with both pages locked.
// For walks no unlink can run beside (VACUUM's own, a retrain's):
void check_right_step_exact(Relation index, BlockNumber from, const lc::Bound& from_high, BlockNumber to,
                            const lc::LeafView& to_view);
// For a walker that holds no lock any more: to's low bound may also be
// lower, if since it was read `from` was unlinked, or split and its upper
// part unlinked (`to` took over the range).
void check_right_step(Relation index, BlockNumber from, const lc::Bound& from_high, BlockNumber to,
                      const lc::LeafView& to_view);
// The same for a walker that holds `to` locked (`lock`) in to_buf: when it
// must look at `from`, it releases `to` and reads it again (past leaves
// unlinked meanwhile: *to and *to_view may change); returns to's buffer.
Buffer checked_right_step(Relation index, BlockNumber from, const lc::Bound& from_high, BlockNumber* to, Buffer to_buf,
                          LeafLock lock, lc::LeafView* to_view);
// Decode a parsed leaf into the backend's leaf buffers (room for `extra`
// more entries), valid until the next decode_leaf: one leaf at a time.
struct LeafData {
    uint32 n;
    uint64* words;      // n × stride
    uint8* include;     // include bytes
    uint32 include_cap;
};
void decode_leaf(Relation index, BlockNumber blkno, const lc::LeafView& view, uint32 extra, LeafData* out);
// The coded entries alone, into the same buffers.
void decode_coded_leaf(Relation index, BlockNumber blkno, const lc::LeafView& view, LeafData* out);
// Room for `need` INCLUDE bytes in a decoded leaf (keeps what is there).
uint8* grow_include(LeafData* d, std::size_t need);
// Code entries into the backend's coding buffer; returns the bytes (which
// may be more than a page holds) and the coded leaf in *coded, valid until
// the next coding.
std::size_t code_leaf(const Shape& shape, const uint64* words, uint32 n, const uint8* include, const lc::Bound& low,
                      const lc::Bound& high, const uint8** coded);
// Put a coded leaf (at most kLeafCapacity bytes) into a leaf page's body.
void put_coded_leaf(Page page, const uint8* coded, std::size_t bytes);
// Code entries into a page body (the page is a leaf page already); false
// if they do not fit.
bool encode_leaf(const Shape& shape, const uint64* words, uint32 n, const uint8* include, const lc::Bound& low,
                 const lc::Bound& high, Page page);
// Write decoded entries back into their locked leaf (buf), splitting it
// when they no longer fit; `at` is where an insert put its entry
// (UINT32_MAX if none), which lets appends at the right end fill leaves.
// False, with nothing written, when the entries fit neither in the leaf
// nor in two halves; the caller then splits the leaf as it is
// (split_as_is) and tries again.
bool store_leaf(Relation index, Buffer buf, const lc::LeafView& view, const LeafData& d, uint32 at);
// Split a locked leaf in two around its median entry without coding its
// pending entries in: each half keeps its part of the coded entries
// (coded again) and of the pending ones (as they are), so both fit.
void split_as_is(Relation index, Buffer buf, const lc::LeafView& view);
// Bytes entries would take in a leaf.
std::size_t leaf_size(const Shape& shape, const uint64* words, uint32 n);
constexpr std::size_t kLeafCapacity = kPageBytes;
// The INCLUDE bytes one entry may carry: two such entries fit in a leaf
// with its header, its bounds and their columns coded at full width (so
// that a leaf can always split).
inline std::size_t max_include_bytes(const lc::LeafShape& ls) {
    const std::size_t lanes = ls.stride() - 1;
    const std::size_t fixed = sizeof(lc::LeafHeader) + 2 * lc::bound_bytes(ls) + lanes * (lc::kLaneHeaderBytes + 2 * 8);
    return (kLeafCapacity - fixed) / 2;
}

// ---- the model -------------------------------------------------------------------------

// The leaf to start from for a first-column position: the cached model's
// answer (loading the current model if none is cached).
BlockNumber route(Relation index, const lc::Pos& p, lc::Probe probe);
// The same, with the directory entry (its low bound tells where it is in the chain).
lc::DirEntry route_entry(Relation index, const lc::Pos& p, lc::Probe probe);
// Read and lock the leaf a lookup of a first-column position starts from:
// the model's leaf, or the leaf right of it that took over its key range if
// VACUUM unlinked it.  A model older than the metapage's that names a
// block freed and reused since is replaced by the current one; *landed:
// the leaf's block.  Its low bound is at or before the probe.
Buffer land(Relation index, const lc::Pos& p, lc::Probe probe, LeafLock lock, lc::LeafView* view, BlockNumber* landed);
// Drop the cached model if the metapage names a newer one (a lookup that
// walked right of the model's leaf calls this, so the next one is direct).
void refresh_model(Relation index);
// Build the model of the leaf chain as it is now and switch the metapage to it.
void retrain(Relation index);
// Leaves walked right of the model's leaf that make a walk look at the model's lag.
constexpr uint32 kStepsBeforeRetrain = 8;
// Take a newer model if there is one; after a walk of kStepsBeforeRetrain
// or more leaves, retrain when the leaves split since the model are an
// eighth of those it lists or more, unless another retrain or VACUUM holds
// the table's ShareUpdateExclusiveLock (or this is a standby).
void retrain_if_lagging(Relation heap, Relation index, uint32 steps);
// The metapage, read under a share lock.
IxlMeta read_meta(Relation index);

// ---- unlinking and freeing leaves (VACUUM) ------------------------------------------------

// Take leaf blkno out of the chain if it is (still) empty and neither end
// of the chain: its key range goes to its right neighbour; one WAL record.
// False if it is not (its neighbours changed, or it is not empty).
bool unlink_leaf(Relation index, BlockNumber blkno, BufferAccessStrategy strategy);
// Free the unlinked leaves that no reader can reach any more, reading the
// index's blocks when there are unlinked leaves or `every_time` (after a
// bulk delete, which read the leaves anyway): then free pages are offered
// to the free space map again too (it is not WAL-logged: a crash or a
// promotion may have lost them).  Counts them in stats (pages_deleted:
// unlinked and free pages, pages_free: free ones).
void free_unlinked_leaves(Relation index, BufferAccessStrategy strategy, bool every_time, IndexBulkDeleteResult* stats);

// ---- callbacks ------------------------------------------------------------------------

IndexBuildResult* build(Relation heap, Relation index, IndexInfo* info);
void build_empty(Relation index);
bool insert(Relation index, Datum* values, bool* isnull, ItemPointer tid, Relation heap,
            IndexUniqueCheck check_unique, bool index_unchanged, IndexInfo* info);
IndexBulkDeleteResult* bulk_delete(IndexVacuumInfo* info, IndexBulkDeleteResult* stats,
                                   IndexBulkDeleteCallback callback, void* callback_state);
IndexBulkDeleteResult* vacuum_cleanup(IndexVacuumInfo* info, IndexBulkDeleteResult* stats);
bool can_return(Relation index, int attno);
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

int option_fillfactor(Relation index);
int option_epsilon(Relation index);

}  // namespace ixlearn
