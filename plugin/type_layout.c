#include "type_layout.h"

#include <stdlib.h>
#include <string.h>

void aot_type_destroy(struct aot_type *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nmembers; i++) {
		free(t->members[i].name);
		free(t->members[i].type_name);
	}
	free(t->members);
	free(t->name);
	free(t);
}

const struct aot_member *aot_type_member(const struct aot_type *t, const char *name)
{
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct aot_member *m = &t->members[i];
		if (!m->is_static && !m->is_base && m->name && !strcmp(m->name, name))
			return m;
	}
	return NULL;
}
