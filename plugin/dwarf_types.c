#include "dwarf_types.h"

#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <libdwarf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"

/*
 * Limits that keep a corrupt debug file or cache file from costing unbounded
 * time or memory.  Each is far above anything a real libjvm needs: the
 * biggest HotSpot class has about 120 members, and no name is near 4 KiB.
 */
#define MAX_NAME 4096		/* longest name kept or matched; longer ones are cut */
#define MAX_MEMBERS 16384	/* members of one type */
#define MAX_TYPE_DEPTH 32	/* typedef, pointer and qualifier chain */
#define MAX_SCOPE_DEPTH 16	/* nested namespaces and classes */
#define MAX_PARAMS 64		/* parameters spelled in a function type */
#define MAX_ENTRIES 100000	/* types in one cache file */
#define MAX_CACHE_BYTES (64u << 20)

#define CACHE_MAGIC "aotdbg-dwarf-types"
/* Bump when what is stored changes meaning (or spelling), so old files are rescanned. */
#define CACHE_VERSION 1

/* One answer: a type, or the knowledge that the DWARF has no definition of NAME. */
struct entry {
	char *name;
	struct aot_type *type;		/* NULL: not in the DWARF */
};

/*
 * A namespace or class scope of the DWARF tree, loaded on demand to spell the
 * qualified name of a type ("Klass::KlassKind"): libdwarf has no parent links.
 */
struct scope {
	Dwarf_Off start, end;		/* the DIE's offset, and where its subtree ends */
	const char *name;		/* borrowed from libdwarf's section data; NULL: anonymous */
	char *prefix;			/* "A::B::" including this scope; built when entered */
	bool loaded;			/* kids has been read */
	struct scope *kids;		/* the children that can enclose types, by offset */
	size_t nkids;
};

struct aot_dwarf {
	char *path;			/* the debug file */
	char build_id[2 * AOT_BUILD_ID_MAX + 1];	/* libjvm's, hex; "" if none */
	char *cache_path;		/* NULL: no disk cache */
	bool cache_loaded;
	int fd;
	Dwarf_Debug dbg;		/* opened on the first scan */
	Dwarf_Unsigned next_cu;		/* offset of the CU dwarf_next_cu_header_d returns next */
	struct scope *cus;		/* CU scopes seen while spelling names */
	size_t ncus;
	struct entry *entries;
	size_t nentries, cap;
	struct aot_dwarf_stats stats;
};

/* ---------------------------------------------------------------------- */
/* Small helpers */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A growable string; on allocation failure it latches `oom` and stops growing. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

/* Take the string out of B (never NULL unless out of memory). */
static char *sb_take(struct sbuf *b)
{
	if (!b->s && !b->oom)
		sb_addn(b, "", 0);
	if (b->oom) {
		free(b->s);
		b->s = NULL;
	}
	char *s = b->s;
	*b = (struct sbuf){ 0 };
	return s;
}

/* strndup capped at MAX_NAME: a hostile name is cut, not refused. */
static char *name_dup(const char *s)
{
	return strndup(s, MAX_NAME);
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Which of the integer type words W (N bytes) is, as a bit; 0 if none. */
static unsigned int_word(const char *w, size_t n)
{
	static const char *const words[] = { "short", "long", "unsigned", "signed", "int", "char" };
	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !memcmp(w, words[i], n))
			return 1u << i;
	return 0;
}

/*
 * Rewrite, in place, the C++ integer type names the way gdb canonicalises
 * them: GCC names "Array<short unsigned int>" what gdb (and so the user)
 * calls "Array<unsigned short>", and "long int" is "long".  Only inside
 * template arguments, unless WHOLE (S is a base type's name).  Never
 * lengthens S.
 */
static void canon_int_names(char *s, bool whole)
{
	char *w = s;
	int depth = whole;
	for (const char *r = s; *r; ) {
		// Outside template arguments, or not at the start of a word: copy.
		if (depth <= 0 || !is_ident(*r)) {
			depth += *r == '<' ? 1 : *r == '>' ? -1 : 0;
			*w++ = *r++;
			continue;
		}
		// A run of integer words ("long unsigned int"), separated by single spaces.
		const char *end = r, *p = r;
		unsigned seen = 0, longs = 0;
		for (;;) {
			const char *q = p;
			while (is_ident(*q))
				q++;
			unsigned bit = int_word(p, (size_t)(q - p));
			if (!bit || (bit != 2 && (seen & bit)) || (bit == 2 && longs == 2))
				break;
			seen |= bit;
			longs += bit == 2;
			end = q;
			if (*q != ' ' || !is_ident(q[1]))
				break;
			p = q + 1;
		}
		if (end == r) {
			while (is_ident(*r))
				*w++ = *r++;
			continue;
		}
		char c[32];
		if (seen & 32)
			snprintf(c, sizeof(c), "%s%schar", seen & 4 ? "unsigned " : "",
				 seen & 8 ? "signed " : "");
		else
			snprintf(c, sizeof(c), "%s%s", seen & 4 ? "unsigned " : "",
				 seen & 1 ? "short" : longs == 2 ? "long long" : longs ? "long" : "int");
		size_t n = strlen(c);
		if (n <= (size_t)(end - r)) {
			memcpy(w, c, n);
			w += n;
		} else {
			memmove(w, r, (size_t)(end - r));
			w += end - r;
		}
		r = end;
	}
	*w = '\0';
}

/* ---------------------------------------------------------------------- */
/* Finding the debug file */

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
		sb_add(b, ", ");
	sb_add(b, s);
}

/* Note a candidate that exists but is not the one, and why, for the not-found message. */
static void skip(struct finder *f, const char *path, const char *why)
{
	note(&f->skipped, path);
	sb_add(&f->skipped, " (");
	sb_add(&f->skipped, why);
	sb_add(&f->skipped, ")");
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

static struct aot_err *find_debug_file(struct finder *f, const struct aot_dwarf_opts *opts)
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

/* ---------------------------------------------------------------------- */
/* Open and destroy */

static char *default_cache_dir(void)
{
	const char *s = getenv("AOTDBG_CACHE_DIR");
	char *dir = NULL;
	if (s && *s)
		return strdup(s);
	if ((s = getenv("XDG_CACHE_HOME")) && *s == '/') {
		if (asprintf(&dir, "%s/aotdbg", s) < 0)
			return NULL;
		return dir;
	}
	if ((s = getenv("HOME")) && *s == '/') {
		if (asprintf(&dir, "%s/.cache/aotdbg", s) < 0)
			return NULL;
		return dir;
	}
	return NULL;
}

static struct aot_err *set_cache_path(struct aot_dwarf *d, const struct aot_dwarf_opts *opts)
{
	if (!d->build_id[0] || (opts && opts->cache_dir && !*opts->cache_dir))
		return NULL;
	char *dir = opts && opts->cache_dir ? strdup(opts->cache_dir) : default_cache_dir();
	if (!dir)
		return NULL;	// no home directory: run without a disk cache
	int n = asprintf(&d->cache_path, "%s/dwarf/%s.types", dir, d->build_id);
	free(dir);
	if (n < 0) {
		d->cache_path = NULL;
		return &aot_enomem;
	}
	return NULL;
}

struct aot_err *aot_dwarf_open(const struct aot_elf *libjvm, const struct aot_dwarf_opts *opts,
			       struct aot_dwarf **ret)
{
	struct finder f = { .libjvm = libjvm };
	f.idlen = aot_elf_build_id(libjvm, &f.id);
	aot_elf_build_id_hex(libjvm, f.idhex, sizeof(f.idhex));

	struct aot_err *err = find_debug_file(&f, opts);
	if (!err && !f.found) {
		char *looked = sb_take(&f.looked), *skipped = sb_take(&f.skipped);
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
	free(sb_take(&f.looked));
	free(sb_take(&f.skipped));
	if (err) {
		free(f.found);
		return err;
	}

	struct aot_dwarf *d = calloc(1, sizeof(*d));
	if (!d) {
		free(f.found);
		return &aot_enomem;
	}
	d->fd = -1;
	d->path = f.found;
	memcpy(d->build_id, f.idhex, sizeof(d->build_id));
	if ((err = set_cache_path(d, opts))) {
		aot_dwarf_destroy(d);
		return err;
	}
	*ret = d;
	return NULL;
}

static void scope_free(struct scope *s)
{
	for (size_t i = 0; i < s->nkids; i++)
		scope_free(&s->kids[i]);
	free(s->kids);
	free(s->prefix);
}

static void forget_scopes(struct aot_dwarf *d)
{
	for (size_t i = 0; i < d->ncus; i++)
		scope_free(&d->cus[i]);
	free(d->cus);
	d->cus = NULL;
	d->ncus = 0;
}

static void dw_close(struct aot_dwarf *d)
{
	forget_scopes(d);
	if (d->dbg) {
		Dwarf_Error e = NULL;
		if (dwarf_finish(d->dbg, &e) == DW_DLV_ERROR)
			dwarf_dealloc_error(NULL, e);
		d->dbg = NULL;
	}
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->next_cu = 0;
}

void aot_dwarf_destroy(struct aot_dwarf *d)
{
	if (!d)
		return;
	dw_close(d);
	for (size_t i = 0; i < d->nentries; i++) {
		free(d->entries[i].name);
		aot_type_destroy(d->entries[i].type);
	}
	free(d->entries);
	free(d->cache_path);
	free(d->path);
	free(d);
}

const char *aot_dwarf_path(const struct aot_dwarf *d)
{
	return d->path;
}

const char *aot_dwarf_cache_path(const struct aot_dwarf *d)
{
	return d->cache_path;
}

void aot_dwarf_release(struct aot_dwarf *d)
{
	dw_close(d);
}

void aot_dwarf_last_stats(const struct aot_dwarf *d, struct aot_dwarf_stats *ret)
{
	*ret = d->stats;
}

/* ---------------------------------------------------------------------- */
/* Answers held in memory */

static struct entry *find_entry(struct aot_dwarf *d, const char *name)
{
	for (size_t i = 0; i < d->nentries; i++)
		if (!strcmp(d->entries[i].name, name))
			return &d->entries[i];
	return NULL;
}

/* Add NAME -> T (T may be NULL); takes T even on failure. */
static struct aot_err *add_entry(struct aot_dwarf *d, const char *name, struct aot_type *t)
{
	if (d->nentries == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 32;
		struct entry *ne = realloc(d->entries, cap * sizeof(*ne));
		if (!ne) {
			aot_type_destroy(t);
			return &aot_enomem;
		}
		d->entries = ne;
		d->cap = cap;
	}
	char *n = strdup(name);
	if (!n) {
		aot_type_destroy(t);
		return &aot_enomem;
	}
	d->entries[d->nentries++] = (struct entry){ .name = n, .type = t };
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* The disk cache
 *
 * A text file, one record a line, fields separated by tabs; in strings every
 * byte below 0x20, 0x7f and '\' is written as \xHH:
 *
 *	aotdbg-dwarf-types	1
 *	build-id	<hex>
 *	type	<name>	<size>	<nmembers>
 *	m	<offset>	<size>	<bit_offset>	<bit_size>	<flags>	<name>	<type_name>
 *	absent	<name>
 *	end	<number of type and absent records>	<checksum>
 *
 * flags is "-" or any of "b" (base) and "s" (static); the checksum is the
 * FNV-1a hash (16 hex digits) of every byte before the end line.  The file is
 * untrusted: anything unexpected makes the whole file ignored, and the types
 * rescanned.
 */

static void put_str(FILE *fp, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			fprintf(fp, "\\x%02x", *p);
		else
			putc(*p, fp);
	}
}

static void put_type(FILE *fp, const struct aot_type *t)
{
	fputs("type\t", fp);
	put_str(fp, t->name);
	fprintf(fp, "\t%llu\t%zu\n", (unsigned long long)t->size, t->nmembers);
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct aot_member *m = &t->members[i];
		fprintf(fp, "m\t%llu\t%llu\t%u\t%u\t%s%s%s\t", (unsigned long long)m->offset,
			(unsigned long long)m->size, m->bit_offset, m->bit_size,
			m->is_base ? "b" : "", m->is_static ? "s" : "",
			m->is_base || m->is_static ? "" : "-");
		put_str(fp, m->name);
		putc('\t', fp);
		put_str(fp, m->type_name);
		putc('\n', fp);
	}
}

static int mkdir_p(const char *dir)
{
	char *p = strdup(dir);
	if (!p)
		return -1;
	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		if (!c)
			break;
		*s = c;
	}
	free(p);
	return 0;
}

