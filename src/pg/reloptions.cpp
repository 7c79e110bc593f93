// reloptions.cpp — registering and parsing WITH (...) options.
#include "pg/reloptions.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/lockdefs.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixpg {

// Every option changes what CREATE INDEX builds: ALTER INDEX ... SET takes
// the same lock a rebuild would.
static constexpr LOCKMODE kOptionLock = AccessExclusiveLock;

void RelOptionTable::init() {
    kind_ = add_reloption_kind();
    count_ = 0;
}

void RelOptionTable::add_entry(const char* name, relopt_type type, int offset) {
    if (count_ == kMaxOptions)
        elog(ERROR, "too many reloptions for one access method");
    table_[count_].optname = name;
    table_[count_].opttype = type;
    table_[count_].offset = offset;
    ++count_;
}

void RelOptionTable::add_int(const char* name, const char* description, int default_value, int min, int max,
                             int offset) {
    add_int_reloption(kind_, name, description, default_value, min, max, kOptionLock);
    add_entry(name, RELOPT_TYPE_INT, offset);
}

void RelOptionTable::add_real(const char* name, const char* description, double default_value, double min,
                              double max, int offset) {
    add_real_reloption(kind_, name, description, default_value, min, max, kOptionLock);
    add_entry(name, RELOPT_TYPE_REAL, offset);
}

const char* RelOptionTable::copy_name(const char* name) { return MemoryContextStrdup(TopMemoryContext, name); }

bytea* RelOptionTable::parse(Datum reloptions, bool validate, std::size_t struct_size) const {
    return static_cast<bytea*>(build_reloptions(reloptions, validate, kind_, struct_size, table_, count_));
}

}  // namespace ixpg
