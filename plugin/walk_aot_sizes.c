/*
 * Sizes of the AOT cache types that only DWARF gives (training data,
 * AdapterHandlerEntry), measured from the archive when the build has no
 * DWARF (Temurin).  Each of these types has one size, and ArchiveBuilder
 * lays objects end to end, so an object ends where the next one starts.
 * The next object is found by the pointer map: every marked slot that holds
 * a cloned vtable address is the vptr of an object.  The smallest distance
 * from an object of the type to the next vptr is its size, less the word
 * the JVM keeps before every InstanceKlass.  On every corpus archive each
 * of these types is directly followed by a vtable object many times over.
 * AdapterFingerPrint has no vtable and a variable size: see
 * measure_fingerprints(); nor has a CompileTrainingData's ci_records array:
 * see measure_ci_records().
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "class_tables.h"
#include "objwalk_internal.h"

/* Objects of these types are small; a larger gap is another object in between. */
#define MEASURE_MAX 4096
#define MEASURE_FAILED UINT64_MAX
#define MEASURE_MAX_ELEMS (1u << 20)

/* The distance from ADDR to the next vptr slot (InstanceKlass prefix excluded), 0 if none near. */
static uint64_t gap_after(struct aot_walk *w, uint64_t addr)
{
	size_t first;
	aot_walk_slots(w, addr + 8, 0, &first);
	for (size_t i = first; i < w->om->nslots && w->om->slots[i] - addr <= MEASURE_MAX + 8; i++) {
		enum aot_mtype t = aot_meta_vtype(w->m, w->om->slots[i]);
		if (t != AOT_MT_UNKNOWN)
			return w->om->slots[i] - addr - (aot_mtype_is_instance_klass(t) ? 8 : 0);
	}
	return 0;
}

static void keep_min(uint64_t *min, uint64_t gap)
{
	if (gap && (!*min || gap < *min))
		*min = gap;
}

/* One pass over the vptr slots: the smallest gap after an object of each training data type. */
static void measure_training(struct aot_walk *w)
{
	uint64_t min[AOT_MT_COUNT] = { 0 }, prev = 0;
	enum aot_mtype prev_t = AOT_MT_UNKNOWN;
	for (size_t i = 0; i < w->om->nslots; i++) {
		uint64_t s = w->om->slots[i];
		enum aot_mtype t = aot_meta_vtype(w->m, s);
		if (t == AOT_MT_UNKNOWN)
			continue;
		if (prev_t != AOT_MT_UNKNOWN && s - prev <= MEASURE_MAX + 8)
			keep_min(&min[prev_t], s - prev - (aot_mtype_is_instance_klass(t) ? 8 : 0));
		prev = s;
		prev_t = t;
	}
	for (enum aot_mtype t = AOT_MT_KLASS_TRAINING_DATA; t <= AOT_MT_COMPILE_TRAINING_DATA; t++)
		w->measured[t] = min[t] ? min[t] : MEASURE_FAILED;
}

/* The adapter table names every AdapterHandlerEntry. */
static void measure_adapters(struct aot_walk *w)
{
	struct aot_aot_roots r;
	uint64_t min = 0;
	if (aot_ok(aot_aot_roots(w->m->s, w->om->ar, &r))) {
		for (size_t i = 0; i < r.nadapters; i++)
			keep_min(&min, gap_after(w, r.adapters[i]));
		aot_aot_roots_free(&r);
	}
	w->measured[AOT_MT_ADAPTER_HANDLER_ENTRY] = min ? min : MEASURE_FAILED;
}

/* The pointers an AdapterHandlerEntry holds: without DWARF, its marked slots (entry points are not archived). */
static size_t adapter_slots(struct aot_walk *w, uint64_t ahe, uint64_t size, uint64_t *out, size_t max)
{
	size_t first, n = aot_walk_slots(w, ahe, size, &first), k = 0;
	for (size_t i = first; i < first + n && k < max; i++) {
		uint64_t v;
		if (aot_ok(aot_meta_u64(w->m, w->om->slots[i], &v)) && v && aot_walk_region_of(w, v) >= 0 &&
		    aot_meta_vtype(w->m, v) == AOT_MT_UNKNOWN)
			out[k++] = v;
	}
	return k;
}

/*
 * AdapterFingerPrint without DWARF.  The source (sharedRuntime.cpp, 25-27)
 * declares it { int _length; } followed by _length ints, MetaspaceObj adding
 * no field.  We take that only if the archive agrees: no fingerprint may
 * overlap the next one, and many must end exactly where the next begins.
 */
