/*
 * The entry points of dwarf_types.h, and the answers they hand out: the
 * types found (or known absent) so far, held in memory until
 * aot_dwarf_destroy().  The work is done in the other dwarf_*.c files;
 * dwarf_internal.h says which does what.
 */
#include "dwarf_types.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dwarf_internal.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------------- */
/* Answers held in memory */

struct entry *aot_dw_find_entry(struct aot_dwarf *d, const char *name)
{
	for (size_t i = 0; i < d->nentries; i++)
		if (!strcmp(d->entries[i].name, name))
			return &d->entries[i];
	return NULL;
}

/* Add NAME -> T (T may be NULL); takes T even on failure. */
struct aot_err *aot_dw_add_entry(struct aot_dwarf *d, const char *name, struct aot_type *t)
{
	if (d->nentries == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 32;
		struct entry *ne = realloc(d->entries, cap * sizeof(*ne));
		if (!ne) {
			aot_type_destroy(t);
			return &aot_enomem;
		}
		d->entries = ne;
		d->cap = cap;
	}
	char *n = strdup(name);
	if (!n) {
		aot_type_destroy(t);
		return &aot_enomem;
	}
	d->entries[d->nentries++] = (struct entry){ .name = n, .type = t };
	return NULL;
}

/* Forget every answer (the list stays allocated). */
void aot_dw_drop_entries(struct aot_dwarf *d)
{
	for (size_t i = 0; i < d->nentries; i++) {
		free(d->entries[i].name);
		aot_type_destroy(d->entries[i].type);
	}
	d->nentries = 0;
}

/* ---------------------------------------------------------------------- */
/* Entry points */

struct aot_err *aot_dwarf_open(const struct aot_elf *libjvm, const struct aot_dwarf_opts *opts,
			       struct aot_dwarf **ret)
{
	char *path = NULL;
	struct aot_err *err = aot_dw_find_debug_file(libjvm, opts, &path);
	if (err)
		return err;
	struct aot_dwarf *d = calloc(1, sizeof(*d));
	if (!d) {
		free(path);
		return &aot_enomem;
	}
	d->fd = -1;
	d->path = path;
	aot_elf_build_id_hex(libjvm, d->build_id, sizeof(d->build_id));
	if ((err = aot_dw_set_cache_path(d, opts))) {
		aot_dwarf_destroy(d);
		return err;
	}
	*ret = d;
	return NULL;
}

void aot_dwarf_destroy(struct aot_dwarf *d)
{
	if (!d)
		return;
	aot_dw_close(d);
	aot_dw_drop_entries(d);
	free(d->entries);
	free(d->cache_path);
	free(d->path);
	free(d);
}

const char *aot_dwarf_path(const struct aot_dwarf *d)
{
	return d->path;
}

const char *aot_dwarf_cache_path(const struct aot_dwarf *d)
{
	return d->cache_path;
}

void aot_dwarf_release(struct aot_dwarf *d)
{
	aot_dw_close(d);
}

void aot_dwarf_last_stats(const struct aot_dwarf *d, struct aot_dwarf_stats *ret)
{
	*ret = d->stats;
}

struct aot_err *aot_dwarf_types(struct aot_dwarf *d, const char *const *names, size_t n,
				const struct aot_type **ret)
{
	double t0 = now();
	d->stats = (struct aot_dwarf_stats){ .from_cache = true };
	if (!d->cache_loaded && d->cache_path)
		aot_dw_cache_load(d);
	d->cache_loaded = true;

	// The names not answered yet, each once.
	const char **todo = calloc(n ? n : 1, sizeof(*todo));
	if (!todo)
		return &aot_enomem;
	size_t ntodo = 0;
	for (size_t i = 0; i < n; i++) {
		if (!names[i]) {
			free(todo);
			return aot_errf(AOT_ERR_USAGE, "aot_dwarf_types: name %zu is NULL", i);
		}
		bool dup = false;
		for (size_t j = 0; j < ntodo && !dup; j++)
			dup = !strcmp(todo[j], names[i]);
		if (!dup && !aot_dw_find_entry(d, names[i]))
			todo[ntodo++] = names[i];
	}
	struct aot_err *err = NULL;
	if (ntodo) {
		d->stats.from_cache = false;
		size_t before = d->nentries;
		err = aot_dw_lookup(d, todo, ntodo);
		if (!err && d->nentries > before && d->cache_path)
			d->stats.cache_saved = aot_dw_cache_save(d);
	}
	free(todo);
	for (size_t i = 0; i < n && !err; i++) {
		const struct entry *e = aot_dw_find_entry(d, names[i]);
		ret[i] = e ? e->type : NULL;
	}
	d->stats.seconds = now() - t0;
	return err;
}
