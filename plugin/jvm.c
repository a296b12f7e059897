#include "jvm.h"

#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mappings.h"

#define LIBJVM_IN_HOME "/lib/server/libjvm.so"
/* Where distributions install JDKs. */
static const char *const jdk_roots[] = { "/usr/lib/jvm", "/opt/java", "/usr/java", NULL };
#define MAX_CANDIDATES 256

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The ident string literal: "… VM (…) for linux-amd64 JRE (…), built on …". */
static char *find_ident(const struct aot_elf *e)
{
	const uint8_t *b;
	uint64_t n = aot_elf_bytes(e, &b);
	static const char marker[] = " JRE (";
	const uint8_t *p = b, *end = b + n;
	while ((p = memmem(p, (size_t)(end - p), marker, sizeof(marker) - 1))) {
		const uint8_t *s = p, *t = p;
		while (s > b && s[-1] >= 0x20 && s[-1] < 0x7f && p - s < 256)
			s--;
		while (t < end && *t >= 0x20 && *t < 0x7f && t - s < 512)
			t++;
		if (t < end && *t == 0 && memmem(s, (size_t)(t - s), ") for ", 6) &&
		    memmem(s, (size_t)(t - s), "built on", 8))
			return strndup((const char *)s, (size_t)(t - s));
		p += sizeof(marker) - 1;
	}
	return NULL;
}

/* Whether the file holds IDENT as a NUL-terminated string (or its 255-byte truncation). */
static bool holds_ident(const struct aot_elf *e, const char *ident)
{
	const uint8_t *b;
	uint64_t n = aot_elf_bytes(e, &b);
	size_t len = strlen(ident);
	if (len == 0)
		return false;
	const uint8_t *p = b, *end = b + n;
	while ((p = memmem(p, (size_t)(end - p), ident, len))) {
		if (len >= 255 || (p + len < end && p[len] == 0))
			return true;
		p++;
	}
	return false;
}

static void add_candidate(char **list, size_t *n, const char *path)
{
	if (*n >= MAX_CANDIDATES || !is_file(path))
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(list[i], path))
			return;
	list[*n] = strdup(path);
	if (list[*n])
		(*n)++;
}

static void add_home(char **list, size_t *n, const char *home)
{
	char p[4096];
	if (home && snprintf(p, sizeof(p), "%s%s", home, LIBJVM_IN_HOME) < (int)sizeof(p))
		add_candidate(list, n, p);
}

/*
 * Every libjvm an archive alone could have come from: next to it (the
 * default CDS archive lives in lib/server), $JAVA_HOME, $AOTDBG_JDK_DIRS
 * (colon-separated directories of JDKs) and the usual install roots.
 */
static size_t candidates(const char *archive_path, char **list)
{
	size_t n = 0;
	char p[4096];
	if (archive_path) {
		char *copy = strdup(archive_path);
		if (copy) {
			if (snprintf(p, sizeof(p), "%s/libjvm.so", dirname(copy)) < (int)sizeof(p))
				add_candidate(list, &n, p);
			free(copy);
		}
	}
	add_home(list, &n, getenv("JAVA_HOME"));
	const char *extra = getenv("AOTDBG_JDK_DIRS");
	char *roots = extra ? strdup(extra) : NULL;
	const char *rootv[64];
	size_t nroots = 0;
	for (char *save = NULL, *tok = roots ? strtok_r(roots, ":", &save) : NULL; tok && nroots < 60;
	     tok = strtok_r(NULL, ":", &save))
		rootv[nroots++] = tok;
	for (size_t i = 0; jdk_roots[i]; i++)
		rootv[nroots++] = jdk_roots[i];
	for (size_t r = 0; r < nroots; r++) {
		add_home(list, &n, rootv[r]);	// a root may itself be a JDK
		DIR *d = opendir(rootv[r]);
		if (!d)
			continue;
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (snprintf(p, sizeof(p), "%s/%s", rootv[r], de->d_name) < (int)sizeof(p))
				add_home(list, &n, p);
		}
		closedir(d);
	}
	free(roots);
	return n;
}

