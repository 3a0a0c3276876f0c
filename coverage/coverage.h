/* Coverage and profiles of the kernel itself (coverage/): gcov data for
 * debugfs and at halt, KCOV for the guest, gprof and sampling profiles.
 * In a build without them every query answers "nothing". */
#ifndef VMCORE_COVERAGE_H
#define VMCORE_COVERAGE_H

#include <vmcore/kernel.h>
#include <stddef.h>

/* gcov (make COVERAGE=1) */
int gcov_count(void);                 /* object files with counters */
const char *gcov_name(int i);         /* the .gcda path of object i */
/* Object i's counters as a .gcda image (malloc'ed); -errno. */
long gcov_snapshot(int i, void **buf);
void gcov_reset_all(void);
/* Merge the counters into the .gcda files next to the objects (as a
 * program's exit does), then start again from zero. */
void gcov_dump_all(void);

/* The sampling profile (make PROFILE=1): kprofile=FILE (path), or the
 * environment's VMCORE_KPROFILE=DIR (path NULL); 0 when off. */
int kprofile_option(const char *path);
void kprofile_write(void);

/* At halt: whatever the build collects is written out. */
void coverage_halt(void);
/* Boot: the host signal (SIGUSR2) that writes the coverage data out. */
void coverage_init(void);

#endif
