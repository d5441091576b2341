# alfoil - GNU Make build.
#
#   make            release build: ./alfoil
#   make check      sanitizer (ASan+UBSan) build, unit tests, capture tests
#   make tsan       the snapshot test's two threads under ThreadSanitizer
#   make example    build the bundled example capture (examples/home.pcap)
#   make fuzz       libFuzzer targets (clang) under build/fuzz/
#   make bench      benchmark against libpcap and ndpiReader (bench/)
#   make bench-live the bench capture replayed into a live capture (root)
#   make install    the binary, share/ data, the systemd unit and the config
#                   under $(DESTDIR)$(PREFIX) (docs/deploy.md); make uninstall
#
# Warnings are errors. Sources are found by wildcard: adding a file to a
# layer folder adds it to the build.

CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla \
           -Wformat=2 -Wno-format-nonliteral
INC     := -Isrc
PKGS    := libpcap jansson nettle libmaxminddb zlib sqlite3 libpsl libcurl libnftables
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpcap -ljansson -lnettle -lmaxminddb -lz -lsqlite3 -lpsl -lcurl -lnftables)
LIBS    := $(PKG_LIBS) -lm -pthread

# Link-time optimisation: the tracker's small accessors (table_get, dev_at,
# dest_at) live in their own files and are called for every packet; with
# -flto they are inlined across files (3.3% fewer instructions than the
# previous binary on the benchmark capture, 7% fewer than without it).
# Fat objects: anything linked without -flto still links.
REL_CFLAGS := -O2 -g -flto=auto -ffat-lto-objects
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all
EXTRA_CFLAGS ?=

