/*
 * Finding libjvm's DWARF: the --debug-file given, libjvm itself, a
 * .build-id file under the debug directories, or the .gnu_debuglink name
 * where gdb looks for it; build ids checked, and a not-found message that
 * says where it looked.  Reads ELF notes and section headers only.
 */
#include "dwarf_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct finder {
	const struct aot_elf *libjvm;
	const uint8_t *id;
	size_t idlen;
	char idhex[2 * AOT_BUILD_ID_MAX + 1];
	struct sbuf looked;		/* "A, B, C": candidates that do not exist */
	struct sbuf skipped;		/* "A (build id X), …": ones that exist but do not fit */
	char *found;
};

static void note(struct sbuf *b, const char *s)
{
	if (b->len)
		aot_dw_sb_add(b, ", ");
	aot_dw_sb_add(b, s);
}

/* Note a candidate that exists but is not the one, and why, for the not-found message. */
static void skip(struct finder *f, const char *path, const char *why)
{
	note(&f->skipped, path);
	aot_dw_sb_add(&f->skipped, " (");
	aot_dw_sb_add(&f->skipped, why);
	aot_dw_sb_add(&f->skipped, ")");
}

/*
 * Try PATH as the debug file.  Returns an error only for a file named
 * explicitly; any other unusable candidate is noted and skipped.
 */
static struct aot_err *try_candidate(struct finder *f, const char *path, bool explicit)
{
	if (!explicit && access(path, F_OK) != 0) {
		note(&f->looked, path);
		return NULL;
	}
	struct aot_elf *e = NULL;
	struct aot_err *err = aot_elf_open(path, false, &e);
	if (err) {
		if (explicit)
			return err;
		skip(f, path, err->msg);
		aot_err_free(err);
		return NULL;
	}
	const uint8_t *id;
	size_t idlen = aot_elf_build_id(e, &id);
	char hex[2 * AOT_BUILD_ID_MAX + 12];
	aot_elf_build_id_hex(e, hex, sizeof(hex));
	// Without a build id in libjvm there is nothing to check against.
	if (f->idlen && (idlen != f->idlen || memcmp(id, f->id, idlen) != 0)) {
		if (explicit && !idlen)
			err = aot_errf(AOT_ERR_FORMAT,
				       "%s: has no GNU build id to match %s (build id %s): "
				       "not a debug file, or a truncated one", path,
				       aot_elf_path(f->libjvm), f->idhex);
		else if (explicit)
			err = aot_errf(AOT_ERR_FORMAT,
				       "%s: build id %s does not match %s (build id %s)", path,
				       hex, aot_elf_path(f->libjvm), f->idhex);
		else if (!idlen)
			skip(f, path, "no build id");
		else {
			memmove(hex + 9, hex, strlen(hex) + 1);
			memcpy(hex, "build id ", 9);
			skip(f, path, hex);
		}
	} else if (!aot_elf_has_section(e, ".debug_info")) {
		if (explicit)
			err = aot_errf(AOT_ERR_NOT_FOUND, "%s: has no .debug_info section", path);
		else
			skip(f, path, "no .debug_info");
	} else if (!(f->found = strdup(path))) {
		err = &aot_enomem;
	}
	aot_elf_destroy(e);
	return err;
}

static struct aot_err *try_pathf(struct finder *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct aot_err *try_pathf(struct finder *f, const char *fmt, ...)
{
	char *path;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&path, fmt, ap);
	va_end(ap);
	if (n < 0)
		return &aot_enomem;
	struct aot_err *err = try_candidate(f, path, false);
	free(path);
	return err;
}

/* The directory of libjvm's real path (what gdb searches for a debuglink), no trailing slash. */
static char *libjvm_dir(const struct aot_elf *libjvm)
{
	char *real = realpath(aot_elf_path(libjvm), NULL);
	char *dir = real ? real : strdup(aot_elf_path(libjvm));
	if (!dir)
		return NULL;
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	return dir;
}

static struct aot_err *search(struct finder *f, const struct aot_dwarf_opts *opts)
{
	static const char *const default_dirs[] = { "/usr/lib/debug", NULL };
	const char *const *dirs = opts && opts->debug_dirs ? opts->debug_dirs : default_dirs;
	struct aot_err *err;

	if (opts && opts->debug_file)
		return try_candidate(f, opts->debug_file, true);
	if (aot_elf_has_section(f->libjvm, ".debug_info"))
		return (f->found = strdup(aot_elf_path(f->libjvm))) ? NULL : &aot_enomem;
	if (f->idlen >= 2) {
		for (size_t i = 0; dirs[i] && !f->found; i++)
			if ((err = try_pathf(f, "%s/.build-id/%.2s/%s.debug", dirs[i], f->idhex,
					     f->idhex + 2)))
				return err;
	}
	const char *link = aot_elf_debuglink(f->libjvm, NULL);
	// A debuglink is a file name; one with a slash could point anywhere.
	if (f->found || !link || strchr(link, '/'))
		return NULL;
	char *dir = libjvm_dir(f->libjvm);
	if (!dir)
		return &aot_enomem;
	const char *sep = strcmp(dir, "/") ? "/" : "";
	err = try_pathf(f, "%s%s%s", dir, sep, link);
	if (!err && !f->found)
		err = try_pathf(f, "%s%s.debug/%s", dir, sep, link);
	for (size_t i = 0; dirs[i] && !err && !f->found; i++)
		err = try_pathf(f, "%s%s%s%s", dirs[i], dir, sep, link);
	free(dir);
	return err;
}

/* In the order dwarf_types.h gives for aot_dwarf_open(). */
struct aot_err *aot_dw_find_debug_file(const struct aot_elf *libjvm,
				       const struct aot_dwarf_opts *opts, char **ret)
{
	struct finder f = { .libjvm = libjvm };
	f.idlen = aot_elf_build_id(libjvm, &f.id);
	aot_elf_build_id_hex(libjvm, f.idhex, sizeof(f.idhex));

	struct aot_err *err = search(&f, opts);
	if (!err && !f.found) {
		char *looked = aot_dw_sb_take(&f.looked), *skipped = aot_dw_sb_take(&f.skipped);
		if (!looked || !skipped)
			err = &aot_enomem;
		else
			err = aot_errf(AOT_ERR_NOT_FOUND,
				       "no debug info for %s (build id %s): it has no .debug_info%s%s%s%s; "
				       "install the JDK's debug symbols or use --debug-file",
				       aot_elf_path(libjvm), f.idlen ? f.idhex : "none",
				       *looked ? ", and there is no debug file at " : "", looked,
				       *skipped ? "; skipped " : "", skipped);
		free(looked);
		free(skipped);
	}
	free(aot_dw_sb_take(&f.looked));
	free(aot_dw_sb_take(&f.skipped));
	if (err) {
		free(f.found);
		return err;
	}
	*ret = f.found;
	return NULL;
}
