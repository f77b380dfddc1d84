# maildiag - the two commands of the README, and a few helpers.
# This file only wraps the real tools (apt-get, meson, ninja).
#
#   make demo    install build dependencies, build, run the demo offline
#   make check   install dependencies, build with ASan+UBSan, run every test,
#                a short libFuzzer run of every parser, and the threaded
#                bounce scan under ThreadSanitizer

BUILD       ?= build
CHECK_BUILD ?= build-check
FUZZ_BUILD  ?= build-fuzz
TSAN_BUILD  ?= build-tsan
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

$(TSAN_BUILD)/build.ninja:
	meson setup $(TSAN_BUILD) -Dbuildtype=debugoptimized -Dtests=false \
	  -Db_sanitize=thread -Db_lundef=false

check: deps $(CHECK_BUILD)/build.ninja $(FUZZ_BUILD)/build.ninja $(TSAN_BUILD)/build.ninja
	ninja -C $(CHECK_BUILD)
	meson test -C $(CHECK_BUILD) --print-errorlogs $(MESON_TEST_ARGS)
	ninja -C $(FUZZ_BUILD)
	@scripts/fuzz-smoke $(FUZZ_BUILD) $(FUZZ_SECONDS)
	ninja -C $(TSAN_BUILD) src/cli/maildiag
	@scripts/tsan-smoke $(TSAN_BUILD)/src/cli/maildiag
	@scripts/check-summary $(CHECK_BUILD) $(FUZZ_BUILD) $(TSAN_BUILD)

test: $(CHECK_BUILD)/build.ninja
	ninja -C $(CHECK_BUILD)
	meson test -C $(CHECK_BUILD) --print-errorlogs $(MESON_TEST_ARGS)

install: build
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD) $(CHECK_BUILD) $(FUZZ_BUILD) $(TSAN_BUILD)
