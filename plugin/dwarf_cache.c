/*
 * The disk cache of aot_dwarf_types() answers, one file per libjvm build id
 * (DIR/dwarf/<build id>.types), so that later runs never open the DWARF:
 * where it lives, writing it whole, and reading it back without trusting it.
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
#include "dwarf_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

/* Limits on an untrusted file, beside those in dwarf_internal.h. */
#define MAX_ENTRIES 100000	/* types in one cache file */
#define MAX_CACHE_BYTES (64u << 20)

#define CACHE_MAGIC "aotdbg-dwarf-types"
/* Bump when what is stored changes meaning (or spelling), so old files are rescanned. */
#define CACHE_VERSION 1

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

/* D's cache file, DIR/dwarf/<build id>.types: none without a build id or with cache_dir "". */
struct aot_err *aot_dw_set_cache_path(struct aot_dwarf *d, const struct aot_dwarf_opts *opts)
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
bool aot_dw_cache_save(struct aot_dwarf *d)
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

/* The next line of [*pos, end), NUL-terminated in place; NULL at the end or if unterminated. */
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
		if (!*name || aot_dw_find_entry(d, name)) {
			aot_type_destroy(t);
			return false;
		}
		if (aot_dw_add_entry(d, name, t))
			return false;
		records++;
	}
	return pos == end && records == count;
}

/* Load the disk cache if there is a valid one; any problem just means a rescan. */
void aot_dw_cache_load(struct aot_dwarf *d)
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
		aot_dw_drop_entries(d);
	aot_file_destroy(file);
}
