#include "target_core.h"

#include <elf.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif

/*
 * The x86-64 layouts of struct elf_prstatus and struct elf_prpsinfo
 * (<sys/procfs.h>), fixed by the kernel ABI: only the fields we read.
 */
#define PRSTATUS_PID 32
#define PRPSINFO_PID 24
#define PRPSINFO_FNAME 40
#define PRPSINFO_FNAME_LEN 16
#define PRPSINFO_PSARGS 56
#define PRPSINFO_PSARGS_LEN 80
#define PRPSINFO_SIZE (PRPSINFO_PSARGS + PRPSINFO_PSARGS_LEN)

/* Limits on what is read up front: no real core comes near them. */
#define CORE_MAX_PHDRS (1u << 24)
#define CORE_MAX_HEADERS (256u << 20)
#define CORE_MAX_NOTES (256u << 20)

/* NT_FILE: count and page_size, then per file {start, end, page_offset}. */
#define NT_FILE_HEADER 16
#define NT_FILE_ENTRY 24

struct core_load {
	const struct aot_core *core;
	uint64_t off;		/* in the core file */
	uint64_t vaddr;
	uint64_t len;		/* what the file holds of [p_vaddr, p_vaddr + p_filesz) */
};

struct aot_core {
	struct aot_file *file;	/* the headers and notes (a core's first bytes), or all of an in-memory one */
	int fd;			/* memory bytes are read from here on demand; -1: all in FILE */
	uint64_t size;		/* of the whole core */
	struct core_load *loads;
	size_t nloads;
	struct aot_mappings *maps;
	int pid;
	bool pid_from_prpsinfo, have_prstatus, have_nt_file;
	char fname[PRPSINFO_FNAME_LEN + 1];
	char command[PRPSINFO_PSARGS_LEN + 1];
	size_t truncated, skipped;
};

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~(uint64_t)3;
}

/* What the file holds of [OFF, OFF + LEN): a shorter length if it ends first. */
static uint64_t in_file(const struct aot_core *c, uint64_t off, uint64_t len)
{
	uint64_t size = c->file->size;
	if (off >= size)
		return 0;
	return len < size - off ? len : size - off;
}

/* The same for the whole core, of which FILE may hold only the first bytes. */
static uint64_t in_core(const struct aot_core *c, uint64_t off, uint64_t len)
{
	if (off >= c->size)
		return 0;
	return len < c->size - off ? len : c->size - off;
}

/*
 * A fixed-size string field: up to the first NUL.  Control bytes become '?'
 * because a front end prints these to a terminal, and a hostile core must not
 * drive it with escape sequences.
 */
static void copy_field(char *dst, const uint8_t *src, size_t max)
{
	size_t n = strnlen((const char *)src, max);
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i] < 0x20 || src[i] == 0x7f ? '?' : (char)src[i];
	while (n > 0 && dst[n - 1] == ' ')
		n--;	// the kernel pads psargs with the spaces that stood for NULs
	dst[n] = '\0';
}

static void read_prpsinfo(struct aot_core *c, const uint8_t *desc, uint32_t descsz)
{
	// Another layout (a 32-bit process's core) is not ours to guess at: leave it out.
	if (descsz < PRPSINFO_SIZE)
		return;
	c->pid = (int)rd32(desc + PRPSINFO_PID);
	c->pid_from_prpsinfo = true;
	copy_field(c->fname, desc + PRPSINFO_FNAME, PRPSINFO_FNAME_LEN);
	copy_field(c->command, desc + PRPSINFO_PSARGS, PRPSINFO_PSARGS_LEN);
}

static void read_prstatus(struct aot_core *c, const uint8_t *desc, uint32_t descsz)
{
	// pr_pid here is a thread's id; only without NT_PRPSINFO does the first thread's stand in.
	if (c->have_prstatus || descsz < PRSTATUS_PID + 4)
		return;
	c->have_prstatus = true;
	if (!c->pid_from_prpsinfo)
		c->pid = (int)rd32(desc + PRSTATUS_PID);
}

