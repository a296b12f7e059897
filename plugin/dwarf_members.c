/*
 * A type's layout from its DIE: the size of any type, and each member's
 * offset, size, bit-field placement and flags, as struct aot_type holds them
 * (dwarf_types.h says what they mean).
 */
#include "dwarf_internal.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

/* strndup capped at MAX_NAME: a hostile name is cut, not refused. */
static char *name_dup(const char *s)
{
	return strndup(s, MAX_NAME);
}

/* ---------------------------------------------------------------------- */
/* Type sizes */

/*
 * The size of the type at OFF in bytes.  When it ends at a class that is
 * only declared here, the size is 0 and *DECL is set to the declaration, if
 * DECL is not NULL: GCC may define a class in only some CUs (the one that
 * emits its vtable, say), so a member may refer to one this CU cannot size.
 */
static struct aot_err *type_size(struct aot_dwarf *d, bool has, Dwarf_Off off, int depth,
				 uint64_t *size, Dwarf_Off *decl)
{
	*size = 0;
	if (!has || depth > MAX_TYPE_DEPTH)
		return NULL;
	Dwarf_Die die;
	Dwarf_Half tag, ttag = 0;
	bool bhas, neg, thas = false, is_decl = false;
	uint64_t bsize, count;
	Dwarf_Off toff = 0;
	struct aot_err *err = aot_dw_die_at(d, off, &die);
	if (err)
		return err;
	if ((err = aot_dw_die_tag(d, die, &tag)) ||
	    (err = aot_dw_die_const(d, die, DW_AT_byte_size, &bhas, &neg, &bsize)))
		goto out;
	if (bhas && !neg) {
		*size = bsize;
		goto out;
	}
	switch (tag) {
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
	case DW_TAG_enumeration_type:	// an enum without a size takes its underlying type's
		if (!(err = aot_dw_die_type(d, die, &thas, &toff)))
			err = type_size(d, thas, toff, depth + 1, size, decl);
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		if (!(err = aot_dw_die_has(d, die, DW_AT_declaration, &is_decl)) && is_decl && decl)
			*decl = off;
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		*size = 8;
		break;
	case DW_TAG_ptr_to_member_type:
		// A pointer to a member function is a function pointer and an adjustment.
		if (!(err = aot_dw_die_type(d, die, &thas, &toff)) && thas)
			err = aot_dw_tag_at(d, toff, &ttag);
		*size = ttag == DW_TAG_subroutine_type ? 16 : 8;
		break;
	case DW_TAG_array_type:
		if (!(err = aot_dw_array_dims(d, die, NULL, &count)) && count &&
		    !(err = aot_dw_die_type(d, die, &thas, &toff)) &&
		    !(err = type_size(d, thas, toff, depth + 1, size, NULL)) &&
		    __builtin_mul_overflow(*size, count, size))
			*size = 0;
		break;
	default:
		break;
	}
out:
	dwarf_dealloc_die(die);
	return err;
}

/* ---------------------------------------------------------------------- */
/* Members */

/* ULEB128 at *P (before END); false if it runs off the end or past 64 bits. */
static bool uleb(const uint8_t **p, const uint8_t *end, uint64_t *ret)
{
	uint64_t v = 0;
	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = v;
			return true;
		}
	}
	return false;
}

/* An offset written as an expression: DW_OP_plus_uconst N (GCC's DWARF 2/3) or DW_OP_constu N. */
static bool expr_offset(const uint8_t *p, uint64_t len, uint64_t *ret)
{
	const uint8_t *end = p + len;
	if (len < 2 || (p[0] != DW_OP_plus_uconst && p[0] != DW_OP_constu))
		return false;
	p++;
	return uleb(&p, end, ret) && p == end;
}

/*
 * DW_AT_data_member_location: a constant, or an expression that adds a
 * constant.  *HAS is false when absent (a union member: offset 0) or not
 * something we can evaluate without an object (a virtual base).
 */
