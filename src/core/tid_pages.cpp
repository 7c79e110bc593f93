// tid_pages.cpp — planning, encoding and reading ixbloom's TID pages.
// Multi-byte fields are copied with memcpy: a page body is aligned, but
// array entries (6 bytes) are not, and this keeps every access well-defined.
#include "core/tid_pages.hpp"

#include <cstring>

namespace ixcore {
namespace bloom {

namespace {

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

// Rows from `from` that one run can take (at least 1).
std::uint32_t run_length(const Tid* tids, std::uint32_t from, std::uint32_t n) {
    std::uint32_t len = 1;
    while (from + len < n && len < 0xffffu && adjacent(tids[from + len - 1], tids[from + len]))
        ++len;
    return len;
}

}  // namespace

std::uint32_t plan_tid_pages(const Tid* tids, std::uint32_t n, std::size_t page_bytes, TidPagePlan* plans) {
    std::uint32_t npages = 0;
    for (std::uint32_t s = 0; s < n;) {
        if (npages == kMaxTidPages)
            return 0;
        const std::size_t avail = page_bytes - entries_start(npages);
        // nrows is a 16-bit field.
        const std::uint32_t row_limit = n - s < 0xffffu ? n - s : 0xffffu;
        std::uint32_t array_rows = static_cast<std::uint32_t>(avail / sizeof(Tid));
        if (array_rows > row_limit)
            array_rows = row_limit;
        std::uint32_t run_rows = 0, runs = 0;
        while (run_rows < row_limit && runs < avail / kTidRunBytes) {
            run_rows += run_length(tids, s + run_rows, s + row_limit);
            ++runs;
        }
        TidPagePlan& p = plans[npages++];
        p.first_pos = s;
        // More rows wins; on a tie, fewer bytes (a smaller WAL image).
        if (run_rows > array_rows || (run_rows == array_rows && runs * kTidRunBytes < array_rows * sizeof(Tid))) {
            p.nrows = run_rows;
            p.nruns = runs;
        } else {
            p.nrows = array_rows;
            p.nruns = 0;
        }
        s += p.nrows;
    }
    return npages;
}

std::size_t encode_tid_page(const Tid* tids, const TidPagePlan* plans, std::uint32_t npages, std::uint32_t page,
                            std::uint8_t* body) {
    const TidPagePlan& p = plans[page];
    store32(body, p.first_pos);
    store16(body + 4, static_cast<std::uint16_t>(p.nrows));
    store16(body + 6, static_cast<std::uint16_t>(p.nruns));
    store16(body + 8, static_cast<std::uint16_t>(page == 0 ? npages : 0));
    store16(body + 10, 0);
    if (page == 0)
        for (std::uint32_t i = 0; i < npages; ++i)
            store32(body + kTidHeaderBytes + i * sizeof(std::uint32_t), plans[i].first_pos);
    std::uint8_t* out = body + entries_start(page);
    if (p.nruns == 0) {
        std::memcpy(out, tids + p.first_pos, p.nrows * sizeof(Tid));
        return entries_start(page) + p.nrows * sizeof(Tid);
    }
    const std::uint32_t end = p.first_pos + p.nrows;
    std::uint32_t written = 0;
    for (std::uint32_t i = p.first_pos; i < end; ++written) {
        const std::uint32_t len = run_length(tids, i, end);
        store32(out, tids[i].block());
        store16(out + 4, tids[i].offset);
        store16(out + 6, static_cast<std::uint16_t>(len));
        out += kTidRunBytes;
        i += len;
    }
    return entries_start(page) + written * kTidRunBytes;
}

bool TidPageReader::open(const std::uint8_t* body, std::size_t used_bytes, std::uint32_t page_index,
                         std::uint32_t group_pages, std::uint32_t group_rows, const TidPageReader* page0) {
    body_ = body;
    if (group_pages == 0 || group_pages > kMaxTidPages || page_index >= group_pages ||
        used_bytes < entries_start(page_index) || (page_index > 0 && page0 == nullptr))
        return false;
    first_pos_ = load32(body);
    nrows_ = load16(body + 4);
    nruns_ = load16(body + 6);
    map_entries_ = load16(body + 8);
    run_ = 0;
    run_start_ = first_pos_;
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
    if (nruns_ == 0)
        return nrows_ * sizeof(Tid) <= room;
    if (nruns_ > nrows_ || nruns_ * kTidRunBytes > room)
        return false;
    std::uint32_t sum = 0;
    for (std::uint32_t r = 0; r < nruns_; ++r) {
        const std::uint8_t* e = entries_ + r * kTidRunBytes;
        const std::uint32_t offset = load16(e + 4);
        const std::uint32_t len = load16(e + 6);
        if (len == 0 || offset == 0 || offset + len - 1 > 0xffffu)
            return false;
        sum += len;
    }
    return sum == nrows_;
}

std::uint32_t TidPageReader::map_entry(std::uint32_t i) const {
    return load32(body_ + kTidHeaderBytes + i * sizeof(std::uint32_t));
}

Tid TidPageReader::at(std::uint32_t pos) {
    if (nruns_ == 0) {
        Tid t;
        std::memcpy(&t, entries_ + static_cast<std::size_t>(pos - first_pos_) * sizeof(Tid), sizeof t);
        return t;
    }
    if (pos < run_start_) {
        run_ = 0;
        run_start_ = first_pos_;
    }
    for (;;) {
        const std::uint8_t* e = entries_ + run_ * kTidRunBytes;
        const std::uint32_t len = load16(e + 6);
        if (pos - run_start_ < len)
            return Tid::make(load32(e), static_cast<std::uint16_t>(load16(e + 4) + (pos - run_start_)));
        run_start_ += len;
        ++run_;
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