/* DESC is at file offset DOFF. */
static struct aot_err *read_nt_file(struct aot_core *c, const uint8_t *desc, uint32_t descsz,
				    uint64_t doff)
{
	const char *path = c->file->path;
	// One NT_FILE describes the whole address space; a second is no dumper's doing.
	if (c->have_nt_file)
		return NULL;
	c->have_nt_file = true;
	if (descsz < NT_FILE_HEADER)
		return aot_err_input(path, doff, "NT_FILE", "descriptor of %" PRIu32
				     " bytes is shorter than its %d-byte header", descsz, NT_FILE_HEADER);
	uint64_t count = rd64(desc), page_size = rd64(desc + 8);
	if (count > (descsz - NT_FILE_HEADER) / NT_FILE_ENTRY)
		return aot_err_input(path, doff, "NT_FILE count",
				     "%" PRIu64 " entries do not fit in a note of %" PRIu32 " bytes",
				     count, descsz);
	if (count > AOT_MAPPINGS_MAX)
		return aot_err_input(path, doff, "NT_FILE count", "%" PRIu64 " entries, more than %d",
				     count, AOT_MAPPINGS_MAX);
	if (count > 0 && (page_size == 0 || (page_size & (page_size - 1)) != 0))
		return aot_err_input(path, doff + 8, "NT_FILE page_size",
				     "0x%" PRIx64 " is not a power of two", page_size);
	uint64_t s = NT_FILE_HEADER + count * NT_FILE_ENTRY;
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *e = desc + NT_FILE_HEADER + i * NT_FILE_ENTRY;
		uint64_t eoff = doff + NT_FILE_HEADER + i * NT_FILE_ENTRY;
		uint64_t start = rd64(e), end = rd64(e + 8), pgoff = rd64(e + 16);
		if (end <= start)
			return aot_err_input(path, eoff, "NT_FILE entry",
					     "entry %" PRIu64 " ends at 0x%" PRIx64
					     ", not above its start 0x%" PRIx64, i, end, start);
		if (pgoff > UINT64_MAX / page_size)
			return aot_err_input(path, eoff + 16, "NT_FILE page_offset",
					     "entry %" PRIu64 ": page 0x%" PRIx64
					     " times page size 0x%" PRIx64 " overflows", i, pgoff, page_size);
		size_t left = descsz - s;
		const char *name = (const char *)desc + s;
		size_t len = strnlen(name, left);
		if (len == left)
			return aot_err_input(path, doff + s, "NT_FILE path",
					     "the path of entry %" PRIu64
					     " is not NUL-terminated within the note", i);
		struct aot_err *err = aot_mappings_add(c->maps, start, end, pgoff * page_size,
						       len ? name : NULL);
		if (err)
			return err;
		s += len + 1;
	}
	aot_mappings_sort(c->maps);
	return NULL;
}

/* The notes of one PT_NOTE segment: LEN bytes at file offset OFF, of P_FILESZ the header claims. */
static struct aot_err *read_notes(struct aot_core *c, const uint8_t *base, uint64_t off, uint64_t len,
				  uint64_t p_filesz)
{
	uint64_t pos = 0;
	while (len - pos >= sizeof(Elf64_Nhdr)) {
		uint32_t namesz = rd32(base + pos), descsz = rd32(base + pos + 4);
		uint32_t type = rd32(base + pos + 8);
		uint64_t name_pos = pos + sizeof(Elf64_Nhdr);
		uint64_t desc_pos = name_pos + align4(namesz);
		if (desc_pos > len || descsz > len - desc_pos) {
			if (len < p_filesz)
				break;	// cut short by the file's end: the notes before it still count
			return aot_err_input(c->file->path, off + pos, "note",
					     "note of type 0x%" PRIx32 " (name %" PRIu32 " bytes, descriptor %"
					     PRIu32 " bytes) extends past its PT_NOTE segment", type,
					     namesz, descsz);
		}
		const uint8_t *name = base + name_pos, *desc = base + desc_pos;
		bool core = (namesz == 5 && memcmp(name, "CORE", 5) == 0) ||
			    (namesz == 4 && memcmp(name, "CORE", 4) == 0);
		if (core) {
			if (type == NT_PRPSINFO)
				read_prpsinfo(c, desc, descsz);
			else if (type == NT_PRSTATUS)
				read_prstatus(c, desc, descsz);
			else if (type == NT_FILE) {
				struct aot_err *err = read_nt_file(c, desc, descsz, off + desc_pos);
				if (err)
					return err;
			}
		}
		uint64_t next = desc_pos + align4(descsz);
		pos = next < len ? next : len;
	}
	return NULL;
}

