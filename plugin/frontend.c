/* The flat API of frontend.h: glue between ctypes and sessions and commands. */
#include "frontend.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "cmd_meta_util.h"
#include "commands.h"
#include "meta.h"
#include "objwalk.h"
#include "session.h"

/* Hand ERR to the caller as a status and a message; takes ERR. */
static int status_of(struct aot_err *err, char **msg)
{
	if (!err)
		return 0;
	int st = aot_err_exit_status(err);
	if (msg)
		*msg = strdup(err->msg ? err->msg : "out of memory");
	aot_err_free(err);
	return st;
}

struct aot_session *aot_fe_new(void)
{
	struct aot_session *s;
	return aot_session_create(NULL, &s) ? NULL : s;
}

void aot_fe_destroy(struct aot_session *s)
{
	aot_session_destroy(s);
}

void aot_fe_free(void *p)
{
	free(p);
}

/* Option values are kept as long as the session: the session borrows them. */
static const char *keep(struct aot_session *s, const char *v)
{
	char *c = strdup(v);
	if (c && aot_session_keep(s, c))
		return c;
	free(c);
	return NULL;
}

/* The string options, named as the CLI's long options; "base" is parsed apart. */
static const struct {
	const char *name;
	size_t off;	/* of its const char * in struct aot_session_opts */
} string_opts[] = {
	{ "jvm", offsetof(struct aot_session_opts, jvm) },
	{ "java-home", offsetof(struct aot_session_opts, open.java_home) },
	{ "debug-file", offsetof(struct aot_session_opts, debug_file) },
	{ "debug-dir", offsetof(struct aot_session_opts, debug_dir) },
	{ "cache-dir", offsetof(struct aot_session_opts, cache_dir) },
	{ "base-archive", offsetof(struct aot_session_opts, open.base_archive) },
	{ "archive", offsetof(struct aot_session_opts, archive) },
	{ "exe", offsetof(struct aot_session_opts, exe) },
};
#define NSTRING_OPTS (sizeof(string_opts) / sizeof(string_opts[0]))

const char *aot_fe_option_name(size_t i)
{
	return i < NSTRING_OPTS ? string_opts[i].name : i == NSTRING_OPTS ? "base" : NULL;
}

int aot_fe_option(struct aot_session *s, const char *name, const char *value, char **err)
{
	struct aot_session_opts *o = &s->opts;
	if (strcmp(name, "base") == 0) {
		struct aot_err *e = aot_parse_u64(value ? value : "", "base", &o->base);
		if (e)
			return status_of(e, err);
		o->have_base = true;
		return 0;
	}
	for (size_t i = 0; i < NSTRING_OPTS; i++) {
		if (strcmp(name, string_opts[i].name) != 0)
			continue;
		const char *v = value ? keep(s, value) : NULL;
		if (value && !v)
			return status_of(&aot_enomem, err);
		*(const char **)((char *)o + string_opts[i].off) = v;
		return 0;
	}
	return status_of(aot_errf(AOT_ERR_USAGE, "no option '%s'", name), err);
}

int aot_fe_open(struct aot_session *s, const char *path, char **err)
{
	return status_of(aot_session_open(s, path), err);
}

int aot_fe_attach(struct aot_session *s, int pid, const char *core, aot_fe_read_fn *read, void *arg,
		  const char *maps, char **err)
{
	struct aot_attach_src src = { .pid = pid, .core = core, .read = read, .read_arg = arg, .maps = maps };
	return status_of(aot_session_attach(s, &src), err);
}

void aot_fe_flush(struct aot_session *s)
{
	aot_session_flush(s);
}

int aot_fe_run(struct aot_session *s, const char *line, char **out, char **err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return status_of(&aot_enomem, err);
	struct aot_err *e = aot_cmd_execute_line(s, line, f);
	fclose(f);
	*out = buf;
	return status_of(e, err);
}

size_t aot_fe_command_count(void)
{
	size_t n = 0;
	while (aot_cmd_at(n))
		n++;
	return n;
}

const char *aot_fe_command_field(size_t i, const char *field)
{
	const struct aot_cmd *c = aot_cmd_at(i);
	if (!c)
		return NULL;
	if (strcmp(field, "name") == 0)
		return c->name;
	if (strcmp(field, "usage") == 0)
		return c->usage;
	if (strcmp(field, "summary") == 0)
		return c->summary;
	if (strcmp(field, "help") == 0)
		return c->help;
	if (strcmp(field, "example") == 0)
		return c->example;
	if (strcmp(field, "complete") == 0)
		return c->complete == AOT_COMPLETE_REGION ? "region" : "";
	if (strcmp(field, "addr_args") == 0)
		return c->addr_args ? "1" : "";
	return NULL;
}

int aot_fe_describe(struct aot_session *s, uint64_t addr, char **out, char **err)
{
	struct aot_meta *m;
	struct aot_err *e = aot_session_meta(s, &m);
	const struct aot_archive *ar = e ? NULL : aot_meta_archive_of(m, addr, NULL);
	const struct aot_objmap *om = NULL;
	if (!e && !ar)
		e = aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not in an archive", addr);
	if (!e)
		e = aot_objmap_get(m, ar, &om);
	const struct aot_mobj *o = e ? NULL : aot_objmap_find(om, addr, NULL);
	if (!e && (!o || o->addr != addr))
		e = aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not the start of an archived object", addr);
	if (e)
		return status_of(e, err);
	*out = aot_mobj_name(m, o);
	if (!*out)
		return status_of(aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 ": %s without a name", addr,
					  aot_mtype_map_name((enum aot_mtype)o->type)), err);
	return 0;
}

int aot_fe_find_klass(struct aot_session *s, const char *name, uint64_t *addr, char **err)
{
	struct aot_meta *m;
	struct aot_err *e = aot_session_meta(s, &m);
	if (!e && (name[0] == '0' || !name[0]))
		e = aot_errf(AOT_ERR_USAGE, "'%s' is not a class name", name);
	if (!e)
		e = aot_arg_klass(m, name, addr);
	return status_of(e, err);
}
