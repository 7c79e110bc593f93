// am_metapage.hpp — the metapage (block 0) of an indexpack access method:
// its body starts with a magic number and a format version, checked before
// anything else on it is believed; and a per-backend copy, in the relcache's
// rd_amcache, of what never changes after CREATE INDEX.
#pragma once

#include "pg/am_page.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/bufmgr.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include <cstring>
#include <type_traits>

namespace ixpg {

// The first eight bytes of every metapage body.
struct MetaHeader {
    uint32 magic;
    uint32 format_version;
};

struct MetaSpec {
    uint32 magic;
    uint32 oldest_format_version;  // this build reads oldest..format_version
    uint32 format_version;         // and builds write this one
    std::size_t min_bytes;         // the smallest body a metapage of any of them has
};

// Read and lock block 0 (BUFFER_LOCK_SHARE or _EXCLUSIVE) and check it: a
// metapage of the method, the magic number (index_corrupted otherwise), a
// format version this build reads (feature_not_supported with a REINDEX
// hint otherwise), and a body of at least min_bytes.  Returns the locked
// buffer.
Buffer lock_metapage(Relation index, const PageSpec& spec, const MetaSpec& meta, int lock_mode);

// A copy of the metapage body as Meta, read under a share lock.
// stored_bytes, if given, gets the body size on disk: a later release may
// append fields to Meta, and an older metapage then lacks them.  snapshot:
// a scan's, for the old-snapshot test (TestForOldSnapshot); else NULL.
template <class Meta>
Meta read_metapage(Relation index, const PageSpec& spec, const MetaSpec& meta_spec, std::size_t* stored_bytes,
                   Snapshot snapshot) {
    static_assert(std::is_trivially_copyable<Meta>::value, "a metapage is raw bytes");
    Buffer buf = lock_metapage(index, spec, meta_spec, BUFFER_LOCK_SHARE);
    Page page = BufferGetPage(buf);
    TestForOldSnapshot(snapshot, index, page);
    const std::size_t used = page_body_used(page);
    Meta meta;
    std::memset(&meta, 0, sizeof meta);
    std::memcpy(&meta, page_body(page), used < sizeof meta ? used : sizeof meta);
    UnlockReleaseBuffer(buf);
    if (stored_bytes != nullptr)
        *stored_bytes = used;
    return meta;
}

// The per-backend copy of an index's immutable state (options and shapes
// frozen at CREATE INDEX), built by fill(T&) the first time.  It lives in
// rd_amcache, which the relcache frees whenever the index is rebuilt
// (REINDEX, TRUNCATE), so it can never outlive the pages it describes.
// fill may raise an ERROR: nothing is cached until it has returned.
template <class T, class Fill>
T index_cache(Relation index, Fill&& fill) {
    static_assert(std::is_trivially_copyable<T>::value, "cached in rd_amcache by value");
    if (index->rd_amcache == nullptr) {
        T value;
        fill(value);
        void* copy = MemoryContextAlloc(index->rd_indexcxt, sizeof(T));
        std::memcpy(copy, &value, sizeof(T));
        index->rd_amcache = copy;
    }
    T out;
    std::memcpy(&out, index->rd_amcache, sizeof(T));
    return out;
}

}  // namespace ixpg
