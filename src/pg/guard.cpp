// guard.cpp — out-of-line halves of the error boundary in guard.hpp.
#include "pg/guard.hpp"

#include "pg/longjmp_safe.hpp"

namespace ixpg {

const char* PgError::what() const noexcept {
    if (edata_ != nullptr && edata_->message != nullptr)
        return edata_->message;
    return "PostgreSQL error";
}

namespace detail {

ErrorData* copy_and_flush_error(MemoryContext target) noexcept {
    // CopyErrorData must not run in ErrorContext, which FlushErrorState resets.
    MemoryContextSwitchTo(target);
    ErrorData* edata = CopyErrorData();
    FlushErrorState();
    return edata;
}

void raise_caught(Caught what, ErrorData* edata, const char* message) {
    switch (what) {
        case Caught::PostgresError:
            ReThrowError(edata);
        case Caught::OutOfMemory:
            ereport(ERROR,
                    (errcode(ERRCODE_OUT_OF_MEMORY),
                     errmsg("out of memory"),
                     errdetail("A C++ allocation in indexpack failed.")));
            break;
        case Caught::CxxException:
            ereport(ERROR,
                    (errcode(ERRCODE_INTERNAL_ERROR),
                     errmsg("indexpack internal error: %s", message),
                     errhint("This is a bug in indexpack; please report it with the query that caused it.")));
            break;
        case Caught::Unknown:
            break;
    }
    ereport(ERROR,
            (errcode(ERRCODE_INTERNAL_ERROR),
             errmsg("indexpack internal error: unknown C++ exception"),
             errhint("This is a bug in indexpack; please report it with the query that caused it.")));
    pg_unreachable();
}

}  // namespace detail
}  // namespace ixpg
