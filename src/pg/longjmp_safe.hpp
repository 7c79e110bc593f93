// longjmp_safe.hpp — included last by every file whose functions call
// PostgreSQL directly (not through ixpg::pg_call).  An ERROR raised there
// longjmps over the C++ frames up to PostgreSQL's handler, skipping their
// destructors, so those frames may hold only objects with trivial
// destructors (docs/architecture.md, "The C++/PostgreSQL boundary").
//
// This header makes the rule a compile-time one for the owning types that
// would break it: after it, naming any of them is an error.  Types of our
// own that live in such frames assert std::is_trivially_destructible.
#pragma once

#pragma GCC poison vector pvector basic_string string unique_ptr shared_ptr function map unordered_map set \
    unordered_set deque list exception_ptr optional variant any stringstream ostringstream istringstream \
    lock_guard unique_lock BasicPredicate Predicate
