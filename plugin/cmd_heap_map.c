/* aot-map-heap: the heap part of the JVM's map log, from the archive. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "heap.h"

static const struct aot_col stat_cols[] = {
	{ "count", "count", 8, AOT_RIGHT },
	{ "bytes", "bytes", 10, AOT_RIGHT },
	{ "class", "class", 0, AOT_LEFT },
};

/* Per-class counts (aot_heap_stats), and the totals the JVM's dump log states. */
static struct aot_err *stats(struct aot_meta *m, const struct aot_archive *ar, struct aot_out *o)
{
	struct aot_heap *h;
	struct aot_err *err = aot_heap_open(m, ar, &h);
	if (err)
		return err;
	struct aot_heap_class_stat *v = NULL;
	size_t n = 0;
	struct aot_heap_totals t;
	if (h->nregions)
		err = aot_heap_stats(h, &v, &n, &t);
	if (!err && h->nregions) {
		aot_out_begin_table(o, "heap_classes", stat_cols, sizeof(stat_cols) / sizeof(stat_cols[0]));
		for (size_t i = 0; i < n; i++) {
			aot_out_row_begin(o);
			aot_out_u64(o, "count", v[i].count);
			aot_out_u64(o, "bytes", v[i].bytes);
			aot_out_str(o, "class", v[i].name);
			aot_out_hex(o, "klass", v[i].klass, 16);
			aot_out_row_end(o);
		}
		aot_out_end_table(o);
		aot_out_begin(o, "heap_totals", "totals");
		aot_out_str(o, "archive", ar->path);
		aot_out_u64(o, "objects", t.objects);
		aot_out_u64(o, "bytes", t.bytes);
		aot_out_u64(o, "classes", n);
		aot_out_u64(o, "fillers", t.fillers);
		aot_out_u64(o, "filler_bytes", t.filler_bytes);
		aot_out_u64(o, "roots", t.roots);
		aot_out_end(o);
	} else if (!err) {
		aot_out_text(o, "%s has no archived heap", ar->path);
	}
	free(v);
	aot_heap_close(h);
	return err;
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	unsigned flags = 0;
	bool want_stats = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--hex"))
			flags |= AOT_HEAP_MAP_HEX;
		else if (!strcmp(argv[i], "--fields"))
			flags |= AOT_HEAP_MAP_FIELDS;
		else if (!strcmp(argv[i], "--all"))
			flags |= AOT_HEAP_MAP_ALL;
		else if (!strcmp(argv[i], "--stats"))
			want_stats = true;
		else
			return aot_errf(AOT_ERR_USAGE, "usage: aot-map-heap [--hex] [--fields] [--all] | --stats");
	}
	struct aot_meta *m;
	struct aot_err *err = aot_session_meta(s, &m);
	if (err)
		return err;
	const struct aot_archive *ar = s->archives[0];
	if (want_stats)
		return stats(m, ar->kind == AOT_KIND_DYNAMIC && ar->base ? ar->base : ar, o);
	if (ar->kind == AOT_KIND_DYNAMIC && ar->base)
		aot_out_text(o, "(%s is a dynamic archive: it has no heap; its base archive %s has)", ar->path,
			     ar->base->path);
	return aot_heap_map_out(m, ar, o, flags);
}

const struct aot_cmd aot_cmd_map_heap = {
	.name = "aot-map-heap",
	.usage = "aot-map-heap [--hex] [--fields] [--all] | --stats [--json]",
	.summary = "the archived heap objects, line for line as the JVM's map log prints them",
	.help = "Prints the heap section of the archive's map as the JVM that made it prints\n"
		"it (-Xlog:cds+map / aot+map): the section line, then one line per heap object\n"
		"in address order with its address, narrow oop (25+), class, array length and a\n"
		"String's text or a Class mirror's signature.  JDK 17's map lists no heap\n"
		"objects: aotdbg prints them in JDK 21's form.\n"
		"  --hex     add the JVM's hex dump lines of each object (its trace level)\n"
		"  --fields  25+: add the JVM's aot+map+oops lines: each object's fields with\n"
		"            their values, array elements, the roots\n"
		"  --all     JDK 21: go on past the first filler array, where the JVM's own map\n"
		"            stops with \"Unused heap space\"\n"
		"  --stats   instead: objects and bytes per class, and the totals the JVM's\n"
		"            dump log states (\"Size of heap region = N bytes, N objects, N\n"
		"            roots\"); filler arrays are counted apart\n"
		"With --json: a list of objects {address, narrow, klass, class, size, length,\n"
		"kind, region}.  A corrupt object stops the listing with an error naming its\n"
		"address and the field (exit status 2).\n",
	.example = "aot-map-heap --hex",
	.run = run,
};
