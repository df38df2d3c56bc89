# SPDX-License-Identifier: GPL-2.0-or-later
# nftblock - plain Makefile.  Packager CFLAGS/CPPFLAGS/LDFLAGS are appended to.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
LOCALSTATEDIR ?= /var
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
VERSION := 0.1.0

# systemd units: where systemd.pc says, else the Debian default.
SYSTEMDUNITDIR ?= $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null)
ifeq ($(strip $(SYSTEMDUNITDIR)),)
override SYSTEMDUNITDIR := /lib/systemd/system
endif
UNITS_IN := $(wildcard systemd/*.service.in)
UNIT_SUBST := -e 's|@SBINDIR@|$(BINDIR)|g' \
	-e 's|@STATEDIR@|$(LOCALSTATEDIR)/lib/nftblock|g'

PKGS := libnftnl libmnl libcurl zlib libcrypto libarchive
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libcurl and libarchive are opened at run time (fetch.c, unzip.c: dlopen),
# not linked: they would add ~7 MiB resident to every process
LINK_PKGS := libnftnl libmnl zlib libcrypto
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(LINK_PKGS) 2>/dev/null) -ldl -pthread

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wvla -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -O2 -g $(WARN)
BASE_CPPFLAGS := -D_GNU_SOURCE -DNFTBLOCK_VERSION='"$(VERSION)"' -Inftblock \
	-DNFTBLOCK_DATADIR='"$(DATADIR)"' -DNFTBLOCK_SYSCONFDIR='"$(SYSCONFDIR)"'
override CFLAGS := $(BASE_CFLAGS) $(CFLAGS)
override CPPFLAGS := $(BASE_CPPFLAGS) $(PKG_CFLAGS) $(CPPFLAGS)
LDLIBS += $(PKG_LIBS)

SRCS := $(sort $(wildcard nftblock/*.c))
OBJS := $(SRCS:.c=.o)
LIB_OBJS := $(filter-out nftblock/main.o,$(OBJS))
LIB := nftblock/libnftblock.a

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:.c=)
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRCS:.c=-replay)

all: nftblock/nftblock

nftblock/nftblock: nftblock/main.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# Rebuild when the compiled-in paths or flags change (make; make install
# PREFIX=/usr must not install a binary built for /usr/local).
BUILD_FLAGS := $(CC) $(CPPFLAGS) $(CFLAGS)
nftblock/.build-flags: FORCE
	@echo '$(BUILD_FLAGS)' | cmp -s - $@ || echo '$(BUILD_FLAGS)' > $@

nftblock/%.o: nftblock/%.c $(wildcard nftblock/*.h) nftblock/.build-flags
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

tests/unit/test_%: tests/unit/test_%.c tests/unit/testutil.h $(LIB)
	$(CC) $(CPPFLAGS) $(CMOCKA_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(CMOCKA_LIBS) $(LDLIBS)

# Fuzz targets built as plain programs that replay the corpus (tests/fuzz/replay.c
# provides main()); "make fuzz" builds real libFuzzer binaries with clang.
tests/fuzz/fuzz_%-replay: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB) $(LDLIBS)

FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
fuzz: $(FUZZ_SRCS:.c=-fuzzer)
tests/fuzz/fuzz_%-fuzzer: tests/fuzz/fuzz_%.c $(SRCS)
	$(FUZZ_CC) $(BASE_CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_FLAGS) -o $@ $< $(filter-out nftblock/main.c,$(SRCS)) $(PKG_LIBS)

check: CFLAGS += -Werror
check: all $(UNIT_BINS) $(FUZZ_REPLAY)
	tests/run-tests.sh

# "make check" again, built with AddressSanitizer and UBSan (gcc) in a copy
# of the tree under $(ASAN_DIR), so no sanitized object is ever reused by a
# plain build: unit tests, fuzz replays and every integration test, the
# kernel ones included (ASan and LSan work inside "ip netns exec" and
# "unshare -rn"; the leak check is on for every nftblock run).
ASAN_DIR := build-asan
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
check-asan:
	rm -rf $(ASAN_DIR)
	mkdir $(ASAN_DIR)
	tar -cf - --exclude=./$(ASAN_DIR) --exclude=./.git --exclude='*.o' \
		--exclude='*.a' --exclude='*-fuzzer' . | tar -xf - -C $(ASAN_DIR)
	$(MAKE) -C $(ASAN_DIR) clean
	NFTBLOCK_DATA=$${NFTBLOCK_DATA:-$(CURDIR)/../shared/data} \
	ASAN_OPTIONS=abort_on_error=0:detect_leaks=1:strict_string_checks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	$(MAKE) -C $(ASAN_DIR) CFLAGS='-O1 $(SAN_FLAGS) $(CFLAGS)' \
		LDFLAGS='$(SAN_FLAGS) $(LDFLAGS)' check
	rm -rf $(ASAN_DIR)

# The unit tests once under valgrind: any error or leak fails.
VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect,possible
check-valgrind: CFLAGS += -Werror
check-valgrind: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do echo "valgrind $$t"; \
		$(VALGRIND) $$t >/dev/null 2>$$t.valgrind || \
		{ cat $$t.valgrind; rm -f $$t.valgrind; exit 1; }; \
		rm -f $$t.valgrind; done

# the parser benchmark, then the kernel one (root: it uses network namespaces)
demo: all
	sh demo/demo.sh

bench: all
	@for s in tests/bench/run-bench.sh tests/bench/bench-kernel.sh \
		tests/bench/bench-flood.sh; do \
		[ ! -e "$$s" ] || sh "$$s" || exit 1; done

# The configuration is installed only where none exists: "make install"
# onto a live system never replaces an admin's nftblock.conf.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/nftblock/feeds \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSCONFDIR)/nftblock/conf.d \
		$(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0755 nftblock/nftblock $(DESTDIR)$(BINDIR)/nftblock
	install -m 0644 nftblock/nftblock.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 nftblock/nftblock.conf.5 $(DESTDIR)$(MANDIR)/man5/
	for f in feeds/*.feed; do [ -e "$$f" ] || continue; \
		install -m 0644 "$$f" $(DESTDIR)$(DATADIR)/nftblock/feeds/; done
	if [ -e $(DESTDIR)$(SYSCONFDIR)/nftblock/nftblock.conf ]; then \
		echo "keeping $(DESTDIR)$(SYSCONFDIR)/nftblock/nftblock.conf"; \
	else \
		install -m 0644 nftblock.conf $(DESTDIR)$(SYSCONFDIR)/nftblock/; \
	fi
	for f in $(UNITS_IN); do u=$$(basename "$$f" .in); \
		sed $(UNIT_SUBST) "$$f" >"$(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp" && \
		chmod 0644 "$(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp" && \
		mv "$(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp" \
			"$(DESTDIR)$(SYSTEMDUNITDIR)/$$u" || exit 1; done
	install -m 0644 systemd/nftblock.timer $(DESTDIR)$(SYSTEMDUNITDIR)/

# Leaves the configuration and the state alone.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nftblock $(DESTDIR)$(MANDIR)/man8/nftblock.8 \
		$(DESTDIR)$(MANDIR)/man5/nftblock.conf.5 \
		$(DESTDIR)$(SYSTEMDUNITDIR)/nftblock.timer
	rm -rf $(DESTDIR)$(DATADIR)/nftblock
	for f in $(UNITS_IN); do \
		rm -f "$(DESTDIR)$(SYSTEMDUNITDIR)/$$(basename "$$f" .in)"; done

FORCE:

clean:
	rm -f nftblock/.build-flags nftblock/*.o $(LIB) nftblock/nftblock $(UNIT_BINS) $(FUZZ_REPLAY) \
		tests/fuzz/*-fuzzer
	rm -rf $(ASAN_DIR)

.PHONY: all check check-asan check-valgrind bench install uninstall clean fuzz demo
