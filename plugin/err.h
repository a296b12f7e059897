/*
 * Errors returned by every aotdbg library function.
 *
 * A fallible function returns `struct aot_err *`: NULL means success, anything
 * else describes one failure and must be released with aot_err_free().  Results
 * travel through trailing out-parameters named `ret`.  The library never prints
 * and never exits; front ends decide how to show an error and which status to
 * return (aot_err_exit_status()).
 */
#ifndef AOTDBG_ERR_H
#define AOTDBG_ERR_H

#include <stdbool.h>
#include <stdint.h>

/* Marks the functions libaotdbg.so exports (the build hides everything else). */
#define AOT_PUBLIC __attribute__((visibility("default")))

enum aot_err_code {
	AOT_ERR_NOMEM = 1,	/* allocation failed */
	AOT_ERR_OS,		/* a system call failed; os_errno is set */
	AOT_ERR_FAULT,		/* an address could not be read; addr is set */
	AOT_ERR_FORMAT,		/* the input is not what its format says it must be */
	AOT_ERR_UNSUPPORTED,	/* well-formed, but a version or feature we do not know */
	AOT_ERR_NOT_FOUND,	/* the thing asked for does not exist */
	AOT_ERR_USAGE,		/* the caller's arguments are wrong */
	AOT_ERR_CHECK,		/* a verification found a problem (exit status 1) */
};

struct aot_err {
	enum aot_err_code code;
	bool heap;		/* false for the static singletons below */
	int os_errno;
	uint64_t addr;
	char *msg;		/* one line, no trailing newline */
};

/* Static errors that need no allocation; aot_err_free() ignores them. */
extern struct aot_err aot_enomem;

/*
 * Make an error with a printf-style one-line message.  Never returns NULL: if
 * the message cannot be allocated, returns &aot_enomem.
 */
struct aot_err *aot_errf(enum aot_err_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), returns_nonnull));

/*
 * Make a format error about an input file, in the shape every user-visible
 * input error takes: "PATH: offset 0xOFF: FIELD: message".  FIELD may be NULL.
 */
struct aot_err *aot_err_input(const char *path, uint64_t offset, const char *field,
			      const char *fmt, ...)
	__attribute__((format(printf, 4, 5), returns_nonnull));

/* Like aot_errf() with AOT_ERR_OS; appends strerror(errnum). */
struct aot_err *aot_err_os(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), returns_nonnull));

/* Like aot_errf() with AOT_ERR_FAULT, recording ADDR. */
struct aot_err *aot_err_fault(uint64_t addr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), returns_nonnull));

/* A copy of ERR, for an error kept to be returned again (each caller frees its own). */
struct aot_err *aot_err_copy(const struct aot_err *err) __attribute__((returns_nonnull));

/* NULL-safe. */
AOT_PUBLIC void aot_err_free(struct aot_err *err);

/*
 * For a read whose failure only means "not there": true if ERR is NULL,
 * else frees it and returns false.
 */
static inline bool aot_ok(struct aot_err *err)
{
	if (!err)
		return true;
	aot_err_free(err);
	return false;
}

/* The process exit status a front end should use: 1 for AOT_ERR_CHECK, 2 otherwise. */
AOT_PUBLIC int aot_err_exit_status(const struct aot_err *err);

#endif
