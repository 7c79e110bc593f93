// learn_core_test.cpp — ixlearn's core: lane round trips and damaged lanes
// (exact-size buffers, so the sanitizer build reports any read past them),
// and the PLA's ±epsilon bound on adversarial key sequences.
#include "core/learn/bit_count.hpp"
#include "core/learn/lane.hpp"
#include "core/learn/pla.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

using namespace ixcore::learn;

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

// ---------------------------------------------------------------------------
// Lanes
// ---------------------------------------------------------------------------

// Encodes values into a buffer of exactly lane_bytes, checks every way of
// reading them back, and returns the parsed view (valid while buf lives).
// Format 1 unless told: the tests that count bytes count its 32-byte header.
LaneView round_trip(const std::vector<std::uint64_t>& values, std::vector<std::uint8_t>& buf,
                    LaneFormat format = LaneFormat::V1) {
    const auto n = static_cast<std::uint32_t>(values.size());
    const std::size_t bytes = lane_bytes(values.data(), n, format);
    // A guard zone after the lane shows writes past lane_bytes in any build.
    std::vector<std::uint8_t> out(bytes + 16, 0xA5);
    EXPECT_EQ(lane_encode(values.data(), n, format, out.data()), bytes);
    for (std::size_t i = bytes; i < out.size(); ++i)
        EXPECT_EQ(out[i], 0xA5) << "written past the lane at " << i;
    buf.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(bytes));
    LaneView v;
    EXPECT_TRUE(v.parse(buf.data(), buf.size(), n, format));
    EXPECT_EQ(v.bytes(), bytes);
    EXPECT_EQ(v.size(), n);
    if (format == LaneFormat::V1) {
        EXPECT_EQ(bytes, kLaneHeaderBytes + (std::uint64_t{n} * v.bits() + 63) / 64 * 8);
    }
    for (std::uint32_t i = 0; i < n; ++i)
        if (v.get(i) != values[i]) {
            ADD_FAILURE() << "get(" << i << ") = " << v.get(i) << ", want " << values[i];
            break;
        }
    std::vector<std::uint64_t> decoded(n);
    v.decode_range(0, n, decoded.data(), 1);
    EXPECT_EQ(decoded, values);
    // Ranges that start and end anywhere, written with a stride, read what
    // get() reads (a Linear lane starts its line mid-way).
    for (std::uint32_t from : {0u, 1u, n / 3, n / 2, n > 0 ? n - 1 : 0}) {
        for (std::uint32_t to : {from, from + 1, (from + n) / 2 + 1, n}) {
            if (from > n || to > n || to < from) continue;
            std::vector<std::uint64_t> strided(std::size_t{to - from} * 3 + 1, 0x5A5A);
            v.decode_range(from, to, strided.data(), 3);
            for (std::uint32_t i = from; i < to; ++i)
                if (strided[std::size_t{i - from} * 3] != values[i]) {
                    ADD_FAILURE() << "decode_range(" << from << ", " << to << ") at " << i;
                    break;
                }
            EXPECT_EQ(strided.back(), 0x5A5Au) << "decode_range wrote past its range";
        }
    }
    return v;
}

TEST(LearnLane, Empty) {
    std::vector<std::uint8_t> buf;
    const LaneView v = round_trip({}, buf);
    EXPECT_EQ(v.bytes(), kLaneHeaderBytes);
    EXPECT_FALSE((v.mode() == LaneMode::Linear));
}

TEST(LearnLane, OneValue) {
    for (std::uint64_t x : {std::uint64_t{0}, std::uint64_t{42}, kMax}) {
        std::vector<std::uint8_t> buf;
        const LaneView v = round_trip({x}, buf);
        EXPECT_EQ(v.bytes(), kLaneHeaderBytes);
        EXPECT_FALSE((v.mode() == LaneMode::Linear));
        EXPECT_EQ(v.bits(), 0);
    }
}

TEST(LearnLane, SequentialIsLinearWithZeroBits) {
    for (std::uint32_t n : {2u, 3u, 64u, 1000u, 100000u}) {
        std::vector<std::uint64_t> values(n);
        for (std::uint32_t i = 0; i < n; ++i)
            values[i] = 1 + i;
        std::vector<std::uint8_t> buf;
        const LaneView v = round_trip(values, buf);
        EXPECT_TRUE((v.mode() == LaneMode::Linear)) << n;
        EXPECT_EQ(v.bits(), 0) << n;
        EXPECT_EQ(v.bytes(), kLaneHeaderBytes) << n;
    }
}

TEST(LearnLane, EvenlySpreadValuesCostZeroBits) {
    // The line through first and last, with floor rounding, is exact here.
    std::vector<std::uint64_t> values(1001);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = kMax / 1000 * i + 7;
    std::vector<std::uint8_t> buf;
    const LaneView v = round_trip(values, buf);
    EXPECT_TRUE((v.mode() == LaneMode::Linear));
    EXPECT_EQ(v.bits(), 0);
}

TEST(LearnLane, LinearResidualsArePacked) {
    // 1000 * i plus 0 or 1: the line (n odd) is 1000 * i, residuals 1 bit.
    std::vector<std::uint64_t> values(999);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = 1000 * i + i % 2;
    std::vector<std::uint8_t> buf;
    const LaneView v = round_trip(values, buf);
    EXPECT_TRUE((v.mode() == LaneMode::Linear));
    EXPECT_EQ(v.bits(), 1);
    EXPECT_EQ(v.bytes(), kLaneHeaderBytes + (999 + 63) / 64 * 8);
}

TEST(LearnLane, ConstantIsOffsetWithZeroBits) {
    // Both codings take 0 bits: ties go to Offset.
    std::vector<std::uint8_t> buf;
    const LaneView v = round_trip(std::vector<std::uint64_t>(5000, 123456789), buf);
    EXPECT_FALSE((v.mode() == LaneMode::Linear));
    EXPECT_EQ(v.bits(), 0);
    EXPECT_EQ(v.bytes(), kLaneHeaderBytes);
}

TEST(LearnLane, RandomFullRangeTakes64Bits) {
    std::mt19937_64 rng(1);
    std::vector<std::uint64_t> values(3001);
    for (auto& x : values)
        x = rng();
    values[17] = 0;
    values[18] = kMax;
    std::vector<std::uint8_t> buf;
    const LaneView v = round_trip(values, buf);
    EXPECT_EQ(v.bits(), 64);
    EXPECT_EQ(v.bytes(), kLaneHeaderBytes + 8 * values.size());
}

TEST(LearnLane, SortedWithGapsIsLinearAndSmaller) {
    std::mt19937_64 rng(2);
    std::vector<std::uint64_t> values(4000);
    std::uint64_t k = 1ull << 40;
    for (auto& x : values)
        x = k += 1 + rng() % 1000;
    std::vector<std::uint8_t> buf;
    const LaneView v = round_trip(values, buf);
    EXPECT_TRUE((v.mode() == LaneMode::Linear));
    EXPECT_LT(v.bits(), 20);  // Offset would take 21 (a range of ~2e6)
}

TEST(LearnLane, DescendingIsOffset) {
    std::vector<std::uint64_t> values(777);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = 1000000 - 3 * i;
    std::vector<std::uint8_t> buf;
    const LaneView v = round_trip(values, buf);
    EXPECT_FALSE((v.mode() == LaneMode::Linear));
    EXPECT_EQ(v.bits(), 12);  // range 2328
}

TEST(LearnLane, Extremes) {
    const std::vector<std::vector<std::uint64_t>> cases = {
        {0, kMax},                            // Linear, 0 bits
        {kMax, 0},                            // descending: Offset, 64 bits
        {0, kMax, 0, kMax, 0},                // flat line, 64 bits: tie, Offset
        {0, 0, 0, kMax},                      // residual below INT64_MIN: Offset
        {0, 1, 2, kMax - 1, kMax},            // residuals near ±2^63
        {kMax, kMax, kMax},                   // constant at the top
        {kMax - 5, kMax - 3, kMax},           // line near the top
        {1ull << 63, (1ull << 63) - 1, 0, kMax, 1ull << 63},
    };
    for (const auto& values : cases) {
        std::vector<std::uint8_t> buf;
        round_trip(values, buf);
    }
    std::vector<std::uint8_t> buf;
    EXPECT_TRUE((round_trip({0, kMax}, buf).mode() == LaneMode::Linear));
    EXPECT_EQ(round_trip({0, kMax}, buf).bits(), 0);
    EXPECT_FALSE((round_trip({0, 0, 0, kMax}, buf).mode() == LaneMode::Linear));
    EXPECT_EQ(round_trip({kMax, 0}, buf).bits(), 64);
}

