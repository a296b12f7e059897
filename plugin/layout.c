#include "layout.h"
#include "layout_hdr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct decl {
	const char *type, *field;	/* field NULL for a size */
	uint8_t kind;
	uint8_t from, to;
	bool dwarf_only;	/* no gHotSpotVM table lists it: DWARF or nothing */
};

static const struct decl decls[AOT_LF_COUNT] = {
#define LF_FIELD(id, t, f, lo, hi) [AOT_LF_##id] = { t, f, AOT_LK_FIELD, lo, hi },
#define LF_STATIC(id, t, f, lo, hi) [AOT_LF_##id] = { t, f, AOT_LK_STATIC, lo, hi },
#define LF_SIZE(id, t, lo, hi) [AOT_LF_##id] = { t, NULL, AOT_LK_SIZE, lo, hi },
#define LF_DWARF(id, t, f, lo, hi) [AOT_LF_##id] = { t, f, AOT_LK_FIELD, lo, hi, true },
#define LF_DWARF_SIZE(id, t, lo, hi) [AOT_LF_##id] = { t, NULL, AOT_LK_SIZE, lo, hi, true },
#include "layout_fields.def"
#undef LF_DWARF
#undef LF_DWARF_SIZE
#undef LF_FIELD
#undef LF_STATIC
#undef LF_SIZE
};

/* Nesting deeper than a.b.c does not occur; this bounds hostile DWARF. */
#define MAX_PATH_DEPTH 4
#define MAX_BASE_DEPTH 8

const char *aot_lsrc_name(enum aot_lsrc s)
{
	static const char *const names[] = { "tables", "dwarf", "built-in" };
	return s < AOT_SRC_COUNT ? names[s] : "none";
}

const char *aot_lresult_name(enum aot_lresult r)
{
	static const char *const names[] = { "agree", "one source", "DISAGREE", "MISSING",
					     "not in this JDK" };
	return r <= AOT_LR_ABSENT ? names[r] : "?";
}

const char *aot_layout_dwarf_name(const char *vm_name, char *buf, size_t len)
{
	// HotSpot's typedefs as gcc names template arguments.
	static const struct { const char *from, *to; } alias[] = {
		{ "<u1>", "<unsigned char>" }, { "<u2>", "<short unsigned int>" },
		{ "<u4>", "<unsigned int>" }, { "<u8>", "<long unsigned int>" },
		{ "<jushort>", "<short unsigned int>" },
	};
	snprintf(buf, len, "%s", vm_name);
	for (size_t i = 0; i < sizeof(alias) / sizeof(*alias); i++) {
		char *p = strstr(buf, alias[i].from);
		if (p) {
			char tail[256];
			snprintf(tail, sizeof(tail), "%s", p + strlen(alias[i].from));
			*p = '\0';
			snprintf(p, len - (size_t)(p - buf), "%s%s", alias[i].to, tail);
		}
	}
	return buf;
}

static const struct aot_type *dwarf_type(struct aot_dwarf *d, const char *name)
{
	const struct aot_type *t = NULL;
	struct aot_err *err = aot_dwarf_types(d, &name, 1, &t);
	aot_err_free(err);
	return err ? NULL : t;
}

/* The type a member's type name refers to, as a name DWARF can look up. */
static void member_type_name(const char *type_name, char *buf, size_t len)
{
	const char *p = type_name;
	for (;;) {
		if (!strncmp(p, "const ", 6))
			p += 6;
		else if (!strncmp(p, "volatile ", 9))
			p += 9;
		else if (!strncmp(p, "struct ", 7))
			p += 7;
		else if (!strncmp(p, "class ", 6))
			p += 6;
		else if (!strncmp(p, "union ", 6))
			p += 6;
		else
			break;
	}
	snprintf(buf, len, "%s", p);
}

/* Find NAME in T or (recursively) its bases; offsets accumulate. */
static const struct aot_member *find_member(struct aot_dwarf *d, const struct aot_type *t,
					    const char *name, uint64_t *off, int depth)
{
	const struct aot_member *m = aot_type_member(t, name);
	if (m) {
		*off += m->offset;
		return m;
	}
	if (depth >= MAX_BASE_DEPTH)
		return NULL;
	for (size_t i = 0; i < t->nmembers; i++) {
		if (!t->members[i].is_base)
			continue;
		char bn[256];
		member_type_name(t->members[i].name, bn, sizeof(bn));
		const struct aot_type *b = dwarf_type(d, bn);
		uint64_t boff = *off + t->members[i].offset;
		if (b && (m = find_member(d, b, name, &boff, depth + 1))) {
			*off = boff;
			return m;
		}
	}
	return NULL;
}

