#include "archive.h"
#include "bitmap.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

const char *aot_archive_kind_name(enum aot_archive_kind kind)
{
	switch (kind) {
	case AOT_KIND_STATIC: return "static CDS archive";
	case AOT_KIND_DYNAMIC: return "dynamic CDS archive";
	case AOT_KIND_AOT_CACHE: return "AOT cache";
	case AOT_KIND_AOT_CONFIG: return "AOT configuration file";
	}
	return "?";
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint64_t aot_field_read(const uint8_t *base, const struct aot_hdr_field *f)
{
	const uint8_t *p = base + f->off;
	switch (f->type) {
	case AOT_FT_BOOL: return p[0];
	case AOT_FT_I16: return (uint64_t)(int64_t)(int16_t)le(p, 2);
	case AOT_FT_I32: return (uint64_t)(int64_t)(int32_t)le(p, 4);
	case AOT_FT_U32: return le(p, 4);
	case AOT_FT_U64: return le(p, 8);
	case AOT_FT_CHARS: return 0;
	}
	return 0;
}

static const struct aot_hdr_field *find_role(const struct aot_hdr_field *fields,
					     enum aot_role role)
{
	for (const struct aot_hdr_field *f = fields; f && f->name; f++)
		if (f->role == role)
			return f;
	return NULL;
}

const struct aot_hdr_field *aot_archive_field(const struct aot_archive *ar, enum aot_role role)
{
	if (!ar->layout)
		return NULL;
	const struct aot_hdr_field *f = find_role(ar->layout->fields, role);
	if (!f && ar->kind == AOT_KIND_DYNAMIC)
		f = find_role(ar->layout->dyn_fields, role);
	return f;
}

uint64_t aot_archive_field_off(const struct aot_archive *ar, enum aot_role role)
{
	const struct aot_hdr_field *f = aot_archive_field(ar, role);
	return f ? f->off : 0;
}

bool aot_archive_value(const struct aot_archive *ar, enum aot_role role, uint64_t *ret)
{
	const struct aot_hdr_field *f = aot_archive_field(ar, role);
	if (!f || f->type == AOT_FT_CHARS)
		return false;
	*ret = aot_field_read(ar->file->data, f);
	return true;
}

bool aot_archive_hdr_addr(const struct aot_archive *ar, enum aot_role role, uint64_t *ret)
{
	uint64_t v;
	if (!aot_archive_value(ar, role, &v) || v == 0)
		return false;
	*ret = ar->requested_base + v * ar->hptr_scale;
	return true;
}

const struct aot_region *aot_archive_region(const struct aot_archive *ar, const char *name)
{
	for (unsigned i = 0; i < ar->nregions; i++)
		if (strcmp(ar->regions[i].name, name) == 0)
			return &ar->regions[i];
	return NULL;
}

uint32_t aot_archive_header_crc(const struct aot_archive *ar)
{
	uint32_t start = ar->layout ? ar->layout->crc_start : 16;
	if (ar->header_size <= start)
		return 0;
	return (uint32_t)crc32(0, ar->file->data + start, (uInt)(ar->header_size - start));
}

struct aot_err *aot_archive_require_layout(const struct aot_archive *ar)
{
	if (ar->layout)
		return NULL;
	return aot_errf(AOT_ERR_UNSUPPORTED,
			"%s: offset 0x8: version: archive version %u is not supported "
			"(supported: %s)",
			ar->path, ar->version, aot_supported_versions);
}

struct aot_err *aot_archive_require_base(const struct aot_archive *ar)
{
	if (!ar->base_err)
		return NULL;
	return aot_err_copy(ar->base_err);
}

/* Pick the layout for VERSION and HEADER_SIZE, using jvm_ident where they are shared. */
static const struct aot_hdr_layout *pick_layout(const struct aot_file *f, uint32_t version,
						uint64_t header_size, bool dynamic)
{
	const struct aot_hdr_layout *fallback = NULL;
	for (const struct aot_hdr_layout *const *lp = aot_hdr_layouts; *lp; lp++) {
		const struct aot_hdr_layout *l = *lp;
		if (l->version != version)
			continue;
		const struct aot_hdr_field *id = find_role(l->fields, AOT_R_JVM_IDENT);
		bool ident_ok = true;
		if (l->ident_marker && id && id->off + id->len <= f->size) {
			char ident[257];
			memcpy(ident, f->data + id->off, id->len);
			ident[id->len] = 0;
			ident_ok = strstr(ident, l->ident_marker) != NULL;
		}
		// A dynamic header also holds the base archive's name, right after
		// DynamicArchiveHeader: its offset is that struct's size (19+).
		bool size_ok;
		if (!dynamic)
			size_ok = header_size == l->static_size;
		else if (l->generic_header && le(f->data + 16, 4) != 0)
			size_ok = le(f->data + 16, 4) == l->dynamic_size;
		else
			size_ok = header_size >= l->dynamic_size;
		if (size_ok && ident_ok)
			return l;
		if (size_ok && !fallback)
			fallback = l;
	}
	return fallback;
}

static struct aot_err *read_regions(struct aot_archive *ar)
{
	const struct aot_hdr_layout *l = ar->layout;
	const struct aot_file *f = ar->file;
	ar->nregions = l->region_count;
	for (unsigned i = 0; i < l->region_count; i++) {
		struct aot_region *r = &ar->regions[i];
		uint64_t off = l->region_table_off + (uint64_t)i * l->region_entry_size;
		const uint8_t *e = f->data + off;
		r->index = i;
		r->name = l->region_names[i];
		r->header_off = off;
		for (const struct aot_hdr_field *fd = l->region_fields; fd->name; fd++) {
			uint64_t v = aot_field_read(e, fd);
			switch ((enum aot_role)fd->role) {
			case AOT_R_REGION_CRC: r->crc = (uint32_t)v; break;
			case AOT_R_REGION_READ_ONLY: r->read_only = v != 0; break;
			case AOT_R_REGION_ALLOW_EXEC: r->allow_exec = v != 0; break;
			case AOT_R_REGION_IS_HEAP: r->is_heap = v != 0; break;
			case AOT_R_REGION_IS_BITMAP: r->is_bitmap = v != 0; break;
			case AOT_R_REGION_MAPPED_FROM_FILE: r->mapped_from_file = v != 0; break;
			case AOT_R_REGION_FILE_OFFSET: r->file_offset = v; break;
			case AOT_R_REGION_MAPPING_OFFSET: r->mapping_offset = v; break;
			case AOT_R_REGION_USED: r->used = v; break;
			case AOT_R_REGION_OOPMAP_OFFSET: r->oopmap_offset = v; break;
			case AOT_R_REGION_OOPMAP_BITS: r->oopmap_bits = v; break;
			case AOT_R_REGION_PTRMAP_OFFSET: r->ptrmap_offset = v; break;
			case AOT_R_REGION_PTRMAP_BITS: r->ptrmap_bits = v; break;
			case AOT_R_REGION_MAPPED_BASE: r->mapped_base = v; break;
			case AOT_R_REGION_IN_RESERVED_SPACE: r->in_reserved_space = v != 0; break;
			default: break;
			}
		}
		char field[64];
		snprintf(field, sizeof(field), "region %u (%s) file_offset/used", i, r->name);
		r->avail = r->used;
		if (r->used > 0 &&
		    (r->file_offset > f->size || r->used > f->size - r->file_offset)) {
			/* A file cut short: what it still holds can be salvaged. */
			r->avail = r->file_offset > f->size ? 0 : f->size - r->file_offset;
			if (!ar->damage)
				ar->damage = aot_err_input(f->path, off + 24, field,
					"region bytes [0x%llx, 0x%llx) extend past the end of the file (size %llu)",
					(unsigned long long)r->file_offset,
					(unsigned long long)(r->file_offset + r->used),
					(unsigned long long)f->size);
		}
	}
	return NULL;
}

/* Requested addresses of every region; see format notes §1.2. */
static struct aot_err *place_regions(struct aot_archive *ar)
{
	const struct aot_hdr_layout *l = ar->layout;
	uint64_t shift = 0, nbase = 0;
	aot_archive_value(ar, AOT_R_NARROW_OOP_SHIFT, &shift);
	aot_archive_value(ar, AOT_R_NARROW_OOP_BASE, &nbase);
	for (unsigned i = 0; i < ar->nregions; i++) {
		struct aot_region *r = &ar->regions[i];
		r->mappable = false;
		r->addr = 0;
		if (r->used == 0 || r->is_bitmap)
			continue;
		if (r->is_heap) {
			if (l->heap == AOT_HEAP_NARROW_OFFSET)
				r->addr = nbase + (r->mapping_offset << (shift & 63));
			else
				r->addr = r->mapping_offset;
		} else {
			r->addr = ar->requested_base + r->mapping_offset;
			if (r->addr < ar->requested_base)
				return aot_err_input(ar->path, r->header_off + 32, "mapping_offset",
						     "region %s at 0x%llx wraps around the address space",
						     r->name, (unsigned long long)r->mapping_offset);
		}
		if (r->addr + r->used < r->addr)
			return aot_err_input(ar->path, r->header_off + 40, "used",
					     "region %s [0x%llx + %llu) wraps around the address space",
					     r->name, (unsigned long long)r->addr,
					     (unsigned long long)r->used);
		r->mappable = true;
	}
	// Two regions claiming the same addresses: name the later one's entry, as the table has it.
	for (unsigned i = 0; i < ar->nregions; i++) {
		const struct aot_region *r = &ar->regions[i];
		for (unsigned j = 0; j < i && r->mappable; j++) {
			const struct aot_region *o = &ar->regions[j];
			if (o->mappable && r->addr < o->addr + o->used && o->addr < r->addr + r->used)
				return aot_err_input(ar->path, r->header_off + 32, "mapping_offset",
						     "region %s [0x%llx, 0x%llx) overlaps region %s [0x%llx, 0x%llx)",
						     r->name, (unsigned long long)r->addr,
						     (unsigned long long)(r->addr + r->used), o->name,
						     (unsigned long long)o->addr, (unsigned long long)(o->addr + o->used));
		}
	}
	// The metadata address space: from the requested base (where a base
	// archive starts) to the end of the last metadata region.
	ar->space_lo = ar->requested_base;
	ar->space_hi = ar->requested_base;
	for (unsigned i = 0; i < ar->nregions; i++) {
		const struct aot_region *r = &ar->regions[i];
		if (r->mappable && !r->is_heap && r->addr + r->used > ar->space_hi)
			ar->space_hi = r->addr + r->used;
	}
	return NULL;
}

/*
 * 27.0.1 stores header pointers as u4 offsets divided by 8, mainline
 * unscaled.  The serialized data starts with tag -1 then sizeof(Method): try
 * each scale and keep the one that lands on that.
 */
static void detect_hptr_scale(struct aot_archive *ar)
{
	ar->hptr_scale = 1;
	if (ar->layout->hptr != AOT_HPTR_NARROW)
		return;
	uint64_t v;
	if (!aot_archive_value(ar, AOT_R_SERIALIZED_DATA, &v))
		return;
	static const unsigned scales[] = { 8, 1 };
	for (unsigned i = 0; i < 2; i++) {
		uint64_t addr = ar->requested_base + v * scales[i];
		for (unsigned j = 0; j < ar->nregions; j++) {
			const struct aot_region *r = &ar->regions[j];
			if (!r->mappable || r->is_heap || addr < r->addr || addr + 16 > r->addr + r->avail)
				continue;
			const uint8_t *p = ar->file->data + r->file_offset + (addr - r->addr);
			if (le(p, 8) == UINT64_MAX) {
				ar->hptr_scale = scales[i];
				return;
			}
		}
	}
	ar->hptr_scale = 8;
}

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Where to look for a dynamic archive's base: --base-archive, the path the
 * header records, the same file name next to the dynamic archive, and the
 * same file name under JAVA_HOME/lib/server (--java-home).
 */
static struct aot_err *find_base(const struct aot_archive *ar, const struct aot_open_opts *opts,
				 char **ret)
{
	if (opts && opts->base_archive) {
		if (!file_exists(opts->base_archive))
			return aot_errf(AOT_ERR_NOT_FOUND, "%s: base archive given with --base-archive does not exist",
					opts->base_archive);
		return (*ret = strdup(opts->base_archive)) ? NULL : &aot_enomem;
	}
	const char *name = ar->base_name;
	const char *slash = strrchr(name, '/');
	const char *basename = slash ? slash + 1 : name;
	char cand[3][PATH_MAX];
	int n = 0;
	snprintf(cand[n++], PATH_MAX, "%s", name);
	const char *dslash = strrchr(ar->path, '/');
	if (dslash)
		snprintf(cand[n++], PATH_MAX, "%.*s/%s", (int)(dslash - ar->path), ar->path, basename);
	else
		snprintf(cand[n++], PATH_MAX, "%s", basename);
	if (opts && opts->java_home)
		snprintf(cand[n++], PATH_MAX, "%s/lib/server/%s", opts->java_home, basename);
	for (int i = 0; i < n; i++)
		if (*cand[i] && file_exists(cand[i]))
			return (*ret = strdup(cand[i])) ? NULL : &aot_enomem;
	const struct aot_hdr_field *nf = aot_archive_field(ar, AOT_R_BASE_NAME_OFFSET);
	struct aot_err *err = aot_err_input(ar->path, nf ? nf->off : ar->layout->dynamic_size,
					    "base_archive_name",
					    "base archive %s not found (looked at the recorded path%s%s); "
					    "give it with --base-archive or --java-home",
					    name, dslash ? ", next to the archive" : "",
					    opts && opts->java_home ? ", under --java-home" : "");
	if (err->heap)
		err->code = AOT_ERR_NOT_FOUND;
	return err;
}

/* The base must be the very archive the dynamic one was dumped on. */
static struct aot_err *check_base(const struct aot_archive *ar, const struct aot_archive *base)
{
	// Each refusal names the field of this archive that the base contradicts.
	const struct aot_hdr_field *nf = aot_archive_field(ar, AOT_R_BASE_NAME_OFFSET);
	if (base->kind == AOT_KIND_DYNAMIC || base->kind == AOT_KIND_AOT_CONFIG)
		return aot_err_input(ar->path, nf ? nf->off : 16, "base_archive_name",
				     "base archive %s is a %s, not a static archive", base->path,
				     aot_archive_kind_name(base->kind));
	if (base->layout != ar->layout)
		return aot_err_input(ar->path, 8, "version", "base archive %s has format %s, the dynamic archive %s",
				     base->path, base->layout ? base->layout->name : "unknown", ar->layout->name);
	const struct aot_hdr_field *hc = aot_archive_field(ar, AOT_R_BASE_HEADER_CRC);
	const struct aot_hdr_field *rc = aot_archive_field(ar, AOT_R_BASE_REGION_CRC);
	if (hc) {
		uint32_t want = (uint32_t)aot_field_read(ar->file->data, hc);
		uint64_t have = 0;
		aot_archive_value(base, AOT_R_CRC, &have);
		if (want != (uint32_t)have)
			return aot_err_input(ar->path, hc->off, "base_header_crc",
					     "0x%08x, but base archive %s has header crc 0x%08x: it is not the archive this one was dumped on",
					     want, base->path, (uint32_t)have);
	}
	if (rc) {
		for (unsigned i = 0; i < base->nregions; i++) {
			uint32_t want = (uint32_t)le(ar->file->data + rc->off + 4 * i, 4);
			if (want != base->regions[i].crc)
				return aot_err_input(ar->path, rc->off + 4 * i, "base_region_crc",
						     "region %s: 0x%08x, but base archive %s has 0x%08x",
						     base->regions[i].name, want, base->path,
						     base->regions[i].crc);
		}
	}
	uint64_t rb = base->requested_base;
	const struct aot_hdr_field *bf = aot_archive_field(ar, AOT_R_REQUESTED_BASE);
	if (rb != ar->requested_base)
		return aot_err_input(ar->path, bf ? bf->off : 0, bf ? bf->name : "requested_base_address",
				     "0x%llx differs from base archive %s (0x%llx)",
				     (unsigned long long)ar->requested_base, base->path, (unsigned long long)rb);
	return NULL;
}

static struct aot_err *load_base(struct aot_archive *ar, const struct aot_open_opts *opts)
{
	char *path = NULL;
	struct aot_err *err = find_base(ar, opts, &path);
	if (err)
		return err;
	struct aot_archive *base = NULL;
	err = aot_archive_open(path, NULL, &base);
	free(path);
	if (err)
		return err;
	err = check_base(ar, base);
	if (err) {
		aot_archive_destroy(base);
		return err;
	}
	ar->base = base;
	if (base->space_lo < ar->space_lo)
		ar->space_lo = base->space_lo;
	return NULL;
}

static struct aot_err *read_base_name(struct aot_archive *ar)
{
	const struct aot_file *f = ar->file;
	uint64_t off = 0, size = 0;
	if (ar->layout->generic_header) {
		aot_archive_value(ar, AOT_R_BASE_NAME_OFFSET, &off);
		aot_archive_value(ar, AOT_R_BASE_NAME_SIZE, &size);
	} else {
		// 17: the name follows DynamicArchiveHeader.
		aot_archive_value(ar, AOT_R_BASE_NAME_SIZE, &size);
		off = ar->layout->dynamic_size;
	}
	if (size == 0)
		return NULL;
	// From 19 on the name is inside the header; 17 writes it right after.
	uint64_t limit = ar->layout->generic_header ? ar->header_size : f->size;
	if (size > PATH_MAX || off < (ar->layout->generic_header ? AOT_GENERIC_HEADER_SIZE : 0) ||
	    off > limit || size > limit - off)
		return aot_err_input(f->path, ar->layout->generic_header ? 16 : 880,
				     "base_archive_name_offset/size",
				     "name of %llu bytes at 0x%llx is outside the %s (%llu bytes)",
				     (unsigned long long)size, (unsigned long long)off,
				     ar->layout->generic_header ? "header" : "file",
				     (unsigned long long)limit);
	const char *s = (const char *)f->data + off;
	if (s[size - 1] != 0)
		return aot_err_input(f->path, off, "base_archive_name",
				     "not NUL-terminated within its %llu bytes", (unsigned long long)size);
	ar->base_name = strdup(s);
	return ar->base_name ? NULL : &aot_enomem;
}

struct aot_err *aot_archive_open(const char *path, const struct aot_open_opts *opts,
				 struct aot_archive **ret)
{
	struct aot_file *f;
	struct aot_err *err = aot_file_load(path, &f);
	return err ? err : aot_archive_open_file(f, opts, ret);
}

struct aot_err *aot_archive_open_file(struct aot_file *file, const struct aot_open_opts *opts,
				      struct aot_archive **ret)
{
	struct aot_archive *ar = calloc(1, sizeof(*ar));
	if (!ar) {
		aot_file_destroy(file);
		return &aot_enomem;
	}
	struct aot_err *err = NULL;
	ar->file = file;
	ar->path = ar->file->path;
	const char *path = ar->path;
	const struct aot_file *f = ar->file;
	ar->hptr_scale = 1;

	if (f->size < 16) {
		err = aot_err_input(path, f->size, "magic/version",
				    f->size == 0 ? "the file is empty" :
				    "the file has %llu bytes, too few for an archive header",
				    (unsigned long long)f->size);
		goto fail;
	}
	ar->magic = (uint32_t)le(f->data, 4);
	ar->version = (uint32_t)le(f->data + 8, 4);
	switch (ar->magic) {
	case AOT_MAGIC_STATIC: ar->kind = AOT_KIND_STATIC; break;
	case AOT_MAGIC_DYNAMIC: ar->kind = AOT_KIND_DYNAMIC; break;
	case AOT_MAGIC_AOT_CONFIG: ar->kind = AOT_KIND_AOT_CONFIG; break;
	default:
		err = aot_err_input(path, 0, "magic",
				    "0x%08x is not a CDS archive or AOT cache (expected 0x%08x static/AOT, "
				    "0x%08x dynamic, 0x%08x AOT configuration)",
				    ar->magic, AOT_MAGIC_STATIC, AOT_MAGIC_DYNAMIC, AOT_MAGIC_AOT_CONFIG);
		goto fail;
	}
	bool dynamic = ar->kind == AOT_KIND_DYNAMIC;

	bool known = false;
	for (const struct aot_hdr_layout *const *lp = aot_hdr_layouts; *lp; lp++)
		known |= (*lp)->version == ar->version;
	if (!known && ar->version >= 13) {
		// A version we do not know: only the generic header (13+) can be shown.
		if (f->size < AOT_GENERIC_HEADER_SIZE) {
			err = aot_err_input(path, f->size, "header_size",
					    "the file has %llu bytes, too few for the generic header",
					    (unsigned long long)f->size);
			goto fail;
		}
		ar->header_size = le(f->data + 12, 4);
		*ret = ar;
		return NULL;
	}
	if (!known) {
		err = aot_err_input(path, 8, "version",
				    "archive version %u is not one we support (%s)", ar->version,
				    aot_supported_versions);
		goto fail;
	}
	// Version 11 (JDK 17) predates the generic header; its size is a size_t at 520.
	uint64_t hs_off = ar->version == 11 ? 520 : 12;
	if (f->size < hs_off + (ar->version == 11 ? 8 : 4)) {
		err = aot_err_input(path, hs_off, "header_size",
				    "the file has %llu bytes, too few for a version %u header",
				    (unsigned long long)f->size, ar->version);
		goto fail;
	}
	ar->header_size = le(f->data + hs_off, ar->version == 11 ? 8 : 4);
	if (ar->header_size < AOT_GENERIC_HEADER_SIZE || ar->header_size > AOT_MAX_HEADER_SIZE) {
		err = aot_err_input(path, hs_off, "header_size", "%llu is not a plausible header size",
				    (unsigned long long)ar->header_size);
		goto fail;
	}
	if (ar->header_size > f->size) {
		err = aot_err_input(path, hs_off, "header_size",
				    "header of %llu bytes extends past the end of the file (size %llu)",
				    (unsigned long long)ar->header_size, (unsigned long long)f->size);
		goto fail;
	}

	ar->layout = pick_layout(f, ar->version, ar->header_size, dynamic);
	if (!ar->layout) {
		err = aot_err_input(path, hs_off, "header_size",
				    "%llu does not match any known layout of version %u",
				    (unsigned long long)ar->header_size, ar->version);
		goto fail;
	}
	const struct aot_hdr_field *id = aot_archive_field(ar, AOT_R_JVM_IDENT);
	memcpy(ar->jvm_ident, f->data + id->off, id->len);
	ar->jvm_ident[id->len] = 0;
	aot_archive_value(ar, AOT_R_REQUESTED_BASE, &ar->requested_base);

	err = read_regions(ar);
	if (!err)
		err = place_regions(ar);
	if (err)
		goto fail;
	// A pointer map that does not fit in the bitmap region is corrupt structure, like a region past EOF.
	for (unsigned i = 0; i < ar->nregions && !err; i++) {
		struct aot_bitmap maps[2];
		unsigned n;
		// A file cut short: its maps are checked when read, against what is left.
		if (!ar->damage)
			err = aot_archive_bitmaps(ar, &ar->regions[i], maps, &n);
	}
	if (err)
		goto fail;
	detect_hptr_scale(ar);
	if (ar->kind == AOT_KIND_STATIC) {
		uint64_t linked = 0;
		if (aot_archive_value(ar, AOT_R_HAS_AOT_LINKED_CLASSES, &linked) && linked)
			ar->kind = AOT_KIND_AOT_CACHE;
	}
	if (dynamic) {
		err = read_base_name(ar);
		if (err)
			goto fail;
		if (ar->base_name)
			ar->base_err = load_base(ar, opts);
		else
			ar->base_err = aot_err_input(path, 16, "base_archive_name",
						     "dynamic archive names no base archive");
	}
	*ret = ar;
	return NULL;
fail:
	aot_archive_destroy(ar);
	return err;
}

void aot_archive_destroy(struct aot_archive *ar)
{
	if (!ar)
		return;
	aot_archive_destroy(ar->base);
	aot_err_free(ar->base_err);
	aot_err_free(ar->damage);
	free(ar->base_name);
	aot_file_destroy(ar->file);
	free(ar);
}

bool aot_archive_heap_range(const struct aot_archive *ar, uint64_t *lo, uint64_t *hi)
{
	bool any = false;
	for (unsigned i = 0; i < ar->nregions; i++) {
		const struct aot_region *r = &ar->regions[i];
		if (!r->is_heap || !r->mappable)
			continue;
		if (!any || r->addr < *lo)
			*lo = r->addr;
		if (!any || r->addr + r->used > *hi)
			*hi = r->addr + r->used;
		any = true;
	}
	return any;
}

uint64_t aot_archive_decode_narrow_oop(const struct aot_archive *ar, uint32_t v)
{
	uint64_t shift = 0, base = 0;
	aot_archive_value(ar, AOT_R_NARROW_OOP_SHIFT, &shift);
	aot_archive_value(ar, AOT_R_NARROW_OOP_BASE, &base);
	return base + ((uint64_t)v << (shift & 63));
}
