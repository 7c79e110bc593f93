// relation_stats.hpp — the counters behind ixstat's pgstattuple-compatible
// functions, and the arithmetic that turns them into result columns.
//
// The percentages follow contrib pgstattuple exactly, including its
// rounding: pgstattuple() and pgstatindex() print values with "%.2f" and read
// them back, so their percentages are rounded to two decimals; the other
// functions return unrounded doubles.
#pragma once

#include <cstdint>

namespace ixcore {

// Round the way a value printed with "%.2f" and parsed back would be.
double round_2dp(double value);

// pgstattuple(): live/dead tuples and free space of a heap or index.
struct TupleStats {
    std::uint64_t table_len = 0;
    std::uint64_t tuple_count = 0;
    std::uint64_t tuple_len = 0;
    std::uint64_t dead_tuple_count = 0;
    std::uint64_t dead_tuple_len = 0;
    std::uint64_t free_space = 0;

    void add_live(std::uint64_t len) { ++tuple_count; tuple_len += len; }
    void add_dead(std::uint64_t len) { ++dead_tuple_count; dead_tuple_len += len; }

    // Percent of table_len, 0 for an empty relation, rounded to 2 decimals.
    double percent_of_table(std::uint64_t part) const;
};

// pgstattuple_approx(): counters plus the share of pages actually read.
struct ApproxStats {
    std::uint64_t table_len = 0;
    std::uint64_t pages = 0;
    std::uint64_t scanned_pages = 0;
    std::uint64_t tuple_count = 0;  // live tuples seen in scanned pages
    std::uint64_t tuple_len = 0;
    std::uint64_t dead_tuple_count = 0;
    std::uint64_t dead_tuple_len = 0;
    std::uint64_t free_space = 0;

    // Whole percent, integer division as in contrib (0 for an empty table).
    double scanned_percent() const;
    // Unrounded percent of table_len (0 for an empty table).
    double percent_of_table(std::uint64_t part) const;
};

// pgstatindex(): btree page classes and leaf density.
struct BtreeStats {
    std::uint64_t internal_pages = 0;
    std::uint64_t leaf_pages = 0;
    std::uint64_t empty_pages = 0;    // half-dead pages
    std::uint64_t deleted_pages = 0;
    std::uint64_t max_avail = 0;      // sum over leaves of the usable bytes
    std::uint64_t free_space = 0;     // sum over leaves of the free bytes
    std::uint64_t fragments = 0;      // leaves whose right sibling lies at a lower block

    // Includes the metapage, as contrib does.
    std::uint64_t index_size(std::uint64_t block_size) const;
    // 100 - free%, rounded; NaN when there is no leaf space at all.
    double avg_leaf_density() const;
    // Share of out-of-order leaves, rounded; NaN when there are no leaves.
    double leaf_fragmentation() const;
};

// pgstathashindex(): page classes, items and free space of a hash index.
struct HashStats {
    std::uint64_t bucket_pages = 0;
    std::uint64_t overflow_pages = 0;
    std::uint64_t bitmap_pages = 0;
    std::uint64_t unused_pages = 0;
    std::int64_t live_items = 0;
    std::int64_t dead_items = 0;
    std::uint64_t free_space = 0;

    // Free bytes (unused pages count whole) over the space usable for tuples,
    // which excludes the metapage and the bitmap pages.
    double free_percent(std::uint64_t total_blocks, std::uint64_t space_per_page) const;
};

}  // namespace ixcore
