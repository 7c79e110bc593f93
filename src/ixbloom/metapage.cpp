// metapage.cpp — the ixbloom metapage: checked reads, the cached shape, and
// the metapage of a new index.
#include "ixbloom/ixbloom.hpp"

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

bl::SignatureShape shape_of(const IxbMeta& meta) {
    bl::SignatureShape shape;
    shape.bits = meta.sig_bits;
    shape.ncols = meta.ncols;
    for (int i = 0; i < bl::kMaxColumns && i < meta.ncols; ++i)
        shape.col_bits[i] = meta.col_bits[i];
    return shape;
}


}  // namespace

void check_link(Relation index, BlockNumber blkno, BlockNumber held, const char* what, bool check_size) {
    if (blkno == ixpg::kMetaBlock || blkno == held || (check_size && blkno >= RelationGetNumberOfBlocks(index)))
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage", "Its %s is block %u, which is %s.", what, blkno,
                                  blkno == ixpg::kMetaBlock ? "the metapage itself"
                                  : blkno == held          ? "a page this operation already holds"
                                                           : "past the end of the index");
}

bl::ShapeOptions recorded_shape_options(const IxbMeta& meta) {
    bl::ShapeOptions opts;
    opts.length = meta.opt_length;
    opts.false_positive_rate = meta.opt_false_positive_rate;
    for (int i = 0; i < bl::kMaxColumns; ++i)
        opts.col_bits[i] = meta.opt_col_bits[i];
    return opts;
}

Buffer lock_chain_tail(Relation index, BlockNumber blkno, BlockNumber held, uint16 kind, const char* what) {
    check_link(index, blkno, held, what, true);
    Buffer buf = ReadBuffer(index, blkno);
    LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
    Page page = BufferGetPage(buf);
    ixpg::check_page_kind(index, blkno, page, kPages, kind);
    // Links are made in one record with the metapage, which the caller
    // holds: a page the metapage calls the tail ends its chain.  A tail with
    // a successor would have it overwritten, and the pages after it lost.
    if (page_opaque(page)->next != InvalidBlockNumber)
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                  "Its %s is block %u, which links to block %u: it is not the end of its chain.", what,
                                  blkno, page_opaque(page)->next);
    return buf;
}

void check_meta(Relation index, const IxbMeta& meta, std::size_t stored_bytes) {
    const bl::SignatureShape shape = shape_of(meta);
    const int ncols = IndexRelationGetNumberOfKeyAttributes(index);
    if (!bl::shape_is_valid(shape))
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                  "Its signature shape (%u bits, %u columns) is impossible.", meta.sig_bits, meta.ncols);
    if (meta.ncols != ncols)
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage", "It describes %u columns; the index has %d.",
                                  meta.ncols, ncols);
    if (meta.sized_from > kSizedBySample)
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage", "Its sizing source %u is unknown.",
                                  meta.sized_from);
    if (stored_bytes >= kMetaBytesV2 && (meta.recorded & kRecordedOptions)) {
        // Within the ranges the reloptions allow, before any arithmetic.
        bool in_range = meta.opt_length >= 0 && meta.opt_length <= bl::kMaxSignatureBits &&
                        (meta.opt_false_positive_rate == 0 ||
                         (meta.opt_false_positive_rate >= kMinFalsePositiveRate &&
                          meta.opt_false_positive_rate <= kMaxFalsePositiveRate));
        for (int i = 0; i < bl::kMaxColumns; ++i)
            in_range &= meta.opt_col_bits[i] <= bl::kMaxColumnBits;
        if (!in_range)
            ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                      "Its recorded options are outside the ranges WITH (...) allows.");
        // A shape chosen from the data was chosen because no option was
        // given; any other comes from its options (or the defaults).
        const bl::ShapeOptions opts = recorded_shape_options(meta);
        const bool sized_from_data = meta.sized_from != kSizedByOptions;
        if (bl::check_options(opts, ncols).fault != bl::OptionFault::None ||
            (sized_from_data ? bl::options_given(opts) : !(bl::shape_from_options(opts, ncols) == shape)))
            ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                      "Its signature shape is not the one its recorded options give.");
        if (sized_from_data && meta.shape_check != bl::shape_fingerprint(shape))
            ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                      "Its signature shape is not the one chosen from the data at CREATE INDEX.");
    }
    // (ngroups is checked against the index's size where the groups are
    // read; the metapage is read on every insert, and a size costs a
    // system call.)
    if ((meta.buf_head == InvalidBlockNumber) != (meta.buf_tail == InvalidBlockNumber) ||
        (meta.dir_head == InvalidBlockNumber) != (meta.dir_tail == InvalidBlockNumber))
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                  "A chain has a head without a tail, or a tail without a head.");
}

void check_buffer_pages(Relation index, const IxbMeta& meta) {
    const BlockNumber nblocks = RelationGetNumberOfBlocks(index);
    if (meta.buf_pages >= nblocks)
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                  "It counts %u insert-buffer pages in an index of %u blocks.", meta.buf_pages, nblocks);
}

IxbMeta read_meta(Relation index, Snapshot snapshot) {
    std::size_t stored = 0;
    const IxbMeta meta = ixpg::read_metapage<IxbMeta>(index, kPages, kMetaSpec, &stored, snapshot);
    check_meta(index, meta, stored);
    return meta;
}

bl::SignatureShape cached_shape(Relation index) {
    return ixpg::index_cache<bl::SignatureShape>(index, [&](bl::SignatureShape& shape) {
        shape = shape_of(read_meta(index));
    });
}

void init_meta_page(Page page, const bl::SignatureShape& shape, const bl::ShapeOptions& opts, uint32 sized_from) {
    ixpg::init_page(page, kPages, kPageMeta);
    IxbMeta* m = page_meta(page);
    std::memset(m, 0, sizeof(IxbMeta));
    m->magic = kMagic;
    m->format_version = kFormatVersion;
    m->sig_bits = static_cast<uint16>(shape.bits);
    m->ncols = static_cast<uint16>(shape.ncols);
    for (int i = 0; i < shape.ncols; ++i)
        m->col_bits[i] = static_cast<uint16>(shape.col_bits[i]);
    m->dir_head = m->dir_tail = InvalidBlockNumber;
    m->buf_head = m->buf_tail = InvalidBlockNumber;
    m->recorded = kRecordedOptions | kRecordedTotals;
    m->opt_length = opts.length;
    m->opt_false_positive_rate = opts.false_positive_rate;
    for (int i = 0; i < bl::kMaxColumns; ++i)
        m->opt_col_bits[i] = static_cast<uint16>(opts.col_bits[i]);
    m->sized_from = sized_from;
    m->shape_check = sized_from == kSizedByOptions ? 0 : bl::shape_fingerprint(shape);
    ixpg::set_page_body_used(page, sizeof(IxbMeta));
}

}  // namespace ixbloom
