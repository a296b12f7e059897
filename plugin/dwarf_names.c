/*
 * Type names spelled the way gdb prints them ("Array<unsigned char> *",
 * "Klass::KlassKind", "void (*)(int)"), since that is how users name types:
 * GCC's integer names canonicalised, the namespaces and classes that enclose
 * a DIE (libdwarf has no parent links), and C declarators read inside out.
 */
#include "dwarf_internal.h"

#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 64		/* parameters spelled in a function type */

/* ---------------------------------------------------------------------- */
/* Integer type names */

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Which of the integer type words W (N bytes) is, as a bit; 0 if none. */
static unsigned int_word(const char *w, size_t n)
{
	static const char *const words[] = { "short", "long", "unsigned", "signed", "int", "char" };
	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !memcmp(w, words[i], n))
			return 1u << i;
	return 0;
}

/*
 * Rewrite, in place, the C++ integer type names the way gdb canonicalises
 * them: GCC names "Array<short unsigned int>" what gdb (and so the user)
 * calls "Array<unsigned short>", and "long int" is "long".  Only inside
 * template arguments, unless WHOLE (S is a base type's name).  Never
 * lengthens S.
 */
void aot_dw_canon_int_names(char *s, bool whole)
{
	char *w = s;
	int depth = whole;
	for (const char *r = s; *r; ) {
		// Outside template arguments, or not at the start of a word: copy.
		if (depth <= 0 || !is_ident(*r)) {
			depth += *r == '<' ? 1 : *r == '>' ? -1 : 0;
			*w++ = *r++;
			continue;
		}
		// A run of integer words ("long unsigned int"), separated by single spaces.
		const char *end = r, *p = r;
		unsigned seen = 0, longs = 0;
		for (;;) {
			const char *q = p;
			while (is_ident(*q))
				q++;
			unsigned bit = int_word(p, (size_t)(q - p));
			if (!bit || (bit != 2 && (seen & bit)) || (bit == 2 && longs == 2))
				break;
			seen |= bit;
			longs += bit == 2;
			end = q;
			if (*q != ' ' || !is_ident(q[1]))
				break;
			p = q + 1;
		}
		if (end == r) {
			while (is_ident(*r))
				*w++ = *r++;
			continue;
		}
		char c[32];
		if (seen & 32)
			snprintf(c, sizeof(c), "%s%schar", seen & 4 ? "unsigned " : "",
				 seen & 8 ? "signed " : "");
		else
			snprintf(c, sizeof(c), "%s%s", seen & 4 ? "unsigned " : "",
				 seen & 1 ? "short" : longs == 2 ? "long long" : longs ? "long" : "int");
		size_t n = strlen(c);
		if (n <= (size_t)(end - r)) {
			memcpy(w, c, n);
			w += n;
		} else {
			memmove(w, r, (size_t)(end - r));
			w += end - r;
		}
		r = end;
	}
	*w = '\0';
}

/* ---------------------------------------------------------------------- */
/* Qualified names: which namespaces and classes enclose a DIE */

/* Most children a scope keeps: a CU has some thousands at its top level. */
#define MAX_SCOPE_KIDS (1u << 20)

/*
 * A namespace or class scope of the DWARF tree, loaded on demand to spell the
 * qualified name of a type ("Klass::KlassKind"): libdwarf has no parent links.
 */
struct scope {
	Dwarf_Off start, end;		/* the DIE's offset, and where its subtree ends */
	const char *name;		/* borrowed from libdwarf's section data; NULL: anonymous */
	char *prefix;			/* "A::B::" including this scope; built when entered */
	bool loaded;			/* kids has been read */
	struct scope *kids;		/* the children that can enclose types, by offset */
	size_t nkids;
};

static void scope_free(struct scope *s)
{
	for (size_t i = 0; i < s->nkids; i++)
		scope_free(&s->kids[i]);
	free(s->kids);
	free(s->prefix);
}

/* Forget every scope: they point into libdwarf's data (aot_dw_close()). */
void aot_dw_forget_scopes(struct aot_dwarf *d)
{
	for (size_t i = 0; i < d->ncus; i++)
		scope_free(&d->cus[i]);
	free(d->cus);
	d->cus = NULL;
	d->ncus = 0;
}

static bool is_scope_tag(Dwarf_Half tag)
{
	return tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
	       tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
}

