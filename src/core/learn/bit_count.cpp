// bit_count.cpp — bitmap bit counts, with a POPCNT copy of the loops
// chosen at run time (see bit_count.hpp).
#include "core/learn/bit_count.hpp"

#include <cstring>

namespace ixcore {
namespace learn {

namespace {

std::uint64_t load64(const std::uint8_t* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

// kHardware: the builtin, which compiles to POPCNT inside the functions
// below that are built for it, and is never used outside them.
template <bool kHardware>
inline unsigned ones(std::uint64_t w) {
    if (kHardware) return static_cast<unsigned>(__builtin_popcountll(w));
    return popcount64(w);
}

template <bool kHardware>
std::uint64_t ones_in_words(const std::uint8_t* p, std::uint64_t words) {
    std::uint64_t total = 0;
    for (std::uint64_t k = 0; k < words; ++k) total += ones<kHardware>(load64(p + k * 8));
    return total;
}

template <bool kHardware>
std::uint32_t word_of_bit(const std::uint8_t* p, std::uint32_t words, bool set, std::uint64_t* k) {
    for (std::uint32_t j = 0; j < words; ++j) {
        std::uint64_t w = load64(p + std::size_t{j} * 8);
        if (!set) w = ~w;
        const std::uint64_t count = ones<kHardware>(w);
        if (*k < count) return j;
        *k -= count;
    }
    return words;
}

#if defined(__x86_64__)
__attribute__((target("popcnt"))) std::uint64_t ones_in_words_popcnt(const std::uint8_t* p, std::uint64_t words) {
    return ones_in_words<true>(p, words);
}

__attribute__((target("popcnt"))) std::uint32_t word_of_bit_popcnt(const std::uint8_t* p, std::uint32_t words,
                                                                    bool set, std::uint64_t* k) {
    return word_of_bit<true>(p, words, set, k);
}
#endif

}  // namespace

bool cpu_has_popcount() {
#if defined(__x86_64__)
    static const bool has = __builtin_cpu_supports("popcnt");
    return has;
#else
    return false;
#endif
}

std::uint64_t count_ones(const std::uint8_t* p, std::uint64_t words) {
#if defined(__x86_64__)
    if (cpu_has_popcount()) return ones_in_words_popcnt(p, words);
#endif
    return ones_in_words<false>(p, words);
}

std::uint32_t find_word_of_bit(const std::uint8_t* p, std::uint32_t words, bool set, std::uint64_t* k) {
#if defined(__x86_64__)
    if (cpu_has_popcount()) return word_of_bit_popcnt(p, words, set, k);
#endif
    return word_of_bit<false>(p, words, set, k);
}

std::uint64_t count_ones_portable(const std::uint8_t* p, std::uint64_t words) { return ones_in_words<false>(p, words); }

std::uint32_t find_word_of_bit_portable(const std::uint8_t* p, std::uint32_t words, bool set, std::uint64_t* k) {
    return word_of_bit<false>(p, words, set, k);
}

}  // namespace learn
}  // namespace ixcore
