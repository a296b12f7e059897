/* What attaching found (attach.c): per archive, where each region is mapped and whose bytes serve it. */
#ifndef AOTDBG_LIVE_H
#define AOTDBG_LIVE_H

struct aot_live;

void aot_live_destroy(struct aot_live *l);	/* NULL-safe */
void aot_live_flush(struct aot_live *l);	/* NULL-safe */

#endif