bool aot_layout_dwarf_member(struct aot_dwarf *d, const char *type, const char *path,
			     uint64_t *off, uint64_t *size)
{
	char dn[256], part[128];
	const struct aot_type *t = dwarf_type(d, aot_layout_dwarf_name(type, dn, sizeof(dn)));
	uint64_t o = 0;
	const struct aot_member *m = NULL;
	const char *p = path;
	for (int depth = 0; t && depth < MAX_PATH_DEPTH; depth++) {
		size_t n = strcspn(p, ".");
		if (n == 0 || n >= sizeof(part))
			return false;
		memcpy(part, p, n);
		part[n] = '\0';
		m = find_member(d, t, part, &o, 0);
		if (!m || m->is_static)
			return false;
		if (p[n] == '\0') {
			*off = o;
			*size = m->size;
			return true;
		}
		p += n + 1;
		member_type_name(m->type_name, dn, sizeof(dn));
		t = dwarf_type(d, dn);
	}
	return false;
}

bool aot_layout_declares(const char *type, const char *field)
{
	size_t n = strlen(field);
	for (size_t i = 0; i < AOT_LF_COUNT; i++) {
		const char *f = decls[i].field;
		// "_metadata._klass" declares "_metadata" too.
		if (f && !strcmp(decls[i].type, type) && !strncmp(f, field, n) &&
		    (f[n] == '\0' || f[n] == '.'))
			return true;
	}
	return false;
}

void aot_lrow_settle(struct aot_lrow *r)
{
	int n = 0, first = -1;
	bool differ = false;
	for (int s = 0; s < AOT_SRC_COUNT; s++) {
		if (!r->has[s])
			continue;
		if (first < 0)
			first = s;
		else if (r->val[s] != r->val[first])
			differ = true;
		n++;
	}
	r->used = first;
	if (n == 0)
		r->result = r->expected ? AOT_LR_MISSING : AOT_LR_ABSENT;
	else if (differ)
		r->result = AOT_LR_DISAGREE;
	else
		r->result = n == 1 ? AOT_LR_ONE : AOT_LR_AGREE;
}

void aot_lrow_from_tables(struct aot_lrow *r, const struct aot_vmstructs *v, const char *type,
			  const char *field)
{
	if (!v)
		return;
	if (r->kind == AOT_LK_SIZE) {
		const struct aot_vm_type *t = aot_vmstructs_type(v, type);
		if (t && t->origin != AOT_VM_UNKNOWN) {
			r->has[AOT_SRC_TABLES] = true;
			r->val[AOT_SRC_TABLES] = t->size;
			r->detail[AOT_SRC_TABLES] = aot_vm_origin_name(t->origin);
		}
		return;
	}
	const struct aot_vm_field *f = aot_vmstructs_field(v, type, field);
	if (!f || f->is_static != (r->kind == AOT_LK_STATIC))
		return;
	if (!f->is_static && f->origin == AOT_VM_UNKNOWN)
		return;		// a store the replay could not follow: no value
	r->has[AOT_SRC_TABLES] = true;
	r->val[AOT_SRC_TABLES] = f->is_static ? f->address : f->offset;
	r->detail[AOT_SRC_TABLES] = f->is_static ? "relocation" : aot_vm_origin_name(f->origin);
	if (!f->is_static)
		r->size = aot_vmstructs_size_of(v, f->type_string);
}

static void from_dwarf(struct aot_lrow *r, const struct decl *d, struct aot_dwarf *dw)
{
	if (!dw || d->kind == AOT_LK_STATIC)
		return;		// static members have no offset; their addresses need symbols
	uint64_t off, size;
	if (d->kind == AOT_LK_SIZE) {
		char dn[256];
		const struct aot_type *t = dwarf_type(dw, aot_layout_dwarf_name(d->type, dn, sizeof(dn)));
		if (t) {
			r->has[AOT_SRC_DWARF] = true;
			r->val[AOT_SRC_DWARF] = t->size;
		}
	} else if (aot_layout_dwarf_member(dw, d->type, d->field, &off, &size)) {
		r->has[AOT_SRC_DWARF] = true;
		r->val[AOT_SRC_DWARF] = off;
		if (size)
			r->size = size;
	}
}

/*
 * Ask DWARF for every declared type at once, and for EXTRA (NULL-terminated):
 * one pass over the CUs, not one per type.
 */
