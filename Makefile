# Makefile: build wg, run every test layer, install, benchmark and fuzz.
#
#   make                      build src/wg/wg
#   make check                build with -Werror and run every test layer (root runs all)
#   make check SANITIZE=1     the same with wg built under ASan+UBSan
#   make install              PREFIX, DESTDIR, WITH_WGQUICK, WITH_BASHCOMPLETION, WITH_SYSTEMDUNITS
#   make bench | fuzz | demo | clean

PKG_CONFIG ?= pkg-config
PREFIX ?= /usr
DESTDIR ?=
SYSCONFDIR ?= /etc
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
RUNSTATEDIR ?= /var/run
BASHCOMPDIR ?= $(or $(shell $(PKG_CONFIG) --variable=completionsdir bash-completion 2>/dev/null),$(PREFIX)/share/bash-completion/completions)
SYSTEMDUNITDIR ?= $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null),$(PREFIX)/lib/systemd/system)
WITH_WGQUICK ?= yes
WITH_BASHCOMPLETION ?=
WITH_SYSTEMDUNITS ?=
FUZZ_SECONDS ?= 60

CC ?= cc
CFLAGS ?= -O2 -g
SANITIZE ?=
WERROR ?=

MNL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmnl 2>/dev/null)
MNL_LIBS := $(or $(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null),-lmnl)

WG_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 -MMD -MP \
	-DRUNSTATEDIR='"$(RUNSTATEDIR)"' $(MNL_CFLAGS)
ifneq ($(WERROR),)
WG_CFLAGS += -Werror
endif

ifneq ($(SANITIZE),)
VARIANT := asan
WG_CFLAGS += -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
WG_LDFLAGS += -fsanitize=address,undefined
WG_BIN := build/asan/wg
else
VARIANT := release
WG_BIN := src/wg/wg
endif

BUILD := build/$(VARIANT)
LIB_SRC := $(filter-out src/wg/wg.c,$(wildcard src/wg/*.c))
LIB_OBJ := $(patsubst src/wg/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRC))

.PHONY: all check unit install uninstall bench fuzz demo clean
.DELETE_ON_ERROR:

all: $(WG_BIN)

$(BUILD)/obj/%.o: src/wg/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WG_CFLAGS) -c -o $@ $<

$(BUILD)/libwg.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(WG_BIN): $(BUILD)/obj/wg.o $(BUILD)/libwg.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WG_LDFLAGS) $(LDFLAGS) -o $@ $^ $(MNL_LIBS)

$(BUILD)/unit/%: tests/unit/%.c tests/unit/test.h $(BUILD)/libwg.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WG_CFLAGS) $(WG_LDFLAGS) -Isrc/wg -Itests/unit -o $@ $< $(BUILD)/libwg.a $(MNL_LIBS)

unit: $(UNIT_BIN)

# The test suite always compiles warning-free and also runs the unit tests under ASan+UBSan.
check:
	$(MAKE) WERROR=1 all unit
	$(MAKE) WERROR=1 SANITIZE=1 unit
	WG="$(abspath $(WG_BIN))" UNIT_DIRS="$(abspath build/release/unit) $(abspath build/asan/unit)" \
		tests/run

bench: all
	tests/bench/run

fuzz:
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

demo: all
	tests/demo

install: all
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MANDIR)/man8"
	install -m 0755 src/wg/wg "$(DESTDIR)$(BINDIR)/wg"
	install -m 0644 man/wg.8 "$(DESTDIR)$(MANDIR)/man8/wg.8"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/wg" "$(DESTDIR)$(MANDIR)/man8/wg.8"

clean:
	rm -rf build src/wg/wg
	-$(MAKE) -C tests/fuzz clean 2>/dev/null

-include $(wildcard build/*/obj/*.d build/*/unit/*.d)
