# alfoil - GNU Make build.
#
#   make            release build: ./alfoil
#   make check      sanitizer (ASan+UBSan) build, unit tests, capture tests
#   make example    build the bundled example capture (examples/home.pcap)
#   make fuzz       libFuzzer targets (clang) under build/fuzz/
#   make bench      benchmark against libpcap and ndpiReader (bench/)
#
# Warnings are errors. Sources are found by wildcard: adding a file to a
# layer folder adds it to the build.

CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla \
           -Wformat=2 -Wno-format-nonliteral
INC     := -Isrc
PKGS    := libpcap jansson nettle
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpcap -ljansson -lnettle)
LIBS    := $(PKG_LIBS) -lm

REL_CFLAGS := -O2 -g
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all
EXTRA_CFLAGS ?=

LAYERS  := lib capture decode track intel analyze output
LIB_SRC := $(foreach d,$(LAYERS),$(wildcard src/$(d)/*.c))
CMD_SRC := $(wildcard src/alfoil.c src/cmd_*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)

REL_OBJ := $(LIB_SRC:src/%.c=build/rel/%.o)
SAN_OBJ := $(LIB_SRC:src/%.c=build/san/%.o)

.PHONY: all check unit example fuzz bench clean distclean
all: alfoil

build/rel/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(REL_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@

build/san/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(SAN_CFLAGS) -MMD -MP -c $< -o $@

build/rel/libalfoil.a: $(REL_OBJ)
	@rm -f $@; ar rcs $@ $^

build/san/libalfoil.a: $(SAN_OBJ)
	@rm -f $@; ar rcs $@ $^

alfoil: $(CMD_SRC:src/%.c=build/rel/%.o) build/rel/libalfoil.a
	$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)

build/san/alfoil: $(CMD_SRC:src/%.c=build/san/%.o) build/san/libalfoil.a
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(LIBS)

# Unit tests: one cmocka program per tests/unit/test_*.c, sanitizer build.
build/san/tests/%: tests/unit/%.c build/san/libalfoil.a tests/unit/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) -Itests/unit $(PKG_CFLAGS) $(SAN_CFLAGS) -o $@ $< build/san/libalfoil.a $(LIBS) -lcmocka

UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/san/tests/%)

unit: $(UNIT_BIN)

# Tools (the example generator) are plain C with libpcap.
build/rel/mkexample: tools/mkexample.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(REL_CFLAGS) -o $@ $< $(LIBS)

example: examples/home.pcap
examples/home.pcap: build/rel/mkexample
	@mkdir -p examples
	build/rel/mkexample $@

check: $(UNIT_BIN) build/san/alfoil alfoil examples/home.pcap
	@tests/run-tests.sh build/san

fuzz:
	$(MAKE) -C fuzz

bench: alfoil
	bench/run-bench.sh

clean:
	rm -rf build alfoil

-include $(shell find build -name '*.d' 2>/dev/null)
