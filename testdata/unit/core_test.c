/*
 * Prints what plugin/target_core.c reads from a core, for
 * testdata/tests/test_core.py to compare with the live process.  Build from
 * the repository root:
 *
 *   cc -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -fsanitize=address,undefined \
 *      -Iplugin testdata/unit/core_test.c plugin/target_core.c plugin/target.c \
 *      plugin/mappings.c plugin/file.c plugin/err.c -o /tmp/core_test
 *   /tmp/core_test CORE [ADDR[:LEN]]...
 *
 * Output, one item a line:
 *   pid N / fname S / command S / truncated N / skipped N
 *   load START END NAME          (each segment registered, hex)
 *   file START END OFFSET PATH   (each NT_FILE entry, hex)
 *   read ADDR HEX | read ADDR error: MESSAGE
 * A core that does not open: "error: MESSAGE" and exit status 2.
 */
#include "target_core.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void read_at(struct aot_target *t, const char *arg)
{
	char *end;
	uint64_t addr = strtoull(arg, &end, 16);
	size_t len = *end == ':' ? strtoull(end + 1, NULL, 0) : 16;
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return;
	struct aot_err *err = aot_target_read(t, buf, addr, len);
	if (err) {
		printf("read %" PRIx64 " error: %s\n", addr, err->msg);
		aot_err_free(err);
	} else {
		printf("read %" PRIx64 " ", addr);
		for (size_t i = 0; i < len; i++)
			printf("%02x", buf[i]);
		printf("\n");
	}
	free(buf);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORE [ADDR[:LEN]]...\n", argv[0]);
		return 2;
	}
	struct aot_core *c;
	struct aot_target *t = NULL;
	struct aot_err *err = aot_core_open(argv[1], &c);
	if (!err) {
		err = aot_target_create(&t);
		if (!err)
			err = aot_core_add_to(c, t);
		if (err)
			aot_core_destroy(c);
	}
	if (err) {
		printf("error: %s\n", err->msg);
		aot_err_free(err);
		aot_target_destroy(t);
		return 2;
	}
	printf("pid %d\nfname %s\ncommand %s\n", aot_core_pid(c), aot_core_fname(c),
	       aot_core_command(c));
	printf("truncated %zu\nskipped %zu\n", aot_core_truncated(c), aot_core_skipped(c));
	for (size_t i = 0; i < aot_target_segment_count(t); i++) {
		const struct aot_segment *s = aot_target_segment(t, i);
		printf("load %" PRIx64 " %" PRIx64 " %s\n", s->start, s->start + s->len,
		       s->name ? s->name : "-");
	}
	const struct aot_mappings *m = aot_core_mappings(c);
	for (size_t i = 0; i < m->n; i++)
		printf("file %" PRIx64 " %" PRIx64 " %" PRIx64 " %s\n", m->v[i].start, m->v[i].end,
		       m->v[i].offset, m->v[i].path ? m->v[i].path : "");
	for (int i = 2; i < argc; i++)
		read_at(t, argv[i]);
	aot_target_destroy(t);
	aot_core_destroy(c);
	return 0;
}
