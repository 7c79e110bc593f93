// summary_codec.cpp — a range's summary to and from its tuple
// (docs/ixbrin-format.md, "Summary tuples").  Every length and count read
// from a tuple is checked against the tuple's size and the column's
// parameters before it is used; a tuple that fails is index_corrupted.
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/tupmacs.h"
#include "storage/itemid.h"
#include "utils/datum.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

// ---- values -------------------------------------------------------------------------------

Size value_bytes(const ColumnOps& c, Datum v) {
    if (c.typlen > 0)
        return static_cast<Size>(c.typlen);
    if (c.typlen == -1)
        return 4 + VARSIZE_ANY_EXHDR(DatumGetPointer(v));
    return 4 + strlen(DatumGetCString(v));  // cstring
}

char* put_value(const ColumnOps& c, Datum v, char* dst) {
    if (c.typlen > 0) {
        if (c.typbyval) {
            char buf[sizeof(Datum)];
            store_att_byval(buf, v, c.typlen);
            std::memcpy(dst, buf, c.typlen);
        } else {
            std::memcpy(dst, DatumGetPointer(v), c.typlen);
        }
        return dst + c.typlen;
    }
    const char* data = c.typlen == -1 ? VARDATA_ANY(DatumGetPointer(v)) : DatumGetCString(v);
    const uint32 len = c.typlen == -1 ? static_cast<uint32>(VARSIZE_ANY_EXHDR(DatumGetPointer(v)))
                                      : static_cast<uint32>(strlen(DatumGetCString(v)));
    std::memcpy(dst, &len, 4);
    std::memcpy(dst + 4, data, len);
    return dst + 4 + len;
}

// A reader over one tuple; fails (instead of reading past the end) on any
// field that does not fit.
struct Reader {
    const char* at;
    const char* end;
    bool ok;

    bool take(void* dst, Size n) {
        if (!ok || static_cast<Size>(end - at) < n)
            return ok = false;
        std::memcpy(dst, at, n);
        at += n;
        return true;
    }
};

bool get_value(const ColumnOps& c, Reader* r, Datum* out) {
    if (c.typlen > 0) {
        char buf[sizeof(Datum)];
        if (c.typbyval) {
            if (!r->take(buf, c.typlen))
                return false;
            *out = fetch_att(buf, true, c.typlen);
        } else {
            char* copy = static_cast<char*>(palloc(c.typlen));
            if (!r->take(copy, c.typlen))
                return false;
            *out = PointerGetDatum(copy);
        }
        return true;
    }
    uint32 len = 0;
    if (!r->take(&len, 4) || len > static_cast<uint32>(r->end - r->at))
        return r->ok = false;
    if (c.typlen == -1) {
        char* v = static_cast<char*>(palloc(VARHDRSZ + len));
        SET_VARSIZE(v, VARHDRSZ + len);
        r->take(VARDATA(v), len);
        *out = PointerGetDatum(v);
    } else {
        char* v = static_cast<char*>(palloc(len + 1));
        r->take(v, len);
        v[len] = '\0';
        *out = CStringGetDatum(v);
    }
    return r->ok;
}

// ---- columns ------------------------------------------------------------------------------

Datum high_of(const ColumnOps& c, const ColumnSummary& cs) { return c.kind == Kind::Multi ? cs.hi[cs.n - 1] : cs.max; }

Size column_bytes(const ColumnOps& c, const ColumnSummary& cs) {
    Size n = 1;
    if (!cs.has_values)
        return n;
    switch (c.kind) {
        case Kind::MinMax:
            n += value_bytes(c, cs.min) + value_bytes(c, cs.max);
            break;
        case Kind::Multi:
            n += 2 + (cs.n + 7) / 8;
            for (uint32 i = 0; i < cs.n; ++i)
                n += value_bytes(c, cs.lo[i]) + (cs.point[i] ? 0 : value_bytes(c, cs.hi[i]));
            break;
        case Kind::Bloom:
            n += 6 + (cs.bloom_mode == 0 ? 4 * cs.n : c.bloom.nbits / 8);
            break;
    }
    return n;
}