/* Record the children of S that can enclose types, with the extent of each. */
static struct aot_err *load_kids(struct aot_dwarf *d, struct scope *s)
{
	s->loaded = true;
	Dwarf_Die die, kid;
	struct aot_err *err = aot_dw_die_at(d, s->start, &die);
	if (err)
		return err;
	err = aot_dw_die_child(d, die, &kid);
	dwarf_dealloc_die(die);
	size_t cap = 0;
	while (kid && !err) {
		Dwarf_Half tag;
		Dwarf_Off off = aot_dw_die_off(d, kid);
		const char *name = NULL;
		if ((err = aot_dw_die_tag(d, kid, &tag)))
			break;
		if (is_scope_tag(tag) && (err = aot_dw_die_name(d, kid, &name)))
			break;
		Dwarf_Die next;
		err = aot_dw_die_next(d, kid, &next);
		kid = next;
		if (err || !is_scope_tag(tag) || s->nkids == MAX_SCOPE_KIDS)
			continue;
		if (s->nkids == cap) {
			cap = cap ? 2 * cap : 64;
			struct scope *nk = realloc(s->kids, cap * sizeof(*nk));
			if (!nk) {
				err = &aot_enomem;
				break;
			}
			s->kids = nk;
		}
		s->kids[s->nkids++] = (struct scope){
			.start = off,
			.end = kid ? aot_dw_die_off(d, kid) : s->end,
			.name = name,
		};
	}
	if (kid)
		dwarf_dealloc_die(kid);
	return err;
}

/* The kid of S whose subtree holds OFF, or NULL. */
static struct scope *kid_holding(struct scope *s, Dwarf_Off off)
{
	size_t lo = 0, hi = s->nkids;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->kids[mid].start <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	struct scope *k = &s->kids[lo - 1];
	return off < k->end ? k : NULL;
}

/* The scope for the CU holding DIE, created on first use. */
static struct aot_err *cu_scope(struct aot_dwarf *d, Dwarf_Die die, struct scope **ret)
{
	Dwarf_Off cu_die = 0, hdr = 0, len = 0;
	Dwarf_Error e = NULL;
	if (dwarf_CU_dieoffset_given_die(die, &cu_die, &e) != DW_DLV_OK ||
	    dwarf_die_CU_offset_range(die, &hdr, &len, &e) != DW_DLV_OK)
		return aot_dw_err(d, e, aot_dw_die_off(d, die), "enclosing CU");
	for (size_t i = 0; i < d->ncus; i++) {
		if (d->cus[i].start == cu_die) {
			*ret = &d->cus[i];
			return NULL;
		}
	}
	struct scope *nc = realloc(d->cus, (d->ncus + 1) * sizeof(*nc));
	if (!nc)
		return &aot_enomem;
	d->cus = nc;
	*ret = &d->cus[d->ncus++];
	**ret = (struct scope){ .start = cu_die, .end = hdr + len, .prefix = strdup("") };
	return (*ret)->prefix ? NULL : &aot_enomem;
}

/*
 * The qualifier gdb puts before the name of the type DIE at OFF, such as
 * "Klass::" for the enum KlassKind declared in class Klass.  Borrowed.
 */
static struct aot_err *scope_prefix(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Off off,
				    const char **ret)
{
	struct scope *s = NULL;
	struct aot_err *err = cu_scope(d, die, &s);
	if (err)
		return err;
	for (int depth = 0; ; depth++) {
		if (!s->loaded && (err = load_kids(d, s)))
			break;
		struct scope *k = kid_holding(s, off);
		if (!k || k->start == off || depth == MAX_SCOPE_DEPTH)
			break;
		if (!k->prefix) {
			const char *name = k->name ? k->name : "(anonymous namespace)";
			if (strlen(s->prefix) + strlen(name) > MAX_NAME ||
			    asprintf(&k->prefix, "%s%s::", s->prefix, name) < 0) {
				k->prefix = NULL;
				break;	// too long to matter: stop qualifying here
			}
		}
		s = k;
	}
	*ret = s->prefix;
	return err;
}

/* ---------------------------------------------------------------------- */
/* Type names, spelled the way gdb prints them */

/* BASE then the declarator INNER, spaced as gdb does: "char" "*" -> "char *". */
static struct aot_err *join(const char *base, const char *inner, char **ret)
{
	if (asprintf(ret, "%s%s%s", base, *inner ? " " : "", inner) < 0) {
		*ret = NULL;
		return &aot_enomem;
	}
	return NULL;
}

static const char *anonymous(Dwarf_Half tag)
{
	switch (tag) {
	case DW_TAG_structure_type:
		return "struct {...}";
	case DW_TAG_class_type:
		return "class {...}";
	case DW_TAG_union_type:
		return "union {...}";
	case DW_TAG_enumeration_type:
		return "enum {...}";
	default:
		return "?";
	}
}

