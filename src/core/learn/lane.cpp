// lane.cpp — the lane encoder (Offset or Linear coding, whichever is
// smaller, residuals bit-packed) and LaneView, its bounds-checked reader.
//
// Linear is only considered when last >= first: the line's rise is then an
// unsigned 64-bit number and the prediction first + floor(rise * i / (n-1))
// never leaves [first, last].  Split into quotient and remainder (see Line)
// it is exact in 64-bit arithmetic, so the reader needs no 128-bit
// multiply or division.  Values out of order in between are fine: the
// residuals absorb them (the encoder measures them in 128 bits).  A
// descending lane (last < first) is coded Offset.
#include "core/learn/lane.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace ixcore {
namespace learn {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "lanes are stored little-endian");

namespace {

__extension__ typedef __int128 i128;

constexpr std::uint8_t kOffset = 0;
constexpr std::uint8_t kLinear = 1;

// Stands in for the packed words of a 0-bit lane, so that get() reads
// something without a branch; the mask (0) then discards it.
const std::uint8_t kZeroWord[8] = {};

std::uint64_t load64(const std::uint8_t* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

void store64(std::uint8_t* p, std::uint64_t v) { std::memcpy(p, &v, 8); }

unsigned bit_width(std::uint64_t v) { return v == 0 ? 0 : 64 - static_cast<unsigned>(__builtin_clzll(v)); }

std::uint64_t packed_words(std::uint32_t n, unsigned bits) { return (std::uint64_t{n} * bits + 63) / 64; }

std::size_t coded_bytes(std::uint32_t n, unsigned bits) {
    return kLaneHeaderBytes + static_cast<std::size_t>(packed_words(n, bits)) * 8;
}

// The Linear prediction first + floor((last - first) * i / (n - 1)) for
// i = 0, 1, ...: with rise = q * (n - 1) + rem it is
// first + q * i + floor(rem * i / (n - 1)), and the second term is carried
// by a remainder that stays below n - 1 (so below 2^32).
class Line {
public:
    // Stepping from index `start` (rem * start < (n - 1) * n < 2^64).
    Line(std::uint64_t first, std::uint64_t last, std::uint32_t n, std::uint32_t start = 0)
        : value_(first), q_((last - first) / (n - 1)), rem_((last - first) % (n - 1)), den_(n - 1) {
        const std::uint64_t t = rem_ * start;
        value_ += q_ * start + t / den_;
        frac_ = t % den_;
    }
    std::uint64_t value() const { return value_; }
    void next() {
        // Meant to compile to a conditional move: the carry follows the
        // data, so a branch would predict badly.
        const std::uint64_t t = frac_ + rem_;
        const bool carry = t >= den_;
        frac_ = carry ? t - den_ : t;
        value_ += q_ + carry;
    }

private:
    std::uint64_t value_, q_, rem_, den_, frac_ = 0;
};

// How a set of values is coded.
struct Plan {
    std::uint8_t mode = kOffset;
    unsigned bits = 0;
    unsigned shift = 0;  // trailing zero bits every value has, not stored
    std::uint64_t first = 0, last = 0, rmin = 0;
};

// The values as coded: shifted right by the zero bits they all end with.
struct Shifted {
    const std::uint64_t* v;
    unsigned shift;
    std::uint64_t operator[](std::uint32_t i) const { return v[i] >> shift; }
};

// The Linear plan, or false when it does not exist (fewer than two values,
// descending ends, or residuals that do not fit the stored int64 rmin plus
// an unsigned 64-bit r(i)).
bool plan_linear(Shifted v, std::uint32_t n, Plan* p) {
    if (n < 2 || v[n - 1] < v[0])
        return false;
    Line line(v[0], v[n - 1], n);
    i128 dmin = 0, dmax = 0;  // d(0) = d(n - 1) = 0
    for (std::uint32_t i = 0; i < n; ++i, line.next()) {
        const i128 d = static_cast<i128>(v[i]) - static_cast<i128>(line.value());
        dmin = d < dmin ? d : dmin;
        dmax = d > dmax ? d : dmax;
    }
    if (dmin < std::numeric_limits<std::int64_t>::min() ||
        dmax - dmin > static_cast<i128>(std::numeric_limits<std::uint64_t>::max()))
        return false;
    p->mode = kLinear;
    p->bits = bit_width(static_cast<std::uint64_t>(dmax - dmin));
    p->first = v[0];
    p->last = v[n - 1];
    p->rmin = static_cast<std::uint64_t>(static_cast<std::int64_t>(dmin));
    return true;
}

Plan plan_lane(const std::uint64_t* values, std::uint32_t n) {
    // One pass for the Offset plan: the bits every value ends with
    // (separators chosen to end in zeros, times in whole seconds) are not
    // stored, and shifting keeps the order, so the shifted minimum and
    // maximum are the shifted values' own.
    Plan offset;
    if (n == 0)
        return offset;
    std::uint64_t any = 0, lo = values[0], hi = values[0];
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint64_t x = values[i];
        any |= x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    const unsigned shift = any == 0 ? 0 : static_cast<unsigned>(__builtin_ctzll(any));
    offset.shift = shift;
    offset.rmin = lo >> shift;
    offset.bits = bit_width((hi >> shift) - (lo >> shift));
    // Equal values cost no bits: no line can do better.
    if (offset.bits == 0)
        return offset;
    Plan linear;
    if (plan_linear(Shifted{values, shift}, n, &linear) && coded_bytes(n, linear.bits) < coded_bytes(n, offset.bits)) {
        linear.shift = shift;
        return linear;
    }
    return offset;
}

// Residual i of `bits` (0..64) from packed words, the last at index
// last_word.  It starts at bit `off` of word w and may run into word w + 1;
// that word is read even when not needed (clamped to the last word, then
// harmless: the mask drops its bits), so there is no branch.  The high word
// is shifted in two steps because a shift by 64 is undefined.
inline std::uint64_t extract(const std::uint8_t* words, std::size_t last_word, std::uint32_t i, unsigned bits,
                             std::uint64_t mask) {
    const std::uint64_t pos = std::uint64_t{i} * bits;
    const std::size_t w = static_cast<std::size_t>(pos >> 6);
    const unsigned off = static_cast<unsigned>(pos & 63);
    const std::size_t w1 = w + 1 < last_word ? w + 1 : last_word;
    return ((load64(words + w * 8) >> off) | (load64(words + w1 * 8) << 1 << (63 - off))) & mask;
}

// Packs the residual of each i < n, `bits` wide, LSB first into
// little-endian words at out; residual(i) < 2^bits.
template <typename Residual>
void pack(std::uint8_t* out, std::uint32_t n, unsigned bits, Residual residual) {
    std::uint64_t acc = 0;
    unsigned fill = 0;  // bits of acc in use, < 64
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint64_t r = residual(i);
        acc |= r << fill;
        if (fill + bits < 64) {
            fill += bits;
            continue;
        }
        store64(out, acc);
        out += 8;
        // The bits of r that did not fit (none when fill == 0).
        acc = fill == 0 ? 0 : r >> (64 - fill);
        fill = fill + bits - 64;
    }
    if (fill != 0)
        store64(out, acc);
}

}  // namespace

