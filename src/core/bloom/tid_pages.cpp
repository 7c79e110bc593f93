// tid_pages.cpp — planning, encoding and reading ixbloom's TID pages.
// Multi-byte fields are copied with memcpy: a page body is aligned, but
// array entries (6 bytes) and bitmap entries (8 bytes plus their bitmap) are
// not, and this keeps every access well-defined.
#include "core/bloom/tid_pages.hpp"

#include <cstring>

namespace ixcore {
namespace bloom {

namespace {

// The header's last field: how the entries are encoded.  0 covers both the
// array (nentries = 0) and runs, as format 2 first defined it.
constexpr std::uint16_t kKindArrayOrRuns = 0;
constexpr std::uint16_t kKindBitmaps = 1;

std::uint32_t load32(const std::uint8_t* p) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
std::uint16_t load16(const std::uint8_t* p) {
    std::uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
void store32(std::uint8_t* p, std::uint32_t v) { std::memcpy(p, &v, sizeof v); }
void store16(std::uint8_t* p, std::uint16_t v) { std::memcpy(p, &v, sizeof v); }

std::size_t entries_start(std::uint32_t page) { return kTidHeaderBytes + (page == 0 ? kTidMapBytes : 0); }

bool adjacent(const Tid& a, const Tid& b) { return a.block() == b.block() && b.offset == a.offset + 1u; }

// Rows from `from` (before `end`) that one run can take (at least 1).
std::uint32_t run_length(const Tid* tids, std::uint32_t from, std::uint32_t end) {
    std::uint32_t len = 1;
    while (from + len < end && len < 0xffffu && adjacent(tids[from + len - 1], tids[from + len]))
        ++len;
    return len;
}

// Rows from `from` (before `end`) that one bitmap entry can take: the same
// heap block, offsets ascending, the span within 16 bits (at least 1 row).
std::uint32_t bitmap_rows(const Tid* tids, std::uint32_t from, std::uint32_t end) {
    std::uint32_t len = 1;
    while (from + len < end && tids[from + len].block() == tids[from].block() &&
           tids[from + len].offset > tids[from + len - 1].offset &&
           static_cast<std::uint32_t>(tids[from + len].offset - tids[from].offset) < 0xffffu)
        ++len;
    return len;
}

std::size_t bitmap_entry_bytes(const Tid* tids, std::uint32_t from, std::uint32_t rows) {
    const std::uint32_t nbits = tids[from + rows - 1].offset - tids[from].offset + 1u;
    return kTidBitmapHeaderBytes + (nbits + 7) / 8;
}

// The k-th (from 0) set bit of a bitmap; it must exist.
std::uint32_t select_bit(const std::uint8_t* bits, std::uint32_t k) {
    for (std::uint32_t byte = 0;; ++byte) {
        const std::uint32_t c = static_cast<std::uint32_t>(__builtin_popcount(bits[byte]));
        if (k < c) {
            std::uint32_t b = bits[byte];
            for (; k > 0; --k)
                b &= b - 1;
            return byte * 8 + static_cast<std::uint32_t>(__builtin_ctz(b));
        }
        k -= c;
    }
}

std::uint32_t popcount_bytes(const std::uint8_t* bits, std::size_t nbytes) {
    std::uint32_t c = 0;
    for (std::size_t i = 0; i < nbytes; ++i)
        c += static_cast<std::uint32_t>(__builtin_popcount(bits[i]));
    return c;
}

}  // namespace

std::uint32_t plan_tid_pages(const Tid* tids, std::uint32_t n, std::size_t page_bytes, TidPagePlan* plans) {
    std::uint32_t npages = 0;
    for (std::uint32_t s = 0; s < n;) {
        if (npages == kMaxTidPages)
            return 0;
        const std::size_t avail = page_bytes - entries_start(npages);
        // nrows is a 16-bit field.
        const std::uint32_t end = s + (n - s < 0xffffu ? n - s : 0xffffu);

        std::uint32_t array_rows = static_cast<std::uint32_t>(avail / sizeof(Tid));
        if (array_rows > end - s)
            array_rows = end - s;

        // Runs and bitmaps cannot express line pointer 0 (heap TIDs never
        // have it): they stop before such a row, and the array takes it.
        std::uint32_t run_rows = 0, runs = 0;
        while (s + run_rows < end && runs < avail / kTidRunBytes && tids[s + run_rows].offset != 0) {
            run_rows += run_length(tids, s + run_rows, end);
            ++runs;
        }

        // Bitmaps: whole entries while they fit, then as many rows of the
        // next block as still fit (an entry's size grows with its span).  A
        // cut entry ends the page: the encoder recomputes the entries from
        // the page's row range, and would join a cut entry with the rest of
        // its block into one that no longer fits.
        std::uint32_t bitmap_rows_total = 0, bitmaps = 0;
        std::size_t bitmap_bytes = 0;
        while (s + bitmap_rows_total < end && tids[s + bitmap_rows_total].offset != 0) {
            const std::uint32_t from = s + bitmap_rows_total;
            const std::uint32_t whole = bitmap_rows(tids, from, end);
            std::uint32_t rows = whole;
            while (rows > 0 && bitmap_bytes + bitmap_entry_bytes(tids, from, rows) > avail)
                --rows;
            if (rows == 0)
                break;
            bitmap_bytes += bitmap_entry_bytes(tids, from, rows);
            bitmap_rows_total += rows;
            ++bitmaps;
            if (rows < whole)
                break;
        }

        TidPagePlan& p = plans[npages++];
        p.first_pos = s;
        p.nrows = array_rows;
        p.encoding = TidEncoding::kArray;
        p.nentries = 0;
        std::size_t bytes = array_rows * sizeof(Tid);
        // More rows wins; on a tie, fewer bytes (a smaller WAL image).
        auto consider = [&](std::uint32_t rows, std::size_t b, TidEncoding e, std::uint32_t entries) {
            if (rows > p.nrows || (rows == p.nrows && b < bytes)) {
                p.nrows = rows;
                p.encoding = e;
                p.nentries = entries;
                bytes = b;
            }
        };
        consider(run_rows, runs * kTidRunBytes, TidEncoding::kRuns, runs);
        consider(bitmap_rows_total, bitmap_bytes, TidEncoding::kBitmaps, bitmaps);
        s += p.nrows;
    }
    return npages;
}

std::size_t encode_tid_page(const Tid* tids, const TidPagePlan* plans, std::uint32_t npages, std::uint32_t page,
                            std::uint8_t* body, std::size_t page_bytes) {
    const TidPagePlan& p = plans[page];
    std::uint8_t* const limit = body + page_bytes;
    std::uint32_t written = 0;  // entries, checked against the plan
    store32(body, p.first_pos);
    store16(body + 4, static_cast<std::uint16_t>(p.nrows));
    store16(body + 6, static_cast<std::uint16_t>(p.nentries));
    store16(body + 8, static_cast<std::uint16_t>(page == 0 ? npages : 0));
    store16(body + 10, p.encoding == TidEncoding::kBitmaps ? kKindBitmaps : kKindArrayOrRuns);
    if (page == 0)
        for (std::uint32_t i = 0; i < npages; ++i)
            store32(body + kTidHeaderBytes + i * sizeof(std::uint32_t), plans[i].first_pos);
    std::uint8_t* const start = body + entries_start(page);
    std::uint8_t* out = start;
    const std::uint32_t end = p.first_pos + p.nrows;
    switch (p.encoding) {
        case TidEncoding::kArray:
            if (p.nrows * sizeof(Tid) > static_cast<std::size_t>(limit - out))
                return 0;
            std::memcpy(out, tids + p.first_pos, p.nrows * sizeof(Tid));
            out += p.nrows * sizeof(Tid);
            break;
        case TidEncoding::kRuns:
            for (std::uint32_t i = p.first_pos; i < end; ++written) {
                const std::uint32_t len = run_length(tids, i, end);
                if (kTidRunBytes > static_cast<std::size_t>(limit - out) || tids[i].offset == 0)
                    return 0;
                store32(out, tids[i].block());
                store16(out + 4, tids[i].offset);
                store16(out + 6, static_cast<std::uint16_t>(len));
                out += kTidRunBytes;
                i += len;
            }
            break;
        case TidEncoding::kBitmaps:
            // The planner's entries: the row range ends where its last,
            // possibly partial, entry ended.
            for (std::uint32_t i = p.first_pos; i < end; ++written) {
                const std::uint32_t rows = bitmap_rows(tids, i, end);
                const std::uint32_t first = tids[i].offset;
                const std::uint32_t nbits = tids[i + rows - 1].offset - first + 1u;
                if (kTidBitmapHeaderBytes + (nbits + 7) / 8 > static_cast<std::size_t>(limit - out) || first == 0)
                    return 0;
                store32(out, tids[i].block());
                store16(out + 4, static_cast<std::uint16_t>(first));
                store16(out + 6, static_cast<std::uint16_t>(nbits));
                std::uint8_t* bits = out + kTidBitmapHeaderBytes;
                std::memset(bits, 0, (nbits + 7) / 8);
                for (std::uint32_t r = i; r < i + rows; ++r) {
                    const std::uint32_t b = tids[r].offset - first;
                    bits[b / 8] = static_cast<std::uint8_t>(bits[b / 8] | (1u << (b % 8)));
                }
                out += kTidBitmapHeaderBytes + (nbits + 7) / 8;
                i += rows;
            }
            break;
    }
    if (written != p.nentries)
        return 0;
    return static_cast<std::size_t>(out - body);
}

bool TidPageReader::open(const std::uint8_t* body, std::size_t used_bytes, std::uint32_t page_index,
                         std::uint32_t group_pages, std::uint32_t group_rows, const TidPageReader* page0) {
    body_ = body;
    if (group_pages == 0 || group_pages > kMaxTidPages || page_index >= group_pages ||
        used_bytes < entries_start(page_index) || (page_index > 0 && page0 == nullptr))
        return false;
    first_pos_ = load32(body);
    nrows_ = load16(body + 4);
    nentries_ = load16(body + 6);
    map_entries_ = load16(body + 8);
    const std::uint16_t kind = load16(body + 10);
    if (kind == kKindBitmaps)
        encoding_ = TidEncoding::kBitmaps;
    else if (kind == kKindArrayOrRuns)
        encoding_ = nentries_ == 0 ? TidEncoding::kArray : TidEncoding::kRuns;
    else
        return false;
    rewind();
    if (nrows_ == 0 || first_pos_ >= group_rows || nrows_ > group_rows - first_pos_)
        return false;
    if (page_index == 0) {
        if (map_entries_ != group_pages || first_pos_ != 0 || map_entry(0) != 0)
            return false;
        for (std::uint32_t i = 1; i < group_pages; ++i)
            if (map_entry(i) <= map_entry(i - 1) || map_entry(i) >= group_rows)
                return false;
        const std::uint32_t end = group_pages > 1 ? map_entry(1) : group_rows;
        if (nrows_ != end)
            return false;
    } else {
        const std::uint32_t end = page_index + 1 < group_pages ? page0->map_entry(page_index + 1) : group_rows;
        if (map_entries_ != 0 || first_pos_ != page0->map_entry(page_index) || first_pos_ + nrows_ != end)
            return false;
    }
    entries_ = body + entries_start(page_index);
    const std::size_t room = used_bytes - entries_start(page_index);
    if (encoding_ == TidEncoding::kArray)
        return nrows_ * sizeof(Tid) <= room;
    if (nentries_ == 0 || nentries_ > nrows_)
        return false;
    std::uint32_t sum = 0;
    std::size_t at = 0;
    for (std::uint32_t r = 0; r < nentries_; ++r) {
        if (encoding_ == TidEncoding::kRuns) {
            if (at + kTidRunBytes > room)
                return false;
            const std::uint32_t offset = load16(entries_ + at + 4);
            const std::uint32_t len = load16(entries_ + at + 6);
            if (len == 0 || offset == 0 || offset + len - 1 > 0xffffu)
                return false;
            sum += len;
            at += kTidRunBytes;
        } else {
            if (at + kTidBitmapHeaderBytes > room)
                return false;
            const std::uint32_t offset = load16(entries_ + at + 4);
            const std::uint32_t nbits = load16(entries_ + at + 6);
            const std::size_t nbytes = (nbits + 7) / 8;
            if (nbits == 0 || offset == 0 || offset + nbits - 1 > 0xffffu ||
                at + kTidBitmapHeaderBytes + nbytes > room)
                return false;
            const std::uint8_t* bits = entries_ + at + kTidBitmapHeaderBytes;
            // The first and last bits are rows; no bit past nbits is set.
            if (!(bits[0] & 1u) || !((bits[(nbits - 1) / 8] >> ((nbits - 1) % 8)) & 1u) ||
                (nbits % 8 != 0 && (bits[nbytes - 1] >> (nbits % 8)) != 0))
                return false;
            sum += popcount_bytes(bits, nbytes);
            at += kTidBitmapHeaderBytes + nbytes;
        }
    }
    return sum == nrows_;
}

std::uint32_t TidPageReader::map_entry(std::uint32_t i) const {
    return load32(body_ + kTidHeaderBytes + i * sizeof(std::uint32_t));
}

Tid TidPageReader::at(std::uint32_t pos) {
    if (encoding_ == TidEncoding::kArray) {
        Tid t;
        std::memcpy(&t, entries_ + static_cast<std::size_t>(pos - first_pos_) * sizeof(Tid), sizeof t);
        return t;
    }
    if (pos < entry_start_)
        rewind();
    for (;;) {
        const std::uint8_t* e = entries_ + entry_at_;
        if (encoding_ == TidEncoding::kRuns) {
            const std::uint32_t len = load16(e + 6);
            if (pos - entry_start_ < len)
                return Tid::make(load32(e), static_cast<std::uint16_t>(load16(e + 4) + (pos - entry_start_)));
            entry_start_ += len;
            entry_at_ += kTidRunBytes;
        } else {
            const std::size_t nbytes = (load16(e + 6) + 7u) / 8;
            const std::uint8_t* bits = e + kTidBitmapHeaderBytes;
            const std::uint32_t rows = popcount_bytes(bits, nbytes);
            if (pos - entry_start_ < rows)
                return Tid::make(load32(e), static_cast<std::uint16_t>(load16(e + 4) + select_bit(bits, pos - entry_start_)));
            entry_start_ += rows;
            entry_at_ += kTidBitmapHeaderBytes + nbytes;
        }
    }
}

std::uint32_t tid_page_of(const TidPageReader& page0, std::uint32_t npages, std::uint32_t pos) {
    std::uint32_t lo = 0, hi = npages;  // answer in [lo, hi)
    while (hi - lo > 1) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        if (page0.map_entry(mid) <= pos)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

}  // namespace bloom
}  // namespace ixcore
