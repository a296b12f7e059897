#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct aot_err aot_enomem = {
	.code = AOT_ERR_NOMEM,
	.heap = false,
	.msg = "out of memory",
};

static struct aot_err *err_vmake(enum aot_err_code code, const char *prefix,
				 const char *fmt, va_list ap)
{
	struct aot_err *err = calloc(1, sizeof(*err));
	if (!err)
		return &aot_enomem;
	char *body = NULL;
	if (vasprintf(&body, fmt, ap) < 0) {
		free(err);
		return &aot_enomem;
	}
	if (prefix && *prefix) {
		if (asprintf(&err->msg, "%s%s", prefix, body) < 0) {
			free(body);
			free(err);
			return &aot_enomem;
		}
		free(body);
	} else {
		err->msg = body;
	}
	// A message is shown as one line; a newline from a hostile string must not split it.
	for (char *p = err->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	err->code = code;
	err->heap = true;
	return err;
}

struct aot_err *aot_errf(enum aot_err_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct aot_err *err = err_vmake(code, NULL, fmt, ap);
	va_end(ap);
	return err;
}

struct aot_err *aot_err_input(const char *path, uint64_t offset, const char *field,
			      const char *fmt, ...)
{
	char prefix[4200];
	snprintf(prefix, sizeof(prefix), "%s: offset 0x%llx: %s%s", path ? path : "(memory)",
		 (unsigned long long)offset, field ? field : "", field ? ": " : "");
	va_list ap;
	va_start(ap, fmt);
	struct aot_err *err = err_vmake(AOT_ERR_FORMAT, prefix, fmt, ap);
	va_end(ap);
	return err;
}

struct aot_err *aot_err_os(int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct aot_err *err = err_vmake(AOT_ERR_OS, NULL, fmt, ap);
	va_end(ap);
	if (err->heap) {
		char *full;
		if (asprintf(&full, "%s: %s", err->msg, strerror(errnum)) >= 0) {
			free(err->msg);
			err->msg = full;
		}
		err->os_errno = errnum;
	}
	return err;
}

struct aot_err *aot_err_fault(uint64_t addr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct aot_err *err = err_vmake(AOT_ERR_FAULT, NULL, fmt, ap);
	va_end(ap);
	if (err->heap)
		err->addr = addr;
	return err;
}

void aot_err_free(struct aot_err *err)
{
	if (!err || !err->heap)
		return;
	free(err->msg);
	free(err);
}

int aot_err_exit_status(const struct aot_err *err)
{
	return err && err->code == AOT_ERR_CHECK ? 1 : 2;
}

struct aot_err *aot_err_copy(const struct aot_err *err)
{
	struct aot_err *c = aot_errf(err->code, "%s", err->msg ? err->msg : "error");
	if (c != &aot_enomem) {
		c->os_errno = err->os_errno;
		c->addr = err->addr;
	}
	return c;
}
