#include "mappings.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct aot_err *aot_mappings_create(struct aot_mappings **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? NULL : &aot_enomem;
}

void aot_mappings_destroy(struct aot_mappings *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	free(m);
}

struct aot_err *aot_mappings_add(struct aot_mappings *m, uint64_t start, uint64_t end,
				 uint64_t offset, const char *path)
{
	if (end <= start)
		return aot_errf(AOT_ERR_FORMAT, "mapping [0x%" PRIx64 ", 0x%" PRIx64 ") is empty or wraps",
				start, end);
	if (m->n == AOT_MAPPINGS_MAX)
		return aot_errf(AOT_ERR_FORMAT, "more than %d mappings", AOT_MAPPINGS_MAX);
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct aot_mapping *v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			return &aot_enomem;
		m->v = v;
		m->cap = cap;
	}
	char *p = NULL;
	if (path && !(p = strdup(path)))
		return &aot_enomem;
	m->v[m->n++] = (struct aot_mapping){ start, end, offset, p };
	return NULL;
}

static int by_start(const void *a, const void *b)
{
	const struct aot_mapping *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

void aot_mappings_sort(struct aot_mappings *m)
{
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), by_start);
}

/* One line "start-end perms offset dev inode [path]"; false if it does not parse. */
static bool parse_line(char *line, uint64_t *start, uint64_t *end, uint64_t *off, char **path)
{
	int pathpos = 0;
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s%n", start, end, off,
		   &pathpos) < 3 || pathpos == 0)
		return false;
	char *p = line + pathpos;
	p += strspn(p, " \t");
	*path = *p ? p : NULL;
	return true;
}

struct aot_err *aot_mappings_parse(const char *text, size_t len, const char *what,
				   struct aot_mappings **ret)
{
	struct aot_mappings *m;
	struct aot_err *err = aot_mappings_create(&m);
	if (err)
		return err;
	char *buf = malloc(len + 1);
	if (!buf) {
		aot_mappings_destroy(m);
		return &aot_enomem;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	unsigned lineno = 0;
	for (char *line = buf, *next; line && *line && !err; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		line[strcspn(line, "\r")] = '\0';
		uint64_t start, end, off;
		char *path;
		if (!parse_line(line, &start, &end, &off, &path))
			err = aot_errf(AOT_ERR_FORMAT, "%s: line %u: not a mapping line: \"%.80s\"", what,
				       lineno, line);
		else
			err = aot_mappings_add(m, start, end, off, path);
	}
	free(buf);
	if (err) {
		aot_mappings_destroy(m);
		return err;
	}
	aot_mappings_sort(m);
	*ret = m;
	return NULL;
}

struct aot_err *aot_mappings_read_proc(int pid, struct aot_mappings **ret)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return aot_err_os(errno, "process %d: cannot read %s (is it running?)", pid, path);
	char *text = NULL;
	size_t cap = 0, len = 0;
	struct aot_err *err = NULL;
	for (;;) {
		if (cap - len < 65536) {
			size_t ncap = cap ? cap * 2 : 1 << 20;
			char *t = ncap > (256u << 20) ? NULL : realloc(text, ncap);
			if (!t) {
				err = ncap > (256u << 20) ? aot_errf(AOT_ERR_FORMAT, "%s: larger than 256 MB", path)
							  : &aot_enomem;
				break;
			}
			text = t;
			cap = ncap;
		}
		size_t n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f))
				err = aot_err_os(errno, "process %d: cannot read %s", pid, path);
			break;
		}
	}
	fclose(f);
	if (!err)
		err = aot_mappings_parse(text ? text : "", len, path, ret);
	free(text);
	return err;
}

const struct aot_mapping *aot_mappings_find(const struct aot_mappings *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->v[lo].start <= addr && addr < m->v[lo].end ? &m->v[lo] : NULL;
}

const struct aot_mapping *aot_mappings_module(const struct aot_mappings *m, const char *name)
{
	size_t nlen = strlen(name);
	for (size_t i = 0; i < m->n; i++) {
		const char *p = m->v[i].path;
		size_t plen = p ? strlen(p) : 0;
		if (m->v[i].offset == 0 && plen > nlen && p[plen - nlen - 1] == '/' &&
		    strcmp(p + plen - nlen, name) == 0)
			return &m->v[i];
	}
	return NULL;
}
