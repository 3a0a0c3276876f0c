/* pf_proc: the /proc, /proc/sys, /sys and /dev surface, checked the same
 * way in the guest and natively.  In the guest (no /proc yet) it mounts
 * what it reads first; natively it only reads.
 *   pf_proc sysctl       every sysctl of the list exists and parses
 *   pf_proc drop U G CMD become U:G (no groups), then run CMD
 *   pf_proc nowrite      opening the writable sysctls for writing, and
 *                        sethostname/setdomainname: the errno of each
 *                        (run only unprivileged natively: it writes nothing
 *                        when refused, and is never run as root natively)
 *   pf_proc write        guest only, root: writes and read-backs
 *   pf_proc status       /proc/self/status: keys, and the comparable values
 *   pf_proc ns           /proc/self/ns links and the inodes they name
 *   pf_proc fdclose      /proc/self/fd read while descriptors close
 *   pf_proc mmap         mmap of /proc files: ENODEV or EIO, as Linux (no SIGBUS later)
 *   pf_proc task         /proc/self/task/TID: a directory of its own, without "task"
 *   pf_proc mounts       guest: mount tmpfs, sysfs, devtmpfs; print the tables
 *   pf_proc sysfs        what tools read under /sys
 *   pf_proc devs         the device nodes of /dev (devtmpfs in the guest)
 *   pf_proc config OUT   copy /proc/config.gz to OUT
 *   pf_proc cpuinfo      processor count, first model name and flags */
#include "check.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static int guest;

static void setup(void)
{
	if (access("/proc/self", F_OK) < 0) {
		guest = 1;
		mkdir("/proc", 0555);
		if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			perror("mount proc");
	}
}

static int readfile(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, len - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = 0;
	return n;
}

static int is_int_line(const char *s)
{
	char *end;
	strtoll(s, &end, 10);
	return end != s && !strcmp(end, "\n");
}

static int is_uuid(const char *s)
{
	static const char pat[] = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx\n";
	for (size_t i = 0; i < sizeof(pat) - 1; i++) {
		if (pat[i] == '-' || pat[i] == '\n' || pat[i] == '4') {
			if (s[i] != pat[i])
				return 0;
		} else if (!strchr("0123456789abcdef", s[i])) {
			return 0;
		}
	}
	return s[sizeof(pat) - 1] == 0;
}

static const struct {
	const char *path;
	char kind; /* i: an integer, s: a line of text, u: a uuid, 3: three integers */
	int writable;
} sysctls[] = {
	{ "/proc/sys/kernel/pid_max", 'i', 1 },      { "/proc/sys/kernel/tainted", 'i', 1 },
	{ "/proc/sys/kernel/hostname", 's', 1 },     { "/proc/sys/kernel/domainname", 's', 1 },
	{ "/proc/sys/kernel/ostype", 's', 0 },       { "/proc/sys/kernel/osrelease", 's', 0 },
	{ "/proc/sys/kernel/version", 's', 0 },      { "/proc/sys/kernel/threads-max", 'i', 1 },
	{ "/proc/sys/kernel/random/boot_id", 'u', 0 }, { "/proc/sys/kernel/random/uuid", 'u', 0 },
	{ "/proc/sys/kernel/ngroups_max", 'i', 0 },  { "/proc/sys/kernel/cap_last_cap", 'i', 0 },
	{ "/proc/sys/kernel/overflowuid", 'i', 1 },  { "/proc/sys/kernel/overflowgid", 'i', 1 },
	{ "/proc/sys/fs/pipe-max-size", 'i', 1 },    { "/proc/sys/fs/pipe-user-pages-soft", 'i', 1 },
	{ "/proc/sys/fs/pipe-user-pages-hard", 'i', 1 }, { "/proc/sys/fs/file-max", 'i', 1 },
	{ "/proc/sys/fs/file-nr", '3', 0 },          { "/proc/sys/fs/nr_open", 'i', 0 },
	{ "/proc/sys/vm/overcommit_memory", 'i', 1 }, { "/proc/sys/vm/overcommit_ratio", 'i', 1 },
	{ "/proc/sys/vm/max_map_count", 'i', 1 },
};

