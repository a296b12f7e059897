/*
 * The header and region table: aot_archive_open_file over the fuzzer's
 * bytes as a whole file, then every header field by role and the commands
 * that need nothing but the file (aot-header, aot-regions, aot-validate).
 */
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aot_archive *ar = fz_open(data, size);
	if (!ar)
		return 0;
	uint64_t v, lo, hi;
	// Every role, whether or not this version has it: absent ones must say so.
	for (int role = AOT_R_NONE; role <= AOT_R_REGION_IN_RESERVED_SPACE; role++) {
		aot_archive_value(ar, (enum aot_role)role, &v);
		aot_archive_hdr_addr(ar, (enum aot_role)role, &v);
	}
	fz_check_err(aot_archive_require_layout(ar), FZ_NAME);
	fz_check_err(aot_archive_require_base(ar), FZ_NAME);
	if (ar->layout)
		(void)aot_archive_header_crc(ar);
	static const char *const names[] = { "rw", "ro", "bm", "hp", "ac", "ca0", "oa0", "mc", "od" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)aot_archive_region(ar, names[i]);
	if (aot_archive_heap_range(ar, &lo, &hi))
		(void)aot_archive_decode_narrow_oop(ar, 0xffffffffu);
	(void)aot_archive_kind_name(ar->kind);
	struct aot_session *s = fz_session(ar);
	if (!s)
		return 0;
	fz_run(s, "aot-header");
	fz_run(s, "aot-header --json");
	fz_run(s, "aot-regions");
	fz_run(s, "aot-regions --json");
	fz_run(s, "aot-validate");
	aot_session_destroy(s);
	return 0;
}
