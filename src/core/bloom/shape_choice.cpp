// shape_choice.cpp — the data-sized signature shape (see shape_choice.hpp).
#include "core/bloom/shape_choice.hpp"

#include "core/bloom/bit_slices.hpp"
#include "core/bloom/shape_options.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ixcore {
namespace bloom {

namespace {

// A candidate's cost must beat the best by this share for its length to be
// worth the size.
constexpr double kCostSlack = 1.05;

// Rechecking a candidate row, in buffer reads: a buffer hit costs about a
// microsecond, fetching a tuple and testing the quals about a twentieth.
constexpr double kRecheckCost = 0.05;

// Lengths tried: contrib's default and steps of about a quarter above it.
constexpr int kLengths[] = {16,  32,  48,  64,  80,  96,   112,  128,  160,  192,  224,  256,  320, 384,
                            448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 4096};

// The query column sets of the workload.
std::vector<std::vector<int>> workload(int ncols) {
    std::vector<std::vector<int>> sets;
    if (ncols == 1)
        sets.push_back({0});
    for (int a = 0; a < ncols; ++a)
        for (int b = a + 1; b < ncols; ++b) {
            sets.push_back({a, b});
            if (ncols <= 8)
                for (int c = b + 1; c < ncols; ++c)
                    sets.push_back({a, b, c});
        }
    return sets;
}

double mean_cost(const SignatureShape& shape, const TableFacts& t, const std::vector<std::vector<int>>& sets) {
    double sum = 0;
    for (const auto& s : sets)
        sum += query_cost(shape, t, s.data(), static_cast<int>(s.size()));
    return sum / static_cast<double>(sets.size());
}

}  // namespace

double btree_bytes_per_row(double value_width, double rows_per_value) {
    const double tuple = std::ceil((8.0 + std::max(0.0, value_width)) / 8.0) * 8.0 + 4.0;
    if (rows_per_value < 2)
        return tuple / 0.9;
    return (6.0 + tuple / std::min(rows_per_value, kPostingTids)) / 0.9;
}

int budget_bits(const TableFacts& t) {
    double bytes = 0;
    for (int i = 0; i < t.ncols; ++i)
        bytes += t.cols[i].btree_bytes_per_row / 2;
    const double bits = std::floor((bytes - 1.0) * 8.0 / 16.0) * 16.0;
    return static_cast<int>(std::clamp(bits, static_cast<double>(kMinSignatureBits),
                                       static_cast<double>(kMaxSignatureBits)));
}

double query_cost(const SignatureShape& shape, const TableFacts& t, const int* cols, int n) {
    const double rows = std::max(t.rows, 1.0);
    const double pages = std::max(t.heap_pages, 1.0);
    // Share of a row's signature bits that are set: each row sets K bits
    // (some coinciding) of L.
    double per_row = 0;
    for (int i = 0; i < shape.ncols; ++i)
        per_row += shape.col_bits[i];
    const double fill = 1.0 - std::pow(1.0 - 1.0 / shape.bits, per_row);
    // A row is a candidate when, for every query column, it holds the value
    // or its signature has the value's bits anyway.
    double candidate = 1;
    int query_bits = 0;
    for (int j = 0; j < n; ++j) {
        const ColumnFacts& c = t.cols[cols[j]];
        const double holds = (1.0 - c.null_frac) / std::max(c.ndistinct, 1.0);
        const int k = shape.col_bits[cols[j]];
        candidate *= holds + (1.0 - holds) * std::pow(fill, k);
        query_bits += k;
    }
    const double candidates = rows * candidate;
    const double groups = std::ceil(rows / max_group_capacity(kStandardPageBytes));
    const double index_pages = groups * (std::min(query_bits, shape.bits + 1) + 1.0);
    const double heap_pages = pages * (1.0 - std::exp(-candidates / pages));
    return index_pages + heap_pages + kRecheckCost * candidates;
}

double workload_cost(const SignatureShape& shape, const TableFacts& t) {
    return mean_cost(shape, t, workload(t.ncols));
}

SignatureShape choose_shape(const TableFacts& t) {
    const SignatureShape defaults = shape_from_options(ShapeOptions(), t.ncols);
    if (t.rows < 1 || t.ncols < 1)
        return defaults;

    const auto sets = workload(t.ncols);
    const int budget = budget_bits(t);
    std::vector<SignatureShape> best_at;  // the best bits per column at each length
    std::vector<double> cost_at;
    for (int length : kLengths) {
        if (length > budget)
            break;
        SignatureShape s = defaults;
        s.bits = length;
        for (int i = 0; i < t.ncols; ++i)
            s.col_bits[i] = std::min(kDefaultColumnBits, length);
        double cost = mean_cost(s, t, sets);
        // Coordinate descent: each column's bits in turn, until none moves.
        for (bool moved = true; moved;) {
            moved = false;
            for (int i = 0; i < t.ncols; ++i) {
                const int was = s.col_bits[i];
                for (int k = 1; k <= std::min(kMaxChosenColumnBits, length); ++k) {
                    if (k == s.col_bits[i])
                        continue;
                    const int keep = s.col_bits[i];
                    s.col_bits[i] = k;
                    const double c = mean_cost(s, t, sets);
                    if (c < cost - 1e-9)
                        cost = c;
                    else
                        s.col_bits[i] = keep;
                }
                moved |= s.col_bits[i] != was;
            }
        }
        best_at.push_back(s);
        cost_at.push_back(cost);
    }
    if (best_at.empty())
        return defaults;
    const double best = *std::min_element(cost_at.begin(), cost_at.end());
    for (std::size_t i = 0; i < best_at.size(); ++i)
        if (cost_at[i] <= best * kCostSlack)
            return best_at[i];
    return best_at.back();
}

double estimate_distinct(double n, double d, double f1, double rows) {
    if (n <= 0 || d <= 0)
        return 1;
    if (rows <= n || f1 >= n)
        return f1 >= n && rows > n ? rows : d;  // the whole table seen; or every sampled value unique
    const double estimate = n * d / (n - f1 + f1 * n / rows);
    return std::clamp(estimate, d, rows);
}

}  // namespace bloom
}  // namespace ixcore
