#include "attach.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jvm.h"
#include "live.h"
#include "mappings.h"
#include "session.h"
#include "target_callback.h"
#include "target_core.h"
#include "target_file.h"
#include "target_proc.h"

#define MAX_LIVE_ARCHIVES 2	/* a static archive and a dynamic one on top */

/* One region's bytes: the attached memory, or the file where that memory lacks them. */
struct live_region {
	struct aot_live *live;
	uint64_t start, len;		/* in the process */
	uint64_t file_start;		/* where the file target has the same bytes */
	bool from_mem;
	const char *from;		/* what aot-regions says */
};

struct live_archive {
	const struct aot_archive *ar;
	struct live_region regions[AOT_MAX_REGIONS];
};

struct aot_live {
	char *what;
	struct aot_proc *proc;
	struct aot_callback_mem *cb;
	struct aot_core *core;
	struct aot_mappings *maps;
	struct aot_target *mem;		/* the attached memory */
	struct aot_target *file;	/* the archive files, relocated as the process has them */
	struct aot_file_mapping *fmap;	/* of the top archive, its base included */
	struct live_archive arch[MAX_LIVE_ARCHIVES];
	unsigned narch;
	bool is_core;
};

void aot_live_destroy(struct aot_live *l)
{
	if (!l)
		return;
	aot_file_mapping_destroy(l->fmap);
	aot_target_destroy(l->file);
	aot_target_destroy(l->mem);
	aot_callback_mem_destroy(l->cb);
	aot_core_destroy(l->core);
	aot_proc_destroy(l->proc);
	aot_mappings_destroy(l->maps);
	free(l->what);
	free(l);
}

void aot_live_flush(struct aot_live *l)
{
	if (l)
		aot_callback_mem_flush(l->cb);
}

bool aot_live_region(const struct aot_live *l, const struct aot_archive *ar, unsigned index,
		     uint64_t *start, const char **from)
{
	for (unsigned i = 0; l && i < l->narch; i++) {
		if (l->arch[i].ar != ar || index >= AOT_MAX_REGIONS)
			continue;
		*start = l->arch[i].regions[index].start;
		*from = l->arch[i].regions[index].from;
		return true;
	}
	return false;
}

struct aot_target *aot_live_archived(const struct aot_live *l)
{
	return l ? l->file : NULL;
}

static struct aot_err *read_live_region(void *dst, uint64_t addr, size_t len, uint64_t seg_off, void *arg)
{
	const struct live_region *r = arg;
	if (r->from_mem) {
		struct aot_err *err = aot_target_read(r->live->mem, dst, addr, len);
		if (!err || err->code != AOT_ERR_FAULT || !r->live->is_core)
			return err;
		aot_err_free(err);	// a page the core left out: the file has it
	}
	return aot_target_read(r->live->file, dst, r->file_start + seg_off, len);
}

static long proc_read(void *arg, uint64_t addr, void *dst, size_t len)
{
	return aot_proc_read(arg, addr, dst, len);
}

