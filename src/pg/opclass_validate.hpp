// opclass_validate.hpp — amvalidate for the two shapes of operator class
// indexpack's methods use:
//   hash-style   (ixbloom): operator 1 is equality (bool (T, T)), support
//                function 1 hashes one value (int4 (T)); a cross-type
//                equality needs a hash function for each of its two types,
//                whose hashes agree for equal values.
//   btree-style  (ixbrin, ixlearn): operators 1..5 are < <= = >= > (bool
//                (L, R)), numbered like btree so that the planner maps them
//                to btree families; support function 1 compares (int4 (L, R))
//                for every type pair, and the family holds every pair of its
//                types (as btree's own validator insists).  btree's optional
//                support functions 2 to 5 (sort support, in_range,
//                equalimage, options) are accepted with btree's signatures,
//                so a class btree accepts passes too.
// Each problem is reported as an INFO naming the method, the operator class
// and the member; the result says whether the class is usable.
#pragma once

#include "pg/postgres.hpp"

namespace ixpg {

enum class OpclassStyle { Hash, Btree };

// A support function a btree-style method accepts besides the comparison
// function 1, with the signature its kind needs.
enum class SupportKind : uint8 {
    SortSupport,  // void (internal)
    InRange,      // bool (left, left, right, bool, bool)
    EqualImage,   // bool (oid)
    Options,      // void (internal): the class's parameters (amoptsprocnum)
    Hash32,       // int4 (T): as a hash-style class's function 1
    Distance      // float8 (two values): how far apart two values are
};
struct ExtraSupport {
    int16 procnum;
    SupportKind kind;
};
// btree's own: 2 sort support, 3 in_range, 4 equalimage, 5 options (so a
// class copied from btree's validates).
extern const ExtraSupport kBtreeExtras[4];

bool validate_opclass(Oid opclass, const char* am_name, OpclassStyle style, const ExtraSupport* extras = kBtreeExtras,
                      int nextras = 4);

}  // namespace ixpg
