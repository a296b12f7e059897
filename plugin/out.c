#include "out.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum frame_kind { F_OBJECT, F_LIST, F_TABLE };

#define MAX_DEPTH 32
#define MAX_COLS 24

struct frame {
	enum frame_kind kind;
	bool first;		/* JSON: no member written yet */
	int key_width;
	int indent;		/* text indentation of this container's content */
	const struct aot_col *cols;
	int ncols;
};

struct cell {
	char *text;
};

struct aot_out {
	FILE *f;
	FILE *diag;
	bool json;
	bool finished;
	int depth;
	struct frame stack[MAX_DEPTH];
	bool in_row;
	bool row_first;
	struct cell cells[MAX_COLS];
};

static struct frame *top(struct aot_out *o)
{
	return &o->stack[o->depth];
}

struct aot_out *aot_out_create(FILE *f, bool json)
{
	struct aot_out *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->f = f;
	o->json = json;
	o->stack[0] = (struct frame){ .kind = F_OBJECT, .first = true, .key_width = 0 };
	if (json)
		fputs("{", f);
	return o;
}

bool aot_out_is_json(const struct aot_out *o)
{
	return o->json;
}

/* Length of the valid UTF-8 sequence at P, or 0 if the byte starts none. */
static int utf8_len(const unsigned char *p)
{
	int n;
	if (p[0] < 0x80)
		return 1;
	else if ((p[0] & 0xe0) == 0xc0 && p[0] >= 0xc2)
		n = 2;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((p[0] & 0xf8) == 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default: {
			// Input strings are hostile: bytes that are not UTF-8 are escaped.
			int n = utf8_len(p);
			if (*p < 0x20 || *p == 0x7f || n == 0) {
				fprintf(f, "\\u%04x", *p);
			} else {
				fwrite(p, 1, (size_t)n, f);
				p += n - 1;
			}
		}
		}
	}
	fputc('"', f);
}

static char *sanitize(const char *s);

/* Text rendering of a string that came from the input: see sanitize(). */
static void text_string(FILE *f, const char *s)
{
	char *clean = sanitize(s);
	fputs(clean ? clean : "(out of memory)", f);
	free(clean);
}

static void json_sep(struct aot_out *o, const char *key)
{
	struct frame *fr = top(o);
	if (!fr->first)
		fputc(',', o->f);
	fr->first = false;
	fputc('\n', o->f);
	for (int i = 0; i <= o->depth; i++)
		fputs("  ", o->f);
	if (key && fr->kind == F_OBJECT) {
		json_string(o->f, key);
		fputs(": ", o->f);
	}
}

static void text_indent(struct aot_out *o)
{
	fprintf(o->f, "%*s", top(o)->indent, "");
}

void aot_out_key_width(struct aot_out *o, int width)
{
	top(o)->key_width = width;
}

static void push(struct aot_out *o, enum frame_kind kind, int indent)
{
	if (o->depth + 1 >= MAX_DEPTH)
		abort();	// programming error: nesting is fixed by the commands
	struct frame *parent = top(o);
	o->depth++;
	*top(o) = (struct frame){ .kind = kind, .first = true, .indent = indent,
				  .key_width = parent->key_width };
}

void aot_out_begin(struct aot_out *o, const char *key, const char *title)
{
	int indent = top(o)->indent;
	if (o->json) {
		json_sep(o, key);
		fputc('{', o->f);
	} else if (title) {
		text_indent(o);
		text_string(o->f, title);
		fputc('\n', o->f);
		indent += 2;
	}
	push(o, F_OBJECT, indent);
}

static void pop(struct aot_out *o, char close)
{
	bool empty = top(o)->first;
	o->depth--;
	if (o->json) {
		if (!empty) {
			fputc('\n', o->f);
			for (int i = 0; i <= o->depth; i++)
				fputs("  ", o->f);
		}
		fputc(close, o->f);
	}
}

void aot_out_end(struct aot_out *o)
{
	pop(o, '}');
}

void aot_out_begin_list(struct aot_out *o, const char *key, const char *title)
{
	int indent = top(o)->indent;
	if (o->json) {
		json_sep(o, key);
		fputc('[', o->f);
	} else if (title) {
		text_indent(o);
		text_string(o->f, title);
		fputc('\n', o->f);
		indent += 2;
	}
	push(o, F_LIST, indent);
}

void aot_out_end_list(struct aot_out *o)
{
	pop(o, ']');
}

void aot_out_begin_table(struct aot_out *o, const char *key, const struct aot_col *cols,
			 int ncols)
{
	if (ncols > MAX_COLS)
		ncols = MAX_COLS;
	if (o->json) {
		json_sep(o, key);
		fputc('[', o->f);
	}
	push(o, F_TABLE, top(o)->indent);
	top(o)->cols = cols;
	top(o)->ncols = ncols;
	if (!o->json) {
		text_indent(o);
		for (int i = 0; i < ncols; i++) {
			const char *sep = i + 1 < ncols ? " " : "";
			if (cols[i].align == AOT_RIGHT)
				fprintf(o->f, "%*s%s", cols[i].width, cols[i].header, sep);
			else if (i + 1 < ncols)
				fprintf(o->f, "%-*s%s", cols[i].width, cols[i].header, sep);
			else
				fputs(cols[i].header, o->f);
		}
		fputc('\n', o->f);
	}
}

