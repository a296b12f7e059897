/*
 * What the fuzz targets share: a sink for command output, a session over an
 * archive opened from the fuzzer's bytes, and the oracle every error must
 * pass (an input error is one line naming the input, an offset and a field).
 */
#ifndef AOTDBG_FUZZ_UTIL_H
#define AOTDBG_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../plugin/archive.h"
#include "../plugin/commands.h"
#include "../plugin/session.h"

/* The name fuzzed bytes go by in error messages. */
#define FZ_NAME "fuzz.jsa"

/* /dev/null opened once: commands print into it. */
FILE *fz_devnull(void);

/*
 * Abort (a finding, for libFuzzer) unless ERR is a well-formed error: one
 * line, and for an input error the "NAME: offset 0x…: " shape the CLI shows.
 * Frees ERR.
 */
void fz_check_err(struct aot_err *err, const char *name);

/* Run LINE through the command table into /dev/null, checking its error. */
void fz_run(struct aot_session *s, const char *line);

/*
 * Open DATA as an archive called FZ_NAME.  A dynamic archive's base is
 * never searched for (a fuzzer-chosen base name must not make it read files).
 */
struct aot_archive *fz_open(const uint8_t *data, size_t size);

/* A session holding AR alone (taking it); NULL when out of memory. */
struct aot_session *fz_session(struct aot_archive *ar);

#endif
