#include "elf_file.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"

/* More relocations than any libjvm has (about 130 000) by a wide margin. */
#define MAX_RELOCS (8u << 20)
#define MAX_LOADS 64

struct aot_elf {
	char *path;
	struct aot_file *file;	/* whole-file opens */
	int fd;			/* lazy opens */
	Elf *elf;
	uint8_t build_id[AOT_BUILD_ID_MAX];
	size_t build_id_len;
	char *debuglink;
	uint32_t debuglink_crc;
	struct aot_elf_load loads[MAX_LOADS];
	size_t nloads;
	struct aot_elf_reloc *relocs;	/* built on first use */
	size_t nrelocs;
	bool relocs_done;
};

static struct aot_err *elf_error(const struct aot_elf *e, const char *what)
{
	return aot_err_input(e->path, 0, what, "%s", elf_errmsg(-1));
}

static Elf_Scn *find_section(const struct aot_elf *e, const char *name, GElf_Shdr *shdr)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(e->elf, &shstrndx) != 0)
		return NULL;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e->elf, scn))) {
		if (!gelf_getshdr(scn, shdr))
			continue;
		const char *n = elf_strptr(e->elf, shstrndx, shdr->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

bool aot_elf_has_section(const struct aot_elf *e, const char *name)
{
	GElf_Shdr shdr;
	Elf_Scn *scn = find_section(e, name, &shdr);
	return scn && shdr.sh_type != SHT_NOBITS && shdr.sh_size > 0;
}

struct aot_err *aot_elf_section_range(const struct aot_elf *e, const char *name, uint64_t *addr,
				      uint64_t *size)
{
	GElf_Shdr shdr;
	if (!find_section(e, name, &shdr))
		return aot_errf(AOT_ERR_NOT_FOUND, "%s: no section %s", e->path, name);
	*addr = shdr.sh_addr;
	*size = shdr.sh_size;
	return NULL;
}

/* Walk the notes of every SHT_NOTE section for the GNU build id. */
static void read_build_id(struct aot_elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	while ((scn = elf_nextscn(e->elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;
		while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)d->d_buf + name_off, "GNU", 4) != 0)
				continue;
			if (nh.n_descsz == 0 || nh.n_descsz > AOT_BUILD_ID_MAX)
				continue;
			memcpy(e->build_id, (const char *)d->d_buf + desc_off, nh.n_descsz);
			e->build_id_len = nh.n_descsz;
			return;
		}
	}
}

static void read_debuglink(struct aot_elf *e)
{
	GElf_Shdr shdr;
	Elf_Scn *scn = find_section(e, ".gnu_debuglink", &shdr);
	if (!scn || shdr.sh_type == SHT_NOBITS)
		return;
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !d->d_buf || d->d_size < 8)
		return;
	const char *s = d->d_buf;
	size_t n = strnlen(s, d->d_size);
	// The name, NUL, padding to 4, then the CRC-32 of the debug file.
	size_t crc_off = (n + 4) & ~(size_t)3;
	if (n == 0 || crc_off + 4 > d->d_size)
		return;
	e->debuglink = strndup(s, n);
	memcpy(&e->debuglink_crc, s + crc_off, 4);
}

static struct aot_err *read_loads(struct aot_elf *e)
{
	size_t phnum;
	if (elf_getphdrnum(e->elf, &phnum) != 0)
		return elf_error(e, "e_phnum");
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e->elf, (int)i, &ph))
			return elf_error(e, "program header");
		if (ph.p_type != PT_LOAD)
			continue;
		if (e->nloads == MAX_LOADS)
			return aot_err_input(e->path, 0, "e_phnum", "more than %d PT_LOAD segments",
					     MAX_LOADS);
		if (ph.p_filesz > ph.p_memsz || ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
			return aot_err_input(e->path, 0, "PT_LOAD",
					     "segment %zu has file size 0x%llx over memory size 0x%llx",
					     i, (unsigned long long)ph.p_filesz,
					     (unsigned long long)ph.p_memsz);
		e->loads[e->nloads++] = (struct aot_elf_load){
			.vaddr = ph.p_vaddr, .memsz = ph.p_memsz,
			.offset = ph.p_offset, .filesz = ph.p_filesz,
			.writable = ph.p_flags & PF_W, .executable = ph.p_flags & PF_X,
		};
	}
	return NULL;
}

