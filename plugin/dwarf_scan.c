/*
 * The scan behind aot_dwarf_types(): one pass over the CUs that looks for
 * every wanted name at once and stops when all are found, the qualified
 * names matched as the tree is walked, and the answers kept.  A class's
 * complete definition may be in one CU only, so the pass goes round the
 * CUs from wherever the last one stopped.
 */
#include "dwarf_internal.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

struct want {
	char *name;		/* as asked for */
	char *key;		/* NAME with template arguments canonicalised */
	bool primary;		/* asked for; else only needed to size a member */
	bool found;
	Dwarf_Off off;		/* the complete definition, once found */
	struct aot_type *t;	/* primary ones, read when found */
	Dwarf_Off *decls;	/* from aot_dw_read_type() */
};

struct scan {
	struct aot_dwarf *d;
	struct want *wants;	/* sorted by key */
	size_t nwants, cap, left;
	Dwarf_Unsigned start;	/* the circle ends at this CU offset */
	bool wrapped;		/* has passed the end of .debug_info */
	bool namespaces;	/* some wanted name is namespaced: walk into namespaces */
	char qname[MAX_NAME + 1];	/* the qualified name being matched */
};

static int cmp_want(const void *a, const void *b)
{
	return strcmp(((const struct want *)a)->key, ((const struct want *)b)->key);
}

static struct want *wanted(struct scan *s, char *key)
{
	struct want k = { .key = key };
	return bsearch(&k, s->wants, s->nwants, sizeof(k), cmp_want);
}

/* Add a wanted name (taking KEY, which is also its name unless PRIMARY); not sorted yet. */
static struct aot_err *add_want(struct scan *s, const char *name, char *key, bool primary)
{
	if (s->nwants == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct want *nw = realloc(s->wants, cap * sizeof(*nw));
		if (!nw) {
			free(key);
			return &aot_enomem;
		}
		s->wants = nw;
		s->cap = cap;
	}
	struct want *w = &s->wants[s->nwants];
	*w = (struct want){ .key = key, .primary = primary };
	w->name = primary ? strdup(name) : key;
	if (!w->name) {
		free(key);
		return &aot_enomem;
	}
	s->nwants++;
	s->left++;
	aot_dw_canon_int_names(key, false);
	if (strstr(key, "::"))
		s->namespaces = true;
	return NULL;
}

static void free_wants(struct scan *s)
{
	for (size_t i = 0; i < s->nwants; i++) {
		if (s->wants[i].primary)
			free(s->wants[i].name);
		free(s->wants[i].key);
		aot_type_destroy(s->wants[i].t);
		free(s->wants[i].decls);
	}
	free(s->wants);
}

/* The name a wanted type would have: the declaration's qualified name. */
static struct aot_err *decl_key(struct aot_dwarf *d, Dwarf_Off off, char **ret)
{
	Dwarf_Die die;
	Dwarf_Half tag;
	struct aot_err *err = aot_dw_die_at(d, off, &die);
	if (err)
		return err;
	if (!(err = aot_dw_die_tag(d, die, &tag)))
		err = aot_dw_type_name(d, die, off, tag, ret);
	dwarf_dealloc_die(die);
	return err;
}

/*
 * Members of W's type whose class its CU only declares (an empty base such
 * as MetaspaceObj, a class with virtual functions) are sized from a
 * definition found elsewhere: from an answer already held, or by wanting it
 * too.  A name wanted from here on must be looked for in every CU, so the
 * circle restarts after the current CU.
 */
static struct aot_err *want_decls(struct scan *s, size_t wi)
{
	struct aot_dwarf *d = s->d;
	struct aot_err *err = NULL;
	bool added = false;
	for (size_t j = 0; j < s->wants[wi].t->nmembers && !err; j++) {
		struct want *w = &s->wants[wi];
		char *key;
		if (!w->decls[j] || (err = decl_key(d, w->decls[j], &key)))
			continue;
		// An anonymous class cannot be looked up by name.
		if (strstr(key, "{...}")) {
			free(key);
			continue;
		}
		const struct entry *e = aot_dw_find_entry(d, key);
		if (e && e->type) {
			w->t->members[j].size = e->type->size;
			w->decls[j] = 0;
		}
		bool known = e;
		for (size_t k = 0; k < s->nwants && !known; k++)
			known = !strcmp(s->wants[k].key, key);
		if (known)
			free(key);
		else if (!(err = add_want(s, NULL, key, false)))
			added = true;
	}
	if (added) {
		qsort(s->wants, s->nwants, sizeof(*s->wants), cmp_want);
		s->start = d->next_cu;
		s->wrapped = false;
	}
	return err;
}

