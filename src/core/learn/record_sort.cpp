// record_sort.cpp — std::sort over records whose width is a template
// parameter, so that each record moves as one fixed-size value; the
// runtime widths choose the instantiation.
#include "core/learn/record_sort.hpp"

#include <algorithm>

namespace ixcore {
namespace learn {

namespace {

template <unsigned Stride>
struct Record {
    std::uint64_t w[Stride];
};

template <unsigned Keys, unsigned Stride>
void sort_as(std::uint64_t* recs, std::size_t n) {
    static_assert(sizeof(Record<Stride>) == Stride * sizeof(std::uint64_t), "records are packed words");
    Record<Stride>* r = reinterpret_cast<Record<Stride>*>(recs);
    std::sort(r, r + n, [](const Record<Stride>& a, const Record<Stride>& b) {
        for (unsigned i = 0; i < Keys; ++i)
            if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
        return false;
    });
}

template <unsigned Stride, unsigned Keys = Stride>
void sort_keys(std::uint64_t* recs, std::size_t n, unsigned key_words) {
    if constexpr (Keys == 1) {
        sort_as<1, Stride>(recs, n);
    } else {
        if (key_words == Keys)
            sort_as<Keys, Stride>(recs, n);
        else
            sort_keys<Stride, Keys - 1>(recs, n, key_words);
    }
}

template <unsigned Stride = kMaxRecordWords>
void sort_stride(std::uint64_t* recs, std::size_t n, unsigned key_words, unsigned stride) {
    if constexpr (Stride == 1) {
        sort_keys<1>(recs, n, key_words);
    } else {
        if (stride == Stride)
            sort_keys<Stride>(recs, n, key_words);
        else
            sort_stride<Stride - 1>(recs, n, key_words, stride);
    }
}

}  // namespace

void sort_records(std::uint64_t* recs, std::size_t n, unsigned key_words, unsigned stride) noexcept {
    if (n > 1 && record_sort_supports(key_words, stride))
        sort_stride(recs, n, key_words, stride);
}

}  // namespace learn
}  // namespace ixcore
