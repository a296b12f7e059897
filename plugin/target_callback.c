#include "target_callback.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SHIFT 16
#define BLOCK_SIZE (1u << BLOCK_SHIFT)
/*
 * 32 MB, direct-mapped by address: a cache's regions are contiguous, so
 * consecutive blocks never evict each other, and a lookup on the hot path
 * is one index, not a search.  Block buffers are allocated on first use.
 */
#define NBLOCKS 512
#define USER_SPACE_END (1ULL << 56)

struct block {
	uint64_t addr;		/* block-aligned; UINT64_MAX when empty */
	uint32_t valid;		/* bytes from ADDR the debugger could read */
	uint8_t *data;
};

struct aot_callback_mem {
	aot_callback_read_fn *read;
	void *arg;
	const char *origin;
	struct block blocks[NBLOCKS];
};

struct aot_err *aot_callback_mem_create(aot_callback_read_fn *read, void *arg, const char *origin,
					struct aot_callback_mem **ret)
{
	struct aot_callback_mem *c = calloc(1, sizeof(*c));
	if (!c)
		return &aot_enomem;
	c->read = read;
	c->arg = arg;
	c->origin = origin;
	aot_callback_mem_flush(c);
	*ret = c;
	return NULL;
}

void aot_callback_mem_destroy(struct aot_callback_mem *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < NBLOCKS; i++)
		free(c->blocks[i].data);
	free(c);
}

void aot_callback_mem_flush(struct aot_callback_mem *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < NBLOCKS; i++)
		c->blocks[i].addr = UINT64_MAX;
}

/* Call the debugger for exactly [ADDR, ADDR+LEN); bytes read, never more than LEN. */
static size_t call(struct aot_callback_mem *c, uint64_t addr, void *dst, size_t len)
{
	long n = c->read(c->arg, addr, dst, len);
	return n < 0 ? 0 : (size_t)n > len ? len : (size_t)n;
}

static struct block *get_block(struct aot_callback_mem *c, uint64_t baddr)
{
	struct block *b = &c->blocks[(baddr >> BLOCK_SHIFT) % NBLOCKS];
	if (b->addr == baddr)
		return b;
	if (!b->data && !(b->data = malloc(BLOCK_SIZE)))
		return NULL;
	b->addr = baddr;
	b->valid = (uint32_t)call(c, baddr, b->data, BLOCK_SIZE);
	return b;
}

static struct aot_err *read_cb(void *dst, uint64_t addr, size_t len, uint64_t seg_off, void *arg)
{
	struct aot_callback_mem *c = arg;
	(void)seg_off;
	uint8_t *out = dst;
	while (len) {
		uint64_t baddr = addr & ~(uint64_t)(BLOCK_SIZE - 1);
		size_t off = (size_t)(addr - baddr), n = BLOCK_SIZE - off < len ? BLOCK_SIZE - off : len;
		struct block *b = get_block(c, baddr);
		if (!b)
			return &aot_enomem;
		if (off + n <= b->valid) {
			memcpy(out, b->data + off, n);
		} else {
			// The block ends at an unreadable page: the bytes asked for may still be readable.
			size_t got = call(c, addr, out, n);
			if (got < n)
				return aot_err_fault(addr + got, "%s: address 0x%" PRIx64 " cannot be read",
						     c->origin, addr + got);
		}
		out += n;
		addr += n;
		len -= n;
	}
	return NULL;
}

struct aot_err *aot_callback_mem_add_to(struct aot_callback_mem *c, struct aot_target *t)
{
	// Page 0 is never mapped; starting at 4096 keeps NULL a fault without a call.
	return aot_target_add_segment(t, 4096, USER_SPACE_END - 4096, read_cb, c, c->origin, NULL);
}
