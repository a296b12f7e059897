#include "util.h"

#include <stdlib.h>
#include <string.h>

FILE *fz_devnull(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

void fz_check_err(struct aot_err *err, const char *name)
{
	if (!err)
		return;
	if (!err->msg || strchr(err->msg, '\n')) {
		fprintf(stderr, "error message is not one line: %s\n", err->msg ? err->msg : "(null)");
		abort();
	}
	// An input error is what the user sees about a bad file: it names file, offset and field.
	if (err->code == AOT_ERR_FORMAT && name) {
		size_t n = strlen(name);
		if (strncmp(err->msg, name, n) != 0 || strncmp(err->msg + n, ": offset 0x", 11) != 0) {
			fprintf(stderr, "input error without file and offset: %s\n", err->msg);
			abort();
		}
	}
	aot_err_free(err);
}

void fz_run(struct aot_session *s, const char *line)
{
	FILE *out = fz_devnull();
	// Commands report corrupt metadata as errors that name addresses, not the file.
	struct aot_err *err = aot_cmd_execute_line(s, line, out);
	fz_check_err(err, NULL);
	fflush(out);
}

struct aot_archive *fz_open(const uint8_t *data, size_t size)
{
	struct aot_file *f;
	struct aot_err *err = aot_file_from_bytes(FZ_NAME, data, size, &f);
	if (err) {
		fz_check_err(err, FZ_NAME);
		return NULL;
	}
	const struct aot_open_opts opts = { .base_archive = "/nonexistent/aotdbg-fuzz-base.jsa" };
	struct aot_archive *ar;
	err = aot_archive_open_file(f, &opts, &ar);
	if (err) {
		fz_check_err(err, FZ_NAME);
		return NULL;
	}
	return ar;
}

struct aot_session *fz_session(struct aot_archive *ar)
{
	struct aot_session *s;
	struct aot_err *err = aot_session_create(NULL, &s);
	if (err) {
		aot_err_free(err);
		aot_archive_destroy(ar);
		return NULL;
	}
	s->archives[s->narchives++] = ar;
	return s;
}