/*
 * The definition of wanted W is at OFF: mark it found, with every other name
 * that canonicalises the same, and read the types asked for.
 */
static struct aot_err *found(struct scan *s, struct want *w, Dwarf_Off off)
{
	size_t lo = (size_t)(w - s->wants), hi = lo + 1;
	while (lo > 0 && !strcmp(s->wants[lo - 1].key, w->key))
		lo--;
	while (hi < s->nwants && !strcmp(s->wants[hi].key, w->key))
		hi++;
	for (size_t i = lo; i < hi; i++) {
		s->wants[i].found = true;
		s->wants[i].off = off;
		s->left--;
	}
	struct aot_err *err = NULL;
	// want_decls() may add and re-sort wants: look for the next primary afresh each time.
	while (!err) {
		size_t i = 0;
		while (i < s->nwants && !(s->wants[i].primary && s->wants[i].found &&
					  s->wants[i].off == off && !s->wants[i].t))
			i++;
		if (i == s->nwants)
			break;
		err = aot_dw_read_type(s->d, s->wants[i].name, off, &s->wants[i].t,
				       &s->wants[i].decls);
		if (!err)
			err = want_decls(s, i);
	}
	return err;
}

static bool is_type_tag(Dwarf_Half tag)
{
	return tag == DW_TAG_class_type || tag == DW_TAG_structure_type ||
	       tag == DW_TAG_union_type || tag == DW_TAG_enumeration_type;
}

/*
 * Whether DIE (of TAG) is the complete definition of a type; sets *RET to
 * the DIE that holds the layout.  A declaration is not one; a typedef is when
 * it names a complete class ("typedef struct {…} Foo;").
 */
static struct aot_err *is_definition(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half tag,
				     bool *yes, Dwarf_Off *ret)
{
	bool decl = false, has;
	Dwarf_Off off;
	struct aot_err *err;
	*yes = false;
	if (is_type_tag(tag)) {
		if (!(err = aot_dw_die_has(d, die, DW_AT_declaration, &decl)))
			*yes = !decl, *ret = aot_dw_die_off(d, die);
		return err;
	}
	if ((err = aot_dw_die_type(d, die, &has, &off)) || !has)
		return err;
	for (int depth = 0; depth < MAX_TYPE_DEPTH; depth++) {
		Dwarf_Die t;
		if ((err = aot_dw_die_at(d, off, &t)))
			return err;
		has = false;
		if (!(err = aot_dw_die_tag(d, t, &tag))) {
			if (is_type_tag(tag)) {
				if (!(err = aot_dw_die_has(d, t, DW_AT_declaration, &decl)))
					*yes = !decl, *ret = off;
			} else if (tag == DW_TAG_typedef) {
				err = aot_dw_die_type(d, t, &has, &off);
			}
		}
		dwarf_dealloc_die(t);
		if (err || !has)
			return err;
	}
	return NULL;
}

/* If KEY is wanted and DIE (of TAG) defines it, mark it found. */
static struct aot_err *match(struct scan *s, Dwarf_Die die, Dwarf_Half tag, char *key)
{
	struct want *w = wanted(s, key);
	bool yes;
	Dwarf_Off off = 0;
	struct aot_err *err;
	if (!w || w->found)
		return NULL;
	if ((err = is_definition(s->d, die, tag, &yes, &off)) || !yes)
		return err;
	return found(s, w, off);
}

/*
 * A class defined outside the class it is declared in ("struct
 * Outer::Nested {…}") has no name of its own, only a DW_AT_specification
 * pointing at its declaration: the qualified name comes from there.
 */
static struct aot_err *match_spec(struct scan *s, Dwarf_Die die, Dwarf_Half tag)
{
	struct aot_dwarf *d = s->d;
	bool has;
	Dwarf_Off soff;
	Dwarf_Die spec;
	char *key = NULL;
	struct aot_err *err = aot_dw_die_ref(d, die, DW_AT_specification, &has, &soff);
	if (err || !has)
		return err;
	if ((err = aot_dw_die_at(d, soff, &spec)))
		return err;
	err = aot_dw_type_name(d, spec, soff, tag, &key);
	dwarf_dealloc_die(spec);
	if (!err)
		err = match(s, die, tag, key);
	free(key);
	return err;
}

