// lane.hpp — one column of n unsigned 64-bit values, coded compactly and
// read back at random (ixlearn's leaves and directory are made of lanes).
//
// Two codings, the encoder keeps the smaller:
//   Linear  value(i) = first + floor((last - first) * i / (n - 1)) + rmin + r(i)
//           for values in order (keys 1..N cost 0 bits a value); the fitted
//           line goes through the first and the last value, computed in
//           128-bit arithmetic, and r(i) >= 0 is bit-packed.
//   Offset  value(i) = rmin + r(i)  (frame of reference), for any values.
// Bit width 0..64; r(i) packed little-endian, LSB first, in 64-bit words.
// Zero bits that every value ends with are not coded: the formulas above
// apply to the values shifted right by `shift`, and a read shifts back.
//
// Layout (little-endian, no alignment needed):
//   uint8  mode (0 = Offset, 1 = Linear)
//   uint8  bits
//   uint8  shift (0..63)
//   uint8  reserved (0)
//   uint32 n
//   uint64 first, last        (Linear only; Offset stores zero)
//   uint64 rmin               (Linear: a signed int64; Offset: the minimum)
//   packed residuals: ceil(n * bits / 64) uint64 words
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ixcore {
namespace learn {

constexpr std::size_t kLaneHeaderBytes = 32;

// Bytes a lane of these values takes (the smaller coding).
std::size_t lane_bytes(const std::uint64_t* values, std::uint32_t n);

// Write the lane to out (room for lane_bytes(values, n)); returns the bytes written.
std::size_t lane_encode(const std::uint64_t* values, std::uint32_t n, std::uint8_t* out);

// A lane read from bytes that may be damaged.  parse() checks the header
// against the bytes available (mode, bits <= 64, n, the packed words inside
// `avail`), never reads past avail, and reports false if anything is off.
class LaneView {
public:
    bool parse(const std::uint8_t* data, std::size_t avail);
    std::uint32_t size() const { return n_; }
    std::size_t bytes() const { return bytes_; }  // header + packed words
    std::uint8_t bits() const { return bits_; }
    bool linear() const { return linear_; }
    // Value i (< size()).
    std::uint64_t get(std::uint32_t i) const;
    // Values from..to-1 (to <= size()) into out[0], out[stride], ...: what
    // get() reads, in one pass without a division per value.
    void decode_range(std::uint32_t from, std::uint32_t to, std::uint64_t* out, std::size_t stride) const;

private:
    const std::uint8_t* words_ = nullptr;  // packed residuals (unaligned)
    std::uint32_t n_ = 0;
    std::uint8_t bits_ = 0;
    bool linear_ = false;
    std::uint64_t first_ = 0, last_ = 0, rmin_ = 0;
    std::size_t bytes_ = 0;
    // Cached by parse() so that get() needs no 128-bit arithmetic:
    // (last - first) / (n - 1) and its remainder (Linear only), the mask
    // of `bits` low bits, and the index of the last packed word.
    std::uint64_t step_ = 0, step_rem_ = 0, mask_ = 0;
    std::uint8_t shift_ = 0;
    std::size_t last_word_ = 0;
};

}  // namespace learn
}  // namespace ixcore
