/*
 * Field information decoders: JDK 17's u2 tuples and JDK 21+'s UNSIGNED5
 * stream.  Format notes and sources: docs/fieldinfo.md.
 */
#include "fieldinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACC_STATIC 0x0008

/* A record has at least name, signature, offset, access and flags: five bytes. */
#define MIN_RECORD_BYTES 5

struct aot_err *aot_fieldinfo_consts_default(int feature, struct aot_fieldinfo_consts *c)
{
	if (feature < 17 || (feature > 17 && feature < 21))
		return aot_errf(AOT_ERR_UNSUPPORTED, "field info of JDK %d is not supported", feature);
	memset(c, 0, sizeof(*c));
	c->feature = feature;
	// FieldInfo::FieldFlags of 21 to 27; the enum has not moved since JDK-8292818.
	c->ff_initialized = 0;
	c->ff_injected = 1;
	c->ff_generic = 2;
	c->ff_stable = 3;
	c->ff_contended = 4;
	c->ff_flat = -1;
	c->ff_null_marker = -1;
	// JDK-8352075 (JDK 25) dropped the end byte when it added the search table.
	c->stream_has_end_byte = feature >= 21 && feature < 25;
	// JDK 17 fieldInfo.hpp: enum FieldOffset and the FIELDINFO_TAG_* macros.
	c->access_flags_offset = 0;
	c->name_index_offset = 1;
	c->signature_index_offset = 2;
	c->initval_index_offset = 3;
	c->low_packed_offset = 4;
	c->high_packed_offset = 5;
	c->field_slots = 6;
	c->tag_size = 2;
	c->tag_offset = 1;
	c->tag_contended = 2;
	// JDK 17 accessFlags.hpp: VM bits reuse class-file bits that fields never have.
	c->acc_internal = 0x0400;
	c->acc_stable = 0x0020;
	c->acc_has_generic_signature = 0x0800;
	c->acc_access_watched = 0x2000;
	c->acc_modification_watched = 0x8000;
	c->acc_initialized_final_update = 0x0100;
	c->recognized_modifiers = 0x50df;
	return NULL;
}

static bool bit(uint32_t flags, int pos)
{
	return pos >= 0 && pos < 32 && (flags & (UINT32_C(1) << pos));
}

/* ---- JDK 17 ------------------------------------------------------------ */

/* The six slot numbers must name distinct slots inside one tuple. */
static struct aot_err *check_consts_17(const struct aot_fieldinfo_consts *c)
{
	const int slot[] = { c->access_flags_offset, c->name_index_offset,
			     c->signature_index_offset, c->initval_index_offset,
			     c->low_packed_offset, c->high_packed_offset };
	if (c->field_slots < 6 || c->field_slots > 64)
		return aot_errf(AOT_ERR_USAGE, "FieldInfo::field_slots %d is not in [6, 64]",
				c->field_slots);
	for (size_t i = 0; i < sizeof(slot) / sizeof(slot[0]); i++) {
		if (slot[i] < 0 || slot[i] >= c->field_slots)
			return aot_errf(AOT_ERR_USAGE, "FieldInfo slot constant %d is outside a %d-slot tuple",
					slot[i], c->field_slots);
	}
	if (c->tag_size < 0 || c->tag_size > 8)
		return aot_errf(AOT_ERR_USAGE, "FIELDINFO_TAG_SIZE %d is not in [0, 8]", c->tag_size);
	return NULL;
}

/*
 * Count the tuples the way FieldStreamBase::init_generic_signature_start_slot()
 * does: each field with a generic signature takes one u2 off the end of the
 * array, and tuples fill the rest.  The result must account for every u2.
 */