char* put_column(const ColumnOps& c, const ColumnSummary& cs, char* dst) {
    *dst++ = static_cast<char>((cs.has_nulls ? kColumnHasNulls : 0) | (cs.has_values ? kColumnHasValues : 0));
    if (!cs.has_values)
        return dst;
    switch (c.kind) {
        case Kind::MinMax:
            dst = put_value(c, cs.min, dst);
            dst = put_value(c, cs.max, dst);
            break;
        case Kind::Multi: {
            const uint16 n = static_cast<uint16>(cs.n);
            std::memcpy(dst, &n, 2);
            dst += 2;
            std::memset(dst, 0, (cs.n + 7) / 8);
            for (uint32 i = 0; i < cs.n; ++i)
                if (cs.point[i])
                    dst[i / 8] = static_cast<char>(dst[i / 8] | (1 << (i % 8)));
            dst += (cs.n + 7) / 8;
            for (uint32 i = 0; i < cs.n; ++i) {
                dst = put_value(c, cs.lo[i], dst);
                if (!cs.point[i])
                    dst = put_value(c, cs.hi[i], dst);
            }
            break;
        }
        case Kind::Bloom: {
            dst[0] = static_cast<char>(cs.bloom_mode);
            dst[1] = static_cast<char>(c.bloom.k);
            const uint32 count = cs.bloom_mode == 0 ? cs.n : c.bloom.nbits;
            std::memcpy(dst + 2, &count, 4);
            dst += 6;
            if (cs.bloom_mode == 0) {
                std::memcpy(dst, cs.hashes, 4 * cs.n);
                dst += 4 * cs.n;
            } else {
                std::memcpy(dst, cs.bitmap, c.bloom.nbits / 8);
                dst += c.bloom.nbits / 8;
            }
            break;
        }
    }
    return dst;
}

bool get_column(const ColumnOps& c, Reader* r, ColumnSummary* cs) {
    uint8 flags = 0;
    if (!r->take(&flags, 1) || (flags & ~(kColumnHasNulls | kColumnHasValues)) != 0)
        return false;
    cs->has_nulls = flags & kColumnHasNulls;
    cs->has_values = flags & kColumnHasValues;
    if (!cs->has_values)
        return true;
    switch (c.kind) {
        case Kind::MinMax:
            // (a minimum above the maximum would hide rows)
            return get_value(c, r, &cs->min) && get_value(c, r, &cs->max) && compare_values(c, cs->min, cs->max) <= 0;
        case Kind::Multi: {
            uint16 n = 0;
            if (!r->take(&n, 2) || n == 0 || n > static_cast<uint32>(c.values_per_range))
                return false;
            uint8 bits[32];
            if (!r->take(bits, (n + 7) / 8))
                return false;
            cs->n = n;
            uint32 cost = 0;
            for (uint32 i = 0; i < n; ++i) {
                cs->point[i] = (bits[i / 8] >> (i % 8)) & 1;
                cost += cs->point[i] ? 1 : 2;
                if (!get_value(c, r, &cs->lo[i]))
                    return false;
                if (cs->point[i])
                    cs->hi[i] = cs->lo[i];
                else if (!get_value(c, r, &cs->hi[i]) || compare_values(c, cs->lo[i], cs->hi[i]) > 0)
                    return false;
                // Sorted and disjoint, as every search of them assumes.
                if (i > 0 && compare_values(c, cs->hi[i - 1], cs->lo[i]) >= 0)
                    return false;
            }
            return cost <= static_cast<uint32>(c.values_per_range);
        }
        case Kind::Bloom: {
            uint8 mode = 0, k = 0;
            uint32 count = 0;
            if (!r->take(&mode, 1) || !r->take(&k, 1) || !r->take(&count, 4) || k != c.bloom.k)
                return false;
            cs->bloom_mode = mode;
            if (mode == 0) {
                if (count > br::bloom_set_capacity(c.bloom) || !r->take(cs->hashes, 4 * static_cast<Size>(count)))
                    return false;
                cs->n = count;
                for (uint32 i = 1; i < count; ++i)
                    if (cs->hashes[i - 1] >= cs->hashes[i])
                        return false;  // the set is sorted and distinct
                return true;
            }
            return mode == 1 && count == c.bloom.nbits && r->take(cs->bitmap, c.bloom.nbits / 8);
        }
    }
    return false;
}

}  // namespace

namespace {

// SORTED's upkeep (ixbrin.hpp): stored after the columns when the range is
// in order and its first column has values.
bool has_order_part(const Summary* s) { return s->sorted && s->cols[0].has_values; }

Size order_part_bytes(const IndexOps* ops, const Summary* s) {
    if (!has_order_part(s))
        return 0;
    const ColumnOps& c = ops->cols[0];
    return 1 + (s->have_before_last ? value_bytes(c, s->before_last) : 0) +
           (s->have_before_prev ? value_bytes(c, s->before_prev) : 0);
}

}  // namespace

Size summary_bytes(const IndexOps* ops, const Summary* s) {
    Size n = sizeof(SummaryHeader);
    for (int i = 0; i < ops->ncols; ++i) {
        n += column_bytes(ops->cols[i], s->cols[i]);
        if (s->pending)
            n += column_bytes(ops->cols[i], s->pend[i]);
    }
    return n + order_part_bytes(ops, s);
}

