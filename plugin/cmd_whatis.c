/* aot-whatis: what an address is in the archives. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd_meta_util.h"
#include "commands.h"
#include "heap.h"
#include "objwalk.h"

/* The archived Java object containing ADDR, as aot-map's heap lines name it. */
static struct aot_err *heap_object(struct aot_meta *m, const struct aot_archive *ar, uint64_t addr,
				   struct aot_out *o)
{
	struct aot_heap *h;
	struct aot_heap_obj ob;
	struct aot_err *err = aot_heap_open(m, ar, &h);
	if (err)
		return err;
	err = aot_heap_containing(h, addr, &ob);
	if (!err) {
		aot_out_str(o, "type", "Object");
		aot_out_str(o, "class", ob.cls ? ob.cls->k.ext_name : NULL);
		aot_out_hex(o, "klass", ob.klass, 16);
		aot_out_hex(o, "start", ob.addr, 16);
		aot_out_hex(o, "narrow", ob.narrow, 8);
		aot_out_u64(o, "size", ob.size);
		aot_out_u64(o, "offset", addr - ob.addr);
		if (ob.length >= 0)
			aot_out_i64(o, "length", ob.length);
	}
	aot_heap_close(h);
	return err;
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	if (argc != 2 || argv[1][0] == '-')
		return aot_errf(AOT_ERR_USAGE, "usage: aot-whatis ADDR");
	uint64_t addr;
	struct aot_meta *m;
	struct aot_err *err = aot_parse_u64(argv[1], "address", &addr);
	if (!err)
		err = aot_session_meta(s, &m);
	if (err)
		return err;
	aot_out_begin(o, "whatis", NULL);
	aot_out_hex(o, "address", addr, 16);
	const char *region = NULL;
	const struct aot_archive *ar = aot_meta_archive_of(m, addr, &region);
	if (!ar) {
		aot_out_str(o, "archive", NULL);
		aot_out_str(o, "what", "not in any archive");
		aot_out_end(o);
		return NULL;
	}
	char buf[64];
	aot_out_str(o, "archive", ar->path);
	aot_out_str(o, "region", region);
	aot_out_str(o, "where", aot_describe_addr(s, s->archives[0], addr, buf, sizeof(buf)));
	const struct aot_region *reg = aot_archive_region(ar, region);
	if (reg && reg->is_heap) {
		err = heap_object(m, ar, addr, o);
		aot_out_end(o);
		return err;
	}
	const struct aot_objmap *om;
	if ((err = aot_objmap_get(m, ar, &om))) {
		aot_out_end(o);
		return err;
	}
	const struct aot_mobj *before;
	const struct aot_mobj *ob = aot_objmap_find(om, addr, &before);
	if (ob) {
		char *name = aot_mobj_name(m, ob);
		aot_out_str(o, "type", aot_mtype_map_name((enum aot_mtype)ob->type));
		aot_out_str(o, "cxx_type", aot_mtype_cxx_name((enum aot_mtype)ob->type));
		aot_out_hex(o, "start", ob->addr, 16);
		aot_out_u64(o, "size", ob->size);
		aot_out_u64(o, "offset", addr - ob->addr);
		aot_out_str(o, "name", name ? name : "");
		free(name);
	} else {
		aot_out_str(o, "what", addr >= om->misc[0] && addr < om->end[0] ? "in rw's Misc data (tables, serialized data)"
			    : addr >= om->misc[1] && addr < om->end[1] ? "in ro's Misc data (tables, serialized data)"
			    : "not inside an archived object (the cloned vtables, or between objects)");
		if (before) {
			char *name = aot_mobj_name(m, before);
			aot_out_strf(o, "nearest_before", "%s %s at 0x%016" PRIx64 " (ends 0x%016" PRIx64 ")",
				     aot_mtype_map_name((enum aot_mtype)before->type), name ? name : "",
				     before->addr, before->addr + before->size);
			free(name);
		}
	}
	aot_out_end(o);
	return NULL;
}

const struct aot_cmd aot_cmd_whatis = {
	.name = "aot-whatis",
	.usage = "aot-whatis ADDR [--json]",
	.summary = "which archive, region and object an address is in",
	.help = "Says which archive and region ADDR is in, and which object contains it:\n"
		"type (as the JVM's map names it), start, size, name and the offset of ADDR in\n"
		"it.  Objects are those aot-map lists, archived Java objects included (their\n"
		"class, narrow oop and array length).  An address outside every archive is\n"
		"\"not in any archive\".\n",
	.example = "aot-whatis 0x8002bb690",
	.addr_args = true,
	.run = run,
};
