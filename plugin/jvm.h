/*
 * The JVM build whose layouts we use: its libjvm.so, the gHotSpotVM tables
 * decoded from it, and (on demand) its DWARF.
 *
 * Which libjvm: --jvm PATH, else --java-home DIR, else, for an archive, the
 * JDK whose libjvm holds the archive's jvm_ident string (the JVM copies
 * VM_Version::internal_vm_info_string(), a string literal, into the header).
 * A libjvm that does not hold the ident of the archive is refused: layouts
 * of another build would decode garbage that looks plausible.
 */
#ifndef AOTDBG_JVM_H
#define AOTDBG_JVM_H

#include <stdbool.h>

#include "dwarf_types.h"
#include "elf_file.h"
#include "elf_image.h"
#include "target.h"
#include "target_proc.h"
#include "vmstructs.h"

struct aot_jvm_opts {
	const char *jvm;		/* --jvm: a libjvm.so */
	const char *java_home;		/* --java-home */
	struct aot_dwarf_opts dwarf;	/* --debug-file, --cache-dir */
	int pid;			/* --pid: read the tables from this live JVM (0: none) */
	/*
	 * Attaching: the libjvm.so an attached process (or core) has mapped,
	 * with its file-offset-0 mapping at LOADED_START.  The tables come
	 * from the file (as for an archive alone), so a core need not hold
	 * them; --jvm, when given, names a copy of that file, and --java-home
	 * the JDK whose libjvm to use when that file is not on this machine.
	 */
	const char *loaded;
	uint64_t loaded_start;
};

struct aot_jvm {
	char *path;		/* the libjvm.so */
	char *found_by;		/* "--jvm", "--java-home", "jvm_ident found in …" */
	char *ident;		/* its internal_vm_info_string, or NULL if not found */
	struct aot_elf *elf;
	struct aot_elf_image *image;	/* NULL when the tables come from a live process */
	struct aot_proc *proc;
	uint64_t load_bias;		/* where the process (--pid, attached) has it loaded; 0 for a file alone */
	struct aot_target *target;
	struct aot_vmstructs *vm;	/* NULL when the tables are missing: vm_err says why */
	struct aot_err *vm_err;
	struct aot_dwarf *dwarf;	/* see aot_jvm_dwarf() */
	struct aot_err *dwarf_err;
	bool dwarf_tried;
	struct aot_dwarf_opts dwarf_opts;
};

/*
 * Find and open the libjvm for OPTS and, if JVM_IDENT is not NULL, check
 * that it is the build that wrote an archive with that ident.
 */
struct aot_err *aot_jvm_open(const struct aot_jvm_opts *opts, const char *jvm_ident,
			     const char *archive_path, struct aot_jvm **ret);
void aot_jvm_destroy(struct aot_jvm *j);	/* NULL-safe */

/* The DWARF of this libjvm, opened on first use; the error is kept and returned again. */
struct aot_err *aot_jvm_dwarf(struct aot_jvm *j, struct aot_dwarf **ret);

/* The run-time address of static field F of the tables in the attached process. */
uint64_t aot_jvm_static_addr(const struct aot_jvm *j, const struct aot_vm_field *f);

/* Whether the libjvm file holds IDENT, the jvm_ident of an archive it could have written. */
bool aot_jvm_holds_ident(const struct aot_jvm *j, const char *ident);

/* The feature release ("25") from the ident; NULL if unknown. */
const char *aot_jvm_feature(const struct aot_jvm *j, char *buf, size_t len);

#endif
