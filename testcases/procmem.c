/* /proc/PID/mem and the access checks of the /proc/PID files a debugger reads (environ, auxv, maps, fd, fdinfo, exe, cwd, root, ns): a child's memory read and written at offsets that are addresses, unmapped ranges, high offsets, seeks, read-only text written, the file bound to the address space of open time (exec, exit); as root, a nobody process probing root-owned, set-id-like and non-dumpable processes. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
static char secret[64] = "child-secret-data";
static const char rostr[] = "ro-original-text-procmem";
static int (*volatile textfn_p)(int);
static unsigned char *region;   /* two pages mapped, the third not */
static unsigned char *nonepage; /* PROT_NONE after being written */
static long pagesz;
static void *volatile bad_ptr = (void *)8;

__attribute__((noinline)) static int textfn(int x)
{
	return x * 3 + 1;
}

static const char *err(long r)
{
	static char b[64];
	if (r >= 0) {
		snprintf(b, sizeof(b), "%ld", r);
		return b;
	}
	switch (errno) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EIO: return "EIO";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EFAULT: return "EFAULT";
	case EOVERFLOW: return "EOVERFLOW";
	case ESPIPE: return "ESPIPE";
	case ENXIO: return "ENXIO";
	default:
		snprintf(b, sizeof(b), "errno %d", errno);
		return b;
	}
}

static void say(const char *what, long r)
{
	printf("%s: %s\n", what, err(r));
}

static void expect(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want))
		fails++;
	printf("%s %s: %s\n", strcmp(got, want) ? "FAIL" : "ok", what, got);
}

/* ---- a child that answers commands on a pipe ---- */
struct kid {
	pid_t pid;
	int cmd, reply;
};

static void reply_str(int fd, const void *s, size_t n)
{
	if (write(fd, s, n) < 0)
		_exit(99);
}

static void kid_loop(int cmd, int rep, char **argv)
{
	char c;
	while (read(cmd, &c, 1) == 1) {
		char b[128];
		switch (c) {
		case 'a': { /* where its data is (an exec moves it, PIE) */
			uintptr_t a = (uintptr_t)secret;
			reply_str(rep, &a, sizeof(a));
			break;
		}
		case 'd': /* what it sees in its data */
			reply_str(rep, secret, sizeof(secret));
			break;
		case 'r': /* its read-only string */
			memcpy(b, rostr, sizeof(rostr));
			reply_str(rep, b, sizeof(rostr));
			break;
		case 't': /* its text's first bytes */
			memcpy(b, (const void *)(uintptr_t)textfn_p, 8);
			reply_str(rep, b, 8);
			break;
		case 'n':
			prctl(PR_SET_DUMPABLE, 0);
			reply_str(rep, "n", 1);
			break;
		case 'y':
			prctl(PR_SET_DUMPABLE, 1);
			reply_str(rep, "y", 1);
			break;
		case 's': /* a saved set-user-ID other than the others (root only) */
			if (setresuid(65534, 65534, 0) < 0)
				_exit(98);
			prctl(PR_SET_DUMPABLE, 1);
			reply_str(rep, "s", 1);
			break;
		case 'x': { /* exec itself as a waiter that says when it runs */
			char a1[16], a2[16];
			snprintf(a1, sizeof(a1), "%d", cmd);
			snprintf(a2, sizeof(a2), "%d", rep);
			char *av[] = { argv[0], "waiter", a1, a2, NULL };
			execv("/proc/self/exe", av);
			_exit(97);
		}
		case 'q':
			_exit(0);
		}
	}
	_exit(0);
}

static struct kid spawn(char **argv)
{
	int c[2], r[2];
	struct kid k = { -1, -1, -1 };
	if (pipe(c) < 0 || pipe(r) < 0)
		return k;
	fflush(stdout);
	k.pid = fork();
	if (k.pid == 0) {
		close(c[1]);
		close(r[0]);
		kid_loop(c[0], r[1], argv);
	}
	close(c[0]);
	close(r[1]);
	k.cmd = c[1];
	k.reply = r[0];
	return k;
}