/* The notes of one PT_NOTE segment, read from wherever the dumper put them (gdb: after the memory). */
static struct aot_err *note_segment(struct aot_core *c, uint64_t off, uint64_t len, uint64_t p_filesz)
{
	if (len == 0)
		return NULL;	// OFF may lie past the buffer: not even a pointer to it may be formed
	if (c->fd < 0)
		return read_notes(c, c->file->data + off, off, len, p_filesz);
	if (len > CORE_MAX_NOTES)
		return aot_err_input(c->file->path, off, "PT_NOTE", "%" PRIu64 " bytes of notes, more than %u MB",
				     len, CORE_MAX_NOTES >> 20);
	uint8_t *buf = malloc(len);
	if (!buf)
		return &aot_enomem;
	struct aot_err *err = aot_pread_all(c->fd, buf, len, off) == len
		? read_notes(c, buf, off, len, p_filesz)
		: aot_err_os(EIO, "%s: cannot read the notes at offset 0x%" PRIx64, c->file->path, off);
	free(buf);
	return err;
}

/* The number of program headers: e_phnum, or with PN_XNUM section 0's sh_info. */
static struct aot_err *phdr_count(const struct aot_core *c, const Elf64_Ehdr *eh, uint64_t *ret)
{
	*ret = eh->e_phnum;
	if (eh->e_phnum != PN_XNUM)
		return NULL;
	const char *path = c->file->path;
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return aot_err_input(path, offsetof(Elf64_Ehdr, e_shentsize), "e_shentsize",
				     "%u, not %zu (needed for e_phnum PN_XNUM)", eh->e_shentsize,
				     sizeof(Elf64_Shdr));
	if (in_file(c, eh->e_shoff, sizeof(Elf64_Shdr)) < sizeof(Elf64_Shdr))
		return aot_err_input(path, offsetof(Elf64_Ehdr, e_shoff), "e_shoff",
				     "section header 0x%" PRIx64 " (for e_phnum PN_XNUM)"
				     " extends past the end of the file (size %" PRIu64 ")",
				     (uint64_t)eh->e_shoff, c->file->size);
	*ret = rd32(c->file->data + eh->e_shoff + offsetof(Elf64_Shdr, sh_info));
	return NULL;
}

static struct aot_err *check_header(const struct aot_core *c, Elf64_Ehdr *eh)
{
	const char *path = c->file->path;
	const uint8_t *d = c->file->data;
	if (c->file->size < SELFMAG || memcmp(d, ELFMAG, SELFMAG) != 0)
		return aot_err_input(path, 0, "e_ident", "not an ELF file");
	if (c->file->size < sizeof(*eh))
		return aot_err_input(path, 0, "ELF header", "file of %" PRIu64
				     " bytes is shorter than an ELF64 header", c->file->size);
	memcpy(eh, d, sizeof(*eh));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return aot_err_input(path, EI_CLASS, "e_ident",
				     "not a 64-bit little-endian ELF file (class %u, data %u)",
				     eh->e_ident[EI_CLASS], eh->e_ident[EI_DATA]);
	if (eh->e_type != ET_CORE)
		return aot_err_input(path, offsetof(Elf64_Ehdr, e_type), "e_type",
				     "not a core file (type %u)", eh->e_type);
	if (eh->e_machine != EM_X86_64)
		return aot_err_input(path, offsetof(Elf64_Ehdr, e_machine), "e_machine",
				     "machine %u, not x86-64", eh->e_machine);
	if (eh->e_phnum != 0 && eh->e_phentsize != sizeof(Elf64_Phdr))
		return aot_err_input(path, offsetof(Elf64_Ehdr, e_phentsize), "e_phentsize",
				     "%u, not %zu", eh->e_phentsize, sizeof(Elf64_Phdr));
	return NULL;
}

