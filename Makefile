# SPDX-License-Identifier: GPL-2.0-only
# Makefile: build wg, run every test layer, install, benchmark and fuzz.
#
#   make                      build src/wg/wg
#   make check                build with -Werror and run every test layer (root runs all)
#   make check SANITIZE=1     the same with wg built under ASan+UBSan
#   make install              PREFIX, DESTDIR, WITH_WGQUICK, WITH_BASHCOMPLETION, WITH_SYSTEMDUNITS
#   make deb                  build the Debian package build/deb/wgc_VERSION_ARCH.deb
#   make bench | fuzz | demo | clean
#
# CPPFLAGS, CFLAGS, LDFLAGS and LDLIBS from the environment or the command line reach every
# compile and link, after this file's own flags so that they can override them (distributions
# pass theirs, e.g. dpkg-buildflags' hardening flags, this way). V=0 prints one short line per
# step instead of each command; V=1, the default, prints the commands.

include version.mk

PKG_CONFIG ?= pkg-config
PREFIX ?= /usr
DESTDIR ?=
SYSCONFDIR ?= /etc
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
RUNSTATEDIR ?= /var/run
ifeq ($(origin BASHCOMPDIR),undefined)
BASHCOMPDIR := $(or $(shell $(PKG_CONFIG) --variable=completionsdir bash-completion 2>/dev/null),$(PREFIX)/share/bash-completion/completions)
endif
ifeq ($(origin SYSTEMDUNITDIR),undefined)
SYSTEMDUNITDIR := $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null),$(PREFIX)/lib/systemd/system)
endif
# yes, no, or empty to decide from this system (see "make install" below)
WITH_WGQUICK ?=
WITH_BASHCOMPLETION ?=
WITH_SYSTEMDUNITS ?=
FUZZ_SECONDS ?= 60

CC ?= cc
CPPFLAGS ?=
CFLAGS ?= -O2 -g
LDFLAGS ?=
LDLIBS ?=
V ?= 1
# Bind every symbol at start-up: the lazy-binding trampoline saves vector registers, which may
# still hold key bytes, onto the stack where no wipe reaches them.
WG_LDFLAGS := -pthread -Wl,-z,relro,-z,now
SANITIZE ?=
WERROR ?=

MNL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmnl 2>/dev/null)
MNL_LIBS := $(or $(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null),-lmnl)

WG_CPPFLAGS := -D_GNU_SOURCE -DRUNSTATEDIR='"$(RUNSTATEDIR)"' $(MNL_CFLAGS)
WG_CFLAGS := -std=c11 -pthread -Wall -Wextra -Wshadow -Wformat=2 -MMD -MP
ifneq ($(WERROR),)
WG_CFLAGS += -Werror
endif
# Flags of the variant come after the user's CFLAGS: a sanitizer build stays one whatever they say.
VARIANT_CFLAGS :=

ifneq ($(SANITIZE),)
VARIANT := asan
VARIANT_CFLAGS += -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
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

.PHONY: all check unit install uninstall deb bench fuzz demo clean
.DELETE_ON_ERROR:

# $(call say,WHAT,FILE): with V=0, the recipe line it starts prints "  WHAT FILE" instead of itself.
ifeq ($(V),0)
say = @printf '  %-7s %s\n' '$(1)' '$(2)';
else
say =
endif
COMPILE = $(CC) $(WG_CPPFLAGS) $(CPPFLAGS) $(WG_CFLAGS) $(CFLAGS) $(VARIANT_CFLAGS)
LINK = $(WG_LDFLAGS) $(LDFLAGS)

# The variant's compile and link lines, kept in $(BUILD)/flags: when they change (other CFLAGS,
# another compiler, WERROR), every object is built again, so that none made with other flags
# (without the hardening flags, say) ends up in wg.
FLAGS_FILE := $(BUILD)/flags
BUILD_FLAGS := $(COMPILE) | $(CC) $(LINK) $(MNL_LIBS) $(LDLIBS)
# (A dry run, make -n, writes nothing.)
ifeq (,$(findstring n,$(firstword -$(MAKEFLAGS))))
ifneq ($(file <$(FLAGS_FILE)),$(BUILD_FLAGS))
$(shell mkdir -p $(BUILD))
$(file >$(FLAGS_FILE),$(BUILD_FLAGS))
endif
endif

