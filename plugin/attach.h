/*
 * Attaching: the archives a running JVM (or a core of one) has mapped,
 * found through libjvm's own globals, and the address space they are read
 * in.  Where bytes come from is the target layer (process, core, debugger,
 * and the archive file for what a core lacks); this module only decides
 * which source serves which region.
 */
#ifndef AOTDBG_ATTACH_H
#define AOTDBG_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct aot_session;

/* frontend.h's read callback: bytes copied (fewer at an unreadable page), or -1. */
typedef long aot_attach_read_fn(void *arg, uint64_t addr, void *dst, size_t len);

struct aot_attach_src {
	int pid;			/* live process (0: none) */
	const char *core;		/* ELF core file (NULL: none) */
	aot_attach_read_fn *read;	/* the debugger's reads, instead of /proc/PID/mem or the core */
	void *read_arg;
	const char *maps;		/* /proc/PID/maps-format text, instead of /proc/PID/maps or NT_FILE */
};

/*
 * Find the archives the JVM has mapped (libjvm's FileMapInfo globals, read
 * through the gHotSpotVM tables), open each one's file (the path it was
 * mapped from, or the session's --archive), check that file is the one
 * mapped (header CRC, region CRCs, jvm_ident), and make the session read
 * the regions from SRC.  Regions a core lacks are read from the file,
 * relocated as the JVM relocated them.  The session must have no archive yet.
 */
struct aot_err *aot_session_attach(struct aot_session *s, const struct aot_attach_src *src);

#endif