static struct aot_err *prefetch(struct aot_dwarf *dw, const char *const *extra)
{
	enum { MAX = AOT_LF_COUNT + 32 };
	const char *names[MAX];
	char bufs[MAX][128];
	size_t n = 0;
	for (size_t i = 0; i < MAX; i++) {
		const char *t = i < AOT_LF_COUNT ? decls[i].type : extra ? extra[i - AOT_LF_COUNT] : NULL;
		if (!t)
			break;
		aot_layout_dwarf_name(t, bufs[n], sizeof(bufs[n]));
		bool dup = false;
		for (size_t k = 0; k < n && !dup; k++)
			dup = !strcmp(names[k], bufs[n]);
		if (!dup) {
			names[n] = bufs[n];
			n++;
		}
	}
	const struct aot_type *out[MAX];
	return aot_dwarf_types(dw, names, n, out);
}

struct aot_err *aot_layout_build(struct aot_jvm *j, bool with_dwarf, struct aot_layout **ret)
{
	struct aot_layout *l = calloc(1, sizeof(*l));
	if (!l)
		return &aot_enomem;
	char fb[16];
	const char *feature = aot_jvm_feature(j, fb, sizeof(fb));
	l->feature = feature ? atoi(feature) : 0;
	bool need_dwarf = with_dwarf;
	for (size_t i = 0; i < AOT_LF_COUNT; i++) {
		const struct decl *d = &decls[i];
		struct aot_lrow *r = &l->rows[i];
		if (d->kind == AOT_LK_SIZE)
			snprintf(r->name, sizeof(r->name), "sizeof(%s)", d->type);
		else
			snprintf(r->name, sizeof(r->name), "%s::%s", d->type, d->field);
		r->group = "metadata";
		r->kind = d->kind;
		r->expected = l->feature == 0 || (l->feature >= d->from && l->feature <= d->to);
		aot_lrow_from_tables(r, j->vm, d->type, d->field);
		if (!r->has[AOT_SRC_TABLES] && r->expected && d->kind != AOT_LK_STATIC)
			need_dwarf = true;
	}
	struct aot_dwarf *dw = NULL;
	if (need_dwarf) {
		l->dwarf_err = aot_jvm_dwarf(j, &dw);
		// Stripped builds have no DWARF; a bad or foreign debug file is the user's to fix.
		if (l->dwarf_err && (l->dwarf_err->code != AOT_ERR_NOT_FOUND || j->dwarf_opts.debug_file)) {
			struct aot_err *err = l->dwarf_err;
			l->dwarf_err = NULL;
			aot_layout_destroy(l);
			return err;
		}
		if (!l->dwarf_err) {
			l->dwarf_used = true;
			struct aot_err *err = prefetch(dw, with_dwarf ? aot_layout_hdr_types : NULL);
			if (err) {
				aot_layout_destroy(l);
				return err;
			}
		}
	}
	for (size_t i = 0; i < AOT_LF_COUNT; i++) {
		struct aot_lrow *r = &l->rows[i];
		// A stripped build cannot have what only DWARF knows: its decoders say so.
		if (decls[i].dwarf_only && !dw)
			r->expected = false;
		if (with_dwarf || !r->has[AOT_SRC_TABLES])
			from_dwarf(r, &decls[i], dw);
		aot_lrow_settle(r);
	}
	// Hundreds of MB of decompressed DWARF; the answers stay.  A verification
	// goes on to the header types, and releases it itself.
	if (dw && !with_dwarf)
		aot_dwarf_release(dw);
	*ret = l;
	return NULL;
}

void aot_layout_destroy(struct aot_layout *l)
{
	if (!l)
		return;
	aot_err_free(l->dwarf_err);
	free(l);
}

struct aot_err *aot_layout_get(const struct aot_layout *l, enum aot_lf id, uint64_t *value,
			       uint64_t *size)
{
	const struct aot_lrow *r = &l->rows[id];
	if (r->used < 0)
		return aot_errf(AOT_ERR_NOT_FOUND,
				"%s is not known for this build: the gHotSpotVM tables do not have it%s%s",
				r->name, l->dwarf_used ? " and neither does its DWARF" : " and there is no DWARF: ",
				l->dwarf_used ? "" : (l->dwarf_err && l->dwarf_err->msg ? l->dwarf_err->msg : ""));
	*value = r->val[r->used];
	if (size)
		*size = r->size;
	return NULL;
}
