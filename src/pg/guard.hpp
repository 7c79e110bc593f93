// guard.hpp — the C++/PostgreSQL error boundary (see docs/architecture.md).
//
// Two guards, one per direction:
//
//   sql_entry(body)  wraps the body of every extern "C" function PostgreSQL
//                    calls.  Any C++ exception leaving the body is caught,
//                    the C++ frames unwind, and only then is it raised as an
//                    ERROR.  A PostgreSQL error that travelled through C++ as
//                    PgError is re-raised unchanged (same SQLSTATE, message,
//                    detail, hint).
//
//   pg_call(f)       runs PostgreSQL code that may ereport(ERROR) from C++.
//                    The longjmp lands in pg_call's own frame, the error is
//                    copied and turned into a PgError exception, so C++
//                    destructors above pg_call run normally.  f itself must
//                    not keep objects with non-trivial destructors alive
//                    across a PostgreSQL call (the longjmp skips them); C++
//                    exceptions thrown inside f are carried out of the
//                    PG_TRY block before being re-thrown.
//
// Guard per batch (per page), not per tuple: a sigsetjmp per tuple is
// measurable on large scans.
#pragma once

#include "pg/postgres.hpp"

#include <exception>
#include <new>
#include <type_traits>
#include <utility>

namespace ixpg {

// A PostgreSQL ERROR in flight through C++ frames.  Owns a copy of the
// ErrorData (palloc'd in the memory context current at pg_call time).
class PgError final : public std::exception {
public:
    explicit PgError(ErrorData* edata) noexcept : edata_(edata) {}
    const char* what() const noexcept override;
    ErrorData* edata() const noexcept { return edata_; }
    int sqlerrcode() const noexcept { return edata_ ? edata_->sqlerrcode : 0; }

private:
    ErrorData* edata_;
};

namespace detail {

// Kept out of line so the sigsetjmp frame in pg_call stays small.
ErrorData* copy_and_flush_error(MemoryContext target) noexcept;

// Raise the ERROR that corresponds to what sql_entry caught.  Called only
// after every C++ frame below the entry point has been unwound.
enum class Caught { PostgresError, OutOfMemory, CxxException, Unknown };
[[noreturn]] void raise_caught(Caught what, ErrorData* edata, const char* message);

template <class F>
void run_capturing(F& f, std::exception_ptr* out) noexcept {
    try {
        f();
    } catch (...) {
        *out = std::current_exception();
    }
}

}  // namespace detail

template <class F>
void pg_call(F&& f) {
    std::exception_ptr cxx_error;
    ErrorData* volatile pg_error = nullptr;
    MemoryContext volatile caller_cxt = CurrentMemoryContext;

    PG_TRY();
    {
        detail::run_capturing(f, &cxx_error);
    }
    PG_CATCH();
    {
        pg_error = detail::copy_and_flush_error(caller_cxt);
    }
    PG_END_TRY();

    if (pg_error != nullptr)
        throw PgError(pg_error);
    if (cxx_error)
        std::rethrow_exception(cxx_error);
}

// Also wraps access-method callbacks, whatever they return.
template <class F>
auto sql_entry(F&& body) -> decltype(body()) {
    // Plain locals only: these survive until after the catch blocks, when the
    // exception objects are gone and it is safe to longjmp.
    detail::Caught caught = detail::Caught::Unknown;
    ErrorData* edata = nullptr;
    char message[512];
    message[0] = '\0';

    try {
        return body();
    } catch (const PgError& e) {
        caught = detail::Caught::PostgresError;
        edata = e.edata();
    } catch (const std::bad_alloc&) {
        caught = detail::Caught::OutOfMemory;
    } catch (const std::exception& e) {
        caught = detail::Caught::CxxException;
        // Copy without palloc: nothing here may ereport while the exception
        // object is still alive.
        const char* what = e.what();
        std::size_t i = 0;
        for (; what != nullptr && what[i] != '\0' && i + 1 < sizeof message; ++i)
            message[i] = what[i];
        message[i] = '\0';
    } catch (...) {
        caught = detail::Caught::Unknown;
    }
    detail::raise_caught(caught, edata, message);
}

// CHECK_FOR_INTERRUPTS for C++ loops: a pending cancel or timeout becomes a
// PgError, so the loop's C++ scope unwinds before the query ends.
inline void check_for_interrupts() {
    if (unlikely(InterruptPending))
        pg_call([] { CHECK_FOR_INTERRUPTS(); });
}

}  // namespace ixpg
