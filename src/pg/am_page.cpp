// am_page.cpp — page initialisation and kind checks for every access method.
#include "pg/am_page.hpp"
#include "core/page_layout.hpp"

#include <cstdarg>
#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixpg {

namespace {

char* opaque_bytes(Page page) { return PageGetSpecialPointer(page); }

uint16 read_u16(const char* p) {
    uint16 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Why a page is not a well-formed page of the method with one of `kinds`,
// or nullptr if it is.
const char* page_fault(Page page, const PageSpec& spec, uint16 kinds) {
    if (PageIsNew(page))
        return "the page is all zeros (never initialised)";
    const ixcore::PageView view(reinterpret_cast<const std::uint8_t*>(page), BLCKSZ);
    const ixcore::PageFault fault = view.validate_header();
    if (fault != ixcore::PageFault::None)
        return ixcore::describe(fault);
    if (reinterpret_cast<PageHeader>(page)->pd_lower < MAXALIGN(SizeOfPageHeaderData))
        return "pd_lower ends inside the page header";
    if (PageGetSpecialSize(page) != MAXALIGN(spec.opaque_size))
        return "its special space is not the size this access method uses";
    if (read_u16(opaque_bytes(page) + spec.opaque_size - 2) != spec.page_id)
        return "its page id is not this access method's";
    if ((page_kind(page) & kinds) == 0)
        return "it is a page of another kind";
    return nullptr;
}

}  // namespace

uint16 page_kind(Page page) { return read_u16(opaque_bytes(page)); }

BlockNumber page_next(Page page, const PageSpec& spec) {
    BlockNumber next;
    std::memcpy(&next, opaque_bytes(page) + spec.next_offset, sizeof next);
    return next;
}

void set_page_next(Page page, const PageSpec& spec, BlockNumber next) {
    std::memcpy(opaque_bytes(page) + spec.next_offset, &next, sizeof next);
}

void init_page(Page page, const PageSpec& spec, uint16 kind) {
    PageInit(page, BLCKSZ, spec.opaque_size);
    char* opaque = opaque_bytes(page);
    std::memset(opaque, 0, spec.opaque_size);
    std::memcpy(opaque, &kind, sizeof kind);
    std::memcpy(opaque + spec.opaque_size - 2, &spec.page_id, sizeof spec.page_id);
    set_page_next(page, spec, InvalidBlockNumber);
}

bool page_is(Page page, const PageSpec& spec, uint16 kinds) { return page_fault(page, spec, kinds) == nullptr; }

void check_page_kind(Relation index, BlockNumber blkno, Page page, const PageSpec& spec, uint16 kinds) {
    const char* fault = page_fault(page, spec, kinds);
    if (fault == nullptr)
        return;
    // A well-formed page of ours of another kind: say which kind it is.
    const bool wrong_kind = page_is(page, spec, static_cast<uint16>(~0u));
    ereport(ERROR,
            (errcode(ERRCODE_INDEX_CORRUPTED),
             errmsg("index \"%s\" contains an unexpected or corrupted page at block %u", RelationGetRelationName(index),
                    blkno),
             wrong_kind ? errdetail("Expected a %s %s page, found a %s page.", spec.am_name, spec.kind_name(kinds),
                                    spec.kind_name(page_kind(page)))
                        : errdetail("Expected a %s %s page: %s.", spec.am_name, spec.kind_name(kinds), fault),
             errhint("REINDEX the index.")));
}

void report_index_damage(Relation index, BlockNumber blkno, const char* what, const char* detail_fmt, ...) {
    char detail[512];
    va_list args;
    va_start(args, detail_fmt);
    vsnprintf(detail, sizeof detail, detail_fmt, args);
    va_end(args);
    ereport(ERROR,
            (errcode(ERRCODE_INDEX_CORRUPTED),
             errmsg("index \"%s\" has a corrupted %s at block %u", RelationGetRelationName(index), what, blkno),
             errdetail("%s", detail), errhint("REINDEX the index.")));
    pg_unreachable();
}

}  // namespace ixpg
