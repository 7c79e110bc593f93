// format.hpp — the on-disk contract of an ixlearn index, format versions
// 1 and 2 (docs/ixlearn-format.md): page kinds and the special space, the
// metapage, model pages.  The leaf and directory codings are in
// src/core/learn; the two versions differ only in their lanes.  Types and
// constants only.
#pragma once

#include "core/learn/lane.hpp"
#include "pg/am_metapage.hpp"

#include <cstddef>

namespace ixlearn {

constexpr uint32 kMagic = 0x1E4A0001;
constexpr uint32 kFormatVersion = 2;        // what CREATE INDEX and REINDEX write
constexpr uint32 kOldestFormatVersion = 1;  // still read, and kept by inserts and VACUUM
constexpr uint16 kPageId = 0x1E4A;

// Page kinds (IxlPageOpaque::flags).
constexpr uint16 kPageMeta = 1 << 0;
constexpr uint16 kPageLeaf = 1 << 1;
constexpr uint16 kPageModel = 1 << 2;
constexpr uint16 kPageDeleted = 1 << 3;   // free: in the free space map
constexpr uint16 kPageUnlinked = 1 << 4;  // a leaf VACUUM took out of the chain, not yet free

struct IxlPageOpaque {
    uint16 flags;
    uint16 reserved16;  // 0
    BlockNumber left;   // leaf: the left sibling (InvalidBlockNumber on the leftmost); unlinked: as it was
    BlockNumber next;   // leaf: the right sibling; model: the next model page; unlinked: as it was
    uint16 reserved;
    uint16 page_id;
};
static_assert(sizeof(IxlPageOpaque) == 16, "page opaque layout");

inline const char* page_kind_name(uint16 kind) {
    if (kind & kPageMeta) return "meta";
    if (kind & kPageLeaf) return "leaf";
    if (kind & kPageModel) return "model";
    if (kind & kPageDeleted) return "deleted";
    if (kind & kPageUnlinked) return "unlinked leaf";
    return "unknown";
}

constexpr ixpg::PageSpec kPages =
    ixpg::make_page_spec<IxlPageOpaque>("ixlearn", kPageId, kPageMeta, kPageDeleted, page_kind_name);
constexpr std::size_t kPageBytes = ixpg::page_body_capacity(kPages);

inline IxlPageOpaque* page_opaque(Page page) { return reinterpret_cast<IxlPageOpaque*>(PageGetSpecialPointer(page)); }

// ---- metapage ---------------------------------------------------------------

struct IxlMeta {
    uint32 magic;
    uint32 format_version;
    uint16 nkeys;               // key columns
    uint16 natts;               // all columns (INCLUDE after the keys)
    uint32 model_version;       // bumped by every build and retrain
    BlockNumber model_head;     // first model page of that version
    uint32 model_pages;
    uint32 model_bytes;         // the coded directory, over model_pages pages
    BlockNumber leftmost;       // the leftmost leaf (never changes: splits go right)
    uint32 epsilon;             // the model's error bound, in directory entries
    uint32 leaves_at_model;     // leaves the model lists
    uint32 splits_since_model;  // leaves split or unlinked since
    uint32 unlinked_leaves;     // unlinked leaves not yet freed
    uint64 entries;             // as the last build, retrain or VACUUM counted them
};
static_assert(sizeof(IxlMeta) == 56, "metapage layout");
constexpr ixpg::MetaSpec kMetaSpec{kMagic, kOldestFormatVersion, kFormatVersion, sizeof(IxlMeta)};

// The lane layout of a format version the metapage check accepted.
inline ixcore::learn::LaneFormat lane_format_of(uint32 format_version) {
    return format_version == 1 ? ixcore::learn::LaneFormat::V1 : ixcore::learn::LaneFormat::V2;
}

inline IxlMeta* page_meta(Page page) { return reinterpret_cast<IxlMeta*>(PageGetContents(page)); }

// ---- unlinked leaves ----------------------------------------------------------

// The body of an unlinked leaf: when it may be freed.  Its links stay as
// they were, so a reader that arrives through an old link or model moves
// on right to the leaf that holds its key range now.
struct UnlinkedLeaf {
    uint64 safe_xid;       // FullTransactionId: freed once no running transaction is older
    uint32 model_version;  // the metapage's when it was unlinked: freed once a newer model is current
    uint32 reserved;       // 0
};
static_assert(sizeof(UnlinkedLeaf) == 16, "unlinked leaf layout");

// ---- model pages --------------------------------------------------------------

// Each model page's body: this header, then the next slice of the coded
// directory (src/core/learn/directory.hpp).
struct ModelPageHeader {
    uint32 model_version;
    uint32 page_index;  // 0 for the head
};
static_assert(sizeof(ModelPageHeader) == 8, "model page header layout");
constexpr std::size_t kModelSliceBytes = kPageBytes - sizeof(ModelPageHeader);

}  // namespace ixlearn
