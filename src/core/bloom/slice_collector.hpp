// slice_collector.hpp — CREATE INDEX's collection of heap rows into the bit
// slices of one group at a time, keeping each group's rows in TID order.
//
// The table AM delivers blocks in order, and within a block the line
// pointers normally ascend: those rows go straight into the slices, one
// byte write per signature bit.  A HOT chain's live version is reported
// under its root line pointer when the scan reaches the version, so within a
// block the line pointers can go backwards; the block's rows are then taken
// back out of the slices (their bits cleared), collected row-major, sorted
// by line pointer when the block ends, and added 64 rows per slice word.
// Sorted TIDs let the group's TID pages use runs or per-block bitmaps.
//
// Protocol (the caller writes each full group):
//   c.add_row(tid, bits, nbits);              // or c.finish() at the end
//   while (c.full()) { write c.slices()/c.tids()/c.rows(); c.next_group(); }
// A block's sorted rows may not all fit the group: the rest wait, in order,
// for next_group().  Pure C++ over memory the caller owns (trivially
// destructible, so it may live in a palloc'd build state).
#pragma once

#include "core/bloom/tid_pages.hpp"

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ixcore {
namespace bloom {

class SliceCollector {
public:
    // Bytes of memory init() needs.  max_block_rows: the most rows a heap
    // block can hold (MaxHeapTuplesPerPage).
    static std::size_t memory_bytes(std::uint32_t capacity, int sig_bits, std::uint32_t max_block_rows);

    // capacity: a multiple of 64; memory: memory_bytes() zeroed bytes,
    // 8-byte aligned, that outlive the collector.
    void init(std::uint32_t capacity, int sig_bits, std::uint32_t max_block_rows, void* memory);

    // Add one row: its TID and its signature's bit positions (repeats are
    // harmless).  Requires !full().
    void add_row(const Tid& tid, const std::uint16_t* bits, std::uint32_t nbits);
    // No more rows: a block still collected is sorted and added.
    void finish();

    bool full() const { return rows_ == capacity_; }
    // After the caller wrote the full group: start an empty one, and add
    // the rows that were waiting.
    void next_group();

    // The group so far: rows() rows; slice b at slices() + b * stride()
    // (stride() = capacity / 8 bytes, row r is bit r % 8 of byte r / 8);
    // TIDs in position order.
    std::uint32_t rows() const { return rows_; }
    const std::uint8_t* slices() const { return slices_; }
    std::size_t stride() const { return capacity_ / 8; }
    const Tid* tids() const { return tids_; }

private:
    std::uint16_t* pending_row(std::uint32_t i) const { return pending_sigs_ + static_cast<std::size_t>(i) * words_; }
    std::uint16_t* waiting_row(std::uint32_t i) const { return waiting_sigs_ + static_cast<std::size_t>(i) * words_; }
    void start_collecting();
    void end_collection();
    void drain();
    void wait_with(const Tid& tid, const std::uint16_t* bits, std::uint32_t nbits);

    std::uint32_t capacity_;
    int sig_bits_;
    std::size_t words_;  // uint16 words per row-major signature
    std::uint32_t max_block_rows_;

    std::uint8_t* slices_;
    Tid* tids_;
    std::uint32_t rows_;

    // The heap block being read: its rows from position segment_ on are in
    // the slices in line-pointer order so far (last_offset_ is the latest).
    std::uint32_t block_;
    std::uint32_t segment_;
    std::uint16_t last_offset_;

    // A block whose line pointers went backwards: its rows, row-major,
    // unsorted.  collecting_ while they gather.
    bool collecting_;
    std::uint32_t pending_;
    std::uint16_t* pending_sigs_;
    Tid* pending_tids_;
    std::uint16_t* order_;

    // Rows sorted and waiting to enter the slices: waiting_[drained_ ..
    // nwaiting_).  If last_starts_block_, the last one is the first row of
    // block_, which becomes the current block's segment when it is added.
    std::uint32_t nwaiting_;
    std::uint32_t drained_;
    bool last_starts_block_;
    std::uint16_t* waiting_sigs_;
    Tid* waiting_tids_;
};
static_assert(std::is_trivially_destructible<SliceCollector>::value, "may live in a palloc'd build state");

}  // namespace bloom
}  // namespace ixcore