all: $(WG_BIN)

# Missing only in a dry run, where everything would be built.
$(FLAGS_FILE): ;

# Only wg.c prints the version; it is rebuilt when version.mk changes.
$(BUILD)/obj/wg.o: WG_CPPFLAGS += -DPROJECT='"$(PROJECT)"' -DVERSION='"$(VERSION)"' \
	-DCOMPAT_VERSION='"$(COMPAT_VERSION)"'
$(BUILD)/obj/wg.o: version.mk

$(BUILD)/obj/%.o: src/wg/%.c $(FLAGS_FILE)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(COMPILE) -c -o $@ $<

$(BUILD)/libwg.a: $(LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)$(AR) rcs $@ $^

$(WG_BIN): $(BUILD)/obj/wg.o $(BUILD)/libwg.a
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CFLAGS) $(VARIANT_CFLAGS) $(LINK) -o $@ $^ $(MNL_LIBS) $(LDLIBS)

$(BUILD)/unit/%: tests/unit/%.c tests/unit/test.h $(BUILD)/libwg.a $(FLAGS_FILE)
	@mkdir -p $(@D)
	$(call say,CCLD,$@)$(COMPILE) -Isrc/wg -Itests/unit $(LINK) -o $@ $< $(BUILD)/libwg.a \
		$(MNL_LIBS) $(LDLIBS)

unit: $(UNIT_BIN)

# The test suite always compiles warning-free and also runs the unit tests under ASan+UBSan.
# Tests that run make themselves get WERROR=1 too: the same flags, so nothing is built again.
check:
	$(MAKE) WERROR=1 all unit
	$(MAKE) WERROR=1 SANITIZE=1 unit
	WERROR=1 WG="$(abspath $(WG_BIN))" \
		UNIT_DIRS="$(abspath build/release/unit) $(abspath build/asan/unit)" tests/run

bench: all
	tests/bench/run

fuzz:
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

demo: all
	tests/demo

# ---- install and uninstall ----
# An empty WITH_* switch is decided here: wg-quick when bash is there to run it, the completions
# when bash-completion is installed, the units when systemd is. Uninstall takes the same
# decisions, so it removes exactly what install with the same variables put in place.
with = $(if $(filter yes no,$(1)),$(1),$(if $(1),$(error $(2) must be yes, no or empty),$(3)))
pkg_exists = $(shell $(PKG_CONFIG) --exists $(1) 2>/dev/null && echo yes)
use_wgquick = $(call with,$(WITH_WGQUICK),WITH_WGQUICK,$(if $(wildcard \
	$(DESTDIR)$(BINDIR)/bash $(DESTDIR)/bin/bash $(BINDIR)/bash /bin/bash),yes,no))
use_bashcompletion = $(call with,$(WITH_BASHCOMPLETION),WITH_BASHCOMPLETION,$(if \
	$(wildcard $(BASHCOMPDIR))$(call pkg_exists,bash-completion),yes,no))
use_systemdunits = $(call with,$(WITH_SYSTEMDUNITS),WITH_SYSTEMDUNITS,$(if \
	$(wildcard $(SYSTEMDUNITDIR))$(call pkg_exists,systemd),yes,no))

# SOURCE:DESTINATION:MODE of every file to install; SOURCE:DESTINATION:MODE:fill for a file whose
# @VERSION@, @COMPAT_VERSION@ and @BINDIR@ are filled in on the way (the man pages name the
# versions, the units the wg-quick they run).
install_files = src/wg/wg:$(BINDIR)/wg:0755 man/wg.8:$(MANDIR)/man8/wg.8:0644:fill \
	$(if $(filter yes,$(use_bashcompletion)),completion/wg.bash-completion:$(BASHCOMPDIR)/wg:0644) \
	$(if $(filter yes,$(use_wgquick)),$(install_wgquick_files))
