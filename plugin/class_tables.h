/*
 * The classes an archive's own tables name: the SystemDictionaryShared
 * dictionaries (builtin, unregistered, lambda proxy), the AOTLinkedClassTable
 * (25+), Universe's array klasses, the vmClasses and a dynamic archive's
 * array klasses.  Found by decoding the serialized data stream the JVM reads
 * at startup, never by scanning memory for patterns.
 *
 * Recipes per JDK: docs/class-tables.md.
 */
#ifndef AOTDBG_CLASS_TABLES_H
#define AOTDBG_CLASS_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "err.h"
#include "klass.h"

struct aot_session;

enum aot_class_source {
	AOT_CSRC_BUILTIN_DICT,		/* SystemDictionaryShared builtin dictionary */
	AOT_CSRC_UNREGISTERED_DICT,	/* classes of custom loaders */
	AOT_CSRC_LAMBDA_PROXY_DICT,	/* lambda proxies, with the chain of each entry */
	AOT_CSRC_AOT_LINKED_TABLE,	/* AOTLinkedClassTable lists (25+) */
	AOT_CSRC_UNIVERSE,		/* type-array klasses, [Object, filler array */
	AOT_CSRC_VM_CLASSES,		/* vmClasses::_klasses */
	AOT_CSRC_DYNAMIC_ARRAYS,	/* DynamicArchive::_dynamic_archive_array_klasses (21+) */
	AOT_CSRC_COUNT
};

struct aot_table_class {
	uint64_t addr;		/* in the session target's address space */
	uint8_t source;		/* enum aot_class_source */
	uint8_t loader_hint;	/* enum aot_loader (klass.h), when the table says */
};

/*
 * The classes AR's own tables name, in the session target's address space
 * (the archive's mapped base, aot_session_mapped_base()).  For a dynamic
 * archive only its own tables are read (its base's vtables are used to
 * check them); call again with ar->base for the base archive's.
 * Duplicates are possible (a class can be in several tables); the caller
 * dedups.  *RET is malloc'ed; free() it.  Every klass is checked to start
 * with the cloned vtable of a Klass kind; a failed check is an error that
 * names the archive, the offset and what was expected.
 */
struct aot_err *aot_class_tables(struct aot_session *s, const struct aot_archive *ar,
				 struct aot_table_class **ret, size_t *n);

const char *aot_class_source_name(enum aot_class_source src);

/*
 * Universe's shared arrays in a static archive: the array classes'
 * interfaces (Array<Klass*>), then the empty int, short, Method*, Klass*
 * and InstanceKlass* arrays.  All 0 for a dynamic archive.
 */
#define AOT_UNIVERSE_ARRAYS 6
struct aot_err *aot_universe_arrays(struct aot_session *s, const struct aot_archive *ar,
				   uint64_t arrays[AOT_UNIVERSE_ARRAYS]);

struct aot_table_size {
	uint64_t entries, buckets, entry_bytes, bucket_bytes;
};
/* The sizes of AR's shared SymbolTable and (static archives) StringTable. */
struct aot_err *aot_string_symbol_tables(struct aot_session *s, const struct aot_archive *ar,
					 struct aot_table_size *symbols, struct aot_table_size *strings);

/* Every symbol of AR's shared SymbolTable (its CompactHashtable): a malloc'd array. */
struct aot_err *aot_symbol_table(struct aot_session *s, const struct aot_archive *ar,
				 uint64_t **ret, size_t *n);

/*
 * What an AOT cache's (25+) stream names besides classes and symbols, for
 * the object walk (walk_aot_roots.c): the TrainingData dictionary's values,
 * AdapterHandlerLibrary's archived table of AdapterHandlerEntries, the
 * MethodHandle intrinsics (an Array<Method*> in the untyped tail of a
 * region), and from 27 on the archived module graph of the three builtin
 * loaders.  Session addresses; 0 where the stream holds null.  The arrays
 * are malloc'd: aot_aot_roots_free().
 */
struct aot_aot_roots {
	uint64_t *training;	/* KlassTrainingData / MethodTrainingData */
	size_t ntraining;
	uint64_t *adapters;	/* AdapterHandlerEntry */
	size_t nadapters;
	uint64_t mh_intrinsics;	/* Array<Method*>* */
	/* 27: ClassLoaderDataShared: boot, platform, system loader, each Array<PackageEntry*>*,
	   Array<ModuleEntry*>* and its unnamed ModuleEntry*; then java.base's ModuleEntry* */
	uint64_t modules[3][3];
	uint64_t javabase;
};

struct aot_err *aot_aot_roots(struct aot_session *s, const struct aot_archive *ar, struct aot_aot_roots *r);
void aot_aot_roots_free(struct aot_aot_roots *r);

/*
 * The symbols vmSymbols::serialize lists in AR's stream (a dynamic
 * archive's are its base's), indexed by vmSymbolID: (*RET)[i] is the
 * session address of symbol i, [0] unused.  Injected fields are named by
 * these ids.  *RET is malloc'ed.
 */
struct aot_err *aot_vm_symbols(struct aot_session *s, const struct aot_archive *ar, uint64_t **ret,
			       size_t *n);

/* JDK 21: the narrowOop of HeapShared's roots array, which the stream holds (no header field). */
struct aot_err *aot_heap_roots_21(struct aot_session *s, const struct aot_archive *ar,
				  uint32_t *narrow);

#endif