TEST(LearnLane, RandomSizesAndWidths) {
    std::mt19937_64 rng(3);
    for (int trial = 0; trial < 400; ++trial) {
        const std::uint32_t n = static_cast<std::uint32_t>(rng() % (trial < 100 ? 70 : 3000));
        const unsigned width = static_cast<unsigned>(rng() % 65);
        const std::uint64_t mask = width == 64 ? kMax : (std::uint64_t{1} << width) - 1;
        const std::uint64_t base = rng();
        std::vector<std::uint64_t> values(n);
        for (auto& x : values)
            x = base + (rng() & mask);  // may wrap: then the range is wide
        const int shape = static_cast<int>(rng() % 3);
        if (shape == 1)
            std::sort(values.begin(), values.end());
        else if (shape == 2)
            std::sort(values.rbegin(), values.rend());
        std::vector<std::uint8_t> buf;
        const LaneView v = round_trip(values, buf);
        const std::uint64_t lo = n ? *std::min_element(values.begin(), values.end()) : 0;
        const std::uint64_t hi = n ? *std::max_element(values.begin(), values.end()) : 0;
        if (hi - lo <= mask) {  // Offset fits in width bits, so the lane does
            EXPECT_LE(v.bits(), width) << "trial " << trial;
        }
        if (HasFailure())
            return;
    }
}

TEST(LearnLane, ReadsUnalignedBytes) {
    std::vector<std::uint64_t> values(300);
    std::mt19937_64 rng(4);
    for (auto& x : values)
        x = rng() >> 20;
    const std::size_t bytes = lane_bytes(values.data(), 300, LaneFormat::V1);
    for (std::size_t shift = 1; shift < 8; ++shift) {
        std::vector<std::uint8_t> buf(bytes + shift);
        ASSERT_EQ(lane_encode(values.data(), 300, LaneFormat::V1, buf.data() + shift), bytes);
        LaneView v;
        ASSERT_TRUE(v.parse(buf.data() + shift, bytes, 300, LaneFormat::V1));
        for (std::uint32_t i = 0; i < 300; ++i)
            ASSERT_EQ(v.get(i), values[i]);
        std::vector<std::uint64_t> decoded(300);
        v.decode_range(0, 300, decoded.data(), 1);
        EXPECT_EQ(decoded, values);
    }
}

// ---------------------------------------------------------------------------
// Damaged lanes
// ---------------------------------------------------------------------------

std::vector<std::uint8_t> encoded(const std::vector<std::uint64_t>& values, LaneFormat format = LaneFormat::V1) {
    const auto n = static_cast<std::uint32_t>(values.size());
    std::vector<std::uint8_t> buf(lane_bytes(values.data(), n, format));
    lane_encode(values.data(), n, format, buf.data());
    return buf;
}

// A format 1 lane's stored n (what a leaf header would say).
std::uint32_t stored_n(const std::vector<std::uint8_t>& lane) {
    std::uint32_t n = 0;
    if (lane.size() >= 8) std::memcpy(&n, &lane[4], 4);
    return n;
}

// Reads every value of a parsed view (a sanitizer reports a stray read).
void read_all(const LaneView& v) {
    std::uint64_t sum = 0;
    if (v.size() <= (1u << 16)) {
        std::vector<std::uint64_t> out(v.size());
        v.decode_range(0, v.size(), out.data(), 1);
        for (std::uint32_t i = 0; i < v.size(); ++i) {
            sum += v.get(i);
            EXPECT_EQ(v.get(i), out[i]) << "get and decode_range disagree at " << i;
        }
        // A range from the middle (a Linear lane's line starts mid-way).
        const std::uint32_t mid = v.size() / 2;
        std::vector<std::uint64_t> half(v.size() - mid);
        v.decode_range(mid, v.size(), half.data(), 1);
        for (std::uint32_t i = mid; i < v.size(); ++i)
            EXPECT_EQ(v.get(i), half[i - mid]) << "get and decode_range from the middle disagree at " << i;
    } else {
        // Too many to decode: the ends and a stride between.
        for (std::uint64_t i = 0; i < v.size(); i += v.size() / 1000)
            sum += v.get(static_cast<std::uint32_t>(i));
        sum += v.get(v.size() - 1);
    }
    // A search of values that may be out of order ends inside its range.
    for (std::uint64_t x : {std::uint64_t{0}, sum, kMax}) {
        const std::uint32_t mid = v.size() / 2;
        const std::uint32_t i = v.lower_bound(x, x == sum, mid / 2, mid + 1 <= v.size() ? mid + 1 : v.size());
        EXPECT_GE(i, mid / 2);
        EXPECT_LE(i, v.size());
    }
    volatile std::uint64_t sink = sum;
    (void)sink;
}

std::vector<std::vector<std::uint64_t>> sample_lanes() {
    std::mt19937_64 rng(5);
    std::vector<std::uint64_t> seq(200), gaps(300), wide(150), small(40);
    for (std::size_t i = 0; i < seq.size(); ++i)
        seq[i] = 5 + i;
    std::uint64_t k = 0;
    for (auto& x : gaps)
        x = k += rng() % 5000;
    for (auto& x : wide)
        x = rng();
    for (auto& x : small)
        x = rng() % 7;
    return {seq, gaps, wide, small, {}};
}

TEST(LearnLaneDamaged, EveryTruncationIsRejected) {
    for (const auto& values : sample_lanes()) {
        const std::vector<std::uint8_t> full = encoded(values);
        for (std::size_t avail = 0; avail < full.size(); ++avail) {
            // Exactly avail bytes on the heap: a read past them is reported.
            std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(avail));
            LaneView v;
            EXPECT_FALSE(v.parse(avail ? cut.data() : nullptr, avail, static_cast<std::uint32_t>(values.size()),
                                 LaneFormat::V1))
                << "avail " << avail;
            EXPECT_EQ(v.size(), 0u);
        }
        // More bytes than the lane is fine: the lane knows its length.
        std::vector<std::uint8_t> more = full;
        more.resize(full.size() + 24, 0xFF);
        LaneView v;
        ASSERT_TRUE(v.parse(more.data(), more.size(), static_cast<std::uint32_t>(values.size()), LaneFormat::V1));
        EXPECT_EQ(v.bytes(), full.size());
    }
}

TEST(LearnLaneDamaged, InvalidHeadersAreRejected) {
    std::vector<std::uint64_t> values(100);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = i * i;  // convex: Linear with residuals
    const std::vector<std::uint8_t> good = encoded(values);
    ASSERT_EQ(good[0], 1);  // Linear
    LaneView v;
    ASSERT_TRUE(v.parse(good.data(), good.size(), 100, LaneFormat::V1));
    auto rejects = [&](std::size_t at, std::uint8_t byte) {
        std::vector<std::uint8_t> bad = good;
        bad[at] = byte;
        LaneView w;
        return !w.parse(bad.data(), bad.size(), stored_n(bad), LaneFormat::V1) && w.size() == 0;
    };
    EXPECT_TRUE(rejects(0, 2));     // mode: no Monotone in format 1
    EXPECT_TRUE(rejects(0, 0xFF));  // mode
    EXPECT_TRUE(rejects(1, 65));    // bits
    EXPECT_TRUE(rejects(2, 64));    // shift
    EXPECT_TRUE(rejects(3, 0x80));  // reserved
    EXPECT_TRUE(rejects(7, 1));     // n: packed words beyond the buffer
    EXPECT_TRUE(rejects(15, 0xFF)); // Linear with first > last
    // Offset lanes store no line.
    const std::vector<std::uint8_t> offset = encoded({9, 3, 7});
    ASSERT_EQ(offset[0], 0);
    for (std::size_t at = 8; at < 24; ++at) {
        std::vector<std::uint8_t> bad = offset;
        bad[at] = 1;
        EXPECT_FALSE(v.parse(bad.data(), bad.size(), 3, LaneFormat::V1)) << at;
    }
    // The stored n must be the one the leaf says.
    EXPECT_FALSE(v.parse(good.data(), good.size(), 99, LaneFormat::V1));
    // A Linear lane needs two values.
    std::vector<std::uint8_t> one = encoded({9});
    one[0] = 1;
    EXPECT_FALSE(v.parse(one.data(), one.size(), 1, LaneFormat::V1));
    // A lane of n 0-bit values needs no words, however large n is.
    std::vector<std::uint8_t> huge = encoded(std::vector<std::uint64_t>(10, 77));
    huge[4] = huge[5] = huge[6] = huge[7] = 0xFF;
    ASSERT_TRUE(v.parse(huge.data(), huge.size(), stored_n(huge), LaneFormat::V1));
    EXPECT_EQ(v.size(), kMax >> 32);
    EXPECT_EQ(v.get(v.size() - 1), 77u);
}

