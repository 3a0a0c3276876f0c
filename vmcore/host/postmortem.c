/* Post-mortem debugging of the kernel itself (oops=wait, oops=core):
 * the host's side, a debugger attached to ./linux.
 *
 * The core file is gdb's gcore, forked from the oops path: gdb already
 * knows how to stop every thread of a process, take each one's registers
 * and write a core of its memory that gdb reads back (the kernel's data,
 * and physmem, where guest memory and the page cache live).  Writing an
 * ELF core here would need the registers of every other thread, which a
 * process cannot take of its own threads without stopping them itself.
 * gdb writes the file, so the host's core_pattern and RLIMIT_CORE play no
 * part; after it the host's own core dump is switched off, so that the
 * signal that ends a crashed kernel leaves no second one.  Mappings
 * nothing can be read from (PROT_NONE: the C library's reserved heap
 * arenas, stack guards) are marked MADV_DONTDUMP first, which gcore
 * honours: they would be hundreds of MB of zeros. */
#include <vmcore/kernel.h>
#include <vmcore/host.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void exe_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		n = snprintf(buf, len, "./linux");
	buf[n] = 0;
}

/* The TracerPid of the status file at path, 0 when none; only system
 * calls and plain loops: it runs in a child forked from a threaded
 * process. */
static int tracer_of(const char *path)
{
	static const char key[] = "TracerPid:";
	char buf[4096];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strstr(buf, key);
	if (!p)
		return 0;
	int pid = 0;
	for (p += sizeof(key) - 1; *p == ' ' || *p == '\t'; p++)
		;
	for (; *p >= '0' && *p <= '9'; p++)
		pid = pid * 10 + (*p - '0');
	return pid;
}

static void nap(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

/* A debugger that attaches stops every thread of ./linux, this one too,
 * until it detaches: only another process can see it come and go.  A
 * watcher child does, and exits when the debugger has gone again. */
void host_oops_wait(void)
{
	char exe[PATH_MAX], status[64];
	exe_path(exe, sizeof(exe));
	pid_t self = getpid();
	snprintf(status, sizeof(status), "/proc/%d/status", self);
	/* Yama's ptrace_scope 1 lets only ancestors attach unless we say so */
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	printk(KERN_EMERG, "Oops: waiting for a debugger (oops=wait): gdb %s %d\n", exe, self);
	printk(KERN_EMERG, "Oops: the oops is in thread LWP %d; the kernel halts when the debugger "
	       "detaches\n", gettid());
	pid_t w = fork();
	if (w == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != self)
			_exit(1);
		while (!tracer_of(status))
			nap();
		while (tracer_of(status))
			nap();
		_exit(0);
	}
	if (w > 0) {
		while (waitpid(w, NULL, 0) < 0 && errno == EINTR)
			;
	} else {
		pr_err("vmcore: cannot watch for the debugger (%s); waiting for ever\n", strerror(errno));
		for (;;)
			pause();
	}
	printk(KERN_EMERG, "Oops: the debugger detached; halting\n");
}

/* Leave the inaccessible anonymous mappings out of a core file. */
static void dontdump_inaccessible(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;
		char perms[8];
		int n = 0;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s%n", &start, &end, perms, &n) != 3 ||
		    strcmp(perms, "---p"))
			continue;
		while (line[n] == ' ')
			n++;
		if (line[n] == '\n') /* anonymous: no file, no [name] */
			madvise((void *)start, end - start, MADV_DONTDUMP);
	}
	fclose(f);
}

int host_oops_core(const char *path)
{
	char exe[PATH_MAX], pid[16], cmd[PATH_MAX + 16];
	exe_path(exe, sizeof(exe));
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(cmd, sizeof(cmd), "gcore %s", path);
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	unlink(path); /* only what this gdb writes counts */
	dontdump_inaccessible();
	pid_t child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		/* quiet: its warnings (unreadable [vsyscall], no sources)
		 * are not the kernel's; a failure shows in its status */
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		close_range(3, ~0U, 0);
		execlp("gdb", "gdb", "-nx", "-batch", "-iex", "set auto-load no", "-iex",
		       "set debuginfod enabled off", "-p", pid, "-ex", cmd, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || access(path, R_OK) != 0)
		return WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : -EIO;
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
	printk(KERN_EMERG, "Oops: core written: gdb %s %s\n", exe, path);
	return 0;
}
