// column_ops.cpp — per key column: the summary kind its operator class
// gives (a hash function: bloom; a distance function: minmax-multi; else
// minmax), its functions, its parameters, and the column's sort options.
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/htup_details.h"
#include "catalog/index.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

void init_ops(IndexOps* ops, Relation index, uint32 pages_per_range) {
    ops->ncols = IndexRelationGetNumberOfKeyAttributes(index);
    ops->pages_per_range = pages_per_range;
    bytea** attoptions = RelationGetIndexAttOptions(index, false);
    for (int i = 0; i < ops->ncols; ++i) {
        ColumnOps& c = ops->cols[i];
        const Form_pg_attribute att = TupleDescAttr(RelationGetDescr(index), i);
        c.type = att->atttypid;
        c.typlen = att->attlen;
        c.typbyval = att->attbyval;
        c.collation = index->rd_indcollation[i];
        c.opfamily = index->rd_opfamily[i];
        fmgr_info_copy(&c.cmp, index_getprocinfo(index, i + 1, kProcCompare), CurrentMemoryContext);
        c.kind = Kind::MinMax;
        c.values_per_range = 0;
        c.bloom = br::BloomShape{0, 0};
        if (OidIsValid(index_getprocid(index, i + 1, kProcHash))) {
            c.kind = Kind::Bloom;
            fmgr_info_copy(&c.hash, index_getprocinfo(index, i + 1, kProcHash), CurrentMemoryContext);
            const BloomOptions* o = attoptions != nullptr ? reinterpret_cast<const BloomOptions*>(attoptions[i]) : nullptr;
            double ndistinct = o != nullptr ? o->n_distinct_per_range : kDefaultBloomNDistinct;
            const double fpr = o != nullptr ? o->false_positive_rate : kDefaultBloomFalsePositiveRate;
            // As BRIN: a negative value is a fraction of the rows a range can hold.
            if (ndistinct < 0)
                ndistinct = -ndistinct * static_cast<double>(MaxHeapTuplesPerPage) * pages_per_range;
            c.bloom = br::bloom_shape(ndistinct, fpr);
        } else if (OidIsValid(index_getprocid(index, i + 1, kProcDistance))) {
            c.kind = Kind::Multi;
            fmgr_info_copy(&c.distance, index_getprocinfo(index, i + 1, kProcDistance), CurrentMemoryContext);
            const MultiOptions* o = attoptions != nullptr ? reinterpret_cast<const MultiOptions*>(attoptions[i]) : nullptr;
            c.values_per_range = o != nullptr ? o->values_per_range : kDefaultValuesPerRange;
        }
        c.desc = (index->rd_indoption[i] & INDOPTION_DESC) != 0;
        c.nulls_first = (index->rd_indoption[i] & INDOPTION_NULLS_FIRST) != 0;
    }
}

uint32 option_pages_per_range(Relation index) {
    const IxbrOptions* o = reinterpret_cast<const IxbrOptions*>(index->rd_options);
    return o != nullptr ? static_cast<uint32>(o->pages_per_range) : kDefaultPagesPerRange;
}

int compare_values(const ColumnOps& c, Datum a, Datum b) {
    return DatumGetInt32(FunctionCall2Coll(const_cast<FmgrInfo*>(&c.cmp), c.collation, a, b));
}

}  // namespace ixbrin