void encode_summary(const IndexOps* ops, const Summary* s, char* dst) {
    SummaryHeader h;
    h.range = s->range;
    h.flags = static_cast<uint8>((s->sorted ? kSummarySorted : 0) | (s->pending ? kSummaryPending : 0));
    h.ncols = static_cast<uint8>(ops->ncols);
    h.last_tid = s->last_tid;
    std::memcpy(dst, &h, sizeof h);
    dst += sizeof h;
    for (int i = 0; i < ops->ncols; ++i)
        dst = put_column(ops->cols[i], s->cols[i], dst);
    if (s->pending)
        for (int i = 0; i < ops->ncols; ++i)
            dst = put_column(ops->cols[i], s->pend[i], dst);
    if (has_order_part(s)) {
        *dst++ = static_cast<char>((s->have_before_last ? 1 : 0) | (s->have_before_prev ? 2 : 0));
        if (s->have_before_last)
            dst = put_value(ops->cols[0], s->before_last, dst);
        if (s->have_before_prev)
            dst = put_value(ops->cols[0], s->before_prev, dst);
    }
}

Summary* decode_summary(Relation index, BlockNumber blkno, const IndexOps* ops, const char* src, Size len,
                        uint32 range) {
    SummaryHeader h;
    Reader r{src, src + len, true};
    if (!r.take(&h, sizeof h))
        ixpg::report_index_damage(index, blkno, "summary tuple", "It has %zu bytes, less than its header.", len);
    if (h.range != range || h.ncols != ops->ncols || (h.flags & ~(kSummarySorted | kSummaryPending)) != 0)
        ixpg::report_index_damage(index, blkno, "summary tuple",
                                  "Its header (range %u, %u columns, flags 0x%x) is not that of range %u of a "
                                  "%d-column index.",
                                  h.range, h.ncols, h.flags, range, ops->ncols);
    Summary* s = new_summary(ops, range);
    s->sorted = h.flags & kSummarySorted;
    s->last_tid = h.last_tid;
    if (h.flags & kSummaryPending)
        begin_pending(ops, s);
    bool ok = true;
    for (int i = 0; i < ops->ncols && ok; ++i)
        ok = get_column(ops->cols[i], &r, &s->cols[i]);
    for (int i = 0; i < ops->ncols && ok && s->pending; ++i)
        ok = get_column(ops->cols[i], &r, &s->pend[i]);
    if (ok && has_order_part(s) && ops->cols[0].kind != Kind::Bloom) {
        // Two maxima of earlier pages: each within the column's bounds,
        // the older not above the newer.
        const ColumnOps& c = ops->cols[0];
        uint8 have = 0;
        ok = r.take(&have, 1) && (have & ~3) == 0 && (have != 2);
        s->have_before_last = have & 1;
        s->have_before_prev = have & 2;
        if (ok && s->have_before_last)
            ok = get_value(c, &r, &s->before_last) && compare_values(c, s->before_last, high_of(c, s->cols[0])) <= 0;
        if (ok && s->have_before_prev)
            ok = get_value(c, &r, &s->before_prev) && compare_values(c, s->before_prev, s->before_last) <= 0;
    }
    if (!ok || !r.ok || r.at != r.end)
        ixpg::report_index_damage(index, blkno, "summary tuple",
                                  "The summary of range %u does not decode within its %zu bytes.", range, len);
    // In key order (ordered scans stream such a range) only without NULLs in
    // a column with bounds; the last TID in order is one of the range's.
    const uint64 first_block = static_cast<uint64>(range) * ops->pages_per_range;
    const bool tid_in_range = !ItemPointerIsValid(&s->last_tid) ||
                              (ItemPointerGetBlockNumberNoCheck(&s->last_tid) >= first_block &&
                               ItemPointerGetBlockNumberNoCheck(&s->last_tid) < first_block + ops->pages_per_range);
    const ColumnSummary& c0 = s->cols[0];
    const bool empty = !c0.has_values && !c0.has_nulls;
    if (!tid_in_range || (s->sorted && !empty &&
                          (ops->cols[0].kind == Kind::Bloom || c0.has_nulls || !ItemPointerIsValid(&s->last_tid))))
        ixpg::report_index_damage(index, blkno, "summary tuple",
                                  "Range %u is marked in key order, or has a last row (%u,%u), that its summary "
                                  "cannot have.",
                                  range, ItemPointerGetBlockNumberNoCheck(&s->last_tid),
                                  ItemPointerGetOffsetNumberNoCheck(&s->last_tid));
    return s;
}

Size max_summary_bytes() { return MAXALIGN_DOWN(kPageBytes - sizeof(ItemIdData)); }

Size largest_fixed_summary_bytes(const IndexOps* ops) {
    Size n = sizeof(SummaryHeader);
    for (int i = 0; i < ops->ncols; ++i) {
        const ColumnOps& c = ops->cols[i];
        const Size value = c.typlen > 0 ? static_cast<Size>(c.typlen) : 4;
        n += 1;
        switch (c.kind) {
            case Kind::MinMax:
                n += 2 * value;
                break;
            case Kind::Multi:
                n += 2 + (static_cast<Size>(c.values_per_range) + 7) / 8 + static_cast<Size>(c.values_per_range) * value;
                break;
            case Kind::Bloom:
                n += 6 + c.bloom.nbits / 8;
                break;
        }
    }
    return n;
}

}  // namespace ixbrin
