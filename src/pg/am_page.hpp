// am_page.hpp — typed pages of an indexpack access method: every page is a
// standard PostgreSQL page whose special space holds the method's opaque
// struct, with a kind in its first two bytes and the method's page id in its
// last two (the convention of contrib/bloom and of the built-in methods'
// page ids).  One description per method (PageSpec); one initialiser, one
// kind check, one place for the body arithmetic on pd_lower.
#pragma once

#include "pg/postgres.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/block.h"
#include "storage/bufpage.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

#include <cstddef>
#include <type_traits>

namespace ixpg {

// Block 0 of every method is its metapage.
constexpr BlockNumber kMetaBlock = 0;

// What the generic code needs to know of a method's pages.
struct PageSpec {
    const char* am_name;     // for messages: "ixbloom"
    uint16 page_id;          // the last two bytes of the opaque struct
    uint16 opaque_size;      // sizeof(the opaque struct), before MAXALIGN
    uint16 next_offset;      // offsetof(opaque, the chain link), for ChainWalk
    uint16 meta_kind;        // the kind flag of the metapage (block 0)
    uint16 deleted_kind;     // the kind flag of a free, reusable page
    const char* (*kind_name)(uint16 kind);  // "slice", "directory", ... for messages
};

// Build the PageSpec of an opaque struct laid out by the convention: a
// uint16 `flags` first, a uint16 `page_id` last, a BlockNumber `next`.
template <class Opaque>
constexpr PageSpec make_page_spec(const char* am_name, uint16 page_id, uint16 meta_kind, uint16 deleted_kind,
                                  const char* (*kind_name)(uint16)) {
    static_assert(std::is_standard_layout<Opaque>::value && std::is_trivially_copyable<Opaque>::value,
                  "an opaque struct is raw page bytes");
    static_assert(offsetof(Opaque, flags) == 0 && sizeof(Opaque::flags) == 2, "kind flags first");
    static_assert(offsetof(Opaque, page_id) == sizeof(Opaque) - 2 && sizeof(Opaque::page_id) == 2, "page id last");
    static_assert(sizeof(Opaque::next) == sizeof(BlockNumber), "chain link");
    return PageSpec{am_name, page_id, static_cast<uint16>(sizeof(Opaque)), static_cast<uint16>(offsetof(Opaque, next)),
                    meta_kind, deleted_kind, kind_name};
}

// Bytes between the page header and the special space.
constexpr std::size_t page_body_capacity(const PageSpec& spec) {
    return BLCKSZ - MAXALIGN(SizeOfPageHeaderData) - MAXALIGN(static_cast<std::size_t>(spec.opaque_size));
}

inline char* page_body(Page page) { return PageGetContents(page); }

// The body in use ends at pd_lower (truthful, so GenericXLog skips the hole).
// Valid on a page that passed check_page_kind (pd_lower is then past the header).
inline std::size_t page_body_used(Page page) {
    return reinterpret_cast<PageHeader>(page)->pd_lower - MAXALIGN(SizeOfPageHeaderData);
}
inline void set_page_body_used(Page page, std::size_t bytes) {
    reinterpret_cast<PageHeader>(page)->pd_lower = static_cast<LocationIndex>(MAXALIGN(SizeOfPageHeaderData) + bytes);
}

// The kind flags and the chain link of a page of this method.
uint16 page_kind(Page page);
BlockNumber page_next(Page page, const PageSpec& spec);
void set_page_next(Page page, const PageSpec& spec, BlockNumber next);

// PageInit with the method's special space, zeroed, then the kind, the
// page id and no chain link.  The body is empty (pd_lower after the header).
void init_page(Page page, const PageSpec& spec, uint16 kind);

// Is this a well-formed page of the method (header bounds, special size,
// page id) whose kind is one of `kinds`?  Never raises: for callers that
// must tell "not what I expected" from corruption (a recycled page, a page
// that replay changed under a hot-standby scan).
bool page_is(Page page, const PageSpec& spec, uint16 kinds);

// The same, raising index_corrupted naming the index, the block and what is
// wrong.  Every page read from disk passes here before a byte of it is used.
void check_page_kind(Relation index, BlockNumber blkno, Page page, const PageSpec& spec, uint16 kinds);

// index_corrupted for damage that a page check cannot see (a field that
// breaks an invariant): "index "x" has a corrupted <what> at block N", the
// detail saying which invariant, and the REINDEX hint.
[[noreturn]] void report_index_damage(Relation index, BlockNumber blkno, const char* what, const char* detail_fmt, ...)
    pg_attribute_printf(4, 5);

}  // namespace ixpg