static void do_sysctl(void)
{
	char buf[4096];
	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++) {
		int n = readfile(sysctls[i].path, buf, sizeof(buf));
		int ok = n > 0;
		if (ok && sysctls[i].kind == 'i')
			ok = is_int_line(buf);
		else if (ok && sysctls[i].kind == 'u')
			ok = is_uuid(buf);
		else if (ok && sysctls[i].kind == 's')
			ok = buf[n - 1] == '\n' && !strchr(buf, '\n')[1];
		else if (ok && sysctls[i].kind == '3') {
			unsigned long a, b, c;
			ok = sscanf(buf, "%lu\t%lu\t%lu\n", &a, &b, &c) == 3;
		}
		printf("%s %s\n", ok ? "ok" : "FAIL", sysctls[i].path);
		fails += !ok;
	}
	/* the names are uname's */
	struct utsname u;
	uname(&u);
	readfile("/proc/sys/kernel/ostype", buf, sizeof(buf));
	CHECK(!strncmp(buf, u.sysname, strlen(u.sysname)));
	readfile("/proc/sys/kernel/osrelease", buf, sizeof(buf));
	CHECK(!strncmp(buf, u.release, strlen(u.release)) && buf[strlen(u.release)] == '\n');
	readfile("/proc/sys/kernel/hostname", buf, sizeof(buf));
	CHECK(!strncmp(buf, u.nodename, strlen(u.nodename)) && buf[strlen(u.nodename)] == '\n');
	readfile("/proc/sys/kernel/version", buf, sizeof(buf));
	CHECK(!strncmp(buf, u.version, strlen(u.version)));
	/* boot_id stays, uuid changes */
	char a[64], b[64];
	readfile("/proc/sys/kernel/random/boot_id", a, sizeof(a));
	readfile("/proc/sys/kernel/random/boot_id", b, sizeof(b));
	CHECK(!strcmp(a, b));
	readfile("/proc/sys/kernel/random/uuid", a, sizeof(a));
	readfile("/proc/sys/kernel/random/uuid", b, sizeof(b));
	CHECK(strcmp(a, b) != 0);
	/* the directories list their files */
	DIR *d = opendir("/proc/sys/kernel");
	int seen = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		seen += !strcmp(e->d_name, "pid_max") || !strcmp(e->d_name, "random");
	if (d)
		closedir(d);
	CHECK(seen == 2);
	struct stat st;
	CHECK(stat("/proc/sys/kernel/random", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("/proc/sys/kernel/pid_max", &st) == 0 && (st.st_mode & 07777) == 0644 &&
	      st.st_uid == 0);
	CHECK(stat("/proc/sys/kernel/ostype", &st) == 0 && (st.st_mode & 07777) == 0444);
}

static void do_nowrite(void)
{
	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++) {
		int fd = open(sysctls[i].path, O_WRONLY);
		printf("%s: %s\n", sysctls[i].path, fd >= 0 ? "opened" : strerrorname_np(errno));
		if (fd >= 0)
			close(fd); /* nothing written */
	}
	printf("sethostname: %s\n", sethostname("x", 1) == 0 ? "done" : strerrorname_np(errno));
	printf("setdomainname: %s\n",
	       setdomainname("x", 1) == 0 ? "done" : strerrorname_np(errno));
}

/* write s to path; 0 or errno */
static int put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	int r = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : errno;
	close(fd);
	return r;
}

static long getl(const char *path)
{
	char buf[64];
	return readfile(path, buf, sizeof(buf)) > 0 ? atol(buf) : -1;
}

