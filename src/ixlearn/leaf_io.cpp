// leaf_io.cpp — leaf pages: read and check (every leaf passes the page
// check and the codec's parse before a byte of it is used), decode into
// palloc'd entries, and code entries back into a page.
#include "ixlearn/ixlearn.hpp"
#include "pg/page_access.hpp"

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

void parse_leaf(Relation index, BlockNumber blkno, Page page, lc::LeafView* view) {
    const lc::LeafFault fault = view->parse(reinterpret_cast<const uint8*>(ixpg::page_body(page)),
                                            ixpg::page_body_used(page), index_shape(index).leaf);
    if (fault != lc::LeafFault::None)
        ixpg::report_index_damage(index, blkno, "leaf", "%s", lc::describe(fault));
}

Buffer read_leaf(Relation index, BlockNumber blkno, int lock_mode, lc::LeafView* view,
                 BufferAccessStrategy strategy) {
    if (blkno == ixpg::kMetaBlock || blkno >= RelationGetNumberOfBlocks(index))
        ixpg::report_index_damage(index, blkno, "leaf link", "block %u is not a leaf of the index", blkno);
    Buffer buf = ReadBufferExtended(index, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
    LockBuffer(buf, lock_mode);
    Page page = BufferGetPage(buf);
    ixpg::check_page_kind(index, blkno, page, kPages, kPageLeaf);
    parse_leaf(index, blkno, page, view);
    return buf;
}

void decode_leaf(Relation index, BlockNumber blkno, const lc::LeafView& view, uint32 extra, LeafData* out) {
    const lc::LeafShape& ls = index_shape(index).leaf;
    out->n = view.size();
    out->words = static_cast<uint64*>(palloc(sizeof(uint64) * ls.stride() * (view.size() + extra)));
    out->include_cap = view.include_bytes() + 1;
    out->include = static_cast<uint8*>(palloc(out->include_cap));
    if (!view.decode(out->words, out->include))
        ixpg::report_index_damage(index, blkno, "leaf", "%s",
                                  "entries out of order, outside the leaf's bounds, or with out-of-range fields");
}

std::size_t leaf_size(const Shape& shape, const uint64* words, uint32 n) {
    uint64* scratch = static_cast<uint64*>(palloc(sizeof(uint64) * (n + 1)));
    const std::size_t bytes = lc::leaf_bytes(shape.leaf, words, n, scratch);
    pfree(scratch);
    return bytes;
}

bool encode_leaf(const Shape& shape, const uint64* words, uint32 n, const uint8* include, const lc::Bound& low,
                 const lc::Bound& high, Page page) {
    if (n > lc::kMaxLeafEntries) return false;
    uint64* scratch = static_cast<uint64*>(palloc(sizeof(uint64) * (n + 1)));
    const std::size_t bytes = lc::leaf_bytes(shape.leaf, words, n, scratch);
    if (bytes > kLeafCapacity) {
        pfree(scratch);
        return false;
    }
    lc::leaf_encode(shape.leaf, words, n, include, low, high, scratch, reinterpret_cast<uint8*>(ixpg::page_body(page)));
    ixpg::set_page_body_used(page, bytes);
    pfree(scratch);
    return true;
}

}  // namespace ixlearn