static struct aot_err *count_fields_17(const uint16_t *fields, uint32_t n_u2,
				       const struct aot_fieldinfo_consts *c,
				       uint32_t *num_fields, uint32_t *num_generic)
{
	uint32_t slots = (uint32_t)c->field_slots, length = n_u2, i = 0, gen = 0;
	for (; (uint64_t)i * slots < length; i++) {
		if ((uint64_t)i * slots + slots > n_u2)
			return aot_errf(AOT_ERR_FORMAT,
					"fields: u2 slot %u: field %u's tuple runs past the array's %u slots",
					i * slots, i, n_u2);
		if (fields[i * slots + c->access_flags_offset] & c->acc_has_generic_signature) {
			length--;
			gen++;
		}
	}
	if ((uint64_t)i * slots + gen != n_u2)
		return aot_errf(AOT_ERR_FORMAT,
				"fields: %u tuples and %u generic signature slots do not fill the array's %u slots",
				i, gen, n_u2);
	*num_fields = i;
	*num_generic = gen;
	return NULL;
}

static void decode_tuple_17(const uint16_t *t, const struct aot_fieldinfo_consts *c,
			    struct aot_field *f)
{
	uint16_t raw = t[c->access_flags_offset];
	uint32_t packed = (uint32_t)t[c->low_packed_offset] |
			  ((uint32_t)t[c->high_packed_offset] << 16);
	f->access_flags = (uint16_t)(raw & c->recognized_modifiers);
	f->field_flags = raw & ~c->recognized_modifiers & 0xffff;
	f->name_index = t[c->name_index_offset];
	f->signature_index = t[c->signature_index_offset];
	f->initval_index = t[c->initval_index_offset];
	f->has_initval = f->initval_index != 0;
	f->injected = (raw & c->acc_internal) != 0;
	f->is_stable = (raw & c->acc_stable) != 0;
	f->has_generic = (raw & c->acc_has_generic_signature) != 0;
	f->is_static = (raw & ACC_STATIC) != 0;
	// Layout overwrites the packed word with the offset, so an archived
	// (laid out) field no longer says whether it was @Contended.
	if (packed & c->tag_offset) {
		f->offset_set = true;
		f->offset = packed >> c->tag_size;
	} else if (packed & c->tag_contended) {
		f->is_contended = true;
		f->contended_group = t[c->high_packed_offset];
	}
}

struct aot_err *aot_fields_decode_17(const uint16_t *fields, uint32_t n_u2,
				     uint32_t java_fields_count,
				     const struct aot_fieldinfo_consts *c,
				     struct aot_field **ret, uint32_t *n)
{
	struct aot_fieldinfo_consts def;
	struct aot_err *err;
	*ret = NULL;
	*n = 0;
	if (!c) {
		aot_fieldinfo_consts_default(17, &def);
		c = &def;
	}
	if ((err = check_consts_17(c)))
		return err;
	if (!fields && n_u2)
		return aot_errf(AOT_ERR_USAGE, "fields: no array given for %u slots", n_u2);
	uint32_t num, gen;
	if ((err = count_fields_17(fields, n_u2, c, &num, &gen)))
		return err;
	if (java_fields_count > num)
		return aot_errf(AOT_ERR_FORMAT,
				"fields: _java_fields_count %u exceeds the %u tuples in the array",
				java_fields_count, num);
	if (num == 0)
		return NULL;
	struct aot_field *out = calloc(num, sizeof(*out));
	if (!out)
		return &aot_enomem;
	uint32_t slots = (uint32_t)c->field_slots, gslot = num * slots;
	for (uint32_t i = 0; i < num; i++) {
		struct aot_field *f = &out[i];
		f->pos = i * slots;
		decode_tuple_17(fields + f->pos, c, f);
		if (f->has_generic)
			f->generic_signature_index = fields[gslot++];
		// ClassFileParser appends the injected fields after the Java ones.
		if (f->injected != (i >= java_fields_count)) {
			err = aot_errf(AOT_ERR_FORMAT,
				       "fields: u2 slot %u: field %u is %sinjected, but _java_fields_count is %u",
				       f->pos, i, f->injected ? "" : "not ", java_fields_count);
			free(out);
			return err;
		}
	}
	*ret = out;
	*n = num;
	return NULL;
}

