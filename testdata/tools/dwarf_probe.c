/*
 * dwarf_probe: print type layouts as plugin/dwarf_types.c reads them, to
 * compare with gdb's `ptype/o` and to time the lookup and its disk cache.
 *
 *   dwarf_probe LIBJVM [--debug-file F] [--debug-dir D]... [--cache-dir D] TYPE...
 *
 * Not part of the library build.  Build it from the top directory, after
 * `make all` (or `make san`, with build/san/ and -fsanitize=address,undefined):
 *
 *   cc -std=gnu11 -D_GNU_SOURCE -Iplugin -I/usr/include/libdwarf -o build/dwarf_probe testdata/tools/dwarf_probe.c build/obj/{dwarf_types,type_layout,elf_file,err,file}.o -lelf -ldwarf -lz
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_types.h"
#include "elf_file.h"

#define MAX_DIRS 16

static void print_type(const char *name, const struct aot_type *t)
{
	if (!t) {
		printf("%s not found\n", name);
		return;
	}
	printf("%s size %llu\n", name, (unsigned long long)t->size);
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct aot_member *m = &t->members[i];
		printf("  %llu %llu ", (unsigned long long)m->offset, (unsigned long long)m->size);
		if (m->bit_size)
			printf("%u:%u ", m->bit_offset, m->bit_size);
		printf("%s : %s%s\n", m->name, m->type_name,
		       m->is_base ? " base" : m->is_static ? " static" : "");
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: dwarf_probe LIBJVM [--debug-file F] [--debug-dir D]... "
			"[--cache-dir D] TYPE...\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct aot_dwarf_opts opts = { 0 };
	const char *dirs[MAX_DIRS + 1] = { 0 };
	size_t ndirs = 0;
	const char **names = calloc((size_t)argc, sizeof(*names));
	size_t n = 0;
	const char *libjvm = NULL;
	if (!names)
		return 2;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--debug-file") && i + 1 < argc)
			opts.debug_file = argv[++i];
		else if (!strcmp(a, "--cache-dir") && i + 1 < argc)
			opts.cache_dir = argv[++i];
		else if (!strcmp(a, "--debug-dir") && i + 1 < argc && ndirs < MAX_DIRS)
			dirs[ndirs++] = argv[++i];
		else if (a[0] == '-' && a[1] == '-')
			return usage();
		else if (!libjvm)
			libjvm = a;
		else
			names[n++] = a;
	}
	if (!libjvm)
		return usage();
	if (ndirs)
		opts.debug_dirs = dirs;

	struct aot_elf *e = NULL;
	struct aot_dwarf *d = NULL;
	const struct aot_type **types = calloc(n ? n : 1, sizeof(*types));
	struct aot_err *err = types ? aot_elf_open(libjvm, false, &e) : &aot_enomem;
	if (!err)
		err = aot_dwarf_open(e, &opts, &d);
	if (!err) {
		printf("debug file %s\n", aot_dwarf_path(d));
		printf("cache file %s\n", aot_dwarf_cache_path(d) ? aot_dwarf_cache_path(d) : "(none)");
		err = aot_dwarf_types(d, names, n, types);
	}
	if (!err) {
		for (size_t i = 0; i < n; i++)
			print_type(names[i], types[i]);
		struct aot_dwarf_stats st;
		aot_dwarf_last_stats(d, &st);
		printf("stats: %s, %u CUs scanned, %.3f s%s\n",
		       st.from_cache ? "from cache" : "scanned", st.cus_scanned, st.seconds,
		       st.cache_saved ? ", cache saved" : "");
	}
	int status = 0;
	if (err) {
		fprintf(stderr, "dwarf_probe: %s\n", err->msg);
		status = aot_err_exit_status(err);
		aot_err_free(err);
	}
	aot_dwarf_destroy(d);
	aot_elf_destroy(e);
	free(types);
	free(names);
	return status;
}