static struct aot_err *member_location(struct aot_dwarf *d, Dwarf_Die die, bool *has,
				       uint64_t *ret)
{
	Dwarf_Attribute a = NULL;
	Dwarf_Error e = NULL;
	Dwarf_Half form = 0, version = 0, offset_size = 0;
	*has = false;
	*ret = 0;
	int r = dwarf_attr(die, DW_AT_data_member_location, &a, &e);
	if (r == DW_DLV_NO_ENTRY)
		return NULL;
	if (r == DW_DLV_ERROR)
		return aot_dw_err(d, e, aot_dw_die_off(d, die), "DW_AT_data_member_location");
	r = dwarf_whatform(a, &form, &e);
	if (r == DW_DLV_OK)
		dwarf_get_version_of_die(die, &version, &offset_size);
	if (r == DW_DLV_OK) {
		Dwarf_Unsigned u = 0, len = 0;
		Dwarf_Signed s = 0;
		Dwarf_Ptr ptr = NULL;
		Dwarf_Block *blk = NULL;
		switch (form) {
		case DW_FORM_data4:
		case DW_FORM_data8:
			// Before DWARF 4 these forms were location list offsets.
			if (version < 4)
				break;
			/* fall through */
		case DW_FORM_data1:
		case DW_FORM_data2:
		case DW_FORM_udata:
			if ((r = dwarf_formudata(a, &u, &e)) == DW_DLV_OK)
				*has = true, *ret = u;
			break;
		case DW_FORM_sdata:
		case DW_FORM_implicit_const:
			if ((r = dwarf_formsdata(a, &s, &e)) == DW_DLV_OK && s >= 0)
				*has = true, *ret = (uint64_t)s;
			break;
		case DW_FORM_exprloc:
			if ((r = dwarf_formexprloc(a, &len, &ptr, &e)) == DW_DLV_OK)
				*has = expr_offset(ptr, len, ret);
			break;
		case DW_FORM_block1:
		case DW_FORM_block2:
		case DW_FORM_block4:
		case DW_FORM_block:
			if ((r = dwarf_formblock(a, &blk, &e)) == DW_DLV_OK) {
				*has = expr_offset(blk->bl_data, blk->bl_len, ret);
				dwarf_dealloc(d->dbg, blk, DW_DLA_BLOCK);
			}
			break;
		default:
			break;
		}
	}
	dwarf_dealloc_attribute(a);
	if (r == DW_DLV_ERROR)
		return aot_dw_err(d, e, aot_dw_die_off(d, die), "DW_AT_data_member_location");
	return NULL;
}

/*
 * Place a bit-field: OFFSET becomes the start of its storage unit (SIZE bytes,
 * the type's size) and BIT_OFFSET counts little-endian bits from there, for
 * both conventions: DWARF 4+ DW_AT_data_bit_offset (bits from the start of
 * the struct) and DWARF 2/3 DW_AT_bit_offset (bits from the most significant
 * end of a DW_AT_byte_size unit at DW_AT_data_member_location).
 */
static struct aot_err *place_bitfield(struct aot_dwarf *d, Dwarf_Die die, uint64_t bits,
				      struct aot_member *m)
{
	bool has, neg, has_unit, unit_neg;
	uint64_t v, unit;
	struct aot_err *err = aot_dw_die_const(d, die, DW_AT_data_bit_offset, &has, &neg, &v);
	if (err)
		return err;
	uint64_t total;
	if (has && !neg) {
		total = m->offset * 8 + v;
	} else {
		if ((err = aot_dw_die_const(d, die, DW_AT_bit_offset, &has, &neg, &v)) ||
		    (err = aot_dw_die_const(d, die, DW_AT_byte_size, &has_unit, &unit_neg, &unit)))
			return err;
		if (has_unit && !unit_neg && unit && unit <= 16)
			m->size = unit;
		uint64_t unit_bits = m->size * 8;
		if (!has || neg || v + bits > unit_bits)
			v = unit_bits >= bits ? unit_bits - bits : 0;	// nonsense: take the low end
		total = m->offset * 8 + (unit_bits - v - bits);
	}
	uint64_t unit_bytes = m->size && m->size <= 16 ? m->size : 1;
	m->offset = total / 8 / unit_bytes * unit_bytes;
	// A field that straddles its natural unit (packed structs) is placed by byte.
	if (total - m->offset * 8 + bits > unit_bytes * 8)
		m->offset = total / 8;
	uint64_t bo = total - m->offset * 8;
	if (bo > UINT16_MAX || bits > UINT16_MAX)
		return aot_err_input(d->path, aot_dw_die_off(d, die), ".debug_info",
				     "bit-field at bit %llu of %llu bits is out of range",
				     (unsigned long long)bo, (unsigned long long)bits);
	m->bit_offset = (uint16_t)bo;
	m->bit_size = (uint16_t)bits;
	return NULL;
}

