// lane.hpp — one column of n unsigned 64-bit values, coded compactly and
// read back at random (ixlearn's leaves and directory are made of lanes).
//
// Three codings, the encoder keeps the smallest:
//   Offset    value(i) = rmin + r(i)  (frame of reference), for any values.
//   Linear    value(i) = first + floor((last - first) * i / span) + rmin + r(i)
//             for values in order (keys 1..N cost 0 bits a value); the fitted
//             line goes through the first and the last value (span = n - 1),
//             computed in 128-bit arithmetic, and r(i) >= 0 is bit-packed.
//   Monotone  (format 2) Elias–Fano, for ascending values with random gaps:
//             value(i) - base split into `bits` low bits, packed like r(i),
//             and a high part in unary, as bit high(i) + i of a bitmap.
// Bit width 0..64; packed little-endian, LSB first, in 64-bit words.
// Zero bits that every value ends with are not coded: the formulas above
// apply to the values shifted right by `shift`, and a read shifts back.
// The byte layouts of both format versions are in docs/ixlearn-format.md
// ("Lanes"); format 1 has only Offset and Linear, with a 32-byte header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ixcore {
namespace learn {

// The lane layout of an ixlearn format version (the index's metapage says which).
enum class LaneFormat : std::uint8_t { V1 = 1, V2 = 2 };

// The largest lane header of any format (a format 1 lane's), for sizing.
constexpr std::size_t kLaneHeaderBytes = 32;

enum class LaneMode : std::uint8_t { Offset = 0, Linear = 1, Monotone = 2 };

// Bytes a lane of these values takes (the smallest coding the format has).
std::size_t lane_bytes(const std::uint64_t* values, std::uint32_t n, LaneFormat format);

// Write the lane to out (room for lane_bytes(values, n, format)); returns the bytes written.
std::size_t lane_encode(const std::uint64_t* values, std::uint32_t n, LaneFormat format, std::uint8_t* out);

// A lane of n values read from bytes that may be damaged.  parse() checks
// the header against the bytes available (a mode of the format, bits,
// shift, a format 1 lane's stored n, the packed words inside `avail`, a
// Monotone lane's bitmap), never reads past avail, and reports false if
// anything is off.
class LaneView {
public:
    bool parse(const std::uint8_t* data, std::size_t avail, std::uint32_t n, LaneFormat format);
    std::uint32_t size() const { return n_; }
    std::size_t bytes() const { return bytes_; }  // header, packed words, bitmap
    std::uint8_t bits() const { return bits_; }
    LaneMode mode() const { return mode_; }
    // Value i (< size()).
    std::uint64_t get(std::uint32_t i) const;
    // Values from..to-1 (to <= size()) into out[0], out[stride], ...: what
    // get() reads, in one pass without a division per value.
    void decode_range(std::uint32_t from, std::uint32_t to, std::uint64_t* out, std::size_t stride) const;
    // The first i in [from, to) whose value is >= x (strict: > x), or to.
    // The values in [from, to) must be ascending (a Monotone lane's all
    // are): a binary search, but a Monotone lane goes straight to x's
    // bucket in the bitmap instead of a select() per probe.
    std::uint32_t lower_bound(std::uint64_t x, bool strict, std::uint32_t from, std::uint32_t to) const;

    // Append coding (format 2): this lane's first `keep` values (1 <= keep
    // <= n) followed by m more (values[0], values[stride], ...), written
    // to out (at most room bytes) without coding the kept ones again: its
    // header with what changed, their packed bits as they are, then the
    // new values in the same coding (a Linear lane's line runs on past its
    // last value).  Returns the bytes written, or 0 when a new value does
    // not fit that coding (outside an Offset lane's width, too far from a
    // Linear lane's line, below a Monotone lane's last kept value, lacking
    // the zero bits the lane drops), when a Linear lane would end up with
    // fewer values than its span needs, for a format 1 lane, or when room
    // is short: the caller then codes all the values afresh.
    std::size_t append(const std::uint64_t* values, std::size_t stride, std::uint32_t m, std::uint32_t keep,
                       std::uint8_t* out, std::size_t room) const;

    // parse() for bytes it accepted before that cannot have changed since
    // (a backend's private copy): the same view, without the O(n) check of
    // a Monotone lane's bitmap.
    bool parse_again(const std::uint8_t* data, std::size_t avail, std::uint32_t n, LaneFormat format) {
        return parse_lane(data, avail, n, format, false);
    }

private:
    bool parse_lane(const std::uint8_t* data, std::size_t avail, std::uint32_t n, LaneFormat format,
                    bool check_bitmap);
    // Monotone: the position of the k-th set (or clear) bit of the bitmap;
    // select(i) is value i's.
    std::uint64_t find_bit(bool set, std::uint64_t k) const;
    // Monotone: the first clear bit at or after `from` (upper_bits if none).
    std::uint64_t next_clear_bit(std::uint64_t from) const;
    std::uint64_t select(std::uint32_t i) const;
    // Monotone: the first value >= x over the whole lane (n if none).
    std::uint32_t monotone_lower_bound(std::uint64_t x) const;

    const std::uint8_t* data_ = nullptr;   // the header
    LaneFormat format_ = LaneFormat::V2;
    const std::uint8_t* words_ = nullptr;  // packed residuals or low parts (unaligned)
    const std::uint8_t* upper_ = nullptr;  // Monotone: the bitmap (unaligned)
    std::uint32_t upper_words_ = 0;
    std::uint32_t upper_bits_ = 0;
    std::uint32_t n_ = 0;
    std::uint8_t bits_ = 0;
    LaneMode mode_ = LaneMode::Offset;
    std::uint64_t first_ = 0, last_ = 0, rmin_ = 0;  // Monotone: base in rmin_
    std::size_t bytes_ = 0;
    // Cached by parse() so that get() needs no 128-bit arithmetic:
    // (last - first) / span and its remainder (Linear only), the mask
    // of `bits` low bits, and the index of the last packed word.
    std::uint64_t step_ = 0, step_rem_ = 0, mask_ = 0;
    std::uint32_t span_ = 1;  // Linear: the line's span (n - 1 until values are appended)
    std::uint8_t shift_ = 0;
    std::size_t last_word_ = 0;
};

}  // namespace learn
}  // namespace ixcore
