/* aot-map: every archived object, in the JVM's own map log format. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "heap.h"
#include "hexdump.h"
#include "archive.h"
#include "objwalk.h"

static const char *const region_names[2] = { "rw", "ro" };

static void object_line(struct aot_meta *m, struct aot_out *o, const struct aot_mobj *ob)
{
	char *name = aot_mobj_name(m, ob);
	const char *type = aot_mtype_map_name((enum aot_mtype)ob->type);
	if (aot_out_is_json(o)) {
		aot_out_row_begin(o);
		aot_out_hex(o, "address", ob->addr, 16);
		aot_out_str(o, "type", type);
		aot_out_u64(o, "size", ob->size);
		aot_out_str(o, "name", name);
		aot_out_row_end(o);
	} else if (aot_mobj_has_name(m, ob)) {
		aot_out_text(o, "0x%016" PRIx64 ": @@ %-17s %" PRIu32 " %s", ob->addr, type, ob->size,
			     name ? name : "?");
	} else {
		aot_out_text(o, "0x%016" PRIx64 ": @@ %-17s %" PRIu32, ob->addr, type, ob->size);
	}
	free(name);
}

/*
 * After each object's line the JVM dumps its bytes up to the next object
 * (what lies between is the previous object's), and before the first one
 * what precedes it.
 */
static void hex(struct aot_meta *m, struct aot_out *o, uint64_t from, uint64_t to, uint64_t top)
{
	struct aot_err *err = aot_hexdump(m, o, from, to, top, 8, m->feature >= 21);
	if (err) {
		aot_out_diag(o, "aot-map: 0x%016" PRIx64 ": %s", from, err->msg);
		aot_err_free(err);
	}
}

