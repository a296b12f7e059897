# aotdbg: a debugger extension and CLI for HotSpot CDS archives and AOT caches.
#
#   make                 build/libaotdbg.so and build/aotdbg
#   make check           install dependencies, build (plain and ASan+UBSan),
#                        provision the JDK matrix and corpus, run every test
#   make demo            a real JVM, its real AOT cache, and aotdbg on it
#   make bench           timings beside the JVM's own tools
#   make fuzz            every libFuzzer target for FUZZ_SECONDS each (docs/fuzzing.md)
#   make install PREFIX=/usr/local

PREFIX ?= /usr/local
CC ?= cc
BUILD ?= build

PKGS := libelf readline zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lelf -lreadline -lz)
# Debian's libdwarf-dev ships no .pc file; fall back to its include directory.
DWARF_CFLAGS := $(shell pkg-config --cflags libdwarf 2>/dev/null || echo -I/usr/include/libdwarf)
DWARF_LIBS := $(shell pkg-config --libs libdwarf 2>/dev/null || echo -ldwarf)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) -fPIC -fvisibility=hidden $(PKG_CFLAGS) $(DWARF_CFLAGS) $(CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRCS := $(filter-out plugin/cli.c,$(wildcard plugin/*.c))
LIB_OBJS := $(LIB_SRCS:plugin/%.c=$(BUILD)/obj/%.o)
SAN_OBJS := $(LIB_SRCS:plugin/%.c=$(BUILD)/san/%.o)
HDRS := $(wildcard plugin/*.h plugin/*.def)

all: $(BUILD)/libaotdbg.so $(BUILD)/aotdbg

$(BUILD)/obj/%.o: plugin/%.c $(HDRS) | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/san/%.o: plugin/%.c $(HDRS) | $(BUILD)/san
	$(CC) $(ALL_CFLAGS) -O1 $(SAN_FLAGS) -c -o $@ $<

$(BUILD)/obj $(BUILD)/san:
	mkdir -p $@

$(BUILD)/libaotdbg.so: $(LIB_OBJS) plugin/libaotdbg.map
	$(CC) -shared -Wl,--version-script=plugin/libaotdbg.map -o $@ $(LIB_OBJS) $(PKG_LIBS) $(DWARF_LIBS)

$(BUILD)/aotdbg: $(BUILD)/obj/cli.o $(LIB_OBJS)
	$(CC) -o $@ $^ $(PKG_LIBS) $(DWARF_LIBS)

# The same CLI with AddressSanitizer and UndefinedBehaviorSanitizer: the tests run this one.
$(BUILD)/aotdbg-san: $(BUILD)/san/cli.o $(SAN_OBJS)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS) $(DWARF_LIBS)

# The library with them too, for front-end tests that load it into Python (LD_PRELOAD libasan).
$(BUILD)/libaotdbg-san.so: $(SAN_OBJS) plugin/libaotdbg.map
	$(CC) -shared $(SAN_FLAGS) -Wl,--version-script=plugin/libaotdbg.map -o $@ $(SAN_OBJS) $(PKG_LIBS) $(DWARF_LIBS)

san: $(BUILD)/aotdbg-san $(BUILD)/libaotdbg-san.so

# libFuzzer targets: every fuzz/fuzz_*.c is one, linked with the other
# fuzz/*.c helpers and the library built with clang's coverage, ASan and UBSan.
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := $(filter-out $(CFLAGS),$(ALL_CFLAGS)) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	-Wno-missing-field-initializers  # clang, unlike gcc, counts designated initializers' omissions
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_HELPERS := $(filter-out $(wildcard fuzz/fuzz_*.c),$(wildcard fuzz/*.c))
FUZZ_LIB_OBJS := $(LIB_SRCS:plugin/%.c=$(BUILD)/fuzzobj/%.o)
FUZZ_HELPER_OBJS := $(FUZZ_HELPERS:fuzz/%.c=$(BUILD)/fuzzobj/fuzz_helper_%.o)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= 1

$(BUILD)/fuzzobj/%.o: plugin/%.c $(HDRS) | $(BUILD)/fuzzobj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(BUILD)/fuzzobj/fuzz_helper_%.o: fuzz/%.c $(wildcard fuzz/*.h) $(HDRS) | $(BUILD)/fuzzobj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(BUILD)/fuzz/%: fuzz/%.c $(FUZZ_HELPER_OBJS) $(FUZZ_LIB_OBJS) $(wildcard fuzz/*.h) | $(BUILD)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_HELPER_OBJS) $(FUZZ_LIB_OBJS) \
		$(PKG_LIBS) $(DWARF_LIBS)

$(BUILD)/fuzzobj $(BUILD)/fuzz:
	mkdir -p $@

# Only pattern rules name the helpers' objects: keep make from deleting them as intermediates.
.SECONDARY: $(FUZZ_HELPER_OBJS)

# Cuts fuzzer seeds from real archives (fuzz/run.py); built like the targets, without libFuzzer.
$(BUILD)/fuzz/seedcut: fuzz/tools/seedcut.c $(FUZZ_LIB_OBJS) | $(BUILD)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB_OBJS) $(PKG_LIBS) $(DWARF_LIBS)

fuzz-build: $(FUZZ_BINS) $(BUILD)/fuzz/seedcut

# Each target for FUZZ_SECONDS on seeds cut from the corpus; findings land in build/fuzz/findings/.
fuzz: fuzz-build
	python3 fuzz/run.py --build $(BUILD) --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS) $(FUZZ_TARGETS)

# The JDK matrix, the corpus of real archives the tests compare against, and
# gdb's ptype/o of the types aot-ptype is checked with, and gdb's view of
# archived classes in live JVMs (downloaded and generated once, cached under
# testdata/cache/).
corpus:
	bash testdata/setup-jdks.sh
	bash testdata/gen-corpus.sh
	bash testdata/gen-ptype.sh
	bash testdata/gen-gdbklass.sh

# Every test, against the sanitizer build; installs what it needs first.
check:
	bash testdata/install-deps.sh
	$(MAKE) all san fuzz-build
	$(MAKE) corpus
	python3 testdata/run_tests.py --aotdbg $(BUILD)/aotdbg-san

# The main job on a real cache: a JVM running from its AOT cache, and aotdbg on it.
demo:
	bash testdata/install-deps.sh
	$(MAKE) all
	bash testdata/demo.sh

bench: all
	python3 testdata/bench.py --aotdbg $(BUILD)/aotdbg

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/share/aotdbg
	install -m 755 $(BUILD)/aotdbg $(DESTDIR)$(PREFIX)/bin/aotdbg
	install -m 755 $(BUILD)/libaotdbg.so $(DESTDIR)$(PREFIX)/lib/libaotdbg.so
	cp -r gdb-scripts lldb plugin/python $(DESTDIR)$(PREFIX)/share/aotdbg/

clean:
	rm -rf $(BUILD)

.PHONY: all san corpus check demo bench install clean fuzz fuzz-build
