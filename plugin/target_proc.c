#include "target_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "file.h"

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
	uint64_t got = aot_pread_all(p->mem_fd, dst, len, addr);
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
