// shape_choice.hpp — the signature shape CREATE INDEX chooses from the
// data when it is given no length, colN or false_positive_rate
// (docs/ixbloom.md, "Signatures sized from the data").  Pure C++: the shim
// gathers the figures (from pg_statistic, or from a sample of the table).
//
// The model counts the buffers an equality query on 2 or 3 of the index's
// columns reads: one slice page per query bit and one TID page in every
// full group, plus the heap pages that hold its candidates (the rows that
// match, and the false positives, which only the recheck drops).  More
// bits per column cut the false positives but cost a page per group each;
// a longer signature cuts them too, at a size cost, capped at half a
// single-column btree per indexed column.
#pragma once

#include "core/bloom/signature.hpp"

namespace ixcore {
namespace bloom {

// What is known of one indexed column.
struct ColumnFacts {
    double ndistinct = 1;          // distinct non-NULL values, >= 1
    double null_frac = 0;          // share of NULL rows, 0..1
    double btree_bytes_per_row = 0;  // a single-column btree on it, per row
};

// What is known of the table.
struct TableFacts {
    double rows = 0;        // heap rows
    double heap_pages = 0;  // heap pages, >= 1
    int ncols = 0;
    ColumnFacts cols[kMaxColumns];
};

// The most bits per column the choice considers: each costs a page per
// group in every query on the column.
constexpr int kMaxChosenColumnBits = 12;

// Bytes a single-column btree takes per row for values `value_width` bytes
// wide that `rows_per_value` rows share on average, at btree's default leaf
// fill of 90%: a leaf tuple (8-byte header and the value, MAXALIGNed to 8)
// and its 4-byte line pointer per row for distinct values; for repeated
// ones (deduplication, PostgreSQL 13 and later), 6 bytes a row in a posting
// list plus the tuple and line pointer once per value (per at most
// kPostingTids rows).
constexpr double kPostingTids = 400;
double btree_bytes_per_row(double value_width, double rows_per_value);

// The longest signature the budget allows: half a single-column btree per
// indexed column, less a byte a row for the dead slice and TIDs; a multiple
// of 16 in [kMinSignatureBits, kMaxSignatureBits].
int budget_bits(const TableFacts& t);

// Expected buffers of one equality query on columns cols[0..n-1], each
// compared with a value that a share 1/ndistinct of the non-NULL rows hold.
double query_cost(const SignatureShape& shape, const TableFacts& t, const int* cols, int n);

// Mean query_cost over every 2- and 3-column query (with more than 8
// columns, every 2-column query; on a 1-column index, its 1-column query).
double workload_cost(const SignatureShape& shape, const TableFacts& t);

// The shape: for each candidate length up to budget_bits, the bits per
// column (1..kMaxChosenColumnBits) that minimise workload_cost, by
// coordinate descent; then the shortest length whose cost is within 5% of
// the best one's.  t.rows == 0 (nothing to size from) gives contrib bloom's
// defaults.
SignatureShape choose_shape(const TableFacts& t);

// Distinct values in a table of `rows` rows, from a sample of n rows with
// d distinct values of which f1 occur once (Haas and Stokes' Duj1, the
// estimator of PostgreSQL's ANALYZE).
double estimate_distinct(double n, double d, double f1, double rows);

}  // namespace bloom
}  // namespace ixcore