static struct aot_err *parse(struct aot_core *c)
{
	const char *path = c->file->path;
	Elf64_Ehdr eh;
	uint64_t phnum;
	struct aot_err *err = check_header(c, &eh);
	if (!err)
		err = phdr_count(c, &eh, &phnum);
	if (err)
		return err;
	// phnum < 2^32, so the product cannot overflow.
	if (in_file(c, eh.e_phoff, phnum * sizeof(Elf64_Phdr)) < phnum * sizeof(Elf64_Phdr))
		return aot_err_input(path, offsetof(Elf64_Ehdr, e_phoff), "e_phoff",
				     "%" PRIu64 " program headers at 0x%" PRIx64
				     " extend past the end of the file (size %" PRIu64 ")", phnum,
				     (uint64_t)eh.e_phoff, c->file->size);
	c->loads = calloc(phnum ? phnum : 1, sizeof(*c->loads));
	if (!c->loads)
		return &aot_enomem;
	for (uint64_t i = 0; i < phnum && !err; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, c->file->data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
			continue;
		uint64_t want = ph.p_filesz;
		if (ph.p_type == PT_LOAD && want > ph.p_memsz)
			want = ph.p_memsz;	// bytes beyond the mapping's size are no memory
		uint64_t have = in_core(c, ph.p_offset, want);
		if (have < want)
			c->truncated++;
		if (ph.p_type == PT_NOTE)
			err = note_segment(c, ph.p_offset, have, want);
		else if (have > 0)
			c->loads[c->nloads++] = (struct core_load){
				.core = c, .off = ph.p_offset, .vaddr = ph.p_vaddr, .len = have,
			};
	}
	return err;
}

/* Takes FILE and FD (-1: FILE is the whole core, of SIZE bytes). */
static struct aot_err *open_file(struct aot_file *file, int fd, uint64_t size, struct aot_core **ret)
{
	struct aot_core *c = calloc(1, sizeof(*c));
	if (!c) {
		aot_file_destroy(file);
		if (fd >= 0)
			close(fd);
		return &aot_enomem;
	}
	c->file = file;
	c->fd = fd;
	c->size = size;
	struct aot_err *err = aot_mappings_create(&c->maps);
	if (!err)
		err = parse(c);
	if (err) {
		aot_core_destroy(c);
		return err;
	}
	*ret = c;
	return NULL;
}

/*
 * How much of the core's start holds its ELF header and program headers:
 * cores run to gigabytes, so only that much is read up front (notes and
 * memory are read where they are, on demand).
 * Garbage here only makes the guess large or small; parse() checks it all.
 */
static uint64_t headers_end(int fd, uint64_t size)
{
	Elf64_Ehdr eh;
	if (aot_pread_all(fd, &eh, sizeof(eh), 0) < sizeof(eh))
		return size;
	uint64_t phnum = eh.e_phnum, end = sizeof(eh);
	if (phnum == PN_XNUM) {
		Elf64_Shdr sh0;
		phnum = aot_pread_all(fd, &sh0, sizeof(sh0), eh.e_shoff) == sizeof(sh0) ? sh0.sh_info : 0;
		end = eh.e_shoff < size - sizeof(sh0) ? eh.e_shoff + sizeof(sh0) : size;
	}
	if (phnum > CORE_MAX_PHDRS || eh.e_phoff > size)
		return size;
	uint64_t table = phnum * sizeof(Elf64_Phdr);
	end = end > eh.e_phoff + table ? end : eh.e_phoff + table;
	return end < size ? end : size;
}

