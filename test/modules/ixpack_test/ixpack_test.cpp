// ixpack_test.cpp — test hooks for the shared layer in src/pg.
//
// The error boundary (src/pg/guard.hpp): each throw_cxx kind raises one
// kind of failure from inside C++ with an object alive whose destructor must
// run; the regression and TAP tests check the SQL error, the SQLSTATE, the
// destructor count and the server log.
// The operator-class validator (src/pg/opclass_validate.hpp) in its
// btree-style form, before an access method of the pack uses it.
#include "pg/guard.hpp"
#include "pg/opclass_validate.hpp"
#include "pg/palloc_allocator.hpp"

IXPG_BEGIN_C_HEADERS
#include "portability/instr_time.h"
#include "utils/builtins.h"
IXPG_END_C_HEADERS

#include <cstdint>
#include <stdexcept>
#include <string>

namespace {

// Plain static storage, no constructor with side effects.
std::int64_t destructor_count = 0;

// Counts its own destruction.
struct Sentinel {
    Sentinel() = default;
    Sentinel(const Sentinel&) = delete;
    Sentinel& operator=(const Sentinel&) = delete;
    ~Sentinel() { ++destructor_count; }
};

void throw_kind(const std::string& kind) {
    Sentinel alive;
    if (kind == "runtime_error")
        throw std::runtime_error("thrown from C++ on purpose");
    if (kind == "bad_alloc") {
        ixpg::pvector<std::int64_t> v;
        v.reserve(std::size_t{1} << 40);  // 8 TiB: malloc fails, the allocator throws
        return;
    }
    if (kind == "unknown")
        throw 42;
    if (kind == "pg_error") {
        ixpg::pg_call([] {
            ereport(ERROR,
                    (errcode(ERRCODE_DIVISION_BY_ZERO),
                     errmsg("raised by PostgreSQL inside C++ on purpose"),
                     errhint("This hint must survive the trip through C++.")));
        });
        return;
    }
    throw std::invalid_argument("unknown kind: " + kind);
}

}  // namespace

extern "C" {
PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(ixpack_test_throw_cxx);
PG_FUNCTION_INFO_V1(ixpack_test_destructors_run);
PG_FUNCTION_INFO_V1(ixpack_test_spin_cxx);
PG_FUNCTION_INFO_V1(ixpack_test_palloc_vector_sum);
PG_FUNCTION_INFO_V1(ixpack_test_validate_btree_style);

Datum ixpack_test_throw_cxx(PG_FUNCTION_ARGS) {
    char* kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
    return ixpg::sql_entry([&] {
        throw_kind(kind);
        return Datum(0);
    });
}

Datum ixpack_test_destructors_run(PG_FUNCTION_ARGS) {
    (void)fcinfo;
    return Int64GetDatum(destructor_count);
}

Datum ixpack_test_spin_cxx(PG_FUNCTION_ARGS) {
    const double seconds = PG_GETARG_FLOAT8(0);
    return ixpg::sql_entry([&] {
        Sentinel alive;
        ixpg::pvector<std::int64_t> trail;
        instr_time start, now;
        INSTR_TIME_SET_CURRENT(start);
        std::int64_t iterations = 0;
        for (;;) {
            ixpg::check_for_interrupts();
            trail.push_back(iterations);
            if (trail.size() > 4096)
                trail.clear();
            ++iterations;
            INSTR_TIME_SET_CURRENT(now);
            INSTR_TIME_SUBTRACT(now, start);
            if (INSTR_TIME_GET_DOUBLE(now) >= seconds)
                break;
        }
        return Int64GetDatum(iterations);
    });
}

Datum ixpack_test_palloc_vector_sum(PG_FUNCTION_ARGS) {
    const int32 n = PG_GETARG_INT32(0);
    return ixpg::sql_entry([&] {
        ixpg::pvector<std::int64_t> v;
        for (std::int64_t i = 1; i <= n; ++i)
            v.push_back(i);
        std::int64_t sum = 0;
        for (std::int64_t x : v)
            sum += x;
        return Int64GetDatum(sum);
    });
}
Datum ixpack_test_validate_btree_style(PG_FUNCTION_ARGS) {
    const Oid opclass = PG_GETARG_OID(0);
    return ixpg::sql_entry(
        [&] { return BoolGetDatum(ixpg::validate_opclass(opclass, "btree-style", ixpg::OpclassStyle::Btree)); });
}
}