static struct aot_err *open_libjvm(struct aot_jvm *j, const char *path, const char *found_by)
{
	j->path = strdup(path);
	j->found_by = strdup(found_by);
	if (!j->path || !j->found_by)
		return &aot_enomem;
	struct aot_err *err = aot_elf_open(path, true, &j->elf);
	if (err)
		return err;
	j->ident = find_ident(j->elf);
	return NULL;
}

/* Open the tables; their absence is remembered (vm_err), not fatal. */
static struct aot_err *open_tables(struct aot_jvm *j)
{
	struct aot_vm_syms syms;
	j->vm_err = aot_vm_syms_find(j->elf, &syms);
	if (j->vm_err)
		return NULL;
	struct aot_err *err = aot_target_create(&j->target);
	if (err)
		return err;
	if (j->proc) {
		err = aot_proc_add_to(j->proc, j->target);
	} else {
		err = aot_elf_image_create(j->elf, &j->image);
		if (!err)
			err = aot_elf_image_add_to(j->image, j->target, 0);
	}
	if (err)
		return err;
	// Live tables are read where libjvm is loaded; the file's image is at its link addresses.
	j->vm_err = aot_vmstructs_read(j->target, &syms, j->proc ? j->load_bias : 0, j->image, &j->vm);
	return NULL;
}

/* The libjvm a live JVM has mapped, opened from its file, and where it is loaded. */
/* The opened libjvm mapped with its file-offset-0 page at START. */
static void set_load_bias(struct aot_jvm *j, uint64_t start)
{
	// The mapping at file offset 0 starts at the first PT_LOAD's page.
	const struct aot_elf_load *l0 = aot_elf_load_at(j->elf, 0);
	j->load_bias = start - (l0 ? l0->vaddr & ~0xfffULL : 0);
}

/* HOME's libjvm.so into BUF. */
static struct aot_err *home_libjvm(const char *home, char *buf, size_t len)
{
	if (snprintf(buf, len, "%s%s", home, LIBJVM_IN_HOME) >= (int)len)
		return aot_errf(AOT_ERR_USAGE, "--java-home: path too long");
	return NULL;
}

/* The libjvm a live JVM has mapped, opened from its file, and where it is loaded. */
static struct aot_err *open_from_process(struct aot_jvm *j, int pid)
{
	char found[128];
	struct aot_mappings *maps = NULL;
	struct aot_err *err = aot_proc_open(pid, &j->proc);
	if (!err)
		err = aot_mappings_read_proc(pid, &maps);
	const struct aot_mapping *m = err ? NULL : aot_mappings_module(maps, "libjvm.so");
	if (!err && !m)
		err = aot_errf(AOT_ERR_NOT_FOUND, "process %d has no libjvm.so mapped: is it a JVM?", pid);
	if (!err) {
		snprintf(found, sizeof(found), "mapped in process %d", pid);
		err = open_libjvm(j, m->path, found);
	}
	if (!err)
		set_load_bias(j, m->start);
	aot_mappings_destroy(maps);
	return err;
}

/*
 * The libjvm an attached process (or core) has mapped, and its load bias
 * there: that file, or a copy of it (--jvm), or, when the file is not on
 * this machine, the one of the same JDK here (--java-home, or --exe's JDK).
 */
static struct aot_err *open_loaded(struct aot_jvm *j, const struct aot_jvm_opts *opts)
{
	char p[4096];
	const char *path = opts->loaded, *how = "mapped in the process";
	struct aot_err *err = NULL;
	if (opts->jvm) {
		path = opts->jvm;
		how = "--jvm, as the copy of the one mapped";
	} else if (opts->java_home && access(opts->loaded, R_OK) != 0) {
		err = home_libjvm(opts->java_home, p, sizeof(p));
		path = p;
		how = "the JDK named, as the copy of the one mapped";
	}
	if (!err)
		err = open_libjvm(j, path, how);
	if (!err)
		set_load_bias(j, opts->loaded_start);
	return err;
}

uint64_t aot_jvm_static_addr(const struct aot_jvm *j, const struct aot_vm_field *f)
{
	// Tables read from a live process hold run-time addresses already.
	return j->image ? f->address + j->load_bias : f->address;
}

bool aot_jvm_holds_ident(const struct aot_jvm *j, const char *ident)
{
	return holds_ident(j->elf, ident);
}

