// bit_slices.cpp — group sizing and the row-to-slice transposition.
#include "core/bit_slices.hpp"

namespace ixcore {
namespace bloom {

std::uint32_t max_group_capacity(std::size_t page_bytes) {
    // One slice per page at most, a whole number of 64-bit words.
    return static_cast<std::uint32_t>(page_bytes * 8 / 64 * 64);
}

std::uint32_t group_capacity_for(std::uint64_t nrows, std::size_t page_bytes) {
    const std::uint64_t cap = max_group_capacity(page_bytes);
    std::uint64_t want = (nrows + 63) / 64 * 64;
    if (want == 0)
        want = 64;
    return static_cast<std::uint32_t>(want < cap ? want : cap);
}

void add_row_to_slices(const std::uint16_t* signature, int sig_bits, std::uint32_t row, std::uint8_t* slices,
                       std::size_t slice_bytes) {
    const int words = sig_bits / 16;
    const std::uint8_t mask = static_cast<std::uint8_t>(1u << (row % 8));
    const std::size_t byte = row / 8;
    for (int w = 0; w < words; ++w) {
        std::uint32_t bitsw = signature[w];
        while (bitsw != 0) {
            const int b = __builtin_ctz(bitsw);
            bitsw &= bitsw - 1;
            slices[static_cast<std::size_t>(w * 16 + b) * slice_bytes + byte] |= mask;
        }
    }
}

}  // namespace bloom
}  // namespace ixcore
