// page_access.cpp — page validation and error reporting shared by extensions.
#include "pg/page_access.hpp"

IXPG_BEGIN_C_HEADERS
#include "utils/lsyscache.h"
IXPG_END_C_HEADERS

#include <cstddef>

#include "pg/longjmp_safe.hpp"

namespace ixpg {

// Core decodes pages without PostgreSQL's headers; hold it to the real layout.
static_assert(ixcore::kPageHeaderSize == SizeOfPageHeaderData, "page header size");
static_assert(ixcore::kLinePointerSize == sizeof(ItemIdData), "line pointer size");
static_assert(ixcore::kOffLower == offsetof(PageHeaderData, pd_lower), "pd_lower offset");
static_assert(ixcore::kOffUpper == offsetof(PageHeaderData, pd_upper), "pd_upper offset");
static_assert(ixcore::kOffSpecial == offsetof(PageHeaderData, pd_special), "pd_special offset");
static_assert(ixcore::kOffPageSizeVersion == offsetof(PageHeaderData, pd_pagesize_version), "pd_pagesize_version offset");
static_assert(ixcore::kMaxAlign == MAXIMUM_ALIGNOF, "MAXALIGN");
static_assert(static_cast<int>(ixcore::ItemState::Normal) == LP_NORMAL && static_cast<int>(ixcore::ItemState::Dead) == LP_DEAD &&
                  static_cast<int>(ixcore::ItemState::Redirect) == LP_REDIRECT && static_cast<int>(ixcore::ItemState::Unused) == LP_UNUSED,
              "line pointer states");

void report_corrupted_page(Relation rel, BlockNumber blkno, ixcore::PageFault fault) {
    const bool is_index = rel->rd_rel->relkind == RELKIND_INDEX || rel->rd_rel->relkind == RELKIND_PARTITIONED_INDEX;
    ereport(ERROR,
            (errcode(is_index ? ERRCODE_INDEX_CORRUPTED : ERRCODE_DATA_CORRUPTED),
             errmsg("relation \"%s\" contains a corrupted page at block %u", RelationGetRelationName(rel), blkno),
             errdetail("%s.", ixcore::describe(fault)),
             errhint(is_index ? "REINDEX the index, or restore it from a backup."
                              : "Restore the relation from a backup; amcheck's verify_heapam can list the damage.")));
    pg_unreachable();
}

void check_page(Relation rel, BlockNumber blkno, Page page, std::size_t min_item_len) {
    ixcore::PageView view(reinterpret_cast<const std::uint8_t*>(page), BLCKSZ);
    ixcore::PageFault fault = view.validate(min_item_len);
    if (fault != ixcore::PageFault::None)
        report_corrupted_page(rel, blkno, fault);
}

void check_page_item(Relation rel, BlockNumber blkno, Page page, OffsetNumber item, std::size_t min_item_len) {
    ixcore::PageView view(reinterpret_cast<const std::uint8_t*>(page), BLCKSZ);
    ixcore::PageFault fault = view.validate_header();
    if (fault == ixcore::PageFault::None)
        fault = view.validate_item(item, min_item_len);
    if (fault != ixcore::PageFault::None)
        report_corrupted_page(rel, blkno, fault);
}

void check_page_header(Relation rel, BlockNumber blkno, Page page) {
    ixcore::PageView view(reinterpret_cast<const std::uint8_t*>(page), BLCKSZ);
    ixcore::PageFault fault = view.validate_header();
    if (fault != ixcore::PageFault::None)
        report_corrupted_page(rel, blkno, fault);
}

void tally_page_items(Relation rel, BlockNumber blkno, Page page, OffsetNumber first, std::size_t min_item_len,
                      ixcore::PageView::ItemTally& tally) {
    ixcore::PageView view(reinterpret_cast<const std::uint8_t*>(page), BLCKSZ);
    ixcore::PageFault fault = view.validate_header();
    if (fault == ixcore::PageFault::None)
        fault = view.tally_items(first, min_item_len, tally);
    if (fault != ixcore::PageFault::None)
        report_corrupted_page(rel, blkno, fault);
}

BlockNumber relation_blocks(Relation rel) {
    BlockNumber n = 0;
    pg_call([&] { n = RelationGetNumberOfBlocks(rel); });
    return n;
}

}  // namespace ixpg