std::size_t lane_bytes(const std::uint64_t* values, std::uint32_t n) { return coded_bytes(n, plan_lane(values, n).bits); }

std::size_t lane_encode(const std::uint64_t* values, std::uint32_t n, std::uint8_t* out) {
    const Plan p = plan_lane(values, n);
    out[0] = p.mode;
    out[1] = static_cast<std::uint8_t>(p.bits);
    out[2] = static_cast<std::uint8_t>(p.shift);
    out[3] = 0;
    std::memcpy(out + 4, &n, 4);
    store64(out + 8, p.first);
    store64(out + 16, p.last);
    store64(out + 24, p.rmin);
    std::uint8_t* words = out + kLaneHeaderBytes;
    const Shifted v{values, p.shift};
    if (p.mode == kOffset) {
        pack(words, n, p.bits, [&](std::uint32_t i) { return v[i] - p.rmin; });
    } else {
        // Called for i = 0, 1, ... in order, so the line can step along.
        Line line(p.first, p.last, n);
        pack(words, n, p.bits, [&](std::uint32_t i) {
            const std::uint64_t r = v[i] - line.value() - p.rmin;
            line.next();
            return r;
        });
    }
    return coded_bytes(n, p.bits);
}

bool LaneView::parse(const std::uint8_t* data, std::size_t avail) {
    *this = LaneView();  // a failed parse leaves an empty view
    if (data == nullptr || avail < kLaneHeaderBytes)
        return false;
    std::uint32_t n;
    std::memcpy(&n, data + 4, 4);
    const std::uint8_t mode = data[0], bits = data[1], shift = data[2], reserved = data[3];
    const std::uint64_t first = load64(data + 8), last = load64(data + 16);
    if (mode > kLinear || bits > 64 || shift > 63 || reserved != 0)
        return false;
    // What the encoder never writes: an Offset lane with a line, or a Linear
    // lane that is too short for one or descends.
    if (mode == kOffset ? (first != 0 || last != 0) : (n < 2 || last < first))
        return false;
    const std::uint64_t nwords = packed_words(n, bits);  // < 2^33
    if (nwords > (avail - kLaneHeaderBytes) / 8)
        return false;
    n_ = n;
    bits_ = bits;
    shift_ = shift;
    linear_ = mode == kLinear;
    first_ = first;
    last_ = last;
    rmin_ = load64(data + 24);
    bytes_ = kLaneHeaderBytes + static_cast<std::size_t>(nwords) * 8;
    words_ = nwords == 0 ? kZeroWord : data + kLaneHeaderBytes;
    last_word_ = nwords == 0 ? 0 : static_cast<std::size_t>(nwords - 1);
    mask_ = bits == 0 ? 0 : ~std::uint64_t{0} >> (64 - bits);
    if (linear_) {
        step_ = (last - first) / (n - 1);
        step_rem_ = (last - first) % (n - 1);
    }
    return true;
}

