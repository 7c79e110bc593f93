// brin_core_test.cpp — ixbrin's pure core: bloom summaries (sizing as
// BRIN's, the bitmap's bits, no false negatives, a false-positive rate
// near the target, the sorted hash set that precedes the bitmap) and the
// minmax-multi merge plan (the budget holds, the closest neighbours merge
// first, points cost 1 and intervals 2).
#include "core/brin/bloom_filter.hpp"
#include "core/brin/intervals.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <set>
#include <vector>

namespace {

using namespace ixcore::brin;

TEST(BloomShape, SizedAsBrinFromDistinctValuesAndRate) {
    // BRIN's default for 128 pages: 10% of 291 rows a page; 1% false positives.
    const BloomShape s = bloom_shape(0.1 * 291 * 128, 0.01);
    EXPECT_EQ(s.nbits, 35704u);
    EXPECT_EQ(s.k, 7);
    EXPECT_EQ(s.nbits % 8, 0u);
}

TEST(BloomShape, BoundsHold) {
    for (double n : {0.0, 0.5, 1.0, 7.0, 1000.0, 1e6})
        for (double p : {0.0001, 0.001, 0.01, 0.1, 0.25}) {
            const BloomShape s = bloom_shape(n, p);
            EXPECT_GE(s.nbits, 8u) << n << " " << p;
            EXPECT_EQ(s.nbits % 8, 0u);
            EXPECT_GE(s.k, 1);
            EXPECT_LE(s.k, 16);
        }
    // More values or a lower rate never give fewer bits.
    EXPECT_LE(bloom_shape(100, 0.01).nbits, bloom_shape(200, 0.01).nbits);
    EXPECT_LE(bloom_shape(100, 0.1).nbits, bloom_shape(100, 0.01).nbits);
}

TEST(BloomBits, EveryBitInRange) {
    std::mt19937 rng(1);
    for (std::uint32_t nbits : {8u, 64u, 1000u, 35704u})
        for (int i = 0; i < 2000; ++i) {
            const std::uint32_t h = rng();
            for (std::uint32_t j = 0; j < 16; ++j)
                EXPECT_LT(bloom_bit(h, j, nbits), nbits);
        }
}

TEST(BloomBits, NoFalseNegativesAndRateNearTarget) {
    const double n = 2000, p = 0.01;
    const BloomShape s = bloom_shape(n, p);
    std::vector<std::uint8_t> bitmap(s.nbits / 8, 0);
    std::mt19937 rng(42);
    std::set<std::uint32_t> added;
    while (added.size() < n)
        added.insert(rng());
    for (std::uint32_t h : added)
        bloom_set_bits(bitmap.data(), s, h);
    for (std::uint32_t h : added)
        EXPECT_TRUE(bloom_has_bits(bitmap.data(), s, h));
    int false_positives = 0, probes = 0;
    while (probes < 200000) {
        const std::uint32_t h = rng();
        if (added.count(h))
            continue;
        ++probes;
        false_positives += bloom_has_bits(bitmap.data(), s, h);
    }
    const double rate = static_cast<double>(false_positives) / probes;
    EXPECT_LT(rate, 2 * p) << "false-positive rate " << rate;
    EXPECT_GT(rate, p / 4) << "suspiciously low: are the bits spread over the bitmap?";
}

TEST(HashSet, SortedDistinctAndFound) {
    std::vector<std::uint32_t> set(100);
    std::uint32_t n = 0;
    std::mt19937 rng(7);
    std::set<std::uint32_t> model;
    for (int i = 0; i < 80; ++i) {
        const std::uint32_t h = rng() % 60;  // duplicates on purpose
        EXPECT_EQ(hash_set_insert(set.data(), &n, h), model.insert(h).second);
    }
    ASSERT_EQ(n, model.size());
    EXPECT_TRUE(std::equal(model.begin(), model.end(), set.begin()));
    for (std::uint32_t h = 0; h < 70; ++h)
        EXPECT_EQ(hash_set_contains(set.data(), n, h), model.count(h) == 1) << h;
    EXPECT_EQ(bloom_set_capacity(BloomShape{35704, 7}), 35704u / 32);
}

std::uint32_t cost_after(const bool* is_point, const bool* merge, std::uint32_t n) {
    std::uint32_t cost = 0;
    for (std::uint32_t a = 0; a < n;) {
        std::uint32_t b = a;
        while (b + 1 < n && merge[b])
            ++b;
        cost += (a == b && is_point[a]) ? 1 : 2;
        a = b + 1;
    }
    return cost;
}

TEST(PlanMerges, WithinBudgetNothingMerges) {
    const double gaps[] = {1, 2, 3};
    const bool points[] = {true, true, false, true};
    bool merge[3];
    EXPECT_EQ(plan_merges(gaps, points, 4, 5, merge), 4u);
    EXPECT_FALSE(merge[0] || merge[1] || merge[2]);
}

TEST(PlanMerges, ClosestNeighboursFirst) {
    // Five points cost 5 against a budget of 4.  Merging two points into
    // an interval saves nothing (1 + 1 = 2), so the greedy plan goes on by
    // distance: gaps 0.5, then 1, then 2, leaving {p0} and one interval.
    const double gaps[] = {3, 0.5, 2, 1};
    const bool points[] = {true, true, true, true, true};
    bool merge[4];
    const std::uint32_t left = plan_merges(gaps, points, 5, 4, merge);
    EXPECT_FALSE(merge[0]);
    EXPECT_TRUE(merge[1] && merge[2] && merge[3]);
    EXPECT_EQ(left, 2u);
    EXPECT_EQ(cost_after(points, merge, 5), 3u);
}

TEST(PlanMerges, IntervalsMergeByDistance) {
    // Three intervals (cost 6), budget 4: the closer pair merges.
    const double gaps[] = {10, 1};
    const bool points[] = {false, false, false};
    bool merge[2];
    EXPECT_EQ(plan_merges(gaps, points, 3, 4, merge), 2u);
    EXPECT_FALSE(merge[0]);
    EXPECT_TRUE(merge[1]);
}

TEST(PlanMerges, OneIntervalLeftAtWorst) {
    const double gaps[] = {1, 1, 1};
    const bool points[] = {false, false, false, false};
    bool merge[3];
    EXPECT_EQ(plan_merges(gaps, points, 4, 2, merge), 1u);
    EXPECT_TRUE(merge[0] && merge[1] && merge[2]);
}

TEST(PlanMerges, RandomizedBudgetHoldsAndMergesAreMinimal) {
    std::mt19937 rng(2026);
    for (int round = 0; round < 2000; ++round) {
        const std::uint32_t n = 1 + rng() % 40;
        const std::uint32_t budget = 2 + rng() % 40;
        // Distinct gaps: "the last merge" is then the largest merged gap.
        std::vector<double> gaps(n > 1 ? n - 1 : 1);
        for (std::size_t i = 0; i < gaps.size(); ++i)
            gaps[i] = static_cast<double>(i);
        std::shuffle(gaps.begin(), gaps.end(), rng);
        std::unique_ptr<bool[]> points(new bool[n]);
        std::unique_ptr<bool[]> merge(new bool[n]);
        for (std::uint32_t i = 0; i < n; ++i)
            points[i] = rng() % 2;
        const std::uint32_t left = plan_merges(gaps.data(), points.get(), n, budget, merge.get());
        const std::uint32_t cost = cost_after(points.get(), merge.get(), n);
        EXPECT_TRUE(cost <= budget || left == 1) << "round " << round;
        std::uint32_t merges = 0;
        for (std::uint32_t i = 0; i + 1 < n; ++i)
            merges += merge[i];
        EXPECT_EQ(left, n - merges);
        // Undoing the last merge (the largest merged gap) would exceed the budget.
        if (merges > 0 && cost <= budget) {
            std::uint32_t last = n;
            for (std::uint32_t i = 0; i + 1 < n; ++i)
                if (merge[i] && (last == n || gaps[i] >= gaps[last]))
                    last = i;
            merge[last] = false;
            EXPECT_GT(cost_after(points.get(), merge.get(), n), budget) << "round " << round;
        }
    }
}

}  // namespace