LAYERS  := lib capture decode reasm track engine intel analyze policy output store enforce
LIB_SRC := $(foreach d,$(LAYERS),$(wildcard src/$(d)/*.c))
CMD_SRC := $(wildcard src/alfoil.c src/cmd_*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)

REL_OBJ := $(LIB_SRC:src/%.c=build/rel/%.o)
SAN_OBJ := $(LIB_SRC:src/%.c=build/san/%.o)

.PHONY: all check unit tsan example fuzz fuzz-corpus fuzz-smoke bench bench-live clean distclean
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

# tests/t-captures.sh: `inspect --json` over every shared capture in one
# process, the intel data loaded once (tests/tools/inspect-many.c)
build/san/inspect-many: tests/tools/inspect-many.c build/san/cmd_inspect.o build/san/cmd_inspect_args.o build/san/libalfoil.a
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(SAN_CFLAGS) -o $@ $< build/san/cmd_inspect.o build/san/cmd_inspect_args.o build/san/libalfoil.a $(LIBS)

# tests/t-history.sh: the store's recorder over captures, without watch
# (tests/tools/history-record.c)
build/san/history-record: tests/tools/history-record.c build/san/cmd_inspect.o build/san/cmd_inspect_args.o build/san/libalfoil.a
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(SAN_CFLAGS) -o $@ $< build/san/cmd_inspect.o build/san/cmd_inspect_args.o build/san/libalfoil.a $(LIBS)

# tests/t-live-reopen.sh: the engine live on several interfaces, with
# persist, as watch runs it (tests/tools/live-engine.c)
build/san/live-engine: tests/tools/live-engine.c build/san/libalfoil.a
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(SAN_CFLAGS) -o $@ $< build/san/libalfoil.a $(LIBS)

# ThreadSanitizer (make tsan): the snapshot test's two threads, one tracking
# a capture, the other building reports from its snapshots. Needs a capture
# (../shared/captures, else the example).
TSAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
TSAN_OBJ := $(LIB_SRC:src/%.c=build/tsan/%.o)

build/tsan/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(TSAN_CFLAGS) -MMD -MP -c $< -o $@

build/tsan/libalfoil.a: $(TSAN_OBJ)
	@rm -f $@; ar rcs $@ $^

build/tsan/tests/test_snapshot: tests/unit/test_snapshot.c build/tsan/libalfoil.a tests/unit/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) -Itests/unit $(PKG_CFLAGS) $(TSAN_CFLAGS) -o $@ $< build/tsan/libalfoil.a $(LIBS) -lcmocka

tsan: build/tsan/tests/test_snapshot examples/home.pcap
	SNAPSHOT_TESTS=test_threads TSAN_OPTIONS=halt_on_error=1:exitcode=66 build/tsan/tests/test_snapshot

# Tools (the example and flood generators) are plain C.
build/rel/mkexample: tools/mkexample.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(REL_CFLAGS) -o $@ $< $(LIBS)

build/rel/mkflood: tools/mkflood.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(REL_CFLAGS) -o $@ $<

build/rel/mkmonth: tools/mkmonth.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(REL_CFLAGS) -o $@ $<

example: examples/home.pcap
examples/home.pcap: build/rel/mkexample
	@mkdir -p examples
	build/rel/mkexample $@


# Fuzzing (docs/fuzzing.md): one libFuzzer target per application decoder
# plus the whole pipeline, built with clang, ASan and UBSan. Replay drivers
# of the same targets are built with the sanitizer build for the tests.
FUZZ_CC    ?= clang
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all
# the registry's decoders (src/decode/apps.def), and those of no line
FUZZ_APPS  := $(sort $(shell grep -o '_DEC.app_[a-z0-9_]*' src/decode/apps.def | sed 's/.*app_//') http tls ndp)
FUZZ_OWN   := packet mud capture policy report report_load reasm
FUZZ_TARGETS := $(FUZZ_APPS) $(FUZZ_OWN)
FUZZ_BIN   := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
REPLAY_BIN := $(FUZZ_TARGETS:%=build/san/fuzz/replay_%)
FUZZ_OBJ   := $(LIB_SRC:src/%.c=build/fuzz/obj/%.o)
FUZZ_SECONDS ?= 5
SHARED     ?= ../shared

build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

build/fuzz/libalfoil.a: $(FUZZ_OBJ)
	@rm -f $@; ar rcs $@ $^

# targets with a file of their own (fuzz/fuzz_NAME.c); the rest are the
# application decoders, all through fuzz/fuzz_app.c
$(FUZZ_OWN:%=build/fuzz/fuzz_%): build/fuzz/fuzz_%: fuzz/fuzz_%.c build/fuzz/libalfoil.a
	$(FUZZ_CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libalfoil.a $(LIBS)

build/fuzz/fuzz_%: fuzz/fuzz_app.c build/fuzz/libalfoil.a
	$(FUZZ_CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer \
		-DFUZZ_FN=app_$* $(if $(filter tls,$*),-DFUZZ_TLS_NEED) -o $@ $< build/fuzz/libalfoil.a $(LIBS)

$(FUZZ_OWN:%=build/san/fuzz/replay_%): build/san/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c build/san/libalfoil.a
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(SAN_CFLAGS) -o $@ $< fuzz/replay.c build/san/libalfoil.a $(LIBS)

build/san/fuzz/replay_%: fuzz/fuzz_app.c fuzz/replay.c build/san/libalfoil.a
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(SAN_CFLAGS) -DFUZZ_FN=app_$* \
		$(if $(filter tls,$*),-DFUZZ_TLS_NEED) -o $@ fuzz/fuzz_app.c fuzz/replay.c build/san/libalfoil.a $(LIBS)

build/rel/seeds: fuzz/seeds.c build/rel/libalfoil.a
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(REL_CFLAGS) -o $@ $< build/rel/libalfoil.a $(LIBS)

fuzz: $(FUZZ_BIN) build/rel/seeds

# the fuzz targets build and get a short run in check when clang is there
HAVE_FUZZ_CC := $(shell command -v $(FUZZ_CC) 2>/dev/null)
CHECK_FUZZ := $(if $(HAVE_FUZZ_CC),$(FUZZ_BIN) build/rel/seeds)

check: $(UNIT_BIN) build/san/alfoil alfoil examples/home.pcap $(REPLAY_BIN) build/rel/mkflood build/rel/mkmonth build/san/inspect-many build/san/history-record build/san/live-engine $(CHECK_FUZZ)
	@tests/run-tests.sh build/san

# Seed corpus from the real captures (fuzz/corpus/<target>/, not committed).
fuzz-corpus: build/rel/seeds alfoil examples/home.pcap
	@rm -rf fuzz/corpus/mud && mkdir -p fuzz/corpus && ./alfoil profile learn -o fuzz/corpus/mud examples/home.pcap >/dev/null && rm -f fuzz/corpus/mud/*.txt && \
		cp tests/data/mud/*.json fuzz/corpus/mud/
	@mkdir -p fuzz/corpus/policy fuzz/corpus/report && cp tests/data/policy/* fuzz/corpus/policy/ && \
		cp tests/data/report/* fuzz/corpus/report/
	@mkdir -p fuzz/corpus/capture && head -c 16384 examples/home.pcap >fuzz/corpus/capture/home-head.pcap
	@if [ -d $(SHARED)/captures ]; then \
		find $(SHARED)/captures -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.trace' \) \
			-print0 | xargs -0 build/rel/seeds fuzz/corpus; \
		find $(SHARED)/captures -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -size -24k \
			-print0 | xargs -0 -I{} sh -c 'cp "{}" fuzz/corpus/capture/$$(echo "{}" | md5sum | cut -c1-16)'; \
	else echo "fuzz-corpus: $(SHARED)/captures is absent; no seeds"; fi

# Every target for FUZZ_SECONDS each, on the seeds and the saved crashes; a
# crash is written to tests/crashes/<target>/ and fails the run.
fuzz-smoke: fuzz
	@mkdir -p build/fuzz/logs; for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/corpus/$$t tests/crashes/$$t; \
		printf '%-12s ' fuzz_$$t; \
		if ! build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=tests/crashes/$$t/ fuzz/corpus/$$t tests/crashes/$$t \
			>build/fuzz/logs/$$t.log 2>&1; then \
			echo FAILED; grep -A15 -m1 '^==[0-9]*==ERROR' build/fuzz/logs/$$t.log; exit 1; \
		fi; \
		awk '/^stat::number_of_executed_units/ {n=$$2} /^stat::average_exec_per_sec/ {s=$$2} \
			/ cov: / {c=$$0; sub(/.* cov: /, "", c); sub(/ .*/, "", c)} \
			END {printf "%12d runs %9d/s  coverage %s edges\n", n, s, c}' build/fuzz/logs/$$t.log; \
	done