static void do_write(void)
{
	const char *pm = "/proc/sys/kernel/pid_max";
	long old = getl(pm);
	CHECK(old >= 301);
	CHECK(put(pm, "40000\n") == 0 && getl(pm) == 40000);
	CHECK(put(pm, "301") == 0 && getl(pm) == 301);
	CHECK(put(pm, "300") == EINVAL && getl(pm) == 301);
	CHECK(put(pm, "4194305") == EINVAL);
	CHECK(put(pm, "4194304") == 0 && getl(pm) == 4194304);
	CHECK(put(pm, "abc") == EINVAL);
	CHECK(put(pm, "12x") == EINVAL);
	CHECK(put(pm, "  5000  \n") == 0 && getl(pm) == 5000);
	/* new pids stay below pid_max */
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	CHECK(c > 0 && c < 5000);
	waitpid(c, NULL, 0);
	char buf[256];
	snprintf(buf, sizeof(buf), "%ld", old);
	CHECK(put(pm, buf) == 0 && getl(pm) == old);
	/* hostname and domainname are uname's */
	struct utsname u;
	CHECK(put("/proc/sys/kernel/hostname", "pfhost\n") == 0);
	CHECK(uname(&u) == 0 && !strcmp(u.nodename, "pfhost"));
	CHECK(sethostname("viasys", 6) == 0);
	CHECK(readfile("/proc/sys/kernel/hostname", buf, sizeof(buf)) > 0 && !strcmp(buf, "viasys\n"));
	CHECK(setdomainname("pfdomain", 8) == 0);
	CHECK(readfile("/proc/sys/kernel/domainname", buf, sizeof(buf)) > 0 &&
	      !strcmp(buf, "pfdomain\n"));
	CHECK(put("/proc/sys/kernel/domainname", "dom2") == 0 && uname(&u) == 0 &&
	      !strcmp(u.domainname, "dom2"));
	char big[80];
	memset(big, 'a', sizeof(big));
	CHECK(setdomainname(big, 65) == -1 && errno == EINVAL);
	/* Linux's three modes, 0 by default */
	CHECK(getl("/proc/sys/vm/overcommit_memory") == 0);
	CHECK(put("/proc/sys/vm/overcommit_memory", "2") == 0 && getl("/proc/sys/vm/overcommit_memory") == 2);
	CHECK(put("/proc/sys/vm/overcommit_memory", "3") == EINVAL);
	CHECK(put("/proc/sys/vm/overcommit_memory", "1") == 0 && getl("/proc/sys/vm/overcommit_memory") == 1);
	CHECK(put("/proc/sys/vm/overcommit_memory", "0") == 0 && getl("/proc/sys/vm/overcommit_memory") == 0);
	/* read-only ones refuse root too */
	CHECK(put("/proc/sys/kernel/ostype", "x") == EACCES);
	CHECK(put("/proc/sys/fs/file-nr", "1") == EACCES);
	/* pipe-max-size rounds up to a power of two of pages */
	CHECK(put("/proc/sys/fs/pipe-max-size", "5000") == 0 &&
	      getl("/proc/sys/fs/pipe-max-size") == 8192);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[0], F_SETPIPE_SZ, 16384) == -1 && errno == EPERM);
	CHECK(fcntl(p[0], F_SETPIPE_SZ, 8192) == 8192);
	close(p[0]);
	close(p[1]);
	CHECK(put("/proc/sys/fs/pipe-max-size", "1048576") == 0);
	CHECK(put("/proc/sys/fs/pipe-max-size", "0") == EINVAL);
	CHECK(put("/proc/sys/vm/max_map_count", "65531") == EINVAL);
	CHECK(put("/proc/sys/vm/max_map_count", "65530") == 0);
	CHECK(put("/proc/sys/kernel/threads-max", "10") == EINVAL);
	long tm = getl("/proc/sys/kernel/threads-max");
	CHECK(put("/proc/sys/kernel/threads-max", "100") == 0 &&
	      getl("/proc/sys/kernel/threads-max") == 100);
	snprintf(buf, sizeof(buf), "%ld", tm + 1);
	CHECK(put("/proc/sys/kernel/threads-max", buf) == EINVAL); /* past maxtasks= */
	snprintf(buf, sizeof(buf), "%ld", tm);
	CHECK(put("/proc/sys/kernel/threads-max", buf) == 0);
	CHECK(put("/proc/sys/kernel/overflowuid", "65536") == EINVAL);
	CHECK(put("/proc/sys/kernel/tainted", "0") == 0 && getl("/proc/sys/kernel/tainted") == 0);
}

