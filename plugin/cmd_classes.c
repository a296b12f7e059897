/* aot-classes: every archived class, with kind, size, loader and name. */
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_tables.h"
#include "classes.h"
#include "commands.h"
#include "klass_extra.h"

static const struct aot_col class_cols[] = {
	{ "address", "address", 18, AOT_LEFT },
	{ "kind", "kind", 19, AOT_LEFT },
	{ "size", "size", 6, AOT_RIGHT },
	{ "loader", "loader", 12, AOT_LEFT },
	{ "name", "name", 0, AOT_LEFT },
};

struct counts {
	size_t n[AOT_MT_COUNT][AOT_LOADER_UNREGISTERED + 1];
	uint64_t bytes[AOT_MT_COUNT];
	size_t hidden;
};

static void out_counts(struct aot_out *o, const struct counts *c, const struct aot_class_list *l)
{
	static const struct aot_col cols[] = {
		{ "kind", "kind", 19, AOT_LEFT },    { "boot", "boot", 6, AOT_RIGHT },
		{ "platform", "platform", 8, AOT_RIGHT }, { "app", "app", 6, AOT_RIGHT },
		{ "unregistered", "unregistered", 12, AOT_RIGHT },
		{ "unknown", "unknown", 7, AOT_RIGHT }, { "total", "total", 6, AOT_RIGHT },
		{ "bytes", "bytes", 9, AOT_RIGHT },
	};
	aot_out_begin_table(o, "counts", cols, sizeof(cols) / sizeof(cols[0]));
	size_t all = 0;
	for (int t = 0; t < AOT_MT_COUNT; t++) {
		size_t total = 0;
		for (int ld = 0; ld <= AOT_LOADER_UNREGISTERED; ld++)
			total += c->n[t][ld];
		if (!total)
			continue;
		all += total;
		aot_out_row_begin(o);
		aot_out_str(o, "kind", aot_klass_kind_name((enum aot_mtype)t));
		aot_out_u64(o, "boot", c->n[t][AOT_LOADER_BOOT]);
		aot_out_u64(o, "platform", c->n[t][AOT_LOADER_PLATFORM]);
		aot_out_u64(o, "app", c->n[t][AOT_LOADER_APP]);
		aot_out_u64(o, "unregistered", c->n[t][AOT_LOADER_UNREGISTERED]);
		aot_out_u64(o, "unknown", c->n[t][AOT_LOADER_UNKNOWN]);
		aot_out_u64(o, "total", total);
		aot_out_u64(o, "bytes", c->bytes[t]);
		aot_out_row_end(o);
	}
	aot_out_end_table(o);
	aot_out_u64(o, "classes", all);
	aot_out_u64(o, "hidden", c->hidden);
	aot_out_u64(o, "found_by_tables", l->by_table);
	aot_out_u64(o, "found_by_links", l->by_link);
	aot_out_u64(o, "found_by_vtables_only", l->by_vtable);
}

static struct aot_err *run_classes(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	const char *glob = NULL;
	bool count = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--count") == 0)
			count = true;
		else if (argv[i][0] == '-')
			return aot_errf(AOT_ERR_USAGE, "aot-classes: unknown option '%s'", argv[i]);
		else if (!glob)
			glob = argv[i];
		else
			return aot_errf(AOT_ERR_USAGE, "aot-classes: one pattern only ('%s')", argv[i]);
	}
	struct aot_meta *m;
	struct aot_err *err = aot_session_meta(s, &m);
	struct aot_class_list l;
	if (!err)
		err = aot_classes_collect(m, &l);
	if (err)
		return err;
	struct counts c;
	memset(&c, 0, sizeof(c));
	if (!count)
		aot_out_begin_table(o, "classes", class_cols, sizeof(class_cols) / sizeof(class_cols[0]));
	for (size_t i = 0; i < l.n && !err; i++) {
		struct aot_klass k;
		err = aot_klass_decode(m, l.v[i].addr, &k);
		if (err)
			break;
		if (!glob || fnmatch(glob, k.ext_name, 0) == 0 || fnmatch(glob, k.name, 0) == 0) {
			const char *why;
			enum aot_loader ld = aot_klass_loader(m, &k, &why);
			c.n[k.type][ld]++;
			c.bytes[k.type] += k.size;
			c.hidden += k.hidden;
			if (!count) {
				aot_out_row_begin(o);
				aot_out_hex(o, "address", k.addr, 16);
				aot_out_str(o, "kind", aot_klass_kind_name(k.type));
				aot_out_u64(o, "size", k.size);
				aot_out_str(o, "loader", aot_loader_name(ld));
				aot_out_str(o, "name", k.ext_name);
				aot_out_bool(o, "hidden", k.hidden);
				aot_out_str(o, "archive", l.v[i].ar ? l.v[i].ar->path : NULL);
				aot_out_row_end(o);
			}
		}
		aot_klass_fini(&k);
	}
	if (!count && !err)
		aot_out_end_table(o);
	if (!err && count)
		out_counts(o, &c, &l);
	else if (!err && l.by_vtable)
		aot_out_text(o, "%zu classes were found only by their vtables, not from the archive's "
			     "tables", l.by_vtable);
	aot_classes_free(&l);
	return err;
}

const struct aot_cmd aot_cmd_classes = {
	.name = "aot-classes",
	.usage = "aot-classes [GLOB] [--count] [--json]",
	.summary = "every archived class: address, kind, size, loader, name",
	.help = "Lists every class in the open archives (a dynamic archive's base included):\n"
		"instance classes, object and primitive array classes, hidden classes, lambda\n"
		"proxies and LambdaForm holders, in address order.  Columns: address (in the\n"
		"space the archives are placed in: requested base, or --base), kind, size in\n"
		"bytes as the JVM's map prints it, defining loader (boot, platform, app,\n"
		"unregistered for custom loaders), and the name in Java form as the map prints it.\n"
		"Classes are found from the archive's own tables and the links between classes.\n\n"
		"  GLOB      only names matching this shell pattern (Java or internal form)\n"
		"  --count   totals per kind and loader instead of the list\n",
	.example = "aot-classes 'java.util.concurrent.*'",
	.run = run_classes,
};
