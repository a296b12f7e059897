/* Symbols (oops/symbol.hpp): the interned UTF-8 strings every name is made of. */
#ifndef AOTDBG_SYMBOL_H
#define AOTDBG_SYMBOL_H

#include "meta.h"

/*
 * The text of the Symbol at ADDR, NUL-terminated, in a buffer the caller
 * frees; *LEN (if not NULL) gets its length.  Fails if ADDR is not inside
 * an archive's metadata or the symbol runs off it.
 */
struct aot_err *aot_symbol_read(struct aot_meta *m, uint64_t addr, char **ret, size_t *len);

/* Bytes the JVM allocates for a Symbol of LEN bytes (the map's size column). */
uint64_t aot_symbol_size(const struct aot_meta *m, size_t len);

#endif