TEST(LearnLaneDamaged, HeaderBitFlipsStayInBounds) {
    int accepted = 0;
    for (const auto& values : sample_lanes()) {
        const std::vector<std::uint8_t> good = encoded(values);
        for (std::size_t bit = 0; bit < kLaneHeaderBytes * 8; ++bit) {
            std::vector<std::uint8_t> bad = good;
            bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
            LaneView v;
            if (!v.parse(bad.data(), bad.size(), stored_n(bad), LaneFormat::V1))
                continue;
            ++accepted;
            EXPECT_LE(v.bytes(), bad.size());
            read_all(v);
        }
    }
    // rmin flips always parse, and some n / bits flips shrink the lane.
    EXPECT_GT(accepted, 5 * 64);
}

TEST(LearnLaneDamaged, RandomBuffersStayInBounds) {
    std::mt19937_64 rng(6);
    int accepted = 0;
    for (int trial = 0; trial < 20000; ++trial) {
        std::vector<std::uint8_t> buf(rng() % 600);
        for (auto& b : buf)
            b = static_cast<std::uint8_t>(rng());
        if (buf.size() >= kLaneHeaderBytes && trial % 4 != 0) {
            // Mostly plausible headers, so that the readers get exercised.
            buf[0] = static_cast<std::uint8_t>(rng() % 2);
            buf[1] = static_cast<std::uint8_t>(rng() % 65);
            buf[2] = buf[3] = 0;
            const std::uint32_t n = static_cast<std::uint32_t>(trial % 8 == 1 ? rng() : rng() % 300);
            std::memcpy(&buf[4], &n, 4);
            if (buf[0] == 0)
                std::memset(&buf[8], 0, 16);
            else if (trial % 3 == 0)
                std::memset(&buf[8], 0xFF, 8);  // first = max: last must be max too
        }
        LaneView v;
        if (!v.parse(buf.empty() ? nullptr : buf.data(), buf.size(), stored_n(buf), LaneFormat::V1))
            continue;
        ++accepted;
        ASSERT_LE(v.bytes(), buf.size());
        read_all(v);
    }
    EXPECT_GT(accepted, 1000);
}

// ---------------------------------------------------------------------------
// Format 2 lanes: shorter headers, and Monotone (Elias–Fano) coding
// ---------------------------------------------------------------------------

// n ascending values from start with random gaps below 2^gap_bits (0: repeats).
std::vector<std::uint64_t> ascending(std::mt19937_64& rng, std::uint32_t n, unsigned gap_bits, std::uint64_t start) {
    std::vector<std::uint64_t> v(n);
    std::uint64_t k = start;
    for (auto& x : v) {
        x = k;
        if (gap_bits > 0) k += rng() & (gap_bits == 64 ? kMax : (std::uint64_t{1} << gap_bits) - 1);
    }
    return v;
}

TEST(LearnLaneV2, NeverLargerThanFormat1) {
    std::mt19937_64 rng(7);
    int monotone = 0;
    for (int trial = 0; trial < 600; ++trial) {
        const std::uint32_t n = static_cast<std::uint32_t>(rng() % (trial < 100 ? 70 : 3000));
        std::vector<std::uint64_t> values;
        switch (trial % 4) {
            case 0: {  // any values of some width
                const unsigned width = static_cast<unsigned>(rng() % 65);
                const std::uint64_t mask = width == 64 ? kMax : (std::uint64_t{1} << width) - 1;
                const std::uint64_t base = rng();
                values.resize(n);
                for (auto& x : values) x = base + (rng() & mask);
                break;
            }
            case 1:  // ascending with random gaps, from anywhere
                values = ascending(rng, n, static_cast<unsigned>(rng() % 58), rng() >> (rng() % 64));
                break;
            case 2: {  // ascending with runs of repeats and shifted values
                values = ascending(rng, n, static_cast<unsigned>(rng() % 20), rng() % 1000);
                const unsigned shift = static_cast<unsigned>(rng() % 30);
                for (auto& x : values) x = (x / 3) << shift;
                break;
            }
            default: {  // ascending to the very top
                values = ascending(rng, n, static_cast<unsigned>(rng() % 40), 0);
                const std::uint64_t top = n ? values.back() : 0;
                for (auto& x : values) x = kMax - (top - x);
                break;
            }
        }
        std::vector<std::uint8_t> buf;
        const LaneView v = round_trip(values, buf, LaneFormat::V2);
        EXPECT_LE(v.bytes(), lane_bytes(values.data(), n, LaneFormat::V1)) << "trial " << trial;
        monotone += v.mode() == LaneMode::Monotone;
        if (HasFailure()) return;
    }
    EXPECT_GT(monotone, 100);  // most ascending lanes with random gaps
}

TEST(LearnLaneV2, HeaderSizes) {
    std::vector<std::uint8_t> buf;
    EXPECT_EQ(round_trip({}, buf, LaneFormat::V2).bytes(), 12u);             // Offset
    EXPECT_EQ(round_trip({7, 7, 7}, buf, LaneFormat::V2).bytes(), 12u);      // Offset, 0 bits
    std::vector<std::uint64_t> seq(100);
    for (std::uint32_t i = 0; i < 100; ++i) seq[i] = 1 + i;
    EXPECT_EQ(round_trip(seq, buf, LaneFormat::V2).bytes(), 32u);            // Linear, 0 bits (with its span)
    const LaneView v = round_trip({9, 3, 7}, buf, LaneFormat::V2);            // Offset, 3 bits
    EXPECT_EQ(v.mode(), LaneMode::Offset);
    EXPECT_EQ(v.bytes(), 12u + 8);
}

// Appends the values after the first n to a lane coded from those n, into
// a buffer with a guard zone; returns the bytes (0: refused).  An accepted
// lane must parse with all the values, read every one back, keep the
// coding, and write nothing past its size.
// With keep < n, the lane is coded from `coded` (n values, the first keep
// of them values'), keeps keep and takes values[keep..] after them.
std::size_t append_and_check(const std::vector<std::uint64_t>& values, std::uint32_t n, std::size_t room = 1 << 20,
                             std::uint32_t keep = 0, const std::vector<std::uint64_t>* coded = nullptr) {
    if (keep == 0) keep = n;
    std::vector<std::uint8_t> buf;
    const LaneView v = round_trip(coded != nullptr ? *coded : std::vector<std::uint64_t>(values.begin(), values.begin() + n),
                                  buf, LaneFormat::V2);
    const auto total = static_cast<std::uint32_t>(values.size());
    const std::uint32_t m = total - keep;
    std::vector<std::uint8_t> out(std::min<std::size_t>(room, 64 + std::size_t{total} * 24) + 16, 0xA5);
    const std::size_t bytes = v.append(values.data() + keep, 1, m, keep, out.data(), std::min(room, out.size() - 16));
    for (std::size_t i = bytes; i < out.size(); ++i)
        if (out[i] != 0xA5 && bytes != 0) {
            ADD_FAILURE() << "append wrote past its size at " << i;
            break;
        }
    if (bytes == 0) return 0;
    LaneView w;
    EXPECT_TRUE(w.parse(out.data(), bytes, total, LaneFormat::V2));
    EXPECT_EQ(w.bytes(), bytes);
    EXPECT_EQ(w.mode(), v.mode());
    EXPECT_EQ(w.bits(), v.bits());
    std::vector<std::uint64_t> decoded(total);
    w.decode_range(0, total, decoded.data(), 1);
    EXPECT_EQ(decoded, values);
    for (std::uint32_t i = 0; i < total; ++i)
        if (w.get(i) != values[i]) {
            ADD_FAILURE() << "get(" << i << ") = " << w.get(i) << ", want " << values[i];
            break;
        }
    return bytes;
}

