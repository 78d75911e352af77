# calc — rule-based calculator for local-government investment policies.
# One plain GNU Makefile: `make` builds build/libcalc.a and build/calc.

CC ?= cc
CFLAGS ?= -O3 -g
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings \
       -Wno-format-truncation
WERROR ?= -Werror
PKG_CONFIG ?= pkg-config
LUA_PC ?= lua5.4
PREFIX ?= /usr/local
BUILD ?= build
VERSION = 0.1.0

# the library's packages (sqlite3 and libpq: the grants ledger); libmicrohttpd is the server's alone (the archive has no MHD_ symbol)
PKGS = $(LUA_PC) yaml-0.1 yajl libcrypto xlsxwriter sqlite3 libpq
SERVE_PKGS = libmicrohttpd
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -DCALC_VERSION='"$(VERSION)"' \
            -DCALC_DATADIR='"$(PREFIX)/share/calc"' -Icalc/lib -I$(BUILD)
# Two code-generation choices, each only where the compiler has it: copies and clears of a
# fixed size go to the C library's memcpy and memset, which pick vector stores for the CPU
# (GCC's inline `rep movs`/`rep stos` forms are slow on CPUs without fast string instructions:
# 3% of a batch on the 2-core AMD EPYC of the benchmark figures), and calls into the shared
# libraries (Lua's API above all) go through the GOT without a PLT stub (2% more).
TUNE := $(shell for f in -mstringop-strategy=libcall -fno-plt; do \
            $(CC) $$f -x c -c -o /dev/null /dev/null 2>/dev/null && printf '%s ' $$f; done)
ALL_CFLAGS = -std=c11 $(WARN) $(WERROR) $(CFLAGS) $(TUNE) -MMD -MP \
             $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDLIBS += $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lcsv -lm -lpthread
SERVE_LDLIBS = $(shell $(PKG_CONFIG) --libs $(SERVE_PKGS) 2>/dev/null)
TEST_LDLIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

