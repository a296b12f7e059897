#include "hexdump.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define LINE_BYTES 32

void aot_map_section_line(struct aot_out *o, const char *name, uint64_t base, uint64_t end)
{
	aot_out_text(o, "[%-18s 0x%016" PRIx64 " - 0x%016" PRIx64 " %9" PRIu64 " bytes]", name, base, end,
		     end - base);
}

struct aot_err *aot_hexdump(struct aot_meta *m, struct aot_out *o, uint64_t from, uint64_t to, uint64_t zero_from,
			    unsigned unit, bool ascii)
{
	if (aot_out_is_json(o) || (unit != 4 && unit != 8))
		return NULL;
	/* 17 prints an address line even for nothing (a region whose first object is at its base) */
	if (from == to && !ascii)
		aot_out_text(o, "0x%016" PRIx64 ":   ", from);
	for (uint64_t a = from; a < to; a += LINE_BYTES) {
		uint8_t b[LINE_BYTES];
		size_t n = to - a < LINE_BYTES ? (size_t)(to - a) : LINE_BYTES;
		n -= n % unit;
		if (!n)
			break;
		size_t have = a >= zero_from ? 0 : zero_from - a < n ? (size_t)(zero_from - a) : n;
		memset(b, 0, sizeof(b));
		struct aot_err *err = have ? aot_meta_read(m, a, b, have) : NULL;
		if (err)
			return err;
		char line[256], *p = line;
		p += sprintf(p, "0x%016" PRIx64 ":   ", a);
		for (size_t i = 0; i < LINE_BYTES; i += unit) {
			if (i < n) {
				uint64_t v = 0;
				memcpy(&v, b + i, unit);	/* little-endian, like the JVM that wrote it */
				p += sprintf(p, unit == 8 ? "%016" PRIx64 : "%08" PRIx64, v);
				/* 17 ends a full line with its last word, unless it is the dump's last */
				if (ascii || i + unit < LINE_BYTES || a + LINE_BYTES >= to)
					*p++ = ' ';
			} else if (ascii) {
				p += sprintf(p, "%*s", (int)(2 * unit + 1), "");
			}
		}
		if (ascii) {
			p += sprintf(p, "  ");
			for (size_t i = 0; i < n; i++)
				*p++ = b[i] >= 32 && b[i] < 127 ? (char)b[i] : '.';
		}
		*p = 0;
		aot_out_text(o, "%s", line);
	}
	return NULL;
}