// Append coding takes values that continue what a lane holds, in each
// coding, and reads them all back; a fresh coding of all of them is never
// much smaller than the appended lane when the values follow one pattern.
TEST(LearnLaneV2, AppendContinuesEachCoding) {
    std::mt19937_64 rng(41);
    int appended[3] = {}, refused = 0, kept_fewer = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        const auto n = static_cast<std::uint32_t>(2 + rng() % 300);
        const auto m = static_cast<std::uint32_t>(1 + rng() % 70);
        std::vector<std::uint64_t> values(n + m);
        const unsigned shift = rng() % 4 == 0 ? static_cast<unsigned>(rng() % 20) : 0;
        const std::uint64_t start = rng() >> (rng() % 64);
        switch (iter % 5) {
            case 0:  // keys in order: a line, small jitter or none
            case 1: {
                const std::uint64_t step = 1 + rng() % 1000, jitter = iter % 5 == 0 ? 1 : 1 + rng() % step;
                for (std::uint32_t i = 0; i < n + m; ++i) values[i] = start + i * step + rng() % jitter;
                break;
            }
            case 2:  // a small range (heap offsets, ranks)
                for (auto& x : values) x = start + rng() % (1 + rng() % 300);
                break;
            case 3:  // ascending with random gaps
                values[0] = start;
                for (std::uint32_t i = 1; i < n + m; ++i) values[i] = values[i - 1] + rng() % (std::uint64_t{1} << (rng() % 40));
                break;
            default:  // anything
                for (auto& x : values) x = rng();
                break;
        }
        for (auto& x : values) x <<= shift;
        std::vector<std::uint8_t> buf;
        const LaneView v = round_trip(std::vector<std::uint64_t>(values.begin(), values.begin() + n), buf, LaneFormat::V2);
        const std::size_t bytes = append_and_check(values, n);
        if (bytes == 0) {
            ++refused;
        } else {
            ++appended[static_cast<int>(v.mode())];
        }
        // The same lane keeping fewer values: its last ones (here other
        // values, coded before) come off, and values[keep..] go after.
        const std::uint32_t keep = 1 + static_cast<std::uint32_t>(rng() % n);
        std::vector<std::uint64_t> coded(values.begin(), values.begin() + n);
        for (std::uint32_t i = keep; i < n; ++i) coded[i] = iter % 2 == 0 ? coded[i] : coded[i] + (coded[i] >> 8 << shift);
        if (append_and_check(values, n, 1 << 20, keep, &coded) > 0) ++kept_fewer;
        if (HasFailure()) return;
    }
    EXPECT_GT(kept_fewer, 300);
    EXPECT_GT(appended[0], 100);  // Offset
    EXPECT_GT(appended[1], 100);  // Linear
    EXPECT_GT(appended[2], 50);   // Monotone
    EXPECT_GT(refused, 300);
}

// What a lane's coding cannot hold is refused, and nothing is written.
TEST(LearnLaneV2, AppendRefusesWhatTheCodingCannotHold) {
    // Offset, rmin 10, 2 bits.
    EXPECT_GT(append_and_check({10, 12, 11, 13}, 3), 0u);
    EXPECT_EQ(append_and_check({10, 12, 11, 14}, 3), 0u);
    EXPECT_EQ(append_and_check({10, 12, 11, 9}, 3), 0u);
    // Shift 3: a value without the zero bits the lane drops.
    EXPECT_GT(append_and_check({8, 16, 24, 32}, 3), 0u);
    EXPECT_EQ(append_and_check({8, 16, 24, 28}, 3), 0u);
    // Linear 1..100, 0 bits: 101 is on the line, 103 is not.
    std::vector<std::uint64_t> seq(101);
    for (std::uint32_t i = 0; i < 101; ++i) seq[i] = 1 + i;
    EXPECT_GT(append_and_check(seq, 100), 0u);
    seq[100] = 103;
    EXPECT_EQ(append_and_check(seq, 100), 0u);
    // Monotone: a value below the last one.
    std::mt19937_64 rng(5);
    std::vector<std::uint64_t> up = ascending(rng, 400, 30, 1000);
    std::vector<std::uint8_t> buf;
    ASSERT_EQ(round_trip(std::vector<std::uint64_t>(up.begin(), up.end() - 1), buf, LaneFormat::V2).mode(),
              LaneMode::Monotone);
    EXPECT_GT(append_and_check(up, 399), 0u);
    up.back() = up[397];
    EXPECT_EQ(append_and_check(up, 399), 0u);
    // Too little room.
    seq[100] = 101;
    EXPECT_EQ(append_and_check(seq, 100, 20), 0u);
    // A format 1 lane is never appended to.
    const LaneView v1 = round_trip({1, 2, 3}, buf, LaneFormat::V1);
    std::uint8_t out[64];
    const std::uint64_t more = 4;
    EXPECT_EQ(v1.append(&more, 1, 1, 3, out, sizeof out), 0u);
}

// A Monotone lane's new bitmap positions come after its last one and
// stay within 32 bits, whatever the value: a huge gap in a 0-bit lane, or
// a damaged base (which parse() cannot tell), never wraps a position back
// into the bitmap (that would shrink it under the bits being copied).
TEST(LearnLaneV2, AppendNeverWrapsABitmapPosition) {
    std::mt19937_64 rng(12);
    std::vector<std::uint64_t> small;
    for (std::uint64_t x = 0; x < 1500; ++x)
        if (rng() % 3 != 0) small.push_back(x);
    const auto n = static_cast<std::uint32_t>(small.size());
    std::vector<std::uint8_t> buf;
    const LaneView v = round_trip(small, buf, LaneFormat::V2);
    ASSERT_EQ(v.mode(), LaneMode::Monotone);
    ASSERT_EQ(v.bits(), 0);
    std::vector<std::uint64_t> more = small;
    more.push_back(kMax);
    EXPECT_EQ(append_and_check(more, n), 0u);
    more.back() = 1600;
    EXPECT_GT(append_and_check(more, n), 0u);

    for (const std::uint64_t base : {kMax, kMax - 10, kMax - 2000, std::uint64_t{1} << 63, std::uint64_t{1} << 40}) {
        std::vector<std::uint8_t> damaged = buf;
        std::memcpy(damaged.data() + 4, &base, 8);
        LaneView d;
        ASSERT_TRUE(d.parse(damaged.data(), damaged.size(), n, LaneFormat::V2));
        for (const std::uint64_t x : {std::uint64_t{0}, std::uint64_t{5}, std::uint64_t{1} << 40, kMax - 1, kMax}) {
            std::vector<std::uint8_t> out(damaged.size() + 64 + 16, 0xA5);
            const std::size_t bytes = d.append(&x, 1, 1, n, out.data(), out.size() - 16);
            for (std::size_t k = out.size() - 16; k < out.size(); ++k) ASSERT_EQ(out[k], 0xA5) << "written past room";
            if (bytes == 0) continue;
            LaneView w;
            EXPECT_TRUE(w.parse(out.data(), bytes, n + 1, LaneFormat::V2)) << base << " " << x;
        }
    }
}

