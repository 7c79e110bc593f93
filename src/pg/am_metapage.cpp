// am_metapage.cpp — reading and checking block 0.
#include "pg/am_metapage.hpp"

#include "pg/longjmp_safe.hpp"

namespace ixpg {

Buffer lock_metapage(Relation index, const PageSpec& spec, const MetaSpec& meta, int lock_mode) {
    // (An index without block 0 fails in ReadBuffer with "could not read
    // block 0": no size check here, which would cost every insert a system
    // call.)
    Buffer buf = ReadBuffer(index, kMetaBlock);
    LockBuffer(buf, lock_mode);
    Page page = BufferGetPage(buf);
    check_page_kind(index, kMetaBlock, page, spec, spec.meta_kind);
    MetaHeader header;
    std::memset(&header, 0, sizeof header);
    const std::size_t used = page_body_used(page);
    std::memcpy(&header, page_body(page), used < sizeof header ? used : sizeof header);
    if (header.magic != meta.magic)
        ereport(ERROR,
                (errcode(ERRCODE_INDEX_CORRUPTED),
                 errmsg("index \"%s\" is not an %s index", RelationGetRelationName(index), spec.am_name),
                 errdetail("The metapage has magic number 0x%08X, not 0x%08X.", header.magic, meta.magic),
                 errhint("REINDEX the index.")));
    if (header.format_version < meta.oldest_format_version || header.format_version > meta.format_version) {
        if (meta.oldest_format_version == meta.format_version)
            ereport(ERROR,
                    (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                     errmsg("index \"%s\" has %s format version %u, this build reads version %u",
                            RelationGetRelationName(index), spec.am_name, header.format_version, meta.format_version),
                     errhint("REINDEX the index.")));
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg("index \"%s\" has %s format version %u, this build reads versions %u to %u",
                        RelationGetRelationName(index), spec.am_name, header.format_version,
                        meta.oldest_format_version, meta.format_version),
                 errhint("REINDEX the index.")));
    }
    if (used < meta.min_bytes)
        report_index_damage(index, kMetaBlock, "metapage", "Its body holds %zu bytes; format version %u needs %zu.",
                            used, header.format_version, meta.min_bytes);
    return buf;
}

}  // namespace ixpg
