/* aot-print-symbol: an archived Symbol's text and header. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_meta_util.h"
#include "commands.h"
#include "symbol.h"

/* Archived symbols are permanent: the dump sets their refcount to PERM_REFCOUNT. */
#define PERM_REFCOUNT 0xffff

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	if (argc != 2 || argv[1][0] == '-')
		return aot_errf(AOT_ERR_USAGE, "usage: aot-print-symbol ADDR");
	struct aot_meta *m;
	uint64_t addr, hr;
	struct aot_err *err = aot_parse_u64(argv[1], "symbol address", &addr);
	if (!err)
		err = aot_session_meta(s, &m);
	if (err)
		return err;
	enum aot_mtype t = aot_meta_vtype(m, addr);
	if (t != AOT_MT_UNKNOWN)
		return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a Symbol (it is %s %s)", addr,
				aot_mtype_article(t), aot_mtype_cxx_name(t));
	if (!aot_meta_in_archive(m, addr))
		return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a Symbol: it is not inside an "
				"archive's metadata", addr);
	err = aot_meta_get(m, addr, AOT_LF_SYMBOL_HASH_AND_REFCOUNT, &hr);
	if (err)
		return err;
	if ((hr & 0xffff) != PERM_REFCOUNT)
		return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a Symbol: its refcount would be "
				"%" PRIu64 ", archived symbols all have the permanent 0x%x", addr, hr & 0xffff,
				PERM_REFCOUNT);
	char *text;
	size_t len;
	err = aot_symbol_read(m, addr, &text, &len);
	if (err)
		return err;
	aot_out_begin(o, "symbol", NULL);
	aot_out_hex(o, "address", addr, 16);
	aot_out_str(o, "text", text);
	aot_out_u64(o, "length", len);
	aot_out_u64(o, "size", aot_symbol_size(m, len));
	aot_out_hex(o, "hash", hr >> 16, 4);
	aot_out_hex(o, "refcount", hr & 0xffff, 4);
	aot_out_end(o);
	free(text);
	return NULL;
}

const struct aot_cmd aot_cmd_print_symbol = {
	.name = "aot-print-symbol",
	.usage = "aot-print-symbol ADDR [--json]",
	.summary = "an archived Symbol: its text, length, size, hash",
	.help = "Shows the Symbol at ADDR: its text (escaped where not printable), length in\n"
		"bytes, the size the JVM allocated for it (as the map prints), its hash and its\n"
		"refcount.  ADDR must be the start of an archived Symbol: every archived symbol\n"
		"has the permanent refcount 0xffff, and anything else is refused.\n",
	.example = "aot-print-symbol 0x8003a9730",
	.addr_args = true,
	.run = run,
};