static void measure_fingerprints(struct aot_walk *w)
{
	struct aot_aot_roots r;
	uint64_t ahe_size, *fp = NULL;
	size_t n = 0, agree = 0, disagree = 0;
	w->measured[AOT_MT_ADAPTER_FINGERPRINT] = MEASURE_FAILED;
	if (!aot_ok(aot_walk_aot_size(w, AOT_MT_ADAPTER_HANDLER_ENTRY, AOT_LF_SIZEOF_ADAPTER_HANDLER_ENTRY,
				      &ahe_size)) || !aot_ok(aot_aot_roots(w->m->s, w->om->ar, &r)))
		return;
	if (r.nadapters && (fp = malloc(r.nadapters * sizeof(*fp)))) {
		for (size_t i = 0; i < r.nadapters; i++)
			n += adapter_slots(w, r.adapters[i], ahe_size, fp + n, 1);
		qsort(fp, n, sizeof(*fp), aot_cmp_u64);
		for (size_t i = 0; i + 1 < n; i++) {
			uint32_t len;
			uint64_t gap = fp[i + 1] - fp[i];
			if (gap > 64 || !aot_ok(aot_meta_read(w->m, fp[i], &len, sizeof(len))))
				continue;
			uint64_t want = (4 + 4 * (uint64_t)len + 7) & ~7ull;
			agree += gap == want;
			disagree += gap < want;	/* a larger gap has another object in it */
		}
	}
	free(fp);
	aot_aot_roots_free(&r);
	if (agree >= 8 && !disagree)
		w->measured[AOT_MT_ADAPTER_FINGERPRINT] = 4;
}

struct aot_err *aot_walk_fingerprint_size(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	uint64_t base = 0, len = 0;
	struct aot_err *err = aot_meta_off(w->m, AOT_LF_SIZEOF_ADAPTER_FINGERPRINT, &base);
	if (!err)
		err = aot_meta_get(w->m, addr, AOT_LF_AFP_LENGTH, &len);
	if (err) {
		if (!w->measured[AOT_MT_ADAPTER_FINGERPRINT])
			measure_fingerprints(w);
		if (w->measured[AOT_MT_ADAPTER_FINGERPRINT] == MEASURE_FAILED)
			return err;
		uint32_t n;
		aot_err_free(err);
		if ((err = aot_meta_read(w->m, addr, &n, sizeof(n))))
			return err;
		base = w->measured[AOT_MT_ADAPTER_FINGERPRINT];
		len = n;
	}
	if (len > 4096)
		return aot_errf(AOT_ERR_FORMAT, "AdapterFingerPrint::_length %" PRIu64, len);
	*size = (base + 4 * len + 7) & ~7ull;
	return NULL;
}

/* The fingerprint of an AdapterHandlerEntry of SIZE bytes, queued. */
void aot_walk_adapter_fingerprint(struct aot_walk *w, uint64_t ahe, uint64_t size)
{
	uint64_t v, off;
	if (aot_meta_has(w->m, AOT_LF_AHE_FINGERPRINT)) {
		if (aot_ok(aot_meta_get(w->m, ahe, AOT_LF_AHE_FINGERPRINT, &v)) &&
		    aot_ok(aot_meta_off(w->m, AOT_LF_AHE_FINGERPRINT, &off)))
			aot_walk_push(w, v, AOT_MT_ADAPTER_FINGERPRINT, 0, ahe + off);
		return;
	}
	if (!w->measured[AOT_MT_ADAPTER_FINGERPRINT])
		measure_fingerprints(w);
	if (w->measured[AOT_MT_ADAPTER_FINGERPRINT] != MEASURE_FAILED && adapter_slots(w, ahe, size, &v, 1))
		aot_walk_push(w, v, AOT_MT_ADAPTER_FINGERPRINT, 0, ahe);
}

/* Array<TD*> at ARR: a dependency list, every element training data (with a TrainingData vtable). */
bool aot_walk_td_array(struct aot_walk *w, uint64_t arr)
{
	uint32_t n;
	uint64_t data, e;
	if (aot_walk_region_of(w, arr) < 0 || (arr & 7) ||
	    !aot_ok(aot_meta_array(w->m, arr, AOT_LF_ARRAY_KLASS_DATA, MEASURE_MAX_ELEMS, &n, &data)) || !n)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		if (!aot_ok(aot_meta_u64(w->m, data + 8 * (uint64_t)i, &e)) || !e || (e & 7))
			return false;
		enum aot_mtype t = aot_meta_vtype(w->m, e);
		if (t < AOT_MT_KLASS_TRAINING_DATA || t > AOT_MT_COMPILE_TRAINING_DATA)
			return false;
	}
	return true;
}

