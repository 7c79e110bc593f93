// validate.cpp — amvalidate: an ixbloom operator class needs exactly
// operator 1, a boolean equality (T, T), and support function 1, the hash
// function int4(T); anything else is reported and makes it invalid.
#include "ixbloom/ixbloom.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/amvalidate.h"
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
            // Like hash opclasses, trust the argument type (date uses hashint4,
            // bytea hashvarlena(internal)); insist on one argument, int4 result.
            if (get_func_nargs(p->amproc) != 1 || get_func_rettype(p->amproc) != INT4OID) {
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