struct aot_err *aot_elf_open(const char *path, bool whole, struct aot_elf **ret)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return aot_errf(AOT_ERR_UNSUPPORTED, "libelf: %s", elf_errmsg(-1));
	struct aot_elf *e = calloc(1, sizeof(*e));
	if (!e)
		return &aot_enomem;
	e->fd = -1;
	e->path = strdup(path);
	if (!e->path) {
		free(e);
		return &aot_enomem;
	}
	struct aot_err *err = NULL;
	if (whole) {
		err = aot_file_load(path, &e->file);
		if (!err && !(e->elf = elf_memory((char *)e->file->data, e->file->size)))
			err = elf_error(e, "ELF header");
	} else {
		e->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (e->fd < 0)
			err = aot_err_os(errno, "%s: cannot open", path);
		else if (!(e->elf = elf_begin(e->fd, ELF_C_READ, NULL)))
			err = elf_error(e, "ELF header");
	}
	GElf_Ehdr eh;
	if (!err && (elf_kind(e->elf) != ELF_K_ELF || !gelf_getehdr(e->elf, &eh)))
		err = aot_err_input(path, 0, "e_ident", "not an ELF file");
	if (!err && (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
		     eh.e_machine != EM_X86_64))
		err = aot_err_input(path, 0, "e_machine",
				    "not an x86-64 little-endian ELF64 file (machine %u, class %u)",
				    eh.e_machine, eh.e_ident[EI_CLASS]);
	if (!err && eh.e_type != ET_DYN)
		err = aot_err_input(path, 0x10, "e_type", "not a shared object (type %u)",
				    eh.e_type);
	if (!err)
		err = read_loads(e);
	if (err) {
		aot_elf_destroy(e);
		return err;
	}
	read_build_id(e);
	read_debuglink(e);
	*ret = e;
	return NULL;
}

void aot_elf_destroy(struct aot_elf *e)
{
	if (!e)
		return;
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	aot_file_destroy(e->file);
	free(e->relocs);
	free(e->debuglink);
	free(e->path);
	free(e);
}

const char *aot_elf_path(const struct aot_elf *e)
{
	return e->path;
}

size_t aot_elf_build_id(const struct aot_elf *e, const uint8_t **ret)
{
	*ret = e->build_id;
	return e->build_id_len;
}

const char *aot_elf_build_id_hex(const struct aot_elf *e, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < e->build_id_len && n + 3 <= len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%02x", e->build_id[i]);
	return buf;
}

const char *aot_elf_debuglink(const struct aot_elf *e, uint32_t *crc)
{
	if (crc)
		*crc = e->debuglink_crc;
	return e->debuglink;
}

static struct aot_err *symbol_in(const struct aot_elf *e, Elf64_Word type, const char *name,
				 uint64_t *value, uint64_t *size)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	while ((scn = elf_nextscn(e->elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != type || shdr.sh_entsize == 0)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		size_t n = shdr.sh_size / shdr.sh_entsize;
		for (size_t i = 0; i < n; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(d, (int)i, &sym))
				break;
			if (sym.st_shndx == SHN_UNDEF || sym.st_name == 0)
				continue;
			const char *s = elf_strptr(e->elf, shdr.sh_link, sym.st_name);
			if (s && !strcmp(s, name)) {
				*value = sym.st_value;
				if (size)
					*size = sym.st_size;
				return NULL;
			}
		}
	}
	return aot_errf(AOT_ERR_NOT_FOUND, "%s: no symbol %s", e->path, name);
}

