/*
 * An ELF file (libjvm.so or its separate debug file), read with libelf.
 *
 * Only x86-64 little-endian ELF64 shared objects are accepted: that is every
 * libjvm we support, and refusing anything else up front keeps the decoders
 * from guessing.  The file is read, never mapped (see file.h), except that a
 * debug file is opened lazily: libdwarf reads its sections itself, and we
 * only need its notes.
 */
#ifndef AOTDBG_ELF_FILE_H
#define AOTDBG_ELF_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct aot_elf;

/* Largest build id we keep (GNU build ids are 20 bytes). */
#define AOT_BUILD_ID_MAX 64

/*
 * Open PATH.  WHOLE reads the whole file into memory (what reading the
 * loadable segments needs); otherwise libelf reads only the parts asked for.
 */
struct aot_err *aot_elf_open(const char *path, bool whole, struct aot_elf **ret);
/* NULL-safe. */
void aot_elf_destroy(struct aot_elf *e);

const char *aot_elf_path(const struct aot_elf *e);

/* The GNU build id (NT_GNU_BUILD_ID); returns its length, 0 if there is none. */
size_t aot_elf_build_id(const struct aot_elf *e, const uint8_t **ret);
/* Lower-case hex of the build id into BUF (at least 2*AOT_BUILD_ID_MAX+1 bytes); "" if none. */
const char *aot_elf_build_id_hex(const struct aot_elf *e, char *buf, size_t len);

/* The .gnu_debuglink file name and CRC, or NULL if the file has none. */
const char *aot_elf_debuglink(const struct aot_elf *e, uint32_t *crc);

/* The link-time address and size of section NAME; AOT_ERR_NOT_FOUND if absent. */
struct aot_err *aot_elf_section_range(const struct aot_elf *e, const char *name, uint64_t *addr,
				      uint64_t *size);

/* Whether a section named NAME exists and has contents. */
bool aot_elf_has_section(const struct aot_elf *e, const char *name);

/*
 * Look up NAME among the dynamic symbols (what a stripped build still has),
 * then the static ones.  AOT_ERR_NOT_FOUND if absent or undefined.
 */
struct aot_err *aot_elf_symbol(const struct aot_elf *e, const char *name, uint64_t *value,
			       uint64_t *size);

/* One PT_LOAD segment. */
struct aot_elf_load {
	uint64_t vaddr, memsz, offset, filesz;
	bool writable, executable;
};
size_t aot_elf_load_count(const struct aot_elf *e);
const struct aot_elf_load *aot_elf_load_at(const struct aot_elf *e, size_t i);

/*
 * The file bytes (whole-file opens only): *RET points at the whole file and
 * the size is returned.
 */
uint64_t aot_elf_bytes(const struct aot_elf *e, const uint8_t **ret);

/* A dynamic relocation, resolved as far as the file alone allows. */
struct aot_elf_reloc {
	uint64_t where;		/* link-time address written */
	uint64_t value;		/* value at load bias 0 (RELATIVE: addend; symbol: S + A) */
	uint8_t size;		/* bytes written: 8 or 4 */
};
/*
 * Every relocation of .rela.dyn the file alone can resolve (RELATIVE, and
 * 64/GLOB_DAT/JUMP_SLOT against symbols defined here).  Borrowed; sorted by
 * `where`.
 */
struct aot_err *aot_elf_relocs(struct aot_elf *e, const struct aot_elf_reloc **ret, size_t *count);

#endif