/* ---- JDK 21+: UNSIGNED5 --------------------------------------------------- */

/*
 * One UNSIGNED5 number (utilities/unsigned5.hpp): bytes 1..191 end a number,
 * 192..255 carry six more bits and continue, at most five bytes; 0 never
 * occurs.  Stricter than the JVM, which trusts its own writer: a zero byte,
 * a number cut off by the end, or one above 2^32-1 is an error.
 */
static struct aot_err *u5_read(const uint8_t *s, uint32_t len, uint32_t *pos, uint32_t *val,
			       const char *what, uint32_t field)
{
	const uint32_t X = 1, L = 191;
	uint32_t start = *pos;
	uint64_t sum = 0;
	for (uint32_t i = 0; i < 5; i++) {
		if ((uint64_t)start + i >= len)
			return aot_errf(AOT_ERR_FORMAT,
					"fieldinfo stream: offset 0x%x: field %u %s: the stream ends inside a number",
					start, field, what);
		uint32_t b = s[start + i];
		if (b < X)
			return aot_errf(AOT_ERR_FORMAT,
					"fieldinfo stream: offset 0x%x: field %u %s: zero byte in a number",
					start + i, field, what);
		sum += (uint64_t)(b - X) << (6 * i);
		if (b < X + L || i == 4) {
			if (sum > UINT32_MAX)
				return aot_errf(AOT_ERR_FORMAT,
						"fieldinfo stream: offset 0x%x: field %u %s: number exceeds 32 bits",
						start, field, what);
			*pos = start + i + 1;
			*val = (uint32_t)sum;
			return NULL;
		}
	}
	return NULL;	/* not reached: i == 4 returns */
}

/* A number the JVM narrows to u2 with checked_cast. */
static struct aot_err *u5_read_u2(const uint8_t *s, uint32_t len, uint32_t *pos, uint16_t *val,
				  const char *what, uint32_t field)
{
	uint32_t start = *pos, v = 0;
	struct aot_err *err = u5_read(s, len, pos, &v, what, field);
	if (err)
		return err;
	if (v > UINT16_MAX)
		return aot_errf(AOT_ERR_FORMAT,
				"fieldinfo stream: offset 0x%x: field %u %s: %u does not fit in a u2",
				start, field, what, v);
	*val = (uint16_t)v;
	return NULL;
}

struct stream_ctx {
	const uint8_t *s;
	uint32_t len;
	const struct aot_fieldinfo_consts *c;
};

/* The optional items, in FieldInfoReader::read_field_info()'s order. */
static struct aot_err *read_optionals(const struct stream_ctx *x, uint32_t *pos, uint32_t idx,
				      struct aot_field *f)
{
	struct aot_err *err = NULL;
	const struct aot_fieldinfo_consts *c = x->c;
	if (f->has_initval)
		err = u5_read_u2(x->s, x->len, pos, &f->initval_index, "initval index", idx);
	if (!err && f->has_generic)
		err = u5_read_u2(x->s, x->len, pos, &f->generic_signature_index,
				 "generic signature index", idx);
	if (!err && f->is_contended)
		err = u5_read_u2(x->s, x->len, pos, &f->contended_group, "contended group", idx);
	if (!err && bit(f->field_flags, c->ff_flat))
		err = u5_read(x->s, x->len, pos, &f->layout_kind, "layout kind", idx);
	if (!err && bit(f->field_flags, c->ff_null_marker))
		err = u5_read(x->s, x->len, pos, &f->null_marker_offset, "null marker offset", idx);
	return err;
}

