/*
 * The lines every section of the JVM's map log shares: its section line and
 * its hex dump lines (os::print_hex_dump), for aot-map's metadata and heap.
 */
#ifndef AOTDBG_HEXDUMP_H
#define AOTDBG_HEXDUMP_H

#include "meta.h"
#include "out.h"

/*
 * Lines "0x…:   word word … [  ascii]" for [FROM, TO): UNIT-byte words (8,
 * or 4 for narrow-oop heaps), 32 bytes a line, the ASCII column when ASCII
 * (JDK 21 and later print it).  Bytes from ZERO_FROM on are shown as 0:
 * the end of a region past what the file holds.  Text mode only.
 */
/* "[rw region          0x… - 0x…   N bytes]", as AOTMapLogger::log_region_range prints it. */
void aot_map_section_line(struct aot_out *o, const char *name, uint64_t base, uint64_t end);

struct aot_err *aot_hexdump(struct aot_meta *m, struct aot_out *o, uint64_t from, uint64_t to, uint64_t zero_from,
			    unsigned unit, bool ascii);

#endif
