# maildiag - the two commands of the README, and a few helpers.
# This file only wraps the real tools (apt-get, meson, ninja).
#
#   make demo    install build dependencies, build, run the demo offline
#   make check   install dependencies, build with ASan+UBSan, run every test
#                and a short libFuzzer run of every parser

BUILD       ?= build
CHECK_BUILD ?= build-check
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 4
MESON_TEST_ARGS ?=

.PHONY: all deps build demo check test fuzz-smoke install clean

all: build

deps:
	@scripts/install-deps scripts/deps.txt

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	@scripts/demo $(BUILD)/src/cli/maildiag

$(CHECK_BUILD)/build.ninja:
	meson setup $(CHECK_BUILD) -Db_sanitize=address,undefined -Db_lundef=false

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Dtests=false \
	  -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dc_args=-fsanitize=fuzzer-no-link

check: deps $(CHECK_BUILD)/build.ninja $(FUZZ_BUILD)/build.ninja
	ninja -C $(CHECK_BUILD)
	meson test -C $(CHECK_BUILD) --print-errorlogs $(MESON_TEST_ARGS)
	ninja -C $(FUZZ_BUILD)
	@scripts/fuzz-smoke $(FUZZ_BUILD) $(FUZZ_SECONDS)
	@scripts/check-summary $(CHECK_BUILD) $(FUZZ_BUILD)

test: $(CHECK_BUILD)/build.ninja
	ninja -C $(CHECK_BUILD)
	meson test -C $(CHECK_BUILD) --print-errorlogs $(MESON_TEST_ARGS)

install: build
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD) $(CHECK_BUILD) $(FUZZ_BUILD)
