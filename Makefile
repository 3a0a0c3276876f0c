# vmcore: `make` builds ./linux; `make run` boots it; `make test` runs the
# test suite; `make bench` the micro-benchmarks.  Safe under -j.
# SANITIZE=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer, TSAN=1
# with ThreadSanitizer;
# COVERAGE=1 for gcov, KCOV=1 with KCOV, PROFILE=1 for gprof (docs/coverage.md);
# `make coverage` runs the suite on a coverage build and reports.

CC := gcc
PYTHON := /usr/bin/python3
# Each flavour (sanitizers, coverage, KCOV, profiling, and combinations)
# keeps its objects apart; ./linux is relinked whenever the flavour changes.
empty :=
space := $(empty) $(empty)
FLAVOR := $(subst $(space),-,$(strip $(if $(filter 1,$(SANITIZE)),asan) $(if $(filter 1,$(TSAN)),tsan) $(if $(filter 1,$(COVERAGE)),cov) \
	$(if $(filter 1,$(KCOV)),kcov) $(if $(filter 1,$(PROFILE)),prof) $(if $(filter 1,$(NOTRACE)),notrace)))
FLAVOR := $(or $(FLAVOR),normal)
B := build/$(FLAVOR)
$(shell mkdir -p build; [ "$$(cat build/.flavor 2>/dev/null)" = "$(FLAVOR)" ] || echo $(FLAVOR) > build/.flavor)

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers -fno-strict-aliasing -D_GNU_SOURCE -Ivmcore/include -MMD -MP
LDFLAGS :=
LDLIBS := -ldw -lelf -lpthread
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
# TSAN=1: ThreadSanitizer, for data races between the kernel's threads
# (one per guest task, the timer's, the console's) outside the big lock
ifeq ($(TSAN),1)
CFLAGS += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
endif
# gcov: atomic counters (many threads); the constructors that register each
# file's counters pass through coverage/gcov.c (--wrap), which serves them
# in debugfs
ifeq ($(COVERAGE),1)
CFLAGS += --coverage -fprofile-update=atomic -DCONFIG_GCOV=1
LDFLAGS += --coverage -Wl,--wrap=__gcov_init
endif
# KCOV: every kernel file but the collector itself calls
# __sanitizer_cov_trace_pc at each basic block
ifeq ($(KCOV),1)
CFLAGS += -DCONFIG_KCOV=1
KCOV_CFLAGS := -fsanitize-coverage=trace-pc
endif
# gprof, and the sampling profile of coverage/sample.c: frame pointers,
# and every thread the kernel starts passes through it (--wrap)
# NOTRACE=1: the syscall path without the trace's hooks and the flight
# recorder, to measure what they cost (make bench)
ifeq ($(NOTRACE),1)
CFLAGS += -DCONFIG_SYSCALL_TRACE=0
endif
ifeq ($(PROFILE),1)
CFLAGS += -pg -fno-omit-frame-pointer -DCONFIG_PROFILE=1
LDFLAGS += -pg -Wl,--wrap=pthread_create
endif

