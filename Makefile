# salvo: one non-recursive Makefile.
#   make                 build build/salvo
#   make test            unit tests, CLI tests, namespace tests (root), one summary line
#   make check           format and banned-function checks
#   make check-whole-space  --fast-dryrun of all of IPv4, every address checked (minutes; CI)
#   make demo            install dependencies, build, scan a sandbox network of namespaces
#   make asan            unit tests under ASan+UBSan
#   make test-asan       every test against ASan+UBSan builds
#   make test-valgrind   unit tests and namespace scans under valgrind
#   make fuzz            each libFuzzer target for FUZZ_SECONDS (default 30)
#   make USE_PFRING_ZC=1 build the pfring_zc engine (needs ntop's PF_RING ZC SDK)
#   make USE_DPDK=0      leave the dpdk engine out (it is built when libdpdk is found)
#   make install         salvo, scanner, the tools (salvo-iterate, -blocklist, -tee), man pages,
#                        bash completions under DESTDIR/PREFIX
#   make uninstall       removes what install put there

CC ?= gcc
BUILD ?= build
CFLAGS ?= -O2 -g
# Our flags live in ALL_CFLAGS so that `make CFLAGS=...` (sanitizers, debug) adds to them.
ALL_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
	  -D_GNU_SOURCE -Isrc -MMD -MP
LDLIBS += -lpthread $(shell pkg-config --libs libpcap 2>/dev/null || echo -lpcap) \
	$(shell pkg-config --libs libcap 2>/dev/null || echo -lcap)
USE_PFRING_ZC ?= 0
# af_xdp is built when libxdp, libbpf and clang are there, unless USE_AF_XDP=0.
HAVE_LIBXDP := $(shell pkg-config --exists libxdp libbpf 2>/dev/null && command -v clang >/dev/null && echo 1)
USE_AF_XDP ?= $(if $(HAVE_LIBXDP),1,0)
CLANG ?= clang

