// palloc_allocator.hpp — an STL allocator over a PostgreSQL memory context.
//
// Containers built on it live in a memory context, so an ERROR (which resets
// or deletes that context) can never leak them.  Allocation failure throws
// std::bad_alloc instead of longjmp-ing, so the C++ scope unwinds first and
// sql_entry() turns it into "out of memory".
#pragma once

#include "pg/postgres.hpp"

#include <cstddef>
#include <limits>
#include <new>
#include <vector>

namespace ixpg {

template <class T>
class PallocAllocator {
public:
    using value_type = T;

    PallocAllocator() noexcept : cxt_(CurrentMemoryContext) {}
    explicit PallocAllocator(MemoryContext cxt) noexcept : cxt_(cxt) {}
    template <class U>
    PallocAllocator(const PallocAllocator<U>& other) noexcept : cxt_(other.context()) {}

    T* allocate(std::size_t n) {
        // Refuse sizes palloc would reject with an ERROR (a longjmp we must
        // not take from inside a container's member function).
        if (n > MaxAllocHugeSize / sizeof(T))
            throw std::bad_alloc();
        void* p = MemoryContextAllocExtended(cxt_, n * sizeof(T), MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
        if (p == nullptr)
            throw std::bad_alloc();
        return static_cast<T*>(p);
    }

    void deallocate(T* p, std::size_t) noexcept { pfree(p); }

    MemoryContext context() const noexcept { return cxt_; }

    template <class U>
    bool operator==(const PallocAllocator<U>& other) const noexcept { return cxt_ == other.context(); }
    template <class U>
    bool operator!=(const PallocAllocator<U>& other) const noexcept { return cxt_ != other.context(); }

private:
    MemoryContext cxt_;
};

template <class T>
using pvector = std::vector<T, PallocAllocator<T>>;

}  // namespace ixpg
