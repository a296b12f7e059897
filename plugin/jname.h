/*
 * Java's spelling of JVM-internal names, as the JVM itself prints them in
 * its map log and in exceptions: "java/lang/String" -> "java.lang.String",
 * "(I[J)V" -> "void (int, long[])", access flags as Java words.
 */
#ifndef AOTDBG_JNAME_H
#define AOTDBG_JNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether INTERNAL is a hidden class's name: it ends in "+0x<hex>". */
bool aot_jname_is_hidden(const char *internal);

/* External class name (Klass::external_name): '/' -> '.', a hidden class's "+0x…" -> "/0x…". */
char *aot_jname_class(const char *internal);

/*
 * "ret Holder.name(args)" as Method::print_external_name writes it.
 * NULL on a malformed signature (the caller shows the raw one).
 */
char *aot_jname_method(const char *holder_external, const char *name, const char *sig);

/* One field descriptor at *P ("[Ljava/lang/String;") as Java ("java.lang.String[]"); advances *P. */
char *aot_jname_field_type(const char **p);

enum aot_flags_of { AOT_FLAGS_CLASS, AOT_FLAGS_METHOD, AOT_FLAGS_FIELD };
/* The JVM_ACC_* bits of FLAGS (of a class, method or field) as Java words: "public final super". */
void aot_jname_flags(uint32_t flags, enum aot_flags_of of, char *buf, size_t len);

#endif