/* Where the attached memory comes from and which files it has mapped. */
static struct aot_err *open_memory(struct aot_live *l, const struct aot_attach_src *src)
{
	struct aot_err *err = aot_target_create(&l->mem);
	if (!err)
		err = aot_target_create(&l->file);
	if (err)
		return err;
	int n;
	// Named the same whoever reads it, so that messages are the same in the CLI and the debuggers.
	if (src->pid > 0)
		n = asprintf(&l->what, "process %d", src->pid);
	else if (src->core)
		n = asprintf(&l->what, "core %s", src->core);
	else if (src->read)
		n = asprintf(&l->what, "the debugger's core");
	else
		return aot_errf(AOT_ERR_USAGE, "attach: no process, core or debugger to read");
	if (n < 0)
		return &aot_enomem;
	l->is_core = src->pid <= 0;
	if (src->read) {
		err = aot_callback_mem_create(src->read, src->read_arg, l->is_core ? "core" : "process", &l->cb);
		if (!err)
			err = aot_callback_mem_add_to(l->cb, l->mem);
	} else if (src->pid > 0) {
		// Through the same block cache as a debugger's reads: a pread per field is slow on big walks.
		err = aot_proc_open(src->pid, &l->proc);
		if (!err)
			err = aot_callback_mem_create(proc_read, l->proc, "process", &l->cb);
		if (!err)
			err = aot_callback_mem_add_to(l->cb, l->mem);
	} else {
		err = aot_core_open(src->core, &l->core);
		if (!err)
			err = aot_core_add_to(l->core, l->mem);
	}
	if (err)
		return err;
	if (src->maps)
		return aot_mappings_parse(src->maps, strlen(src->maps), "the debugger's mappings", &l->maps);
	if (src->pid > 0)
		return aot_mappings_read_proc(src->pid, &l->maps);
	if (!l->core)
		return aot_errf(AOT_ERR_USAGE, "%s: no list of mapped files", l->what);
	const struct aot_mappings *cm = aot_core_mappings(l->core);
	if (cm->n == 0)
		return aot_errf(AOT_ERR_NOT_FOUND, "%s has no NT_FILE note: the files the process mapped are unknown",
				l->what);
	err = aot_mappings_create(&l->maps);
	for (size_t i = 0; !err && i < cm->n; i++)
		err = aot_mappings_add(l->maps, cm->v[i].start, cm->v[i].end, cm->v[i].offset, cm->v[i].path);
	if (!err)
		aot_mappings_sort(l->maps);
	return err;
}

/* The libjvm the process has mapped, with layouts from its file. */
static struct aot_err *open_libjvm(struct aot_session *s, struct aot_live *l)
{
	const struct aot_mapping *m = aot_mappings_module(l->maps, "libjvm.so");
	if (!m)
		return aot_errf(AOT_ERR_NOT_FOUND, "%s has no libjvm.so mapped: it is not a HotSpot JVM",
				l->what);
	struct aot_jvm_opts o;
	aot_session_jvm_opts(s, &o);
	// Reading /proc/PID/mem ourselves: the tables too come from the process, as --pid always read them.
	o.pid = l->proc ? aot_proc_pid(l->proc) : 0;
	o.loaded = l->proc ? NULL : m->path;
	o.loaded_start = m->start;
	// A core from another machine: --exe names the java launcher of the same JDK here.
	char *home = NULL;
	if (!o.java_home && s->opts.exe) {
		home = realpath(s->opts.exe, NULL);
		for (int up = 0; home && up < 2; up++) {	// JAVA_HOME/bin/java
			char *slash = strrchr(home, '/');
			if (slash)
				*slash = '\0';
		}
		if (!home || !*home) {
			free(home);
			return aot_errf(AOT_ERR_NOT_FOUND, "--exe %s: not a JDK's bin/java", s->opts.exe);
		}
		o.java_home = home;
	}
	struct aot_err *err = aot_jvm_open(&o, NULL, NULL, &s->jvm);
	free(home);
	s->jvm_tried = true;
	if (err)
		return err;
	if (!s->jvm->vm)
		return aot_err_copy(s->jvm->vm_err);
	return NULL;
}

/* What the JVM's FileMapInfo says about one archive it mapped. */
struct mapped_info {
	uint64_t info, header;		/* FileMapInfo*, its FileMapHeader* */
	uint8_t *hdr;			/* the header copy, hdr_len bytes */
	uint32_t hdr_len;
	uint64_t mapped_base;		/* _mapped_base_address */
	uint64_t region_base[AOT_MAX_REGIONS];	/* each region's _mapped_base */
};

static const struct aot_vm_field *need_field(const struct aot_jvm *j, const char *type, const char *field,
					     struct aot_err **err)
{
	const struct aot_vm_field *f = aot_vmstructs_field(j->vm, type, field);
	if (!f && !*err)
		*err = aot_errf(AOT_ERR_UNSUPPORTED,
				"%s: its gHotSpotVM tables lack %s::%s: not a JDK build aotdbg knows how to attach to",
				j->path, type, field);
	return f;
}

