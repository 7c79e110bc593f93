// reloptions.hpp — an access method's WITH (...) options: registered once in
// _PG_init, parsed into the method's options struct by amoptions.
#pragma once

#include "pg/postgres.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/reloptions.h"
IXPG_END_C_HEADERS

#include <cstddef>

namespace ixpg {

// A method's options: its own relopt_kind and the table that maps each
// option to a field of its options struct (a varlena header first).
// Plain static storage, filled in _PG_init: no constructor runs at load.
class RelOptionTable {
public:
    static constexpr int kMaxOptions = 64;

    // Call first, in _PG_init.
    void init();
    // name and description must outlive the backend (string literals, or
    // copies in TopMemoryContext: see copy_name).
    void add_int(const char* name, const char* description, int default_value, int min, int max, int offset);
    void add_real(const char* name, const char* description, double default_value, double min, double max,
                  int offset);
    // A generated name ("col7") kept for the backend's lifetime.
    static const char* copy_name(const char* name);

    // amoptions: parse reloptions into a palloc'd struct of struct_size
    // bytes (NULL when none are set and validate is false).
    bytea* parse(Datum reloptions, bool validate, std::size_t struct_size) const;

private:
    void add_entry(const char* name, relopt_type type, int offset);

    relopt_kind kind_;
    int count_;
    relopt_parse_elt table_[kMaxOptions];
};

}  // namespace ixpg
