// opclass_validate.cpp — amvalidate for hash-style and btree-style classes.
#include "pg/opclass_validate.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/amvalidate.h"
#include "access/hash.h"
#include "access/htup_details.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_amop.h"
#include "catalog/pg_amproc.h"
#include "catalog/pg_opclass.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
IXPG_END_C_HEADERS

#include <initializer_list>

#include "pg/longjmp_safe.hpp"

namespace ixpg {

const ExtraSupport kBtreeExtras[4] = {
    {2, SupportKind::SortSupport}, {3, SupportKind::InRange}, {4, SupportKind::EqualImage}, {5, SupportKind::Options}};

namespace {

constexpr int16 kInRangeProc = 3;

constexpr uint64 kAllBtreeStrategies = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5);

// A hash function takes one value of the indexed type (or one it is binary
// coercible to) and returns int4.  PostgreSQL's own hash opclasses bend the
// rule for a few types (date hashed by hashint4, bool by hashchar, bytea by
// hashvarlena(internal)): accept exactly what the type's default hash
// opclass uses, so the rule stays strict for everything else.
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

const ExtraSupport* find_extra(int16 procnum, const ExtraSupport* extras, int nextras) {
    for (int i = 0; i < nextras; ++i)
        if (extras[i].procnum == procnum)
            return &extras[i];
    return nullptr;
}

bool support_number_valid(int16 procnum, OpclassStyle style, const ExtraSupport* extras, int nextras) {
    return procnum == 1 || (style == OpclassStyle::Btree && find_extra(procnum, extras, nextras) != nullptr);
}

bool support_fits(Form_pg_amproc p, OpclassStyle style, const ExtraSupport* extras, int nextras) {
    if (style == OpclassStyle::Hash)
        return p->amproclefttype == p->amprocrighttype && hash_proc_fits(p->amproc, p->amproclefttype);
    const ExtraSupport* e = find_extra(p->amprocnum, extras, nextras);
    if (p->amprocnum == 1 || e == nullptr)
        return check_amproc_signature(p->amproc, INT4OID, true, 2, 2, p->amproclefttype, p->amprocrighttype);
    switch (e->kind) {
        case SupportKind::SortSupport:
            return check_amproc_signature(p->amproc, VOIDOID, true, 1, 1, INTERNALOID);
        case SupportKind::InRange:
            return check_amproc_signature(p->amproc, BOOLOID, true, 5, 5, p->amproclefttype, p->amproclefttype,
                                          p->amprocrighttype, BOOLOID, BOOLOID);
        case SupportKind::EqualImage:
            return check_amproc_signature(p->amproc, BOOLOID, true, 1, 1, OIDOID);
        case SupportKind::Options:
            return check_amoptsproc_signature(p->amproc);
        case SupportKind::Hash32:
            return p->amproclefttype == p->amprocrighttype && hash_proc_fits(p->amproc, p->amproclefttype);
        case SupportKind::Distance:
            return get_func_nargs(p->amproc) == 2 && get_func_rettype(p->amproc) == FLOAT8OID;
    }
    return false;
}

const char* support_signature(const Form_pg_amproc p, OpclassStyle style, const ExtraSupport* extras, int nextras) {
    if (style == OpclassStyle::Hash)
        return "it must take the indexed type and return integer";
    const ExtraSupport* e = find_extra(p->amprocnum, extras, nextras);
    if (p->amprocnum == 1 || e == nullptr)
        return "it must take the two compared types and return integer";
    switch (e->kind) {
        case SupportKind::SortSupport: return "sort support takes internal and returns void";
        case SupportKind::InRange: return "in_range takes (left, left, right, boolean, boolean) and returns boolean";
        case SupportKind::EqualImage: return "equalimage takes oid and returns boolean";
        case SupportKind::Options: return "an options function takes internal and returns void";
        case SupportKind::Hash32: return "a hash function takes the indexed type and returns integer";
        case SupportKind::Distance: return "a distance function takes two values and returns double precision";
    }
    return "";
}

}  // namespace