/* Fill M from a DW_TAG_member, DW_TAG_inheritance or (static) DW_TAG_variable DIE. */
static struct aot_err *read_member(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half tag,
				   struct aot_member *m, Dwarf_Off *decl)
{
	const char *name;
	bool has, thas, is_decl = false, ext = false, neg;
	uint64_t bits;
	Dwarf_Off toff;
	struct aot_err *err;
	if ((err = aot_dw_die_name(d, die, &name)) || (err = aot_dw_die_type(d, die, &thas, &toff)))
		return err;
	if ((err = aot_dw_spell(d, thas, toff, "", 0, &m->type_name)) ||
	    (err = type_size(d, thas, toff, 0, &m->size, decl)))
		return err;
	if (strlen(m->type_name) > MAX_NAME)
		m->type_name[MAX_NAME] = '\0';
	m->is_base = tag == DW_TAG_inheritance;
	// DWARF 4 declares a static member as a member with DW_AT_declaration; 5 as a variable.
	if (tag == DW_TAG_member && ((err = aot_dw_die_has(d, die, DW_AT_declaration, &is_decl)) ||
				     (err = aot_dw_die_has(d, die, DW_AT_external, &ext))))
		return err;
	m->is_static = tag == DW_TAG_variable || is_decl || ext;
	m->name = m->is_base ? strdup(m->type_name) : name_dup(name ? name : "");
	if (!m->name)
		return &aot_enomem;
	if (m->is_static)
		return NULL;
	if ((err = member_location(d, die, &has, &m->offset)) ||
	    (err = aot_dw_die_const(d, die, DW_AT_bit_size, &has, &neg, &bits)))
		return err;
	if (has && !neg && bits)
		err = place_bitfield(d, die, bits, m);
	return err;
}

/*
 * A member whose class is defined nowhere gets the size the layout leaves
 * it: up to the next member, or to the end of the type.  (A base cannot be
 * sized that way: an empty one shares its offset with the next member.)
 */
void aot_dw_size_from_gaps(struct aot_type *t, const Dwarf_Off *decls)
{
	for (size_t i = 0; i < t->nmembers; i++) {
		struct aot_member *m = &t->members[i];
		if (!decls[i] || m->is_static || m->is_base || m->size)
			continue;
		uint64_t end = t->size;
		for (size_t j = i + 1; j < t->nmembers; j++) {
			if (!t->members[j].is_static && t->members[j].offset > m->offset) {
				end = t->members[j].offset;
				break;
			}
		}
		if (end > m->offset)
			m->size = end - m->offset;
	}
}

/*
 * Read the complete type DIE at OFF as NAME.  *DECLS gets, for each member,
 * the declaration DIE of its class when this CU has only a declaration (0
 * otherwise), for the caller to size from a definition elsewhere.
 */
struct aot_err *aot_dw_read_type(struct aot_dwarf *d, const char *name, Dwarf_Off off,
				 struct aot_type **ret, Dwarf_Off **decls)
{
	Dwarf_Die die, kid = NULL;
	bool has, neg;
	size_t cap = 0;
	*decls = NULL;
	struct aot_err *err = aot_dw_die_at(d, off, &die);
	if (err)
		return err;
	struct aot_type *t = calloc(1, sizeof(*t));
	if (!t || !(t->name = strdup(name))) {
		err = &aot_enomem;
		goto out;
	}
	if ((err = aot_dw_die_const(d, die, DW_AT_byte_size, &has, &neg, &t->size)) ||
	    (err = aot_dw_die_child(d, die, &kid)))
		goto out;
	if (neg)
		t->size = 0;
	while (kid) {
		Dwarf_Half tag;
		if ((err = aot_dw_die_tag(d, kid, &tag)))
			goto out;
		if (tag == DW_TAG_member || tag == DW_TAG_inheritance || tag == DW_TAG_variable) {
			if (t->nmembers == MAX_MEMBERS) {
				err = aot_err_input(d->path, off, ".debug_info",
						    "%s has more than %d members", name,
						    MAX_MEMBERS);
				goto out;
			}
			if (t->nmembers == cap) {
				cap = cap ? 2 * cap : 32;
				struct aot_member *nm = realloc(t->members, cap * sizeof(*nm));
				Dwarf_Off *nd = realloc(*decls, cap * sizeof(*nd));
				if (nm)
					t->members = nm;
				if (nd)
					*decls = nd;
				if (!nm || !nd) {
					err = &aot_enomem;
					goto out;
				}
			}
			struct aot_member *m = &t->members[t->nmembers];
			*m = (struct aot_member){ 0 };
			(*decls)[t->nmembers] = 0;
			// Counted before it is filled, so that a failure frees what it holds.
			t->nmembers++;
			if ((err = read_member(d, kid, tag, m, &(*decls)[t->nmembers - 1])))
				goto out;
		}
		Dwarf_Die next;
		err = aot_dw_die_next(d, kid, &next);
		kid = next;
		if (err)
			goto out;
	}
out:
	if (kid)
		dwarf_dealloc_die(kid);
	dwarf_dealloc_die(die);
	if (err) {
		aot_type_destroy(t);
		free(*decls);
		*decls = NULL;
		return err;
	}
	*ret = t;
	return NULL;
}
