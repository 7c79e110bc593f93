// signature.cpp — sizing math and the query predicate for ixbloom.
#include "core/bloom/signature.hpp"

#include <algorithm>
#include <cmath>

namespace ixcore {
namespace bloom {

int round_signature_bits(int requested) {
    int bits = (requested + 15) / 16 * 16;
    if (bits < kMinSignatureBits)
        bits = kMinSignatureBits;
    if (bits > kMaxSignatureBits)
        bits = kMaxSignatureBits;
    return bits;
}

SignatureShape shape_for_false_positive_rate(double p, int ncols) {
    // With k bits per value over n columns, a signature of L bits is filled to
    // f = 1 - exp(-n k / L); a one-column probe of k bits passes falsely with
    // f^k.  For a given k that is smallest at L = n k / ln 2 (f = 1/2), which
    // gives 2^-k: so k = ceil(log2(1/p)) and L = ceil(n k / ln 2).
    SignatureShape shape;
    shape.ncols = ncols;
    int k = static_cast<int>(std::ceil(std::log2(1.0 / p) - 1e-9));
    k = std::max(1, std::min(k, kMaxColumnBits));
    const double want = std::ceil(static_cast<double>(ncols) * k / std::log(2.0));
    shape.bits = round_signature_bits(static_cast<int>(std::min<double>(want, kMaxSignatureBits)));
    for (int i = 0; i < ncols; ++i)
        shape.col_bits[i] = k;
    return shape;
}

double expected_false_positive_rate(const SignatureShape& shape, int col) {
    double set_bits = 0;
    for (int i = 0; i < shape.ncols; ++i)
        set_bits += shape.col_bits[i];
    const double fill = 1.0 - std::exp(-set_bits / shape.bits);
    return std::pow(fill, shape.col_bits[col]);
}

}  // namespace bloom
}  // namespace ixcore
