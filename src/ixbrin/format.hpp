// format.hpp — the on-disk contract of an ixbrin index, format version 1
// (docs/ixbrin-format.md): page kinds and the special space, the metapage,
// range-map entries, the summary tuple header.  Types and constants only.
#pragma once

#include "pg/am_metapage.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/itemptr.h"
IXPG_END_C_HEADERS

#include <cstddef>

namespace ixbrin {

constexpr uint32 kMagic = 0x1B41F001;
constexpr uint32 kFormatVersion = 1;
constexpr uint16 kPageId = 0xB41F;

// Page kinds (IxbrPageOpaque::flags).
constexpr uint16 kPageMeta = 1 << 0;
constexpr uint16 kPageMap = 1 << 1;
constexpr uint16 kPageSummary = 1 << 2;
constexpr uint16 kPageDeleted = 1 << 3;

struct IxbrPageOpaque {
    uint16 flags;
    uint16 unused;
    BlockNumber next;  // unused: InvalidBlockNumber
    uint16 reserved;
    uint16 page_id;
};
static_assert(sizeof(IxbrPageOpaque) == 12, "page opaque layout");

inline const char* page_kind_name(uint16 kind) {
    if (kind & kPageMeta) return "meta";
    if (kind & kPageMap) return "range-map";
    if (kind & kPageSummary) return "summary";
    if (kind & kPageDeleted) return "deleted";
    return "unknown";
}

constexpr ixpg::PageSpec kPages =
    ixpg::make_page_spec<IxbrPageOpaque>("ixbrin", kPageId, kPageMeta, kPageDeleted, page_kind_name);
constexpr std::size_t kPageBytes = ixpg::page_body_capacity(kPages);

// ---- metapage -------------------------------------------------------------

constexpr int kMaxMapPages = 2030;

struct IxbrMeta {
    uint32 magic;
    uint32 format_version;
    uint32 pages_per_range;
    uint16 ncols;
    uint16 reserved;
    uint32 nmap;               // map pages in use
    BlockNumber insert_page;   // where new summary tuples go first
    BlockNumber map_blocks[kMaxMapPages];
};
static_assert(sizeof(IxbrMeta) <= kPageBytes, "metapage fits");
constexpr ixpg::MetaSpec kMetaSpec{kMagic, kFormatVersion, kFormatVersion, sizeof(IxbrMeta)};

inline IxbrPageOpaque* page_opaque(Page page) { return reinterpret_cast<IxbrPageOpaque*>(PageGetSpecialPointer(page)); }
inline IxbrMeta* page_meta(Page page) { return reinterpret_cast<IxbrMeta*>(PageGetContents(page)); }

// ---- range map --------------------------------------------------------------

constexpr uint16 kEntryDesummarized = 1 << 0;

struct MapEntry {
    ItemPointerData summary;  // block InvalidBlockNumber: no summary
    uint16 flags;
};
static_assert(sizeof(MapEntry) == 8, "map entry layout");
constexpr uint32 kEntriesPerMapPage = static_cast<uint32>(kPageBytes / sizeof(MapEntry));
constexpr uint64 kMaxRanges = static_cast<uint64>(kEntriesPerMapPage) * kMaxMapPages;

// ---- summary tuples -----------------------------------------------------------

constexpr uint8 kSummarySorted = 1 << 0;   // rows in key order of column 1, in heap order
constexpr uint8 kSummaryPending = 1 << 1;  // a re-summarization runs: a pending part follows

struct SummaryHeader {
    uint32 range;
    uint8 flags;
    uint8 ncols;
    ItemPointerData last_tid;
};
static_assert(sizeof(SummaryHeader) == 12, "summary header layout");

// Column summary flags (the first byte of each column's part).
constexpr uint8 kColumnHasNulls = 1 << 0;
constexpr uint8 kColumnHasValues = 1 << 1;

}  // namespace ixbrin