/* FNV-1a: the end line's checksum, which tells a damaged cache file from a good one. */
static uint64_t checksum(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* The whole cache file's text for D's answers, or NULL if out of memory. */
static char *cache_text(const struct aot_dwarf *d, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);
	if (!fp)
		return NULL;
	fprintf(fp, "%s\t%d\nbuild-id\t%s\n", CACHE_MAGIC, CACHE_VERSION, d->build_id);
	size_t n = 0;
	for (size_t i = 0; i < d->nentries && n < MAX_ENTRIES; i++) {
		// What the parser would refuse must not be written: it would refuse the whole file.
		size_t nlen = strlen(d->entries[i].name);
		if (!nlen || nlen > MAX_NAME)
			continue;
		n++;
		if (d->entries[i].type) {
			put_type(fp, d->entries[i].type);
		} else {
			fputs("absent\t", fp);
			put_str(fp, d->entries[i].name);
			putc('\n', fp);
		}
	}
	bool ok = fflush(fp) == 0;
	if (ok)
		fprintf(fp, "end\t%zu\t%016llx\n", n, (unsigned long long)checksum(buf, *len));
	ok = !ferror(fp) && ok;
	if (fclose(fp) != 0 || !ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * Write every answer held in memory (what the file had, plus the new ones)
 * to a temporary file and rename it over the old: readers see the old file or
 * the new one, never a part.  Returns whether it worked; failing to write a
 * cache is not worth failing a lookup for.
 */
static bool cache_save(struct aot_dwarf *d)
{
	size_t len = 0;
	char *text = cache_text(d, &len);
	char *dir = strdup(d->cache_path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	char *tmp = NULL;
	if (slash)
		*slash = '\0';
	bool ok = text && slash && mkdir_p(dir) == 0 &&
		  asprintf(&tmp, "%s.XXXXXX", d->cache_path) >= 0;
	free(dir);
	int fd = ok ? mkostemp(tmp, O_CLOEXEC) : -1;
	if (fd >= 0) {
		ok = fchmod(fd, 0644) == 0 && write_all(fd, text, len);
		ok = close(fd) == 0 && ok;
		ok = ok && rename(tmp, d->cache_path) == 0;
		if (!ok)
			unlink(tmp);
	}
	free(tmp);
	free(text);
	return ok && fd >= 0;
}

/* Split LINE at tabs into at most MAX fields; returns the count, or MAX+1 if there are more. */
static size_t split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	for (char *p = line;;) {
		if (n == max)
			return max + 1;
		fields[n++] = p;
		char *tab = strchr(p, '\t');
		if (!tab)
			return n;
		*tab = '\0';
		p = tab + 1;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode an escaped field in place; false if it is malformed or too long. */
static bool unescape(char *s)
{
	char *w = s;
	for (const char *r = s; *r; ) {
		unsigned char c = (unsigned char)*r;
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == '\\') {
			int hi, lo;
			if (r[1] != 'x' || (hi = hexval(r[2])) < 0 || (lo = hexval(r[3])) < 0 ||
			    (hi == 0 && lo == 0))
				return false;
			*w++ = (char)(hi << 4 | lo);
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return w - s <= MAX_NAME;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	if (!*s || strlen(s) > 20)
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
			return false;
	}
	if (v > max)
		return false;
	*ret = v;
	return true;
}

/* Next line of the buffer [*pos, end), NUL-terminated in place; NULL at the end or if unterminated. */
static char *next_line(char **pos, char *end)
{
	char *s = *pos;
	if (s >= end)
		return NULL;
	char *nl = memchr(s, '\n', (size_t)(end - s));
	// An embedded NUL would hide the rest of the line from the parser.
	if (!nl || memchr(s, '\0', (size_t)(nl - s)))
		return NULL;
	*nl = '\0';
	*pos = nl + 1;
	return s;
}

static bool parse_member(char *line, struct aot_member *m)
{
	char *f[9];
	uint64_t bo, bs;
	if (split(line, f, 8) != 8 || strcmp(f[0], "m") ||
	    !parse_u64(f[1], UINT64_MAX, &m->offset) || !parse_u64(f[2], UINT64_MAX, &m->size) ||
	    !parse_u64(f[3], UINT16_MAX, &bo) || !parse_u64(f[4], UINT16_MAX, &bs) ||
	    !unescape(f[6]) || !unescape(f[7]))
		return false;
	m->bit_offset = (uint16_t)bo;
	m->bit_size = (uint16_t)bs;
	if (strcmp(f[5], "-")) {
		for (const char *p = f[5]; *p; p++) {
			if (*p == 'b')
				m->is_base = true;
			else if (*p == 's')
				m->is_static = true;
			else
				return false;
		}
	}
	return (m->name = strdup(f[6])) && (m->type_name = strdup(f[7]));
}

/* Parse a "type" record whose header line is F[0..3] and whose members follow at *POS. */
static bool parse_type(char **f, char **pos, char *end, struct aot_type **ret)
{
	uint64_t size, n;
	if (!unescape(f[1]) || !parse_u64(f[2], UINT64_MAX, &size) ||
	    !parse_u64(f[3], MAX_MEMBERS, &n))
		return false;
	struct aot_type *t = calloc(1, sizeof(*t));
	if (!t)
		return false;
	t->size = size;
	t->name = strdup(f[1]);
	t->members = calloc(n ? n : 1, sizeof(*t->members));
	bool ok = t->name && t->members;
	for (; ok && t->nmembers < n; t->nmembers++) {
		char *line = next_line(pos, end);
		ok = line && parse_member(line, &t->members[t->nmembers]);
	}
	if (!ok) {
		if (t->members && t->nmembers < n)
			t->nmembers++;	// free the half-parsed member too
		aot_type_destroy(t);
		return false;
	}
	*ret = t;
	return true;
}

/*
 * Parse the whole cache file into D's (empty) list of answers; false if it is
 * not valid.  The checksum is checked first, before parsing writes NULs into
 * the buffer: a damaged file is then refused as a whole.
 */
static bool parse_cache(struct aot_dwarf *d, char *buf, size_t size)
{
	if (size < 2 || buf[size - 1] != '\n')
		return false;
	char *last = memrchr(buf, '\n', size - 1);
	char *end = last ? last + 1 : buf;	// the records end where the end line starts
	char *f[5], sum[32], want[64], *line, *pos = end;
	uint64_t count;
	snprintf(sum, sizeof(sum), "%016llx", (unsigned long long)checksum(buf, (size_t)(end - buf)));
	if (!(line = next_line(&pos, buf + size)) || split(line, f, 3) != 3 ||
	    strcmp(f[0], "end") || strcmp(f[2], sum) || !parse_u64(f[1], MAX_ENTRIES, &count))
		return false;

	pos = buf;
	snprintf(want, sizeof(want), "%s\t%d", CACHE_MAGIC, CACHE_VERSION);
	if (!(line = next_line(&pos, end)) || strcmp(line, want))
		return false;
	if (!(line = next_line(&pos, end)) || split(line, f, 2) != 2 ||
	    strcmp(f[0], "build-id") || strcmp(f[1], d->build_id))
		return false;
	size_t records = 0;
	while ((line = next_line(&pos, end))) {
		size_t nf = split(line, f, 4);
		if (records == MAX_ENTRIES)
			return false;
		struct aot_type *t = NULL;
		const char *name;
		if (nf == 2 && !strcmp(f[0], "absent") && unescape(f[1]))
			name = f[1];
		else if (nf == 4 && !strcmp(f[0], "type") && parse_type(f, &pos, end, &t))
			name = t->name;
		else
			return false;
		if (!*name || find_entry(d, name)) {
			aot_type_destroy(t);
			return false;
		}
		if (add_entry(d, name, t))
			return false;
		records++;
	}
	return pos == end && records == count;
}

static void drop_entries(struct aot_dwarf *d)
{
	for (size_t i = 0; i < d->nentries; i++) {
		free(d->entries[i].name);
		aot_type_destroy(d->entries[i].type);
	}
	d->nentries = 0;
}

/* Load the disk cache if there is a valid one; any problem just means a rescan. */
static void cache_load(struct aot_dwarf *d)
{
	struct stat st;
	if (stat(d->cache_path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_CACHE_BYTES)
		return;
	struct aot_file *file = NULL;
	struct aot_err *err = aot_file_load(d->cache_path, &file);
	if (err) {
		aot_err_free(err);
		return;
	}
	if (file->size <= MAX_CACHE_BYTES && !parse_cache(d, (char *)file->data, file->size))
		drop_entries(d);
	aot_file_destroy(file);
}

/* ---------------------------------------------------------------------- */
/* libdwarf access: every failure becomes an aot_err naming the DIE offset */

static struct aot_err *dw_err(struct aot_dwarf *d, Dwarf_Error e, Dwarf_Off off, const char *what)
{
	struct aot_err *err = aot_err_input(d->path, off, ".debug_info", "%s: %s", what,
					    e ? dwarf_errmsg(e) : "libdwarf failed");
	if (e)
		dwarf_dealloc_error(d->dbg, e);
	return err;
}

/* DIE's offset, for messages and ordering checks (0 if libdwarf cannot say). */
static Dwarf_Off die_off(struct aot_dwarf *d, Dwarf_Die die)
{
	Dwarf_Off off = 0;
	Dwarf_Error e = NULL;
	if (dwarf_dieoffset(die, &off, &e) == DW_DLV_ERROR)
		dwarf_dealloc_error(d->dbg, e);
	return off;
}

static struct aot_err *dw_open(struct aot_dwarf *d)
{
	if (d->dbg)
		return NULL;
	d->fd = open(d->path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0)
		return aot_err_os(errno, "%s: cannot open", d->path);
	Dwarf_Error e = NULL;
	int r = dwarf_init_b(d->fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &d->dbg, &e);
	if (r == DW_DLV_OK) {
		d->next_cu = 0;
		return NULL;
	}
	struct aot_err *err;
	if (r == DW_DLV_NO_ENTRY) {
		err = aot_errf(AOT_ERR_NOT_FOUND, "%s: no DWARF debug info", d->path);
	} else {
		err = aot_err_input(d->path, 0, "DWARF", "%s", dwarf_errmsg(e));
		dwarf_dealloc_error(NULL, e);
	}
	d->dbg = NULL;
	close(d->fd);
	d->fd = -1;
	return err;
}

static struct aot_err *die_at(struct aot_dwarf *d, Dwarf_Off off, Dwarf_Die *ret)
{
	Dwarf_Error e = NULL;
	int r = dwarf_offdie_b(d->dbg, off, true, ret, &e);
	if (r == DW_DLV_OK)
		return NULL;
	if (r == DW_DLV_NO_ENTRY)
		return aot_err_input(d->path, off, ".debug_info", "no DIE at this offset");
	return dw_err(d, e, off, "reading a DIE");
}

static struct aot_err *die_tag(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half *ret)
{
	Dwarf_Error e = NULL;
	if (dwarf_tag(die, ret, &e) != DW_DLV_OK)
		return dw_err(d, e, die_off(d, die), "DIE tag");
	return NULL;
}

/* DIE's DW_AT_name, pointing into libdwarf's section data; NULL if it has none. */
static struct aot_err *die_name(struct aot_dwarf *d, Dwarf_Die die, const char **ret)
{
	char *s = NULL;
	Dwarf_Error e = NULL;
	int r = dwarf_diename(die, &s, &e);
	*ret = r == DW_DLV_OK ? s : NULL;
	return r == DW_DLV_ERROR ? dw_err(d, e, die_off(d, die), "DW_AT_name") : NULL;
}

static struct aot_err *die_has(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half at, bool *ret)
{
	Dwarf_Bool b = 0;
	Dwarf_Error e = NULL;
	if (dwarf_hasattr(die, at, &b, &e) != DW_DLV_OK)
		return dw_err(d, e, die_off(d, die), "attribute");
	*ret = b;
	return NULL;
}

/*
 * The .debug_info offset a reference attribute AT of DIE points at (any
 * reference form, DW_FORM_ref_addr across CUs included); *HAS is false when
 * DIE has no such attribute (for DW_AT_type: void).
 */
static struct aot_err *die_ref(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half at, bool *has,
			       Dwarf_Off *ret)
{
	Dwarf_Attribute a = NULL;
	Dwarf_Error e = NULL;
	*has = false;
	int r = dwarf_attr(die, at, &a, &e);
	if (r == DW_DLV_NO_ENTRY)
		return NULL;
	if (r == DW_DLV_ERROR)
		return dw_err(d, e, die_off(d, die), "reference attribute");
	r = dwarf_global_formref(a, ret, &e);
	dwarf_dealloc_attribute(a);
	if (r != DW_DLV_OK)
		return dw_err(d, r == DW_DLV_ERROR ? e : NULL, die_off(d, die), "reference attribute");
	*has = true;
	return NULL;
}

static struct aot_err *die_type(struct aot_dwarf *d, Dwarf_Die die, bool *has, Dwarf_Off *ret)
{
	return die_ref(d, die, DW_AT_type, has, ret);
}

/*
 * A constant-class attribute.  *HAS is false when it is absent or not a
 * constant (an expression, a reference).  *NEG is set for a negative value,
 * which *RET then holds in two's complement.
 */
static struct aot_err *die_const(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half at, bool *has,
				 bool *neg, uint64_t *ret)
{
	Dwarf_Attribute a = NULL;
	Dwarf_Error e = NULL;
	Dwarf_Half form = 0;
	*has = *neg = false;
	*ret = 0;
	int r = dwarf_attr(die, at, &a, &e);
	if (r == DW_DLV_NO_ENTRY)
		return NULL;
	if (r == DW_DLV_ERROR)
		return dw_err(d, e, die_off(d, die), "constant attribute");
	r = dwarf_whatform(a, &form, &e);
	if (r == DW_DLV_OK) {
		Dwarf_Unsigned u = 0;
		Dwarf_Signed s = 0;
		switch (form) {
		case DW_FORM_data1:
		case DW_FORM_data2:
		case DW_FORM_data4:
		case DW_FORM_data8:
		case DW_FORM_udata:
			r = dwarf_formudata(a, &u, &e);
			*ret = u;
			*has = r == DW_DLV_OK;
			// A data4 upper bound of 0xffffffff is GCC's -1 for a zero-length array.
			*neg = *has && ((form == DW_FORM_data4 && u == UINT32_MAX) || u == UINT64_MAX);
			break;
		case DW_FORM_sdata:
		case DW_FORM_implicit_const:
			r = dwarf_formsdata(a, &s, &e);
			*ret = (uint64_t)s;
			*has = r == DW_DLV_OK;
			*neg = *has && s < 0;
			break;
		default:
			break;
		}
	}
	dwarf_dealloc_attribute(a);
	if (r == DW_DLV_ERROR)
		return dw_err(d, e, die_off(d, die), "constant attribute");
	return NULL;
}

/* The first child of DIE, or NULL. */
static struct aot_err *die_child(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Die *ret)
{
	Dwarf_Error e = NULL;
	*ret = NULL;
	int r = dwarf_child(die, ret, &e);
	if (r == DW_DLV_ERROR)
		return dw_err(d, e, die_off(d, die), "first child");
	return NULL;
}

/*
 * The next sibling of DIE, or NULL; DIE is freed either way.  A sibling that
 * does not come after DIE means a corrupt DW_AT_sibling, and a loop.
 */
static struct aot_err *die_next(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Die *ret)
{
	Dwarf_Error e = NULL;
	Dwarf_Off off = die_off(d, die);
	*ret = NULL;
	int r = dwarf_siblingof_b(d->dbg, die, true, ret, &e);
	dwarf_dealloc_die(die);
	if (r == DW_DLV_ERROR)
		return dw_err(d, e, off, "next sibling");
	if (*ret && die_off(d, *ret) <= off) {
		struct aot_err *err = aot_err_input(d->path, off, ".debug_info",
						    "sibling at 0x%llx does not follow its DIE",
						    (unsigned long long)die_off(d, *ret));
		dwarf_dealloc_die(*ret);
		*ret = NULL;
		return err;
	}
	return NULL;
}

static struct aot_err *tag_at(struct aot_dwarf *d, Dwarf_Off off, Dwarf_Half *ret)
{
	Dwarf_Die die;
	struct aot_err *err = die_at(d, off, &die);
	if (err)
		return err;
	err = die_tag(d, die, ret);
	dwarf_dealloc_die(die);
	return err;
}

/* ---------------------------------------------------------------------- */
/* Qualified names: which namespaces and classes enclose a DIE */

/* Most children a scope keeps: a CU has some thousands at its top level. */
#define MAX_SCOPE_KIDS (1u << 20)

static bool is_scope_tag(Dwarf_Half tag)
{
	return tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
	       tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
}

/* Record the children of S that can enclose types, with the extent of each. */
static struct aot_err *load_kids(struct aot_dwarf *d, struct scope *s)
{
	s->loaded = true;
	Dwarf_Die die, kid;
	struct aot_err *err = die_at(d, s->start, &die);
	if (err)
		return err;
	err = die_child(d, die, &kid);
	dwarf_dealloc_die(die);
	size_t cap = 0;
	while (kid && !err) {
		Dwarf_Half tag;
		Dwarf_Off off = die_off(d, kid);
		const char *name = NULL;
		if ((err = die_tag(d, kid, &tag)))
			break;
		if (is_scope_tag(tag) && (err = die_name(d, kid, &name)))
			break;
		Dwarf_Die next;
		err = die_next(d, kid, &next);
		kid = next;
		if (err || !is_scope_tag(tag) || s->nkids == MAX_SCOPE_KIDS)
			continue;
		if (s->nkids == cap) {
			cap = cap ? 2 * cap : 64;
			struct scope *nk = realloc(s->kids, cap * sizeof(*nk));
			if (!nk) {
				err = &aot_enomem;
				break;
			}
			s->kids = nk;
		}
		s->kids[s->nkids++] = (struct scope){
			.start = off,
			.end = kid ? die_off(d, kid) : s->end,
			.name = name,
		};
	}
	if (kid)
		dwarf_dealloc_die(kid);
	return err;
}

/* The kid of S whose subtree holds OFF, or NULL. */
static struct scope *kid_holding(struct scope *s, Dwarf_Off off)
{
	size_t lo = 0, hi = s->nkids;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->kids[mid].start <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	struct scope *k = &s->kids[lo - 1];
	return off < k->end ? k : NULL;
}

/* The scope for the CU holding DIE, created on first use. */
static struct aot_err *cu_scope(struct aot_dwarf *d, Dwarf_Die die, struct scope **ret)
{
	Dwarf_Off cu_die = 0, hdr = 0, len = 0;
	Dwarf_Error e = NULL;
	if (dwarf_CU_dieoffset_given_die(die, &cu_die, &e) != DW_DLV_OK ||
	    dwarf_die_CU_offset_range(die, &hdr, &len, &e) != DW_DLV_OK)
		return dw_err(d, e, die_off(d, die), "enclosing CU");
	for (size_t i = 0; i < d->ncus; i++) {
		if (d->cus[i].start == cu_die) {
			*ret = &d->cus[i];
			return NULL;
		}
	}
	struct scope *nc = realloc(d->cus, (d->ncus + 1) * sizeof(*nc));
	if (!nc)
		return &aot_enomem;
	d->cus = nc;
	*ret = &d->cus[d->ncus++];
	**ret = (struct scope){ .start = cu_die, .end = hdr + len, .prefix = strdup("") };
	return (*ret)->prefix ? NULL : &aot_enomem;
}

/*
 * The qualifier gdb puts before the name of the type DIE at OFF, such as
 * "Klass::" for the enum KlassKind declared in class Klass.  Borrowed.
 */
static struct aot_err *scope_prefix(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Off off,
				    const char **ret)
{
	struct scope *s;
	struct aot_err *err = cu_scope(d, die, &s);
	if (err)
		return err;
	for (int depth = 0; ; depth++) {
		if (!s->loaded && (err = load_kids(d, s)))
			break;
		struct scope *k = kid_holding(s, off);
		if (!k || k->start == off || depth == MAX_SCOPE_DEPTH)
			break;
		if (!k->prefix) {
			const char *name = k->name ? k->name : "(anonymous namespace)";
			if (strlen(s->prefix) + strlen(name) > MAX_NAME ||
			    asprintf(&k->prefix, "%s%s::", s->prefix, name) < 0) {
				k->prefix = NULL;
				break;	// too long to matter: stop qualifying here
			}
		}
		s = k;
	}
	*ret = s->prefix;
	return err;
}

/* ---------------------------------------------------------------------- */
/* Type names, spelled the way gdb prints them */

static struct aot_err *spell(struct aot_dwarf *d, bool has, Dwarf_Off off, const char *inner,
			     int depth, char **ret);

/* BASE then the declarator INNER, spaced as gdb does: "char" "*" -> "char *". */
static struct aot_err *join(const char *base, const char *inner, char **ret)
{
	if (asprintf(ret, "%s%s%s", base, *inner ? " " : "", inner) < 0) {
		*ret = NULL;
		return &aot_enomem;
	}
	return NULL;
}

static const char *anonymous(Dwarf_Half tag)
{
	switch (tag) {
	case DW_TAG_structure_type:
		return "struct {...}";
	case DW_TAG_class_type:
		return "class {...}";
	case DW_TAG_union_type:
		return "union {...}";
	case DW_TAG_enumeration_type:
		return "enum {...}";
	default:
		return "?";
	}
}

/* The qualified name of a named type DIE at OFF ("InstanceKlass::ClassState"). */
static struct aot_err *type_name(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Off off,
				 Dwarf_Half tag, char **ret)
{
	const char *name, *prefix = "";
	struct aot_err *err = die_name(d, die, &name);
	Dwarf_Die spec = NULL;
	if (!err && !name && tag != DW_TAG_base_type) {
		// A class defined outside its scope names itself through its declaration.
		bool has;
		Dwarf_Off soff;
		err = die_ref(d, die, DW_AT_specification, &has, &soff);
		if (!err && has && !(err = die_at(d, soff, &spec)) && !(err = die_name(d, spec, &name)))
			die = spec, off = soff;
	}
	if (!err && name && tag != DW_TAG_base_type)
		err = scope_prefix(d, die, off, &prefix);
	if (!err) {
		if (!name)
			*ret = strdup(anonymous(tag));
		else if (asprintf(ret, "%s%.*s", prefix, MAX_NAME, name) < 0)
			*ret = NULL;
		if (!*ret)
			err = &aot_enomem;
		else
			canon_int_names(*ret, tag == DW_TAG_base_type);
	}
	if (spec)
		dwarf_dealloc_die(spec);
	return err;
}

/* "[8]" for each dimension of the array DIE ("[]" when unknown), appended to B. */
static struct aot_err *array_dims(struct aot_dwarf *d, Dwarf_Die die, struct sbuf *b,
				  uint64_t *count)
{
	Dwarf_Die kid;
	struct aot_err *err = die_child(d, die, &kid);
	*count = 1;
	while (kid && !err) {
		Dwarf_Half tag;
		bool has, neg, has_lo, lo_neg;
		uint64_t n = 0, lo = 0;
		char dim[32] = "[]";
		if ((err = die_tag(d, kid, &tag)))
			break;
		if (tag == DW_TAG_subrange_type) {
			if (!(err = die_const(d, kid, DW_AT_count, &has, &neg, &n)) && !has) {
				err = die_const(d, kid, DW_AT_upper_bound, &has, &neg, &n);
				if (!err)
					err = die_const(d, kid, DW_AT_lower_bound, &has_lo, &lo_neg,
							&lo);
				// GCC spells a zero-length array with an upper bound of -1.
				if (!err && has && !neg && (!has_lo || (!lo_neg && lo <= n)))
					n = n - (has_lo ? lo : 0) + 1;
				else if (!err && has && neg)
					n = 0;
				else
					has = false;
			}
			if (err)
				break;
			if (has && !neg)
				snprintf(dim, sizeof(dim), "[%llu]", (unsigned long long)n);
			if (!has || neg || __builtin_mul_overflow(*count, n, count))
				*count = 0;
			if (b)
				sb_add(b, dim);
		}
		Dwarf_Die next;
		err = die_next(d, kid, &next);
		kid = next;
	}
	if (kid)
		dwarf_dealloc_die(kid);
	return err;
}

/* "(int, char *)" for the subroutine type DIE, appended to B. */
static struct aot_err *params(struct aot_dwarf *d, Dwarf_Die die, int depth, struct sbuf *b)
{
	Dwarf_Die kid;
	struct aot_err *err = die_child(d, die, &kid);
	size_t n = 0;
	sb_add(b, "(");
	while (kid && !err) {
		Dwarf_Half tag;
		if ((err = die_tag(d, kid, &tag)))
			break;
		if ((tag == DW_TAG_formal_parameter || tag == DW_TAG_unspecified_parameters) &&
		    n++ < MAX_PARAMS) {
			if (n > 1)
				sb_add(b, ", ");
			if (tag == DW_TAG_unspecified_parameters) {
				sb_add(b, "...");
			} else {
				bool has;
				Dwarf_Off toff;
				char *p = NULL;
				if (!(err = die_type(d, kid, &has, &toff)) &&
				    !(err = spell(d, has, toff, "", depth + 1, &p)))
					sb_add(b, p);
				free(p);
			}
		}
		Dwarf_Die next;
		if (!err)
			err = die_next(d, kid, &next), kid = next;
	}
	if (kid)
		dwarf_dealloc_die(kid);
	sb_add(b, n ? ")" : "void)");
	return err;
}

/*
 * The gdb spelling of the type at OFF (void when !HAS) around the declarator
 * INNER: spell(int, "*[8]") is "int *[8]".  C declarators read inside out, so
 * pointers, arrays and functions grow INNER and recurse on what they point
 * at; a named type ends it.  Anything unexpected spells as "?": names are
 * best effort, and only a DWARF read error fails.
 */
static struct aot_err *spell(struct aot_dwarf *d, bool has, Dwarf_Off off, const char *inner,
			     int depth, char **ret)
{
	*ret = NULL;
	if (!has)
		return join("void", inner, ret);
	if (depth > MAX_TYPE_DEPTH || strlen(inner) > MAX_NAME)
		return join("?", inner, ret);
	Dwarf_Die die;
	Dwarf_Half tag, ttag = 0;
	bool thas = false;
	Dwarf_Off toff = 0;
	struct aot_err *err = die_at(d, off, &die);
	if (err)
		return err;
	struct sbuf b = { 0 };
	char *s = NULL;
	if ((err = die_tag(d, die, &tag)))
		goto out;
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_unspecified_type:
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_typedef:
		if (!(err = type_name(d, die, off, tag, &s)))
			err = join(s, inner, ret);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_ptr_to_member_type:
		if ((err = die_type(d, die, &thas, &toff)) || (thas && (err = tag_at(d, toff, &ttag))))
			break;
		bool paren = ttag == DW_TAG_array_type || ttag == DW_TAG_subroutine_type;
		if (paren)
			sb_add(&b, "(");
		if (tag == DW_TAG_ptr_to_member_type) {
			// "int Foo::*", "void (Foo::*)(Foo * const)"
			bool chas;
			Dwarf_Off coff;
			if ((err = die_ref(d, die, DW_AT_containing_type, &chas, &coff)) ||
			    (err = spell(d, chas, coff, "", depth + 1, &s)))
				break;
			sb_add(&b, s);
			sb_add(&b, "::");
		}
		sb_add(&b, tag == DW_TAG_pointer_type || tag == DW_TAG_ptr_to_member_type ? "*" :
			   tag == DW_TAG_reference_type ? "&" : "&&");
		// "* const": a qualifier of the pointer itself follows the star.
		if (*inner && inner[0] != '(' && inner[0] != '[' && inner[0] != '*' &&
		    inner[0] != '&')
			sb_add(&b, " ");
		sb_add(&b, inner);
		if (paren)
			sb_add(&b, ")");
		if (b.oom)
			err = &aot_enomem;
		else
			err = spell(d, thas, toff, b.s, depth + 1, ret);
		break;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type: {
		const char *q = tag == DW_TAG_const_type ? "const" :
				tag == DW_TAG_volatile_type ? "volatile" :
				tag == DW_TAG_restrict_type ? "restrict" : "_Atomic";
		if ((err = die_type(d, die, &thas, &toff)) || (thas && (err = tag_at(d, toff, &ttag))))
			break;
		if (ttag == DW_TAG_pointer_type || ttag == DW_TAG_reference_type ||
		    ttag == DW_TAG_rvalue_reference_type || ttag == DW_TAG_ptr_to_member_type) {
			// Qualifies the pointer: "Klass * const".
			if (!(err = join(q, inner, &s)))
				err = spell(d, thas, toff, s, depth + 1, ret);
		} else if (!(err = spell(d, thas, toff, inner, depth + 1, &s))) {
			// Qualifies what is named: "const char *".
			if (asprintf(ret, "%s %s", q, s) < 0) {
				*ret = NULL;
				err = &aot_enomem;
			}
		}
		break;
	}
	case DW_TAG_array_type: {
		uint64_t count;
		sb_add(&b, inner);
		if (!(err = array_dims(d, die, &b, &count)) && !(err = die_type(d, die, &thas, &toff)))
			err = b.oom ? &aot_enomem : spell(d, thas, toff, b.s ? b.s : "", depth + 1, ret);
		break;
	}
	case DW_TAG_subroutine_type:
		sb_add(&b, inner);
		if (!(err = params(d, die, depth, &b)) && !(err = die_type(d, die, &thas, &toff)))
			err = b.oom ? &aot_enomem : spell(d, thas, toff, b.s, depth + 1, ret);
		break;
	default:
		err = join("?", inner, ret);
		break;
	}
out:
	dwarf_dealloc_die(die);
	free(s);
	free(b.s);
	if (err) {
		free(*ret);
		*ret = NULL;
	}
	return err;
}

/* ---------------------------------------------------------------------- */
/* Type sizes */

/*
 * The size of the type at OFF in bytes.  When it ends at a class that is
 * only declared here, the size is 0 and *DECL is set to the declaration, if
 * DECL is not NULL: GCC may define a class in only some CUs (the one that
 * emits its vtable, say), so a member may refer to one this CU cannot size.
 */
static struct aot_err *type_size(struct aot_dwarf *d, bool has, Dwarf_Off off, int depth,
				 uint64_t *size, Dwarf_Off *decl)
{
	*size = 0;
	if (!has || depth > MAX_TYPE_DEPTH)
		return NULL;
	Dwarf_Die die;
	Dwarf_Half tag, ttag = 0;
	bool bhas, neg, thas = false, is_decl = false;
	uint64_t bsize, count;
	Dwarf_Off toff = 0;
	struct aot_err *err = die_at(d, off, &die);
	if (err)
		return err;
	if ((err = die_tag(d, die, &tag)) || (err = die_const(d, die, DW_AT_byte_size, &bhas, &neg, &bsize)))
		goto out;
	if (bhas && !neg) {
		*size = bsize;
		goto out;
	}
	switch (tag) {
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
	case DW_TAG_enumeration_type:	// an enum without a size takes its underlying type's
		if (!(err = die_type(d, die, &thas, &toff)))
			err = type_size(d, thas, toff, depth + 1, size, decl);
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		if (!(err = die_has(d, die, DW_AT_declaration, &is_decl)) && is_decl && decl)
			*decl = off;
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		*size = 8;
		break;
	case DW_TAG_ptr_to_member_type:
		// A pointer to a member function is a function pointer and an adjustment.
		if (!(err = die_type(d, die, &thas, &toff)) && thas)
			err = tag_at(d, toff, &ttag);
		*size = ttag == DW_TAG_subroutine_type ? 16 : 8;
		break;
	case DW_TAG_array_type:
		if (!(err = array_dims(d, die, NULL, &count)) && count &&
		    !(err = die_type(d, die, &thas, &toff)) &&
		    !(err = type_size(d, thas, toff, depth + 1, size, NULL)) &&
		    __builtin_mul_overflow(*size, count, size))
			*size = 0;
		break;
	default:
		break;
	}
out:
	dwarf_dealloc_die(die);
	return err;
}

/* ---------------------------------------------------------------------- */
/* Members */

/* ULEB128 at *P (before END); false if it runs off the end or past 64 bits. */
static bool uleb(const uint8_t **p, const uint8_t *end, uint64_t *ret)
{
	uint64_t v = 0;
	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = v;
			return true;
		}
	}
	return false;
}

/* An offset written as an expression: DW_OP_plus_uconst N (GCC's DWARF 2/3) or DW_OP_constu N. */
static bool expr_offset(const uint8_t *p, uint64_t len, uint64_t *ret)
{
	const uint8_t *end = p + len;
	if (len < 2 || (p[0] != DW_OP_plus_uconst && p[0] != DW_OP_constu))
		return false;
	p++;
	return uleb(&p, end, ret) && p == end;
}

/*
 * DW_AT_data_member_location: a constant, or an expression that adds a
 * constant.  *HAS is false when absent (a union member: offset 0) or not
 * something we can evaluate without an object (a virtual base).
 */
static struct aot_err *member_location(struct aot_dwarf *d, Dwarf_Die die, bool *has,
				       uint64_t *ret)
{
	Dwarf_Attribute a = NULL;
	Dwarf_Error e = NULL;
	Dwarf_Half form = 0, version = 0, offset_size = 0;
	*has = false;
	*ret = 0;
	int r = dwarf_attr(die, DW_AT_data_member_location, &a, &e);
	if (r == DW_DLV_NO_ENTRY)
		return NULL;
	if (r == DW_DLV_ERROR)
		return dw_err(d, e, die_off(d, die), "DW_AT_data_member_location");
	r = dwarf_whatform(a, &form, &e);
	if (r == DW_DLV_OK)
		dwarf_get_version_of_die(die, &version, &offset_size);
	if (r == DW_DLV_OK) {
		Dwarf_Unsigned u = 0, len = 0;
		Dwarf_Signed s = 0;
		Dwarf_Ptr ptr = NULL;
		Dwarf_Block *blk = NULL;
		switch (form) {
		case DW_FORM_data4:
		case DW_FORM_data8:
			// Before DWARF 4 these forms were location list offsets.
			if (version < 4)
				break;
			/* fall through */
		case DW_FORM_data1:
		case DW_FORM_data2:
		case DW_FORM_udata:
			if ((r = dwarf_formudata(a, &u, &e)) == DW_DLV_OK)
				*has = true, *ret = u;
			break;
		case DW_FORM_sdata:
		case DW_FORM_implicit_const:
			if ((r = dwarf_formsdata(a, &s, &e)) == DW_DLV_OK && s >= 0)
				*has = true, *ret = (uint64_t)s;
			break;
		case DW_FORM_exprloc:
			if ((r = dwarf_formexprloc(a, &len, &ptr, &e)) == DW_DLV_OK)
				*has = expr_offset(ptr, len, ret);
			break;
		case DW_FORM_block1:
		case DW_FORM_block2:
		case DW_FORM_block4:
		case DW_FORM_block:
			if ((r = dwarf_formblock(a, &blk, &e)) == DW_DLV_OK) {
				*has = expr_offset(blk->bl_data, blk->bl_len, ret);
				dwarf_dealloc(d->dbg, blk, DW_DLA_BLOCK);
			}
			break;
		default:
			break;
		}
	}
	dwarf_dealloc_attribute(a);
	if (r == DW_DLV_ERROR)
		return dw_err(d, e, die_off(d, die), "DW_AT_data_member_location");
	return NULL;
}

/*
 * Place a bit-field: OFFSET becomes the start of its storage unit (SIZE bytes,
 * the type's size) and BIT_OFFSET counts little-endian bits from there, for
 * both conventions: DWARF 4+ DW_AT_data_bit_offset (bits from the start of
 * the struct) and DWARF 2/3 DW_AT_bit_offset (bits from the most significant
 * end of a DW_AT_byte_size unit at DW_AT_data_member_location).
 */
static struct aot_err *place_bitfield(struct aot_dwarf *d, Dwarf_Die die, uint64_t bits,
				      struct aot_member *m)
{
	bool has, neg, has_unit, unit_neg;
	uint64_t v, unit;
	struct aot_err *err = die_const(d, die, DW_AT_data_bit_offset, &has, &neg, &v);
	if (err)
		return err;
	uint64_t total;
	if (has && !neg) {
		total = m->offset * 8 + v;
	} else {
		if ((err = die_const(d, die, DW_AT_bit_offset, &has, &neg, &v)) ||
		    (err = die_const(d, die, DW_AT_byte_size, &has_unit, &unit_neg, &unit)))
			return err;
		if (has_unit && !unit_neg && unit && unit <= 16)
			m->size = unit;
		uint64_t unit_bits = m->size * 8;
		if (!has || neg || v + bits > unit_bits)
			v = unit_bits >= bits ? unit_bits - bits : 0;	// nonsense: take the low end
		total = m->offset * 8 + (unit_bits - v - bits);
	}
	uint64_t unit_bytes = m->size && m->size <= 16 ? m->size : 1;
	m->offset = total / 8 / unit_bytes * unit_bytes;
	// A field that straddles its natural unit (packed structs) is placed by byte.
	if (total - m->offset * 8 + bits > unit_bytes * 8)
		m->offset = total / 8;
	uint64_t bo = total - m->offset * 8;
	if (bo > UINT16_MAX || bits > UINT16_MAX)
		return aot_err_input(d->path, die_off(d, die), ".debug_info",
				     "bit-field at bit %llu of %llu bits is out of range",
				     (unsigned long long)bo, (unsigned long long)bits);
	m->bit_offset = (uint16_t)bo;
	m->bit_size = (uint16_t)bits;
	return NULL;
}

/* Fill M from a DW_TAG_member, DW_TAG_inheritance or (static) DW_TAG_variable DIE. */
static struct aot_err *read_member(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half tag,
				   struct aot_member *m, Dwarf_Off *decl)
{
	const char *name;
	bool has, thas, is_decl = false, ext = false, neg;
	uint64_t bits;
	Dwarf_Off toff;
	struct aot_err *err;
	if ((err = die_name(d, die, &name)) || (err = die_type(d, die, &thas, &toff)))
		return err;
	if ((err = spell(d, thas, toff, "", 0, &m->type_name)) ||
	    (err = type_size(d, thas, toff, 0, &m->size, decl)))
		return err;
	if (strlen(m->type_name) > MAX_NAME)
		m->type_name[MAX_NAME] = '\0';
	m->is_base = tag == DW_TAG_inheritance;
	// DWARF 4 declares a static member as a member with DW_AT_declaration; 5 as a variable.
	if (tag == DW_TAG_member && ((err = die_has(d, die, DW_AT_declaration, &is_decl)) ||
				     (err = die_has(d, die, DW_AT_external, &ext))))
		return err;
	m->is_static = tag == DW_TAG_variable || is_decl || ext;
	m->name = m->is_base ? strdup(m->type_name) : name_dup(name ? name : "");
	if (!m->name)
		return &aot_enomem;
	if (m->is_static)
		return NULL;
	if ((err = member_location(d, die, &has, &m->offset)) ||
	    (err = die_const(d, die, DW_AT_bit_size, &has, &neg, &bits)))
		return err;
	if (has && !neg && bits)
		err = place_bitfield(d, die, bits, m);
	return err;
}

/*
 * A member whose class is defined nowhere gets the size the layout leaves
 * it: up to the next member, or to the end of the type.  (A base cannot be
 * sized that way: an empty one shares its offset with the next member.)
 */
static void size_from_gaps(struct aot_type *t, const Dwarf_Off *decls)
{
	for (size_t i = 0; i < t->nmembers; i++) {
		struct aot_member *m = &t->members[i];
		if (!decls[i] || m->is_static || m->is_base || m->size)
			continue;
		uint64_t end = t->size;
		for (size_t j = i + 1; j < t->nmembers; j++) {
			if (!t->members[j].is_static && t->members[j].offset > m->offset) {
				end = t->members[j].offset;
				break;
			}
		}
		if (end > m->offset)
			m->size = end - m->offset;
	}
}

/*
 * Read the complete type DIE at OFF as NAME.  *DECLS gets, for each member,
 * the declaration DIE of its class when this CU has only a declaration (0
 * otherwise), for the caller to size from a definition elsewhere.
 */
static struct aot_err *read_type(struct aot_dwarf *d, const char *name, Dwarf_Off off,
				 struct aot_type **ret, Dwarf_Off **decls)
{
	Dwarf_Die die, kid = NULL;
	bool has, neg;
	size_t cap = 0;
	*decls = NULL;
	struct aot_err *err = die_at(d, off, &die);
	if (err)
		return err;
	struct aot_type *t = calloc(1, sizeof(*t));
	if (!t || !(t->name = strdup(name))) {
		err = &aot_enomem;
		goto out;
	}
	if ((err = die_const(d, die, DW_AT_byte_size, &has, &neg, &t->size)) ||
	    (err = die_child(d, die, &kid)))
		goto out;
	if (neg)
		t->size = 0;
	while (kid) {
		Dwarf_Half tag;
		if ((err = die_tag(d, kid, &tag)))
			goto out;
		if (tag == DW_TAG_member || tag == DW_TAG_inheritance || tag == DW_TAG_variable) {
			if (t->nmembers == MAX_MEMBERS) {
				err = aot_err_input(d->path, off, ".debug_info",
						    "%s has more than %d members", name,
						    MAX_MEMBERS);
				goto out;
			}
			if (t->nmembers == cap) {
				cap = cap ? 2 * cap : 32;
				struct aot_member *nm = realloc(t->members, cap * sizeof(*nm));
				Dwarf_Off *nd = realloc(*decls, cap * sizeof(*nd));
				if (nm)
					t->members = nm;
				if (nd)
					*decls = nd;
				if (!nm || !nd) {
					err = &aot_enomem;
					goto out;
				}
			}
			struct aot_member *m = &t->members[t->nmembers];
			*m = (struct aot_member){ 0 };
			(*decls)[t->nmembers] = 0;
			// Counted before it is filled, so that a failure frees what it holds.
			t->nmembers++;
			if ((err = read_member(d, kid, tag, m, &(*decls)[t->nmembers - 1])))
				goto out;
		}
		Dwarf_Die next;
		err = die_next(d, kid, &next);
		kid = next;
		if (err)
			goto out;
	}
out:
	if (kid)
		dwarf_dealloc_die(kid);
	dwarf_dealloc_die(die);
	if (err) {
		aot_type_destroy(t);
		free(*decls);
		*decls = NULL;
		return err;
	}
	*ret = t;
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* The scan: one pass over the CUs for every wanted name at once */

struct want {
	char *name;		/* as asked for */
	char *key;		/* NAME with template arguments canonicalised */
	bool primary;		/* asked for; else only needed to size a member */
	bool found;
	Dwarf_Off off;		/* the complete definition, once found */
	struct aot_type *t;	/* primary ones, read when found */
	Dwarf_Off *decls;	/* from read_type() */
};

struct scan {
	struct aot_dwarf *d;
	struct want *wants;	/* sorted by key */
	size_t nwants, cap, left;
	Dwarf_Unsigned start;	/* the circle ends at this CU offset */
	bool wrapped;		/* has passed the end of .debug_info */
	bool namespaces;	/* some wanted name is namespaced: walk into namespaces */
	char qname[MAX_NAME + 1];	/* the qualified name being matched */
};

static int cmp_want(const void *a, const void *b)
{
	return strcmp(((const struct want *)a)->key, ((const struct want *)b)->key);
}

static struct want *wanted(struct scan *s, char *key)
{
	struct want k = { .key = key };
	return bsearch(&k, s->wants, s->nwants, sizeof(k), cmp_want);
}

/* Add a wanted name (taking KEY, which is also its name unless PRIMARY); not sorted yet. */
static struct aot_err *add_want(struct scan *s, const char *name, char *key, bool primary)
{
	if (s->nwants == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct want *nw = realloc(s->wants, cap * sizeof(*nw));
		if (!nw) {
			free(key);
			return &aot_enomem;
		}
		s->wants = nw;
		s->cap = cap;
	}
	struct want *w = &s->wants[s->nwants];
	*w = (struct want){ .key = key, .primary = primary };
	w->name = primary ? strdup(name) : key;
	if (!w->name) {
		free(key);
		return &aot_enomem;
	}
	s->nwants++;
	s->left++;
	canon_int_names(key, false);
	if (strstr(key, "::"))
		s->namespaces = true;
	return NULL;
}

static void free_wants(struct scan *s)
{
	for (size_t i = 0; i < s->nwants; i++) {
		if (s->wants[i].primary)
			free(s->wants[i].name);
		free(s->wants[i].key);
		aot_type_destroy(s->wants[i].t);
		free(s->wants[i].decls);
	}
	free(s->wants);
}

/* The name a wanted type would have: the declaration's qualified name. */
static struct aot_err *decl_key(struct aot_dwarf *d, Dwarf_Off off, char **ret)
{
	Dwarf_Die die;
	Dwarf_Half tag;
	struct aot_err *err = die_at(d, off, &die);
	if (err)
		return err;
	if (!(err = die_tag(d, die, &tag)))
		err = type_name(d, die, off, tag, ret);
	dwarf_dealloc_die(die);
	return err;
}

/*
 * Members of W's type whose class its CU only declares (an empty base such
 * as MetaspaceObj, a class with virtual functions) are sized from a
 * definition found elsewhere: from an answer already held, or by wanting it
 * too.  A name wanted from here on must be looked for in every CU, so the
 * circle restarts after the current CU.
 */
static struct aot_err *want_decls(struct scan *s, size_t wi)
{
	struct aot_dwarf *d = s->d;
	struct aot_err *err = NULL;
	bool added = false;
	for (size_t j = 0; j < s->wants[wi].t->nmembers && !err; j++) {
		struct want *w = &s->wants[wi];
		char *key;
		if (!w->decls[j] || (err = decl_key(d, w->decls[j], &key)))
			continue;
		// An anonymous class cannot be looked up by name.
		if (strstr(key, "{...}")) {
			free(key);
			continue;
		}
		const struct entry *e = find_entry(d, key);
		if (e && e->type) {
			w->t->members[j].size = e->type->size;
			w->decls[j] = 0;
		}
		bool known = e;
		for (size_t k = 0; k < s->nwants && !known; k++)
			known = !strcmp(s->wants[k].key, key);
		if (known)
			free(key);
		else if (!(err = add_want(s, NULL, key, false)))
			added = true;
	}
	if (added) {
		qsort(s->wants, s->nwants, sizeof(*s->wants), cmp_want);
		s->start = d->next_cu;
		s->wrapped = false;
	}
	return err;
}

/*
 * The definition of wanted W is at OFF: mark it found, with every other name
 * that canonicalises the same, and read the types asked for.
 */
static struct aot_err *found(struct scan *s, struct want *w, Dwarf_Off off)
{
	size_t lo = (size_t)(w - s->wants), hi = lo + 1;
	while (lo > 0 && !strcmp(s->wants[lo - 1].key, w->key))
		lo--;
	while (hi < s->nwants && !strcmp(s->wants[hi].key, w->key))
		hi++;
	for (size_t i = lo; i < hi; i++) {
		s->wants[i].found = true;
		s->wants[i].off = off;
		s->left--;
	}
	struct aot_err *err = NULL;
	// want_decls() may add and re-sort wants: look for the next primary afresh each time.
	while (!err) {
		size_t i = 0;
		while (i < s->nwants && !(s->wants[i].primary && s->wants[i].found &&
					  s->wants[i].off == off && !s->wants[i].t))
			i++;
		if (i == s->nwants)
			break;
		err = read_type(s->d, s->wants[i].name, off, &s->wants[i].t, &s->wants[i].decls);
		if (!err)
			err = want_decls(s, i);
	}
	return err;
}

static bool is_type_tag(Dwarf_Half tag)
{
	return tag == DW_TAG_class_type || tag == DW_TAG_structure_type ||
	       tag == DW_TAG_union_type || tag == DW_TAG_enumeration_type;
}

/*
 * Whether DIE (of TAG) is the complete definition of a type; sets *RET to
 * the DIE that holds the layout.  A declaration is not one; a typedef is when
 * it names a complete class ("typedef struct {…} Foo;").
 */
static struct aot_err *is_definition(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half tag,
				     bool *yes, Dwarf_Off *ret)
{
	bool decl = false, has;
	Dwarf_Off off;
	struct aot_err *err;
	*yes = false;
	if (is_type_tag(tag)) {
		if (!(err = die_has(d, die, DW_AT_declaration, &decl)))
			*yes = !decl, *ret = die_off(d, die);
		return err;
	}
	if ((err = die_type(d, die, &has, &off)) || !has)
		return err;
	for (int depth = 0; depth < MAX_TYPE_DEPTH; depth++) {
		Dwarf_Die t;
		if ((err = die_at(d, off, &t)))
			return err;
		has = false;
		if (!(err = die_tag(d, t, &tag))) {
			if (is_type_tag(tag)) {
				if (!(err = die_has(d, t, DW_AT_declaration, &decl)))
					*yes = !decl, *ret = off;
			} else if (tag == DW_TAG_typedef) {
				err = die_type(d, t, &has, &off);
			}
		}
		dwarf_dealloc_die(t);
		if (err || !has)
			return err;
	}
	return NULL;
}

/* If KEY is wanted and DIE (of TAG) defines it, mark it found. */
static struct aot_err *match(struct scan *s, Dwarf_Die die, Dwarf_Half tag, char *key)
{
	struct want *w = wanted(s, key);
	bool yes;
	Dwarf_Off off;
	struct aot_err *err;
	if (!w || w->found)
		return NULL;
	if ((err = is_definition(s->d, die, tag, &yes, &off)) || !yes)
		return err;
	return found(s, w, off);
}

/*
 * A class defined outside the class it is declared in ("struct
 * Outer::Nested {…}") has no name of its own, only a DW_AT_specification
 * pointing at its declaration: the qualified name comes from there.
 */
static struct aot_err *match_spec(struct scan *s, Dwarf_Die die, Dwarf_Half tag)
{
	struct aot_dwarf *d = s->d;
	bool has;
	Dwarf_Off soff;
	Dwarf_Die spec;
	char *key = NULL;
	struct aot_err *err = die_ref(d, die, DW_AT_specification, &has, &soff);
	if (err || !has)
		return err;
	if ((err = die_at(d, soff, &spec)))
		return err;
	err = type_name(d, spec, soff, tag, &key);
	dwarf_dealloc_die(spec);
	if (!err)
		err = match(s, die, tag, key);
	free(key);
	return err;
}

/* Whether an unfound wanted name starts with the first LEN bytes of s->qname ("ns::"). */
static bool in_wanted_scope(const struct scan *s, size_t len)
{
	for (size_t i = 0; i < s->nwants; i++)
		if (!s->wants[i].found && !strncmp(s->wants[i].key, s->qname, len))
			return true;
	return false;
}

/*
 * Look at DIE and its later siblings (freeing each) for wanted types, inside
 * the namespace or class whose "ns::" prefix is the first PLEN bytes of
 * s->qname.  Namespaces and classes are entered only when a wanted name is
 * in them: most of a CU's DIEs are below its top level.
 */
static struct aot_err *walk(struct scan *s, Dwarf_Die die, size_t plen, int depth)
{
	struct aot_dwarf *d = s->d;
	struct aot_err *err = NULL;
	while (die && s->left) {
		Dwarf_Half tag;
		const char *name;
		if ((err = die_tag(d, die, &tag)))
			break;
		if (tag == DW_TAG_namespace && s->namespaces && depth < MAX_SCOPE_DEPTH) {
			if ((err = die_name(d, die, &name)))
				break;
			if (!name)
				name = "(anonymous namespace)";
			size_t n = strlen(name), len = plen + n + 2;
			Dwarf_Die kid;
			if (len <= MAX_NAME) {
				memcpy(s->qname + plen, name, n);
				memcpy(s->qname + plen + n, "::", 3);
			}
			// Only namespaces some wanted name is in: std:: alone is large.
			if (len <= MAX_NAME && in_wanted_scope(s, len) &&
			    ((err = die_child(d, die, &kid)) || (err = walk(s, kid, len, depth + 1))))
				break;
		} else if (is_type_tag(tag) || tag == DW_TAG_typedef) {
			if ((err = die_name(d, die, &name)))
				break;
			size_t n = name ? strlen(name) : 0;
			bool nests = tag != DW_TAG_typedef && tag != DW_TAG_enumeration_type;
			Dwarf_Die kid;
			if (n && plen + n + 2 <= MAX_NAME) {
				memcpy(s->qname + plen, name, n + 1);
				if (memchr(name, '<', n)) {
					canon_int_names(s->qname + plen, false);
					n = strlen(s->qname + plen);
				}
				if ((err = match(s, die, tag, s->qname)))
					break;
				// A class some wanted name is nested in ("Outer::Inner"): look inside.
				memcpy(s->qname + plen + n, "::", 3);
				if (nests && s->namespaces && depth < MAX_SCOPE_DEPTH &&
				    in_wanted_scope(s, plen + n + 2) &&
				    ((err = die_child(d, die, &kid)) ||
				     (err = walk(s, kid, plen + n + 2, depth + 1))))
					break;
			} else if (!n && nests && s->namespaces && (err = match_spec(s, die, tag))) {
				break;
			}
		}
		Dwarf_Die next;
		err = die_next(d, die, &next);
		die = next;
		if (err)
			break;
	}
	if (die)
		dwarf_dealloc_die(die);
	s->qname[plen] = '\0';
	return err;
}

/* Walk the top level of the next CU; *END is set after the last one. */
static struct aot_err *scan_cu(struct scan *s, bool *end)
{
	struct aot_dwarf *d = s->d;
	Dwarf_Unsigned hlen, tyoff, next;
	Dwarf_Half ver, asize, lsize, esize, ut;
	Dwarf_Off aoff;
	Dwarf_Sig8 sig;
	Dwarf_Error e = NULL;
	*end = false;
	int r = dwarf_next_cu_header_d(d->dbg, true, &hlen, &ver, &aoff, &asize, &lsize, &esize,
				       &sig, &tyoff, &next, &ut, &e);
	if (r == DW_DLV_ERROR)
		return dw_err(d, e, d->next_cu, "CU header");
	if (r == DW_DLV_NO_ENTRY) {
		d->next_cu = 0;	// libdwarf starts over on the next call too
		*end = true;
		return NULL;
	}
	if (next <= d->next_cu)
		return aot_err_input(d->path, d->next_cu, ".debug_info",
				     "the next CU at 0x%llx does not follow this one",
				     (unsigned long long)next);
	d->next_cu = next;
	d->stats.cus_scanned++;
	Dwarf_Die cu = NULL, kid = NULL;
	Dwarf_Half tag;
	r = dwarf_siblingof_b(d->dbg, NULL, true, &cu, &e);
	if (r == DW_DLV_ERROR)
		return dw_err(d, e, d->next_cu, "CU DIE");
	if (r == DW_DLV_NO_ENTRY)
		return NULL;
	struct aot_err *err = die_tag(d, cu, &tag);
	if (!err && (tag == DW_TAG_compile_unit || tag == DW_TAG_partial_unit) &&
	    !(err = die_child(d, cu, &kid)))
		err = walk(s, kid, 0, 0);
	dwarf_dealloc_die(cu);
	return err;
}

/*
 * Go around the CUs from where the last scan stopped until every wanted type
 * is found.  *COMPLETE says every CU was read since the last name was added:
 * only then does a type not found not exist.
 */
static struct aot_err *scan(struct scan *s, bool *complete)
{
	struct aot_dwarf *d = s->d;
	bool end;
	s->start = d->next_cu;
	s->wrapped = false;
	*complete = false;
	while (s->left) {
		if (s->wrapped && d->next_cu >= s->start) {
			*complete = true;
			break;
		}
		struct aot_err *err = scan_cu(s, &end);
		if (err)
			return err;
		if (end && s->wrapped) {	// no CU at all, or START was the end
			*complete = true;
			break;
		}
		s->wrapped = s->wrapped || end;
	}
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Lookups */

/*
 * Size what want_decls() could not, and keep the answers: the types asked
 * for, found or (after a complete pass) not, and those found to size members.
 */
static struct aot_err *keep(struct scan *s, bool complete)
{
	struct aot_dwarf *d = s->d;
	struct aot_err *err = NULL;
	for (size_t i = 0; i < s->nwants && !err; i++) {
		struct want *w = &s->wants[i];
		if (!w->primary) {
			// Found to size a member: worth keeping too, so no later lookup looks again.
			if (w->found && !find_entry(d, w->name) &&
			    !(err = read_type(d, w->name, w->off, &w->t, &w->decls))) {
				size_from_gaps(w->t, w->decls);
				err = add_entry(d, w->name, w->t);
				w->t = NULL;
			}
			continue;
		}
		for (size_t j = 0; w->t && j < w->t->nmembers && !err; j++) {
			char *key;
			struct want *def;
			Dwarf_Die die;
			bool has, neg;
			uint64_t size;
			if (!w->decls[j] || (err = decl_key(d, w->decls[j], &key)))
				continue;
			if ((def = wanted(s, key)) && def->found && !(err = die_at(d, def->off, &die))) {
				err = die_const(d, die, DW_AT_byte_size, &has, &neg, &size);
				dwarf_dealloc_die(die);
				if (!err && has && !neg) {
					w->t->members[j].size = size;
					w->decls[j] = 0;
				}
			}
			free(key);
		}
		if (err)
			break;
		if (w->t)
			size_from_gaps(w->t, w->decls);
		if (w->t || complete)
			err = add_entry(d, w->name, w->t);
		w->t = NULL;	// add_entry() took it
	}
	return err;
}

/* Scan the DWARF for the N NAMES and remember every answer. */
static struct aot_err *lookup(struct aot_dwarf *d, const char *const *names, size_t n)
{
	struct scan s = { .d = d };
	bool complete = false;
	struct aot_err *err = NULL;
	for (size_t i = 0; i < n && !err; i++) {
		// A name too long to match any DIE gets a key that matches none.
		char *key = strdup(strlen(names[i]) > MAX_NAME ? "" : names[i]);
		err = key ? add_want(&s, names[i], key, true) : &aot_enomem;
	}
	if (!err) {
		qsort(s.wants, s.nwants, sizeof(*s.wants), cmp_want);
		err = dw_open(d);
	}
	if (!err)
		err = scan(&s, &complete);
	if (!err)
		err = keep(&s, complete);
	free_wants(&s);
	if (err && err != &aot_enomem)
		dw_close(d);	// where libdwarf stands after a failure is unknown: start over
	return err;
}

struct aot_err *aot_dwarf_types(struct aot_dwarf *d, const char *const *names, size_t n,
				const struct aot_type **ret)
{
	double t0 = now();
	d->stats = (struct aot_dwarf_stats){ .from_cache = true };
	if (!d->cache_loaded && d->cache_path)
		cache_load(d);
	d->cache_loaded = true;

	// The names not answered yet, each once.
	const char **todo = calloc(n ? n : 1, sizeof(*todo));
	if (!todo)
		return &aot_enomem;
	size_t ntodo = 0;
	for (size_t i = 0; i < n; i++) {
		if (!names[i]) {
			free(todo);
			return aot_errf(AOT_ERR_USAGE, "aot_dwarf_types: name %zu is NULL", i);
		}
		bool dup = false;
		for (size_t j = 0; j < ntodo && !dup; j++)
			dup = !strcmp(todo[j], names[i]);
		if (!dup && !find_entry(d, names[i]))
			todo[ntodo++] = names[i];
	}
	struct aot_err *err = NULL;
	if (ntodo) {
		d->stats.from_cache = false;
		size_t before = d->nentries;
		err = lookup(d, todo, ntodo);
		if (!err && d->nentries > before && d->cache_path)
			d->stats.cache_saved = cache_save(d);
	}
	free(todo);
	for (size_t i = 0; i < n && !err; i++) {
		const struct entry *e = find_entry(d, names[i]);
		ret[i] = e ? e->type : NULL;
	}
	d->stats.seconds = now() - t0;
	return err;
}