static void do_status(void)
{
	char buf[16384];
	CHECK(readfile("/proc/self/status", buf, sizeof(buf)) > 0);
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		char *tab = strchr(l, ':');
		if (!tab)
			continue;
		*tab = 0;
		char *v = tab + 1;
		while (*v == '\t' || *v == ' ')
			v++;
		/* keys, and values that agree between any two Linux processes
		 * of the same credentials */
		if (!strcmp(l, "Uid") || !strcmp(l, "Gid") || !strcmp(l, "CapEff") ||
		    !strcmp(l, "CapPrm") || !strcmp(l, "CapInh") || !strcmp(l, "CapAmb") ||
		    !strcmp(l, "CapBnd") || !strcmp(l, "Umask") || !strcmp(l, "Threads") ||
		    !strcmp(l, "State") || !strcmp(l, "Name") || !strcmp(l, "Mems_allowed_list"))
			printf("KEY %s = %s\n", l, v);
		else if (!strcmp(l, "Pid") || !strcmp(l, "Tgid") || !strcmp(l, "NSpid"))
			printf("KEY %s = %s\n", l, atoi(v) == getpid() ? "self" : v);
		else if (!strcmp(l, "PPid"))
			printf("KEY %s = %s\n", l, atoi(v) == getppid() ? "parent" : v);
		else
			printf("KEY %s\n", l);
	}
}

static void do_ns(void)
{
	static const char *names[] = { "cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
				       "time", "time_for_children", "user", "uts" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[128], link[128], kind[32];
		unsigned long long id;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		ssize_t n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = 0;
		struct stat st;
		int ok = n > 0 && sscanf(link, "%31[a-z]:[%llu]", kind, &id) == 2 &&
			 !strncmp(names[i], kind, strlen(kind)) && stat(path, &st) == 0 &&
			 st.st_ino == id;
		printf("%s ns %s\n", ok ? "ok" : "FAIL", names[i]);
		fails += !ok;
	}
	char a[64], b[64];
	CHECK(readlink("/proc/self/ns/pid", a, sizeof(a)) > 0 &&
	      readlink("/proc/self/ns/pid_for_children", b, sizeof(b)) > 0 && !memcmp(a, b, 16));
	DIR *d = opendir("/proc/self/ns");
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	CHECK(n == 10);
}

struct ld { /* getdents64's record, without glibc's 256-byte name */
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void do_fdclose(void)
{
	/* 40 descriptors; read /proc/self/fd a few entries at a time, and
	 * after each batch close descriptors already listed: none still open
	 * may be missed */
	int fds[40];
	for (int i = 0; i < 40; i++)
		fds[i] = open("/", O_RDONLY);
	int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
	char seen[1024] = { 0 };
	char buf[128] __attribute__((aligned(8))); /* room for a few dirents */
	for (;;) {
		long n = syscall(SYS_getdents64, dfd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct ld *e = (struct ld *)(buf + off);
			int fd = atoi(e->d_name);
			if (e->d_name[0] != '.' && fd < 1024) {
				seen[fd] = 1;
				if (fd >= fds[0] && fd <= fds[39] && fd % 2 == 0)
					close(fd); /* listed: close it */
			}
			off += e->d_reclen;
		}
	}
	int missed = 0;
	for (int i = 0; i < 40; i++)
		missed += !seen[fds[i]];
	CHECK(missed == 0);
	close(dfd);
}

static int map_errno(const char *path, int flags)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	void *p = mmap(NULL, 4096, PROT_READ, flags, fd, 0);
	int e = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED)
		munmap(p, 4096);
	close(fd);
	return e;
}

