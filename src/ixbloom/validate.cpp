// validate.cpp — amvalidate: an ixbloom operator class is hash-style
// (pg/opclass_validate.hpp): operator 1 a boolean equality (T, T), support
// function 1 the hash function int4(T).
#include "ixbloom/ixbloom.hpp"
#include "pg/opclass_validate.hpp"

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

bool validate(Oid opclass) {
    return ixpg::sql_entry([&] { return ixpg::validate_opclass(opclass, "ixbloom", ixpg::OpclassStyle::Hash); });
}

}  // namespace ixbloom
