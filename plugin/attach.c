#include "attach.h"

#include "live.h"
#include "session.h"

struct aot_err *aot_session_attach(struct aot_session *s, const struct aot_attach_src *src)
{
	(void)s;
	(void)src;
	return aot_errf(AOT_ERR_UNSUPPORTED, "attaching is not implemented yet");
}

void aot_live_destroy(struct aot_live *l)
{
	(void)l;
}

void aot_live_flush(struct aot_live *l)
{
	(void)l;
}