static void do_mmap(void)
{
	/* procfs has no mmap: its own entries fail with EIO (proc_reg_mmap),
	 * the per-process files and sysctls with ENODEV */
	CHECK(map_errno("/proc/self/stat", MAP_SHARED) == ENODEV);
	CHECK(map_errno("/proc/self/status", MAP_PRIVATE) == ENODEV);
	CHECK(map_errno("/proc/sys/kernel/ostype", MAP_PRIVATE) == ENODEV);
	CHECK(map_errno("/proc/meminfo", MAP_SHARED) == EIO);
	CHECK(map_errno("/proc/uptime", MAP_PRIVATE) == EIO);
}

static void do_task(void)
{
	/* /proc/self/task/TID is the thread's own directory: not the
	 * process's (whose inode it would share, a loop for tree walkers),
	 * and with no "task" of its own */
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%ld", (long)syscall(SYS_gettid));
	struct stat a, b, c;
	CHECK(stat("/proc/self", &a) == 0 && stat(path, &b) == 0 && S_ISDIR(b.st_mode));
	CHECK(a.st_ino != b.st_ino);
	char sub[96];
	snprintf(sub, sizeof(sub), "%s/task", path);
	CHECK(stat(sub, &c) < 0 && errno == ENOENT);
	snprintf(sub, sizeof(sub), "%s/status", path);
	CHECK(stat(sub, &c) == 0 && S_ISREG(c.st_mode));
	DIR *d = opendir(path);
	int task = 0, stat_ = 0, fd = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		task += !strcmp(e->d_name, "task");
		stat_ += !strcmp(e->d_name, "stat");
		fd += !strcmp(e->d_name, "fd");
	}
	if (d)
		closedir(d);
	CHECK(task == 0 && stat_ == 1 && fd == 1);
}

