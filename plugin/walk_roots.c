/*
 * Objects that only the serialized data or the header name: no class
 * reaches Universe's shared empty arrays when no class uses them, nor the
 * class path table of 17 and 21.
 */
#include "class_tables.h"
#include "objwalk_internal.h"
#include "session.h"

static void universe(struct aot_walk *w)
{
	static const enum aot_mtype types[AOT_UNIVERSE_ARRAYS] = {
		AOT_MT_ARRAY_U8, AOT_MT_ARRAY_U4, AOT_MT_ARRAY_U2, AOT_MT_ARRAY_U8, AOT_MT_ARRAY_U8, AOT_MT_ARRAY_U8,
	};
	uint64_t arrays[AOT_UNIVERSE_ARRAYS];
	struct aot_err *err = aot_universe_arrays(w->m->s, w->om->ar, arrays);
	if (err) {
		aot_walk_problem(w, 0, "Universe's arrays: %s", err->msg);
		aot_err_free(err);
		return;
	}
	for (unsigned i = 0; i < AOT_UNIVERSE_ARRAYS; i++)
		aot_walk_push(w, arrays[i], types[i], 0, 0);
}

/* Every marked slot of the Array<u8> at ARR points at a T. */
static void array_slots(struct aot_walk *w, uint64_t arr, enum aot_mtype t)
{
	uint32_t len;
	if (!aot_ok(aot_meta_read(w->m, arr, &len, sizeof(len))) || len > (1u << 20))
		return;
	aot_walk_push_other_slots(w, arr, 8 + 8 * (uint64_t)len, 0, t);
}

/*
 * FileMapInfo's shared path table: in 17 an Array<u8> holding the entries,
 * whose pointers are their names and manifests; in 21 an array of pointers
 * to SharedClassPathEntry objects.
 */
static void shared_path_table(struct aot_walk *w)
{
	uint64_t req;
	if (!aot_archive_hdr_addr(w->om->ar, AOT_R_SHARED_PATH_TABLE, &req))
		return;
	uint64_t table = aot_meta_from_requested(w->m, w->om->ar, req);
	aot_walk_push(w, table, AOT_MT_ARRAY_U8, 0, 0);
	array_slots(w, table, w->m->feature >= 21 ? AOT_MT_SHARED_CLASS_PATH_ENTRY : AOT_MT_ARRAY_U1);
}

void aot_walk_roots(struct aot_walk *w)
{
	universe(w);
	shared_path_table(w);
	aot_walk_aot_roots(w);
}