static struct aot_err *read_mapped_info(const struct aot_jvm *j, struct aot_live *l, struct mapped_info *mi)
{
	struct aot_err *err = NULL;
	const struct aot_vm_field *cur = need_field(j, "FileMapInfo", "_current_info", &err);
	const struct aot_vm_field *hdr = need_field(j, "FileMapInfo", "_header", &err);
	const struct aot_vm_field *mba = need_field(j, "FileMapHeader", "_mapped_base_address", &err);
	const struct aot_vm_field *rmb = need_field(j, "CDSFileMapRegion", "_mapped_base", &err);
	const struct aot_vm_field *regs = aot_vmstructs_field(j->vm, "FileMapHeader", "_regions[0]");
	if (!regs)	// 17 calls the table _space
		regs = need_field(j, "FileMapHeader", "_space[0]", &err);
	const struct aot_vm_type *rtype = aot_vmstructs_type(j->vm, "CDSFileMapRegion");
	if (!err && (!rtype || rtype->size == 0 || rtype->size > 4096))
		err = aot_errf(AOT_ERR_UNSUPPORTED, "%s: its gHotSpotVM tables give no size of CDSFileMapRegion",
			       j->path);
	if (err)
		return err;
	uint64_t at = aot_jvm_static_addr(j, cur);
	err = aot_target_read_u64(l->mem, at, &mi->info);
	if (err) {
		aot_err_free(err);
		return aot_errf(AOT_ERR_FAULT, "%s: cannot read FileMapInfo::_current_info at 0x%" PRIx64,
				l->what, at);
	}
	if (mi->info == 0)
		return aot_errf(AOT_ERR_NOT_FOUND,
				"%s maps no CDS archive or AOT cache (FileMapInfo::_current_info is null: "
				"-Xshare:off, or the archive could not be mapped)", l->what);
	uint8_t gen[AOT_GENERIC_HEADER_SIZE];
	if (!aot_ok(aot_target_read_u64(l->mem, mi->info + hdr->offset, &mi->header)) || mi->header == 0 ||
	    !aot_ok(aot_target_read(l->mem, gen, mi->header, sizeof(gen))))
		return aot_errf(AOT_ERR_FAULT, "%s: FileMapInfo at 0x%" PRIx64 ": its _header cannot be read",
				l->what, mi->info);
	// 21+ record the header's size (with a dynamic archive's base name) in it; 17 has only sizeof.
	const struct aot_vm_type *htype = aot_vmstructs_type(j->vm, "FileMapHeader");
	uint32_t len, sz = htype && htype->size <= AOT_MAX_HEADER_SIZE ? (uint32_t)htype->size : 0;
	memcpy(&len, gen + 12, 4);
	if (len < AOT_GENERIC_HEADER_SIZE || len > AOT_MAX_HEADER_SIZE)
		len = sz;
	if (len < AOT_GENERIC_HEADER_SIZE)
		return aot_errf(AOT_ERR_FORMAT, "%s: FileMapHeader at 0x%" PRIx64 ": no valid _header_size, and the "
				"tables give no sizeof(FileMapHeader)", l->what, mi->header);
	len = len > sz ? len : sz;
	mi->hdr = malloc(len);
	if (!mi->hdr)
		return &aot_enomem;
	mi->hdr_len = len;
	if (!aot_ok(aot_target_read(l->mem, mi->hdr, mi->header, len)) ||
	    !aot_ok(aot_target_read_u64(l->mem, mi->header + mba->offset, &mi->mapped_base)))
		return aot_errf(AOT_ERR_FAULT, "%s: FileMapHeader at 0x%" PRIx64 " (%u bytes) cannot be read",
				l->what, mi->header, len);
	for (unsigned i = 0; i < AOT_MAX_REGIONS; i++) {
		uint64_t a = mi->header + regs->offset + i * rtype->size + rmb->offset;
		if (regs->offset + (i + 1) * rtype->size > len || !aot_ok(aot_target_read_u64(l->mem, a, &mi->region_base[i])))
			mi->region_base[i] = 0;
	}
	return NULL;
}

