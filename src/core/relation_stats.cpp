// relation_stats.cpp — result arithmetic for ixstat's statistics functions.
#include "core/relation_stats.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace ixcore {

double round_2dp(double value) {
    // Printing and re-parsing is the definition contrib's output follows
    // (round-half-even on the binary value, not on a decimal one), so do
    // exactly that rather than an arithmetic approximation of it.
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.2f", value);
    return std::strtod(buf, nullptr);
}

double TupleStats::percent_of_table(std::uint64_t part) const {
    if (table_len == 0)
        return 0.0;
    return round_2dp(100.0 * static_cast<double>(part) / static_cast<double>(table_len));
}

double ApproxStats::scanned_percent() const {
    if (pages == 0)
        return 0.0;
    return static_cast<double>(100 * scanned_pages / pages);
}

double ApproxStats::percent_of_table(std::uint64_t part) const {
    if (pages == 0 || table_len == 0)
        return 0.0;
    return 100.0 * static_cast<double>(part) / static_cast<double>(table_len);
}

std::uint64_t BtreeStats::index_size(std::uint64_t block_size) const {
    return (1 + leaf_pages + internal_pages + deleted_pages + empty_pages) * block_size;
}

double BtreeStats::avg_leaf_density() const {
    if (max_avail == 0)
        return std::numeric_limits<double>::quiet_NaN();
    return round_2dp(100.0 - static_cast<double>(free_space) / static_cast<double>(max_avail) * 100.0);
}

double BtreeStats::leaf_fragmentation() const {
    if (leaf_pages == 0)
        return std::numeric_limits<double>::quiet_NaN();
    return round_2dp(static_cast<double>(fragments) / static_cast<double>(leaf_pages) * 100.0);
}

double HashStats::free_percent(std::uint64_t total_blocks, std::uint64_t space_per_page) const {
    const std::uint64_t free_bytes = free_space + unused_pages * space_per_page;
    const std::uint64_t total_space = (total_blocks - (bitmap_pages + 1)) * space_per_page;
    if (total_space == 0)
        return 0.0;
    return 100.0 * static_cast<double>(free_bytes) / static_cast<double>(total_space);
}

}  // namespace ixcore
