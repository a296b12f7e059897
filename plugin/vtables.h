/*
 * The cloned C++ vtables of a static archive (cds/cppVtables.cpp): every
 * archived object of a class with virtual methods has its vptr pointing at
 * one of them, so they tell an object's C++ type without guessing.
 */
#ifndef AOTDBG_VTABLES_H
#define AOTDBG_VTABLES_H

#include "meta.h"

/*
 * Find the vtable index of static archive AR and check it: the index is a
 * run of pointers to CppVtableInfo records {size; slots[size]} laid end to
 * end, and their number must be the one this JDK's CPP_VTABLE_TYPES_DO has.
 */
struct aot_err *aot_vtables_load(struct aot_meta *m, const struct aot_archive *ar,
				 struct aot_vtables *vt);

/* The type whose cloned vtable VPTR is, or AOT_MT_UNKNOWN. */
enum aot_mtype aot_vtables_type(const struct aot_vtables *vt, uint64_t vptr);

#endif