/* The qualified name of a named type DIE at OFF ("InstanceKlass::ClassState"). */
struct aot_err *aot_dw_type_name(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Off off,
				 Dwarf_Half tag, char **ret)
{
	const char *name, *prefix = "";
	struct aot_err *err = aot_dw_die_name(d, die, &name);
	Dwarf_Die spec = NULL;
	if (!err && !name && tag != DW_TAG_base_type) {
		// A class defined outside its scope names itself through its declaration.
		bool has;
		Dwarf_Off soff;
		err = aot_dw_die_ref(d, die, DW_AT_specification, &has, &soff);
		if (!err && has && !(err = aot_dw_die_at(d, soff, &spec)) &&
		    !(err = aot_dw_die_name(d, spec, &name)))
			die = spec, off = soff;
	}
	if (!err && name && tag != DW_TAG_base_type)
		err = scope_prefix(d, die, off, &prefix);
	if (!err) {
		if (!name)
			*ret = strdup(anonymous(tag));
		else if (asprintf(ret, "%s%.*s", prefix, MAX_NAME, name) < 0)
			*ret = NULL;
		if (!*ret)
			err = &aot_enomem;
		else
			aot_dw_canon_int_names(*ret, tag == DW_TAG_base_type);
	}
	if (spec)
		dwarf_dealloc_die(spec);
	return err;
}

/* "[8]" for each dimension of the array DIE ("[]" when unknown), appended to B. */
struct aot_err *aot_dw_array_dims(struct aot_dwarf *d, Dwarf_Die die, struct sbuf *b,
				  uint64_t *count)
{
	Dwarf_Die kid;
	struct aot_err *err = aot_dw_die_child(d, die, &kid);
	*count = 1;
	while (kid && !err) {
		Dwarf_Half tag;
		bool has, neg, has_lo, lo_neg;
		uint64_t n = 0, lo = 0;
		char dim[32] = "[]";
		if ((err = aot_dw_die_tag(d, kid, &tag)))
			break;
		if (tag == DW_TAG_subrange_type) {
			if (!(err = aot_dw_die_const(d, kid, DW_AT_count, &has, &neg, &n)) &&
			    !has) {
				err = aot_dw_die_const(d, kid, DW_AT_upper_bound, &has, &neg, &n);
				if (!err)
					err = aot_dw_die_const(d, kid, DW_AT_lower_bound, &has_lo,
							       &lo_neg, &lo);
				// GCC spells a zero-length array with an upper bound of -1.
				if (!err && has && !neg && (!has_lo || (!lo_neg && lo <= n)))
					n = n - (has_lo ? lo : 0) + 1;
				else if (!err && has && neg)
					n = 0;
				else
					has = false;
			}
			if (err)
				break;
			if (has && !neg)
				snprintf(dim, sizeof(dim), "[%llu]", (unsigned long long)n);
			if (!has || neg || __builtin_mul_overflow(*count, n, count))
				*count = 0;
			if (b)
				aot_dw_sb_add(b, dim);
		}
		Dwarf_Die next;
		err = aot_dw_die_next(d, kid, &next);
		kid = next;
	}
	if (kid)
		dwarf_dealloc_die(kid);
	return err;
}

/* "(int, char *)" for the subroutine type DIE, appended to B. */
static struct aot_err *params(struct aot_dwarf *d, Dwarf_Die die, int depth, struct sbuf *b)
{
	Dwarf_Die kid;
	struct aot_err *err = aot_dw_die_child(d, die, &kid);
	size_t n = 0;
	aot_dw_sb_add(b, "(");
	while (kid && !err) {
		Dwarf_Half tag;
		if ((err = aot_dw_die_tag(d, kid, &tag)))
			break;
		if ((tag == DW_TAG_formal_parameter || tag == DW_TAG_unspecified_parameters) &&
		    n++ < MAX_PARAMS) {
			if (n > 1)
				aot_dw_sb_add(b, ", ");
			if (tag == DW_TAG_unspecified_parameters) {
				aot_dw_sb_add(b, "...");
			} else {
				bool has;
				Dwarf_Off toff;
				char *p = NULL;
				if (!(err = aot_dw_die_type(d, kid, &has, &toff)) &&
				    !(err = aot_dw_spell(d, has, toff, "", depth + 1, &p)))
					aot_dw_sb_add(b, p);
				free(p);
			}
		}
		Dwarf_Die next;
		if (!err)
			err = aot_dw_die_next(d, kid, &next), kid = next;
	}
	if (kid)
		dwarf_dealloc_die(kid);
	aot_dw_sb_add(b, n ? ")" : "void)");
	return err;
}

/*
 * The gdb spelling of the type at OFF (void when !HAS) around the declarator
 * INNER: aot_dw_spell(int, "*[8]") is "int *[8]".  C declarators read inside out, so
 * pointers, arrays and functions grow INNER and recurse on what they point
 * at; a named type ends it.  Anything unexpected spells as "?": names are
 * best effort, and only a DWARF read error fails.
 */