/* Whether an unfound wanted name starts with the first LEN bytes of s->qname ("ns::"). */
static bool in_wanted_scope(const struct scan *s, size_t len)
{
	for (size_t i = 0; i < s->nwants; i++)
		if (!s->wants[i].found && !strncmp(s->wants[i].key, s->qname, len))
			return true;
	return false;
}

/*
 * Look at DIE and its later siblings (freeing each) for wanted types, inside
 * the namespace or class whose "ns::" prefix is the first PLEN bytes of
 * s->qname.  Namespaces and classes are entered only when a wanted name is
 * in them: most of a CU's DIEs are below its top level.
 */
static struct aot_err *walk(struct scan *s, Dwarf_Die die, size_t plen, int depth)
{
	struct aot_dwarf *d = s->d;
	struct aot_err *err = NULL;
	while (die && s->left) {
		Dwarf_Half tag;
		const char *name;
		if ((err = aot_dw_die_tag(d, die, &tag)))
			break;
		if (tag == DW_TAG_namespace && s->namespaces && depth < MAX_SCOPE_DEPTH) {
			if ((err = aot_dw_die_name(d, die, &name)))
				break;
			if (!name)
				name = "(anonymous namespace)";
			size_t n = strlen(name), len = plen + n + 2;
			Dwarf_Die kid;
			if (len <= MAX_NAME) {
				memcpy(s->qname + plen, name, n);
				memcpy(s->qname + plen + n, "::", 3);
			}
			// Only namespaces some wanted name is in: std:: alone is large.
			if (len <= MAX_NAME && in_wanted_scope(s, len) &&
			    ((err = aot_dw_die_child(d, die, &kid)) ||
			     (err = walk(s, kid, len, depth + 1))))
				break;
		} else if (is_type_tag(tag) || tag == DW_TAG_typedef) {
			if ((err = aot_dw_die_name(d, die, &name)))
				break;
			size_t n = name ? strlen(name) : 0;
			bool nests = tag != DW_TAG_typedef && tag != DW_TAG_enumeration_type;
			Dwarf_Die kid;
			if (n && plen + n + 2 <= MAX_NAME) {
				memcpy(s->qname + plen, name, n + 1);
				if (memchr(name, '<', n)) {
					aot_dw_canon_int_names(s->qname + plen, false);
					n = strlen(s->qname + plen);
				}
				if ((err = match(s, die, tag, s->qname)))
					break;
				// A class some wanted name is nested in ("Outer::Inner"): look inside.
				memcpy(s->qname + plen + n, "::", 3);
				if (nests && s->namespaces && depth < MAX_SCOPE_DEPTH &&
				    in_wanted_scope(s, plen + n + 2) &&
				    ((err = aot_dw_die_child(d, die, &kid)) ||
				     (err = walk(s, kid, plen + n + 2, depth + 1))))
					break;
			} else if (!n && nests && s->namespaces && (err = match_spec(s, die, tag))) {
				break;
			}
		}
		Dwarf_Die next;
		err = aot_dw_die_next(d, die, &next);
		die = next;
		if (err)
			break;
	}
	if (die)
		dwarf_dealloc_die(die);
	s->qname[plen] = '\0';
	return err;
}

/* Walk the top level of the next CU; *END is set after the last one. */
static struct aot_err *scan_cu(struct scan *s, bool *end)
{
	struct aot_dwarf *d = s->d;
	Dwarf_Unsigned hlen, tyoff, next;
	Dwarf_Half ver, asize, lsize, esize, ut;
	Dwarf_Off aoff;
	Dwarf_Sig8 sig;
	Dwarf_Error e = NULL;
	*end = false;
	int r = dwarf_next_cu_header_d(d->dbg, true, &hlen, &ver, &aoff, &asize, &lsize, &esize,
				       &sig, &tyoff, &next, &ut, &e);
	if (r == DW_DLV_ERROR)
		return aot_dw_err(d, e, d->next_cu, "CU header");
	if (r == DW_DLV_NO_ENTRY) {
		d->next_cu = 0;	// libdwarf starts over on the next call too
		*end = true;
		return NULL;
	}
	if (next <= d->next_cu)
		return aot_err_input(d->path, d->next_cu, ".debug_info",
				     "the next CU at 0x%llx does not follow this one",
				     (unsigned long long)next);
	d->next_cu = next;
	d->stats.cus_scanned++;
	Dwarf_Die cu = NULL, kid = NULL;
	Dwarf_Half tag;
	r = dwarf_siblingof_b(d->dbg, NULL, true, &cu, &e);
	if (r == DW_DLV_ERROR)
		return aot_dw_err(d, e, d->next_cu, "CU DIE");
	if (r == DW_DLV_NO_ENTRY)
		return NULL;
	struct aot_err *err = aot_dw_die_tag(d, cu, &tag);
	if (!err && (tag == DW_TAG_compile_unit || tag == DW_TAG_partial_unit) &&
	    !(err = aot_dw_die_child(d, cu, &kid)))
		err = walk(s, kid, 0, 0);
	dwarf_dealloc_die(cu);
	return err;
}

