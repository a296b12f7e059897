#include "session.h"

#include <stdlib.h>

#include "live.h"
#include "meta.h"
#include "target_file.h"

struct aot_err *aot_session_create(const struct aot_session_opts *opts, struct aot_session **ret)
{
	struct aot_session *s = calloc(1, sizeof(*s));
	if (!s)
		return &aot_enomem;
	if (opts)
		s->opts = *opts;
	*ret = s;
	return NULL;
}

void aot_session_destroy(struct aot_session *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->narchives; i++) {
		aot_file_mapping_destroy(s->mappings[i]);
		aot_archive_destroy(s->archives[i]);
	}
	aot_meta_destroy(s->meta);
	aot_target_destroy(s->target);
	aot_layout_destroy(s->layout);
	aot_jvm_destroy(s->jvm);
	aot_err_free(s->jvm_err);
	aot_live_destroy(s->live);
	for (size_t i = 0; i < s->nkept; i++)
		free(s->kept[i]);
	free(s->kept);
	free(s);
}

bool aot_session_keep(struct aot_session *s, char *p)
{
	char **k = realloc(s->kept, (s->nkept + 1) * sizeof(*k));
	if (!k)
		return false;
	k[s->nkept++] = p;
	s->kept = k;
	return true;
}

void aot_session_flush(struct aot_session *s)
{
	aot_live_flush(s->live);
}

struct aot_err *aot_session_open(struct aot_session *s, const char *path)
{
	if (s->narchives == AOT_SESSION_MAX_ARCHIVES)
		return aot_errf(AOT_ERR_USAGE, "%s: at most %d archives can be open at once", path,
				AOT_SESSION_MAX_ARCHIVES);
	struct aot_archive *ar;
	struct aot_err *err = aot_archive_open(path, &s->opts.open, &ar);
	if (err)
		return err;
	s->archives[s->narchives++] = ar;
	return NULL;
}

const struct aot_err *aot_session_damage(const struct aot_session *s)
{
	for (unsigned i = 0; i < s->narchives; i++)
		for (const struct aot_archive *ar = s->archives[i]; ar; ar = ar->base)
			if (ar->damage)
				return ar->damage;
	return NULL;
}

struct aot_err *aot_session_require_complete(const struct aot_session *s)
{
	struct aot_err *err = NULL;
	for (unsigned i = 0; i < s->narchives && !err; i++) {
		err = aot_archive_require_layout(s->archives[i]);
		if (!err)
			err = aot_archive_require_base(s->archives[i]);
	}
	return err;
}

uint64_t aot_session_mapped_base(const struct aot_session *s, const struct aot_archive *ar)
{
	return s->opts.have_base ? s->opts.base : ar->requested_base;
}

struct aot_err *aot_session_target(struct aot_session *s, struct aot_target **ret)
{
	if (s->target) {
		*ret = s->target;
		return NULL;
	}
	struct aot_target *t;
	struct aot_err *err = aot_target_create(&t);
	if (err)
		return err;
	err = aot_session_require_complete(s);
	for (unsigned i = 0; i < s->narchives && !err; i++) {
		struct aot_archive *ar = s->archives[i];
		err = aot_file_mapping_create(t, ar, aot_session_mapped_base(s, ar) - ar->requested_base,
						      &s->mappings[i]);
	}
	if (err) {
		for (unsigned j = 0; j < s->narchives; j++) {
			aot_file_mapping_destroy(s->mappings[j]);
			s->mappings[j] = NULL;
		}
		aot_target_destroy(t);
		return err;
	}
	s->target = t;
	*ret = t;
	return NULL;
}

void aot_session_jvm_opts(struct aot_session *s, struct aot_jvm_opts *o)
{
	size_t nd = 0;
	if (s->opts.debug_dir)
		s->debug_dirs[nd++] = s->opts.debug_dir;
	s->debug_dirs[nd++] = "/usr/lib/debug";
	s->debug_dirs[nd] = NULL;
	*o = (struct aot_jvm_opts){
		.jvm = s->opts.jvm,
		.java_home = s->opts.open.java_home,
		.pid = s->opts.pid,
		.dwarf = { .debug_file = s->opts.debug_file, .cache_dir = s->opts.cache_dir,
			   .debug_dirs = s->debug_dirs },
	};
}

struct aot_err *aot_session_jvm(struct aot_session *s, struct aot_jvm **ret)
{
	if (!s->jvm_tried) {
		s->jvm_tried = true;
		struct aot_jvm_opts o;
		aot_session_jvm_opts(s, &o);
		// The base of a dynamic archive has the same ident: the top one decides.
		const struct aot_archive *ar = s->narchives ? s->archives[0] : NULL;
		s->jvm_err = aot_jvm_open(&o, ar ? ar->jvm_ident : NULL, ar ? ar->path : NULL, &s->jvm);
	}
	if (s->jvm_err)
		return aot_err_copy(s->jvm_err);
	*ret = s->jvm;
	return NULL;
}

struct aot_err *aot_session_layout(struct aot_session *s, const struct aot_layout **ret)
{
	if (!s->layout) {
		struct aot_jvm *j;
		struct aot_err *err = aot_session_jvm(s, &j);
		if (!err)
			err = aot_layout_build(j, false, &s->layout);
		if (err)
			return err;
	}
	*ret = s->layout;
	return NULL;
}
