// validate.cpp — amvalidate: an ixbloom operator class needs exactly
// operator 1, a boolean equality (T, T), and support function 1, the hash
// function int4(T); anything else is reported and makes it invalid.
#include "ixbloom/ixbloom.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/amvalidate.h"
#include "access/hash.h"
#include "catalog/pg_am_d.h"
#include "commands/defrem.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "access/htup_details.h"
#include "catalog/pg_amop.h"
#include "catalog/pg_amproc.h"
#include "catalog/pg_opclass.h"
#include "catalog/pg_type.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
IXPG_END_C_HEADERS

namespace ixbloom {

namespace {

// Support function 1 must return int4 and take one argument of the indexed
// type (or one it is binary-coercible to).  PostgreSQL's own hash opclasses
// bend that rule for a few types (date hashed by hashint4, bool by hashchar,
// bytea by hashvarlena(internal)); accept exactly what the type's default
// hash opclass uses, so the rule stays strict for everything else.
bool hash_proc_fits(Oid proc, Oid type) {
    if (get_func_nargs(proc) != 1 || get_func_rettype(proc) != INT4OID)
        return false;
    Oid* argtypes;
    int nargs;
    get_func_signature(proc, &argtypes, &nargs);
    if (IsBinaryCoercible(type, argtypes[0]))
        return true;
    const Oid hash_opclass = GetDefaultOpClass(type, HASH_AM_OID);
    return OidIsValid(hash_opclass) &&
           get_opfamily_proc(get_opclass_family(hash_opclass), type, type, HASHSTANDARD_PROC) == proc;
}

}  // namespace

bool validate(Oid opclass) {
    return ixpg::sql_entry([&] {
        HeapTuple classtup = SearchSysCache1(CLAOID, ObjectIdGetDatum(opclass));
        if (!HeapTupleIsValid(classtup))
            elog(ERROR, "cache lookup failed for operator class %u", opclass);
        Form_pg_opclass form = reinterpret_cast<Form_pg_opclass>(GETSTRUCT(classtup));
        const Oid family = form->opcfamily;
        const Oid intype = form->opcintype;
        const char* name = pstrdup(NameStr(form->opcname));
        ReleaseSysCache(classtup);

        bool ok = true;
        bool has_eq = false, has_hash = false;
        CatCList* procs = SearchSysCacheList1(AMPROCNUM, ObjectIdGetDatum(family));
        for (int i = 0; i < procs->n_members; ++i) {
            Form_pg_amproc p = reinterpret_cast<Form_pg_amproc>(GETSTRUCT(&procs->members[i]->tuple));
            if (p->amprocnum != 1) {
                ereport(INFO,
                        (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                         errmsg("ixbloom operator family of \"%s\" contains function %s with invalid support number %d",
                                name, format_procedure(p->amproc), p->amprocnum)));
                ok = false;
                continue;
            }
            if (!hash_proc_fits(p->amproc, p->amproclefttype)) {
                ereport(INFO,
                        (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                         errmsg("ixbloom operator family of \"%s\" contains function %s with wrong signature for "
                                "support number 1 (it must take the indexed type and return integer)",
                                name, format_procedure(p->amproc))));
                ok = false;
                continue;
            }
            if (p->amproclefttype == intype)
                has_hash = true;
        }
        CatCList* ops = SearchSysCacheList1(AMOPSTRATEGY, ObjectIdGetDatum(family));
        for (int i = 0; i < ops->n_members; ++i) {
            Form_pg_amop o = reinterpret_cast<Form_pg_amop>(GETSTRUCT(&ops->members[i]->tuple));
            if (o->amopstrategy != 1 || o->amoppurpose != AMOP_SEARCH) {
                ereport(INFO,
                        (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                         errmsg("ixbloom operator family of \"%s\" contains operator %s with invalid strategy number %d",
                                name, format_operator(o->amopopr), o->amopstrategy)));
                ok = false;
                continue;
            }
            if (!check_amop_signature(o->amopopr, BOOLOID, o->amoplefttype, o->amoprighttype)) {
                ereport(INFO,
                        (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                         errmsg("ixbloom operator family of \"%s\" contains operator %s with wrong signature",
                                name, format_operator(o->amopopr))));
                ok = false;
                continue;
            }
            if (o->amoplefttype == intype && o->amoprighttype == intype)
                has_eq = true;
            // A scan hashes each key with the family's function for the key's
            // type: both sides of a cross-type operator need one (a same-type
            // operator is covered by the opclass check below).
            if (o->amoplefttype == o->amoprighttype)
                continue;
            for (Oid side : {o->amoplefttype, o->amoprighttype}) {
                if (!OidIsValid(get_opfamily_proc(family, side, side, 1))) {
                    ereport(INFO,
                            (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                             errmsg("ixbloom operator family of \"%s\" has operator %s but no hash function (support "
                                    "number 1) for type %s",
                                    name, format_operator(o->amopopr), format_type_be(side))));
                    ok = false;
                }
            }
        }
        if (!has_eq || !has_hash) {
            ereport(INFO,
                    (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                     errmsg("ixbloom operator class \"%s\" needs operator 1 (equality) and function 1 (hash) for its "
                            "input type", name)));
            ok = false;
        }
        ReleaseCatCacheList(ops);
        ReleaseCatCacheList(procs);
        return ok;
    });
}

}  // namespace ixbloom
