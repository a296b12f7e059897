/* aot-header: every header field as the JVM's map log names it, and what it means. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"


static void out_field(struct aot_out *o, const char *name, const uint8_t *base,
		      const struct aot_hdr_field *f)
{
	if (f->type == AOT_FT_CHARS) {
		char buf[1024];
		size_t n = f->len < sizeof(buf) - 1 ? f->len : sizeof(buf) - 1;
		memcpy(buf, base + f->off, n);
		buf[n] = 0;
		aot_out_str(o, name, buf);
		return;
	}
	uint64_t v = aot_field_read(base, f);
	bool is_signed = f->type == AOT_FT_I16 || f->type == AOT_FT_I32;
	switch (f->print) {
	case AOT_FP_HEX: aot_out_hex(o, name, is_signed ? (uint32_t)v : v, 0); break;
	case AOT_FP_HEX8: aot_out_hex(o, name, v & 0xffffffffu, 8); break;
	case AOT_FP_PTR: aot_out_hex(o, name, v, 16); break;
	default:
		if (is_signed)
			aot_out_i64(o, name, (int64_t)v);
		else
			aot_out_u64(o, name, v);
	}
}

static void out_fields(struct aot_out *o, const struct aot_archive *ar,
		       const struct aot_hdr_field *fields, unsigned nregions)
{
	for (const struct aot_hdr_field *f = fields; f && f->name; f++) {
		if (f->role == AOT_R_BASE_REGION_CRC) {
			// An array, one CRC per region of the base archive.
			for (unsigned i = 0; i < nregions; i++) {
				char name[64];
				struct aot_hdr_field one = *f;
				one.off = f->off + 4 * i;
				snprintf(name, sizeof(name), "%s[%u]", f->name, i);
				out_field(o, name, ar->file->data, &one);
			}
			continue;
		}
		out_field(o, f->name, ar->file->data, f);
	}
}

static const char *oop_mode_name(uint64_t mode)
{
	switch (mode) {
	case 0: return "unscaled";
	case 1: return "zero-based";
	case 2: return "disjoint-base";
	case 3: return "heap-based";
	}
	return "unknown mode";
}

static void out_ptr_meaning(struct aot_out *o, const struct aot_session *s,
			    const struct aot_archive *ar, const char *key, enum aot_role role)
{
	uint64_t addr;
	if (!aot_archive_hdr_addr(ar, role, &addr))
		return;
	addr += aot_session_mapped_base(s, ar) - ar->requested_base;
	char where[64];
	const char *w = aot_describe_addr(s, ar, addr, where, sizeof(where));
	aot_out_strf(o, key, "0x%016" PRIx64 "%s%s%s", addr, w ? " (" : "", w ? w : "", w ? ")" : "");
}

/* The decoded meaning of the header, for people who do not know the fields by heart. */
static void out_summary(struct aot_out *o, const struct aot_session *s, const struct aot_archive *ar)
{
	const struct aot_hdr_layout *l = ar->layout;
	uint64_t v, w, x;
	aot_out_begin(o, "summary", "Summary");
	aot_out_key_width(o, 26);
	switch (ar->kind) {
	case AOT_KIND_STATIC:
		aot_out_str(o, "kind", "static CDS archive (-Xshare:dump; the default CDS archive is one)");
		break;
	case AOT_KIND_DYNAMIC:
		aot_out_str(o, "kind", "dynamic CDS archive (-XX:ArchiveClassesAtExit), layered on a static archive");
		break;
	case AOT_KIND_AOT_CACHE:
		aot_out_str(o, "kind", "AOT cache (static archive with AOT-linked classes: -XX:AOTMode=create or -XX:AOTCacheOutput)");
		break;
	case AOT_KIND_AOT_CONFIG:
		aot_out_str(o, "kind", "AOT configuration file (-XX:AOTMode=record): training input for -XX:AOTMode=create, "
			    "never mapped by a JVM");
		break;
	}
	aot_out_strf(o, "format", "version %u (0x%x), layout %s, %" PRIu64 "-byte header", ar->version,
		     ar->version, l->name, ar->header_size);
	aot_out_strf(o, "jdk", "JDK %s", l->jdk);
	aot_out_str(o, "jvm_ident", ar->jvm_ident);
	aot_out_hex(o, "requested_base", ar->requested_base, 16);
	if (s->opts.have_base)
		aot_out_hex(o, "mapped_base", aot_session_mapped_base(s, ar), 16);
	if (aot_archive_value(ar, AOT_R_COMPRESSED_OOPS, &v) && v) {
		aot_archive_value(ar, AOT_R_NARROW_OOP_MODE, &w);
		aot_archive_value(ar, AOT_R_NARROW_OOP_SHIFT, &x);
		uint64_t b = 0;
		aot_archive_value(ar, AOT_R_NARROW_OOP_BASE, &b);
		aot_out_strf(o, "compressed_oops", "on, %s (mode %" PRIu64 "), shift %" PRIu64 ", base 0x%" PRIx64,
			     oop_mode_name(w), w, x, b);
	} else {
		aot_out_str(o, "compressed_oops", "off");
	}
	uint64_t ccp = 1, bits = 32, shift = 0;
	// 27 has no flag: compressed class pointers are always on there.
	aot_archive_value(ar, AOT_R_COMPRESSED_CLASS_PTRS, &ccp);
	aot_archive_value(ar, AOT_R_NARROW_KLASS_BITS, &bits);
	aot_archive_value(ar, AOT_R_NARROW_KLASS_SHIFT, &shift);
	if (ccp)
		aot_out_strf(o, "compressed_class_ptrs", "on, %" PRIu64 "-bit narrow klass, shift %" PRIu64
			     ", base = the mapped base", bits, shift);
	else
		aot_out_str(o, "compressed_class_ptrs", "off");
	if (aot_archive_value(ar, AOT_R_COMPACT_HEADERS, &v))
		aot_out_str(o, "compact_headers", v ? "on (8-byte object headers)" : "off");
	uint64_t lo, hi;
	if (aot_archive_heap_range(ar, &lo, &hi)) {
		uint64_t mode = 0;
		aot_archive_value(ar, AOT_R_OBJECT_STREAMING_MODE, &mode);
		aot_out_strf(o, "heap", "[0x%016" PRIx64 ", 0x%016" PRIx64 "), %" PRIu64 " bytes, %s", lo, hi,
			     hi - lo, mode ? "streamed format" : "mapped format");
	} else {
		aot_out_str(o, "heap", "none archived");
	}
	out_ptr_meaning(o, s, ar, "cloned_vtables", AOT_R_CLONED_VTABLES);
	out_ptr_meaning(o, s, ar, "early_serialized_data", AOT_R_EARLY_SERIALIZED_DATA);
	out_ptr_meaning(o, s, ar, "serialized_data", AOT_R_SERIALIZED_DATA);
	if (aot_archive_field(ar, AOT_R_SHARED_PATH_TABLE)) {
		out_ptr_meaning(o, s, ar, "shared_path_table", AOT_R_SHARED_PATH_TABLE);
		if (aot_archive_value(ar, AOT_R_SHARED_PATH_TABLE_SIZE, &v))
			aot_out_u64(o, "shared_path_table_entries", v);
	}
	out_ptr_meaning(o, s, ar, "class_location_config", AOT_R_CLASS_LOCATION_CONFIG);
	if (ar->hptr_scale != 1)
		aot_out_strf(o, "header_pointers", "u4 narrowPtr, byte offset / %u", ar->hptr_scale);
	if (ar->kind == AOT_KIND_DYNAMIC) {
		aot_out_str(o, "base_archive_name", ar->base_name);
		if (ar->base)
			aot_out_strf(o, "base_archive", "%s (header and region CRCs match)", ar->base->path);
		else
			aot_out_strf(o, "base_archive", "not loaded: %s",
				     ar->base_err ? ar->base_err->msg : "unknown reason");
	}
	aot_out_end(o);
}