void aot_out_end_table(struct aot_out *o)
{
	pop(o, ']');
}

void aot_out_row_begin(struct aot_out *o)
{
	o->in_row = true;
	o->row_first = true;
	if (o->json) {
		json_sep(o, NULL);
		fputc('{', o->f);
	}
}

void aot_out_row_end(struct aot_out *o)
{
	struct frame *fr = top(o);
	o->in_row = false;
	if (o->json) {
		fputc('}', o->f);
		return;
	}
	text_indent(o);
	for (int i = 0; i < fr->ncols; i++) {
		const struct aot_col *c = &fr->cols[i];
		const char *t = o->cells[i].text ? o->cells[i].text : "-";
		bool last = i + 1 == fr->ncols;
		if (c->align == AOT_RIGHT)
			fprintf(o->f, "%*s", c->width, t);
		else if (!last)
			fprintf(o->f, "%-*s", c->width, t);
		else
			fputs(t, o->f);
		if (!last)
			fputc(' ', o->f);
		free(o->cells[i].text);
		o->cells[i].text = NULL;
	}
	fputc('\n', o->f);
}

/* Text form of an input string: control characters and bytes that are not UTF-8 escaped as \xNN. */
static char *sanitize(const char *s)
{
	char *out = malloc(strlen(s) * 4 + 1), *q = out;
	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int n = utf8_len(p);
		if (*p < 0x20 || *p == 0x7f || n == 0) {
			q += sprintf(q, "\\x%02x", *p);
		} else {
			memcpy(q, p, (size_t)n);
			q += n;
			p += n - 1;
		}
	}
	*q = 0;
	return out;
}

/*
 * Emit one scalar: JSON is the literal to write in JSON mode (already
 * encoded, or NULL for a string value given in TEXT), TEXT its text form.
 */
static void emit(struct aot_out *o, const char *key, const char *json, const char *text,
		 bool text_is_input)
{
	struct frame *fr = top(o);
	if (o->json) {
		if (o->in_row) {
			if (!o->row_first)
				fputs(", ", o->f);
			o->row_first = false;
			json_string(o->f, key);
			fputs(": ", o->f);
		} else {
			json_sep(o, key);
		}
		if (json)
			fputs(json, o->f);
		else
			json_string(o->f, text);
		return;
	}
	if (o->in_row) {
		for (int i = 0; i < fr->ncols; i++) {
			if (key && strcmp(fr->cols[i].key, key) == 0) {
				free(o->cells[i].text);
				o->cells[i].text = text_is_input ? sanitize(text) : strdup(text);
				return;
			}
		}
		return;	// not a column: JSON only
	}
	text_indent(o);
	if (key && fr->kind == F_OBJECT) {
		fputs(key, o->f);
		fputc(':', o->f);
		int pad = fr->key_width - (int)strlen(key) - 1;
		fprintf(o->f, "%*s", pad > 0 ? pad + 1 : 1, "");
	}
	if (text_is_input)
		text_string(o->f, text);
	else
		fputs(text, o->f);
	fputc('\n', o->f);
}

void aot_out_str(struct aot_out *o, const char *key, const char *s)
{
	if (!s)
		emit(o, key, "null", "-", false);
	else
		emit(o, key, NULL, s, true);
}

void aot_out_u64(struct aot_out *o, const char *key, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	emit(o, key, buf, buf, false);
}

void aot_out_i64(struct aot_out *o, const char *key, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	emit(o, key, buf, buf, false);
}

void aot_out_bool(struct aot_out *o, const char *key, bool v)
{
	emit(o, key, v ? "true" : "false", v ? "true" : "false", false);
}

void aot_out_hex(struct aot_out *o, const char *key, uint64_t v, int digits)
{
	char text[40], json[44];
	snprintf(text, sizeof(text), "0x%0*" PRIx64, digits, v);
	snprintf(json, sizeof(json), "\"%s\"", text);
	emit(o, key, json, text, false);
}

void aot_out_strf(struct aot_out *o, const char *key, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	emit(o, key, NULL, s, true);
	free(s);
}

void aot_out_set_diag(struct aot_out *o, FILE *f)
{
	o->diag = f;
}

void aot_out_diag(struct aot_out *o, const char *fmt, ...)
{
	FILE *f = o->diag ? o->diag : stderr;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

void aot_out_text(struct aot_out *o, const char *fmt, ...)
{
	if (o->json)
		return;
	text_indent(o);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	fputc('\n', o->f);
}

void aot_out_finish(struct aot_out *o)
{
	if (o->finished)
		return;
	while (o->depth > 0) {
		if (top(o)->kind == F_OBJECT)
			aot_out_end(o);
		else
			pop(o, ']');
	}
	if (o->json)
		fputs(top(o)->first ? "}\n" : "\n}\n", o->f);
	o->finished = true;
	fflush(o->f);
}

void aot_out_destroy(struct aot_out *o)
{
	if (!o)
		return;
	aot_out_finish(o);
	for (int i = 0; i < MAX_COLS; i++)
		free(o->cells[i].text);
	free(o);
}