/* The arrays a CompileTrainingData of SIZE bytes points at that are not dependency lists: its ci_records. */
static size_t ci_arrays(struct aot_walk *w, uint64_t ctd, uint64_t size, uint64_t *out, size_t max)
{
	size_t first, n = aot_walk_slots(w, ctd + 8, size - 8, &first), k = 0;
	for (size_t i = first; i < first + n && k < max; i++) {
		uint64_t v;
		if (aot_ok(aot_meta_u64(w->m, w->om->slots[i], &v)) && v && !(v & 7) &&
		    aot_walk_region_of(w, v) >= 0 && aot_meta_vtype(w->m, v) == AOT_MT_UNKNOWN &&
		    !aot_walk_td_array(w, v))
			out[k++] = v;
	}
	return k;
}

/*
 * The size of a ci_records record (CompileTrainingData::ciRecords): each
 * record holds one MethodTrainingData pointer, so in an array of two or more
 * whose pointers are all set the marked slots are one record apart.  Every
 * such array must agree.
 */
static void measure_ci_records(struct aot_walk *w)
{
	uint64_t ctd_size, stride = 0;
	bool conflict = false;
	w->measured[AOT_MT_ARRAY_OTHER] = MEASURE_FAILED;
	if (!aot_ok(aot_walk_aot_size(w, AOT_MT_COMPILE_TRAINING_DATA, AOT_LF_SIZEOF_COMPILE_TRAINING_DATA,
				      &ctd_size)))
		return;
	for (size_t i = 0; i < w->om->nslots && !conflict; i++) {
		uint64_t arr, first;
		int32_t len;
		if (aot_meta_vtype(w->m, w->om->slots[i]) != AOT_MT_COMPILE_TRAINING_DATA ||
		    !ci_arrays(w, w->om->slots[i], ctd_size, &arr, 1) ||
		    !aot_ok(aot_meta_read(w->m, arr, &len, sizeof(len))) || len < 2)
			continue;
		size_t k, m = aot_walk_slots(w, arr + 8, MEASURE_MAX, &k);
		if (m < 2)
			continue;
		first = w->om->slots[k];
		uint64_t s = w->om->slots[k + 1] - first;
		/* a sample only if every record's pointer is marked: a null one would double the stride */
		if (s > MEASURE_MAX || aot_walk_slots(w, arr + 8, (uint64_t)len * s, &k) != (size_t)len)
			continue;
		if (first - (arr + 8) >= s || (stride && s != stride))
			conflict = true;
		stride = s;
	}
	if (stride && !conflict && !(stride & 7))
		w->measured[AOT_MT_ARRAY_OTHER] = stride;
}

void aot_walk_ci_records(struct aot_walk *w, uint64_t ctd, uint64_t size)
{
	uint64_t arr;
	if (!w->measured[AOT_MT_ARRAY_OTHER])
		measure_ci_records(w);
	if (w->measured[AOT_MT_ARRAY_OTHER] != MEASURE_FAILED && ci_arrays(w, ctd, size, &arr, 1))
		aot_walk_push(w, arr, AOT_MT_ARRAY_OTHER, AOT_WALK_OTHER(w->measured[AOT_MT_ARRAY_OTHER], 8), ctd);
}

struct aot_err *aot_walk_aot_size(struct aot_walk *w, enum aot_mtype t, enum aot_lf f, uint64_t *size)
{
	struct aot_err *err = aot_meta_off(w->m, f, size);
	if (!err || (t != AOT_MT_ADAPTER_HANDLER_ENTRY && (t < AOT_MT_KLASS_TRAINING_DATA ||
							   t > AOT_MT_COMPILE_TRAINING_DATA))) {
		if (!err)
			*size = (*size + 7) & ~7ull;
		return err;
	}
	if (!w->measured[t]) {
		if (t == AOT_MT_ADAPTER_HANDLER_ENTRY)
			measure_adapters(w);
		else
			measure_training(w);
	}
	if (w->measured[t] == MEASURE_FAILED || (w->measured[t] & 7))
		return err;
	aot_err_free(err);
	*size = w->measured[t];
	return NULL;
}
