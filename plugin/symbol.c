#include "symbol.h"

#include <inttypes.h>
#include <stdlib.h>

struct aot_err *aot_symbol_read(struct aot_meta *m, uint64_t addr, char **ret, size_t *len)
{
	if (!aot_meta_in_archive(m, addr))
		return aot_errf(AOT_ERR_FORMAT, "0x%" PRIx64 " is not a Symbol: not inside an archive's "
				"metadata", addr);
	uint64_t n, body;
	struct aot_err *err = aot_meta_get(m, addr, AOT_LF_SYMBOL_LENGTH, &n);
	if (!err)
		err = aot_meta_off(m, AOT_LF_SYMBOL_BODY, &body);
	if (err)
		return err;
	char *s = malloc(n + 1);
	if (!s)
		return &aot_enomem;
	err = aot_meta_read(m, addr + body, s, n);
	if (err) {
		free(s);
		struct aot_err *e = aot_errf(AOT_ERR_FORMAT, "Symbol at 0x%" PRIx64 " (length %" PRIu64
					     ") runs off the archive: %s", addr, n, err->msg);
		aot_err_free(err);
		return e;
	}
	s[n] = 0;
	*ret = s;
	if (len)
		*len = n;
	return NULL;
}

uint64_t aot_symbol_size(const struct aot_meta *m, size_t len)
{
	uint64_t body = m->have[AOT_LF_SYMBOL_BODY] ? m->off[AOT_LF_SYMBOL_BODY] : 6;
	uint64_t min = m->have[AOT_LF_SIZEOF_SYMBOL] ? m->off[AOT_LF_SIZEOF_SYMBOL] : 8;
	// Symbol::byte_size(): the body is declared with room for 2 bytes.
	uint64_t n = body + len;
	if (n < min)
		n = min;
	return (n + 7) & ~7ull;
}
