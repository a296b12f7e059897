/*
 * The inside of the DWARF type reader, shared by its files and by nothing
 * else: dwarf_types.h is the API.  The reader is split by job (finding the
 * debug file, the disk cache, libdwarf access, spelling names, reading
 * members, the scan over the CUs, the entry points) and every part works on
 * the one struct aot_dwarf, so its fields, the limits and the functions one
 * dwarf_*.c calls in another are declared here.
 */
#ifndef AOTDBG_DWARF_INTERNAL_H
#define AOTDBG_DWARF_INTERNAL_H

#include "dwarf_types.h"

#include <libdwarf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Limits that keep a corrupt debug file or cache file from costing unbounded
 * time or memory.  Each is far above anything a real libjvm needs: the
 * biggest HotSpot class has about 120 members, and no name is near 4 KiB.
 * Those only one file needs are in that file.
 */
#define MAX_NAME 4096		/* longest name kept or matched; longer ones are cut */
#define MAX_MEMBERS 16384	/* members of one type */
#define MAX_TYPE_DEPTH 32	/* typedef, pointer and qualifier chain */
#define MAX_SCOPE_DEPTH 16	/* nested namespaces and classes */

/* One answer: a type, or the knowledge that the DWARF has no definition of NAME. */
struct entry {
	char *name;
	struct aot_type *type;		/* NULL: not in the DWARF */
};

/* A namespace or class scope of the DWARF tree (dwarf_names.c). */
struct scope;

struct aot_dwarf {
	char *path;			/* the debug file */
	char build_id[2 * AOT_BUILD_ID_MAX + 1];	/* libjvm's, hex; "" if none */
	char *cache_path;		/* NULL: no disk cache */
	bool cache_loaded;
	int fd;
	Dwarf_Debug dbg;		/* opened on the first scan */
	Dwarf_Unsigned next_cu;		/* offset of the CU dwarf_next_cu_header_d returns next */
	struct scope *cus;		/* CU scopes seen while spelling names */
	size_t ncus;
	struct entry *entries;
	size_t nentries, cap;
	struct aot_dwarf_stats stats;
};

/* A growable string; on allocation failure it latches `oom` and stops growing. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static inline void aot_dw_sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void aot_dw_sb_add(struct sbuf *b, const char *s)
{
	aot_dw_sb_addn(b, s, strlen(s));
}

/* Take the string out of B (never NULL unless out of memory). */
static inline char *aot_dw_sb_take(struct sbuf *b)
{
	if (!b->s && !b->oom)
		aot_dw_sb_addn(b, "", 0);
	if (b->oom) {
		free(b->s);
		b->s = NULL;
	}
	char *s = b->s;
	*b = (struct sbuf){ 0 };
	return s;
}

/* dwarf_types.c: the answers held in memory */
struct entry *aot_dw_find_entry(struct aot_dwarf *d, const char *name);
struct aot_err *aot_dw_add_entry(struct aot_dwarf *d, const char *name, struct aot_type *t);
void aot_dw_drop_entries(struct aot_dwarf *d);

/* dwarf_find.c: the debug file for LIBJVM (a malloc'd path), or why there is none */
struct aot_err *aot_dw_find_debug_file(const struct aot_elf *libjvm,
				       const struct aot_dwarf_opts *opts, char **ret);

/* dwarf_cache.c: the disk cache */
struct aot_err *aot_dw_set_cache_path(struct aot_dwarf *d, const struct aot_dwarf_opts *opts);
void aot_dw_cache_load(struct aot_dwarf *d);
bool aot_dw_cache_save(struct aot_dwarf *d);

/* dwarf_die.c: libdwarf access; every failure becomes an aot_err naming the DIE offset */
struct aot_err *aot_dw_open(struct aot_dwarf *d);
void aot_dw_close(struct aot_dwarf *d);
struct aot_err *aot_dw_err(struct aot_dwarf *d, Dwarf_Error e, Dwarf_Off off, const char *what);
Dwarf_Off aot_dw_die_off(struct aot_dwarf *d, Dwarf_Die die);
struct aot_err *aot_dw_die_at(struct aot_dwarf *d, Dwarf_Off off, Dwarf_Die *ret);
struct aot_err *aot_dw_die_tag(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half *ret);
struct aot_err *aot_dw_die_name(struct aot_dwarf *d, Dwarf_Die die, const char **ret);
struct aot_err *aot_dw_die_has(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half at, bool *ret);
struct aot_err *aot_dw_die_ref(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half at, bool *has,
			       Dwarf_Off *ret);
struct aot_err *aot_dw_die_type(struct aot_dwarf *d, Dwarf_Die die, bool *has, Dwarf_Off *ret);
struct aot_err *aot_dw_die_const(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half at, bool *has,
				 bool *neg, uint64_t *ret);
struct aot_err *aot_dw_die_child(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Die *ret);
struct aot_err *aot_dw_die_next(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Die *ret);
struct aot_err *aot_dw_tag_at(struct aot_dwarf *d, Dwarf_Off off, Dwarf_Half *ret);

/* dwarf_names.c: type names as gdb spells them */
void aot_dw_canon_int_names(char *s, bool whole);
void aot_dw_forget_scopes(struct aot_dwarf *d);
struct aot_err *aot_dw_type_name(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Off off,
				 Dwarf_Half tag, char **ret);
struct aot_err *aot_dw_array_dims(struct aot_dwarf *d, Dwarf_Die die, struct sbuf *b,
				  uint64_t *count);
struct aot_err *aot_dw_spell(struct aot_dwarf *d, bool has, Dwarf_Off off, const char *inner,
			     int depth, char **ret);

/* dwarf_members.c: a type's size and members */
struct aot_err *aot_dw_read_type(struct aot_dwarf *d, const char *name, Dwarf_Off off,
				 struct aot_type **ret, Dwarf_Off **decls);
void aot_dw_size_from_gaps(struct aot_type *t, const Dwarf_Off *decls);

/* dwarf_scan.c: one pass over the CUs for N names, every answer kept */
struct aot_err *aot_dw_lookup(struct aot_dwarf *d, const char *const *names, size_t n);

#endif
