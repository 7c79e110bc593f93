// census_extensions.cpp — index_stats() readers for extension access
// methods: contrib bloom (its on-disk layout, restated below because contrib
// installs no header), and ours, read through their format headers, whose
// metapage magic and format version are checked first (an index of a
// format this build does not know is refused with a REINDEX hint).
#include "ixstat/index_census.hpp"
#include "ixbloom/format.hpp"
#include "ixbrin/format.hpp"
#include "ixlearn/format.hpp"
#include "core/learn/leaf.hpp"
#include "pg/am_metapage.hpp"
#include "pg/page_access.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/itup.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixstat {

namespace {

// ---- contrib bloom (contrib/bloom/bloom.h, PostgreSQL 15) -------------------
// Fixed-size tuples (a TID, then the signature's uint16 words) packed from
// the page's contents; the special space counts them.
struct BloomOpaque {
    OffsetNumber maxoff;
    uint16 flags;
    uint16 unused;
    uint16 page_id;
};
constexpr uint16 kBloomMeta = 1 << 0;
constexpr uint16 kBloomDeleted = 2 << 0;
constexpr uint16 kBloomPageId = 0xFF83;
constexpr uint32 kBloomMagic = 0xDBAC0DED;
struct BloomMetaHead {
    uint32 magic;
    uint16 n_start;
    uint16 n_end;
    int32 vl_len;
    int32 length_words;  // signature length in uint16 words
};
constexpr std::size_t kBloomTupleHead = sizeof(ItemPointerData);

const BloomOpaque* bloom_opaque(Relation index, BlockNumber blkno, Page page) {
    ixpg::check_page_header(index, blkno, page);
    if (PageGetSpecialSize(page) != MAXALIGN(sizeof(BloomOpaque)))
        ixpg::report_corrupted_page(index, blkno, ixcore::PageFault::BadSpecialSize);
    const BloomOpaque* o = reinterpret_cast<const BloomOpaque*>(PageGetSpecialPointer(page));
    if (o->page_id != kBloomPageId)
        ixpg::report_index_damage(index, blkno, "page", "The page id is not contrib bloom's.");
    return o;
}

void bloom_meta(Relation index, Census& c, ReaderState& state) {
    Buffer buf = ReadBuffer(index, 0);
    LockBuffer(buf, BUFFER_LOCK_SHARE);
    Page page = BufferGetPage(buf);
    if (PageIsNew(page))
        ixpg::report_index_damage(index, 0, "metapage", "The metapage is all zeros.");
    const BloomOpaque* o = bloom_opaque(index, 0, page);
    BloomMetaHead m;
    std::memcpy(&m, PageGetContents(page), sizeof m);
    if (!(o->flags & kBloomMeta) || m.magic != kBloomMagic)
        ixpg::report_index_damage(index, 0, "metapage", "Block 0 is not a bloom metapage.");
    if (m.length_words < 1 || m.length_words > 256)
        ixpg::report_index_damage(index, 0, "metapage", "The signature length is %d words (1..256).", m.length_words);
    state.entry_bytes = static_cast<uint32>(kBloomTupleHead + sizeof(uint16) * m.length_words);
    ++c.meta;
    c.add("signature_bits", 16.0 * m.length_words, false);
    UnlockReleaseBuffer(buf);
}

void bloom_page(Relation index, BlockNumber blkno, Page page, Census& c, const ReaderState& state) {
    const BloomOpaque* o = bloom_opaque(index, blkno, page);
    if (o->flags & kBloomDeleted) {
        ++c.free;
        c.free_bytes += BLCKSZ;
        return;
    }
    const std::size_t body = PageGetSpecialSize(page) == 0 ? 0 : reinterpret_cast<PageHeader>(page)->pd_special -
                                                                     MAXALIGN(SizeOfPageHeaderData);
    const std::size_t used = static_cast<std::size_t>(o->maxoff) * state.entry_bytes;
    if ((o->flags & kBloomMeta) || used > body)
        ixpg::report_index_damage(index, blkno, "page", "It claims %u tuples of %u bytes, more than its %zu bytes.",
                                  o->maxoff, state.entry_bytes, body);
    ++c.leaf;
    c.live += o->maxoff;
    c.free_bytes += body - used;
    c.leaf_usable += body;
    c.leaf_used += used;
}

// ---- ixbloom (docs/ixbloom-format.md) ------------------------------------------
// Groups' rows are counted from their descriptors on directory pages (live,
// and the rows their dead slice marks); insert-buffer entries from the
// buffer pages' bodies.
void ixbloom_meta(Relation index, Census& c, ReaderState& state) {
    std::size_t stored = 0;
    const ixbloom::IxbMeta m = ixpg::read_metapage<ixbloom::IxbMeta>(index, ixbloom::kPages, ixbloom::kMetaSpec,
                                                                     &stored, nullptr);
    if (m.sig_bits == 0 || m.sig_bits % 8 != 0 || m.sig_bits > ixcore::bloom::kMaxSignatureBits)
        ixpg::report_index_damage(index, 0, "metapage", "The signature length is %u bits.", m.sig_bits);
    state.sig_bits = m.sig_bits;
    state.entry_bytes = static_cast<uint32>(ixbloom::entry_bytes(m.sig_bits));
    ++c.meta;
    c.add("format_version", m.format_version, false);
    c.add("signature_bits", m.sig_bits, false);
    c.add("groups", m.ngroups, false);
}

void ixbloom_page(Relation index, BlockNumber blkno, Page page, Census& c, const ReaderState& state) {
    const uint16 body_kinds = ixbloom::kPageBuffer | ixbloom::kPageDirectory | ixbloom::kPageSlice | ixbloom::kPageTid |
                       ixbloom::kPageDeleted;
    ixpg::check_page_kind(index, blkno, page, ixbloom::kPages, body_kinds);
    const uint16 kind = ixpg::page_kind(page);
    const std::size_t used = ixpg::page_body_used(page);
    if (kind & ixbloom::kPageDeleted) {
        ++c.free;
        c.free_bytes += BLCKSZ;
    } else if (kind & ixbloom::kPageDirectory) {
        ++c.internal;
        c.free_bytes += ixbloom::kPageBytes - used;
        const std::size_t n = used / sizeof(ixbloom::IxbGroup);
        const char* body = ixpg::page_body(page);
        for (std::size_t i = 0; i < n; ++i) {
            ixbloom::IxbGroup g;
            std::memcpy(&g, body + i * sizeof g, sizeof g);
            if (g.live > g.nrows)
                ixpg::report_index_damage(index, blkno, "directory page", "Group %zu has %u live rows of %u.", i,
                                          g.live, g.nrows);
            c.live += g.live;
            c.dead += g.nrows - g.live;
            c.dead_bytes += static_cast<uint64>(g.nrows - g.live) * state.entry_bytes;
        }
    } else {
        // Slices, TID pages and insert-buffer pages: the body up to pd_lower.
        ++c.leaf;
        c.free_bytes += ixbloom::kPageBytes - used;
        c.leaf_usable += ixbloom::kPageBytes;
        c.leaf_used += used;
        if (kind & ixbloom::kPageBuffer) {
            c.live += used / state.entry_bytes;
            c.add("buffer_pages", 1);
        }
    }
}

// ---- ixbrin (docs/ixbrin-format.md) ------------------------------------------------
// The range map routes (internal); summary pages hold one summary per range.
void ixbrin_meta(Relation index, Census& c, ReaderState&) {
    const ixbrin::IxbrMeta m =
        ixpg::read_metapage<ixbrin::IxbrMeta>(index, ixbrin::kPages, ixbrin::kMetaSpec, nullptr, nullptr);
    ++c.meta;
    c.add("format_version", m.format_version, false);
    c.add("pages_per_range", m.pages_per_range, false);
}

void ixbrin_page(Relation index, BlockNumber blkno, Page page, Census& c, const ReaderState&) {
    ixpg::check_page_kind(index, blkno, page, ixbrin::kPages,
                          ixbrin::kPageMap | ixbrin::kPageSummary | ixbrin::kPageDeleted);
    const uint16 kind = ixpg::page_kind(page);
    if (kind & ixbrin::kPageDeleted) {
        ++c.free;
        c.free_bytes += BLCKSZ;
    } else if (kind & ixbrin::kPageMap) {
        ++c.internal;
        c.add("map_pages", 1);
    } else {
        count_item_page(index, blkno, page, FirstOffsetNumber, sizeof(ixbrin::SummaryHeader), true, c);
    }
}

// ---- ixlearn (docs/ixlearn-format.md) -----------------------------------------------
// Model pages route (internal); leaves hold coded entries and a pending
// area, both live (VACUUM removes dead entries; none are marked dead).
void ixlearn_meta(Relation index, Census& c, ReaderState& state) {
    const ixlearn::IxlMeta m =
        ixpg::read_metapage<ixlearn::IxlMeta>(index, ixlearn::kPages, ixlearn::kMetaSpec, nullptr, nullptr);
    state.format_version = m.format_version;
    ++c.meta;
    c.add("format_version", m.format_version, false);
    c.add("model_version", m.model_version, false);
    c.add("epsilon", m.epsilon, false);
}

void ixlearn_page(Relation index, BlockNumber blkno, Page page, Census& c, const ReaderState& state) {
    ixpg::check_page_kind(index, blkno, page, ixlearn::kPages,
                          ixlearn::kPageLeaf | ixlearn::kPageModel | ixlearn::kPageDeleted |
                              ixlearn::kPageUnlinked);
    const uint16 kind = ixpg::page_kind(page);
    if (kind & ixlearn::kPageDeleted) {
        ++c.free;
        c.free_bytes += BLCKSZ;
    } else if (kind & ixlearn::kPageUnlinked) {
        // As btree's deleted pages: free, once no reader can reach them.
        ++c.free;
        c.free_bytes += BLCKSZ;
        c.add("unlinked_leaves", 1);
    } else if (kind & ixlearn::kPageModel) {
        ++c.internal;
        c.add("model_pages", 1);
        c.free_bytes += ixlearn::kPageBytes - ixpg::page_body_used(page);
    } else {
        const int nkeys = IndexRelationGetNumberOfKeyAttributes(index);
        const ixcore::learn::LeafShape shape{
            static_cast<uint16>(nkeys), IndexRelationGetNumberOfAttributes(index) > nkeys,
            ixlearn::lane_format_of(state.format_version)};
        ixcore::learn::LeafView* view =
            static_cast<ixcore::learn::LeafView*>(palloc(sizeof(ixcore::learn::LeafView)));
        const ixcore::learn::LeafFault fault = view->parse(
            reinterpret_cast<const uint8*>(ixpg::page_body(page)), ixpg::page_body_used(page), shape);
        if (fault != ixcore::learn::LeafFault::None)
            ixpg::report_index_damage(index, blkno, "leaf", "%s", ixcore::learn::describe(fault));
        ++c.leaf;
        c.live += view->total();
        c.leaf_used += view->used_bytes();
        c.leaf_usable += ixlearn::kPageBytes;
        c.free_bytes += ixlearn::kPageBytes - view->used_bytes();
        c.add("pending_entries", view->pending());
        pfree(view);
    }
}

const CensusReader kReaders[] = {
    {"bloom", 1, bloom_meta, bloom_page},
    {"ixbloom", 1, ixbloom_meta, ixbloom_page},
    {"ixbrin", 1, ixbrin_meta, ixbrin_page},
    {"ixlearn", 1, ixlearn_meta, ixlearn_page},
};

}  // namespace

const CensusReader* extension_reader(const char* am_name) {
    for (const CensusReader& r : kReaders)
        if (std::strcmp(r.am_name, am_name) == 0)
            return &r;
    return nullptr;
}

}  // namespace ixstat
