// insert.cpp — aminsert: append the row's signature to the insert buffer's
// tail page; when the buffer holds a group's worth of rows, fold it (unless
// another backend is already folding or scanning).
#include "ixbloom/ixbloom.hpp"

IXPG_BEGIN_C_HEADERS
#include "nodes/execnodes.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

bool insert(Relation index, Datum* values, bool* isnull, ItemPointer tid, Relation, IndexUniqueCheck, bool,
            IndexInfo* info) {
    return ixpg::sql_entry([&] {
        // Per-index state lives across inserts of one statement.
        IxbState* state = static_cast<IxbState*>(info->ii_AmCache);
        if (state == nullptr) {
            MemoryContext old = MemoryContextSwitchTo(info->ii_Context);
            state = static_cast<IxbState*>(palloc0(sizeof(IxbState)));
            init_state(state, index);
            MemoryContextSwitchTo(old);
            info->ii_AmCache = state;
        }
        const int sig_bits = state->shape.bits;
        alignas(8) char entry[sizeof(ItemPointerData) + bl::kMaxSignatureBits / 8];
        std::memset(entry, 0, sizeof entry);
        std::memcpy(entry, tid, sizeof(ItemPointerData));
        uint16* sig = reinterpret_cast<uint16*>(entry + sizeof(ItemPointerData));
        for_each_row_bit(state, values, isnull, [sig](int bit) { bl::set_signature_bit(sig, bit); });
        const IxbMeta meta = append_to_buffer(index, entry, sig_bits);

        // Fold when the buffer holds a group's worth of rows (every scan reads
        // the whole buffer, so it must stay small); never wait for it: a
        // VACUUM or a scan in progress means "later".  The metapage as read
        // for the append is recent enough to decide that.
        const uint64 buffered = static_cast<uint64>(meta.buf_pages) * entries_per_page(sig_bits);
        if (buffered >= bl::max_group_capacity(kPageBytes) && try_lock_fold(index, ExclusiveLock)) {
            fold_buffer(index, false);
            unlock_fold(index, ExclusiveLock);
        }
        return false;
    });
}

}  // namespace ixbloom
