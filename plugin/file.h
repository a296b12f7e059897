/*
 * A whole input file in memory, with bounds-checked access.
 *
 * Files are read, not mapped: a cache file that is truncated or rewritten
 * while we look at it must give an error, never a SIGBUS inside the user's
 * debugger.
 */
#ifndef AOTDBG_FILE_H
#define AOTDBG_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct aot_file {
	char *path;
	uint8_t *data;
	uint64_t size;
};

/* Largest file we load; a bigger one is refused, not half-read. */
#define AOT_FILE_MAX_SIZE (16ULL << 30)

/*
 * pread() until LEN bytes at OFF are read, the file ends or a read fails:
 * how many were read.  For files and /proc/PID/mem alike.
 */
uint64_t aot_pread_all(int fd, void *dst, uint64_t len, uint64_t off);

/* Read PATH whole.  Directories, devices and FIFOs are refused with a clear error. */
struct aot_err *aot_file_load(const char *path, struct aot_file **ret);
/* A copy of LEN bytes at DATA, named NAME in errors as a file would be. */
struct aot_err *aot_file_from_bytes(const char *name, const void *data, uint64_t len,
				    struct aot_file **ret);
/* NULL-safe. */
void aot_file_destroy(struct aot_file *f);

/*
 * Point *RET at LEN bytes at OFF, or fail naming the file, offset and FIELD
 * ("… extends past the end of the file (size N)").
 */
struct aot_err *aot_file_span(const struct aot_file *f, uint64_t off, uint64_t len,
			      const char *field, const uint8_t **ret);

#endif
