#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

struct aot_err *aot_parse_u64(const char *s, const char *what, uint64_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (!*s || *end || errno || *s == '-')
		return aot_errf(AOT_ERR_USAGE, "%s: '%s' is not a number (decimal, or hex with 0x)",
				what, s);
	*ret = v;
	return NULL;
}

const char *aot_describe_addr(const struct aot_session *s, const struct aot_archive *ar,
			      uint64_t addr, char *buf, size_t len)
{
	uint64_t delta = aot_session_mapped_base(s, ar) - ar->requested_base;
	for (const struct aot_archive *a = ar; a; a = a->base) {
		for (unsigned i = 0; i < a->nregions; i++) {
			const struct aot_region *r = &a->regions[i];
			if (!r->mappable)
				continue;
			uint64_t start = r->is_heap ? r->addr : r->addr + delta;
			if (addr >= start && addr - start < r->used) {
				snprintf(buf, len, "%s%s+0x%" PRIx64, a == ar ? "" : "base ", r->name,
					 addr - start);
				return buf;
			}
		}
	}
	return NULL;
}

void aot_out_archive_begin(struct aot_out *o, const struct aot_archive *ar, const char *role)
{
	char title[4400];
	snprintf(title, sizeof(title), "%s%s: %s, %s%s", role ? role : "", ar->path,
		 aot_archive_kind_name(ar->kind), ar->layout ? "JDK " : "unknown JDK",
		 ar->layout ? ar->layout->jdk : "");
	aot_out_begin(o, NULL, title);
	if (aot_out_is_json(o)) {
		aot_out_str(o, "path", ar->path);
		aot_out_str(o, "kind", aot_archive_kind_name(ar->kind));
		aot_out_str(o, "jdk", ar->layout ? ar->layout->jdk : NULL);
	}
}
