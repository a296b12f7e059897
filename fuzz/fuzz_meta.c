/*
 * Metadata decoding over arbitrary memory: a real dynamic archive (its
 * header intact) whose region bytes the fuzzer patches, layered on its real
 * base archive, read through the commands in a session with the layouts of
 * a real libjvm.
 *
 * Environment (fuzz/run.py sets it from testdata/cache):
 *   AOTDBG_FUZZ_JDK        the JDK's home: lib/server/libjvm.so gives the layouts
 *   AOTDBG_FUZZ_ARCHIVE    the dynamic archive patched
 *   AOTDBG_FUZZ_BASE       its base archive, used as is
 *   AOTDBG_FUZZ_DEBUG_DIR  optional: libjvm's DWARF (--debug-dir)
 *
 * Layouts cost seconds to build (DWARF, the gHotSpotVM tables), so one
 * session is built in LLVMFuzzerInitialize and kept: each input only swaps
 * the archive and drops what the session derived from it (target, mappings,
 * metadata context).  The base archive is opened once too and lent to each
 * input's dynamic archive as aot_archive_open would attach it.  The
 * metadata context (meta.h) belongs to the set of archives and is rebuilt
 * per input: decoding the base's tables again costs about 0.3 s with the
 * sanitizers, so each input runs one command.
 *
 * Input: 4 bytes choosing an address in the dynamic archive, 1 byte
 * choosing the command, then patches, each a 4-byte offset past the
 * header (modulo the rest of the file), a length byte and that many bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../plugin/meta.h"
#include "../plugin/target_file.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct aot_session *g_s;
static struct aot_file *g_dyn;		/* the pristine dynamic archive */
static struct aot_archive *g_base;
static uint64_t g_hsize, g_lo, g_hi;	/* header size; the dynamic archive's metadata addresses */

static void die(const char *what, struct aot_err *err)
{
	fprintf(stderr, "fuzz_meta: %s%s%s\n", what, err ? ": " : "", err ? err->msg : "");
	exit(1);
}

static const char *env(const char *name, bool required)
{
	const char *v = getenv(name);
	if (required && (!v || !*v))
		die(name, aot_errf(AOT_ERR_USAGE, "not set (fuzz/run.py sets it)"));
	return v && *v ? v : NULL;
}

/* Drop the archive of the last input and everything the session derived from it. */
static void forget_archive(struct aot_session *s)
{
	aot_meta_destroy(s->meta);
	s->meta = NULL;
	for (unsigned i = 0; i < s->narchives; i++) {
		aot_file_mapping_destroy(s->mappings[i]);
		s->mappings[i] = NULL;
		s->archives[i]->base = NULL;	// lent, not owned
		aot_archive_destroy(s->archives[i]);
		s->archives[i] = NULL;
	}
	s->narchives = 0;
	aot_target_destroy(s->target);
	s->target = NULL;
}

/* Open BYTES (taken) as the dynamic archive, on the shared base. */
static struct aot_archive *open_dynamic(uint8_t *bytes, uint64_t size)
{
	struct aot_file *f = calloc(1, sizeof(*f));
	char *path = strdup(FZ_NAME);
	if (!f || !path) {
		free(f);
		free(path);
		free(bytes);
		return NULL;
	}
	*f = (struct aot_file){ .path = path, .data = bytes, .size = size };
	const struct aot_open_opts opts = { .base_archive = "/nonexistent/aotdbg-fuzz-base.jsa" };
	struct aot_archive *ar;
	struct aot_err *err = aot_archive_open_file(f, &opts, &ar);
	if (err) {
		fz_check_err(err, FZ_NAME);
		return NULL;
	}
	if (ar->kind == AOT_KIND_DYNAMIC && ar->layout == g_base->layout) {
		aot_err_free(ar->base_err);
		ar->base_err = NULL;
		ar->base = g_base;
		if (g_base->space_lo < ar->space_lo)
			ar->space_lo = g_base->space_lo;
	}
	return ar;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static char jvm[4096];
	snprintf(jvm, sizeof(jvm), "%s/lib/server/libjvm.so", env("AOTDBG_FUZZ_JDK", true));
	struct aot_session_opts o = { .jvm = jvm, .debug_dir = env("AOTDBG_FUZZ_DEBUG_DIR", false) };
	struct aot_err *err = aot_session_create(&o, &g_s);
	if (!err)
		err = aot_archive_open(env("AOTDBG_FUZZ_BASE", true), NULL, &g_base);
	if (!err)
		err = aot_file_load(env("AOTDBG_FUZZ_ARCHIVE", true), &g_dyn);
	if (err)
		die("setup", err);
	uint8_t *copy = malloc(g_dyn->size);
	if (!copy)
		die("setup", &aot_enomem);
	memcpy(copy, g_dyn->data, g_dyn->size);
	struct aot_archive *ar = open_dynamic(copy, g_dyn->size);
	if (!ar || !ar->base)
		die("the dynamic archive does not open on its base", NULL);
	g_hsize = ar->header_size;
	g_lo = ar->space_hi;
	for (unsigned i = 0; i < ar->nregions; i++)
		if (ar->regions[i].mappable && !ar->regions[i].is_heap && ar->regions[i].addr < g_lo)
			g_lo = ar->regions[i].addr;
	g_hi = ar->space_hi;
	if (g_hsize >= g_dyn->size || g_lo >= g_hi)
		die("the dynamic archive has no regions", NULL);
	g_s->archives[g_s->narchives++] = ar;
	const struct aot_layout *l;
	if ((err = aot_session_layout(g_s, &l)))
		die("layouts", err);
	// The first run builds what later inputs reuse; it must succeed on the real archive.
	if ((err = aot_cmd_execute_line(g_s, "aot-classes", fz_devnull())))
		die("aot-classes on the unpatched archive", err);
	forget_archive(g_s);
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5)
		return 0;
	uint64_t addr = g_lo + le32(data) % (g_hi - g_lo);
	unsigned pick = data[4];
	uint8_t *bytes = malloc(g_dyn->size);
	if (!bytes)
		return 0;
	memcpy(bytes, g_dyn->data, g_dyn->size);
	uint64_t span = g_dyn->size - g_hsize;
	for (size_t i = 5; i + 5 <= size;) {
		uint64_t off = g_hsize + le32(data + i) % span;
		size_t len = data[i + 4];
		i += 5;
		if (len > size - i)
			len = size - i;
		if (len > g_dyn->size - off)
			len = (size_t)(g_dyn->size - off);
		memcpy(bytes + off, data + i, len);
		i += len;
	}
	struct aot_archive *ar = open_dynamic(bytes, g_dyn->size);
	if (!ar)
		return 0;
	g_s->archives[g_s->narchives++] = ar;
	// One command per input: each costs a walk of the base's metadata (see above).
	static const char *const commands[] = {
		"aot-classes", "aot-print-klass Shape$Circle", "aot-print-cp Shape$Circle",
		"aot-whatis 0x%llx", "aot-print-method 0x%llx --bytecodes", "aot-print-symbol 0x%llx",
		"aot-print-cp 0x%llx", "aot-print-klass 0x%llx", "aot-refs 0x%llx", "aot-validate",
		"aot-map --region rw", "aot-map --region ro", "aot-stats",
	};
	char line[128];
	snprintf(line, sizeof(line), commands[pick % (sizeof(commands) / sizeof(commands[0]))],
		 (unsigned long long)addr);
	fz_run(g_s, line);
	forget_archive(g_s);
	return 0;
}