struct aot_err *aot_dw_spell(struct aot_dwarf *d, bool has, Dwarf_Off off, const char *inner,
			     int depth, char **ret)
{
	*ret = NULL;
	if (!has)
		return join("void", inner, ret);
	if (depth > MAX_TYPE_DEPTH || strlen(inner) > MAX_NAME)
		return join("?", inner, ret);
	Dwarf_Die die;
	Dwarf_Half tag, ttag = 0;
	bool thas = false;
	Dwarf_Off toff = 0;
	struct aot_err *err = aot_dw_die_at(d, off, &die);
	if (err)
		return err;
	struct sbuf b = { 0 };
	char *s = NULL;
	if ((err = aot_dw_die_tag(d, die, &tag)))
		goto out;
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_unspecified_type:
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_typedef:
		if (!(err = aot_dw_type_name(d, die, off, tag, &s)))
			err = join(s, inner, ret);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_ptr_to_member_type:
		if ((err = aot_dw_die_type(d, die, &thas, &toff)) ||
		    (thas && (err = aot_dw_tag_at(d, toff, &ttag))))
			break;
		bool paren = ttag == DW_TAG_array_type || ttag == DW_TAG_subroutine_type;
		if (paren)
			aot_dw_sb_add(&b, "(");
		if (tag == DW_TAG_ptr_to_member_type) {
			// "int Foo::*", "void (Foo::*)(Foo * const)"
			bool chas;
			Dwarf_Off coff;
			if ((err = aot_dw_die_ref(d, die, DW_AT_containing_type, &chas, &coff)) ||
			    (err = aot_dw_spell(d, chas, coff, "", depth + 1, &s)))
				break;
			aot_dw_sb_add(&b, s);
			aot_dw_sb_add(&b, "::");
		}
		aot_dw_sb_add(&b, tag == DW_TAG_pointer_type || tag == DW_TAG_ptr_to_member_type ?
				  "*" : tag == DW_TAG_reference_type ? "&" : "&&");
		// "* const": a qualifier of the pointer itself follows the star.
		if (*inner && inner[0] != '(' && inner[0] != '[' && inner[0] != '*' &&
		    inner[0] != '&')
			aot_dw_sb_add(&b, " ");
		aot_dw_sb_add(&b, inner);
		if (paren)
			aot_dw_sb_add(&b, ")");
		if (b.oom)
			err = &aot_enomem;
		else
			err = aot_dw_spell(d, thas, toff, b.s, depth + 1, ret);
		break;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type: {
		const char *q = tag == DW_TAG_const_type ? "const" :
				tag == DW_TAG_volatile_type ? "volatile" :
				tag == DW_TAG_restrict_type ? "restrict" : "_Atomic";
		if ((err = aot_dw_die_type(d, die, &thas, &toff)) ||
		    (thas && (err = aot_dw_tag_at(d, toff, &ttag))))
			break;
		if (ttag == DW_TAG_pointer_type || ttag == DW_TAG_reference_type ||
		    ttag == DW_TAG_rvalue_reference_type || ttag == DW_TAG_ptr_to_member_type) {
			// Qualifies the pointer: "Klass * const".
			if (!(err = join(q, inner, &s)))
				err = aot_dw_spell(d, thas, toff, s, depth + 1, ret);
		} else if (!(err = aot_dw_spell(d, thas, toff, inner, depth + 1, &s))) {
			// Qualifies what is named: "const char *".
			if (asprintf(ret, "%s %s", q, s) < 0) {
				*ret = NULL;
				err = &aot_enomem;
			}
		}
		break;
	}
	case DW_TAG_array_type: {
		uint64_t count;
		aot_dw_sb_add(&b, inner);
		if (!(err = aot_dw_array_dims(d, die, &b, &count)) &&
		    !(err = aot_dw_die_type(d, die, &thas, &toff)))
			err = b.oom ? &aot_enomem :
				      aot_dw_spell(d, thas, toff, b.s ? b.s : "", depth + 1, ret);
		break;
	}
	case DW_TAG_subroutine_type:
		aot_dw_sb_add(&b, inner);
		if (!(err = params(d, die, depth, &b)) &&
		    !(err = aot_dw_die_type(d, die, &thas, &toff)))
			err = b.oom ? &aot_enomem :
				      aot_dw_spell(d, thas, toff, b.s, depth + 1, ret);
		break;
	default:
		err = join("?", inner, ret);
		break;
	}
out:
	dwarf_dealloc_die(die);
	free(s);
	free(b.s);
	if (err) {
		free(*ret);
		*ret = NULL;
	}
	return err;
}