struct aot_err *aot_core_open(const char *path, struct aot_core **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return aot_err_os(errno, "%s: cannot open", path);
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = errno;
		close(fd);
		return S_ISREG(st.st_mode) ? aot_err_os(e, "%s: cannot stat", path)
					   : aot_err_input(path, 0, NULL, "is not a regular file");
	}
	uint64_t size = (uint64_t)st.st_size, want = headers_end(fd, size);
	if (want > CORE_MAX_HEADERS) {
		close(fd);
		return aot_err_input(path, 0, "program headers",
				     "%" PRIu64 " bytes, more than the %d MB a core's headers can need", want,
				     CORE_MAX_HEADERS >> 20);
	}
	uint8_t *buf = malloc(want ? want : 1);
	struct aot_file *file = NULL;
	struct aot_err *err = buf ? NULL : &aot_enomem;
	if (!err && aot_pread_all(fd, buf, want, 0) < want)
		err = aot_err_os(EIO, "%s: cannot read its first %" PRIu64 " bytes", path, want);
	if (!err)
		err = aot_file_from_bytes(path, buf, want, &file);
	free(buf);
	if (err) {
		close(fd);
		return err;
	}
	return open_file(file, fd, size, ret);
}

struct aot_err *aot_core_open_bytes(const char *name, const void *data, size_t len,
				    struct aot_core **ret)
{
	struct aot_file *file;
	struct aot_err *err = aot_file_from_bytes(name, data, len, &file);
	return err ? err : open_file(file, -1, len, ret);
}

void aot_core_destroy(struct aot_core *c)
{
	if (!c)
		return;
	aot_mappings_destroy(c->maps);
	free(c->loads);
	aot_file_destroy(c->file);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

static struct aot_err *read_core(void *dst, uint64_t addr, size_t len, uint64_t seg_off, void *arg)
{
	const struct core_load *l = arg;
	const struct aot_core *c = l->core;
	if (c->fd < 0) {
		memcpy(dst, c->file->data + l->off + seg_off, len);
		return NULL;
	}
	// The core may have been cut short since it was opened.
	if (aot_pread_all(c->fd, dst, len, l->off + seg_off) < len)
		return aot_err_fault(addr, "%s: the bytes of 0x%" PRIx64 " at file offset 0x%" PRIx64
				     " cannot be read", c->file->path, addr, l->off + seg_off);
	return NULL;
}

struct aot_err *aot_core_add_to(struct aot_core *c, struct aot_target *t)
{
	c->skipped = 0;
	for (size_t i = 0; i < c->nloads; i++) {
		struct core_load *l = &c->loads[i];
		const struct aot_mapping *m = aot_mappings_find(c->maps, l->vaddr);
		struct aot_err *err = aot_target_add_segment(t, l->vaddr, l->len, read_core, l, "core",
							     m ? m->path : NULL);
		// Overlapping or wrapping: a dumper's mistake that must not cost the rest.
		if (err && err->code == AOT_ERR_FORMAT) {
			aot_err_free(err);
			c->skipped++;
		} else if (err) {
			return err;
		}
	}
	return NULL;
}

const struct aot_mappings *aot_core_mappings(const struct aot_core *c)
{
	return c->maps;
}

int aot_core_pid(const struct aot_core *c)
{
	return c->pid;
}

const char *aot_core_command(const struct aot_core *c)
{
	return c->command;
}

const char *aot_core_fname(const struct aot_core *c)
{
	return c->fname;
}

const char *aot_core_path(const struct aot_core *c)
{
	return c->file->path;
}

size_t aot_core_truncated(const struct aot_core *c)
{
	return c->truncated;
}

size_t aot_core_skipped(const struct aot_core *c)
{
	return c->skipped;
}