install_wgquick_files = src/wg-quick/wg-quick:$(BINDIR)/wg-quick:0755 \
	man/wg-quick.8:$(MANDIR)/man8/wg-quick.8:0644:fill \
	$(if $(filter yes,$(use_bashcompletion)),completion/wg-quick.bash-completion:$(BASHCOMPDIR)/wg-quick:0644) \
	$(if $(filter yes,$(use_systemdunits)),$(foreach unit,wg-quick@.service wg-quick.target,\
		src/wg-quick/$(unit):$(SYSTEMDUNITDIR)/$(unit):0644:fill))
install_field = $(word $(1),$(subst :, ,$(2)))
FILLED := build/filled
fill = sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@COMPAT_VERSION@|$(COMPAT_VERSION)|g' \
	-e 's|@BINDIR@|$(BINDIR)|g'
# $(call install_one,ENTRY): the commands installing one entry of install_files.
install_src = $(if $(call install_field,4,$(1)),$(FILLED)/$(notdir $(call install_field,1,$(1))),$(call \
	install_field,1,$(1)))
install_fill = $(if $(call install_field,4,$(1)),$(fill) $(call install_field,1,$(1)) >$(call \
	install_src,$(1)) && )
install_one = $(call say,INSTALL,$(call install_field,2,$(1)))$(call install_fill,$(1))install -m $(call \
	install_field,3,$(1)) $(call install_src,$(1)) "$(DESTDIR)$(call install_field,2,$(1))"
define newline


endef

install: all
	$(eval install_list := $(strip $(install_files)))
	@mkdir -p $(FILLED)
	$(if $(filter 0,$(V)),@)install -d -m 0755 $(sort $(foreach f,$(install_list),\
		"$(DESTDIR)$(dir $(call install_field,2,$(f)))"))
	$(foreach f,$(install_list),$(call install_one,$(f))$(newline))
	$(if $(filter yes,$(use_wgquick)),$(call say,INSTALL,$(SYSCONFDIR)/wireguard)install -d -m 0700 \
		"$(DESTDIR)$(SYSCONFDIR)/wireguard")

uninstall:
	$(eval install_list := $(strip $(install_files)))
	$(call say,RM,$(words $(install_list)) installed files)rm -f $(foreach f,$(install_list),"$(DESTDIR)$(call install_field,2,$(f))")
	$(if $(filter yes,$(use_wgquick)),$(if $(filter 0,$(V)),@)[ ! -d "$(DESTDIR)$(SYSCONFDIR)/wireguard" ] || \
		rmdir --ignore-fail-on-non-empty "$(DESTDIR)$(SYSCONFDIR)/wireguard")

# ---- the Debian package ----
# Built by dpkg-buildpackage in a copy of the source without build results (the files git
# tracks, as they are in the working tree; without git, the tree minus build/), so that neither
# a stale binary nor an untracked file (keys fill-keys wrote, say) slips into the package, and
# the tree stays as it is. The build is the distribution's: make check's WERROR and SANITIZE stay
# out of it.
DEB_DIR := build/deb
DEB_SRC := $(DEB_DIR)/$(PROJECT)-$(VERSION)
deb:
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached | \
			xargs -0 sh -c 'for f; do [ ! -e "$$f" ] || printf "%s\0" "$$f"; done' sh | \
			tar -c --null -T - -f -; \
	else \
		tar -c --exclude=./build --exclude=./src/wg/wg --exclude=./tests/fuzz/build \
			--exclude=./debian/wgc --exclude=./debian/.debhelper -f - .; \
	fi | tar -x -C $(DEB_SRC) -f -
	cd $(DEB_SRC) && env -u WERROR -u SANITIZE dpkg-buildpackage -us -uc -b
	@ls $(DEB_DIR)/*.deb

clean:
	rm -rf build src/wg/wg
	-$(MAKE) -C tests/fuzz clean 2>/dev/null

-include $(wildcard build/*/obj/*.d build/*/unit/*.d)