/* send a command, read n bytes of its answer */
static int ask(struct kid *k, char c, void *buf, size_t n)
{
	if (write(k->cmd, &c, 1) != 1)
		return -1;
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(k->reply, (char *)buf + got, n - got);
		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

static void reap(struct kid *k)
{
	char c = 'q';
	if (write(k->cmd, &c, 1) < 0) {
	}
	close(k->cmd);
	close(k->reply);
	waitpid(k->pid, NULL, 0);
}

static int open_pid(pid_t pid, const char *file, int flags)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/%s", pid, file);
	return open(p, flags);
}

static bool file_has(const void *pat, size_t n)
{
	int fd = open("/proc/self/exe", O_RDONLY);
	struct stat st;
	bool found = false;
	if (fd < 0 || fstat(fd, &st) < 0)
		return false;
	char *m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m != MAP_FAILED) {
		found = memmem(m, st.st_size, pat, n) != NULL;
		munmap(m, st.st_size);
	}
	close(fd);
	return found;
}

/* ---- the same user's checks ---- */
static int thread_tid, thread_pipe[2];
static void *thread_fn(void *arg)
{
	char c;
	(void)arg;
	__atomic_store_n(&thread_tid, (int)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	if (read(thread_pipe[0], &c, 1) < 0) {
	}
	return NULL;
}

static void same_user(char **argv)
{
	char buf[8192];
	struct kid k = spawn(argv);
	int fd = open_pid(k.pid, "mem", O_RDONLY);
	say("open child mem rdonly", fd < 0 ? -1 : 0);
	long r = pread(fd, buf, 17, (off_t)(uintptr_t)secret);
	say("pread data", r);
	expect("data", r == 17 ? (buf[17] = 0, buf) : "?", "child-secret-data");
	/* the position is the address */
	off_t at = (off_t)(uintptr_t)secret;
	printf("%s lseek set is address\n", lseek(fd, at, SEEK_SET) == at ? "ok" : "FAIL");
	r = read(fd, buf, 5);
	say("read at position", r);
	printf("%s position advanced\n", lseek(fd, 0, SEEK_CUR) == at + 5 ? "ok" : "FAIL");
	printf("%s seek cur\n", lseek(fd, 1, SEEK_CUR) == at + 6 ? "ok" : "FAIL");
	r = read(fd, buf, 3);
	buf[3] = 0;
	expect("read after seek cur", r == 3 ? buf : "?", "sec");
	say("seek end", lseek(fd, 0, SEEK_END));
	say("seek data", lseek(fd, 0, SEEK_DATA));
	off_t cur = lseek(fd, 0, SEEK_CUR);
	printf("%s seek cur to a negative offset\n", lseek(fd, -cur - 0x2000, SEEK_CUR) == -0x2000 ? "ok" : "FAIL");
	/* unmapped: EIO for the first byte, a short count otherwise */
	say("pread unmapped", pread(fd, buf, 16, (off_t)(uintptr_t)(region + 2 * pagesz)));
	say("pread at 0", pread(fd, buf, 16, 0));
	say("pread across end", pread(fd, buf, 200, (off_t)(uintptr_t)(region + 2 * pagesz - 100)));
	expect("bytes before end", buf[0] == 'Z' && buf[99] == 'Z' ? "Z" : "?", "Z");
	say("pread two pages", pread(fd, buf, 8192, (off_t)(uintptr_t)region));
	say("pread prot none", pread(fd, buf, 14, (off_t)(uintptr_t)nonepage));
	buf[14] = 0;
	expect("prot none data", buf, "prot-none-data");
	say("pread negative", pread(fd, buf, 8, -4096));
	/* offsets above 2^63 */
	off_t hi = lseek(fd, (off_t)0xfffffffffffff000ULL, SEEK_SET);
	printf("%s seek high\n", hi == (off_t)0xfffffffffffff000ULL ? "ok" : "FAIL");
	say("read high", read(fd, buf, 8));
	say("read high overflow", read(fd, buf, 4096));
	say("read high just under", read(fd, buf, 4095));
	printf("%s seek cur from high\n", lseek(fd, 0x2000, SEEK_CUR) == 0x1000 ? "ok" : "FAIL");
	off_t h63 = lseek(fd, (off_t)0x8000000000000000ULL, SEEK_SET);
	printf("%s seek 2^63\n", h63 == (off_t)0x8000000000000000ULL ? "ok" : "FAIL");
	say("read 2^63", read(fd, buf, 8));
	say("write on rdonly fd", pwrite(fd, "x", 1, (off_t)(uintptr_t)secret));
	close(fd);

	/* writes */
	fd = open_pid(k.pid, "mem", O_RDWR);
	say("open child mem rdwr", fd < 0 ? -1 : 0);
	say("pwrite data", pwrite(fd, "PARENT", 6, (off_t)(uintptr_t)secret));
	ask(&k, 'd', buf, sizeof(secret));
	expect("child sees", buf, "PARENTsecret-data");
	say("pwrite rodata", pwrite(fd, "RO", 2, (off_t)(uintptr_t)rostr));
	ask(&k, 'r', buf, sizeof(rostr));
	expect("child rodata", buf, "RO-original-text-procmem");
	expect("own rodata", rostr, "ro-original-text-procmem");
	unsigned char pat[8], orig[8], seen[8];
	for (int i = 0; i < 8; i++)
		pat[i] = (unsigned char)(getpid() * 7 + i * 37 + 1);
	memcpy(orig, (const void *)(uintptr_t)textfn_p, 8);
	say("pwrite text", pwrite(fd, pat, 8, (off_t)(uintptr_t)textfn_p));
	ask(&k, 't', seen, 8);
	printf("%s child text changed\n", !memcmp(seen, pat, 8) ? "ok" : "FAIL");
	printf("%s own text unchanged\n", !memcmp((const void *)(uintptr_t)textfn_p, orig, 8) ? "ok" : "FAIL");
	printf("%s file unchanged\n", file_has(orig, 8) && !file_has(pat, 8) ? "ok" : "FAIL");
	printf("%s text read back\n",
	       pread(fd, seen, 8, (off_t)(uintptr_t)textfn_p) == 8 && !memcmp(seen, pat, 8) ? "ok" : "FAIL");
	say("pwrite unmapped", pwrite(fd, "x", 1, (off_t)(uintptr_t)(region + 2 * pagesz)));
	say("pwrite across end", pwrite(fd, buf, 200, (off_t)(uintptr_t)(region + 2 * pagesz - 100)));
	say("pwrite prot none", pwrite(fd, "x", 1, (off_t)(uintptr_t)nonepage));
	say("write bad buffer", pwrite(fd, bad_ptr, 4, (off_t)(uintptr_t)secret));
	say("read bad buffer", pread(fd, bad_ptr, 4, (off_t)(uintptr_t)secret));
	close(fd);
	fd = open_pid(k.pid, "mem", O_WRONLY);
	say("open child mem wronly", fd < 0 ? -1 : 0);
	say("read on wronly fd", pread(fd, buf, 1, (off_t)(uintptr_t)secret));
	close(fd);
	/* the task directory's */
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/task/%d/mem", k.pid, k.pid);
	fd = open(p, O_RDONLY);
	say("task mem pread", pread(fd, buf, 6, (off_t)(uintptr_t)secret));
	close(fd);

	/* non-dumpable child: root passes (CAP_SYS_PTRACE), others not */
	ask(&k, 'n', buf, 1);
	struct stat st;
	snprintf(p, sizeof(p), "/proc/%d/mem", k.pid);
	printf("nondumpable mem owner root: %s\n", stat(p, &st) == 0 && st.st_uid == 0 ? "yes" : "no");
	fd = open_pid(k.pid, "mem", O_RDONLY);
	say("nondumpable mem", fd < 0 ? -1 : 0);
	if (fd >= 0)
		close(fd);
	fd = open_pid(k.pid, "environ", O_RDONLY);
	say("nondumpable environ", fd < 0 ? -1 : 0);
	if (fd >= 0)
		close(fd);
	fd = open_pid(k.pid, "maps", O_RDONLY);
	say("nondumpable maps", fd < 0 ? -1 : 0);
	if (fd >= 0)
		close(fd);
	ask(&k, 'y', buf, 1);
	printf("dumpable again mem owner me: %s\n", stat(p, &st) == 0 && st.st_uid == geteuid() ? "yes" : "no");

	/* exec: the old file keeps the old address space, which is gone */
	int old = open_pid(k.pid, "mem", O_RDWR);
	ask(&k, 'x', buf, 1); /* the new image says 'w' when it runs */
	say("exec'd says", buf[0] == 'w' ? 0 : -1);
	say("read old fd after exec", pread(old, buf, 6, (off_t)(uintptr_t)secret));
	say("write old fd after exec", pwrite(old, "x", 1, (off_t)(uintptr_t)secret));
	fd = open_pid(k.pid, "mem", O_RDONLY);
	uintptr_t naddr = 0;
	ask(&k, 'a', &naddr, sizeof(naddr));
	r = pread(fd, buf, 17, (off_t)naddr);
	buf[17] = 0;
	expect("new fd after exec", r == 17 ? buf : "?", "child-secret-data");
	/* exit: a zombie's, then a reaped one's, read 0 */
	char c = 'q';
	if (write(k.cmd, &c, 1) < 0) {
	}
	siginfo_t si;
	waitid(P_PID, k.pid, &si, WEXITED | WNOWAIT);
	say("read after exit (zombie)", pread(fd, buf, 6, (off_t)(uintptr_t)secret));
	waitpid(k.pid, NULL, 0);
	say("read after reap", pread(fd, buf, 6, (off_t)(uintptr_t)secret));
	say("read old after reap", pread(old, buf, 6, (off_t)(uintptr_t)secret));
	close(fd);
	close(old);
	close(k.cmd);
	close(k.reply);

	/* self, and a thread of self */
	fd = open("/proc/self/mem", O_RDWR);
	say("self pread", pread(fd, buf, 6, (off_t)(uintptr_t)secret));
	int before = textfn_p(2);
	unsigned char code[8];
	memcpy(code, (const void *)(uintptr_t)textfn_p, 8);
	say("self pwrite own text (same bytes)", pwrite(fd, code, 8, (off_t)(uintptr_t)textfn_p));
	printf("%s text still runs\n", textfn_p(2) == before ? "ok" : "FAIL");
	close(fd);
	pthread_t th;
	if (pipe(thread_pipe) < 0)
		return;
	pthread_create(&th, NULL, thread_fn, NULL);
	while (!__atomic_load_n(&thread_tid, __ATOMIC_SEQ_CST))
		sched_yield();
	snprintf(p, sizeof(p), "/proc/self/task/%d/mem", thread_tid);
	fd = open(p, O_RDONLY);
	say("thread mem pread", pread(fd, buf, 6, (off_t)(uintptr_t)secret));
	close(fd);
	close(thread_pipe[1]);
	pthread_join(th, NULL);
	close(thread_pipe[0]);
}

/* a non-dumpable process's own files: root's, but the fd directory is
 * its own still (Linux's proc_fd_permission) */
static void nondumpable_self(void)
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		char l[256];
		prctl(PR_SET_DUMPABLE, 0);
		DIR *d = opendir("/proc/self/fd");
		say("nondumpable self opendir fd", d ? 0 : -1);
		if (d)
			closedir(d);
		say("nondumpable self readlink fd/0", readlink("/proc/self/fd/0", l, sizeof(l)) < 0 ? -1 : 0);
		say("nondumpable self readlink exe", readlink("/proc/self/exe", l, sizeof(l)) < 0 ? -1 : 0);
		static const char *files[] = { "mem", "environ", "auxv", "maps", "status" };
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(l, sizeof(l), "/proc/self/%s", files[i]);
			int fd = open(l, O_RDONLY);
			snprintf(l, sizeof(l), "nondumpable self open %s", files[i]);
			say(l, fd < 0 ? -1 : 0);
			if (fd >= 0)
				close(fd);
		}
		fflush(stdout);
		_exit(0);
	}
	waitpid(p, NULL, 0);
}