/*
 * Go around the CUs from where the last scan stopped until every wanted type
 * is found.  *COMPLETE says every CU was read since the last name was added:
 * only then does a type not found not exist.
 */
static struct aot_err *scan(struct scan *s, bool *complete)
{
	struct aot_dwarf *d = s->d;
	bool end;
	s->start = d->next_cu;
	s->wrapped = false;
	*complete = false;
	while (s->left) {
		if (s->wrapped && d->next_cu >= s->start) {
			*complete = true;
			break;
		}
		struct aot_err *err = scan_cu(s, &end);
		if (err)
			return err;
		if (end && s->wrapped) {	// no CU at all, or START was the end
			*complete = true;
			break;
		}
		s->wrapped = s->wrapped || end;
	}
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Lookups */

/*
 * Size what want_decls() could not, and keep the answers: the types asked
 * for, found or (after a complete pass) not, and those found to size members.
 */
static struct aot_err *keep(struct scan *s, bool complete)
{
	struct aot_dwarf *d = s->d;
	struct aot_err *err = NULL;
	for (size_t i = 0; i < s->nwants && !err; i++) {
		struct want *w = &s->wants[i];
		if (!w->primary) {
			// Found to size a member: worth keeping too, so no later lookup looks again.
			if (w->found && !aot_dw_find_entry(d, w->name) &&
			    !(err = aot_dw_read_type(d, w->name, w->off, &w->t, &w->decls))) {
				aot_dw_size_from_gaps(w->t, w->decls);
				err = aot_dw_add_entry(d, w->name, w->t);
				w->t = NULL;
			}
			continue;
		}
		for (size_t j = 0; w->t && j < w->t->nmembers && !err; j++) {
			char *key;
			struct want *def;
			Dwarf_Die die;
			bool has, neg;
			uint64_t size;
			if (!w->decls[j] || (err = decl_key(d, w->decls[j], &key)))
				continue;
			if ((def = wanted(s, key)) && def->found &&
			    !(err = aot_dw_die_at(d, def->off, &die))) {
				err = aot_dw_die_const(d, die, DW_AT_byte_size, &has, &neg, &size);
				dwarf_dealloc_die(die);
				if (!err && has && !neg) {
					w->t->members[j].size = size;
					w->decls[j] = 0;
				}
			}
			free(key);
		}
		if (err)
			break;
		if (w->t)
			aot_dw_size_from_gaps(w->t, w->decls);
		if (w->t || complete)
			err = aot_dw_add_entry(d, w->name, w->t);
		w->t = NULL;	// aot_dw_add_entry() took it
	}
	return err;
}

/* Scan the DWARF for the N NAMES and remember every answer. */
struct aot_err *aot_dw_lookup(struct aot_dwarf *d, const char *const *names, size_t n)
{
	struct scan s = { .d = d };
	bool complete = false;
	struct aot_err *err = NULL;
	for (size_t i = 0; i < n && !err; i++) {
		// A name too long to match any DIE gets a key that matches none.
		char *key = strdup(strlen(names[i]) > MAX_NAME ? "" : names[i]);
		err = key ? add_want(&s, names[i], key, true) : &aot_enomem;
	}
	if (!err) {
		qsort(s.wants, s.nwants, sizeof(*s.wants), cmp_want);
		err = aot_dw_open(d);
	}
	if (!err)
		err = scan(&s, &complete);
	if (!err)
		err = keep(&s, complete);
	free_wants(&s);
	// Where libdwarf stands after a failure is unknown: start over.
	if (err && err != &aot_enomem)
		aot_dw_close(d);
	return err;
}
