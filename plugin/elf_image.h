/*
 * libjvm.so's memory as the dynamic loader and the C++ static initializers
 * would leave it, rebuilt from the file alone.
 *
 * The gHotSpotVM tables are statically initialized only in part: their name
 * strings are filled by R_X86_64_RELATIVE relocations, but in JDK 17-25
 * every field offset (offset_of() is not a constant expression there) is
 * stored by vmStructs.cpp's static initializer at load time.  So the image
 * applies the relocations and then replays the constant stores of every
 * .init_array function (ctor_emul.c), remembering which bytes those stores
 * wrote and which ones they wrote with a value the replay could not know.
 */
#ifndef AOTDBG_ELF_IMAGE_H
#define AOTDBG_ELF_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "elf_file.h"
#include "target.h"

struct aot_elf_image;

/* What the static-initializer replay covered. */
struct aot_ctor_stats {
	unsigned functions;		/* .init_array entries replayed */
	unsigned functions_cut;		/* ... stopped at an instruction the replay does not know */
	uint64_t instructions;
	uint64_t stores_known, stores_unknown;
};

/* Build the image of E (opened whole).  E must outlive the image. */
struct aot_err *aot_elf_image_create(struct aot_elf *e, struct aot_elf_image **ret);
void aot_elf_image_destroy(struct aot_elf_image *im);	/* NULL-safe */

/* Register the image's segments in T, at load bias BIAS. */
struct aot_err *aot_elf_image_add_to(struct aot_elf_image *im, struct aot_target *t, uint64_t bias);

/* Bytes of the image at link-time address ADDR; false if not all mapped. */
bool aot_elf_image_read(const struct aot_elf_image *im, uint64_t addr, void *dst, uint64_t len);

/* Who set [ADDR, ADDR+LEN): */
enum aot_image_origin {
	AOT_IMG_STATIC,		/* the file's bytes and relocations only */
	AOT_IMG_CTOR,		/* a static initializer, with a value the replay knows */
	AOT_IMG_UNKNOWN,	/* a static initializer, with a value it could not follow */
};
enum aot_image_origin aot_elf_image_origin(const struct aot_elf_image *im, uint64_t addr,
					   uint64_t len);

const struct aot_ctor_stats *aot_elf_image_ctor_stats(const struct aot_elf_image *im);

#endif