// Bits past the last packed value are padding nobody checks: an append
// clears them before it packs there.
TEST(LearnLaneV2, AppendIgnoresPaddingBits) {
    const std::vector<std::uint64_t> values{100, 105, 101, 107, 102};  // Offset, 3 bits
    std::vector<std::uint8_t> buf;
    LaneView v = round_trip(std::vector<std::uint64_t>(values.begin(), values.begin() + 3), buf, LaneFormat::V2);
    ASSERT_EQ(v.mode(), LaneMode::Offset);
    ASSERT_EQ(v.bits(), 3);
    buf[12 + 7] = 0xFF;  // the packed word's high byte: padding after 9 bits
    ASSERT_TRUE(v.parse(buf.data(), buf.size(), 3, LaneFormat::V2));
    std::vector<std::uint8_t> out(64);
    const std::size_t bytes = v.append(values.data() + 3, 1, 2, 3, out.data(), out.size());
    ASSERT_GT(bytes, 0u);
    LaneView w;
    ASSERT_TRUE(w.parse(out.data(), bytes, 5, LaneFormat::V2));
    for (std::uint32_t i = 0; i < 5; ++i) EXPECT_EQ(w.get(i), values[i]) << i;
}

// A Linear lane's span: 1 .. n - 1 parse (appended lanes have less than
// n - 1), 0 and n do not.
TEST(LearnLaneV2, LinearSpanIsChecked) {
    std::vector<std::uint64_t> seq(50);
    for (std::uint32_t i = 0; i < 50; ++i) seq[i] = 7 * i;
    std::vector<std::uint8_t> buf;
    ASSERT_EQ(round_trip(seq, buf, LaneFormat::V2).mode(), LaneMode::Linear);
    auto with_span = [&](std::uint32_t span) {
        std::vector<std::uint8_t> b = buf;
        std::memcpy(b.data() + 28, &span, 4);
        LaneView v;
        return v.parse(b.data(), b.size(), 50, LaneFormat::V2);
    };
    EXPECT_TRUE(with_span(49));
    EXPECT_TRUE(with_span(1));
    EXPECT_FALSE(with_span(0));
    EXPECT_FALSE(with_span(50));
    EXPECT_FALSE(with_span(0xFFFFFFFFu));
}

TEST(LearnLaneV2, RandomGapsAreMonotoneAndSmaller) {
    // A leaf's worth of uuid hi words, of uniform int8 keys, of timestamps
    // with jitter: ascending with random gaps, where a line's residuals
    // grow with the square root of n and Elias–Fano's do not.
    std::mt19937_64 rng(8);
    for (const auto& [n, gap_bits] : {std::pair<std::uint32_t, unsigned>{424, 46}, {700, 26}, {2000, 12}}) {
        const std::vector<std::uint64_t> values = ascending(rng, n, gap_bits, rng() >> 8);
        std::vector<std::uint8_t> buf;
        const LaneView v = round_trip(values, buf, LaneFormat::V2);
        EXPECT_EQ(v.mode(), LaneMode::Monotone) << n;
        const std::size_t v1 = lane_bytes(values.data(), n, LaneFormat::V1);
        // Elias–Fano: about log2(average gap) + 2 bits a value.
        EXPECT_LE(8.0 * static_cast<double>(v.bytes() - 16) / n, gap_bits + 1.5) << n;
        EXPECT_LT(v.bytes(), v1) << n;
    }
}

TEST(LearnLaneV2, MonotoneEdges) {
    std::mt19937_64 rng(9);
    std::vector<std::vector<std::uint64_t>> cases = {
        {0, kMax},                                       // Linear, 0 bits
        {0, 1, kMax},                                    // one huge gap
        {0, 0, 0, 1, 1, kMax, kMax},                     // repeats at both ends
        {kMax - 3, kMax - 2, kMax - 2, kMax},            // at the top
        {1ull << 40, 3ull << 40, 7ull << 40, 8ull << 40},  // shifted
    };
    for (int i = 0; i < 20; ++i) {
        std::vector<std::uint64_t> v(2 + rng() % 100);
        for (auto& x : v) x = rng() >> (rng() % 64);
        std::sort(v.begin(), v.end());
        cases.push_back(v);
    }
    for (const auto& values : cases) {
        std::vector<std::uint8_t> buf;
        round_trip(values, buf, LaneFormat::V2);
    }
}

// lower_bound against std::lower_bound / upper_bound, over whole lanes
// and sub-ranges, in every coding (ascending values with repeats, gaps of
// every size, shifted values, values at the top).
TEST(LearnLaneV2, LowerBoundMatchesTheStandardLibrary) {
    std::mt19937_64 rng(12);
    int monotone = 0;
    for (int trial = 0; trial < 300; ++trial) {
        const std::uint32_t n = 1 + static_cast<std::uint32_t>(rng() % (trial < 50 ? 20 : 3000));
        std::vector<std::uint64_t> values = ascending(rng, n, static_cast<unsigned>(rng() % 50), rng() >> (rng() % 64));
        if (trial % 5 == 1)
            for (auto& x : values) x = (x / 4) << 12;  // repeats, and zero bits a shift drops
        if (trial % 7 == 2) {
            const std::uint64_t top = values.back();
            for (auto& x : values) x = kMax - (top - x);
        }
        for (LaneFormat format : {LaneFormat::V1, LaneFormat::V2}) {
            std::vector<std::uint8_t> buf;
            const LaneView v = round_trip(values, buf, format);
            monotone += v.mode() == LaneMode::Monotone;
            std::vector<std::uint64_t> probes = {0, 1, kMax, kMax - 1};
            for (int k = 0; k < 12; ++k) {
                const std::uint64_t x = values[rng() % n];
                probes.insert(probes.end(), {x, x - 1, x + 1, x ^ (std::uint64_t{1} << (rng() % 64))});
            }
            for (int k = 0; k < 6; ++k) {
                auto from = static_cast<std::uint32_t>(rng() % (n + 1)), to = static_cast<std::uint32_t>(rng() % (n + 1));
                if (k == 0) { from = 0; to = n; }
                if (from > to) std::swap(from, to);
                for (std::uint64_t x : probes) {
                    const auto b = values.begin();
                    const auto want_ge = static_cast<std::uint32_t>(std::lower_bound(b + from, b + to, x) - b);
                    const auto want_gt = static_cast<std::uint32_t>(std::upper_bound(b + from, b + to, x) - b);
                    ASSERT_EQ(v.lower_bound(x, false, from, to), want_ge)
                        << "trial " << trial << " x " << x << " [" << from << ", " << to << ")";
                    ASSERT_EQ(v.lower_bound(x, true, from, to), want_gt)
                        << "trial " << trial << " x " << x << " [" << from << ", " << to << ") strict";
                }
            }
        }
    }
    EXPECT_GT(monotone, 50);
}

// A Monotone lane to damage: 64 ascending values.
std::vector<std::uint8_t> monotone_lane(std::vector<std::uint64_t>* values_out = nullptr) {
    std::mt19937_64 rng(10);
    const std::vector<std::uint64_t> values = ascending(rng, 64, 20, 12345);
    std::vector<std::uint8_t> lane = encoded(values, LaneFormat::V2);
    EXPECT_EQ(lane[0], static_cast<std::uint8_t>(LaneMode::Monotone));
    if (values_out) *values_out = values;
    return lane;
}

TEST(LearnLaneV2Damaged, EveryTruncationIsRejected) {
    std::vector<std::vector<std::uint64_t>> lanes = sample_lanes();
    std::vector<std::uint64_t> mono;
    monotone_lane(&mono);
    lanes.push_back(mono);
    for (const auto& values : lanes) {
        const auto n = static_cast<std::uint32_t>(values.size());
        const std::vector<std::uint8_t> full = encoded(values, LaneFormat::V2);
        for (std::size_t avail = 0; avail < full.size(); ++avail) {
            std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(avail));
            LaneView v;
            EXPECT_FALSE(v.parse(avail ? cut.data() : nullptr, avail, n, LaneFormat::V2)) << "avail " << avail;
        }
        std::vector<std::uint8_t> more = full;
        more.resize(full.size() + 24, 0xFF);
        LaneView v;
        ASSERT_TRUE(v.parse(more.data(), more.size(), n, LaneFormat::V2));
        EXPECT_EQ(v.bytes(), full.size());
    }
}

