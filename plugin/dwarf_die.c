/*
 * libdwarf access for the DWARF type reader: opening and closing the debug
 * file, and small wrappers that read one thing of a DIE and turn every
 * libdwarf failure into an aot_err naming the DIE's offset.
 */
#include "dwarf_internal.h"

#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

struct aot_err *aot_dw_err(struct aot_dwarf *d, Dwarf_Error e, Dwarf_Off off, const char *what)
{
	struct aot_err *err = aot_err_input(d->path, off, ".debug_info", "%s: %s", what,
					    e ? dwarf_errmsg(e) : "libdwarf failed");
	if (e)
		dwarf_dealloc_error(d->dbg, e);
	return err;
}

/* DIE's offset, for messages and ordering checks (0 if libdwarf cannot say). */
Dwarf_Off aot_dw_die_off(struct aot_dwarf *d, Dwarf_Die die)
{
	Dwarf_Off off = 0;
	Dwarf_Error e = NULL;
	if (dwarf_dieoffset(die, &off, &e) == DW_DLV_ERROR)
		dwarf_dealloc_error(d->dbg, e);
	return off;
}

/* Open the debug file with libdwarf, unless it is open already. */
struct aot_err *aot_dw_open(struct aot_dwarf *d)
{
	if (d->dbg)
		return NULL;
	d->fd = open(d->path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0)
		return aot_err_os(errno, "%s: cannot open", d->path);
	Dwarf_Error e = NULL;
	int r = dwarf_init_b(d->fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &d->dbg, &e);
	if (r == DW_DLV_OK) {
		d->next_cu = 0;
		return NULL;
	}
	struct aot_err *err;
	if (r == DW_DLV_NO_ENTRY) {
		err = aot_errf(AOT_ERR_NOT_FOUND, "%s: no DWARF debug info", d->path);
	} else {
		err = aot_err_input(d->path, 0, "DWARF", "%s", dwarf_errmsg(e));
		dwarf_dealloc_error(NULL, e);
	}
	d->dbg = NULL;
	close(d->fd);
	d->fd = -1;
	return err;
}

/* Close libdwarf and the file, and forget what was read from them; the answers stay. */
void aot_dw_close(struct aot_dwarf *d)
{
	aot_dw_forget_scopes(d);
	if (d->dbg) {
		Dwarf_Error e = NULL;
		if (dwarf_finish(d->dbg, &e) == DW_DLV_ERROR)
			dwarf_dealloc_error(NULL, e);
		d->dbg = NULL;
	}
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->next_cu = 0;
}

struct aot_err *aot_dw_die_at(struct aot_dwarf *d, Dwarf_Off off, Dwarf_Die *ret)
{
	Dwarf_Error e = NULL;
	int r = dwarf_offdie_b(d->dbg, off, true, ret, &e);
	if (r == DW_DLV_OK)
		return NULL;
	if (r == DW_DLV_NO_ENTRY)
		return aot_err_input(d->path, off, ".debug_info", "no DIE at this offset");
	return aot_dw_err(d, e, off, "reading a DIE");
}

struct aot_err *aot_dw_die_tag(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half *ret)
{
	Dwarf_Error e = NULL;
	if (dwarf_tag(die, ret, &e) != DW_DLV_OK)
		return aot_dw_err(d, e, aot_dw_die_off(d, die), "DIE tag");
	return NULL;
}

/* DIE's DW_AT_name, pointing into libdwarf's section data; NULL if it has none. */
struct aot_err *aot_dw_die_name(struct aot_dwarf *d, Dwarf_Die die, const char **ret)
{
	char *s = NULL;
	Dwarf_Error e = NULL;
	int r = dwarf_diename(die, &s, &e);
	*ret = r == DW_DLV_OK ? s : NULL;
	return r == DW_DLV_ERROR ? aot_dw_err(d, e, aot_dw_die_off(d, die), "DW_AT_name") : NULL;
}

struct aot_err *aot_dw_die_has(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half at, bool *ret)
{
	Dwarf_Bool b = 0;
	Dwarf_Error e = NULL;
	if (dwarf_hasattr(die, at, &b, &e) != DW_DLV_OK)
		return aot_dw_err(d, e, aot_dw_die_off(d, die), "attribute");
	*ret = b;
	return NULL;
}

/*
 * The .debug_info offset a reference attribute AT of DIE points at (any
 * reference form, DW_FORM_ref_addr across CUs included); *HAS is false when
 * DIE has no such attribute (for DW_AT_type: void).
 */
