/* Objects the serialized data names that no class reaches. */
#include "objwalk_internal.h"

void aot_walk_roots(struct aot_walk *w)
{
	aot_walk_aot_roots(w);
}