TEST(LearnLaneV2Damaged, MonotoneFaults) {
    std::vector<std::uint64_t> values;
    const std::vector<std::uint8_t> good = monotone_lane(&values);
    LaneView v;
    ASSERT_TRUE(v.parse(good.data(), good.size(), 64, LaneFormat::V2));
    std::uint32_t upper_bits;
    std::memcpy(&upper_bits, &good[12], 4);
    const std::size_t upper_at = 16 + (64u * good[1] + 63) / 64 * 8;
    auto rejects = [&](std::vector<std::uint8_t> bad, std::uint32_t n = 64) {
        LaneView w;
        return !w.parse(bad.data(), bad.size(), n, LaneFormat::V2) && w.size() == 0;
    };
    auto with = [&](std::size_t at, std::uint8_t byte) {
        std::vector<std::uint8_t> bad = good;
        bad[at] = byte;
        return bad;
    };
    auto with_upper_bits = [&](std::uint32_t u) {
        std::vector<std::uint8_t> bad = good;
        std::memcpy(&bad[12], &u, 4);
        return bad;
    };
    EXPECT_TRUE(rejects(with(0, 3)));                     // mode
    EXPECT_TRUE(rejects(with(1, 64)));                    // 64 low bits: no room for a high part
    EXPECT_TRUE(rejects(with(3, 1)));                     // reserved
    EXPECT_TRUE(rejects(good, 1));                        // one value: the encoder writes Offset
    EXPECT_TRUE(rejects(good, 65));                       // more values than set bits
    EXPECT_TRUE(rejects(good, 63));                       // fewer
    EXPECT_TRUE(rejects(with_upper_bits(63)));            // shorter than n
    EXPECT_TRUE(rejects(with_upper_bits(upper_bits - 1)));  // the last set bit past the end
    EXPECT_TRUE(rejects(with_upper_bits(upper_bits + 1)));  // the end past the last set bit
    EXPECT_TRUE(rejects(with_upper_bits(upper_bits + 64 * 1000)));  // past the buffer
    // A bit of the bitmap cleared or set: the count is off.
    for (std::size_t bit = 0; bit < upper_bits; ++bit) {
        std::vector<std::uint8_t> bad = good;
        bad[upper_at + bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        EXPECT_TRUE(rejects(bad)) << bit;
    }
    // Format 1 has no Monotone lanes, and reads its own header.
    LaneView w;
    EXPECT_FALSE(w.parse(good.data(), good.size(), 64, LaneFormat::V1));
    const std::vector<std::uint8_t> v1 = encoded(values, LaneFormat::V1);
    EXPECT_FALSE(w.parse(v1.data(), v1.size(), 64, LaneFormat::V2) && w.bytes() == v1.size() && w.get(5) == values[5]);
}

TEST(LearnLaneV2Damaged, BitFlipsStayInBounds) {
    const std::vector<std::uint8_t> good = monotone_lane();
    int accepted = 0;
    for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
        std::vector<std::uint8_t> bad = good;
        bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        LaneView v;
        if (!v.parse(bad.data(), bad.size(), 64, LaneFormat::V2)) continue;
        ++accepted;
        EXPECT_LE(v.bytes(), bad.size());
        read_all(v);
    }
    EXPECT_GT(accepted, 64);  // base and low-part flips parse (and read wrong values, in bounds)
}

TEST(LearnLaneV2Damaged, RandomBuffersStayInBounds) {
    std::mt19937_64 rng(11);
    int accepted = 0, monotone = 0;
    for (int trial = 0; trial < 30000; ++trial) {
        std::vector<std::uint8_t> buf(rng() % 600);
        for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
        const std::uint32_t n = static_cast<std::uint32_t>(trial % 8 == 1 ? rng() : rng() % 300);
        if (buf.size() >= 16 && trial % 4 != 0) {
            buf[0] = static_cast<std::uint8_t>(rng() % 3);
            buf[1] = static_cast<std::uint8_t>(rng() % 64);
            buf[2] = buf[3] = 0;
            if (buf[0] == 2) {
                // A bitmap of plausible length with exactly n bits set, so
                // that select() and decode_range() get exercised.
                const std::size_t low_words = (std::uint64_t{n} * buf[1] + 63) / 64;
                const std::uint32_t upper_bits = n + static_cast<std::uint32_t>(rng() % 200);
                const std::size_t upper_words = (std::size_t{upper_bits} + 63) / 64;
                if (n >= 2 && n < 300 && 16 + (low_words + upper_words) * 8 <= buf.size()) {
                    std::memcpy(&buf[12], &upper_bits, 4);
                    std::uint8_t* upper = &buf[16 + low_words * 8];
                    std::memset(upper, 0, upper_words * 8);
                    std::vector<std::uint32_t> pos(upper_bits - 1);
                    for (std::uint32_t i = 0; i < pos.size(); ++i) pos[i] = i;
                    std::shuffle(pos.begin(), pos.end(), rng);
                    pos.resize(n - 1);
                    pos.push_back(upper_bits - 1);
                    for (std::uint32_t b : pos) upper[b / 8] |= static_cast<std::uint8_t>(1u << (b % 8));
                }
            }
        }
        LaneView v;
        if (!v.parse(buf.empty() ? nullptr : buf.data(), buf.size(), n, LaneFormat::V2)) continue;
        ++accepted;
        monotone += v.mode() == LaneMode::Monotone;
        ASSERT_LE(v.bytes(), buf.size());
        read_all(v);
    }
    EXPECT_GT(accepted, 1000);
    EXPECT_GT(monotone, 300);
}

// ---------------------------------------------------------------------------
// PLA
// ---------------------------------------------------------------------------

// Fits keys with epsilon and checks the stored segments: sorted distinct
// first keys taken from the keys, non-negative slopes, and every key
// predicted within epsilon of its first position.
std::vector<Segment> fit_checked(const std::vector<std::uint64_t>& keys, std::uint32_t epsilon) {
    const std::vector<Segment> segs = fit_segments(keys.data(), keys.size(), epsilon);
    if (keys.empty()) {
        EXPECT_TRUE(segs.empty());
        return segs;
    }
    EXPECT_FALSE(segs.empty());
    EXPECT_EQ(segs[0].first_key, keys[0]);
    for (std::size_t s = 0; s < segs.size(); ++s) {
        EXPECT_GE(segs[s].slope_q32, 0);
        EXPECT_TRUE(std::binary_search(keys.begin(), keys.end(), segs[s].first_key));
        if (s > 0) {
            EXPECT_LT(segs[s - 1].first_key, segs[s].first_key);
        }
    }
    std::size_t first = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i > 0 && keys[i] != keys[i - 1])
            first = i;
        const std::uint64_t p = predict(segs.data(), segs.size(), keys.size(), keys[i]);
        const std::uint64_t err = p > first ? p - first : first - p;
        if (err > epsilon) {
            ADD_FAILURE() << "eps " << epsilon << ": key " << keys[i] << " at " << first << " predicted " << p;
            break;
        }
    }
    return segs;
}

using KeyGen = std::vector<std::uint64_t> (*)(std::mt19937_64&);

