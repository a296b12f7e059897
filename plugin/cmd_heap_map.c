/* aot-map-heap: the heap part of the JVM's map log, from the archive. */
#include <string.h>

#include "commands.h"
#include "heap.h"

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	unsigned flags = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--hex"))
			flags |= AOT_HEAP_MAP_HEX;
		else if (!strcmp(argv[i], "--fields"))
			flags |= AOT_HEAP_MAP_FIELDS;
		else if (!strcmp(argv[i], "--all"))
			flags |= AOT_HEAP_MAP_ALL;
		else
			return aot_errf(AOT_ERR_USAGE, "usage: aot-map-heap [--hex] [--fields] [--all]");
	}
	struct aot_meta *m;
	struct aot_err *err = aot_session_meta(s, &m);
	if (err)
		return err;
	const struct aot_archive *ar = s->archives[0];
	if (ar->kind == AOT_KIND_DYNAMIC && ar->base)
		aot_out_text(o, "(%s is a dynamic archive: it has no heap; its base archive %s has)", ar->path,
			     ar->base->path);
	return aot_heap_map_out(m, ar, o, flags);
}

const struct aot_cmd aot_cmd_map_heap = {
	.name = "aot-map-heap",
	.usage = "aot-map-heap [--hex] [--fields] [--all] [--json]",
	.summary = "the archived heap objects, line for line as the JVM's map log prints them",
	.help = "Prints the heap section of the archive's map as the JVM that made it prints\n"
		"it (-Xlog:cds+map / aot+map): the section line, then one line per heap object\n"
		"in address order with its address, narrow oop (25+), class, array length and a\n"
		"String's text or a Class mirror's signature.  JDK 17's map lists no heap\n"
		"objects: aotdbg prints them in JDK 21's form.\n"
		"  --hex     add the JVM's hex dump lines of each object (its trace level)\n"
		"  --fields  25+: add the JVM's aot+map+oops lines: each object's fields with\n"
		"            their values, array elements, the roots\n"
		"  --all     JDK 21: go on past the first filler array, where the JVM's own map\n"
		"            stops with \"Unused heap space\"\n"
		"With --json: a list of objects {address, narrow, klass, class, size, length,\n"
		"kind, region}.  A corrupt object stops the listing with an error naming its\n"
		"address and the field (exit status 2).\n",
	.example = "aot-map-heap --hex",
	.run = run,
};
