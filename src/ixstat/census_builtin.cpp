// census_builtin.cpp — index_stats() readers for PostgreSQL's own access
// methods: btree, hash, gin, gist, spgist, brin.  Each checks a page's header
// and special space before reading a flag, and bounds-checks every line
// pointer it counts (ixpg::tally_page_items).
#include "ixstat/index_census.hpp"
#include "pg/am_page.hpp"
#include "pg/page_access.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/brin_page.h"
#include "access/brin_tuple.h"
#include "access/gin_private.h"
#include "access/gist.h"
#include "access/hash.h"
#include "access/nbtree.h"
#include "access/spgist_private.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixstat {

namespace {

// The header is sane and the special space has the method's size: only
// then may its flags be read.
void check_special(Relation index, BlockNumber blkno, Page page, std::size_t opaque_size) {
    ixpg::check_page_header(index, blkno, page);
    if (PageGetSpecialSize(page) != MAXALIGN(opaque_size))
        ixpg::report_corrupted_page(index, blkno, ixcore::PageFault::BadSpecialSize);
}

void count_meta_page(Relation index, Page page, Census& c) {
    ixpg::check_page_header(index, 0, page);
    ++c.meta;
    c.free_bytes += PageGetExactFreeSpace(page);
}

// Block 0 under a share lock, checked as the method's metapage (not all
// zeros, the special space's size, then is_meta on its flags and magic)
// and counted; then `read` takes the figures it wants from it.  am: "a
// btree", for the message.
template <class IsMeta, class Read>
void read_metapage(Relation index, Census& c, std::size_t opaque_size, const char* am, IsMeta&& is_meta,
                   Read&& read) {
    Buffer buf = ReadBuffer(index, 0);
    LockBuffer(buf, BUFFER_LOCK_SHARE);
    Page page = BufferGetPage(buf);
    if (PageIsNew(page))
        ixpg::report_index_damage(index, 0, "metapage", "The metapage is all zeros.");
    check_special(index, 0, page, opaque_size);
    if (!is_meta(page))
        ixpg::report_index_damage(index, 0, "metapage", "Block 0 is not %s metapage.", am);
    count_meta_page(index, page, c);
    read(page);
    UnlockReleaseBuffer(buf);
}

// ---- btree: pgstatindex's classes (deleted pages are free, half-dead ones
// other); entries are leaf tuples after the high key, posting lists as one.
void btree_meta(Relation index, Census& c, ReaderState&) {
    read_metapage(
        index, c, sizeof(BTPageOpaqueData), "a btree",
        [](Page page) { return (BTPageGetOpaque(page)->btpo_flags & BTP_META) && BTPageGetMeta(page)->btm_magic == BTREE_MAGIC; },
        [&](Page page) {
            c.add("version", BTPageGetMeta(page)->btm_version, false);
            c.add("level", BTPageGetMeta(page)->btm_level, false);
            c.add("root_block", BTPageGetMeta(page)->btm_root, false);
        });
}

void btree_page(Relation index, BlockNumber blkno, Page page, Census& c, const ReaderState&) {
    check_special(index, blkno, page, sizeof(BTPageOpaqueData));
    BTPageOpaque opaque = BTPageGetOpaque(page);
    if (P_ISDELETED(opaque)) {
        ++c.free;
        c.free_bytes += BLCKSZ;
        c.add("deleted_pages", 1);
    } else if (P_IGNORE(opaque)) {
        ++c.other;
        c.free_bytes += PageGetExactFreeSpace(page);
        c.add("half_dead_pages", 1);
    } else if (P_ISLEAF(opaque)) {
        count_item_page(index, blkno, page, P_FIRSTDATAKEY(opaque), sizeof(IndexTupleData), true, c);
        // pgstatindex's leaf_fragmentation: a right sibling at a lower block.
        c.add("leaf_backward_links", opaque->btpo_next != P_NONE && opaque->btpo_next < blkno ? 1 : 0);
    } else {
        count_item_page(index, blkno, page, FirstOffsetNumber, sizeof(IndexTupleData), false, c);
    }
}

// ---- hash: bucket and overflow pages hold the entries; bitmap pages are other.
void hash_meta(Relation index, Census& c, ReaderState&) {
    read_metapage(
        index, c, sizeof(HashPageOpaqueData), "a hash",
        [](Page page) {
            return (HashPageGetOpaque(page)->hasho_flag & LH_PAGE_TYPE) == LH_META_PAGE &&
                   HashPageGetMeta(page)->hashm_magic == HASH_MAGIC;
        },
        [&](Page page) {
            c.add("version", HashPageGetMeta(page)->hashm_version, false);
            c.add("buckets", HashPageGetMeta(page)->hashm_maxbucket + 1.0, false);
        });
}

void hash_page(Relation index, BlockNumber blkno, Page page, Census& c, const ReaderState&) {
    check_special(index, blkno, page, sizeof(HashPageOpaqueData));
    const int type = HashPageGetOpaque(page)->hasho_flag & LH_PAGE_TYPE;
    if (type == LH_BUCKET_PAGE || type == LH_OVERFLOW_PAGE) {
        count_item_page(index, blkno, page, FirstOffsetNumber, sizeof(IndexTupleData), true, c);
        c.add(type == LH_BUCKET_PAGE ? "bucket_pages" : "overflow_pages", 1);
    } else if (type == LH_BITMAP_PAGE) {
        ++c.other;
        c.add("bitmap_pages", 1);
    } else if (type == LH_UNUSED_PAGE) {
        ++c.free;
        c.free_bytes += BLCKSZ;
    } else {
        ixpg::report_index_damage(index, blkno, "page", "Unknown hash page type 0x%04X.", type);
    }
}

// ---- gin: entry-tree leaves hold the entries (keys); posting-tree pages
// and the pending list are counted apart in detail.
void gin_meta(Relation index, Census& c, ReaderState&) {
    read_metapage(
        index, c, sizeof(GinPageOpaqueData), "a GIN", [](Page page) { return (GinPageGetOpaque(page)->flags & GIN_META) != 0; },
        [&](Page page) {
            const GinMetaPageData* m = GinPageGetMeta(page);
            c.add("version", m->ginVersion, false);
            c.add("pending_pages", static_cast<double>(m->nPendingPages), false);
            c.add("pending_tuples", static_cast<double>(m->nPendingHeapTuples), false);
        });
}

void gin_page(Relation index, BlockNumber blkno, Page page, Census& c, const ReaderState&) {
    check_special(index, blkno, page, sizeof(GinPageOpaqueData));
    if (GinPageIsDeleted(page)) {
        ++c.free;
        c.free_bytes += BLCKSZ;
    } else if (GinPageIsList(page)) {
        ++c.other;  // pending-list tuples are not yet entries of the tree
        ixcore::PageView::ItemTally tally;
        ixpg::tally_page_items(index, blkno, page, FirstOffsetNumber, sizeof(IndexTupleData), tally);
        c.free_bytes += PageGetExactFreeSpace(page);
    } else if (GinPageIsData(page)) {
        // Posting trees: compressed TID lists, no line pointers.
        if (GinPageIsLeaf(page)) {
            ++c.leaf;
            count_leaf_bytes(page, PageGetExactFreeSpace(page), c);
        } else {
            ++c.internal;
            c.free_bytes += PageGetExactFreeSpace(page);
        }
        c.add("posting_tree_pages", 1);
    } else {
        count_item_page(index, blkno, page, FirstOffsetNumber, sizeof(IndexTupleData), GinPageIsLeaf(page), c);
    }
}

// ---- gist: no metapage (block 0 is the root).
void gist_page(Relation index, BlockNumber blkno, Page page, Census& c, const ReaderState&) {
    check_special(index, blkno, page, sizeof(GISTPageOpaqueData));
    if (GistPageGetOpaque(page)->gist_page_id != GIST_PAGE_ID)
        ixpg::report_index_damage(index, blkno, "page", "The page id is not GiST's.");
    if (GistPageIsDeleted(page)) {
        ++c.free;
        c.free_bytes += BLCKSZ;
    } else {
        count_item_page(index, blkno, page, FirstOffsetNumber, sizeof(IndexTupleData), GistPageIsLeaf(page), c);
    }
}

// ---- spgist: leaf tuples by state: live; dead or redirect (VACUUM removes
// them); placeholders (free slots kept for their offsets) are free space.
void spgist_meta(Relation index, Census& c, ReaderState&) {
    read_metapage(
        index, c, sizeof(SpGistPageOpaqueData), "an SP-GiST",
        [](Page page) {
            return (SpGistPageGetOpaque(page)->flags & SPGIST_META) &&
                   SpGistPageGetMeta(page)->magicNumber == SPGIST_MAGIC_NUMBER;
        },
        [](Page) {});
}

void spgist_page(Relation index, BlockNumber blkno, Page page, Census& c, const ReaderState&) {
    check_special(index, blkno, page, sizeof(SpGistPageOpaqueData));
    if (SpGistPageGetOpaque(page)->spgist_page_id != SPGIST_PAGE_ID)
        ixpg::report_index_damage(index, blkno, "page", "The page id is not SP-GiST's.");
    if (SpGistPageIsDeleted(page)) {
        ++c.free;
        c.free_bytes += BLCKSZ;
        return;
    }
    const bool leaf = SpGistPageIsLeaf(page);
    // Validates every line pointer (a tuple's first word holds its state).
    ixcore::PageView::ItemTally tally;
    ixpg::tally_page_items(index, blkno, page, FirstOffsetNumber, sizeof(uint32), tally);
    if (!leaf) {
        ++c.internal;
        c.free_bytes += PageGetExactFreeSpace(page);
        return;
    }
    ++c.leaf;
    count_leaf_bytes(page, PageGetFreeSpace(page), c);
    const OffsetNumber max = PageGetMaxOffsetNumber(page);
    for (OffsetNumber off = FirstOffsetNumber; off <= max; ++off) {
        ItemId lp = PageGetItemId(page, off);
        if (!ItemIdIsNormal(lp))
            continue;
        uint32 word;
        std::memcpy(&word, PageGetItem(page, lp), sizeof word);
        const unsigned state = reinterpret_cast<SpGistLeafTuple>(&word)->tupstate;
        if (state == SPGIST_LIVE) {
            ++c.live;
        } else if (state == SPGIST_PLACEHOLDER) {
            // A slot VACUUM freed but must keep for its offset: reusable space.
            c.add("placeholders", 1);
            c.free_bytes += ItemIdGetLength(lp);
        } else {
            ++c.dead;  // dead, or a redirect left by a move: VACUUM removes it
            c.dead_bytes += ItemIdGetLength(lp) + sizeof(ItemIdData);
        }
    }
}

// ---- brin: the revmap routes (internal), regular pages hold the summaries.
void brin_meta(Relation index, Census& c, ReaderState&) {
    read_metapage(
        index, c, sizeof(BrinSpecialSpace), "a BRIN",
        [](Page page) {
            return BRIN_IS_META_PAGE(page) &&
                   reinterpret_cast<BrinMetaPageData*>(PageGetContents(page))->brinMagic == BRIN_META_MAGIC;
        },
        [&](Page page) {
            const BrinMetaPageData* m = reinterpret_cast<BrinMetaPageData*>(PageGetContents(page));
            c.add("version", m->brinVersion, false);
            c.add("pages_per_range", m->pagesPerRange, false);
        });
}

void brin_page(Relation index, BlockNumber blkno, Page page, Census& c, const ReaderState&) {
    check_special(index, blkno, page, sizeof(BrinSpecialSpace));
    if (BRIN_IS_REVMAP_PAGE(page)) {
        ++c.internal;
        c.add("revmap_pages", 1);
    } else if (BRIN_IS_REGULAR_PAGE(page)) {
        count_item_page(index, blkno, page, FirstOffsetNumber, SizeOfBrinTuple, true, c);
    } else {
        ixpg::report_index_damage(index, blkno, "page", "Unknown BRIN page type 0x%04X.", BrinPageType(page));
    }
}

const CensusReader kReaders[] = {
    {"btree", 1, btree_meta, btree_page},
    {"hash", 1, hash_meta, hash_page},
    {"gin", 1, gin_meta, gin_page},
    {"gist", 0, nullptr, gist_page},
    {"spgist", 1, spgist_meta, spgist_page},
    {"brin", 1, brin_meta, brin_page},
};

}  // namespace

const CensusReader* builtin_reader(const char* am_name) {
    for (const CensusReader& r : kReaders)
        if (std::strcmp(r.am_name, am_name) == 0)
            return &r;
    return nullptr;
}

}  // namespace ixstat