SRCS := $(wildcard vmcore/boot/*.c vmcore/host/*.c vmcore/kernel/*.c vmcore/mm/*.c \
	vmcore/fs/*.c vmcore/fs/notify/*.c vmcore/net/*.c vmcore/lib/*.c trace/*.c $(filter-out gdbstub/test_%,$(wildcard gdbstub/*.c)) \
	$(wildcard coverage/*.c))
OBJS := $(SRCS:%.c=$(B)/%.o)
TESTCASES := $(abspath build/testcases)

.PHONY: all deps run test bench clean testcases coverage profile fuzz

all: linux

# Install what is missing (Debian packages); does nothing when all is there.
deps:
	@scripts/deps.sh

$(B)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(if $(filter coverage/%,$<),,$(KCOV_CFLAGS)) -c -o $@ $<

$(B)/stub.elf: vmcore/stub/stub.S vmcore/stub/stub.lds
	@mkdir -p $(B)
	$(CC) -nostdlib -static -Wl,-T,vmcore/stub/stub.lds -Wl,--build-id=none -o $@ vmcore/stub/stub.S

$(B)/vmcore/host/image.o: vmcore/host/image.S $(B)/stub.elf
	@mkdir -p $(dir $@)
	$(CC) -c -DSTUB_ELF='"$(B)/stub.elf"' -o $@ $<

testcases: | deps
	@mkdir -p $(TESTCASES)
	@if [ -f testcases/Makefile ]; then $(MAKE) --no-print-directory -C testcases OUT=$(TESTCASES); fi
	@$(MAKE) --no-print-directory -C testcases/gdb OUT=$(TESTCASES)/gdb

$(B)/initramfs.cpio: scripts/mkinitramfs.py testcases | deps
	$(PYTHON) scripts/mkinitramfs.py --testcases $(TESTCASES) -o $@

$(B)/initramfs.o: vmcore/boot/initramfs.S $(B)/initramfs.cpio
	$(CC) -c -DINITRAMFS='"$(B)/initramfs.cpio"' -o $@ $<

# gdb's auto-load of the kernel's helpers (scripts/gdb/, docs/workflows.md)
$(B)/gdb_scripts.o: vmcore/boot/gdb_scripts.S
	@mkdir -p $(B)
	$(CC) -c -DGDB_SCRIPT='"$(abspath scripts/gdb/vmcore-gdb.py)"' -o $@ $<

$(B)/kconfig.gz: scripts/mkconfig.py vmcore/include/vmcore/kernel.h | deps
	@mkdir -p $(B)
	$(PYTHON) scripts/mkconfig.py -o $@

$(B)/kconfig.o: vmcore/fs/kconfig.S $(B)/kconfig.gz
	$(CC) -c -DKCONFIG_GZ='"$(B)/kconfig.gz"' -o $@ $<

# Each flavour links its own kernel, build/FLAVOR/linux; ./linux is the one
# of the flavour asked for (tests build and run others side by side).
$(B)/linux: $(OBJS) $(B)/vmcore/host/image.o $(B)/initramfs.o $(B)/kconfig.o $(B)/gdb_scripts.o
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

linux: $(B)/linux build/.flavor
	ln -f $(B)/linux $@

run: linux
	./linux

test: linux testcases
	@scripts/run_tests.sh

bench: linux testcases
	$(PYTHON) scripts/bench.py
	$(PYTHON) scripts/bench_trace.py
	$(PYTHON) scripts/bench_gdb.py
	$(PYTHON) scripts/bench_flavors.py

# Ten minutes of random system calls: vmcore's own fuzzer, then Debian's
# trinity, each boot watched for oopses, host memory and host file changes
# (scripts/fuzz.py; FUZZ_SECONDS=N for another length).
fuzz: linux testcases build/heapcheck.so
	$(PYTHON) scripts/fuzz.py --seconds $(or $(FUZZ_SECONDS),600)

# A quarantine allocator preloaded into the plain build (tools/heapcheck.c):
# writes into freed blocks that AddressSanitizer cannot see (host system
# calls, races at the plain build's timing).  scripts/fuzz.py --heapcheck.
build/heapcheck.so: tools/heapcheck.c
	@mkdir -p build
	$(CC) -O2 -g -Wall -Wextra -Werror -shared -fPIC -o $@ $< -ldl

# The suite on a coverage build (build/cov/linux; ./linux is left as it
# was), then the reports in build/coverage/.  PER_TEST=1 keeps each test's
# data apart (scripts/coverage.py who FUNCTION).
coverage: | deps
	$(MAKE) --no-print-directory COVERAGE=1 build/cov/linux testcases
	find build/cov -name '*.gcda' -delete
	rm -rf build/coverage/per-test
	VMCORE_LINUX=$(abspath build/cov/linux) $(if $(filter 1,$(PER_TEST)),VMCORE_COVERAGE_PER_TEST=$(abspath build/coverage/per-test)) \
		scripts/run_tests.sh || echo "coverage: some tests failed; the report covers the run as it went"
	$(PYTHON) scripts/coverage.py report $(if $(filter 1,$(PER_TEST)),--per-test build/coverage/per-test)

# The suite on a profile build (build/prof/linux): gprof's report of all
# the runs and a flame graph of the kernel's threads, in build/profile/.
profile: | deps
	$(MAKE) --no-print-directory PROFILE=1 build/prof/linux testcases
	rm -rf build/profile && mkdir -p build/profile/gmon build/profile/folded
	VMCORE_LINUX=$(abspath build/prof/linux) GMON_OUT_PREFIX=$(abspath build/profile/gmon)/gmon.out \
		VMCORE_KPROFILE=$(abspath build/profile/folded) scripts/run_tests.sh || \
		echo "profile: some tests failed; the profile covers the run as it went"
	cd build/profile && gprof -s ../prof/linux gmon/gmon.out.* && gprof -b ../prof/linux gmon.sum > gprof.txt
	$(PYTHON) scripts/flamegraph.py build/profile/kernel.svg build/profile/folded/*.folded
	@echo "gprof: build/profile/gprof.txt; flame graph: build/profile/kernel.svg"

clean:
	rm -rf build linux

-include $(OBJS:.o=.d)
