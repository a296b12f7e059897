/*
 * aot-verify-layout: every layout value aotdbg relies on, as each source
 * gives it (gHotSpotVM tables, DWARF, built-in tables), which one is used,
 * and whether they agree.  Exit status 1 on a disagreement, or on a field
 * the JDK should have that no source provides.
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "layout.h"
#include "layout_hdr.h"

static const struct aot_col cols[] = {
	{ "group", "group", 14, AOT_LEFT },
	{ "field", "field", 52, AOT_LEFT },
	{ "tables", "tables", 7, AOT_RIGHT },
	{ "dwarf", "dwarf", 7, AOT_RIGHT },
	{ "builtin", "built-in", 8, AOT_RIGHT },
	{ "used", "used", 8, AOT_LEFT },
	{ "result", "result", 0, AOT_LEFT },
};

struct tally {
	unsigned rows, agree, one, disagree, missing, absent;
};

static void cell(struct aot_out *o, const char *key, const struct aot_lrow *r, enum aot_lsrc s)
{
	if (!r->has[s])
		aot_out_str(o, key, aot_out_is_json(o) ? NULL : "-");
	else if (r->kind == AOT_LK_STATIC)
		aot_out_hex(o, key, r->val[s], 0);
	else
		aot_out_u64(o, key, r->val[s]);
}

static void print_row(struct aot_out *o, const struct aot_lrow *r, struct tally *t, bool problems)
{
	t->rows++;
	switch (r->result) {
	case AOT_LR_AGREE: t->agree++; break;
	case AOT_LR_ONE: t->one++; break;
	case AOT_LR_DISAGREE: t->disagree++; break;
	case AOT_LR_MISSING: t->missing++; break;
	default: t->absent++; break;
	}
	if (problems && r->result != AOT_LR_DISAGREE && r->result != AOT_LR_MISSING)
		return;
	aot_out_row_begin(o);
	aot_out_str(o, "group", r->group);
	aot_out_str(o, "field", r->name);
	cell(o, "tables", r, AOT_SRC_TABLES);
	cell(o, "dwarf", r, AOT_SRC_DWARF);
	cell(o, "builtin", r, AOT_SRC_BUILTIN);
	aot_out_str(o, "used", r->used >= 0 ? aot_lsrc_name((enum aot_lsrc)r->used) : "-");
	aot_out_str(o, "result", aot_lresult_name((enum aot_lresult)r->result));
	if (r->has[AOT_SRC_TABLES] && r->detail[AOT_SRC_TABLES])
		aot_out_str(o, "tables_set_by", r->detail[AOT_SRC_TABLES]);
	if (r->size)
		aot_out_u64(o, "size", r->size);
	aot_out_bool(o, "expected", r->expected);
	aot_out_row_end(o);
}

static void describe_sources(struct aot_out *o, struct aot_jvm *j, const struct aot_layout *l,
			     struct aot_dwarf *dw, const struct aot_hdr_layout *hl)
{
	aot_out_str(o, "jvm", j->path);
	aot_out_str(o, "found_by", j->found_by);
	aot_out_str(o, "version", j->ident);
	if (!j->vm)
		aot_out_strf(o, "tables", "none: %s", j->vm_err && j->vm_err->msg ? j->vm_err->msg : "?");
	else if (j->proc)
		aot_out_strf(o, "tables", "live, from process %d", (int)aot_proc_pid(j->proc));
	else
		aot_out_strf(o, "tables", "from the file (%u static initializers replayed, %u cut short)",
			     aot_elf_image_ctor_stats(j->image)->functions,
			     aot_elf_image_ctor_stats(j->image)->functions_cut);
	if (dw) {
		struct aot_dwarf_stats st;
		aot_dwarf_last_stats(dw, &st);
		aot_out_str(o, "dwarf", aot_dwarf_path(dw));
		aot_out_str(o, "dwarf_cache", aot_dwarf_cache_path(dw));
	} else {
		aot_out_strf(o, "dwarf", "none: %s",
			     l->dwarf_err && l->dwarf_err->msg ? l->dwarf_err->msg : "not needed");
	}
	aot_out_strf(o, "builtin", "header layout %s (%s)", hl ? hl->name : "none",
		     hl ? hl->confirmed : "no built-in header layout for this JDK");
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	bool problems = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--problems"))
			problems = true;
		else
			return aot_errf(AOT_ERR_USAGE, "usage: %s", aot_cmd_find("verify-layout")->usage);
	}
	struct aot_jvm *j;
	struct aot_err *err = aot_session_jvm(s, &j);
	if (err)
		return err;
	struct aot_layout *l;
	if ((err = aot_layout_build(j, true, &l)))
		return err;
	struct aot_dwarf *dw = l->dwarf_used ? j->dwarf : NULL;
	const struct aot_hdr_layout *hl = s->narchives && s->archives[0]->layout
						  ? s->archives[0]->layout
						  : aot_hdr_layout_for_feature(l->feature);
	struct aot_lrow *hrows = NULL;
	size_t nh = 0;
	err = aot_layout_hdr_rows(hl, j->vm, dw, &hrows, &nh);
	if (dw)
		aot_dwarf_release(dw);
	if (err) {
		aot_layout_destroy(l);
		return err;
	}
	describe_sources(o, j, l, dw, hl);
	struct tally t = { 0 };
	aot_out_begin_table(o, "fields", cols, sizeof(cols) / sizeof(*cols));
	for (size_t i = 0; i < AOT_LF_COUNT; i++)
		print_row(o, &l->rows[i], &t, problems);
	for (size_t i = 0; i < nh; i++)
		print_row(o, &hrows[i], &t, problems);
	aot_out_end_table(o);
	aot_out_begin(o, "summary", NULL);
	aot_out_u64(o, "checked", t.rows);
	aot_out_u64(o, "agree", t.agree);
	aot_out_u64(o, "one_source", t.one);
	aot_out_u64(o, "disagree", t.disagree);
	aot_out_u64(o, "missing", t.missing);
	aot_out_u64(o, "not_in_this_jdk", t.absent);
	aot_out_end(o);
	free(hrows);
	aot_layout_destroy(l);
	if (t.disagree || t.missing)
		return aot_errf(AOT_ERR_CHECK, "layout check failed: %u disagreements, %u fields no source provides",
				t.disagree, t.missing);
	return NULL;
}

const struct aot_cmd aot_cmd_verify_layout = {
	.name = "aot-verify-layout",
	.usage = "aot-verify-layout [--problems]",
	.summary = "prove the layouts in use: tables, DWARF and built-in values side by side",
	.help = "For every field and size the decoders use (plugin/layout_fields.def), and\n"
		"for the built-in archive header and gHotSpotVM entry layouts, shows the value\n"
		"from each source that has it: the gHotSpotVM tables (read from libjvm.so with\n"
		"its static initializers replayed, or from a live JVM with --pid), DWARF\n"
		"(libjvm's debug info), and aotdbg's built-in tables; which one is used, and\n"
		"whether they agree.  --problems shows only disagreements and missing fields.\n"
		"Exit status 1 if any two sources disagree or a field this JDK has is\n"
		"provided by no source.",
	.example = "aot-verify-layout --problems",
	.run = run,
};