/* The archive's file: named by --archive, else the file the process mapped its rw region from. */
static struct aot_err *find_file(struct aot_session *s, const struct aot_live *l, const struct aot_archive *mem_ar,
				 const struct mapped_info *mi, const char **path)
{
	if (s->opts.archive) {
		*path = s->opts.archive;
		return NULL;
	}
	for (unsigned i = 0; i < mem_ar->nregions; i++) {
		const struct aot_region *r = &mem_ar->regions[i];
		const struct aot_mapping *m = mi->region_base[i] ? aot_mappings_find(l->maps, mi->region_base[i]) : NULL;
		if (!m || !m->path || r->is_heap)
			continue;
		if (m->offset + (mi->region_base[i] - m->start) != r->file_offset)
			continue;	// mapped from some file, but not from this region's bytes
		*path = m->path;
		return NULL;
	}
	return aot_errf(AOT_ERR_NOT_FOUND,
			"%s: no region of the mapped archive is mapped from a file: give its path with --archive",
			l->what);
}

/* Refuse a file other than the one mapped: a copy that differs would decode as garbage. */
static struct aot_err *check_same(const struct aot_live *l, const struct aot_archive *far,
				  const struct aot_archive *mem_ar)
{
	uint64_t fcrc = 0, mcrc = 0, fv = 0, mv = 0;
	aot_archive_value(far, AOT_R_CRC, &fcrc);
	aot_archive_value(mem_ar, AOT_R_CRC, &mcrc);
	const char *field = NULL;
	if (far->magic != mem_ar->magic)
		field = "magic", fv = far->magic, mv = mem_ar->magic;
	else if (far->version != mem_ar->version)
		field = "version", fv = far->version, mv = mem_ar->version;
	else if (fcrc != mcrc)
		field = "header crc", fv = fcrc, mv = mcrc;
	else if (strcmp(far->jvm_ident, mem_ar->jvm_ident) != 0)
		return aot_errf(AOT_ERR_CHECK, "%s: not the archive %s mapped: jvm_ident is \"%s\", the mapped one's \"%s\"",
				far->path, l->what, far->jvm_ident, mem_ar->jvm_ident);
	for (unsigned i = 0; !field && i < far->nregions && i < mem_ar->nregions; i++) {
		const struct aot_region *a = &far->regions[i], *b = &mem_ar->regions[i];
		if (a->crc != b->crc)
			field = "region crc", fv = a->crc, mv = b->crc;
		else if (a->used != b->used)
			field = "region used", fv = a->used, mv = b->used;
	}
	if (field)
		return aot_errf(AOT_ERR_CHECK, "%s: not the archive %s mapped: %s is 0x%" PRIx64 ", the mapped one's 0x%" PRIx64,
				far->path, l->what, field, fv, mv);
	return NULL;
}

/* Which pages of region R the attached memory holds: "core", "file" or "core+file". */
static const char *probe(struct aot_live *l, const struct live_region *r)
{
	if (!l->is_core)
		return "process";
	uint64_t have = 0, pages = 0;
	uint8_t b;
	for (uint64_t a = r->start & ~0xfffULL; a < r->start + r->len; a += 4096, pages++) {
		uint64_t at = a < r->start ? r->start : a;
		have += aot_ok(aot_target_read(l->mem, &b, at, 1));
	}
	return have == pages ? "core" : have == 0 ? "file" : "core+file";
}

