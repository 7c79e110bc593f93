// shape_options.cpp — signature shapes from options, and their checks.
#include "core/bloom/shape_options.hpp"

namespace ixcore {
namespace bloom {

bool options_given(const ShapeOptions& opts) {
    bool any = opts.length != 0 || opts.false_positive_rate != 0;
    for (int i = 0; i < kMaxColumns; ++i)
        any |= opts.col_bits[i] != 0;
    return any;
}

OptionCheck check_options(const ShapeOptions& opts, int ncols) {
    OptionCheck check;
    bool has_bits = opts.length != 0;
    for (int i = 0; i < kMaxColumns; ++i)
        has_bits |= opts.col_bits[i] != 0;
    if (opts.false_positive_rate > 0 && has_bits) {
        check.fault = OptionFault::RateWithBits;
        return check;
    }
    const int length = round_signature_bits(opts.length != 0 ? opts.length : kDefaultSignatureBits);
    for (int i = 0; i < kMaxColumns; ++i) {
        if (opts.col_bits[i] == 0)
            continue;
        check.column = i;
        check.bits = opts.col_bits[i];
        check.length = length;
        if (ncols > 0 && i >= ncols) {
            check.fault = OptionFault::ColumnPastEnd;
            return check;
        }
        if (opts.col_bits[i] > length) {
            check.fault = OptionFault::ColumnBitsTooMany;
            return check;
        }
    }
    return OptionCheck{};
}

SignatureShape shape_from_options(const ShapeOptions& opts, int ncols) {
    if (opts.false_positive_rate > 0)
        return shape_for_false_positive_rate(opts.false_positive_rate, ncols);
    SignatureShape shape;
    shape.ncols = ncols;
    shape.bits = round_signature_bits(opts.length != 0 ? opts.length : kDefaultSignatureBits);
    for (int i = 0; i < ncols; ++i)
        shape.col_bits[i] = opts.col_bits[i] != 0 ? opts.col_bits[i] : kDefaultColumnBits;
    return shape;
}

bool shape_is_valid(const SignatureShape& shape) {
    if (shape.bits < kMinSignatureBits || shape.bits > kMaxSignatureBits || shape.bits % 16 != 0 || shape.ncols < 1 ||
        shape.ncols > kMaxColumns)
        return false;
    for (int i = 0; i < shape.ncols; ++i)
        if (shape.col_bits[i] < 1 || shape.col_bits[i] > shape.bits || shape.col_bits[i] > kMaxColumnBits)
            return false;
    return true;
}

bool operator==(const SignatureShape& a, const SignatureShape& b) {
    if (a.bits != b.bits || a.ncols != b.ncols)
        return false;
    for (int i = 0; i < a.ncols; ++i)
        if (a.col_bits[i] != b.col_bits[i])
            return false;
    return true;
}

std::uint32_t shape_fingerprint(const SignatureShape& shape) {
    std::uint32_t h = mix32(0x1b10f5eeu ^ static_cast<std::uint32_t>(shape.bits) ^
                            (static_cast<std::uint32_t>(shape.ncols) << 16));
    for (int i = 0; i < shape.ncols && i < kMaxColumns; ++i)
        h = mix32(h ^ (static_cast<std::uint32_t>(shape.col_bits[i]) + static_cast<std::uint32_t>(i) * 0x9e3779b9u));
    return h;
}

}  // namespace bloom
}  // namespace ixcore
