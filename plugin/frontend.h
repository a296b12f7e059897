/*
 * The flat API the gdb and lldb front ends call through ctypes (see
 * plugin/python/aotdbg_native.py): plain types only, no structs to mirror.
 *
 * Every function returning int returns an exit status as the CLI would:
 * 0 ok, 1 a check failed, 2 an error; on non-zero *ERR (when ERR is not
 * NULL) receives the one-line message, malloc'ed, to free with aot_fe_free().
 */
#ifndef AOTDBG_FRONTEND_H
#define AOTDBG_FRONTEND_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct aot_session;

/*
 * The debugger's memory read: copy up to LEN bytes at ADDR into DST and
 * return how many were copied (fewer at an unreadable page), or -1.
 */
typedef long aot_fe_read_fn(void *arg, uint64_t addr, void *dst, size_t len);

/* A session with no archive; NULL only when out of memory. */
AOT_PUBLIC struct aot_session *aot_fe_new(void);
AOT_PUBLIC void aot_fe_destroy(struct aot_session *s);	/* NULL-safe */
AOT_PUBLIC void aot_fe_free(void *p);

/*
 * Set a session option before opening or attaching, named as the CLI's
 * long option without "--": "jvm", "java-home", "debug-file", "debug-dir",
 * "cache-dir", "base-archive", "archive", "exe", "base".
 */
AOT_PUBLIC int aot_fe_option(struct aot_session *s, const char *name, const char *value, char **err);
/* The I-th option's name, NULL past the last: the list front ends offer. */
AOT_PUBLIC const char *aot_fe_option_name(size_t i);

/* Open an archive file, as the CLI's ARCHIVE arguments do. */
AOT_PUBLIC int aot_fe_open(struct aot_session *s, const char *path, char **err);

/*
 * Attach to the archives a JVM has mapped.  The memory comes from READ
 * (with ARG) when READ is not NULL, else from /proc/PID/mem (PID > 0) or
 * the core file CORE.  The mappings (which files are mapped where) come
 * from MAPS, text in /proc/PID/maps format, when not NULL, else from
 * /proc/PID/maps or the core's NT_FILE note.  Only ever reads.
 */
AOT_PUBLIC int aot_fe_attach(struct aot_session *s, int pid, const char *core, aot_fe_read_fn *read,
			     void *arg, const char *maps, char **err);

/* The inferior ran: forget cached memory.  Commands do this themselves; aot_fe_describe does not. */
AOT_PUBLIC void aot_fe_flush(struct aot_session *s);

/*
 * Run one command line ("aot-regions --json", "help aot-map").  *OUT
 * receives everything it printed (also on failure), malloc'ed.
 */
AOT_PUBLIC int aot_fe_run(struct aot_session *s, const char *line, char **out, char **err);

/* Number of commands, and the I-th's FIELD: "name", "usage", "summary", "help",
   "example", "complete" ("region" or ""), "addr_args" ("1" if its first
   positional argument may be an address, which front ends evaluate as an
   expression).  NULL past the end. */
AOT_PUBLIC size_t aot_fe_command_count(void);
AOT_PUBLIC const char *aot_fe_command_field(size_t i, const char *field);

/*
 * What the archived metadata object at ADDR is, in a few words for a
 * pretty-printer: "java.lang.String" for a Klass, "java.lang.String.length()I"
 * for a Method, the text of a Symbol.  Non-zero if ADDR is not the start of one.
 */
AOT_PUBLIC int aot_fe_describe(struct aot_session *s, uint64_t addr, char **out, char **err);

/* The address of the archived class NAME ("java.lang.String" or "java/lang/String"). */
AOT_PUBLIC int aot_fe_find_klass(struct aot_session *s, const char *name, uint64_t *addr, char **err);

#endif
