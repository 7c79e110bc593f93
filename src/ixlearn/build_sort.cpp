// build_sort.cpp — sorts a build's entries into index order.  Each entry's
// sort key (per key column: rank, the uuid's high word, the order key; then
// the TID) is packed big-endian into 64-bit words, so comparing the words
// as integers is index order.  While the entries fit in
// maintenance_work_mem they are kept as fixed-width records in one array
// and sorted in place (core/learn/record_sort); a build that outgrows it,
// or an entry too wide for a record, goes to a tuplesort of the same key
// bytes (as bytea, whose order is memcmp order), which spills to disk.
#include "ixlearn/ixlearn.hpp"

IXPG_BEGIN_C_HEADERS
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/tuplesort.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "core/learn/record_sort.hpp"
#include "pg/longjmp_safe.hpp"

namespace ixlearn {

struct EntrySort {
    const Shape* shape;
    uint32 key_bytes;   // the packed sort key
    uint32 key_words;   // ... in words
    uint32 stride;      // record words: the key, then negzero | include_len << 32, then the include offset
    bool in_memory;     // false: the entries are in `sort`
    std::size_t limit;  // bytes the records and INCLUDE bytes may take
    uint64* recs;
    std::size_t n, cap;  // records held, room for
    uint8* include;      // the records' INCLUDE bytes
    std::size_t include_used, include_cap;
    std::size_t next;    // the next record to return
    Tuplesortstate* sort;
    void* last;          // the tuplesort's last record (freed on the next call)
    uint8 key[8 * lc::kMaxRecordWords];  // a packed key, zero-padded to whole words
};

namespace {

void put_be(uint8* p, uint64 v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8>(v);
}
uint64 get_be(const uint8* p, int bytes) {
    uint64 v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
    return v;
}

// Per key column: rank (1 byte), hi (8 bytes, uuid only: it is constant
// otherwise), lo (8); then block (4), offset (2).
uint32 sort_key_bytes(const Shape& s) {
    uint32 n = 6;
    for (int c = 0; c < s.leaf.nkeys; ++c) n += s.cols[c].type == KeyType::Uuid ? 17 : 9;
    return n;
}

void pack_key(const Shape& s, const uint64* w, uint8* p) {
    for (int c = 0; c < s.leaf.nkeys; ++c) {
        *p++ = static_cast<uint8>(w[3 * c]);
        if (s.cols[c].type == KeyType::Uuid) {
            put_be(p, w[3 * c + 1], 8);
            p += 8;
        }
        put_be(p, w[3 * c + 2], 8);
        p += 8;
    }
    put_be(p, w[s.leaf.w_block()], 4);
    put_be(p + 4, w[s.leaf.w_offset()], 2);
}

void unpack_key(const Shape& s, const uint8* p, uint64* w) {
    for (int c = 0; c < s.leaf.nkeys; ++c) {
        w[3 * c] = *p++;
        if (s.cols[c].type == KeyType::Uuid) {
            w[3 * c + 1] = get_be(p, 8);
            p += 8;
        } else {
            // Constant for a non-uuid column: 0, or all ones when DESC complements it.
            w[3 * c + 1] = s.cols[c].desc && w[3 * c] == lc::kRankValue ? ~uint64{0} : 0;
        }
        w[3 * c + 2] = get_be(p, 8);
        p += 8;
    }
    w[s.leaf.w_block()] = get_be(p, 4);
    w[s.leaf.w_offset()] = get_be(p + 4, 2);
}

// A tuplesort record: the key bytes, the -0 mask (4 bytes), the INCLUDE bytes.
void put_tuplesort(EntrySort* es, const uint64* words, const uint8* include, uint32 include_len) {
    const Shape& s = *es->shape;
    bytea* b = static_cast<bytea*>(palloc(VARHDRSZ + es->key_bytes + 4 + include_len));
    SET_VARSIZE(b, VARHDRSZ + es->key_bytes + 4 + include_len);
    uint8* p = reinterpret_cast<uint8*>(VARDATA(b));
    pack_key(s, words, p);
    put_be(p + es->key_bytes, words[s.leaf.w_negzero()], 4);
    if (include_len > 0) std::memcpy(p + es->key_bytes + 4, include, include_len);
    tuplesort_putdatum(es->sort, PointerGetDatum(b), false);
    pfree(b);
}

// An in-memory record back to the entry's words and its INCLUDE bytes.
uint32 words_of_record(EntrySort* es, const uint64* r, uint64* words, const uint8** include) {
    for (uint32 k = 0; k < es->key_words; ++k) put_be(es->key + 8 * k, r[k], 8);
    unpack_key(*es->shape, es->key, words);
    const uint64 payload = r[es->key_words];
    words[es->shape->leaf.w_negzero()] = payload & 0xffffffffu;
    const uint32 include_len = static_cast<uint32>(payload >> 32);
    *include = include_len > 0 ? es->include + r[es->key_words + 1] : nullptr;
    return include_len;
}

// Move to a tuplesort: the entries outgrew memory (or never fit a record).
void start_tuplesort(EntrySort* es) {
    es->sort = tuplesort_begin_datum(BYTEAOID, ByteaLessOperator, InvalidOid, false, maintenance_work_mem, nullptr,
                                     TUPLESORT_NONE);
    es->in_memory = false;
    if (es->recs == nullptr) return;
    uint64* words = static_cast<uint64*>(palloc0(sizeof(uint64) * es->shape->leaf.stride()));
    for (std::size_t i = 0; i < es->n; ++i) {
        CHECK_FOR_INTERRUPTS();
        const uint8* include;
        const uint32 include_len = words_of_record(es, es->recs + i * es->stride, words, &include);
        put_tuplesort(es, words, include, include_len);
    }
    pfree(words);
    pfree(es->recs);
    es->recs = nullptr;
    if (es->include != nullptr) pfree(es->include);
    es->include = nullptr;
}

// Room for one more record and include_len INCLUDE bytes within the limit?
bool make_room(EntrySort* es, uint32 include_len) {
    const std::size_t rec_bytes = sizeof(uint64) * es->stride;
    if (es->n == es->cap) {
        std::size_t cap = es->cap == 0 ? 1024 : es->cap * 2;
        if (cap * rec_bytes + es->include_cap > es->limit) cap = (es->limit - es->include_cap) / rec_bytes;
        if (cap <= es->n) return false;
        es->recs = static_cast<uint64*>(es->recs == nullptr
                                            ? palloc_extended(cap * rec_bytes, MCXT_ALLOC_HUGE)
                                            : repalloc_huge(es->recs, cap * rec_bytes));
        es->cap = cap;
    }
    if (es->include_used + include_len > es->include_cap) {
        std::size_t cap = es->include_cap == 0 ? 8192 : es->include_cap;
        while (cap < es->include_used + include_len) cap *= 2;
        if (es->cap * rec_bytes + cap > es->limit) return false;
        es->include = static_cast<uint8*>(es->include == nullptr ? palloc_extended(cap, MCXT_ALLOC_HUGE)
                                                                   : repalloc_huge(es->include, cap));
        es->include_cap = cap;
    }
    return true;
}

}  // namespace

EntrySort* entry_sort_begin(const Shape& shape) {
    EntrySort* es = static_cast<EntrySort*>(palloc0(sizeof(EntrySort)));
    es->shape = &shape;
    es->key_bytes = sort_key_bytes(shape);
    es->key_words = (es->key_bytes + 7) / 8;
    es->stride = es->key_words + (shape.leaf.has_include ? 2 : 1);
    es->limit = static_cast<std::size_t>(maintenance_work_mem) * 1024;
    es->in_memory = lc::record_sort_supports(es->key_words, es->stride);
    if (!es->in_memory) start_tuplesort(es);
    return es;
}

void entry_sort_put(EntrySort* es, const uint64* words, const uint8* include, uint32 include_len) {
    if (es->in_memory && !make_room(es, include_len)) start_tuplesort(es);
    if (!es->in_memory) {
        put_tuplesort(es, words, include, include_len);
        return;
    }
    uint64* r = es->recs + es->n * es->stride;
    std::memset(es->key, 0, sizeof es->key);
    pack_key(*es->shape, words, es->key);
    for (uint32 k = 0; k < es->key_words; ++k) r[k] = get_be(es->key + 8 * k, 8);
    r[es->key_words] = (words[es->shape->leaf.w_negzero()] & 0xffffffffu) | uint64{include_len} << 32;
    if (es->shape->leaf.has_include) {
        r[es->key_words + 1] = es->include_used;
        if (include_len > 0) std::memcpy(es->include + es->include_used, include, include_len);
        es->include_used += include_len;
    }
    ++es->n;
}

void entry_sort_perform(EntrySort* es) {
    if (es->in_memory) {
        elog(DEBUG1, "ixlearn build: sorting %zu entries in memory", es->n);
        lc::sort_records(es->recs, es->n, es->key_words, es->stride);
    } else {
        elog(DEBUG1, "ixlearn build: sorting the entries by tuplesort (more than maintenance_work_mem)");
        tuplesort_performsort(es->sort);
    }
}

bool entry_sort_next(EntrySort* es, uint64* words, const uint8** include, uint32* include_len) {
    const Shape& s = *es->shape;
    if (es->in_memory) {
        if (es->next == es->n) return false;
        *include_len = words_of_record(es, es->recs + es->next++ * es->stride, words, include);
        return true;
    }
    if (es->last != nullptr) pfree(es->last);
    es->last = nullptr;
    Datum d;
    bool isnull;
    if (!tuplesort_getdatum(es->sort, true, &d, &isnull, nullptr)) return false;
    es->last = DatumGetPointer(d);
    const bytea* b = DatumGetByteaPP(d);
    const uint8* p = reinterpret_cast<const uint8*>(VARDATA_ANY(b));
    unpack_key(s, p, words);
    words[s.leaf.w_negzero()] = get_be(p + es->key_bytes, 4);
    *include_len = static_cast<uint32>(VARSIZE_ANY_EXHDR(b) - es->key_bytes - 4);
    *include = p + es->key_bytes + 4;
    return true;
}

void entry_sort_end(EntrySort* es) {
    if (es->sort != nullptr) tuplesort_end(es->sort);
    if (es->last != nullptr) pfree(es->last);
    if (es->recs != nullptr) pfree(es->recs);
    if (es->include != nullptr) pfree(es->include);
    pfree(es);
}

}  // namespace ixlearn