# calc/lib: the library (libcalc.a); calc/cli: the calc program; calc/serve: calc serve
LIB_SRC = $(wildcard calc/lib/*.c)
CLI_SRC = $(wildcard calc/cli/*.c)
SERVE_SRC = $(wildcard calc/serve/*.c)
PROG_OBJ = $(CLI_SRC:calc/cli/%.c=$(BUILD)/cli/%.o) $(SERVE_SRC:calc/serve/%.c=$(BUILD)/serve/%.o)
FUZZ_TARGETS = profile case record csv money scenario
FUZZ_TIME ?= 30
REPLAYS = $(FUZZ_TARGETS:%=$(BUILD)/replay_%)
LIB_OBJ = $(LIB_SRC:calc/lib/%.c=$(BUILD)/%.o)
TESTS = $(patsubst tests/%.c,$(BUILD)/%,$(wildcard tests/test_*.c))

DEPS_PKGS = liblua5.4-dev libyaml-dev libyajl-dev libcsv-dev libssl-dev openssl libmicrohttpd-dev libcmocka-dev libxlsxwriter-dev pkg-config xxd valgrind jq time chromium wrk clang libclang-rt-14-dev curl python3 python3-openpyxl nodejs fonts-wqy-microhei poppler-utils libsqlite3-dev sqlite3 libpq-dev postgresql parallel

ifeq ($(V),1)
Q =
else
Q = @
endif

.PHONY: all deps demo test check sanitize valgrind fuzz bench bench-peers bench-serve install uninstall clean man

all: $(BUILD)/calc

deps:
	@missing=""; for p in $(DEPS_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
# npm: Debian's package, unless the installed nodejs brings its own
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "installing: npm"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; \
	fi
# the browser tests' packages (tests/browser/package-lock.json), again when the lock changes;
# the tests themselves never install anything and fail when they are missing
	@if [ ! tests/browser/node_modules/.package-lock.json -nt tests/browser/package-lock.json ]; then \
	  echo "installing: tests/browser/node_modules (npm ci)"; \
	  (cd tests/browser && npm ci --no-audit --no-fund --silent); \
	fi

$(BUILD):
	@mkdir -p $(BUILD)

# the web page, its script and style, the example profile and the OpenAPI document, compiled in
WEB = calc/serve/web
$(BUILD)/web.h: $(WEB)/index.html $(WEB)/app.js $(WEB)/app.css $(WEB)/openapi.json \
                cases/profiles/example.yaml | $(BUILD)
	@echo GEN $@
	$(Q)rm -f $@.tmp; for f in $(WEB)/index.html $(WEB)/app.js $(WEB)/app.css \
	  $(WEB)/openapi.json cases/profiles/example.yaml; do \
	  (cd $$(dirname $$f) && xxd -i $$(basename $$f)) | sed 's/^unsigned/static const unsigned/' >> $@.tmp; \
	done; mv $@.tmp $@

$(SERVE_SRC:calc/serve/%.c=$(BUILD)/serve/%.o): $(BUILD)/web.h

# the example profile, compiled in for the row of calc init --format csv
$(BUILD)/example.h: cases/profiles/example.yaml | $(BUILD)
	@echo GEN $@
	$(Q)(cd cases/profiles && xxd -i example.yaml) | sed 's/^unsigned/static const unsigned/' >$@.tmp
	$(Q)mv $@.tmp $@

$(BUILD)/cli/cmd_info.o: $(BUILD)/example.h

$(BUILD)/%.o: calc/lib/%.c | $(BUILD)
	@echo CC $<
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# the programs see the library's headers; the server alone sees libmicrohttpd
$(BUILD)/cli/%.o: calc/cli/%.c | $(BUILD)
	@mkdir -p $(BUILD)/cli
	@echo CC $<
	$(Q)$(CC) $(CPPFLAGS) -Icalc/serve $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/serve/%.o: calc/serve/%.c | $(BUILD)
	@mkdir -p $(BUILD)/serve
	@echo CC $<
	$(Q)$(CC) $(CPPFLAGS) -Icalc/serve $(ALL_CFLAGS) \
	  $(shell $(PKG_CONFIG) --cflags $(SERVE_PKGS) 2>/dev/null) -c -o $@ $<

$(BUILD)/libcalc.a: $(LIB_OBJ)
	@echo AR $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/calc: $(PROG_OBJ) $(BUILD)/libcalc.a
	@echo LD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(SERVE_LDLIBS)

$(BUILD)/test_%: tests/test_%.c $(BUILD)/libcalc.a
	@echo CC $<
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null) \
	  -o $@ $< $(BUILD)/libcalc.a $(LDLIBS) $(TEST_LDLIBS)

demo: deps
	@$(MAKE) --no-print-directory all
	./$(BUILD)/calc eval cases/profiles/example.yaml --as-of 2025-06-30 --explain

# Every test runs; the summary line counts suites; the exit status fails if any failed.
SAN_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_LDFLAGS = -fsanitize=address,undefined
# the sanitizer build lives beside the normal one (build/san for the default BUILD)
SAN_BUILD = $(BUILD)/san
SAN_TESTS = $(patsubst tests/%.c,$(SAN_BUILD)/%,$(wildcard tests/test_*.c))

# A fuzz target without libFuzzer, run by make test over saved inputs (tests/fuzz/regress).
$(BUILD)/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/common.h $(BUILD)/libcalc.a
	@echo CC $@
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Wno-missing-prototypes -Itests/fuzz -o $@ \
	  tests/fuzz/fuzz_$*.c tests/fuzz/replay.c $(BUILD)/libcalc.a $(LDLIBS)

# The libFuzzer builds (clang): the library compiled once with fuzzer-no-link, ASan and UBSan
# into its own archive, each target linked against it.
FUZZ_BUILD = $(BUILD)/fuzz
FUZZ_CC ?= clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -g -O1 $(FUZZ_SAN) $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
FUZZ_OBJ = $(LIB_SRC:calc/lib/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BINS = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

$(FUZZ_BUILD)/obj/%.o: calc/lib/%.c
	@mkdir -p $(@D)
	@echo CLANG $<
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/libcalc.a: $(FUZZ_OBJ)
	@echo AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/clock.c tests/fuzz/common.h $(FUZZ_BUILD)/libcalc.a
	@echo CLANG $@
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< \
	  tests/fuzz/clock.c $(FUZZ_BUILD)/libcalc.a $(LDLIBS)

# libFuzzer on every target for FUZZ_TIME seconds each; the corpus grows in $(FUZZ_BUILD)/corpus
# from one run to the next, and a crash is saved in tests/fuzz/regress/TARGET/, where make test
# replays it from then on. (make test runs each target for a fixed number of inputs instead:
# tests/fuzz/smoke.sh.)
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@mkdir -p $(FUZZ_TARGETS:%=tests/fuzz/regress/%)
	@sh tests/fuzz/seed.sh $(FUZZ_BUILD)/corpus
	@status=0; for t in $(FUZZ_TARGETS); do \
	  echo "fuzzing $$t for $(FUZZ_TIME) s"; \
	  $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_TIME) -max_len=65536 -rss_limit_mb=2048 \
	    -artifact_prefix=tests/fuzz/regress/$$t/ $(FUZZ_BUILD)/corpus/$$t tests/fuzz/regress/$$t \
	    >$(FUZZ_BUILD)/$$t.log 2>&1 || { status=1; echo "  crash: see $(FUZZ_BUILD)/$$t.log and tests/fuzz/regress/$$t/"; }; \
	  tail -n 1 $(FUZZ_BUILD)/$$t.log | sed 's/^/  /'; \
	done; exit $$status

# Every test runs on the normal build, again on the ASan+UBSan build, and the CLI tests once
# more under valgrind; the last line sums them all.
test: deps
	@$(MAKE) --no-print-directory all $(TESTS) $(REPLAYS) $(BUILD)/gen $(PEER_PROGS)
	@$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) CFLAGS="$(SAN_CFLAGS)" \
	  LDFLAGS="$(SAN_LDFLAGS)" $(SAN_BUILD)/calc $(SAN_TESTS) $(FUZZ_TARGETS:%=$(SAN_BUILD)/replay_%) \
	  $(SAN_BUILD)/gen $(PEER_PROGS:$(BUILD)/%=$(SAN_BUILD)/%)
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@BUILD=$(BUILD) SAN_BUILD=$(SAN_BUILD) FUZZ_BUILD=$(FUZZ_BUILD) VALGRIND=1 sh tests/run.sh

# The normal build's suite alone (quick).
check: deps
	@$(MAKE) --no-print-directory all $(TESTS) $(REPLAYS) $(BUILD)/gen $(PEER_PROGS)
	@BUILD=$(BUILD) sh tests/run.sh

sanitize: deps
	@$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) CFLAGS="$(SAN_CFLAGS)" \
	  LDFLAGS="$(SAN_LDFLAGS)" $(SAN_BUILD)/calc $(SAN_TESTS) $(FUZZ_TARGETS:%=$(SAN_BUILD)/replay_%) \
	  $(SAN_BUILD)/gen $(PEER_PROGS:$(BUILD)/%=$(SAN_BUILD)/%)
	@BUILD=$(SAN_BUILD) sh tests/run.sh

valgrind: all
	@CALC_WRAP="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99" \
	  BUILD=$(BUILD) sh tests/cli.sh

$(BUILD)/gen: tests/bench/gen.c | $(BUILD)
	@echo CC $<
	$(Q)$(CC) -std=c11 $(WARN) $(WERROR) -O2 -o $@ $<

# a JSON Lines population as CSV, for the input figures of make bench (tests/bench/inputs.sh)
$(BUILD)/tocsv: tests/bench/tocsv.c | $(BUILD)
	@echo CC $<
	$(Q)$(CC) -std=c11 $(CPPFLAGS) $(WARN) $(WERROR) -O2 -o $@ $< -lyajl

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/gen $(BUILD)/tocsv
	@BUILD=$(BUILD) sh tests/bench/bench.sh

# the peer benchmark (issue #18 item 2, tests/bench/peers/README.md): its workload generator, the
# hand-written C baseline and the checksum of a compact result file
PEER_PROGS = $(BUILD)/pgen $(BUILD)/peerbase $(BUILD)/peersum
$(PEER_PROGS): $(BUILD)/%: tests/bench/peers/%.c | $(BUILD)
	@echo CC $<
	$(Q)$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(WERROR) -O2 -o $@ $< \
	  $(if $(filter %/peerbase,$@),$(shell $(PKG_CONFIG) --cflags --libs yajl 2>/dev/null))

bench-peers: deps
	@$(MAKE) --no-print-directory all $(PEER_PROGS)
	@BUILD=$(BUILD) sh tests/bench/peers/bench.sh

# wrk against POST /api/v1/eval with the example profile, on this machine's 2 cores.
bench-serve: deps
	@$(MAKE) --no-print-directory all
	@port=$$((20000 + $$$$ % 20000)); \
	CALC_SERVE_QUIET=1 ./$(BUILD)/calc serve --port $$port --threads 2 & pid=$$!; sleep 1; \
	echo "target: >= 5000 requests/s with p99 < 20 ms (2 server threads, wrk 2 threads, 32 connections)"; \
	wrk -t2 -c32 -d10s --latency -s tests/serve/eval.lua \
	  "http://127.0.0.1:$$port/api/v1/eval?as_of=2025-06-30" | tail -n 1; \
	kill -TERM $$pid; wait $$pid

# calc/calc.1's synopsis and option lists, made again from the command table (calc/cli/main.c);
# tests/options.sh fails while the page and the table differ
man: $(BUILD)/calc
	$(Q)./$(BUILD)/calc --help-man calc/calc.1 >calc/calc.1.tmp && mv calc/calc.1.tmp calc/calc.1

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/calc/policies/lib \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/calc $(DESTDIR)$(PREFIX)/bin/calc
	install -m 644 policies/*.lua policies/*.yaml $(DESTDIR)$(PREFIX)/share/calc/policies/
	install -m 644 policies/lib/*.lua $(DESTDIR)$(PREFIX)/share/calc/policies/lib/
	install -m 644 calc/calc.1 $(DESTDIR)$(PREFIX)/share/man/man1/calc.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/calc $(DESTDIR)$(PREFIX)/share/man/man1/calc.1
	rm -rf $(DESTDIR)$(PREFIX)/share/calc

clean:
	rm -rf build

-include $(wildcard $(BUILD)/*.d $(BUILD)/cli/*.d $(BUILD)/serve/*.d $(FUZZ_BUILD)/obj/*.d)