# Everything but main and the optional engines: the program, the unit tests and the fuzz
# targets are made of these.
CORE_SRCS := \
	src/cli/cli.c src/cli/options.c src/cli/parsers.c src/cli/help.c src/cli/values.c \
	src/cli/config_file.c src/cli/resolve.c \
	src/io/io.c src/io/af_packet.c src/io/dryrun.c src/io/netif.c src/io/netif6.c src/io/ndp.c src/io/arp.c \
	$(sort $(wildcard src/probe/*.c)) \
	src/output/output.c src/output/sink.c src/output/csv.c src/output/json.c src/output/list.c src/output/filter.c \
	src/target/target.c src/target/blocklist.c src/target/permutation.c \
	src/target/target6.c src/target/blocklist6.c \
	src/scan/scan.c src/scan/network.c src/scan/resume.c src/scan/send.c src/scan/recv.c \
	src/scan/pace.c src/scan/dedup.c src/scan/totals.c src/scan/monitor.c src/scan/policy.c \
	src/scan/status.c src/scan/metadata.c src/scan/checkpoint.c src/scan/control.c \
	src/scan/aimd.c src/scan/resultq.c src/scan/writer.c src/scan/history.c \
	src/util/siphash.c src/util/prf.c src/util/checksum.c src/util/clock.c src/util/priv.c src/util/join.c \
	src/util/json.c src/util/json_check.c src/util/log.c \
	src/tools/tools.c src/tools/iterate.c src/tools/blocklist.c src/tools/tee.c
SRCS := src/main.c $(CORE_SRCS)

ifeq ($(USE_PFRING_ZC),1)
SRCS += src/io/pfring_zc.c
ALL_CFLAGS += -DSALVO_HAVE_PFRING_ZC
LDLIBS += -lpfring
endif

ifeq ($(USE_AF_XDP),1)
ifneq ($(HAVE_LIBXDP),1)
$(error USE_AF_XDP=1 needs libxdp, libbpf and clang: run scripts/install-deps.sh)
endif
SRCS += src/io/af_xdp.c
GEN_SRCS := $(BUILD)/gen/xdp_steer_obj.c
AF_XDP_WITH := libxdp $(shell pkg-config --modversion libxdp), libbpf $(shell pkg-config --modversion libbpf)
ALL_CFLAGS += -DSALVO_HAVE_AF_XDP $(shell pkg-config --cflags libxdp libbpf) \
	-DSALVO_AF_XDP_BUILT_WITH='"$(AF_XDP_WITH)"'
LDLIBS += $(shell pkg-config --libs libxdp libbpf)
endif

# dpdk is built when pkg-config finds libdpdk (Debian: libdpdk-dev), unless USE_DPDK=0.  Its
# headers' flags (-march, -include rte_config.h) are for src/io/dpdk*.c only.
HAVE_DPDK := $(shell pkg-config --exists libdpdk 2>/dev/null && echo 1)
USE_DPDK ?= $(if $(HAVE_DPDK),1,0)
ifeq ($(USE_DPDK),1)
ifneq ($(HAVE_DPDK),1)
$(error USE_DPDK=1 needs libdpdk: run scripts/install-deps.sh)
endif
SRCS += src/io/dpdk.c src/io/dpdk_eal.c
DPDK_VERSION := $(shell pkg-config --modversion libdpdk)
ALL_CFLAGS += -DSALVO_HAVE_DPDK
DPDK_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libdpdk)) \
	-DSALVO_DPDK_VERSION='"$(DPDK_VERSION)"'
LDLIBS += $(shell pkg-config --libs libdpdk)
$(BUILD)/src/io/dpdk.o $(BUILD)/src/io/dpdk_eal.o: ALL_CFLAGS += $(DPDK_CFLAGS)
endif

OBJS := $(SRCS:%.c=$(BUILD)/%.o) $(GEN_SRCS:%.c=%.o)
LIB_OBJS := $(filter-out $(BUILD)/src/main.o,$(OBJS))

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

.PHONY: all test unit-tests check demo clean asan test-asan summary check-pfring fuzz \
	install uninstall test-valgrind check-whole-space

# PREFIX is /usr, not /usr/local: the orchestrator looks for /usr/bin/scanner (issue 8).
PREFIX ?= /usr
DESTDIR ?=
BINDIR := $(DESTDIR)$(PREFIX)/bin
MANDIR := $(DESTDIR)$(PREFIX)/share/man/man1
COMPDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
DOCDIR := $(DESTDIR)$(PREFIX)/share/doc/salvo
# Debian 12 packages keep units in /lib/systemd/system: debian/rules sets SYSTEMDUNITDIR.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
UNITDIR := $(DESTDIR)$(SYSTEMDUNITDIR)

# ZMap's companion tools (src/tools) are salvo run under their names: hard links, as scanner.
# The build makes ZMap's names too; make install and the package ship the salvo- names only
# (ZMap's would clash with Debian's zmap package; doc/zmap-compat.md says how to add them).
TOOLS := salvo-iterate salvo-blocklist salvo-tee
ZMAP_TOOLS := ziterate zblocklist ztee
LINKS := $(BUILD)/scanner $(TOOLS:%=$(BUILD)/%) $(ZMAP_TOOLS:%=$(BUILD)/%)

# Each program's man page and bash completion follow from the option table
# (PROGRAM --list-options) and, for the man page, doc/PROGRAM.1.in.
DOCS := $(foreach p,salvo $(TOOLS),$(BUILD)/$(p).1 $(BUILD)/$(p).bash)

all: $(BUILD)/salvo $(LINKS) $(DOCS) summary

# The orchestrator's entry point is a hard link too: it resolves symlinks, and salvo picks its
# dialect (or tool) from the name it is run as.
$(LINKS): $(BUILD)/salvo
	ln -f $< $@

$(BUILD)/%.1: $(BUILD)/% doc/%.1.in scripts/gen-docs.sh
	scripts/gen-docs.sh man $(BUILD)/$* doc/$*.1.in $@

$(BUILD)/%.bash: $(BUILD)/% scripts/gen-docs.sh
	scripts/gen-docs.sh bash $(BUILD)/$* $@

summary: $(BUILD)/salvo
	@echo "salvo built: $(BUILD)/salvo"
	@echo "  io engines (salvo --list-io-engines):"
	@$(BUILD)/salvo --list-io-engines | sed 's/^/    /'

$(BUILD)/salvo: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The XDP program: compiled for BPF, then embedded in salvo as a byte array.
$(BUILD)/bpf/xdp_steer.bpf.o: src/bpf/xdp_steer.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) -O2 -g -Wall -Werror -target bpf -Isrc -I/usr/include/$(shell gcc -dumpmachine) \
		-MMD -MP -c -o $@ $<

$(BUILD)/gen/xdp_steer_obj.c: $(BUILD)/bpf/xdp_steer.bpf.o scripts/embed.sh
	@mkdir -p $(dir $@)
	scripts/embed.sh $< $@ salvo_xdp_steer_obj

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(LIB_OBJS) $(CMOCKA_LIBS) $(LDLIBS)

unit-tests: $(UNIT_TESTS)

# The --fast-dryrun coverage checker: make test runs it over small spaces
# (tests/cli/test_fastdry_check.sh), make check-whole-space over all of IPv4 (in .ci/run).
# It links salvo's target code, whose built-in blocklist and range parser it uses.
FASTDRY_CHECK := $(BUILD)/tests/fastdry_check
FASTDRY_CHECK_OBJS := $(BUILD)/src/target/target.o $(BUILD)/src/target/blocklist.o
$(FASTDRY_CHECK): tests/fastdry_check.c $(FASTDRY_CHECK_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(FASTDRY_CHECK_OBJS)

check-whole-space: $(BUILD)/salvo $(FASTDRY_CHECK)
	@BUILD=$(BUILD) tests/whole_space.sh

# Compile-check the PF_RING ZC engine against our declarations header when the SDK is absent.
check-pfring:
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) $(CFLAGS) -DSALVO_HAVE_PFRING_ZC -Itests/stub -c -o $(BUILD)/pfring_zc_check.o src/io/pfring_zc.c
	$(CC) $(ALL_CFLAGS) $(CFLAGS) -DSALVO_HAVE_PFRING_ZC -Itests/stub -c -o $(BUILD)/io_pfring_check.o src/io/io.c

test: $(BUILD)/salvo $(LINKS) $(DOCS) unit-tests $(FASTDRY_CHECK)
	@BUILD=$(BUILD) tests/run-all.sh

SANITIZE := BUILD=build-asan CC=gcc LDFLAGS="-fsanitize=address,undefined" \
	CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

# libFuzzer targets (clang): the receive path, target/port parsers, the filter language and
# the checkpoint reader.  make fuzz runs each for FUZZ_SECONDS on a copy of its seed corpus.
FUZZ_SECONDS ?= 30
FUZZ_CFLAGS := -std=gnu11 -g -O1 -D_GNU_SOURCE -Isrc \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
comma := ,
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
# Every fuzz target links all of salvo's core: what a new probe or output module adds is fuzzed
# without a list to keep.
FUZZ_OBJS := $(CORE_SRCS:%.c=$(BUILD)/fuzz/obj/%.o)

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(subst =fuzzer$(comma),=fuzzer-no-link$(comma),$(FUZZ_CFLAGS)) -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

fuzz: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(BUILD)/fuzz/corpus-$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		$(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/crash-$$t- \
			$(BUILD)/fuzz/corpus-$$t tests/fuzz/corpus/$$t 2>$(BUILD)/fuzz/$$t.log || \
			{ tail -40 $(BUILD)/fuzz/$$t.log; echo "fuzz: $$t FAILED"; exit 1; }; \
		grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" $(BUILD)/fuzz/$$t.log | \
			sed "s/^/  $$t /"; \
	done

# Unit tests only, under ASan + UBSan.
asan:
	$(MAKE) $(SANITIZE) unit-tests
	@for t in $(patsubst $(BUILD)/%,build-asan/%,$(UNIT_TESTS)); do $$t || exit 1; done

# Every test of `make test` against ASan + UBSan builds of salvo and the unit tests.
test-asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 $(MAKE) $(SANITIZE) test

# scanner and the tools are hard links (the orchestrator resolves symlinks; the name picks the
# dialect or the tool).
install: $(BUILD)/salvo $(DOCS)
	install -d $(BINDIR) $(MANDIR) $(COMPDIR) $(DOCDIR) $(UNITDIR)
	install -m 0755 $(BUILD)/salvo $(BINDIR)/salvo
	for p in scanner $(TOOLS); do ln -f $(BINDIR)/salvo $(BINDIR)/$$p || exit 1; done
	install -m 0755 scripts/merge-results $(BINDIR)/salvo-merge-results
	install -m 0644 contrib/systemd/salvo@.service $(UNITDIR)/salvo@.service
	install -m 0644 $(BUILD)/salvo.1 $(TOOLS:%=$(BUILD)/%.1) doc/salvo-merge-results.1 $(MANDIR)/
	echo ".so man1/salvo.1" >$(MANDIR)/scanner.1
	for p in salvo $(TOOLS); do install -m 0644 $(BUILD)/$$p.bash $(COMPDIR)/$$p || exit 1; done
	ln -sf salvo $(COMPDIR)/scanner
	install -m 0644 README.md $(DOCDIR)/README.md
	install -m 0644 contrib/anyscan/README.md $(DOCDIR)/README.anyscan.md

uninstall:
	rm -f $(BINDIR)/salvo $(BINDIR)/scanner $(BINDIR)/salvo-merge-results \
		$(TOOLS:%=$(BINDIR)/%) $(TOOLS:%=$(MANDIR)/%.1) $(TOOLS:%=$(COMPDIR)/%) \
		$(MANDIR)/salvo.1 $(MANDIR)/scanner.1 $(MANDIR)/salvo-merge-results.1 \
		$(COMPDIR)/salvo $(COMPDIR)/scanner \
		$(UNITDIR)/salvo@.service
	rm -rf $(DOCDIR)

test-valgrind: $(BUILD)/salvo unit-tests
	@BUILD=$(BUILD) tests/valgrind.sh

check:
	@scripts/check-source.sh

demo:
	@scripts/demo.sh

clean:
	rm -rf build build-asan build-noxdp build-asan-noxdp

-include $(OBJS:.o=.d) $(UNIT_TESTS:=.d) $(FASTDRY_CHECK).d $(BUILD)/bpf/xdp_steer.bpf.d $(wildcard $(FUZZ_OBJS:.o=.d))
