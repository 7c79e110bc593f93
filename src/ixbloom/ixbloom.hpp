// ixbloom.hpp — the on-disk contract of the ixbloom access method (see
// docs/ixbloom-format.md, format version 2) and the interface between its
// callback files: handler.cpp (handler, options), build.cpp, insert.cpp,
// fold.cpp, scan.cpp, vacuum.cpp, cost.cpp, validate.cpp, pages.cpp.
#pragma once

#include "pg/guard.hpp"
#include "core/bit_slices.hpp"
#include "core/bloom_signature.hpp"
#include "core/tid_pages.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/amapi.h"
#include "access/generic_xlog.h"
#include "access/itup.h"
#include "fmgr.h"
#include "nodes/pathnodes.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

namespace ixbloom {

namespace bl = ixcore::bloom;

// ---- on-disk format -------------------------------------------------------

constexpr uint32 kMagic = 0x1B100F01;
constexpr uint32 kFormatVersion = 2;
constexpr BlockNumber kMetaBlock = 0;
constexpr uint16 kPageId = 0xB10F;

// Page kinds (IxbPageOpaque::flags).
constexpr uint16 kPageMeta = 1 << 0;
constexpr uint16 kPageBuffer = 1 << 1;
constexpr uint16 kPageDirectory = 1 << 2;
constexpr uint16 kPageSlice = 1 << 3;
constexpr uint16 kPageTid = 1 << 4;
constexpr uint16 kPageDeleted = 1 << 5;

// Special space of every ixbloom page; page_id in the last two bytes.
struct IxbPageOpaque {
    uint16 flags;
    uint16 unused;
    BlockNumber next;  // buffer and directory pages: the next page of the chain
    uint16 reserved;
    uint16 page_id;
};
static_assert(sizeof(IxbPageOpaque) == 12, "page opaque layout");

struct IxbMeta {
    uint32 magic;
    uint32 format_version;
    uint16 sig_bits;
    uint16 ncols;
    uint16 col_bits[bl::kMaxColumns];
    uint32 ngroups;
    BlockNumber dir_head;
    BlockNumber dir_tail;
    BlockNumber buf_head;
    BlockNumber buf_tail;
    uint32 buf_pages;       // pages in the buffer chain
    uint32 folds;           // folds committed so far (a hot-standby scan compares it)
    uint64 grouped_rows;    // positions used in groups, deleted ones included
};

struct IxbGroup {
    BlockNumber first;      // first block of the group's slice pages
    uint32 nrows;
    uint32 capacity;
    uint32 live;            // nrows minus the rows marked in the dead slice (never lower)
    uint32 tid_pages;       // TID pages after the slice pages
};
static_assert(sizeof(IxbGroup) == 20, "group descriptor layout");

// Bytes a page offers after the header and the special space.
constexpr std::size_t kPageBytes = BLCKSZ - MAXALIGN(SizeOfPageHeaderData) - MAXALIGN(sizeof(IxbPageOpaque));
constexpr std::size_t kGroupsPerDirPage = kPageBytes / sizeof(IxbGroup);

// Where a group's slices and TID pages are.
inline bl::GroupGeometry group_geometry(const IxbGroup& group, int sig_bits) {
    bl::GroupGeometry g;
    g.capacity = group.capacity;
    g.nrows = group.nrows;
    g.sig_bits = sig_bits;
    g.tid_pages = group.tid_pages;
    g.page_bytes = kPageBytes;
    return g;
}

inline IxbPageOpaque* page_opaque(Page page) { return reinterpret_cast<IxbPageOpaque*>(PageGetSpecialPointer(page)); }
inline IxbMeta* page_meta(Page page) { return reinterpret_cast<IxbMeta*>(PageGetContents(page)); }
inline char* page_body(Page page) { return PageGetContents(page); }

// Bytes of one insert-buffer entry: a TID then the signature.
inline std::size_t entry_bytes(int sig_bits) { return sizeof(ItemPointerData) + static_cast<std::size_t>(sig_bits) / 8; }
inline std::size_t entries_per_page(int sig_bits) { return kPageBytes / entry_bytes(sig_bits); }
// Entries on a buffer page, from pd_lower.
int buffer_entries(Page page, int sig_bits);

// ---- state ------------------------------------------------------------------

// Options as parsed from reloptions (0 = not given).
struct IxbOptions {
    int32 vl_len_;
    int length;
    int col_bits[bl::kMaxColumns];
    double false_positive_rate;
};

// What every callback needs: the frozen shape and the hash functions.
struct IxbState {
    bl::SignatureShape shape;
    FmgrInfo hash_fn[INDEX_MAX_KEYS];
    Oid collations[INDEX_MAX_KEYS];
};

// Shape from the metapage (or, at build, from the options).
void init_state(IxbState* state, Relation index);
void init_state_from_options(IxbState* state, Relation index);

uint32 hash_value(const IxbState* state, int col, Datum value);

// Call f(bit) for every signature bit of one heap row.
template <class F>
void for_each_row_bit(const IxbState* state, const Datum* values, const bool* isnull, F&& f) {
    for (int i = 0; i < state->shape.ncols; ++i) {
        const uint32 h = isnull[i] ? 0 : hash_value(state, i, values[i]);
        bl::for_each_bit(state->shape, i, h, isnull[i], f);
    }
}

// The signature of one heap row (words must hold shape.words() zeros).
inline void row_signature(const IxbState* state, const Datum* values, const bool* isnull, uint16* words) {
    for_each_row_bit(state, values, isnull, [words](int bit) { bl::set_signature_bit(words, bit); });
}

// ---- pages (pages.cpp) ------------------------------------------------------

void init_page(Page page, uint16 flags);
// Check a page read from disk is an ixbloom page of one of the given kinds.
void check_page_kind(Relation index, BlockNumber blkno, Page page, uint16 kinds);
// A new or recycled page, exclusively locked, uninitialised for the caller.
Buffer new_page(Relation index, bool allow_recycled);
// n contiguous new blocks at the end of the relation (for a group).
BlockNumber extend_contiguous(Relation index, uint32 n);
// Copy of the metapage contents (share lock held only inside).
IxbMeta read_meta(Relation index);
// Follows a buffer or directory chain: each link must lead to a block of the
// index, and a chain can visit each block at most once.  More means the
// next links form a cycle (a damaged page): ERROR instead of looping.
class ChainWalk {
public:
    explicit ChainWalk(Relation index);
    ChainWalk(Relation index, BlockNumber nblocks) : index_(index), nblocks_(nblocks) {}  // size already known
    // Call with each block the walk is about to visit.
    void visit(BlockNumber blkno);
    // The same check, answered instead of raised: on a hot standby, replay
    // can recycle pages under a walk, which then rescans.
    bool try_visit(BlockNumber blkno);

private:
    Relation index_;
    BlockNumber nblocks_;
    uint32 visited_ = 0;
};
// Every group descriptor, in directory order (palloc'd array).
IxbGroup* read_groups(Relation index, const IxbMeta& meta, uint32* ngroups);

// Fold the full buffer pages into groups; with `seal`, first start a new
// tail so that every row in the buffer is folded.  Caller holds the fold lock.
void fold_buffer(Relation index, bool seal);
// The heavyweight lock that serialises folds and VACUUM against scans.
void lock_fold(Relation index, LOCKMODE mode);
bool try_lock_fold(Relation index, LOCKMODE mode);
void unlock_fold(Relation index, LOCKMODE mode);

// Write one group of nrows rows on new blocks, WAL-logged page by page or
// not at all (CREATE INDEX); returns its descriptor.  write_group_slices
// takes the rows already bit-sliced (slice s at slices + s * stride, at
// least the group's slice bytes each), TIDs in position order.
IxbGroup write_group_slices(Relation index, int sig_bits, const uint8* slices, std::size_t stride, const bl::Tid* tids,
                            uint32 nrows, bool use_wal);
// write_group takes row-major signatures (from the insert buffer); rows
// not in TID order are sorted first, so that heap neighbours become runs.
IxbGroup write_group(Relation index, const bl::SignatureShape& shape, const uint16* sigs, const bl::Tid* tids,
                     uint32 nrows, bool use_wal);
// Open TID page `i` of a group (buffer share-locked by the caller): ERROR
// if it is not a well-formed TID page of that group.  Page 0 first.
void open_tid_page(Relation index, BlockNumber blkno, Page page, const IxbGroup& group, uint32 i,
                   const bl::TidPageReader* page0, bl::TidPageReader* reader);
// Append descriptors to the directory and apply meta changes, in one WAL
// record with the metapage (the commit point of a fold).
void commit_groups(Relation index, const IxbGroup* groups, uint32 n, BlockNumber new_buf_head, uint32 folded_pages);

// ---- callbacks ----------------------------------------------------------------

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

// Build sub-phases reported in pg_stat_progress_create_index.
constexpr int64 kPhaseScan = 2;
constexpr int64 kPhaseWrite = 3;

}  // namespace ixbloom
