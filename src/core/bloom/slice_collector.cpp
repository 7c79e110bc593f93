// slice_collector.cpp — rows into a group's slices, in TID order.
#include "core/bloom/slice_collector.hpp"
#include "core/bloom/bit_slices.hpp"

#include <algorithm>
#include <cstring>

namespace ixcore {
namespace bloom {

namespace {

std::size_t align8(std::size_t n) { return (n + 7) / 8 * 8; }

}  // namespace

std::size_t SliceCollector::memory_bytes(std::uint32_t capacity, int sig_bits, std::uint32_t max_block_rows) {
    const std::size_t words = static_cast<std::size_t>(sig_bits) / 16;
    const std::size_t waiting = static_cast<std::size_t>(max_block_rows) + 1;  // a block's rest and one more row
    return align8(static_cast<std::size_t>(sig_bits) * (capacity / 8)) + align8(sizeof(Tid) * capacity) +
           align8(sizeof(std::uint16_t) * words * max_block_rows) + align8(sizeof(Tid) * max_block_rows) +
           align8(sizeof(std::uint16_t) * max_block_rows) + align8(sizeof(std::uint16_t) * words * waiting) +
           align8(sizeof(Tid) * waiting);
}

void SliceCollector::init(std::uint32_t capacity, int sig_bits, std::uint32_t max_block_rows, void* memory) {
    capacity_ = capacity;
    sig_bits_ = sig_bits;
    words_ = static_cast<std::size_t>(sig_bits) / 16;
    max_block_rows_ = max_block_rows;
    const std::size_t waiting = static_cast<std::size_t>(max_block_rows) + 1;
    std::uint8_t* p = static_cast<std::uint8_t*>(memory);
    auto take = [&p](std::size_t bytes) {
        std::uint8_t* at = p;
        p += align8(bytes);
        return at;
    };
    slices_ = take(static_cast<std::size_t>(sig_bits) * (capacity / 8));
    tids_ = reinterpret_cast<Tid*>(take(sizeof(Tid) * capacity));
    pending_sigs_ = reinterpret_cast<std::uint16_t*>(take(sizeof(std::uint16_t) * words_ * max_block_rows));
    pending_tids_ = reinterpret_cast<Tid*>(take(sizeof(Tid) * max_block_rows));
    order_ = reinterpret_cast<std::uint16_t*>(take(sizeof(std::uint16_t) * max_block_rows));
    waiting_sigs_ = reinterpret_cast<std::uint16_t*>(take(sizeof(std::uint16_t) * words_ * waiting));
    waiting_tids_ = reinterpret_cast<Tid*>(take(sizeof(Tid) * waiting));
    rows_ = 0;
    block_ = 0xFFFFFFFFu;  // no block yet
    segment_ = 0;
    last_offset_ = 0;
    collecting_ = false;
    pending_ = 0;
    nwaiting_ = drained_ = 0;
    last_starts_block_ = false;
}

// The current block's line pointers went backwards: take its rows back out
// of the slices (clearing their bits) into the collection, to be sorted.
void SliceCollector::start_collecting() {
    const std::size_t stride = this->stride();
    const std::uint32_t n = rows_ - segment_;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t pos = segment_ + i;
        std::uint16_t* sig = pending_row(i);
        const std::uint8_t mask = static_cast<std::uint8_t>(1u << (pos % 8));
        for (int b = 0; b < sig_bits_; ++b) {
            std::uint8_t* byte = slices_ + static_cast<std::size_t>(b) * stride + pos / 8;
            if (*byte & mask) {
                set_signature_bit(sig, b);
                *byte = static_cast<std::uint8_t>(*byte & ~mask);
            }
        }
        pending_tids_[i] = tids_[pos];
    }
    pending_ = n;
    rows_ = segment_;
    collecting_ = true;
}

// Sort the collected rows of the block by line pointer into the waiting
// rows, and add as many as fit.
void SliceCollector::end_collection() {
    const Tid* t = pending_tids_;
    for (std::uint32_t i = 0; i < pending_; ++i)
        order_[i] = static_cast<std::uint16_t>(i);
    std::sort(order_, order_ + pending_, [t](std::uint16_t a, std::uint16_t b) { return t[a].offset < t[b].offset; });
    for (std::uint32_t i = 0; i < pending_; ++i) {
        std::memcpy(waiting_row(i), pending_row(order_[i]), sizeof(std::uint16_t) * words_);
        waiting_tids_[i] = t[order_[i]];
    }
    nwaiting_ = pending_;
    drained_ = 0;
    last_starts_block_ = false;
    last_offset_ = pending_ > 0 ? t[order_[pending_ - 1]].offset : 0;
    std::memset(pending_sigs_, 0, sizeof(std::uint16_t) * words_ * pending_);
    pending_ = 0;
    collecting_ = false;
    drain();
}

// Waiting rows into the slices while the group has room.
void SliceCollector::drain() {
    std::uint32_t n = nwaiting_ - drained_;
    if (n > capacity_ - rows_)
        n = capacity_ - rows_;
    add_rows_to_slices(waiting_row(drained_), sig_bits_, rows_, n, slices_, stride());
    for (std::uint32_t i = 0; i < n; ++i)
        tids_[rows_ + i] = waiting_tids_[drained_ + i];
    rows_ += n;
    drained_ += n;
    if (drained_ < nwaiting_) {
        segment_ = rows_;
        return;
    }
    // All in: the next rows of the block continue after them.
    segment_ = last_starts_block_ ? rows_ - 1 : rows_;
    if (last_starts_block_)
        last_offset_ = waiting_tids_[nwaiting_ - 1].offset;
    nwaiting_ = drained_ = 0;
    last_starts_block_ = false;
}

// The group is full and rows are waiting: this row, the first of a new
// block (or of a new run of the block), waits behind them.
void SliceCollector::wait_with(const Tid& tid, const std::uint16_t* bits, std::uint32_t nbits) {
    if (drained_ > 0) {  // make room at the end
        std::memmove(waiting_row(0), waiting_row(drained_), sizeof(std::uint16_t) * words_ * (nwaiting_ - drained_));
        std::memmove(waiting_tids_, waiting_tids_ + drained_, sizeof(Tid) * (nwaiting_ - drained_));
        nwaiting_ -= drained_;
        drained_ = 0;
    }
    std::uint16_t* sig = waiting_row(nwaiting_);
    std::memset(sig, 0, sizeof(std::uint16_t) * words_);
    for (std::uint32_t i = 0; i < nbits; ++i)
        set_signature_bit(sig, bits[i]);
    waiting_tids_[nwaiting_++] = tid;
    last_starts_block_ = true;
}

void SliceCollector::add_row(const Tid& tid, const std::uint16_t* bits, std::uint32_t nbits) {
    bool new_run = false;
    if (tid.block() != block_) {
        if (collecting_)
            end_collection();
        block_ = tid.block();
        segment_ = rows_;
        last_offset_ = 0;
        new_run = true;
    } else if (!collecting_ && tid.offset <= last_offset_) {
        // (A heap block's in-order run has at most max_block_rows rows; a
        // table AM with more per block just keeps them unsorted.)
        if (rows_ - segment_ < max_block_rows_)
            start_collecting();
        else
            segment_ = rows_;
    } else if (collecting_ && pending_ == max_block_rows_) {
        end_collection();  // (only a table AM with bigger pages gets here)
        new_run = true;
    }
    if (new_run && (full() || nwaiting_ > 0)) {
        wait_with(tid, bits, nbits);
        return;
    }
    if (collecting_) {
        std::uint16_t* sig = pending_row(pending_);
        for (std::uint32_t i = 0; i < nbits; ++i)
            set_signature_bit(sig, bits[i]);
        pending_tids_[pending_++] = tid;
        return;
    }
    // In order: straight into the slices.
    std::uint8_t* const row_byte = slices_ + rows_ / 8;
    const std::size_t stride = this->stride();
    const std::uint8_t mask = static_cast<std::uint8_t>(1u << (rows_ % 8));
    for (std::uint32_t i = 0; i < nbits; ++i)
        row_byte[bits[i] * stride] |= mask;
    tids_[rows_++] = tid;
    last_offset_ = tid.offset;
}

void SliceCollector::finish() {
    if (collecting_)
        end_collection();
}

void SliceCollector::next_group() {
    std::memset(slices_, 0, static_cast<std::size_t>(sig_bits_) * stride());
    rows_ = 0;
    segment_ = 0;
    if (nwaiting_ > drained_)
        drain();
}

}  // namespace bloom
}  // namespace ixcore
