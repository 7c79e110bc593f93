// validate.cpp — amvalidate: an ixbrin operator class is btree-style
// (pg/opclass_validate.hpp): operators 1..5 < <= = >= > and comparison
// function 1 for every type pair; support 2 (a hash function) makes it a
// bloom class, 3 (a distance function) a minmax-multi class, 4 declares its
// parameters.
#include "ixbrin/ixbrin.hpp"
#include "pg/opclass_validate.hpp"

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

const ixpg::ExtraSupport kExtras[] = {
    {kProcHash, ixpg::SupportKind::Hash32},
    {kProcDistance, ixpg::SupportKind::Distance},
    {kProcOptions, ixpg::SupportKind::Options},
};

}  // namespace

bool validate(Oid opclass) {
    return ixpg::sql_entry(
        [&] { return ixpg::validate_opclass(opclass, "ixbrin", ixpg::OpclassStyle::Btree, kExtras, 3); });
}

}  // namespace ixbrin
