/*
 * Every archived class of the session's archives, as the JVM reaches them:
 * from the archive's own tables (class_tables.c: shared dictionaries, the
 * AOT linked class table, Universe's array classes), closed over the links
 * between classes (supers, interfaces, array classes).  The cloned-vtable
 * users marked in the pointer maps are counted as a cross-check: a class
 * only they find is listed too, and reported.
 */
#ifndef AOTDBG_CLASSES_H
#define AOTDBG_CLASSES_H

#include "klass.h"
#include "meta.h"

enum aot_found_by {
	AOT_FOUND_TABLE,	/* named by a table of the archive */
	AOT_FOUND_LINK,		/* reached from another class */
	AOT_FOUND_VTABLE,	/* only the pointer-map cross-check saw it */
};

struct aot_class_entry {
	uint64_t addr;
	enum aot_mtype type;
	uint8_t found_by;	/* enum aot_found_by */
	const struct aot_archive *ar;
};

struct aot_class_list {
	struct aot_class_entry *v;	/* sorted by address */
	size_t n;
	size_t by_table, by_link, by_vtable;
};

/* Collect the list; the caller frees it with aot_classes_free(). */
struct aot_err *aot_classes_collect(struct aot_meta *m, struct aot_class_list *out);
void aot_classes_free(struct aot_class_list *l);

#endif