static void map_region(struct aot_meta *m, const struct aot_objmap *om, int r, struct aot_out *o, bool hexdump)
{
	static const struct aot_col cols[] = {
		{ "address", "address", 18, AOT_LEFT }, { "type", "type", 17, AOT_LEFT },
		{ "size", "size", 6, AOT_RIGHT },	{ "name", "name", 0, AOT_LEFT },
	};
	char title[32];
	snprintf(title, sizeof(title), "%s region", region_names[r]);
	if (aot_out_is_json(o)) {
		aot_out_begin(o, NULL, NULL);
		aot_out_str(o, "name", region_names[r]);
		aot_out_hex(o, "base", om->base[r], 16);
		aot_out_hex(o, "end", om->top[r], 16);
		aot_out_begin_table(o, "objects", cols, sizeof(cols) / sizeof(cols[0]));
	} else {
		aot_map_section_line(o, title, om->base[r], om->top[r]);
	}
	uint64_t at = om->base[r];
	for (size_t i = 0; i < om->n; i++) {
		if (om->v[i].region != r)
			continue;
		if (hexdump)
			hex(m, o, at, om->v[i].addr, om->top[r]);
		object_line(m, o, &om->v[i]);
		at = om->v[i].addr;
	}
	if (hexdump)
		hex(m, o, at, om->misc[r], om->top[r]);
	if (aot_out_is_json(o)) {
		if (om->misc[r] < om->end[r]) {
			aot_out_row_begin(o);
			aot_out_hex(o, "address", om->misc[r], 16);
			aot_out_str(o, "type", "Misc data");
			aot_out_u64(o, "size", om->end[r] - om->misc[r]);
			aot_out_str(o, "name", NULL);
			aot_out_row_end(o);
		}
		aot_out_end_table(o);
		aot_out_end(o);
	} else if (om->misc[r] < om->end[r]) {
		aot_out_text(o, "0x%016" PRIx64 ": @@ Misc data %" PRIu64 " bytes", om->misc[r],
			     om->end[r] - om->misc[r]);
		if (hexdump)
			hex(m, o, om->misc[r], om->end[r], om->top[r]);
	}
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	const char *only = NULL;
	bool hexdump = false, all = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--region") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--hex"))
			hexdump = true;
		else if (!strcmp(argv[i], "--all"))
			all = true;
		else
			return aot_errf(AOT_ERR_USAGE, "usage: aot-map [--region rw|ro|hp] [--hex] [--all]");
	}
	if (only && strcmp(only, "rw") && strcmp(only, "ro") && strcmp(only, "hp"))
		return aot_errf(AOT_ERR_USAGE, "aot-map: --region takes rw, ro or hp, not '%s'", only);
	struct aot_meta *m;
	const struct aot_objmap *om;
	struct aot_err *err = aot_session_meta(s, &m);
	if (!err)
		err = aot_objmap_get(m, NULL, &om);
	if (err)
		return err;
	bool json = aot_out_is_json(o);
	aot_out_begin(o, "map", NULL);
	if (json)
		aot_out_str(o, "archive", om->ar->path);
	/* the header's fields are aot-header's; its section line opens the map */
	if (!only && !json)
		aot_map_section_line(o, "header", 0, om->ar->header_size);
	if (json)
		aot_out_begin_list(o, "regions", NULL);
	for (int r = 0; r < 2; r++)
		if (!only || !strcmp(only, region_names[r]))
			map_region(m, om, r, o, hexdump);
	if (json)
		aot_out_end_list(o);
	if (!only) {
		const struct aot_region *bm = aot_archive_region(om->ar, "bm");
		if (bm && !json)
			aot_map_section_line(o, "bitmap", 0, bm->used);
	}
	struct aot_err *heap_err = NULL;
	if ((!only || !strcmp(only, "hp")) && om->ar->kind != AOT_KIND_DYNAMIC) {
		/* the JVM's trace level: hex dumps, and from 25 each object's fields */
		unsigned flags = (hexdump ? AOT_HEAP_MAP_HEX | AOT_HEAP_MAP_FIELDS : 0) | (all ? AOT_HEAP_MAP_ALL : 0);
		heap_err = aot_heap_map_out(m, om->ar, o, flags);
		if (heap_err)
			aot_out_diag(o, "aot-map: %s", heap_err->msg);
	}
	if (!only && !json)
		aot_out_text(o, "%s", m->feature >= 26 ? "[End of AOT cache map]" : "[End of CDS archive map]");
	if (json) {
		aot_out_u64(o, "unknown_objects", om->unknown);
		aot_out_u64(o, "unknown_bytes", om->unknown_bytes);
		aot_out_begin_list(o, "problems", NULL);
	}
	for (size_t i = 0; i < om->nproblems; i++) {
		if (json) {
			aot_out_begin(o, NULL, NULL);
			aot_out_hex(o, "address", om->problems[i].addr, 16);
			aot_out_str(o, "message", om->problems[i].msg);
			aot_out_end(o);
		}
		aot_out_diag(o, "aot-map: 0x%016" PRIx64 ": %s", om->problems[i].addr, om->problems[i].msg);
	}
	if (json)
		aot_out_end_list(o);
	aot_out_end(o);
	/* Each problem has had its line; the count closes the run, as its error when there are any. */
	size_t problems = om->nproblems + (heap_err != NULL);
	aot_err_free(heap_err);
	if (problems)
		return aot_errf(AOT_ERR_FORMAT, "%s: %zu unknown objects (%zu bytes), %zu problems", om->ar->path,
				om->unknown, om->unknown_bytes, problems);
	if (om->unknown)
		aot_out_diag(o, "aot-map: %zu unknown objects (%zu bytes), 0 problems", om->unknown,
			     om->unknown_bytes);
	return NULL;
}

const struct aot_cmd aot_cmd_map = {
	.name = "aot-map",
	.usage = "aot-map [--region rw|ro|hp] [--hex] [--all] [--json]",
	.summary = "every archived object, as the JVM's own map log lists it",
	.help = "Prints one line per archived object in address order, in the format of the\n"
		"map log (-Xlog:cds+map / aot+map) of the JVM version that made the archive:\n"
		"address, type, size and name.  Objects are found from the archive's roots\n"
		"(class tables, symbol table) by following each type's pointers and the\n"
		"pointer map.  What no pointer reaches is printed as \"@@ Unknown\" and counted\n"
		"on stderr; corrupt objects are reported there with their address, the map of\n"
		"the rest is still printed, and the exit status is 2.\n"
		"The heap section lists every archived Java object as that JDK's map does:\n"
		"address, narrow oop (25+), class, array length, a String's text, a mirror's\n"
		"class.  JDK 17's map lists no heap objects: aotdbg prints them in JDK 21's form.\n"
		"  --region R  only rw, ro or hp\n"
		"  --hex       what the JVM adds at trace level: each object's bytes, and from\n"
		"              JDK 25 each heap object's fields, elements and the roots\n"
		"  --all       JDK 21: go on past the first filler array, where the JVM's own\n"
		"              map stops with \"Unused heap space\"\n",
	.example = "aot-map --region ro",
	.salvage = true,
	.run = run,
};