/* Field := name sig offset access flags Optionals(flags) */
static struct aot_err *read_record(const struct stream_ctx *x, uint32_t *pos, uint32_t idx,
				   struct aot_field *f)
{
	const struct aot_fieldinfo_consts *c = x->c;
	struct aot_err *err;
	f->pos = *pos;
	if ((err = u5_read_u2(x->s, x->len, pos, &f->name_index, "name index", idx)) ||
	    (err = u5_read_u2(x->s, x->len, pos, &f->signature_index, "signature index", idx)) ||
	    (err = u5_read(x->s, x->len, pos, &f->offset, "offset", idx)) ||
	    (err = u5_read_u2(x->s, x->len, pos, &f->access_flags, "access flags", idx)) ||
	    (err = u5_read(x->s, x->len, pos, &f->field_flags, "field flags", idx)))
		return err;
	f->offset_set = true;
	f->is_static = (f->access_flags & ACC_STATIC) != 0;
	f->has_initval = bit(f->field_flags, c->ff_initialized);
	f->injected = bit(f->field_flags, c->ff_injected);
	f->has_generic = bit(f->field_flags, c->ff_generic);
	f->is_stable = bit(f->field_flags, c->ff_stable);
	f->is_contended = bit(f->field_flags, c->ff_contended);
	return read_optionals(x, pos, idx, f);
}

/* What may follow the last record: JDK 21's end byte, or nothing. */
static struct aot_err *check_stream_end(const struct stream_ctx *x, uint32_t pos)
{
	uint32_t want = pos + (x->c->stream_has_end_byte ? 1 : 0);
	if (x->c->stream_has_end_byte && pos < x->len && x->s[pos] != 0)
		return aot_errf(AOT_ERR_FORMAT,
				"fieldinfo stream: offset 0x%x: byte 0x%02x where the end byte 0 belongs",
				pos, x->s[pos]);
	if (want != x->len)
		return aot_errf(AOT_ERR_FORMAT,
				"fieldinfo stream: offset 0x%x: the records end here, but the stream has %u bytes%s",
				pos, x->len,
				x->c->stream_has_end_byte ? " (expected one end byte)" : "");
	return NULL;
}

static struct aot_err *decode_records(const struct stream_ctx *x, uint32_t pos, uint32_t java,
				      uint32_t total, struct aot_field *out)
{
	struct aot_err *err;
	for (uint32_t i = 0; i < total; i++) {
		if ((err = read_record(x, &pos, i, &out[i])))
			return err;
		// Injected fields follow the Java ones (ClassFileParser::parse_fields).
		if (out[i].injected != (i >= java))
			return aot_errf(AOT_ERR_FORMAT,
					"fieldinfo stream: offset 0x%x: field %u is %sinjected, but the stream has %u Java fields",
					out[i].pos, i, out[i].injected ? "" : "not ", java);
	}
	return check_stream_end(x, pos);
}

struct aot_err *aot_fields_decode_stream(const uint8_t *stream, uint32_t len, int feature,
					 const struct aot_fieldinfo_consts *c,
					 struct aot_field **ret, uint32_t *n,
					 uint32_t *java_fields_count)
{
	struct aot_fieldinfo_consts def;
	struct aot_err *err;
	*ret = NULL;
	*n = 0;
	*java_fields_count = 0;
	if (!c) {
		if ((err = aot_fieldinfo_consts_default(feature, &def)))
			return err;
		c = &def;
	}
	if (!stream && len)
		return aot_errf(AOT_ERR_USAGE, "fieldinfo stream: no bytes given for length %u", len);
	struct stream_ctx x = { stream, len, c };
	uint32_t pos = 0, java = 0, injected = 0;
	if ((err = u5_read(stream, len, &pos, &java, "count of Java fields", 0)) ||
	    (err = u5_read(stream, len, &pos, &injected, "count of injected fields", 0)))
		return err;
	// Bound the counts by what the bytes can hold before allocating.
	uint64_t total = (uint64_t)java + injected;
	if (total * MIN_RECORD_BYTES > len - pos)
		return aot_errf(AOT_ERR_FORMAT,
				"fieldinfo stream: offset 0x0: %u Java and %u injected fields cannot fit in %u bytes",
				java, injected, len);
	struct aot_field *out = NULL;
	if (total && !(out = calloc((size_t)total, sizeof(*out))))
		return &aot_enomem;
	if ((err = decode_records(&x, pos, java, (uint32_t)total, out))) {
		free(out);
		return err;
	}
	*ret = out;
	*n = (uint32_t)total;
	*java_fields_count = java;
	return NULL;
}