static void do_mounts(void)
{
	mkdir("/mnt", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	CHECK(mount("tmpfs", "/mnt", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=700") == 0);
	CHECK(mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0);
	CHECK(mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=755") == 0);
	CHECK(mount("none", "/sys/kernel/debug", "debugfs", 0, NULL) == 0);
	char buf[8192], self[8192], info[8192];
	CHECK(readfile("/proc/mounts", buf, sizeof(buf)) > 0);
	CHECK(readfile("/proc/self/mounts", self, sizeof(self)) > 0);
	CHECK(readfile("/proc/self/mountinfo", info, sizeof(info)) > 0);
	printf("MOUNTS\n%sSELFMOUNTS\n%sMOUNTINFO\n%sEND\n", buf, self, info);
	CHECK(umount("/sys/kernel/debug") == 0);
	CHECK(readfile("/proc/mounts", buf, sizeof(buf)) > 0 && !strstr(buf, "debugfs"));
}

/* "0", "0-3", "0-1,4": the count of CPUs, or -1 */
static int range_count(const char *s)
{
	int n = 0;
	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b = a;
		if (end == s)
			return -1;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		n += b - a + 1;
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

static void do_sysfs(void)
{
	if (guest && access("/sys/devices", F_OK) < 0) {
		mkdir("/sys", 0755);
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	}
	char buf[512];
	int online = readfile("/sys/devices/system/cpu/online", buf, sizeof(buf)) > 0 ? range_count(buf) : -1;
	int possible = readfile("/sys/devices/system/cpu/possible", buf, sizeof(buf)) > 0 ? range_count(buf) : -1;
	int present = readfile("/sys/devices/system/cpu/present", buf, sizeof(buf)) > 0 ? range_count(buf) : -1;
	CHECK(online >= 1 && present >= online && possible >= present);
	CHECK(online == sysconf(_SC_NPROCESSORS_ONLN));
	int cpus = 0;
	DIR *d = opendir("/sys/devices/system/cpu");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "cpu", 3) && e->d_name[3] >= '0' && e->d_name[3] <= '9')
			cpus++;
	if (d)
		closedir(d);
	CHECK(cpus == present);
	CHECK(access("/sys/devices/system/cpu/cpu0", F_OK) == 0);
	CHECK(readfile("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof(buf)) > 0 &&
	      strchr(buf, '[') && strstr(buf, "never"));
	struct stat st;
	CHECK(lstat("/sys/class/tty/console", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(stat("/sys/class/tty/console/dev", &st) == 0 &&
	      readfile("/sys/class/tty/console/dev", buf, sizeof(buf)) > 0 && !strcmp(buf, "5:1\n"));
	CHECK(readfile("/sys/class/mem/null/dev", buf, sizeof(buf)) > 0 && !strcmp(buf, "1:3\n"));
	CHECK(stat("/sys/fs/cgroup", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("/sys/kernel/debug", &st) == 0 && S_ISDIR(st.st_mode));
}

static void do_devs(void)
{
	if (guest && access("/dev/null", F_OK) < 0) {
		mkdir("/dev", 0755);
		if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) < 0)
			perror("mount devtmpfs");
	}
	static const char *names[] = { "null", "zero", "full", "random", "urandom", "tty", "console" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/dev/%s", names[i]);
		if (stat(path, &st) < 0)
			printf("%s: %s\n", path, strerrorname_np(errno));
		else
			printf("%s: %c %u:%u %04o\n", path, S_ISCHR(st.st_mode) ? 'c' : '?',
			       major(st.st_rdev), minor(st.st_rdev), st.st_mode & 07777);
	}
	int fd = open("/dev/zero", O_RDONLY);
	char b[4] = { 1, 1, 1, 1 };
	CHECK(fd >= 0 && read(fd, b, 4) == 4 && !b[0] && !b[3]);
	close(fd);
}

static void do_config(const char *out)
{
	char buf[65536];
	int fd = open("/proc/config.gz", O_RDONLY);
	CHECK(fd >= 0);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	CHECK(n > 18 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b);
	close(fd);
	int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(o >= 0 && n > 0 && write(o, buf, n) == n);
	close(o);
}

static void do_cpuinfo(void)
{
	char buf[65536];
	if (readfile("/proc/cpuinfo", buf, sizeof(buf)) <= 0)
		buf[0] = 0;
	int n = 0;
	char model[256] = "", flags[4096] = "";
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		if (!strncmp(l, "processor\t", 10))
			n++;
		else if (!model[0] && !strncmp(l, "model name\t", 11))
			snprintf(model, sizeof(model), "%s", l);
		else if (!flags[0] && !strncmp(l, "flags\t", 6))
			snprintf(flags, sizeof(flags), "%s", l);
	}
	printf("processors %d\nonline %ld\n%s\n%s\n", n, sysconf(_SC_NPROCESSORS_ONLN), model, flags);
}

static int run(int argc, char **argv)
{
	const char *cmd = argv[1];
	if (!strcmp(cmd, "drop")) {
		if (argc < 5)
			return 2;
		uid_t u = atoi(argv[2]);
		gid_t g = atoi(argv[3]);
		/* ENOSYS: a kernel without supplementary groups has none to drop */
		if ((setgroups(0, NULL) < 0 && errno != ENOSYS) || setgid(g) < 0 || setuid(u) < 0) {
			perror("drop");
			return 126;
		}
		return run(argc - 3, argv + 3);
	}
	if (!strcmp(cmd, "sysctl"))
		do_sysctl();
	else if (!strcmp(cmd, "nowrite"))
		do_nowrite();
	else if (!strcmp(cmd, "write"))
		do_write();
	else if (!strcmp(cmd, "status"))
		do_status();
	else if (!strcmp(cmd, "ns"))
		do_ns();
	else if (!strcmp(cmd, "fdclose"))
		do_fdclose();
	else if (!strcmp(cmd, "mmap"))
		do_mmap();
	else if (!strcmp(cmd, "task"))
		do_task();
	else if (!strcmp(cmd, "mounts"))
		do_mounts();
	else if (!strcmp(cmd, "sysfs"))
		do_sysfs();
	else if (!strcmp(cmd, "devs"))
		do_devs();
	else if (!strcmp(cmd, "config") && argc > 2)
		do_config(argv[2]);
	else if (!strcmp(cmd, "cpuinfo"))
		do_cpuinfo();
	else
		return 2;
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	setup();
	return run(argc, argv);
}