static struct aot_err *locate(struct aot_jvm *j, const struct aot_jvm_opts *opts,
			      const char *jvm_ident, const char *archive_path)
{
	char p[4096];
	if (opts->loaded)
		return open_loaded(j, opts);
	if (opts->pid)
		return open_from_process(j, opts->pid);
	if (opts->jvm)
		return open_libjvm(j, opts->jvm, "--jvm");
	if (opts->java_home) {
		struct aot_err *err = home_libjvm(opts->java_home, p, sizeof(p));
		return err ? err : open_libjvm(j, p, "--java-home");
	}
	if (!jvm_ident)
		return aot_errf(AOT_ERR_USAGE,
				"no JVM to take layouts from: give --jvm LIBJVM.so or --java-home DIR, or open an archive");
	char *list[MAX_CANDIDATES];
	size_t n = candidates(archive_path, list);
	struct aot_err *err = NULL;
	bool found = false;
	for (size_t i = 0; i < n && !found && !err; i++) {
		struct aot_elf *e;
		struct aot_err *oe = aot_elf_open(list[i], true, &e);
		if (oe) {
			aot_err_free(oe);	// an unreadable candidate is just not the one
			continue;
		}
		if (holds_ident(e, jvm_ident)) {
			found = true;
			snprintf(p, sizeof(p), "the archive's jvm_ident found in %s", list[i]);
			j->path = strdup(list[i]);
			j->found_by = strdup(p);
			j->elf = e;
			j->ident = find_ident(e);
			if (!j->path || !j->found_by)
				err = &aot_enomem;
		} else {
			aot_elf_destroy(e);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	if (!err && !found)
		err = aot_errf(AOT_ERR_NOT_FOUND,
			       "no libjvm.so among %zu JDKs searched holds the archive's jvm_ident \"%s\": give --jvm or --java-home",
			       n, jvm_ident);
	return err;
}

struct aot_err *aot_jvm_open(const struct aot_jvm_opts *opts, const char *jvm_ident,
			     const char *archive_path, struct aot_jvm **ret)
{
	struct aot_jvm *j = calloc(1, sizeof(*j));
	if (!j)
		return &aot_enomem;
	j->dwarf_opts = opts->dwarf;
	struct aot_err *err = locate(j, opts, jvm_ident, archive_path);
	// A libjvm found by the ident holds it; one the user named may not.
	bool named = opts->pid || opts->jvm || opts->java_home || opts->loaded;
	if (!err && named && jvm_ident && !holds_ident(j->elf, jvm_ident))
		err = aot_errf(AOT_ERR_CHECK,
			       "%s is \"%s\", but the archive was written by \"%s\": refusing to take layouts from another build",
			       j->path, j->ident ? j->ident : "(no version string found)", jvm_ident);
	if (!err)
		err = open_tables(j);
	if (err) {
		aot_jvm_destroy(j);
		return err;
	}
	*ret = j;
	return NULL;
}

void aot_jvm_destroy(struct aot_jvm *j)
{
	if (!j)
		return;
	aot_dwarf_destroy(j->dwarf);
	aot_err_free(j->dwarf_err);
	aot_vmstructs_destroy(j->vm);
	aot_err_free(j->vm_err);
	aot_target_destroy(j->target);
	aot_elf_image_destroy(j->image);
	aot_proc_destroy(j->proc);
	aot_elf_destroy(j->elf);
	free(j->ident);
	free(j->found_by);
	free(j->path);
	free(j);
}

struct aot_err *aot_jvm_dwarf(struct aot_jvm *j, struct aot_dwarf **ret)
{
	if (!j->dwarf_tried) {
		j->dwarf_tried = true;
		j->dwarf_err = aot_dwarf_open(j->elf, &j->dwarf_opts, &j->dwarf);
	}
	if (j->dwarf_err)
		return aot_err_copy(j->dwarf_err);
	*ret = j->dwarf;
	return NULL;
}

const char *aot_jvm_feature(const struct aot_jvm *j, char *buf, size_t len)
{
	// "… JRE (25.0.3+9-…)": the digits after "JRE (".
	const char *p = j->ident ? strstr(j->ident, " JRE (") : NULL;
	if (!p)
		return NULL;
	p += 6;
	size_t n = strspn(p, "0123456789");
	if (n == 0 || n >= len)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}