/* ---- JDK 25+: the search table ------------------------------------------ */

/* Bits needed for values up to MAX, as PackedTableBase counts them. */
static unsigned int bits_for(uint32_t max)
{
	unsigned int b = 0;
	while (max) {
		b++;
		max >>= 1;
	}
	return b;
}

/* The field whose record starts at POS, or -1 (FIELDS are in stream order). */
static int64_t field_at(const struct aot_field *fields, uint32_t n, uint32_t pos)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (fields[mid].pos == pos)
			return mid;
		if (fields[mid].pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Check one element: KEY must start Java field VALUE's record, once. */
static struct aot_err *check_entry(const struct aot_field *fields, uint32_t java, uint32_t off,
				   uint32_t key, uint32_t value, uint8_t *seen)
{
	if (value >= java)
		return aot_errf(AOT_ERR_FORMAT,
				"fieldinfo search table: offset 0x%x: field index %u, but there are %u Java fields",
				off, value, java);
	if (fields[value].pos != key)
		return aot_errf(AOT_ERR_FORMAT,
				"fieldinfo search table: offset 0x%x: position 0x%x, but field %u starts at 0x%x%s",
				off, key, value, fields[value].pos,
				field_at(fields, java, key) < 0 ? " (no field starts there)" : "");
	if (seen[value])
		return aot_errf(AOT_ERR_FORMAT,
				"fieldinfo search table: offset 0x%x: field %u appears twice", off, value);
	seen[value] = 1;
	return NULL;
}

/*
 * FieldInfoStream::create_search_table(): a PackedTable whose keys (stream
 * positions, up to stream length - 1) and values (field indices, up to Java
 * fields - 1) are packed as few bits, key low, little-endian, rounded up to
 * whole bytes.
 */
struct aot_err *aot_fields_search_table_decode(const uint8_t *table, uint32_t len,
					       uint32_t stream_len,
					       const struct aot_field *fields, uint32_t n_fields,
					       uint32_t java_fields_count,
					       struct aot_field_search_entry **ret, uint32_t *n)
{
	*ret = NULL;
	*n = 0;
	if (java_fields_count == 0 || stream_len == 0 || java_fields_count > n_fields ||
	    (!table && len))
		return aot_errf(AOT_ERR_USAGE,
				"fieldinfo search table: %u Java fields of %u, stream of %u bytes: no table possible",
				java_fields_count, n_fields, stream_len);
	unsigned int kbits = bits_for(stream_len - 1), vbits = bits_for(java_fields_count - 1);
	uint32_t esize = (kbits + vbits + 7) / 8;
	if ((uint64_t)esize * java_fields_count != len)
		return aot_errf(AOT_ERR_FORMAT,
				"fieldinfo search table: offset 0x0: %u bytes, but %u fields of %u bytes need %llu",
				len, java_fields_count, esize,
				(unsigned long long)esize * java_fields_count);
	struct aot_field_search_entry *out = calloc(java_fields_count, sizeof(*out));
	uint8_t *seen = calloc(java_fields_count, 1);
	if (!out || !seen) {
		free(out);
		free(seen);
		return &aot_enomem;
	}
	for (uint32_t i = 0; i < java_fields_count; i++) {
		uint64_t e = 0;
		for (uint32_t b = 0; b < esize; b++)
			e |= (uint64_t)table[i * esize + b] << (8 * b);
		uint32_t key = (uint32_t)(e & ((UINT64_C(1) << kbits) - 1));
		uint32_t value = (uint32_t)((e >> kbits) & ((UINT64_C(1) << vbits) - 1));
		struct aot_err *err = check_entry(fields, java_fields_count, i * esize, key, value, seen);
		if (err) {
			free(out);
			free(seen);
			return err;
		}
		out[i].pos = key;
		out[i].index = value;
	}
	free(seen);
	*ret = out;
	*n = java_fields_count;
	return NULL;
}

/* ---- words ---------------------------------------------------------------- */

struct strbuf {
	char *buf;
	size_t len, used;
};

static void put_word(struct strbuf *sb, const char *w)
{
	if (sb->len == 0)
		return;
	int k = snprintf(sb->buf + sb->used, sb->len - sb->used, "%s%s", sb->used ? " " : "", w);
	if (k > 0)
		sb->used = sb->used + (size_t)k < sb->len ? sb->used + (size_t)k : sb->len - 1;
}

struct named_bit {
	uint32_t mask;
	const char *name;
};

/* Name the bits of FLAGS that TABLE knows; return the rest. */
static uint32_t put_bits(struct strbuf *sb, uint32_t flags, const struct named_bit *table, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (table[i].mask && (flags & table[i].mask)) {
			put_word(sb, table[i].name);
			flags &= ~table[i].mask;
		}
	}
	return flags;
}

