/*
 * libFuzzer harness for plugin/target_core.c: a core is a file a user hands
 * us, often truncated, sometimes from a different machine; no input may
 * crash, hang or leak.  Seeds: fuzz/corpus/fuzz_core/ (cut from real kernel and
 * gcore cores); inputs that once crashed: fuzz/regressions/fuzz_core/.
 */
#include <stddef.h>
#include <stdint.h>

#include "../plugin/target.h"
#include "../plugin/target_core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aot_core *c;
	if (!aot_ok(aot_core_open_bytes("fuzz", data, size, &c)))
		return 0;
	// Every accessor on whatever the notes held.
	volatile size_t sink = (size_t)aot_core_pid(c) + aot_core_truncated(c);
	for (const char *s = aot_core_command(c); *s; s++)
		sink += (unsigned char)*s;
	for (const char *s = aot_core_fname(c); *s; s++)
		sink += (unsigned char)*s;
	const struct aot_mappings *m = aot_core_mappings(c);
	for (size_t i = 0; i < m->n; i++) {
		sink += m->v[i].end - m->v[i].start + m->v[i].offset;
		for (const char *s = m->v[i].path; s && *s; s++)
			sink += (unsigned char)*s;
	}
	struct aot_target *t;
	if (aot_ok(aot_target_create(&t))) {
		if (aot_ok(aot_core_add_to(c, t))) {
			// Both ends of each segment, and one read across its end.
			for (size_t i = 0; i < aot_target_segment_count(t); i++) {
				const struct aot_segment *s = aot_target_segment(t, i);
				uint8_t buf[8];
				size_t n = s->len < sizeof(buf) ? (size_t)s->len : sizeof(buf);
				if (aot_ok(aot_target_read(t, buf, s->start, n)))
					sink += buf[0];
				if (aot_ok(aot_target_read(t, buf, s->start + s->len - n, n)))
					sink += buf[n - 1];
				(void)aot_ok(aot_target_read(t, buf, s->start + s->len - 1, 2));
			}
		}
		aot_target_destroy(t);
	}
	(void)sink;
	aot_core_destroy(c);
	return 0;
}
