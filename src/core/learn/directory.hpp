// directory.hpp — ixlearn's learned directory (docs/ixlearn-format.md,
// "Model pages"): the leaves a build or retrain laid out, in key order, as
// (low bound's first column, block), and an error-bounded PLA model over
// them that predicts where a key's leaf is listed.  A lookup decodes only
// the ±epsilon entries around the prediction.  Pure C++: the shim stores
// the coded bytes in model pages and caches them per backend.
#pragma once

#include "core/learn/lane.hpp"
#include "core/learn/order_key.hpp"
#include "core/learn/pla.hpp"

#include <cstddef>
#include <cstdint>

namespace ixcore {
namespace learn {

// One leaf: the first column of its low bound and whether the bound ends
// there (a FirstColumn or -inf bound: every key with that first column is
// in this leaf or right of it) or goes on (a Full bound: equal first
// columns may also be on the left).
struct DirEntry {
    Pos low;
    bool low_is_column;
    std::uint32_t block;
};

// Lookups ask for the last leaf whose low bound is <= a probe: Before(p)
// is the smallest key with first column p, After(p) the largest.
enum class Probe : std::uint8_t { Before = 0, After = 2 };

// Where a leaf's low bound, as an entry has it, lies against a probe: <= 0
// when the leaf starts at or before it.
int compare_low(const DirEntry& e, const Pos& p, Probe probe);
// The order of two entries' low bounds (a column bound before a full bound
// with the same first column).
int compare_entries(const DirEntry& a, const DirEntry& b);

constexpr std::uint32_t kDirBlockEntries = 256;

struct DirHeader {
    std::uint32_t nleaves;
    std::uint32_t nsegments;
    std::uint32_t epsilon;
    std::uint32_t nblocks;
    std::uint32_t wide;   // model coordinate: 1 = the key's hi word (uuid), 0 = lo
    std::uint32_t shift;  // ... shifted right by this (< 64), so that sparse keys get slopes a segment can store
};
static_assert(sizeof(DirHeader) == 24, "directory header layout");

// An upper bound of directory_encode's output, for sizing its buffer.
std::size_t directory_max_bytes(std::uint32_t n);

// Code the directory of n leaves (sorted, n >= 1) into out, its lanes in
// the index's format; returns the bytes written.  epsilon: the model's
// error bound in entries.
std::size_t directory_encode(const DirEntry* entries, std::uint32_t n, std::uint32_t epsilon, bool wide,
                             LaneFormat format, std::uint8_t* out);

class DirectoryView {
public:
    // Check the header, segments (sorted, positions in range), block
    // offsets and every block's lanes (in the index's format) against len;
    // false if damaged.
    bool parse(const std::uint8_t* data, std::size_t len, LaneFormat format);

    std::uint32_t size() const { return h_.nleaves; }
    std::uint32_t epsilon() const { return h_.epsilon; }
    std::uint32_t segments() const { return h_.nsegments; }
    DirEntry entry(std::uint32_t j) const;

    // The last leaf whose low bound is <= the probe (0 if none).  *steps,
    // if given, gets how far the answer was from the model's prediction.
    std::uint32_t route(const Pos& p, Probe probe, std::uint32_t* steps = nullptr) const;
    // The model's predicted entry for a first column.
    std::uint32_t predict_entry(const Pos& p) const;
    // The coordinate the model reads for a first column.
    std::uint64_t coordinate(const Pos& p) const;

private:
    int compare_entry(std::uint32_t j, const Pos& p, Probe probe) const;
    std::uint32_t search(std::uint32_t lo, std::uint32_t hi, const Pos& p, Probe probe) const;

    // The four lanes of block b (checked by parse()).
    void block_lanes(std::uint32_t b, LaneView* lanes) const;

    DirHeader h_{};
    LaneFormat format_ = LaneFormat::V2;
    const std::uint8_t* segs_ = nullptr;     // nsegments × Segment, unaligned
    const std::uint8_t* offsets_ = nullptr;  // nblocks × uint32
    const std::uint8_t* data_ = nullptr;
    std::size_t len_ = 0;
};

// The model coordinate of a first column (NULL ranks go to the ends).
inline std::uint64_t model_coordinate(const Pos& p, bool wide) {
    if (p.rank == kRankNullsFirst) return 0;
    if (p.rank == kRankNullsLast) return ~std::uint64_t{0};
    return wide ? p.hi : p.lo;
}

}  // namespace learn
}  // namespace ixcore