/* ---- as nobody against others ---- */
static void probe(const char *who, pid_t pid)
{
	char p[80], l[256];
	int fd;
	printf("-- %s\n", who);
	static const char *files[] = { "mem", "environ", "auxv", "maps", "cmdline", "stat", "status" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s open %s", who, files[i]);
		fd = open_pid(pid, files[i], O_RDONLY);
		say(p, fd < 0 ? -1 : 0);
		if (fd >= 0)
			close(fd);
	}
	fd = open_pid(pid, "mem", O_RDWR);
	snprintf(p, sizeof(p), "%s open mem rdwr", who);
	say(p, fd < 0 ? -1 : 0);
	if (fd >= 0)
		close(fd);
	static const char *links[] = { "exe", "cwd", "root", "fd/0", "ns/pid" };
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, links[i]);
		snprintf(p, sizeof(p), "%s readlink %s", who, links[i]);
		say(p, readlink(path, l, sizeof(l)) < 0 ? -1 : 0);
		snprintf(p, sizeof(p), "%s stat %s", who, links[i]);
		struct stat st;
		say(p, stat(path, &st));
	}
	snprintf(p, sizeof(p), "/proc/%d/fd", pid);
	DIR *d = opendir(p);
	snprintf(l, sizeof(l), "%s opendir fd", who);
	say(l, d ? 0 : -1);
	if (d)
		closedir(d);
	snprintf(p, sizeof(p), "/proc/%d/fdinfo", pid);
	d = opendir(p);
	snprintf(l, sizeof(l), "%s opendir fdinfo", who);
	say(l, d ? 0 : -1);
	if (d)
		closedir(d);
	fd = open_pid(pid, "fdinfo/0", O_RDONLY);
	snprintf(l, sizeof(l), "%s open fdinfo/0", who);
	say(l, fd < 0 ? -1 : 0);
	if (fd >= 0)
		close(fd);
	struct stat fst;
	snprintf(p, sizeof(p), "/proc/%d/fdinfo", pid);
	printf("%s fdinfo mode: %o\n", who, stat(p, &fst) == 0 ? fst.st_mode & 07777 : 0);
	snprintf(p, sizeof(p), "/proc/%d/cwd/.", pid);
	snprintf(l, sizeof(l), "%s open cwd/.", who);
	fd = open(p, O_RDONLY | O_DIRECTORY);
	say(l, fd < 0 ? -1 : 0);
	if (fd >= 0)
		close(fd);
}

