/*
 * The aot-* commands.  One table serves the standalone CLI, gdb and lldb, so
 * a command prints the same wherever it runs.
 */
#ifndef AOTDBG_COMMANDS_H
#define AOTDBG_COMMANDS_H

#include <stdio.h>

#include "out.h"
#include "session.h"

/* What a command's arguments complete to (front ends offer these). */
enum aot_complete { AOT_COMPLETE_NONE, AOT_COMPLETE_REGION };

struct aot_cmd {
	const char *name;	/* "aot-regions" */
	const char *usage;	/* "aot-regions [--json]" */
	const char *summary;	/* one line */
	const char *help;	/* what it prints, options */
	const char *example;	/* one example invocation */
	enum aot_complete complete;
	bool salvage;		/* runs on an archive cut short (aot_archive's damage) */
	bool addr_args;		/* its first positional argument may be an address (debuggers evaluate it) */
	/* ARGV[0] is the command name; --json has been taken out already. */
	struct aot_err *(*run)(struct aot_session *s, int argc, char **argv, struct aot_out *o);
};

/* Whether the command LINE names runs on an archive cut short. */
bool aot_cmd_line_salvages(const char *line);

/* The I-th command, or NULL past the last one. */
const struct aot_cmd *aot_cmd_at(size_t i);

/* The command NAME, with or without its "aot-" prefix; NULL if none. */
const struct aot_cmd *aot_cmd_find(const char *name);

/*
 * Run ARGV as a command, writing its output to OUT.  "--json" anywhere in
 * ARGV selects JSON.  Output already produced stays written when the command
 * fails; the error is returned for the caller to show.
 */
AOT_PUBLIC struct aot_err *aot_cmd_execute(struct aot_session *s, int argc, char **argv, FILE *out);

/* Split LINE into words (quotes and backslashes as in a shell) and execute it. */
AOT_PUBLIC struct aot_err *aot_cmd_execute_line(struct aot_session *s, const char *line, FILE *out);

/* Print help for NAME (NULL: the command list) to OUT. */
AOT_PUBLIC struct aot_err *aot_cmd_help(const char *name, FILE *out);

/* Helpers shared by the command implementations (cmd_util.c). */
struct aot_err *aot_parse_u64(const char *s, const char *what, uint64_t *ret);
/* "rw+0x10" for an address inside a region of AR, else NULL (static buffer). */
const char *aot_describe_addr(const struct aot_session *s, const struct aot_archive *ar,
			      uint64_t addr, char *buf, size_t len);
/* Begin the per-archive object of a command's output: path, kind, JDK. */
void aot_out_archive_begin(struct aot_out *o, const struct aot_archive *ar, const char *role);

#endif
