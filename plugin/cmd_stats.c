/* aot-stats: what the archive's metadata regions hold, per type, in the shape of the JVM's own table. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_tables.h"
#include "commands.h"
#include "heap.h"
#include "objwalk.h"

struct row {
	const char *type;
	uint64_t cnt[2], bytes[2];	/* [0] ro, [1] rw: the JVM's column order */
};

static const struct aot_col cols[] = {
	{ "type", "type", 20, AOT_LEFT },     { "ro_count", "ro_cnt", 8, AOT_RIGHT },
	{ "ro_bytes", "ro_bytes", 10, AOT_RIGHT }, { "rw_count", "rw_cnt", 8, AOT_RIGHT },
	{ "rw_bytes", "rw_bytes", 10, AOT_RIGHT }, { "all_count", "all_cnt", 8, AOT_RIGHT },
	{ "all_bytes", "all_bytes", 10, AOT_RIGHT },
};

static void out_row(struct aot_out *o, const struct row *r)
{
	aot_out_row_begin(o);
	aot_out_str(o, "type", r->type);
	aot_out_u64(o, "ro_count", r->cnt[0]);
	aot_out_u64(o, "ro_bytes", r->bytes[0]);
	aot_out_u64(o, "rw_count", r->cnt[1]);
	aot_out_u64(o, "rw_bytes", r->bytes[1]);
	aot_out_u64(o, "all_count", r->cnt[0] + r->cnt[1]);
	aot_out_u64(o, "all_bytes", r->bytes[0] + r->bytes[1]);
	aot_out_row_end(o);
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	(void)argv;
	if (argc != 1)
		return aot_errf(AOT_ERR_USAGE, "usage: aot-stats");
	struct aot_meta *m;
	const struct aot_objmap *om;
	struct aot_table_size sym, str;
	struct aot_err *err = aot_session_meta(s, &m);
	if (!err)
		err = aot_objmap_get(m, NULL, &om);
	if (!err)
		err = aot_string_symbol_tables(s, om->ar, &sym, &str);
	if (err)
		return err;
	/* MetaspaceObj::Type's order, as the JVM's table lists them, and the releases that have each */
	static const struct {
		const char *name;
		int from, to;
	} order[] = {
		{ "Class", 17, 99 }, { "Symbol", 17, 99 }, { "TypeArrayU1", 17, 99 }, { "TypeArrayU2", 17, 99 },
		{ "TypeArrayU4", 17, 99 }, { "TypeArrayU8", 17, 99 }, { "TypeArrayOther", 17, 99 },
		{ "Method", 17, 99 }, { "ConstMethod", 17, 99 }, { "MethodData", 17, 99 },
		{ "ConstantPool", 17, 99 }, { "ConstantPoolCache", 17, 99 }, { "Annotations", 17, 99 },
		{ "MethodCounters", 17, 99 }, { "RecordComponent", 17, 99 }, { "SharedClassPathEntry", 21, 21 },
		{ "KlassTrainingData", 25, 99 }, { "MethodTrainingData", 25, 99 }, { "CompileTrainingData", 25, 99 },
		{ "AdapterHandlerEntry", 25, 99 }, { "AdapterFingerPrint", 25, 99 }, { "CArray", 27, 99 },
		{ "GrowableArray", 27, 99 }, { "ModuleEntry", 27, 99 }, { "PackageEntry", 27, 99 },
		{ "Unknown", 100, 0 },
	};
	enum { NORDER = sizeof(order) / sizeof(order[0]) };
	struct row rows[NORDER];
	for (size_t k = 0; k < NORDER; k++)
		rows[k] = (struct row){ .type = order[k].name };
	/* each type's row, by the name the JVM's table gives it */
	size_t row_of[AOT_MT_COUNT];
	for (int t = 0; t < AOT_MT_COUNT; t++) {
		row_of[t] = NORDER - 1;
		for (size_t k = 0; k < NORDER; k++)
			if (!strcmp(order[k].name, aot_mtype_map_name((enum aot_mtype)t)))
				row_of[t] = k;
	}
	uint64_t objs[2] = { 0, 0 };
	for (size_t i = 0; i < om->n; i++) {
		const struct aot_mobj *ob = &om->v[i];
		size_t at = row_of[ob->type];
		int col = ob->region == 1 ? 0 : 1;
		/* the word before an InstanceKlass (its RunTimeClassInfo pointer) is allocated with it */
		uint64_t bytes = ob->size + (ob->info_word ? 8 : 0);
		rows[at].cnt[col]++;
		rows[at].bytes[col] += bytes;
		objs[col] += bytes;
	}
	struct row tail[] = {
		{ "SymbolHashentry", { sym.entries, 0 }, { sym.entry_bytes, 0 } },
		{ "SymbolBucket", { sym.buckets, 0 }, { sym.bucket_bytes, 0 } },
		{ "StringHashentry", { str.entries, 0 }, { str.entry_bytes, 0 } },
		{ "StringBucket", { str.buckets, 0 }, { str.bucket_bytes, 0 } },
		/* the cloned vtables open rw, before its first object */
		{ "CppVTables", { 0, m->feature >= 27 && om->ar->kind != AOT_KIND_DYNAMIC }, { 0, 0 } },
	};
	if (om->ar->kind != AOT_KIND_DYNAMIC)
		tail[4].bytes[1] = om->first[0] - om->base[0];
	uint64_t used[2] = { om->top[1] - om->base[1], om->top[0] - om->base[0] };
	uint64_t known[2] = { objs[0], objs[1] };
	for (size_t k = 0; k < sizeof(tail) / sizeof(tail[0]); k++)
		for (int c = 0; c < 2; c++)
			known[c] += tail[k].bytes[c];
	/* The JVM splits this into ModulesNatives, Gap and Other; the archive does not say where. */
	struct row other = { "Other", { 0, 0 },
			     { used[0] - known[0], used[1] - known[1] } };
	struct row total = { "Total", { 0, 0 }, { used[0], used[1] } };
	for (size_t k = 0; k < NORDER; k++)
		for (int c = 0; c < 2; c++)
			total.cnt[c] += rows[k].cnt[c];
	for (size_t k = 0; k < sizeof(tail) / sizeof(tail[0]); k++)
		for (int c = 0; c < 2; c++)
			total.cnt[c] += tail[k].cnt[c];

	aot_out_begin(o, "stats", NULL);
	aot_out_str(o, "archive", om->ar->path);
	aot_out_begin_table(o, "metadata", cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t k = 0; k < NORDER; k++)
		if (rows[k].cnt[0] + rows[k].cnt[1] ||
		    (m->feature >= order[k].from && m->feature <= order[k].to))
			out_row(o, &rows[k]);
	for (size_t k = 0; k < sizeof(tail) / sizeof(tail[0]); k++)
		out_row(o, &tail[k]);
	out_row(o, &other);
	out_row(o, &total);
	aot_out_end_table(o);
	/* a dynamic archive has no heap of its own */
	if (om->ar->kind != AOT_KIND_DYNAMIC)
		err = aot_heap_stats_out(m, om->ar, o);
	aot_out_end(o);
	return err;
}

const struct aot_cmd aot_cmd_stats = {
	.name = "aot-stats",
	.usage = "aot-stats [--json]",
	.summary = "counts and bytes per object type, like the JVM's \"Detailed metadata info\"",
	.help = "For the ro and rw regions: how many objects of each type and how many bytes,\n"
		"from the same walk as aot-map, in the shape of the table the JVM logs when it\n"
		"dumps the archive (-Xlog:cds=debug / aot=debug).  The shared symbol and string\n"
		"tables and the cloned vtables are counted from their headers; the rest of each\n"
		"region's tail (module graph, natives, serialized data, …: the JVM's\n"
		"ModulesNatives, Gap and Other) is one \"Other\" row.\n"
		"Then the archived heap objects per class.\n",
	.example = "aot-stats --json",
	.run = run,
};