std::vector<std::uint64_t> sorted(std::vector<std::uint64_t> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::vector<std::uint64_t> gen_sequential(std::mt19937_64&) {
    std::vector<std::uint64_t> v(100000);
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = 1 + i;
    return v;
}

std::vector<std::uint64_t> gen_long_runs(std::mt19937_64& rng) {
    std::vector<std::uint64_t> v;
    std::uint64_t k = rng() % 100;
    while (v.size() < 60000) {
        const std::size_t run = rng() % 8 == 0 ? 1 + rng() % 2000 : 1 + rng() % 3;
        v.insert(v.end(), run, k);
        k += 1 + rng() % 50;
    }
    return v;
}

std::vector<std::uint64_t> gen_huge_gaps(std::mt19937_64& rng) {
    // Dense clusters anywhere in the key space, isolated keys of every
    // magnitude between them, and both ends.
    std::vector<std::uint64_t> v = {0, kMax};
    for (int c = 0; c < 200; ++c) {
        std::uint64_t k = rng();
        for (std::uint64_t len = rng() % 500; len > 0 && k < kMax - 16; --len)
            v.push_back(k += rng() % 16);
    }
    for (int i = 0; i < 5000; ++i)
        v.push_back(rng() >> (rng() % 64));
    return sorted(v);
}

std::vector<std::uint64_t> gen_ends(std::mt19937_64& rng) {
    std::vector<std::uint64_t> v = {0, 0, 1, 2, 3, kMax - 2, kMax - 1, kMax, kMax};
    for (int i = 0; i < 2000; ++i)
        v.push_back(rng() % 2 ? rng() % 100000 : kMax - rng() % 100000);
    return sorted(v);
}

std::vector<std::uint64_t> gen_uniform(std::mt19937_64& rng) {
    std::vector<std::uint64_t> v(100000);
    for (auto& x : v)
        x = rng();
    return sorted(v);
}

std::vector<std::uint64_t> gen_exponential(std::mt19937_64& rng) {
    std::exponential_distribution<double> d(1.0);
    std::vector<std::uint64_t> v(100000);
    for (auto& x : v)
        x = static_cast<std::uint64_t>(d(rng) * 1e15);
    return sorted(v);
}

std::vector<std::uint64_t> gen_log_logistic(std::mt19937_64& rng) {
    // Inverse CDF with scale 1e6 and shape 0.6: a heavy tail up to ~1e18.
    std::uniform_real_distribution<double> u(1e-9, 1 - 1e-9);
    std::vector<std::uint64_t> v(100000);
    for (auto& x : v) {
        const double p = u(rng);
        x = static_cast<std::uint64_t>(std::min(1e6 * std::pow(p / (1 - p), 1 / 0.6), 1.8e19));
    }
    return sorted(v);
}

// Doubles mapped to keys of the same order: negatives inverted, positives
// with the sign bit set.
std::uint64_t double_order_key(double d) {
    std::uint64_t b;
    std::memcpy(&b, &d, 8);
    return b >> 63 ? ~b : b | (1ull << 63);
}

std::vector<std::uint64_t> gen_float_order(std::mt19937_64& rng) {
    std::normal_distribution<double> d(0.0, 1.0);
    std::vector<std::uint64_t> v(100000);
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double scale = i % 3 == 0 ? 1e-3 : i % 3 == 1 ? 1.0 : 1e9;
        v[i] = double_order_key(d(rng) * scale);
    }
    return sorted(v);
}

std::vector<std::uint64_t> gen_uuid_v7(std::mt19937_64& rng) {
    // High half of time-ordered UUIDs: 48-bit milliseconds, version 7, 12
    // random bits; a burst of rows per millisecond.
    std::vector<std::uint64_t> v(100000);
    std::uint64_t ms = 1700000000000ull;
    for (auto& x : v) {
        ms += rng() % 3 == 0;
        x = ms << 16 | 0x7000 | (rng() & 0xFFF);
    }
    return sorted(v);
}

std::vector<std::uint64_t> gen_sparse_slope(std::mt19937_64& rng) {
    // Gaps near 1.5 * 2^30: the slope, ~2.67 / 2^32, falls between 32.32
    // values, and either neighbour drifts 1/8 position a key.
    std::vector<std::uint64_t> v(50000);
    std::uint64_t k = 12345;
    for (auto& x : v) {
        x = k;
        k += (3ull << 29) + (rng() % 16 == 0 ? rng() % 1000 : 0);
    }
    return v;
}

TEST(LearnPla, SequentialIsOneSegment) {
    std::mt19937_64 rng(0);
    const std::vector<std::uint64_t> keys = gen_sequential(rng);
    for (std::uint32_t eps : {1u, 4u, 16u, 64u}) {
        const std::vector<Segment> segs = fit_checked(keys, eps);
        ASSERT_EQ(segs.size(), 1u) << eps;
        EXPECT_EQ(segs[0].slope_q32, std::int64_t{1} << 32);
    }
}

TEST(LearnPla, EpsilonBoundOnAdversarialKeys) {
    const struct {
        const char* name;
        KeyGen gen;
    } gens[] = {
        {"long runs", gen_long_runs},      {"huge gaps", gen_huge_gaps},       {"0 and max", gen_ends},
        {"uniform", gen_uniform},          {"exponential", gen_exponential},   {"log-logistic", gen_log_logistic},
        {"float order", gen_float_order},  {"uuid v7", gen_uuid_v7},           {"sparse slope", gen_sparse_slope},
    };
    for (const auto& g : gens) {
        std::mt19937_64 rng(7);
        const std::vector<std::uint64_t> keys = g.gen(rng);
        ASSERT_TRUE(std::is_sorted(keys.begin(), keys.end())) << g.name;
        for (std::uint32_t eps : {1u, 4u, 16u, 64u}) {
            SCOPED_TRACE(g.name);
            fit_checked(keys, eps);
            if (HasFailure())
                return;
        }
    }
}