/* Serve AR's regions, mapped at REGION_BASE in the process, moved by DELTA from their requested addresses. */
static struct aot_err *place(struct aot_session *s, struct aot_live *l, const struct aot_archive *far,
			     const uint64_t region_base[AOT_MAX_REGIONS], uint64_t delta)
{
	struct live_archive *la = &l->arch[l->narch++];
	la->ar = far;
	struct aot_err *err = NULL;
	for (unsigned i = 0; !err && i < far->nregions; i++) {
		const struct aot_region *r = &far->regions[i];
		struct live_region *lr = &la->regions[i];
		lr->live = l;
		lr->start = region_base[i];
		if (!r->mappable || r->used == 0)
			continue;
		lr->len = r->used;
		lr->file_start = r->is_heap ? r->addr : r->addr + delta;
		// A heap the JVM moved holds re-encoded oops: decoders read the archived copy instead.
		lr->from_mem = lr->start != 0 && (!r->is_heap || lr->start == r->addr);
		if (!lr->from_mem) {
			lr->from = "file";
			err = aot_target_add_segment(s->target, lr->file_start, lr->len, read_live_region, lr,
						     "file", r->name);
			continue;
		}
		lr->from = probe(l, lr);
		err = aot_target_add_segment(s->target, lr->start, lr->len, read_live_region, lr, lr->from, r->name);
	}
	return err;
}

/*
 * A dynamic archive mapped on top of the static one.  FileMapInfo's
 * dynamic info is not in the tables, but MetaspaceObj's shared top is: a
 * top past the static archive's end means one is mapped there, from the
 * file the mapping at the static end names.
 */
static struct aot_err *find_dynamic(struct aot_session *s, struct aot_live *l, const struct aot_archive *st,
				    const struct mapped_info *smi, const char **path)
{
	*path = NULL;
	const struct aot_vm_field *top = aot_vmstructs_field(s->jvm->vm, "MetaspaceObj", "_shared_metaspace_top");
	if (!top)
		top = aot_vmstructs_field(s->jvm->vm, "MetaspaceObj", "_aot_metaspace_top");
	uint64_t t, end = 0;
	if (!top || !aot_ok(aot_target_read_u64(l->mem, aot_jvm_static_addr(s->jvm, top), &t)))
		return NULL;	// cannot tell: only the static archive is shown
	for (unsigned i = 0; i < st->nregions; i++) {
		const struct aot_region *r = &st->regions[i];
		if (r->mappable && !r->is_heap && r->used && smi->region_base[i])
			end = end > smi->region_base[i] + r->used ? end : smi->region_base[i] + r->used;
	}
	for (size_t i = 0; end && i < l->maps->n; i++) {
		const struct aot_mapping *m = &l->maps->v[i];
		if (m->start >= end && m->start < t && m->path && strcmp(m->path, st->path) != 0) {
			*path = m->path;
			return NULL;
		}
	}
	return NULL;
}

/*
 * The dynamic archive at PATH, over the static archive ST the process
 * mapped, moved by the same DELTA: it takes ST's place in the session, and
 * DYN_BASE receives where each of its regions is mapped.
 */
static struct aot_err *open_dynamic(struct aot_session *s, struct aot_live *l, struct aot_archive *st,
				    uint64_t delta, const char *path, uint64_t dyn_base[AOT_MAX_REGIONS])
{
	struct aot_open_opts o = s->opts.open;
	o.base_archive = st->path;
	struct aot_archive *dyn;
	struct aot_err *err = aot_archive_open(path, &o, &dyn);
	if (!err && dyn->kind != AOT_KIND_DYNAMIC)
		err = aot_errf(AOT_ERR_CHECK, "%s: mapped after %s's static archive, but not a dynamic archive",
			       path, l->what);
	if (!err)
		err = aot_archive_require_layout(dyn);
	if (!err)
		err = aot_archive_require_base(dyn);
	if (!err)
		err = check_same(l, dyn->base, st);
	// Its regions follow the static ones (its requested base is theirs); the mapping must say so.
	for (unsigned i = 0; !err && i < dyn->nregions; i++) {
		const struct aot_region *r = &dyn->regions[i];
		if (!r->mappable || r->is_heap || !r->used)
			continue;
		dyn_base[i] = r->addr + delta;
		const struct aot_mapping *m = aot_mappings_find(l->maps, dyn_base[i]);
		if (!m || !m->path || strcmp(m->path, path) != 0 ||
		    m->offset + (dyn_base[i] - m->start) != r->file_offset)
			err = aot_errf(AOT_ERR_CHECK, "%s: its %s region is not mapped from it at 0x%" PRIx64 " in %s",
				       path, r->name, dyn_base[i], l->what);
	}
	if (err) {
		aot_archive_destroy(dyn);
		return err;
	}
	// The dynamic archive owns its own copy of the base: that copy is the one shown.
	aot_archive_destroy(st);
	s->archives[0] = dyn;
	return NULL;
}

