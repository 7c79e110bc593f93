// record_sort_test.cpp — ixlearn's build sort of fixed-width records: every
// supported width sorts by exactly its key words (checked against
// std::sort of the same records as vectors), keeps every record whole, and
// handles the values a packed key can hold (all zeros, all ones, the top
// bit, long runs of equal leading words).
#include "core/learn/record_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using ixcore::learn::kMaxRecordWords;
using ixcore::learn::record_sort_supports;
using ixcore::learn::sort_records;
using Record = std::vector<std::uint64_t>;

// Records whose words are drawn from a few values, so that many share
// their leading key words and the later words decide.
std::vector<Record> random_records(std::mt19937_64& rng, std::size_t n, unsigned stride) {
    const std::uint64_t pool[] = {0, 1, 2, 0x8000000000000000u, 0x7fffffffffffffffu, ~std::uint64_t{0}};
    std::vector<Record> out(n, Record(stride));
    for (auto& r : out)
        for (auto& w : r) w = rng() % 3 == 0 ? rng() : pool[rng() % 6];
    return out;
}

TEST(RecordSort, EveryWidthSortsByItsKeyWords) {
    std::mt19937_64 rng(20261207);
    for (unsigned stride = 1; stride <= kMaxRecordWords; ++stride) {
        for (unsigned keys = 1; keys <= stride; ++keys) {
            ASSERT_TRUE(record_sort_supports(keys, stride));
            for (std::size_t n : {0u, 1u, 2u, 17u, 1000u, 5000u}) {
                const std::vector<Record> recs = random_records(rng, n, stride);
                std::vector<std::uint64_t> flat;
                for (const auto& r : recs) flat.insert(flat.end(), r.begin(), r.end());
                sort_records(flat.data(), n, keys, stride);

                std::vector<Record> got(n);
                for (std::size_t i = 0; i < n; ++i)
                    got[i].assign(flat.begin() + i * stride, flat.begin() + (i + 1) * stride);
                auto key_less = [keys](const Record& a, const Record& b) {
                    return std::lexicographical_compare(a.begin(), a.begin() + keys, b.begin(), b.begin() + keys);
                };
                EXPECT_TRUE(std::is_sorted(got.begin(), got.end(), key_less))
                    << "stride " << stride << " keys " << keys << " n " << n;
                // The same records, whole: sorted by every word, both lists are equal.
                std::vector<Record> a = recs, b = got;
                std::sort(a.begin(), a.end());
                std::sort(b.begin(), b.end());
                EXPECT_EQ(a, b) << "stride " << stride << " keys " << keys << " n " << n;
            }
        }
    }
}

TEST(RecordSort, WidthsItCannotSort) {
    EXPECT_FALSE(record_sort_supports(0, 3));
    EXPECT_FALSE(record_sort_supports(4, 3));
    EXPECT_FALSE(record_sort_supports(2, kMaxRecordWords + 1));
}

}  // namespace
