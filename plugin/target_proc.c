#include "target_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* x86-64 user space ends below 2^47 (2^56 with 5-level paging). */
#define USER_SPACE_END (1ULL << 56)

struct aot_proc {
	pid_t pid;
	int mem_fd;
};

struct aot_err *aot_proc_open(pid_t pid, struct aot_proc **ret)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return aot_err_os(errno, "process %d: cannot open %s (is it running, and may we ptrace it?)",
				  (int)pid, path);
	struct aot_proc *p = calloc(1, sizeof(*p));
	if (!p) {
		close(fd);
		return &aot_enomem;
	}
	p->pid = pid;
	p->mem_fd = fd;
	*ret = p;
	return NULL;
}

void aot_proc_destroy(struct aot_proc *p)
{
	if (!p)
		return;
	close(p->mem_fd);
	free(p);
}

pid_t aot_proc_pid(const struct aot_proc *p)
{
	return p->pid;
}

long aot_proc_read(struct aot_proc *p, uint64_t addr, void *dst, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(p->mem_fd, (char *)dst + got, len - got, (off_t)(addr + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got == 0 && len ? -1 : (long)got;
}

static struct aot_err *read_mem(void *dst, uint64_t addr, size_t len, uint64_t seg_off, void *arg)
{
	struct aot_proc *p = arg;
	(void)seg_off;
	long got = aot_proc_read(p, addr, dst, len);
	if (got < (long)len) {
		uint64_t at = addr + (uint64_t)(got < 0 ? 0 : got);
		return aot_err_fault(at, "process %d: address 0x%" PRIx64 " is not mapped", (int)p->pid, at);
	}
	return NULL;
}

struct aot_err *aot_proc_add_to(struct aot_proc *p, struct aot_target *t)
{
	// Page 0 is never mapped; starting at 4096 keeps NULL a fault without a syscall.
	return aot_target_add_segment(t, 4096, USER_SPACE_END - 4096, read_mem, p, "process", NULL);
}

struct aot_err *aot_proc_find_module(struct aot_proc *p, const char *name, char **path,
				     uint64_t *bias)
{
	char maps[64];
	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)p->pid);
	FILE *f = fopen(maps, "re");
	if (!f)
		return aot_err_os(errno, "process %d: cannot read %s", (int)p->pid, maps);
	char line[4096];
	size_t nlen = strlen(name);
	struct aot_err *err = NULL;
	bool found = false;
	while (!found && fgets(line, sizeof(line), f)) {
		uint64_t start, end, off;
		int pathpos = 0;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %n", &start, &end, &off,
			   &pathpos) < 3 || pathpos == 0)
			continue;
		char *file = line + pathpos;
		file[strcspn(file, "\n")] = '\0';
		size_t flen = strlen(file);
		if (off != 0 || flen <= nlen || file[flen - nlen - 1] != '/' ||
		    strcmp(file + flen - nlen, name) != 0)
			continue;
		// The first mapping, at file offset 0, holds the ELF header at link address 0.
		*path = strdup(file);
		*bias = start;
		found = true;
		if (!*path)
			err = &aot_enomem;
	}
	fclose(f);
	if (!err && !found)
		err = aot_errf(AOT_ERR_NOT_FOUND, "process %d has no %s mapped: is it a JVM?", (int)p->pid,
			       name);
	return err;
}
