/* A growing byte string, for the names and lines decoders build. */
#ifndef AOTDBG_STRBUF_H
#define AOTDBG_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

/* On allocation failure it becomes NULL and appends stop; start it zeroed. */
struct aot_sbuf {
	char *s;
	size_t n, cap;
	bool failed;
};
void aot_sb_add(struct aot_sbuf *b, const char *s, size_t n);
void aot_sb_str(struct aot_sbuf *b, const char *s);
void aot_sb_printf(struct aot_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The string (malloc'd, NUL-terminated, possibly holding NULs: *LEN is its length), NULL if memory ran out. */
char *aot_sb_take(struct aot_sbuf *b, size_t *len);

#endif