static struct aot_err *run_header(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	if (argc > 1)
		return aot_errf(AOT_ERR_USAGE, "aot-header takes no arguments (got '%s')", argv[1]);
	struct aot_err *result = NULL;
	aot_out_begin_list(o, "archives", NULL);
	for (unsigned i = 0; i < s->narchives; i++) {
		const struct aot_archive *ar = s->archives[i];
		aot_out_archive_begin(o, ar, NULL);
		if (!ar->layout) {
			aot_out_begin(o, "fields", "Generic header (the part every version shares)");
			aot_out_key_width(o, 33);
			out_fields(o, ar, aot_hdr_generic_fields, 0);
			aot_out_end(o);
			aot_out_end(o);
			if (!result)
				result = aot_archive_require_layout(ar);
			continue;
		}
		out_summary(o, s, ar);
		aot_out_begin(o, "fields", "Header fields (named as in the JVM's map log)");
		aot_out_key_width(o, 33);
		out_fields(o, ar, ar->layout->fields, 0);
		if (ar->kind == AOT_KIND_DYNAMIC)
			out_fields(o, ar, ar->layout->dyn_fields,
				   ar->base ? ar->base->nregions : ar->layout->region_count);
		aot_out_end(o);
		aot_out_end(o);
	}
	aot_out_end_list(o);
	return result;
}

const struct aot_cmd aot_cmd_header = {
	.name = "aot-header",
	.usage = "aot-header [--json]",
	.summary = "every header field of each archive, and what it means",
	.help = "Prints, for each open archive, a summary (kind, JDK, compressed oop and class\n"
		"pointer encoding, compact headers, heap, where the serialized data and the\n"
		"cloned vtables are, base archive, class path table), then every field of the\n"
		"header named and formatted as the JVM's own map log prints it\n"
		"(-Xlog:cds+map / -Xlog:aot+map).  Region entries: see aot-regions.",
	.example = "aot-header --json",
	.complete = AOT_COMPLETE_NONE,
	.run = run_header,
};
