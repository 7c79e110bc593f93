// shape_options.hpp — from an index's WITH (...) options to its signature
// shape, and the checks on both: the options as given (at CREATE INDEX, at
// ALTER INDEX ... SET, and as recorded on the metapage) and a shape read
// back from disk.  Pure C++; the shim turns a fault into an ERROR.
#pragma once

#include "core/bloom/signature.hpp"

namespace ixcore {
namespace bloom {

// The options as given; 0 means "not given".
struct ShapeOptions {
    int length = 0;
    int col_bits[kMaxColumns] = {};
    double false_positive_rate = 0;
};

enum class OptionFault {
    None,
    RateWithBits,      // false_positive_rate together with length or colN
    ColumnPastEnd,     // colN with N > the index's columns
    ColumnBitsTooMany  // colN > the signature length
};

struct OptionCheck {
    OptionFault fault = OptionFault::None;
    int column = 0;  // 0-based column of a colN fault
    int bits = 0;    // its colN
    int length = 0;  // the signature length it exceeds
};

// Was any option given (length, a colN or false_positive_rate)?  Without
// one, CREATE INDEX sizes the signature from the data.
bool options_given(const ShapeOptions& opts);

// What CREATE INDEX would refuse.  ncols is the index's column count, or 0
// when it is not known (amoptions sees no relation): then colN past the end
// is not checked.
OptionCheck check_options(const ShapeOptions& opts, int ncols);

// The shape CREATE INDEX builds for valid options on ncols columns.
SignatureShape shape_from_options(const ShapeOptions& opts, int ncols);

// A shape read from disk is usable: 16 <= bits <= 4096 in steps of 16,
// 1 <= ncols <= 32, and 1 <= col_bits[i] <= min(bits, 4095).
bool shape_is_valid(const SignatureShape& shape);

bool operator==(const SignatureShape& a, const SignatureShape& b);

// A 32-bit fingerprint of a shape (length, columns and each column's bits),
// which the metapage keeps for a shape chosen from the data: such a shape
// cannot be derived from options, so damage to it is caught this way.
std::uint32_t shape_fingerprint(const SignatureShape& shape);

}  // namespace bloom
}  // namespace ixcore
