// format.hpp — the on-disk contract of an ixbloom index, format version 3
// (docs/ixbloom-format.md): page kinds and the special space, the metapage,
// group descriptors, insert-buffer entries.  Types and constants only, so
// that ixstat and the tests can read an ixbloom index through it.
#pragma once

#include "pg/am_metapage.hpp"
#include "core/bloom/bit_slices.hpp"
#include "core/bloom/group_totals.hpp"
#include "core/bloom/shape_options.hpp"
#include "core/bloom/signature.hpp"
#include "core/bloom/tid_pages.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/itemptr.h"
IXPG_END_C_HEADERS

#include <cstddef>
#include <cstring>

namespace ixbloom {

namespace bl = ixcore::bloom;

constexpr uint32 kMagic = 0x1B100F01;
constexpr uint32 kFormatVersion = 3;
// Format 2 indexes are read as they are; their first merge converts them.
constexpr uint32 kOldestFormatVersion = 2;
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

// The name of a kind (of the lowest kind in a set), for messages.
inline const char* page_kind_name(uint16 kind) {
    if (kind & kPageMeta) return "meta";
    if (kind & kPageBuffer) return "insert-buffer";
    if (kind & kPageDirectory) return "directory";
    if (kind & kPageSlice) return "slice";
    if (kind & kPageTid) return "TID";
    if (kind & kPageDeleted) return "deleted";
    return "unknown";
}

constexpr ixpg::PageSpec kPages =
    ixpg::make_page_spec<IxbPageOpaque>("ixbloom", kPageId, kPageMeta, kPageDeleted, page_kind_name);

// Bytes a page offers after the header and the special space.
constexpr std::size_t kPageBytes = ixpg::page_body_capacity(kPages);
static_assert(BLCKSZ != 8192 || kPageBytes == bl::kStandardPageBytes, "core's page body figure");

using IxbGroup = bl::GroupDescriptor;
constexpr std::size_t kGroupsPerDirPage = kPageBytes / sizeof(IxbGroup);

// IxbMeta::recorded: which of the fields appended in ixbloom 1.1 hold
// values.  A metapage written before has a shorter body (pd_lower) and
// reads them as zeros: 0 = nothing recorded.
constexpr uint32 kRecordedOptions = 1 << 0;  // opt_*: the options of CREATE INDEX
constexpr uint32 kRecordedTotals = 1 << 1;   // totals: sums over the group descriptors

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
    // ---- appended in ixbloom 1.1 (format 2 still; see kRecorded*) ----
    uint32 recorded;
    int32 opt_length;                   // WITH (length), 0 if not given
    float8 opt_false_positive_rate;     // WITH (false_positive_rate), 0 if not given
    uint16 opt_col_bits[bl::kMaxColumns];  // WITH (colN), 0 if not given
    bl::GroupTotals totals;             // sums over the group descriptors (core/bloom/group_totals.hpp)
    // ---- appended in format 3 ----
    uint32 merges;       // merges committed so far (a hot-standby scan compares it)
    uint32 sized_from;   // kSizedBy*: where the shape came from
    uint32 shape_check;  // shape_fingerprint of a shape chosen from the data, else 0
    uint32 reserved3;
};
constexpr std::size_t kMetaBytesV1 = offsetof(IxbMeta, recorded);  // ixbloom 1.0's metapage body
// IxbMeta::sized_from.  A metapage written before format 3 reads 0.
constexpr uint32 kSizedByOptions = 0;     // the options given, or contrib's defaults when none were
constexpr uint32 kSizedByStatistics = 1;  // no options: chosen from pg_statistic (shape_choice.hpp)
constexpr uint32 kSizedBySample = 2;      // no options and no statistics: from a sample of the table

constexpr std::size_t kMetaBytesV2 = offsetof(IxbMeta, merges);  // ixbloom 1.1's metapage body
static_assert(kMetaBytesV1 == 112 && offsetof(IxbMeta, totals) == 192 && kMetaBytesV2 == 480 &&
                  sizeof(IxbMeta) == 496,
              "metapage layout (docs/ixbloom-format.md)");

constexpr ixpg::MetaSpec kMetaSpec{kMagic, kOldestFormatVersion, kFormatVersion, kMetaBytesV1};

// Grow a metapage body written by an older release to the full layout: the
// appended fields read as zeros, which is what they meant when absent.
inline void grow_meta_body(Page meta_page) {
    const std::size_t used = ixpg::page_body_used(meta_page);
    if (used < sizeof(IxbMeta)) {
        std::memset(ixpg::page_body(meta_page) + used, 0, sizeof(IxbMeta) - used);
        ixpg::set_page_body_used(meta_page, sizeof(IxbMeta));
    }
}

// Does this metapage page hold the 1.1 fields, with totals recorded?  (A
// 1.0 body is shorter; the bytes after its pd_lower are the page's hole.)
inline bool meta_has_totals(Page meta_page) {
    return ixpg::page_body_used(meta_page) >= kMetaBytesV2 &&
           (reinterpret_cast<const IxbMeta*>(PageGetContents(meta_page))->recorded & kRecordedTotals);
}

// The range of WITH (false_positive_rate = ...).
constexpr double kMinFalsePositiveRate = 0.000001;
constexpr double kMaxFalsePositiveRate = 0.5;

inline IxbPageOpaque* page_opaque(Page page) { return reinterpret_cast<IxbPageOpaque*>(PageGetSpecialPointer(page)); }
inline IxbMeta* page_meta(Page page) { return reinterpret_cast<IxbMeta*>(PageGetContents(page)); }

// Where a group's slices and TID pages are.
inline bl::GroupGeometry group_geometry(const IxbGroup& group, int sig_bits) {
    return bl::geometry_of(group, sig_bits, kPageBytes);
}

// Bytes of one insert-buffer entry: a TID then the signature.
inline std::size_t entry_bytes(int sig_bits) { return sizeof(ItemPointerData) + static_cast<std::size_t>(sig_bits) / 8; }
inline std::size_t entries_per_page(int sig_bits) { return kPageBytes / entry_bytes(sig_bits); }

}  // namespace ixbloom