TEST(LearnPla, SmallAndDegenerateInputs) {
    EXPECT_TRUE(fit_segments(nullptr, 0, 4).empty());
    for (std::uint32_t eps : {1u, 4u}) {
        fit_checked({kMax}, eps);
        fit_checked({0}, eps);
        fit_checked({0, kMax}, eps);
        fit_checked({5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, eps);  // one key, one point
        fit_checked({0, 0, 0, 0, 0, 0, 0, 1, kMax}, eps);
        fit_checked({1, 2, 3, 1000000, 1000001, kMax - 1}, eps);
    }
    EXPECT_EQ(fit_checked(std::vector<std::uint64_t>(1000, 9), 1).size(), 1u);
}

TEST(LearnPla, RandomSmallSequences) {
    // Many short sequences of random shape: the corners of the hull code.
    std::mt19937_64 rng(8);
    for (int trial = 0; trial < 3000; ++trial) {
        std::vector<std::uint64_t> keys(1 + rng() % 60);
        const int shift = static_cast<int>(rng() % 64);
        for (auto& x : keys)
            x = rng() % 4 == 0 ? keys[0] : rng() >> shift;
        std::sort(keys.begin(), keys.end());
        fit_checked(keys, static_cast<std::uint32_t>(1 + rng() % 5));
        if (HasFailure())
            return;
    }
}

// Whether some line with a 32.32 slope passes within eps of all points
// (x[i], y[i]), by brute force: for a fixed slope s an intercept exists iff
// y - s * x spreads over at most 2 eps, a condition on each pair of points.
bool q32_line_fits(const std::vector<std::uint64_t>& x, const std::vector<std::uint64_t>& y, std::uint32_t eps) {
    __extension__ typedef unsigned __int128 u128;
    __extension__ typedef __int128 i128;
    u128 lo = 0, hi = static_cast<u128>(std::numeric_limits<std::int64_t>::max());
    for (std::size_t i = 0; i < x.size(); ++i)
        for (std::size_t j = i + 1; j < x.size(); ++j) {
            const u128 dx = x[j] - x[i];
            const i128 dy = static_cast<i128>(y[j]) - static_cast<i128>(y[i]);
            const i128 below = dy - 2 * i128{eps}, above = dy + 2 * i128{eps};
            if (below > 0)
                lo = std::max(lo, ((static_cast<u128>(below) << 32) + dx - 1) / dx);
            hi = std::min(hi, (static_cast<u128>(above) << 32) / dx);
        }
    return lo <= hi;
}

TEST(LearnPla, SegmentsAreMaximal) {
    // Each segment takes every point it can: with the next segment's first
    // point, no storable line fits (so the greedy fit is also the fewest
    // segments).  A segment starting within eps of position 0 may end
    // sooner, where first_pos would have to go negative.
    std::mt19937_64 rng(13);
    for (int trial = 0; trial < 400; ++trial) {
        std::vector<std::uint64_t> keys(2 + rng() % 150);
        const int shift = static_cast<int>(rng() % 40);
        std::uint64_t k = rng() % 1000;
        for (auto& key : keys)
            key = k += rng() % 3 == 0 ? 0 : rng() >> (24 + shift);
        const std::uint32_t eps = static_cast<std::uint32_t>(1 + rng() % 4);
        const std::vector<Segment> segs = fit_checked(keys, eps);
        // The points (first occurrences) of each segment.
        std::vector<std::vector<std::uint64_t>> xs(segs.size()), ys(segs.size());
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (i == 0 || keys[i] != keys[i - 1]) {
                const std::size_t s = find_segment(segs.data(), segs.size(), keys[i]);
                xs[s].push_back(keys[i]);
                ys[s].push_back(i);
            }
        for (std::size_t s = 0; s < segs.size(); ++s) {
            EXPECT_TRUE(q32_line_fits(xs[s], ys[s], eps)) << "trial " << trial << " segment " << s;
            if (s + 1 == segs.size() || ys[s][0] < eps)
                continue;
            std::vector<std::uint64_t> x = xs[s], y = ys[s];
            x.push_back(xs[s + 1][0]);
            y.push_back(ys[s + 1][0]);
            EXPECT_FALSE(q32_line_fits(x, y, eps)) << "trial " << trial << " segment " << s << " ends early";
        }
        if (HasFailure())
            return;
    }
}

TEST(LearnPla, LargerEpsilonFewerSegments) {
    std::mt19937_64 rng(9);
    std::vector<std::uint64_t> gappy(200000), uniform = gen_uniform(rng);
    std::uint64_t k = 0;
    for (auto& x : gappy)
        x = k += 1 + rng() % 1000;
    for (const std::vector<std::uint64_t>* keys : {&gappy, &uniform}) {
        std::size_t prev = keys->size() + 1;
        for (std::uint32_t eps : {1u, 4u, 16u, 64u}) {
            const std::size_t count = fit_checked(*keys, eps).size();
            EXPECT_LT(count, prev) << "eps " << eps;
            prev = count;
        }
    }
    // Random gaps need O(n / eps^2) segments: far fewer than one per 2 eps.
    EXPECT_LT(fit_checked(gappy, 64).size(), gappy.size() / 1000);
}

TEST(LearnPla, FixedPointSlopes) {
    // Slope 1/3 is not a 32.32 value, but one close enough for 300000 keys
    // is: a single segment.
    std::vector<std::uint64_t> keys(300000);
    for (std::size_t i = 0; i < keys.size(); ++i)
        keys[i] = 3 * i;
    EXPECT_EQ(fit_checked(keys, 4).size(), 1u);
    // Here no 32.32 slope is close enough for long: a segment ends where
    // the stored slope has drifted 2 eps (every 16 * eps keys), not sooner,
    // and the bound holds for what is stored.
    std::mt19937_64 rng(10);
    const std::vector<std::uint64_t> sparse = gen_sparse_slope(rng);
    const std::size_t count = fit_checked(sparse, 16).size();
    EXPECT_GT(count, sparse.size() / (32 * 16));
    EXPECT_LT(count, sparse.size() / (12 * 16));
}

TEST(LearnPla, FindSegment) {
    const Segment segs[] = {{10, 0, 0}, {20, 5, 0}, {30, 9, 0}};
    EXPECT_EQ(find_segment(segs, 3, 0), 0u);
    EXPECT_EQ(find_segment(segs, 3, 9), 0u);
    EXPECT_EQ(find_segment(segs, 3, 10), 0u);
    EXPECT_EQ(find_segment(segs, 3, 19), 0u);
    EXPECT_EQ(find_segment(segs, 3, 20), 1u);
    EXPECT_EQ(find_segment(segs, 3, 29), 1u);
    EXPECT_EQ(find_segment(segs, 3, 30), 2u);
    EXPECT_EQ(find_segment(segs, 3, kMax), 2u);
    EXPECT_EQ(find_segment(segs, 1, kMax), 0u);
}

TEST(LearnPla, PredictArithmetic) {
    const Segment segs[] = {{100, 5, std::int64_t{2} << 32}, {1000, 500, std::int64_t{1} << 31},
                            {5000, 900, std::numeric_limits<std::int64_t>::max()}};
    EXPECT_EQ(predict(segs, 3, 1000, 0), 0u);    // below the first segment
    EXPECT_EQ(predict(segs, 3, 1000, 99), 0u);
    EXPECT_EQ(predict(segs, 3, 1000, 100), 5u);
    EXPECT_EQ(predict(segs, 3, 1000, 110), 25u);
    EXPECT_EQ(predict(segs, 3, 1000, 999), 999u);  // 1803, clamped to n - 1
    EXPECT_EQ(predict(segs, 3, 2000, 999), 1803u);
    EXPECT_EQ(predict(segs, 3, 2000, 1003), 501u);  // floor(3 / 2)
    EXPECT_EQ(predict(segs, 3, 2000, kMax), 1999u);  // huge product, clamped
    EXPECT_EQ(predict(segs, 3, 1, 110), 0u);
    // A damaged (negative) slope still answers within [0, n).
    const Segment bad[] = {{0, 3, -1}};
    EXPECT_LT(predict(bad, 1, 50, kMax), 50u);
    EXPECT_EQ(predict(bad, 0, 50, 7), 0u);
    EXPECT_EQ(predict(bad, 1, 0, 7), 0u);
}

TEST(LearnPla, AbsentKeysPredictInRange) {
    std::mt19937_64 rng(11);
    for (KeyGen gen : {gen_huge_gaps, gen_exponential, gen_long_runs, gen_ends}) {
        const std::vector<std::uint64_t> keys = gen(rng);
        const std::vector<Segment> segs = fit_checked(keys, 8);
        std::vector<std::uint64_t> probes = {0, 1, kMax, kMax - 1, keys.front() - 1, keys.back() + 1};
        for (int i = 0; i < 20000; ++i) {
            probes.push_back(rng());
            const std::size_t at = rng() % keys.size();
            probes.push_back(keys[at] + 1);
            probes.push_back(keys[at] - 1);
        }
        for (std::uint64_t key : probes) {
            const std::uint64_t p = predict(segs.data(), segs.size(), keys.size(), key);
            ASSERT_LT(p, keys.size()) << key;
            if (key < keys.front()) {
                ASSERT_EQ(p, 0u);
            }
        }
    }
}

TEST(LearnPla, MillionKeys) {
    // Large input: the fit is linear time, and the bound still holds.
    std::mt19937_64 rng(12);
    std::vector<std::uint64_t> keys(1000000);
    std::uint64_t k = 1ull << 50;
    for (auto& x : keys)
        x = k += rng() % 7 == 0 ? rng() % 100000 : rng() % 10;
    fit_checked(keys, 16);
}

// The bitmap counts a Monotone lane reads with: the POPCNT copy (where
// this CPU has one) and the portable one agree with a bit-by-bit count,
// for every rank of a set and of a clear bit, at every density.
TEST(BitCount, PopcountAndPortableAgree) {
    std::mt19937_64 rng(12);
    for (const double density : {0.0, 0.03, 0.5, 0.97, 1.0}) {
        for (const std::uint32_t words : {1u, 2u, 7u, 64u, 300u}) {
            std::vector<std::uint64_t> w(words);
            std::bernoulli_distribution bit(density);
            for (auto& x : w)
                for (unsigned b = 0; b < 64; ++b)
                    if (bit(rng)) x |= std::uint64_t{1} << b;
            const auto* p = reinterpret_cast<const std::uint8_t*>(w.data());
            std::uint64_t ones = 0;
            for (const auto x : w)
                for (unsigned b = 0; b < 64; ++b) ones += (x >> b) & 1;
            ASSERT_EQ(count_ones(p, words), ones);
            ASSERT_EQ(count_ones_portable(p, words), ones);
            for (const bool set : {true, false}) {
                const std::uint64_t total = set ? ones : std::uint64_t{words} * 64 - ones;
                std::uint64_t seen = 0;  // bits of the wanted kind before word j
                std::uint32_t j = 0;
                for (std::uint64_t k = 0; k <= total; ++k) {
                    while (j < words && seen + static_cast<std::uint64_t>(popcount64(set ? w[j] : ~w[j])) <= k)
                        seen += popcount64(set ? w[j] : ~w[j]), ++j;
                    std::uint64_t k1 = k, k2 = k;
                    ASSERT_EQ(find_word_of_bit(p, words, set, &k1), j) << "k " << k;
                    ASSERT_EQ(find_word_of_bit_portable(p, words, set, &k2), j) << "k " << k;
                    if (j < words) {
                        ASSERT_EQ(k1, k - seen);
                        ASSERT_EQ(k2, k - seen);
                    }
                }
            }
        }
    }
    if (!cpu_has_popcount()) GTEST_SKIP() << "no POPCNT here: only the portable path ran";
}

}  // namespace
