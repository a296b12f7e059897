# aotdbg: a debugger extension and CLI for HotSpot CDS archives and AOT caches.
#
#   make                 build/libaotdbg.so and build/aotdbg
#   make check           install dependencies, build (plain and ASan+UBSan),
#                        provision the JDK matrix and corpus, run every test
#   make demo            a real JVM, its real AOT cache, and aotdbg on it
#   make bench           timings beside the JVM's own tools
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

san: $(BUILD)/aotdbg-san

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
	$(MAKE) all san
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

.PHONY: all san corpus check demo bench install clean