struct aot_err *aot_dw_die_ref(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half at, bool *has,
			       Dwarf_Off *ret)
{
	Dwarf_Attribute a = NULL;
	Dwarf_Error e = NULL;
	*has = false;
	int r = dwarf_attr(die, at, &a, &e);
	if (r == DW_DLV_NO_ENTRY)
		return NULL;
	if (r == DW_DLV_ERROR)
		return aot_dw_err(d, e, aot_dw_die_off(d, die), "reference attribute");
	r = dwarf_global_formref(a, ret, &e);
	dwarf_dealloc_attribute(a);
	if (r != DW_DLV_OK)
		return aot_dw_err(d, r == DW_DLV_ERROR ? e : NULL, aot_dw_die_off(d, die),
				  "reference attribute");
	*has = true;
	return NULL;
}

struct aot_err *aot_dw_die_type(struct aot_dwarf *d, Dwarf_Die die, bool *has, Dwarf_Off *ret)
{
	return aot_dw_die_ref(d, die, DW_AT_type, has, ret);
}

/*
 * A constant-class attribute.  *HAS is false when it is absent or not a
 * constant (an expression, a reference).  *NEG is set for a negative value,
 * which *RET then holds in two's complement.
 */
struct aot_err *aot_dw_die_const(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Half at, bool *has,
				 bool *neg, uint64_t *ret)
{
	Dwarf_Attribute a = NULL;
	Dwarf_Error e = NULL;
	Dwarf_Half form = 0;
	*has = *neg = false;
	*ret = 0;
	int r = dwarf_attr(die, at, &a, &e);
	if (r == DW_DLV_NO_ENTRY)
		return NULL;
	if (r == DW_DLV_ERROR)
		return aot_dw_err(d, e, aot_dw_die_off(d, die), "constant attribute");
	r = dwarf_whatform(a, &form, &e);
	if (r == DW_DLV_OK) {
		Dwarf_Unsigned u = 0;
		Dwarf_Signed s = 0;
		switch (form) {
		case DW_FORM_data1:
		case DW_FORM_data2:
		case DW_FORM_data4:
		case DW_FORM_data8:
		case DW_FORM_udata:
			r = dwarf_formudata(a, &u, &e);
			*ret = u;
			*has = r == DW_DLV_OK;
			// A data4 upper bound of 0xffffffff is GCC's -1 for a zero-length array.
			*neg = *has && ((form == DW_FORM_data4 && u == UINT32_MAX) || u == UINT64_MAX);
			break;
		case DW_FORM_sdata:
		case DW_FORM_implicit_const:
			r = dwarf_formsdata(a, &s, &e);
			*ret = (uint64_t)s;
			*has = r == DW_DLV_OK;
			*neg = *has && s < 0;
			break;
		default:
			break;
		}
	}
	dwarf_dealloc_attribute(a);
	if (r == DW_DLV_ERROR)
		return aot_dw_err(d, e, aot_dw_die_off(d, die), "constant attribute");
	return NULL;
}

/* The first child of DIE, or NULL. */
struct aot_err *aot_dw_die_child(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Die *ret)
{
	Dwarf_Error e = NULL;
	*ret = NULL;
	int r = dwarf_child(die, ret, &e);
	if (r == DW_DLV_ERROR)
		return aot_dw_err(d, e, aot_dw_die_off(d, die), "first child");
	return NULL;
}

/*
 * The next sibling of DIE, or NULL; DIE is freed either way.  A sibling that
 * does not come after DIE means a corrupt DW_AT_sibling, and a loop.
 */
struct aot_err *aot_dw_die_next(struct aot_dwarf *d, Dwarf_Die die, Dwarf_Die *ret)
{
	Dwarf_Error e = NULL;
	Dwarf_Off off = aot_dw_die_off(d, die);
	*ret = NULL;
	int r = dwarf_siblingof_b(d->dbg, die, true, ret, &e);
	dwarf_dealloc_die(die);
	if (r == DW_DLV_ERROR)
		return aot_dw_err(d, e, off, "next sibling");
	if (*ret && aot_dw_die_off(d, *ret) <= off) {
		struct aot_err *err = aot_err_input(d->path, off, ".debug_info",
						    "sibling at 0x%llx does not follow its DIE",
						    (unsigned long long)aot_dw_die_off(d, *ret));
		dwarf_dealloc_die(*ret);
		*ret = NULL;
		return err;
	}
	return NULL;
}

struct aot_err *aot_dw_tag_at(struct aot_dwarf *d, Dwarf_Off off, Dwarf_Half *ret)
{
	Dwarf_Die die;
	struct aot_err *err = aot_dw_die_at(d, off, &die);
	if (err)
		return err;
	err = aot_dw_die_tag(d, die, ret);
	dwarf_dealloc_die(die);
	return err;
}
