// validate.cpp — amvalidate: an ixlearn operator class is btree-style
// (pg/opclass_validate.hpp): operators 1..5 < <= = >= > and comparison
// function 1 for every type pair of its family.
#include "ixlearn/ixlearn.hpp"
#include "pg/opclass_validate.hpp"

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

bool validate(Oid opclass) {
    return ixpg::sql_entry([&] { return ixpg::validate_opclass(opclass, "ixlearn", ixpg::OpclassStyle::Btree); });
}

}  // namespace ixlearn
