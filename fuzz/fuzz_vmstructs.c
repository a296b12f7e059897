/*
 * The gHotSpotVM table reader over a fuzzer-supplied memory image: one
 * segment at IMAGE_BASE holding the fuzzer's bytes.  Its first words are
 * the variables libjvm exports (the four table pointers, then the twenty
 * entry-layout offsets and strides); whatever they point at is the tables
 * and their strings, as in a live process (no ELF image, so no origins).
 */
#include <string.h>

#include "../plugin/vmstructs.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IMAGE_BASE 0x100000u

struct image {
	const uint8_t *data;
	size_t size;
};

static struct aot_err *read_image(void *dst, uint64_t addr, size_t len, uint64_t seg_off, void *arg)
{
	(void)addr;
	const struct image *im = arg;
	memcpy(dst, im->data + seg_off, len);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image im = { data, size };
	struct aot_target *t;
	if (!aot_ok(aot_target_create(&t)))
		return 0;
	if (size && !aot_ok(aot_target_add_segment(t, IMAGE_BASE, size, read_image, &im, "fuzz", "image"))) {
		aot_target_destroy(t);
		return 0;
	}
	struct aot_vm_syms syms = {
		.structs = IMAGE_BASE, .types = IMAGE_BASE + 8, .ints = IMAGE_BASE + 16, .longs = IMAGE_BASE + 24,
	};
	for (size_t i = 0; i < 20; i++)
		syms.layout[i] = IMAGE_BASE + 32 + 8 * i;
	struct aot_vmstructs *v;
	struct aot_err *err = aot_vmstructs_read(t, &syms, 0, NULL, &v);
	if (err) {
		fz_check_err(err, NULL);
	} else {
		// The lookups the layout code makes, over whatever was decoded.
		(void)aot_vmstructs_field(v, "Klass", "_name");
		(void)aot_vmstructs_type(v, "InstanceKlass");
		(void)aot_vmstructs_int(v, "LogBytesPerWord");
		(void)aot_vmstructs_long(v, "markWord::age_shift");
		(void)aot_vmstructs_size_of(v, "Symbol*");
		(void)aot_vmstructs_size_of(v, "u2");
		for (size_t i = 0; i < v->nfields; i++)
			if (v->fields[i].type_string)
				(void)aot_vmstructs_size_of(v, v->fields[i].type_string);
		aot_vmstructs_destroy(v);
	}
	aot_target_destroy(t);
	return 0;
}