std::uint64_t LaneView::get(std::uint32_t i) const {
    // A 0-bit lane reads kZeroWord (words_, last_word_ 0) and masks it off.
    std::uint64_t v = extract(words_, last_word_, i, bits_, mask_) + rmin_;
    if (linear_)  // step_rem_ * i < (n - 1) * n < 2^64
        v += first_ + step_ * i + step_rem_ * i / (n_ - 1);
    return v << shift_;
}

void LaneView::decode_range(std::uint32_t from, std::uint32_t to, std::uint64_t* out, std::size_t stride) const {
    if (from >= to)
        return;  // out may be null (an empty vector's data())
    // Locals, not members: a store through out might alias a member and
    // would force the compiler to reload it on every value.
    const std::uint8_t* const words = words_;
    const unsigned bits = bits_, shift = shift_;
    const std::uint64_t mask = mask_, rmin = rmin_;
    const std::size_t last_word = last_word_;
    if (linear_) {
        // One pass: the line's carry chain overlaps the unpacking.
        Line line(first_ + rmin, last_ + rmin, n_, from);  // same rise, rmin included
        if (bits == 0) {  // such as keys 1..N
            for (std::uint32_t i = from; i < to; ++i, line.next(), out += stride)
                *out = line.value() << shift;
        } else {
            for (std::uint32_t i = from; i < to; ++i, line.next(), out += stride)
                *out = (extract(words, last_word, i, bits, mask) + line.value()) << shift;
        }
    } else if (bits == 0) {
        for (std::uint32_t i = from; i < to; ++i, out += stride)
            *out = rmin << shift;
    } else if (bits == 64) {
        for (std::uint32_t i = from; i < to; ++i, out += stride)
            *out = (load64(words + std::size_t{i} * 8) + rmin) << shift;
    } else {
        for (std::uint32_t i = from; i < to; ++i, out += stride)
            *out = (extract(words, last_word, i, bits, mask) + rmin) << shift;
    }
}

}  // namespace learn
}  // namespace ixcore
