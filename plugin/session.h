/*
 * A session: the archives the user opened and the address space they are
 * placed in.  Commands run against a session; the CLI, gdb and lldb front
 * ends each hold one.
 */
#ifndef AOTDBG_SESSION_H
#define AOTDBG_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "archive.h"
#include "jvm.h"
#include "layout.h"
#include "target.h"

#define AOT_SESSION_MAX_ARCHIVES 16

struct aot_meta;

struct aot_session_opts {
	struct aot_open_opts open;
	bool have_base;		/* --base ADDR given: place the archives there */
	uint64_t base;
	const char *jvm;		/* --jvm */
	const char *debug_file;		/* --debug-file */
	const char *debug_dir;		/* --debug-dir, searched before /usr/lib/debug */
	const char *cache_dir;		/* --cache-dir */
	int pid;			/* --pid */
	const char *archive;		/* --archive: a copy of the static archive an attached JVM mapped */
	const char *exe;		/* --exe: the java launcher of a core (its JDK's libjvm) */
};

struct aot_live;

struct aot_session {
	struct aot_session_opts opts;
	struct aot_archive *archives[AOT_SESSION_MAX_ARCHIVES];
	unsigned narchives;
	/* Built on first use by aot_session_target(). */
	struct aot_target *target;
	struct aot_file_mapping *mappings[AOT_SESSION_MAX_ARCHIVES];
	/* Built on first use by aot_session_jvm(). */
	struct aot_jvm *jvm;
	struct aot_err *jvm_err;
	bool jvm_tried;
	const char *debug_dirs[3];
	struct aot_layout *layout;	/* aot_session_layout() */
	struct aot_meta *meta;		/* aot_session_meta() (meta.h) */
	/* Attached to a process, core or debugger (attach.c); NULL for archive files. */
	struct aot_live *live;
	/* Strings the session owns on behalf of its options (aot_session_keep()). */
	char **kept;
	size_t nkept;
};

/* Create an empty session; OPTS is copied (its strings are borrowed). */
AOT_PUBLIC struct aot_err *aot_session_create(const struct aot_session_opts *opts, struct aot_session **ret);
/* NULL-safe. */
AOT_PUBLIC void aot_session_destroy(struct aot_session *s);

/* Take ownership of P, freed with the session; false (P not taken) when out of memory. */
bool aot_session_keep(struct aot_session *s, char *p);

/* Memory of an attached process may have changed: drop what was cached from it. */
void aot_session_flush(struct aot_session *s);

/* Open the archive at PATH and add it to the session. */
AOT_PUBLIC struct aot_err *aot_session_open(struct aot_session *s, const char *path);

/*
 * Fail unless every opened archive has a known layout and (if dynamic) its
 * base archive: what commands that place archives in memory need.
 */
struct aot_err *aot_session_require_complete(const struct aot_session *s);
/* Why an archive of the session cannot be read whole (archive.h: damage), or NULL: borrowed. */
const struct aot_err *aot_session_damage(const struct aot_session *s);

/* The mapped base of archive AR in this session (requested base if not relocated). */
uint64_t aot_session_mapped_base(const struct aot_session *s, const struct aot_archive *ar);

/*
 * The address space of every opened archive, each placed at its requested
 * base or, with --base, at that base and relocated.  Borrowed.
 */
struct aot_err *aot_session_target(struct aot_session *s, struct aot_target **ret);

/*
 * The JVM build the archives came from (--jvm, --java-home, or found by the
 * first archive's jvm_ident), opened on first use.  Borrowed.
 */
struct aot_err *aot_session_jvm(struct aot_session *s, struct aot_jvm **ret);

/* The options the session's libjvm is opened with (--jvm, --debug-dir, …). */
void aot_session_jvm_opts(struct aot_session *s, struct aot_jvm_opts *o);

/*
 * The layouts of that JVM build, what decoders read fields through: from
 * its gHotSpotVM tables, and from DWARF only for what the tables lack.
 * Built on first use; borrowed.
 */
struct aot_err *aot_session_layout(struct aot_session *s, const struct aot_layout **ret);

#endif
