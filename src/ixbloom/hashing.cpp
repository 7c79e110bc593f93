// hashing.cpp — per-index state (signature shape and hash functions) and
// the hashes of column values and of scan keys.
#include "ixbloom/ixbloom.hpp"

IXPG_BEGIN_C_HEADERS
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

// Support function 1 of each column's opclass, with the column's collation.
void init_hash_functions(IxbState* state, Relation index, int ncols) {
    for (int i = 0; i < ncols; ++i) {
        fmgr_info_copy(&state->hash_fn[i], index_getprocinfo(index, i + 1, 1), CurrentMemoryContext);
        state->collations[i] = index->rd_indcollation[i];
    }
}

}  // namespace

void init_state_from_options(IxbState* state, Relation index) {
    const int ncols = IndexRelationGetNumberOfKeyAttributes(index);
    const bl::ShapeOptions opts = shape_options(reinterpret_cast<const IxbOptions*>(index->rd_options));
    check_shape_options(opts, ncols);
    state->shape = bl::shape_from_options(opts, ncols);
    init_hash_functions(state, index, ncols);
}

void init_state(IxbState* state, Relation index) {
    state->shape = cached_shape(index);
    init_hash_functions(state, index, state->shape.ncols);
}

uint32 hash_value(const IxbState* state, int col, Datum value) {
    return DatumGetUInt32(
        FunctionCall1Coll(const_cast<FmgrInfo*>(&state->hash_fn[col]), state->collations[col], value));
}

uint32 hash_key(Relation index, const IxbState* state, int col, Oid key_type, Datum value) {
    if (key_type == InvalidOid || key_type == index->rd_opcintype[col])
        return hash_value(state, col, value);
    const Oid proc = get_opfamily_proc(index->rd_opfamily[col], key_type, key_type, 1);
    if (!OidIsValid(proc))
        ereport(ERROR,
                (errcode(ERRCODE_UNDEFINED_FUNCTION),
                 errmsg("ixbloom operator family of index \"%s\" has no hash function for type %s",
                        RelationGetRelationName(index), format_type_be(key_type)),
                 errhint("Add FUNCTION 1 for that type to the operator family, or compare with a value of the "
                         "column's type.")));
    return DatumGetUInt32(OidFunctionCall1Coll(proc, state->collations[col], value));
}

}  // namespace ixbloom
