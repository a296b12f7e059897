/*
 * The one output layer: every command describes what it prints as a stream of
 * objects, lists, tables and scalars, and this layer renders them either as
 * aligned human text or as JSON (--json).  Commands never call printf.
 *
 * Text rendering:
 *   object  -> an optional title line, then "key: value" lines (keys padded to
 *              the object's key width), nested objects indented by two;
 *   table   -> a header line and one line per row with the declared columns;
 *              keys a row sets that are not columns appear in JSON only;
 *   list    -> one line per scalar item, objects rendered one after another.
 * JSON rendering: objects and rows are JSON objects, lists and tables arrays.
 * Counts are JSON numbers; addresses and other hex values are strings
 * "0x…" (64-bit values do not survive a trip through a double).
 *
 * The top level is an implicit object.  Text goes to the FILE as it is
 * produced, so arbitrarily long listings stream; JSON too, apart from the
 * closing brace written by aot_out_finish().
 */
#ifndef AOTDBG_OUT_H
#define AOTDBG_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct aot_out;

enum aot_align { AOT_LEFT, AOT_RIGHT };

struct aot_col {
	const char *key;	/* the row key this column shows */
	const char *header;	/* column title in text mode */
	int width;		/* minimum width; wider values are not cut */
	enum aot_align align;
};

/* Create a renderer writing to F (borrowed).  NULL on allocation failure. */
struct aot_out *aot_out_create(FILE *f, bool json);
/* Close everything still open (and the top-level JSON object). */
void aot_out_finish(struct aot_out *o);
/* Finish if needed and free.  NULL-safe. */
void aot_out_destroy(struct aot_out *o);
bool aot_out_is_json(const struct aot_out *o);

/* Key column width for "key: value" lines of the current object (text). */
void aot_out_key_width(struct aot_out *o, int width);

/*
 * Containers.  KEY names the member inside an object; pass NULL inside a
 * list.  TITLE is the text-mode heading line (NULL: none).
 */
void aot_out_begin(struct aot_out *o, const char *key, const char *title);
void aot_out_end(struct aot_out *o);
void aot_out_begin_list(struct aot_out *o, const char *key, const char *title);
void aot_out_end_list(struct aot_out *o);
void aot_out_begin_table(struct aot_out *o, const char *key, const struct aot_col *cols,
			 int ncols);
void aot_out_end_table(struct aot_out *o);
void aot_out_row_begin(struct aot_out *o);
void aot_out_row_end(struct aot_out *o);

/* Scalars.  In a table row they fill cells; elsewhere they print at once. */
void aot_out_str(struct aot_out *o, const char *key, const char *s);	/* NULL -> null */
void aot_out_u64(struct aot_out *o, const char *key, uint64_t v);
void aot_out_i64(struct aot_out *o, const char *key, int64_t v);
void aot_out_bool(struct aot_out *o, const char *key, bool v);
/* Hex: "0x" plus at least DIGITS digits (0: as many as needed). */
void aot_out_hex(struct aot_out *o, const char *key, uint64_t v, int digits);
/* A value whose text form differs from its JSON form (JSON: a string). */
void aot_out_strf(struct aot_out *o, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A line of prose for people: text mode only (JSON consumers get the data). */
void aot_out_text(struct aot_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A diagnostic line (a problem found in the input while the output goes on):
 * to stderr, or the FILE set with aot_out_set_diag(), in both modes.  JSON
 * consumers find the same problems in the document.
 */
void aot_out_diag(struct aot_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void aot_out_set_diag(struct aot_out *o, FILE *f);

#endif
