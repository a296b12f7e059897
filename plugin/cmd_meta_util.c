#include "cmd_meta_util.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "objwalk.h"
#include "commands.h"

struct aot_err *aot_arg_klass(struct aot_meta *m, const char *arg, uint64_t *addr)
{
	if (isdigit((unsigned char)arg[0]))
		return aot_parse_u64(arg, "class address", addr);
	struct aot_class_list l;
	struct aot_err *err = aot_classes_collect(m, &l);
	if (err)
		return err;
	size_t found = 0;
	char list[256] = "";
	for (size_t i = 0; i < l.n && !err; i++) {
		struct aot_klass k;
		err = aot_klass_decode(m, l.v[i].addr, &k);
		if (err)
			break;
		if (!strcmp(k.ext_name, arg) || !strcmp(k.name, arg)) {
			if (!found++)
				*addr = k.addr;
			size_t n = strlen(list);
			snprintf(list + n, sizeof(list) - n, "%s0x%" PRIx64, n ? ", " : "", k.addr);
		}
		aot_klass_fini(&k);
	}
	aot_classes_free(&l);
	if (err)
		return err;
	if (!found)
		return aot_errf(AOT_ERR_NOT_FOUND, "no archived class is named '%s'", arg);
	if (found > 1)
		return aot_errf(AOT_ERR_USAGE, "%zu archived classes are named '%s' (%s): give an address",
				found, arg, list);
	return NULL;
}

struct aot_err *aot_explain_not_found(struct aot_meta *m, uint64_t addr, const char *kind,
				      struct aot_err *err)
{
	// Only the decoder's own verdict on ADDR, not an error met deeper inside.
	char head[96];
	snprintf(head, sizeof(head), "0x%" PRIx64 " is not a %s", addr, kind);
	if (!err || err->code != AOT_ERR_NOT_FOUND || strncmp(err->msg, head, strlen(head)))
		return err;
	char *inside = aot_objmap_describe(m, addr);
	if (!inside)
		return err;
	struct aot_err *e = aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a %s (%s)", addr, kind,
				     inside);
	free(inside);
	aot_err_free(err);
	return e;
}
