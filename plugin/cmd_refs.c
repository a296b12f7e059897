/* aot-refs: every archived pointer slot that points into an object. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd_meta_util.h"
#include "commands.h"
#include "objwalk.h"

static void out_obj(struct aot_meta *m, struct aot_out *o, const char *prefix, const struct aot_mobj *ob)
{
	char key[32];
	char *name = aot_mobj_name(m, ob);
	snprintf(key, sizeof(key), "%stype", prefix);
	aot_out_str(o, key, aot_mtype_map_name((enum aot_mtype)ob->type));
	snprintf(key, sizeof(key), "%sname", prefix);
	aot_out_str(o, key, name ? name : "");
	free(name);
}

static bool in_misc(const struct aot_objmap *om, uint64_t a)
{
	return (a >= om->misc[0] && a < om->end[0]) || (a >= om->misc[1] && a < om->end[1]);
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	static const struct aot_col cols[] = {
		{ "slot", "slot", 18, AOT_LEFT },	{ "value", "value", 18, AOT_LEFT },
		{ "holder", "holder", 18, AOT_LEFT }, { "offset", "+off", 5, AOT_RIGHT },
		{ "holder_type", "type", 17, AOT_LEFT }, { "holder_name", "name", 0, AOT_LEFT },
	};
	if (argc != 2 || argv[1][0] == '-')
		return aot_errf(AOT_ERR_USAGE, "usage: aot-refs ADDR");
	uint64_t addr;
	struct aot_meta *m;
	const struct aot_objmap *om;
	struct aot_err *err = aot_parse_u64(argv[1], "address", &addr);
	if (!err)
		err = aot_session_meta(s, &m);
	if (!err)
		err = aot_objmap_get(m, NULL, &om);
	if (err)
		return err;
	const struct aot_mobj *target = aot_objmap_find(om, addr, NULL);
	if (!target)
		return aot_errf(AOT_ERR_NOT_FOUND, "0x%016" PRIx64 " is not inside an object of %s's rw or ro region",
				addr, om->ar->path);
	aot_out_begin(o, "refs", NULL);
	aot_out_begin(o, "target", NULL);
	aot_out_hex(o, "address", target->addr, 16);
	out_obj(m, o, "", target);
	aot_out_u64(o, "size", target->size);
	aot_out_end(o);
	aot_out_begin_table(o, "refs", cols, sizeof(cols) / sizeof(cols[0]));
	size_t n = 0;
	for (size_t i = 0; i < om->nslots; i++) {
		uint64_t v;
		if (!aot_ok(aot_meta_u64(m, om->slots[i], &v)) || v < target->addr || v - target->addr >= target->size)
			continue;
		const struct aot_mobj *h = aot_objmap_find(om, om->slots[i], NULL);
		aot_out_row_begin(o);
		aot_out_hex(o, "slot", om->slots[i], 16);
		aot_out_hex(o, "value", v, 16);
		if (h) {
			aot_out_hex(o, "holder", h->addr, 16);
			aot_out_u64(o, "offset", om->slots[i] - h->addr);
			out_obj(m, o, "holder_", h);
		} else if (in_misc(om, om->slots[i])) {
			/* the tables and serialized data after the last object */
			int r = om->slots[i] >= om->misc[1] && om->slots[i] < om->end[1];
			aot_out_hex(o, "holder", om->misc[r], 16);
			aot_out_u64(o, "offset", om->slots[i] - om->misc[r]);
			aot_out_str(o, "holder_type", "Misc data");
			aot_out_str(o, "holder_name", "");
		} else {
			/* the vtables before the first object, or an InstanceKlass's RunTimeClassInfo word */
			aot_out_str(o, "holder", NULL);
			aot_out_str(o, "holder_type", "Misc data");
			aot_out_str(o, "holder_name", "");
		}
		aot_out_row_end(o);
		n++;
	}
	aot_out_end_table(o);
	aot_out_u64(o, "count", n);
	aot_out_end(o);
	return NULL;
}

const struct aot_cmd aot_cmd_refs = {
	.name = "aot-refs",
	.usage = "aot-refs ADDR [--json]",
	.summary = "every archived pointer into the object at ADDR, and who holds it",
	.help = "Finds the object containing ADDR (as aot-map lists it) and every slot the\n"
		"archive's pointer maps mark in rw and ro whose value points into that object:\n"
		"the slot, the value, and the object holding the slot (address, offset, type,\n"
		"name), or \"Misc data\" for the tables and serialized data.\n",
	.example = "aot-refs 0x800000e80",
	.addr_args = true,
	.run = run,
};