build/rel/pcapread: bench/pcapread.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INC) $(PKG_CFLAGS) $(REL_CFLAGS) -o $@ $< $(LIBS)

bench: alfoil build/rel/pcapread build/rel/mkflood
	bench/run-bench.sh

# Live capture: the bench capture replayed over a veth pair (root).
bench-live: alfoil
	bench/live-bench.sh

# Install (docs/deploy.md): PREFIX (default /usr/local) is where alfoil
# runs from, DESTDIR a staging root in front of every path (packages,
# tests/t-install.sh). The binary finds its data at ../share/alfoil beside
# itself (src/intel/paths.c), so a DESTDIR tree works where it lies. The
# unit goes where systemd looks for packaged units: /lib/systemd/system
# for PREFIX=/usr, else PREFIX/lib/systemd/system (UNITDIR= to choose).
# An existing config is never overwritten (the new one is left beside it as
# alfoil.conf.dist); the state directory and its database are never removed.
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   := $(PREFIX)/bin
SHAREDIR := $(PREFIX)/share/alfoil
DOCDIR   := $(PREFIX)/share/doc/alfoil
UNITDIR  ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
CONFDIR  := /etc/alfoil
STATEDIR := /var/lib/alfoil
SHARE_FILES := $(wildcard share/*)
# the IP and IEEE data of scripts/setup.sh, when it is there (data/ may be
# a symbolic link: followed)
DATA_FILES = $(shell [ -d data/ ] && cd data/ && find -L . -type f | sed 's|^\./||' | sort)

UNIT_TMP = $(DESTDIR)$(UNITDIR)/.alfoil.service

.PHONY: install uninstall
install: alfoil dist/alfoil.service dist/alfoil.conf
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CONFDIR)
	install -m 0755 alfoil $(DESTDIR)$(BINDIR)/alfoil
	install -p -m 0644 $(SHARE_FILES) $(DESTDIR)$(SHAREDIR)/
	@set -e; for f in $(DATA_FILES); do \
		install -p -D -m 0644 data/$$f $(DESTDIR)$(SHAREDIR)/data/$$f; \
	done; if [ -n "$(DATA_FILES)" ]; then \
		printf '%s\n' $(DATA_FILES) >$(DESTDIR)$(SHAREDIR)/data/.installed; \
	else echo "install: data/ is absent (scripts/setup.sh): no IP data installed"; fi
	install -m 0644 docs/deploy.md $(DESTDIR)$(DOCDIR)/deploy.md
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' dist/alfoil.service >$(UNIT_TMP)
	chmod 0644 $(UNIT_TMP) && mv $(UNIT_TMP) $(DESTDIR)$(UNITDIR)/alfoil.service
	@if [ -e $(DESTDIR)$(CONFDIR)/alfoil.conf ]; then \
		install -m 0644 dist/alfoil.conf $(DESTDIR)$(CONFDIR)/alfoil.conf.dist; \
		echo "install: $(DESTDIR)$(CONFDIR)/alfoil.conf exists: kept; the new one is alfoil.conf.dist"; \
	else install -m 0644 dist/alfoil.conf $(DESTDIR)$(CONFDIR)/alfoil.conf; fi
	install -d -m 0750 $(DESTDIR)$(STATEDIR)

# What install wrote, and only that: the config when it is still the one
# installed (an edited one stays, and is named), the state directory when
# it is empty (a database is never removed).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/alfoil $(DESTDIR)$(UNITDIR)/alfoil.service $(DESTDIR)$(DOCDIR)/deploy.md
	rm -f $(SHARE_FILES:share/%=$(DESTDIR)$(SHAREDIR)/%) $(DESTDIR)$(CONFDIR)/alfoil.conf.dist
	@d=$(DESTDIR)$(SHAREDIR)/data; if [ -f $$d/.installed ]; then \
		while IFS= read -r f; do rm -f "$$d/$$f"; done <$$d/.installed; rm -f $$d/.installed; \
		find $$d -depth -type d -empty -delete; fi
	@if [ -f $(DESTDIR)$(CONFDIR)/alfoil.conf ]; then \
		if cmp -s dist/alfoil.conf $(DESTDIR)$(CONFDIR)/alfoil.conf; then rm -f $(DESTDIR)$(CONFDIR)/alfoil.conf; \
		else echo "uninstall: $(DESTDIR)$(CONFDIR)/alfoil.conf was edited: kept"; fi; \
	fi
	@rmdir $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(CONFDIR) 2>/dev/null || true
	@rmdir $(DESTDIR)$(STATEDIR) 2>/dev/null || \
		{ [ ! -d $(DESTDIR)$(STATEDIR) ] || echo "uninstall: $(DESTDIR)$(STATEDIR) is not empty (the database): kept"; }

clean:
	rm -rf build alfoil

-include $(shell find build -name '*.d' 2>/dev/null)