struct aot_err *aot_elf_symbol(const struct aot_elf *e, const char *name, uint64_t *value,
			       uint64_t *size)
{
	struct aot_err *err = symbol_in(e, SHT_DYNSYM, name, value, size);
	if (err && err->code == AOT_ERR_NOT_FOUND) {
		aot_err_free(err);
		err = symbol_in(e, SHT_SYMTAB, name, value, size);
	}
	return err;
}

size_t aot_elf_load_count(const struct aot_elf *e)
{
	return e->nloads;
}

const struct aot_elf_load *aot_elf_load_at(const struct aot_elf *e, size_t i)
{
	return i < e->nloads ? &e->loads[i] : NULL;
}

uint64_t aot_elf_bytes(const struct aot_elf *e, const uint8_t **ret)
{
	if (!e->file) {
		*ret = NULL;
		return 0;
	}
	*ret = e->file->data;
	return e->file->size;
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct aot_elf_reloc *x = a, *y = b;
	return x->where < y->where ? -1 : x->where > y->where;
}

/* The value of dynamic symbol INDEX if it is defined here; false if not. */
static bool dynsym_value(const struct aot_elf *e, Elf_Data *syms, size_t nsyms, size_t index,
			 uint64_t *ret)
{
	GElf_Sym sym;
	if (!syms || index >= nsyms || !gelf_getsym(syms, (int)index, &sym) ||
	    sym.st_shndx == SHN_UNDEF)
		return false;
	(void)e;
	*ret = sym.st_value;
	return true;
}

struct aot_err *aot_elf_relocs(struct aot_elf *e, const struct aot_elf_reloc **ret, size_t *count)
{
	if (e->relocs_done) {
		*ret = e->relocs;
		*count = e->nrelocs;
		return NULL;
	}
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	size_t cap = 0;
	while ((scn = elf_nextscn(e->elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_RELA || shdr.sh_entsize == 0)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d)
			return elf_error(e, "SHT_RELA");
		Elf_Scn *symscn = elf_getscn(e->elf, shdr.sh_link);
		GElf_Shdr symhdr;
		Elf_Data *syms = NULL;
		size_t nsyms = 0;
		if (symscn && gelf_getshdr(symscn, &symhdr) && symhdr.sh_entsize &&
		    symhdr.sh_type == SHT_DYNSYM) {
			syms = elf_getdata(symscn, NULL);
			nsyms = symhdr.sh_size / symhdr.sh_entsize;
		}
		size_t n = shdr.sh_size / shdr.sh_entsize;
		if (n > MAX_RELOCS || e->nrelocs + n > MAX_RELOCS)
			return aot_err_input(e->path, shdr.sh_offset, "SHT_RELA",
					     "%zu relocations is more than the %u we accept", n,
					     MAX_RELOCS);
		if (e->nrelocs + n > cap) {
			cap = e->nrelocs + n;
			struct aot_elf_reloc *nr = realloc(e->relocs, cap * sizeof(*nr));
			if (!nr)
				return &aot_enomem;
			e->relocs = nr;
		}
		for (size_t i = 0; i < n; i++) {
			GElf_Rela r;
			if (!gelf_getrela(d, (int)i, &r))
				return elf_error(e, "SHT_RELA entry");
			uint64_t s;
			struct aot_elf_reloc out = { .where = r.r_offset, .size = 8 };
			switch (GELF_R_TYPE(r.r_info)) {
			case R_X86_64_RELATIVE:
				out.value = (uint64_t)r.r_addend;
				break;
			case R_X86_64_64:
			case R_X86_64_GLOB_DAT:
			case R_X86_64_JUMP_SLOT:
				if (!dynsym_value(e, syms, nsyms, GELF_R_SYM(r.r_info), &s))
					continue;
				out.value = s + (GELF_R_TYPE(r.r_info) == R_X86_64_64 ?
						 (uint64_t)r.r_addend : 0);
				break;
			default:
				continue;
			}
			e->relocs[e->nrelocs++] = out;
		}
	}
	qsort(e->relocs, e->nrelocs, sizeof(*e->relocs), cmp_reloc);
	e->relocs_done = true;
	*ret = e->relocs;
	*count = e->nrelocs;
	return NULL;
}
