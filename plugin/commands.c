/* The command table, argument splitting, --json, and help. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"

extern const struct aot_cmd aot_cmd_header, aot_cmd_regions, aot_cmd_bitmap, aot_cmd_validate,
	aot_cmd_vmstructs, aot_cmd_verify_layout, aot_cmd_ptype, aot_cmd_classes,
	aot_cmd_print_klass, aot_cmd_print_method, aot_cmd_print_symbol, aot_cmd_print_cp,
	aot_cmd_whatis, aot_cmd_map, aot_cmd_stats, aot_cmd_refs, aot_cmd_print_object;

static const struct aot_cmd *const table[] = {
	&aot_cmd_header, &aot_cmd_regions, &aot_cmd_bitmap, &aot_cmd_validate, &aot_cmd_vmstructs,
	&aot_cmd_verify_layout, &aot_cmd_ptype, &aot_cmd_classes, &aot_cmd_print_klass, &aot_cmd_print_method,
	&aot_cmd_print_symbol, &aot_cmd_print_cp, &aot_cmd_whatis, &aot_cmd_map, &aot_cmd_stats, &aot_cmd_refs,
	&aot_cmd_print_object, NULL,
};

const struct aot_cmd *aot_cmd_find(const char *name)
{
	for (const struct aot_cmd *const *c = table; *c; c++) {
		const char *n = (*c)->name;
		if (strcmp(n, name) == 0 || strcmp(n + 4, name) == 0)
			return *c;
	}
	return NULL;
}

bool aot_cmd_line_salvages(const char *line)
{
	char name[64];
	size_t n = strcspn(line + strspn(line, " \t"), " \t");
	if (n >= sizeof(name))
		return false;
	memcpy(name, line + strspn(line, " \t"), n);
	name[n] = 0;
	const struct aot_cmd *c = aot_cmd_find(name);
	return c && c->salvage;
}

const struct aot_cmd *aot_cmd_at(size_t i)
{
	return i < sizeof(table) / sizeof(table[0]) - 1 ? table[i] : NULL;
}

struct aot_err *aot_cmd_execute(struct aot_session *s, int argc, char **argv, FILE *out)
{
	if (argc < 1)
		return aot_errf(AOT_ERR_USAGE, "no command given");
	const struct aot_cmd *cmd = aot_cmd_find(argv[0]);
	if (!cmd)
		return aot_errf(AOT_ERR_USAGE, "unknown command '%s' (try 'help')", argv[0]);
	const struct aot_err *damage = aot_session_damage(s);
	if (damage && !cmd->salvage)
		return aot_err_copy(damage);
	// An attached JVM may have run since the last command: each command reads it afresh.
	aot_session_flush(s);
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args)
		return &aot_enomem;
	int n = 0;
	bool json = false;
	for (int i = 0; i < argc; i++) {
		if (i > 0 && strcmp(argv[i], "--json") == 0)
			json = true;
		else
			args[n++] = argv[i];
	}
	struct aot_out *o = aot_out_create(out, json);
	if (!o) {
		free(args);
		return &aot_enomem;
	}
	struct aot_err *err = cmd->run(s, n, args, o);
	aot_out_destroy(o);
	free(args);
	return err;
}

/* Split LINE like a shell would for plain words, quotes and backslashes. */
static struct aot_err *split(const char *line, int *argc, char ***argv)
{
	size_t len = strlen(line);
	char *buf = malloc(len + 1);
	char **v = calloc(len / 2 + 2, sizeof(*v));
	if (!buf || !v) {
		free(buf);
		free(v);
		return &aot_enomem;
	}
	int n = 0;
	char *q = buf;
	const char *p = line;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		v[n++] = q;
		char quote = 0;
		while (*p && (quote || (*p != ' ' && *p != '\t' && *p != '\n'))) {
			if (quote && *p == quote) {
				quote = 0;
				p++;
			} else if (!quote && (*p == '"' || *p == '\'')) {
				quote = *p++;
			} else if (*p == '\\' && p[1] && quote != '\'') {
				*q++ = p[1];
				p += 2;
			} else {
				*q++ = *p++;
			}
		}
		if (quote) {
			free(buf);
			free(v);
			return aot_errf(AOT_ERR_USAGE, "unterminated %c quote", quote);
		}
		*q++ = 0;
	}
	if (n == 0)
		free(buf);
	*argc = n;
	*argv = v;
	return NULL;
}

struct aot_err *aot_cmd_execute_line(struct aot_session *s, const char *line, FILE *out)
{
	int argc;
	char **argv;
	struct aot_err *err = split(line, &argc, &argv);
	if (err)
		return err;
	if (argc == 0) {
		free(argv);
		return NULL;
	}
	if (strcmp(argv[0], "help") == 0)
		err = aot_cmd_help(argc > 1 ? argv[1] : NULL, out);
	else
		err = aot_cmd_execute(s, argc, argv, out);
	free(argv[0]);
	free(argv);
	return err;
}

struct aot_err *aot_cmd_help(const char *name, FILE *out)
{
	if (!name) {
		fputs("Commands (help COMMAND for details; every command takes --json):\n", out);
		for (const struct aot_cmd *const *c = table; *c; c++)
			fprintf(out, "  %-14s %s\n", (*c)->name, (*c)->summary);
		return NULL;
	}
	const struct aot_cmd *c = aot_cmd_find(name);
	if (!c)
		return aot_errf(AOT_ERR_USAGE, "no command '%s' (try 'help')", name);
	fprintf(out, "usage: %s\n\n%s\n\n%s\n\nexample:\n  %s\n", c->usage, c->summary, c->help, c->example);
	return NULL;
}
