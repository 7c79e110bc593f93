// bit_slices.cpp — group sizing and the row-to-slice transposition.
#include "core/bloom/bit_slices.hpp"
#include "core/bloom/tid_pages.hpp"

#include <cstring>

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

bool descriptor_is_valid(const GroupDescriptor& d, int sig_bits, std::uint32_t nblocks, std::size_t page_bytes) {
    if (d.capacity == 0 || d.capacity % 64 != 0 || d.capacity > max_group_capacity(page_bytes) || d.nrows == 0 ||
        d.nrows > d.capacity || d.live > d.nrows || d.tid_pages == 0 || d.tid_pages > kMaxTidPages || d.first == 0 ||
        d.first >= nblocks)
        return false;
    return geometry_of(d, sig_bits, page_bytes).total_pages() <= nblocks - d.first;
}

void add_rows_to_slices(const std::uint16_t* sigs, int sig_bits, std::uint32_t first_row, std::uint32_t nrows,
                        std::uint8_t* slices, std::size_t stride) {
    const int words = sig_bits / 16;
    std::uint64_t acc[kMaxSignatureBits];
    for (std::uint32_t r = 0; r < nrows;) {
        // Rows sharing one 64-bit word of every slice.
        const std::uint32_t row = first_row + r;
        const std::uint32_t word = row / 64;
        std::uint32_t n = 64 - row % 64;
        if (n > nrows - r)
            n = nrows - r;
        std::memset(acc, 0, sizeof(std::uint64_t) * static_cast<std::size_t>(sig_bits));
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint16_t* sig = sigs + static_cast<std::size_t>(r + i) * words;
            const std::uint64_t bit = std::uint64_t{1} << ((row + i) % 64);
            for (int w = 0; w < words; ++w) {
                std::uint32_t bitsw = sig[w];
                while (bitsw != 0) {
                    acc[w * 16 + __builtin_ctz(bitsw)] |= bit;
                    bitsw &= bitsw - 1;
                }
            }
        }
        for (int b = 0; b < sig_bits; ++b) {
            if (acc[b] == 0)
                continue;
            std::uint8_t* dst = slices + static_cast<std::size_t>(b) * stride + static_cast<std::size_t>(word) * 8;
            std::uint64_t v;
            std::memcpy(&v, dst, 8);
            v |= acc[b];
            std::memcpy(dst, &v, 8);
        }
        r += n;
    }
}

}  // namespace bloom
}  // namespace ixcore