bool validate_opclass(Oid opclass, const char* am, OpclassStyle style, const ExtraSupport* extras, int nextras) {
    HeapTuple classtup = SearchSysCache1(CLAOID, ObjectIdGetDatum(opclass));
    if (!HeapTupleIsValid(classtup))
        elog(ERROR, "cache lookup failed for operator class %u", opclass);
    Form_pg_opclass form = reinterpret_cast<Form_pg_opclass>(GETSTRUCT(classtup));
    const Oid family = form->opcfamily;
    const Oid intype = form->opcintype;
    const char* name = pstrdup(NameStr(form->opcname));
    ReleaseSysCache(classtup);
    const bool hash_style = style == OpclassStyle::Hash;
    const int16 max_strategy = hash_style ? 1 : 5;

    bool ok = true;
    CatCList* procs = SearchSysCacheList1(AMPROCNUM, ObjectIdGetDatum(family));
    for (int i = 0; i < procs->n_members; ++i) {
        Form_pg_amproc p = reinterpret_cast<Form_pg_amproc>(GETSTRUCT(&procs->members[i]->tuple));
        if (!support_number_valid(p->amprocnum, style, extras, nextras)) {
            ereport(INFO,
                    (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                     errmsg("%s operator family of \"%s\" contains function %s with invalid support number %d", am,
                            name, format_procedure(p->amproc), p->amprocnum)));
            ok = false;
        } else if (!support_fits(p, style, extras, nextras)) {
            ereport(INFO,
                    (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                     errmsg("%s operator family of \"%s\" contains function %s with wrong signature for support "
                            "number %d (%s)",
                            am, name, format_procedure(p->amproc), p->amprocnum, support_signature(p, style, extras, nextras))));
            ok = false;
        }
    }

    CatCList* ops = SearchSysCacheList1(AMOPSTRATEGY, ObjectIdGetDatum(family));
    for (int i = 0; i < ops->n_members; ++i) {
        Form_pg_amop o = reinterpret_cast<Form_pg_amop>(GETSTRUCT(&ops->members[i]->tuple));
        if (o->amopstrategy < 1 || o->amopstrategy > max_strategy || o->amoppurpose != AMOP_SEARCH) {
            ereport(INFO,
                    (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                     errmsg("%s operator family of \"%s\" contains operator %s with invalid strategy number %d", am,
                            name, format_operator(o->amopopr), o->amopstrategy)));
            ok = false;
        } else if (!check_amop_signature(o->amopopr, BOOLOID, o->amoplefttype, o->amoprighttype)) {
            ereport(INFO,
                    (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                     errmsg("%s operator family of \"%s\" contains operator %s with wrong signature", am, name,
                            format_operator(o->amopopr))));
            ok = false;
        } else if (hash_style && o->amoplefttype != o->amoprighttype) {
            // A scan hashes each key with the family's function for the
            // key's type: both sides of a cross-type equality need one.
            for (Oid side : {o->amoplefttype, o->amoprighttype}) {
                if (!OidIsValid(get_opfamily_proc(family, side, side, 1))) {
                    ereport(INFO,
                            (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                             errmsg("%s operator family of \"%s\" has operator %s but no hash function (support "
                                    "number 1) for type %s",
                                    am, name, format_operator(o->amopopr), format_type_be(side))));
                    ok = false;
                }
            }
        }
    }

    // Per type pair: which operators and functions the family has.
    List* groups = identify_opfamily_groups(ops, procs);
    bool class_complete = false;
    List* types = NIL;
    int pairs = 0;
    ListCell* lc;
    foreach (lc, groups) {
        const OpFamilyOpFuncGroup* g = static_cast<const OpFamilyOpFuncGroup*>(lfirst(lc));
        // An in_range function's offset type (interval for timestamps) is
        // no type of the family: such a group pairs nothing.
        const ExtraSupport* in_range = find_extra(kInRangeProc, extras, nextras);
        if (!hash_style && in_range != nullptr && in_range->kind == SupportKind::InRange && g->operatorset == 0 &&
            g->functionset == (1 << kInRangeProc))
            continue;
        const bool complete = hash_style ? (g->operatorset & (1 << 1)) && (g->functionset & (1 << 1))
                                         : g->operatorset == kAllBtreeStrategies && (g->functionset & (1 << 1));
        if (g->lefttype == intype && g->righttype == intype)
            class_complete = complete;
        if (hash_style)
            continue;  // cross-type pairs were checked operator by operator
        ++pairs;
        types = list_append_unique_oid(types, g->lefttype);
        types = list_append_unique_oid(types, g->righttype);
        if (!complete) {
            ereport(INFO,
                    (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                     errmsg("%s operator family of \"%s\" needs operators 1 to 5 and function 1 (comparison) for "
                            "types %s and %s",
                            am, name, format_type_be(g->lefttype), format_type_be(g->righttype))));
            ok = false;
        }
    }
    if (!class_complete) {
        ereport(INFO,
                (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                 errmsg("%s operator class \"%s\" needs %s for its input type", am, name,
                        hash_style ? "operator 1 (equality) and function 1 (hash)"
                                   : "operators 1 to 5 (< <= = >= >) and function 1 (comparison)")));
        ok = false;
    }
    // The planner derives clauses across a family's types only when every
    // pair is there (btree's validator insists on it too).
    if (!hash_style && pairs != list_length(types) * list_length(types)) {
        ereport(INFO,
                (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                 errmsg("%s operator family of \"%s\" is missing cross-type operators or comparison functions", am,
                        name)));
        ok = false;
    }
    ReleaseCatCacheList(ops);
    ReleaseCatCacheList(procs);
    return ok;
}

}  // namespace ixpg
