// record_sort.hpp — sorts fixed-width records of 64-bit words in place by
// their first words, compared as unsigned integers one after another.
// ixlearn's build packs each entry's sort key into big-endian words, so
// this order is index order; a record's other words ride along.  Sorting
// whole records (not pointers to them) keeps the sort in cache lines.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ixcore {
namespace learn {

// The largest record this sort handles, in words; key_words <= stride.
constexpr unsigned kMaxRecordWords = 8;

// Can records of `stride` words with `key_words` key words be sorted here?
constexpr bool record_sort_supports(unsigned key_words, unsigned stride) {
    return key_words >= 1 && key_words <= stride && stride <= kMaxRecordWords;
}

// Sorts n records of `stride` words at recs by their first key_words words
// (record_sort_supports must hold).  Records with equal keys keep no
// particular order.  Allocates nothing and throws nothing.
void sort_records(std::uint64_t* recs, std::size_t n, unsigned key_words, unsigned stride) noexcept;

}  // namespace learn
}  // namespace ixcore
