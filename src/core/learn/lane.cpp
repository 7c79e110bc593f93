// lane.cpp — the lane encoder (Offset, Linear or Monotone coding,
// whichever is smallest, bit-packed) and LaneView, its bounds-checked
// reader, for both lane layouts (format 1 and 2).
//
// Linear is only considered when last >= first: the line's rise is then an
// unsigned 64-bit number and the prediction first + floor(rise * i / span)
// (span = n - 1 when the lane is coded) never leaves [first, last] for
// i <= span.  Values appended later (LaneView::append) extend the line
// past last, modulo 2^64 like every lane value.  Split into quotient and remainder (see Line)
// it is exact in 64-bit arithmetic, so the reader needs no 128-bit
// multiply or division.  Values out of order in between are fine: the
// residuals absorb them (the encoder measures them in 128 bits).  A
// descending lane (last < first) is coded Offset.
#include "core/learn/lane.hpp"
#include "core/learn/bit_count.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace ixcore {
namespace learn {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "lanes are stored little-endian");

namespace {

__extension__ typedef __int128 i128;

constexpr std::uint8_t kOffset = static_cast<std::uint8_t>(LaneMode::Offset);
constexpr std::uint8_t kLinear = static_cast<std::uint8_t>(LaneMode::Linear);
constexpr std::uint8_t kMonotone = static_cast<std::uint8_t>(LaneMode::Monotone);

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

// The header of a lane of this mode (docs/ixlearn-format.md, "Lanes").
std::size_t header_bytes(LaneFormat format, std::uint8_t mode) {
    if (format == LaneFormat::V1) return kLaneHeaderBytes;
    return mode == kOffset ? 12 : mode == kLinear ? 32 : 16;
}

// The Linear prediction first + floor((last - first) * i / span) for
// i = 0, 1, ...: with rise = q * span + rem it is
// first + q * i + floor(rem * i / span), and the second term is carried
// by a remainder that stays below span (so below 2^32).
class Line {
public:
    // Stepping from index `start` (rem * start < span * 2^32 < 2^64).
    Line(std::uint64_t first, std::uint64_t last, std::uint32_t span, std::uint32_t start = 0)
        : value_(first), q_((last - first) / span), rem_((last - first) % span), den_(span) {
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
    std::uint64_t first = 0, last = 0, rmin = 0;  // Monotone: the base in rmin
    std::uint32_t upper_bits = 0;                 // Monotone: the bitmap's length
};

std::size_t coded_bytes(LaneFormat format, std::uint32_t n, const Plan& p) {
    std::uint64_t words = packed_words(n, p.bits);
    if (p.mode == kMonotone) words += (std::uint64_t{p.upper_bits} + 63) / 64;
    return header_bytes(format, p.mode) + static_cast<std::size_t>(words) * 8;
}

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
    Line line(v[0], v[n - 1], n - 1);
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

// The Monotone plan for ascending shifted values from lo to hi (n >= 2):
// the number of low bits that makes the lane smallest, near log2 of the
// average gap (a bit less leaves more in the bitmap, a bit more in the
// low parts), or false if the bitmap would not fit its 32-bit length.
bool plan_monotone(std::uint32_t n, std::uint64_t lo, std::uint64_t hi, Plan* p) {
    const std::uint64_t range = hi - lo;
    const unsigned centre = range / n == 0 ? 0 : bit_width(range / n) - 1;
    bool found = false;
    std::uint64_t best = 0;
    for (unsigned low = centre > 0 ? centre - 1 : 0; low <= centre + 2 && low <= 63; ++low) {
        const std::uint64_t high = range >> low;
        if (high > std::numeric_limits<std::uint32_t>::max() - n) continue;
        const std::uint64_t words = packed_words(n, low) + (high + n + 63) / 64;
        if (found && words >= best) continue;
        found = true;
        best = words;
        p->bits = low;
        p->upper_bits = static_cast<std::uint32_t>(high + n);
    }
    p->mode = kMonotone;
    p->rmin = lo;
    return found;
}

Plan plan_lane(const std::uint64_t* values, std::uint32_t n, LaneFormat format) {
    // One pass for the Offset plan: the bits every value ends with
    // (separators chosen to end in zeros, times in whole seconds) are not
    // stored, and shifting keeps the order, so the shifted minimum and
    // maximum are the shifted values' own.
    Plan offset;
    if (n == 0)
        return offset;
    std::uint64_t any = 0, lo = values[0], hi = values[0];
    bool ascending = true;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint64_t x = values[i];
        any |= x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        ascending &= i == 0 || values[i - 1] <= x;
    }
    const unsigned shift = any == 0 ? 0 : static_cast<unsigned>(__builtin_ctzll(any));
    offset.shift = shift;
    offset.rmin = lo >> shift;
    offset.bits = bit_width((hi >> shift) - (lo >> shift));
    // Equal values cost no bits: no other coding can do better.
    if (offset.bits == 0)
        return offset;
    // The smallest; on a tie the one that reads fastest (Offset, Linear).
    Plan best = offset;
    Plan linear;
    if (plan_linear(Shifted{values, shift}, n, &linear) &&
        coded_bytes(format, n, linear) < coded_bytes(format, n, best)) {
        linear.shift = shift;
        best = linear;
    }
    Plan monotone;
    if (format != LaneFormat::V1 && ascending && n >= 2 && plan_monotone(n, lo >> shift, hi >> shift, &monotone) &&
        coded_bytes(format, n, monotone) < coded_bytes(format, n, best)) {
        monotone.shift = shift;
        best = monotone;
    }
    return best;
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

// Packs residual(i) of each i < n, `bits` wide, as the values from,
// from + 1, ... of the packed words at `words` (LSB first, little-endian),
// calling it in order; residual(i) < 2^bits.  The bits of the values
// before `from` in their last word are kept, the padding after them is
// cleared (an append's: the reader never checked it).
template <typename Residual>
void pack(std::uint8_t* words, std::uint32_t from, std::uint32_t n, unsigned bits, Residual residual) {
    const std::uint64_t start = std::uint64_t{from} * bits;
    std::uint8_t* out = words + (start >> 6) * 8;
    unsigned fill = static_cast<unsigned>(start & 63);  // bits of acc in use, < 64
    std::uint64_t acc = fill == 0 ? 0 : load64(out) & ((std::uint64_t{1} << fill) - 1);
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

// Sets bit `bit` of a bitmap of little-endian words.
inline void set_bit(std::uint8_t* bitmap, std::uint64_t bit) {
    std::uint8_t* w = bitmap + (bit >> 6) * 8;
    store64(w, load64(w) | std::uint64_t{1} << (bit & 63));
}

}  // namespace

std::size_t lane_bytes(const std::uint64_t* values, std::uint32_t n, LaneFormat format) {
    return coded_bytes(format, n, plan_lane(values, n, format));
}

std::size_t lane_encode(const std::uint64_t* values, std::uint32_t n, LaneFormat format, std::uint8_t* out) {
    const Plan p = plan_lane(values, n, format);
    out[0] = p.mode;
    out[1] = static_cast<std::uint8_t>(p.bits);
    out[2] = static_cast<std::uint8_t>(p.shift);
    out[3] = 0;
    if (format == LaneFormat::V1) {
        std::memcpy(out + 4, &n, 4);
        store64(out + 8, p.first);
        store64(out + 16, p.last);
        store64(out + 24, p.rmin);
    } else if (p.mode == kOffset) {
        store64(out + 4, p.rmin);
    } else if (p.mode == kLinear) {
        store64(out + 4, p.first);
        store64(out + 12, p.last);
        store64(out + 20, p.rmin);
        const std::uint32_t span = n - 1;
        std::memcpy(out + 28, &span, 4);
    } else {
        store64(out + 4, p.rmin);
        std::memcpy(out + 12, &p.upper_bits, 4);
    }
    std::uint8_t* words = out + header_bytes(format, p.mode);
    const Shifted v{values, p.shift};
    if (p.mode == kOffset) {
        pack(words, 0, n, p.bits, [&](std::uint32_t i) { return v[i] - p.rmin; });
    } else if (p.mode == kLinear) {
        // Called for i = 0, 1, ... in order, so the line can step along.
        Line line(p.first, p.last, n - 1);
        pack(words, 0, n, p.bits, [&](std::uint32_t i) {
            const std::uint64_t r = v[i] - line.value() - p.rmin;
            line.next();
            return r;
        });
    } else {
        // The low parts, then value i's high part as bit high + i of the bitmap.
        const std::uint64_t low_mask = p.bits == 0 ? 0 : ~std::uint64_t{0} >> (64 - p.bits);
        pack(words, 0, n, p.bits, [&](std::uint32_t i) { return (v[i] - p.rmin) & low_mask; });
        std::uint8_t* upper = words + packed_words(n, p.bits) * 8;
        const std::size_t upper_words = (std::size_t{p.upper_bits} + 63) / 64;
        std::memset(upper, 0, upper_words * 8);
        for (std::uint32_t i = 0; i < n; ++i)
            set_bit(upper, ((v[i] - p.rmin) >> p.bits) + i);
    }
    return coded_bytes(format, n, p);
}

bool LaneView::parse(const std::uint8_t* data, std::size_t avail, std::uint32_t n, LaneFormat format) {
    return parse_lane(data, avail, n, format, true);
}

bool LaneView::parse_lane(const std::uint8_t* data, std::size_t avail, std::uint32_t n, LaneFormat format,
                          bool check_bitmap) {
    *this = LaneView();  // a failed parse leaves an empty view
    if (data == nullptr || avail < 4)
        return false;
    const std::uint8_t mode = data[0], bits = data[1], shift = data[2], reserved = data[3];
    const std::uint8_t max_mode = format == LaneFormat::V1 ? kLinear : kMonotone;
    if (mode > max_mode || bits > (mode == kMonotone ? 63 : 64) || shift > 63 || reserved != 0)
        return false;
    const std::size_t header = header_bytes(format, mode);
    if (avail < header)
        return false;
    std::uint64_t first = 0, last = 0, rmin = 0;
    std::uint32_t upper_bits = 0;
    std::uint32_t span = n - 1;  // a format 1 line's; a format 2 one says
    if (format == LaneFormat::V1) {
        std::uint32_t stored_n;
        std::memcpy(&stored_n, data + 4, 4);
        first = load64(data + 8);
        last = load64(data + 16);
        rmin = load64(data + 24);
        // A format 1 Offset lane stores a zero line.
        if (stored_n != n || (mode == kOffset && (first != 0 || last != 0)))
            return false;
    } else if (mode == kOffset) {
        rmin = load64(data + 4);
    } else if (mode == kLinear) {
        first = load64(data + 4);
        last = load64(data + 12);
        rmin = load64(data + 20);
        std::memcpy(&span, data + 28, 4);
    } else {
        rmin = load64(data + 4);
        std::memcpy(&upper_bits, data + 12, 4);
    }
    // What the encoder never writes: a Linear lane that is too short for a
    // line, descends, or whose line was fitted to more values than it has
    // (span n - 1 when coded, less after appends); a Monotone lane of
    // fewer than two values.
    if ((mode == kLinear && (n < 2 || last < first || span < 1 || span > n - 1)) || (mode == kMonotone && n < 2))
        return false;
    const std::uint64_t nwords = packed_words(n, bits);  // < 2^33
    const std::uint64_t upper_words = (std::uint64_t{upper_bits} + 63) / 64;
    if (nwords + upper_words > (avail - header) / 8)
        return false;
    if (mode == kMonotone) {
        // n set bits (one per value), the last one ending the bitmap: every
        // select() then finds its bit inside it.
        if (upper_bits < n)
            return false;
        const std::uint8_t* upper = data + header + nwords * 8;
        if (check_bitmap) {
            const std::uint64_t ones = count_ones(upper, upper_words);
            const std::uint64_t tail = load64(upper + (upper_words - 1) * 8);
            const unsigned last_bit = (upper_bits - 1) & 63;
            if (ones != n || (tail >> last_bit) != 1)
                return false;
        }
        upper_ = upper;
        upper_words_ = static_cast<std::uint32_t>(upper_words);
        upper_bits_ = upper_bits;
    }
    data_ = data;
    format_ = format;
    n_ = n;
    bits_ = bits;
    shift_ = shift;
    mode_ = static_cast<LaneMode>(mode);
    first_ = first;
    last_ = last;
    rmin_ = rmin;
    bytes_ = header + static_cast<std::size_t>(nwords + upper_words) * 8;
    words_ = nwords == 0 ? kZeroWord : data + header;
    last_word_ = nwords == 0 ? 0 : static_cast<std::size_t>(nwords - 1);
    mask_ = bits == 0 ? 0 : ~std::uint64_t{0} >> (64 - bits);
    if (mode_ == LaneMode::Linear) {
        span_ = span;
        step_ = (last - first) / span;
        step_rem_ = (last - first) % span;
    }
    return true;
}

// The position of the k-th set bit of w (k < popcount(w)): the byte by
// the running byte counts (byte i of `upto` counts bytes 0..i), then
// within the byte.
inline unsigned select_in_word(std::uint64_t w, unsigned k) {
    const std::uint64_t upto = byte_counts(w) * 0x0101010101010101u;
    unsigned at = 0;
    while (((upto >> at) & 0xFF) <= k) at += 8;
    if (at > 0) k -= static_cast<unsigned>((upto >> (at - 8)) & 0xFF);
    std::uint64_t byte = (w >> at) & 0xFF;
    for (; k > 0; --k)
        byte &= byte - 1;
    return at + static_cast<unsigned>(__builtin_ctzll(byte));
}

std::uint64_t LaneView::find_bit(bool set, std::uint64_t k) const {
    // parse() counted n set bits before upper_bits, so upper_bits - n clear
    // ones: for k below the count the loop finds word j (a clear bit's
    // search never reaches the padding after the end).
    const std::uint32_t j = find_word_of_bit(upper_, upper_words_, set, &k);
    if (j == upper_words_) return upper_bits_;  // k past the count: no such bit
    std::uint64_t w = load64(upper_ + std::size_t{j} * 8);
    if (!set) w = ~w;
    return std::uint64_t{j} * 64 + select_in_word(w, static_cast<unsigned>(k));
}

std::uint64_t LaneView::next_clear_bit(std::uint64_t from) const {
    if (from >= upper_bits_) return upper_bits_;
    auto j = static_cast<std::uint32_t>(from / 64);
    std::uint64_t w = ~load64(upper_ + std::size_t{j} * 8) & (~std::uint64_t{0} << (from % 64));
    while (w == 0 && ++j < upper_words_) w = ~load64(upper_ + std::size_t{j} * 8);
    if (w == 0) return upper_bits_;
    // The padding after upper_bits is clear too: never past it.
    return std::min<std::uint64_t>(upper_bits_, std::uint64_t{j} * 64 + static_cast<unsigned>(__builtin_ctzll(w)));
}

std::uint64_t LaneView::select(std::uint32_t i) const {
    // The last value's bit ends the bitmap (parse() checked).
    return i + 1 == n_ ? upper_bits_ - 1 : find_bit(true, i);
}

std::uint32_t LaneView::monotone_lower_bound(std::uint64_t x) const {
    // Values are multiples of 2^shift: v >= x when v >> shift >= x / 2^shift
    // rounded up.
    std::uint64_t xs = x >> shift_;
    if (shift_ > 0 && (x & ((std::uint64_t{1} << shift_) - 1)) != 0) ++xs;
    if (xs <= rmin_) return 0;
    const std::uint64_t d = xs - rmin_;
    const std::uint64_t h = d >> bits_;  // x's bucket: the values with this high part
    const std::uint64_t buckets_end = upper_bits_ - n_;  // clear bits: the last bucket's high part
    if (h > buckets_end) return n_;
    // Bucket h's values are the set bits between clear bit h - 1 and clear
    // bit h: before them, the values of the lower buckets.
    // (Clear bit h is the first one after clear bit h - 1.)
    const std::uint64_t from = h == 0 ? 0 : find_bit(false, h - 1) + 1;
    const std::uint64_t first = from - h;
    const std::uint64_t end = h == buckets_end ? n_ : next_clear_bit(from) - h;
    // Within the bucket the high parts are equal: search the low parts.
    auto lo = static_cast<std::uint32_t>(first), hi = static_cast<std::uint32_t>(end);
    const std::uint64_t want = d & mask_;
    while (lo < hi) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        if (extract(words_, last_word_, mid, bits_, mask_) < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::uint32_t LaneView::lower_bound(std::uint64_t x, bool strict, std::uint32_t from, std::uint32_t to) const {
    if (from >= to) return to;
    if (strict) {
        if (x == ~std::uint64_t{0}) return to;
        ++x;
    }
    if (mode_ == LaneMode::Monotone) {
        const std::uint32_t i = monotone_lower_bound(x);
        return i < from ? from : i > to ? to : i;
    }
    if (mode_ == LaneMode::Offset && bits_ == 0)  // one value throughout
        return (rmin_ << shift_) >= x ? from : to;
    std::uint32_t lo = from, hi = to;
    while (lo < hi) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        if (get(mid) < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::size_t LaneView::append(const std::uint64_t* values, std::size_t stride, std::uint32_t m, std::uint32_t keep,
                             std::uint8_t* out, std::size_t room) const {
    if (format_ != LaneFormat::V2 || data_ == nullptr || keep < 1 || keep > n_ || std::uint64_t{keep} + m > 0xFFFFFFFFu)
        return 0;
    const std::uint32_t total = keep + m;
    // A Linear lane's reader wants span <= n - 1.
    if (mode_ == LaneMode::Linear && span_ > total - 1) return 0;
    const std::uint64_t zero_bits = shift_ == 0 ? 0 : (std::uint64_t{1} << shift_) - 1;
    const bool full_width = bits_ == 64;
    // Monotone: the bitmap ends after the last kept value's bit.
    const std::uint64_t kept_bits = mode_ == LaneMode::Monotone ? select(keep - 1) + 1 : 0;
    // Each new value's packed part (residual or low part), or false if it
    // does not fit; Monotone: its bitmap position in *bit.  Two passes
    // (check, then write) start from the same state.
    std::uint64_t prev = 0, last_bit = 0;
    Line line(first_, last_, span_, keep);
    auto start = [&] {
        if (mode_ == LaneMode::Monotone) {
            prev = get(keep - 1) >> shift_;
            last_bit = kept_bits - 1;
        }
        line = Line(first_, last_, span_, keep);
    };
    start();
    auto part = [&](std::uint32_t j, std::uint64_t* r, std::uint64_t* bit) {
        const std::uint64_t x = values[std::size_t{j} * stride];
        if ((x & zero_bits) != 0) return false;
        const std::uint64_t v = x >> shift_;
        if (mode_ == LaneMode::Monotone) {
            // Ascending and at or above the base, with each bit after the
            // last one and the bitmap's length within 32 bits: checked
            // as such because a damaged base (which parse() cannot tell)
            // or a bits = 0 lane's huge gap must not wrap a position
            // back into the bitmap.
            if (v < prev || v < rmin_) return false;
            prev = v;
            const std::uint64_t d = v - rmin_;
            const std::uint64_t high = d >> bits_;
            if (high >= 0xFFFFFFFFu - (std::uint64_t{keep} + j)) return false;
            *r = d & mask_;
            *bit = high + keep + j;
            if (*bit <= last_bit) return false;
            last_bit = *bit;
            return true;
        }
        *r = v - rmin_;
        if (mode_ == LaneMode::Linear) {
            *r -= line.value();
            line.next();
        }
        return full_width || *r <= mask_;
    };
    std::uint64_t r = 0, bit = 0;
    for (std::uint32_t j = 0; j < m; ++j)
        if (!part(j, &r, &bit)) return 0;
    const std::size_t header = header_bytes(LaneFormat::V2, static_cast<std::uint8_t>(mode_));
    const std::uint64_t old_words = packed_words(keep, bits_), new_words = packed_words(total, bits_);
    const std::uint32_t upper_bits =
        mode_ != LaneMode::Monotone ? upper_bits_ : static_cast<std::uint32_t>(m > 0 ? bit + 1 : kept_bits);
    const std::uint64_t upper_words = (std::uint64_t{upper_bits} + 63) / 64;
    const std::uint64_t bytes = header + (new_words + upper_words) * 8;
    if (bytes > room) return 0;

    std::memcpy(out, data_, header);
    if (mode_ == LaneMode::Monotone) std::memcpy(out + 12, &upper_bits, 4);
    std::uint8_t* words = out + header;
    if (old_words > 0) std::memcpy(words, words_, old_words * 8);
    std::uint8_t* upper = words + new_words * 8;
    if (mode_ == LaneMode::Monotone) {
        // The bitmap up to the last kept value's bit, and nothing after it
        // (past the end, a view that skipped the bitmap check has not
        // looked).
        const std::uint64_t kept_words = (kept_bits + 63) / 64;
        std::memcpy(upper, upper_, kept_words * 8);
        std::memset(upper + kept_words * 8, 0, (upper_words - kept_words) * 8);
        const unsigned end = kept_bits & 63;
        if (end != 0) {
            std::uint8_t* w = upper + (kept_words - 1) * 8;
            store64(w, load64(w) & ((std::uint64_t{1} << end) - 1));
        }
    }
    // The new values after the kept packed ones (pack keeps those, clears
    // the padding after them), and their bits in the bitmap.
    start();
    pack(words, keep, m, bits_, [&](std::uint32_t j) {
        part(j, &r, &bit);
        if (mode_ == LaneMode::Monotone) set_bit(upper, bit);
        return r;
    });
    return static_cast<std::size_t>(bytes);
}

std::uint64_t LaneView::get(std::uint32_t i) const {
    // A 0-bit lane reads kZeroWord (words_, last_word_ 0) and masks it off.
    const std::uint64_t r = extract(words_, last_word_, i, bits_, mask_);
    if (mode_ == LaneMode::Monotone)
        return (rmin_ + ((select(i) - i) << bits_ | r)) << shift_;
    std::uint64_t v = r + rmin_;
    if (mode_ == LaneMode::Linear)  // step_rem_ * i < span * n < 2^64
        v += first_ + step_ * i + step_rem_ * i / span_;
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
    if (mode_ == LaneMode::Monotone) {
        // The bitmap's set bits from value `from`'s on, one per value.
        const std::uint64_t start = select(from);
        std::size_t k = static_cast<std::size_t>(start >> 6);
        std::uint64_t w = load64(upper_ + k * 8) & (~std::uint64_t{0} << (start & 63));
        for (std::uint32_t i = from; i < to; ++i, out += stride) {
            while (w == 0 && k + 1 < upper_words_)
                w = load64(upper_ + ++k * 8);
            const std::uint64_t bit = k * 64 + static_cast<unsigned>(__builtin_ctzll(w | (w == 0)));
            w &= w - 1;
            *out = (rmin + ((bit - i) << bits | extract(words, last_word, i, bits, mask))) << shift;
        }
    } else if (mode_ == LaneMode::Linear) {
        // One pass: the line's carry chain overlaps the unpacking.
        Line line(first_ + rmin, last_ + rmin, span_, from);  // same rise, rmin included
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