static uint32_t mask_of(int pos)
{
	return pos >= 0 && pos < 32 ? UINT32_C(1) << pos : 0;
}

const char *aot_field_flags_str(uint32_t flags, int feature, const struct aot_fieldinfo_consts *c,
				char *buf, size_t len)
{
	struct aot_fieldinfo_consts def;
	struct strbuf sb = { buf, len, 0 };
	if (len)
		buf[0] = 0;
	if (!c) {
		if (aot_fieldinfo_consts_default(feature, &def))
			aot_fieldinfo_consts_default(25, &def);
		c = &def;
	}
	uint32_t rest;
	if (feature == 17) {
		const struct named_bit t[] = {
			{ c->acc_internal, "injected" },
			{ c->acc_has_generic_signature, "generic" },
			{ c->acc_stable, "stable" },
			{ c->acc_access_watched, "access_watched" },
			{ c->acc_modification_watched, "modification_watched" },
			{ c->acc_initialized_final_update, "initialized_final_update" },
		};
		rest = put_bits(&sb, flags, t, sizeof(t) / sizeof(t[0]));
	} else {
		const struct named_bit t[] = {
			{ mask_of(c->ff_initialized), "initialized" },
			{ mask_of(c->ff_injected), "injected" },
			{ mask_of(c->ff_generic), "generic" },
			{ mask_of(c->ff_stable), "stable" },
			{ mask_of(c->ff_contended), "contended" },
			{ mask_of(c->ff_flat), "flat" },
			{ mask_of(c->ff_null_marker), "null_marker" },
		};
		rest = put_bits(&sb, flags, t, sizeof(t) / sizeof(t[0]));
	}
	if (rest) {
		char hex[16];
		snprintf(hex, sizeof(hex), "0x%x", rest);
		put_word(&sb, hex);
	}
	return buf;
}

const char *aot_field_access_str(uint16_t access_flags, char *buf, size_t len)
{
	static const struct named_bit t[] = {
		{ 0x0001, "public" }, { 0x0002, "private" }, { 0x0004, "protected" },
		{ 0x0008, "static" }, { 0x0010, "final" }, { 0x0040, "volatile" },
		{ 0x0080, "transient" }, { 0x1000, "synthetic" }, { 0x4000, "enum" },
	};
	struct strbuf sb = { buf, len, 0 };
	if (len)
		buf[0] = 0;
	uint32_t rest = put_bits(&sb, access_flags, t, sizeof(t) / sizeof(t[0]));
	if (rest) {
		char hex[16];
		snprintf(hex, sizeof(hex), "0x%x", rest);
		put_word(&sb, hex);
	}
	return buf;
}