static void cross(char **argv)
{
	struct kid rootk = spawn(argv);   /* root, dumpable */
	struct kid setid = spawn(argv);   /* euid nobody, saved uid root, dumpable */
	char c;
	ask(&setid, 's', &c, 1);
	fflush(stdout);
	pid_t pr = fork();
	if (pr == 0) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(96);
		prctl(PR_SET_DUMPABLE, 1); /* the uid change made it non-dumpable */
		probe("root process", rootk.pid);
		probe("saved uid root", setid.pid);
		struct kid own = spawn(argv); /* nobody's own child */
		probe("own child", own.pid);
		ask(&own, 'n', &c, 1);
		probe("own nondumpable child", own.pid);
		reap(&own);
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(pr, &st, 0);
	say("prober status", st);
	reap(&rootk);
	reap(&setid);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "waiter")) {
		int cmd = atoi(argv[2]), rep = atoi(argv[3]);
		reply_str(rep, "w", 1);
		kid_loop(cmd, rep, argv);
	}
	if (getpid() == 1 && geteuid() == 0 && access("/proc/self/status", R_OK) < 0)
		if (mount("proc", "/proc", "proc", 0, NULL) < 0)
			say("FAIL mount proc", -1);
	pagesz = sysconf(_SC_PAGESIZE);
	textfn_p = textfn;
	nonepage = mmap(NULL, pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	strcpy((char *)nonepage, "prot-none-data");
	mprotect(nonepage, pagesz, PROT_NONE);
	region = mmap(NULL, 3 * pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(region + 2 * pagesz, pagesz);
	memset(region, 'Z', 2 * pagesz);
	same_user(argv);
	nondumpable_self();
	if (geteuid() == 0)
		cross(argv);
	else
		printf("not root: no cross-user checks\n");
	printf("fails: %d\n", fails);
	return fails != 0;
}
