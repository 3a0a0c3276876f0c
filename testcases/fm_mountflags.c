/* fm_mountflags: bind and move mounts, noexec, nodev, remount of a bind,
 * propagation changes; all inside a tmpfs of the program's own (natively
 * in a mount namespace of its own).  /proc/self/mountinfo is read from a
 * proc mounted on ./pr, and only the part of a mount point after "/fm_mnt"
 * is printed, so that the guest's lines and Linux's compare. */
#include "fm_common.h"
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

static void slurp(const char *path)
{
	char buf[64] = { 0 };
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("read %s: %s\n", path, strerrorname_np(errno));
		return;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	printf("read %s: \"%.*s\"\n", path, (int)(n > 0 ? n : 0), buf);
}

/* the mountinfo line of the mount on fm_mnt/WHERE: its root and options */
static void mountinfo(const char *where)
{
	FILE *f = fopen("pr/self/mountinfo", "r");
	char line[1024], want[256];
	int found = 0;
	snprintf(want, sizeof(want), "/fm_mnt/%s", where);
	if (!f) {
		printf("mountinfo: %s\n", strerrorname_np(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char root[256], mp[512], opts[256];
		if (sscanf(line, "%*d %*d %*s %255s %511s %255s", root, mp, opts) != 3)
			continue;
		size_t ml = strlen(mp), wl = strlen(want);
		if (ml >= wl && !strcmp(mp + ml - wl, want)) {
			/* the per-mount options that mount(2) sets */
			printf("mountinfo %s: root %s%s%s%s%s\n", where, root, strstr(opts, "ro") == opts ? " ro" : " rw",
			       strstr(opts, "nosuid") ? " nosuid" : "", strstr(opts, "nodev") ? " nodev" : "",
			       strstr(opts, "noexec") ? " noexec" : "");
			found++;
		}
	}
	fclose(f);
	if (!found)
		printf("mountinfo %s: none\n", where);
}

static void copy_fd(int from, const char *to)
{
	char buf[65536];
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ssize_t n;
	lseek(from, 0, SEEK_SET);
	while (fd >= 0 && (n = read(from, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			break;
	close(fd);
}

/* exec PATH child: its exit status, or the errno of the exec */
static void try_exec(const char *name, const char *path)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		exit(2);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)path, "child", NULL };
		execv(path, argv);
		int e = errno;
		if (write(p[1], &e, sizeof(e)) < 0)
			_exit(3);
		_exit(127);
	}
	close(p[1]);
	int e = 0, st;
	ssize_t n = read(p[0], &e, sizeof(e));
	close(p[0]);
	waitpid(pid, &st, 0);
	if (n == sizeof(e))
		printf("%s: %s\n", name, strerrorname_np(e));
	else
		printf("%s: ran, exit %d\n", name, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* cycle N: N times a tmpfs with 1 MiB of files in a tree, then umount:
 * what an unmounted instance held goes back (with mem=32M, a kernel that
 * kept it fails within 30 rounds) */
static int cycle(int n)
{
	static char page[65536];
	memset(page, 'x', sizeof(page));
	mkdir("cyc", 0755);
	for (int i = 0; i < n; i++) {
		if (mount("tmpfs", "cyc", "tmpfs", 0, "size=4m") < 0) {
			printf("round %d: mount: %s\n", i, strerrorname_np(errno));
			return 1;
		}
		mkdir("cyc/d", 0755);
		for (int k = 0; k < 16; k++) {
			char name[32];
			snprintf(name, sizeof(name), k & 1 ? "cyc/d/f%d" : "cyc/f%d", k);
			int fd = open(name, O_WRONLY | O_CREAT, 0644);
			if (fd < 0 || write(fd, page, sizeof(page)) != sizeof(page)) {
				printf("round %d: write %s: %s\n", i, name, strerrorname_np(errno));
				return 1;
			}
			close(fd);
		}
		link("cyc/f0", "cyc/d/hard");
		if (umount("cyc") < 0) {
			printf("round %d: umount: %s\n", i, strerrorname_np(errno));
			return 1;
		}
	}
	printf("cycle: %d rounds\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return 7;
	if (argc > 2 && !strcmp(argv[1], "cycle"))
		return cycle(atoi(argv[2]));
	int exe = open("/proc/self/exe", O_RDONLY);
	if (exe < 0)
		exe = open(argv[0], O_RDONLY);
	if (exe < 0) {
		perror("own program");
		return 2;
	}
	fm_setup("tmpfs", "size=4m");
	mkdir("pr", 0755);
	if (mount("proc", "pr", "proc", 0, NULL) < 0) {
		perror("mount proc");
		return 2;
	}
	mkdir("src", 0755);
	mkdir("dst", 0755);
	close(open("src/a", O_WRONLY | O_CREAT, 0644));
	int fd = open("src/a", O_WRONLY);
	if (write(fd, "A", 1) != 1)
		return 2;
	close(fd);
	close(open("f1", O_WRONLY | O_CREAT, 0644));

	/* bind mounts */
	R("bind src dst", mount("src", "dst", NULL, MS_BIND, NULL));
	slurp("dst/a");
	close(open("dst/b", O_WRONLY | O_CREAT, 0644));
	R("made through the bind", access("src/b", F_OK));
	struct stat s1, s2;
	stat("src", &s1);
	stat("dst", &s2);
	printf("same inode: %d\n", s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino);
	mountinfo("dst");
	R("bind dir on file", mount("src", "f1", NULL, MS_BIND, NULL));
	R("bind file on dir", mount("src/a", "dst", NULL, MS_BIND, NULL));
	R("bind missing", mount("nope", "dst", NULL, MS_BIND, NULL));
	R("bind file on file", mount("src/a", "f1", NULL, MS_BIND, NULL));
	slurp("f1");
	R("umount file", umount("f1"));
	slurp("f1");
	R("umount bind", umount("dst"));
	R("gone with it", access("dst/a", F_OK));
	R("umount again", umount("dst"));

	/* move */
	mkdir("m1", 0755);
	mkdir("m2", 0755);
	R("tmpfs m1", mount("tmpfs", "m1", "tmpfs", 0, "size=64k"));
	close(open("m1/x", O_WRONLY | O_CREAT, 0644));
	mkdir("m1/inner", 0755);
	R("move into itself", mount("m1", "m1/inner", NULL, MS_MOVE, NULL));
	R("move m1 m2", mount("m1", "m2", NULL, MS_MOVE, NULL));
	R("m2/x", access("m2/x", F_OK));
	R("m1/x", access("m1/x", F_OK));
	R("move not a mount", mount("src", "m1", NULL, MS_MOVE, NULL));
	mountinfo("m1");
	mountinfo("m2");
	R("umount m2", umount("m2"));

	/* noexec */
	mkdir("nx", 0755);
	copy_fd(exe, "prog");
	try_exec("exec from tmpfs", "./prog");
	R("tmpfs nx noexec", mount("tmpfs", "nx", "tmpfs", MS_NOEXEC, "size=1m"));
	copy_fd(exe, "nx/prog");
	try_exec("exec from noexec", "./nx/prog");
	fd = open("nx/prog", O_RDONLY);
	R("mmap exec", mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0) == MAP_FAILED ? -1 : 0);
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	R("mmap read", m == MAP_FAILED ? -1 : 0);
	R("mprotect exec", mprotect(m, 4096, PROT_READ | PROT_EXEC));
	munmap(m, 4096);
	close(fd);
	mountinfo("nx");
	R("umount nx", umount("nx"));

	/* nodev */
	mkdir("nd", 0755);
	R("mknod null", mknod("null", S_IFCHR | 0666, makedev(1, 3)));
	fd = open("null", O_RDWR);
	R("open null", fd < 0 ? -1 : 0);
	close(fd);
	R("tmpfs nd nodev", mount("tmpfs", "nd", "tmpfs", MS_NODEV | MS_NOSUID, "size=64k"));
	R("mknod nd/null", mknod("nd/null", S_IFCHR | 0666, makedev(1, 3)));
	R("open nd/null", open("nd/null", O_RDWR));
	R("O_PATH nd/null", open("nd/null", O_PATH) < 0 ? -1 : 0);
	mountinfo("nd");

	/* per-mount flags of a file system mounted once */
	R("remount bind ro", mount(NULL, "nd", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NODEV, NULL));
	R("create on ro", open("nd/new", O_WRONLY | O_CREAT, 0644));
	mountinfo("nd");
	R("remount bind rw", mount(NULL, "nd", NULL, MS_REMOUNT | MS_BIND, NULL));
	R("create on rw", open("nd/new", O_WRONLY | O_CREAT, 0644) < 0 ? -1 : 0);
	mountinfo("nd");
	R("remount bind not a mount", mount(NULL, "src", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));

	/* propagation types */
	R("private nd", mount(NULL, "nd", NULL, MS_PRIVATE, NULL));
	R("private src", mount(NULL, "src", NULL, MS_PRIVATE, NULL));
	R("private missing", mount(NULL, "nope", NULL, MS_PRIVATE, NULL));
	R("umount nd", umount("nd"));

	R("umount proc", umount("pr"));
	if (chdir("..") == 0)
		R("umount fm_mnt", umount("fm_mnt"));
	rmdir("fm_mnt");
	return 0;
}