struct aot_err *aot_session_attach(struct aot_session *s, const struct aot_attach_src *src)
{
	if (s->narchives || s->live)
		return aot_errf(AOT_ERR_USAGE, "this session has archives already: attach in a new one");
	struct aot_live *l = calloc(1, sizeof(*l));
	if (!l)
		return &aot_enomem;
	s->live = l;
	struct mapped_info mi = { 0 };
	struct aot_archive *mem_ar = NULL, *far = NULL;
	struct aot_file *hf = NULL;
	char name[128];
	const char *path = NULL;
	struct aot_err *err = open_memory(l, src);
	if (!err)
		err = open_libjvm(s, l);
	if (!err)
		err = read_mapped_info(s->jvm, l, &mi);
	if (!err) {
		snprintf(name, sizeof(name), "%s: FileMapHeader at 0x%" PRIx64, l->what, mi.header);
		err = aot_file_from_bytes(name, mi.hdr, mi.hdr_len, &hf);
	}
	if (!err)
		err = aot_archive_open_file(hf, &s->opts.open, &mem_ar);
	if (!err)
		err = aot_archive_require_layout(mem_ar);
	if (!err)
		err = find_file(s, l, mem_ar, &mi, &path);
	if (!err) {
		err = aot_archive_open(path, &s->opts.open, &far);
		if (err && err->code == AOT_ERR_OS && !s->opts.archive) {
			struct aot_err *e = aot_errf(AOT_ERR_OS, "%s (the file %s mapped): give a copy with --archive",
						     err->msg, l->what);
			aot_err_free(err);
			err = e;
		}
	}
	if (!err)
		err = check_same(l, far, mem_ar);
	if (!err && !aot_jvm_holds_ident(s->jvm, far->jvm_ident))
		err = aot_errf(AOT_ERR_CHECK, "%s: the mapped libjvm %s does not hold the archive's jvm_ident \"%s\"",
			       l->what, s->jvm->path, far->jvm_ident);
	if (!err) {
		s->archives[s->narchives++] = far;
		far = NULL;
		s->opts.have_base = true;
		s->opts.base = mi.mapped_base;
		err = aot_target_create(&s->target);
	}
	const char *dyn = NULL;
	uint64_t dyn_base[AOT_MAX_REGIONS] = { 0 }, delta = 0;
	if (!err) {
		delta = mi.mapped_base - s->archives[0]->requested_base;
		err = find_dynamic(s, l, s->archives[0], &mi, &dyn);
	}
	if (!err && dyn)
		err = open_dynamic(s, l, s->archives[0], delta, dyn, dyn_base);
	// The file bytes of the top archive, its base's included: for pages a core lacks, and as archived.
	const struct aot_archive *top = s->archives[0];
	if (!err)
		err = aot_file_mapping_create(l->file, top, delta, &l->fmap);
	if (!err && top->base)
		err = place(s, l, top->base, mi.region_base, delta);
	if (!err)
		err = place(s, l, top, top->base ? dyn_base : mi.region_base, delta);
	aot_archive_destroy(far);
	aot_archive_destroy(mem_ar);
	free(mi.hdr);
	return err;
}
