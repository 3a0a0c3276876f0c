/* cred_perm: permission checks of the file interface, by mode bits,
 * groups and capabilities.  "cred_perm setup DIR" (as root) builds a tree
 * of files with chosen owners and modes (itself a test of chown/chmod as
 * root); "cred_perm check DIR" runs every kind of access on it and prints
 * OK or the error name: run as root and as nobody, in the guest and
 * natively, the outputs must agree.  Set-id bits, owners and modes are
 * printed after the calls that change them. */
#include "cred_common.h"
#include <dirent.h>
#include <grp.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static const char *dir;

static char *P(const char *name)
{
	static char buf[8][512];
	static int i;
	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void mk(const char *name, mode_t mode, uid_t u, gid_t g, const char *content)
{
	int fd = open(P(name), O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd < 0) {
		printf("setup %s: %s\n", name, ename(errno));
		return;
	}
	if (content)
		write(fd, content, strlen(content));
	close(fd);
	if (chown(P(name), u, g) < 0 || chmod(P(name), mode) < 0)
		printf("setup own %s: %s\n", name, ename(errno));
}

static void mkd(const char *name, mode_t mode, uid_t u, gid_t g)
{
	if (mkdir(P(name), 0700) < 0 || chown(P(name), u, g) < 0 || chmod(P(name), mode) < 0)
		printf("setup dir %s: %s\n", name, ename(errno));
}

static void copy(const char *from, const char *name, mode_t mode, uid_t u, gid_t g)
{
	int in = open(from, O_RDONLY), out = open(P(name), O_CREAT | O_WRONLY | O_TRUNC, 0700);
	char buf[65536];
	ssize_t n;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		write(out, buf, n);
	close(in);
	close(out);
	if (chown(P(name), u, g) < 0 || chmod(P(name), mode) < 0)
		printf("setup copy %s: %s\n", name, ename(errno));
}

static void showmode(const char *name)
{
	struct stat st;
	if (lstat(P(name), &st) < 0)
		printf("stat %s: %s\n", name, ename(errno));
	else
		printf("stat %s: %o %u:%u\n", name, st.st_mode, st.st_uid, st.st_gid);
}

static void setup(void)
{
	umask(0);
	mkdir(dir, 0755);
	mk("ro_file", 0644, 0, 0, "ro");
	mk("rw_other", 0666, 0, 0, "rw");
	mk("secret", 0600, 0, 0, "secret");
	mk("zero", 0000, 0, 0, "zero");
	mk("grp_file", 0640, 0, 65534, "group");
	mk("grp_denied", 0604, 0, 65534, "group denied, others allowed");
	mk("mine", 0644, 65534, 65534, "nobody's");
	mk("mine_sgid", 02644, 65534, 0, "nobody's, group 0");
	mk("suid_mine", 06775, 65534, 65534, "set-id, nobody's");
	mk("suid_root", 06775, 0, 0, "set-id, root's");
	mk("suid_chown", 06755, 0, 0, "set-id, root's");
	mk("sgid_nox", 02644, 0, 0, "sgid, not group-exec");
	mkd("nosearch", 0700, 0, 0);
	mk("nosearch/inner", 0644, 0, 0, "inner");
	mkd("listonly", 0644, 0, 0);
	mk("listonly/f", 0644, 0, 0, "f");
	mkd("rodir", 0755, 0, 0);
	mk("rodir/victim", 0666, 0, 0, "victim");
	mkd("wdir", 0777, 0, 0);
	mk("wdir/rootfile", 0644, 0, 0, "root's in a writable dir");
	mkd("wdir/rootsub", 0755, 0, 0);
	mkd("wdir2", 0777, 0, 0);
	mkd("sticky", 01777, 0, 0);
	mk("sticky/rootfile", 0666, 0, 0, "root's in a sticky dir");
	mk("sticky/nobodyfile", 0644, 65534, 65534, "nobody's in a sticky dir");
	mkd("sticky_mine", 01777, 65534, 65534);
	mk("sticky_mine/rootfile", 0644, 0, 0, "root's in nobody's sticky dir");
	mkd("sgid_dir", 02777, 0, 1234);
	copy("cred_showid", "exec_x", 0755, 0, 0);
	copy("cred_showid", "exec_nox", 0644, 0, 0);
	copy("cred_showid", "exec_only", 0711, 0, 0);
	copy("cred_showid", "exec_owner", 0744, 0, 0);
	symlink("mine", P("link_mine"));
	lchown(P("link_mine"), 65534, 65534);
	showmode("suid_mine");
	showmode("sgid_dir");
	showmode("link_mine");
}

static void run(const char *what, const char *path, char *const argv[])
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		execv(path, argv);
		printf("%s: %s\n", what, ename(errno));
		fflush(stdout);
		_exit(127);
	}
	int st;
	waitpid(p, &st, 0);
	printf("%s: status %d\n", what, WEXITSTATUS(st));
}

static void opens(void)
{
	SHOW("open ro_file r", open(P("ro_file"), O_RDONLY));
	SHOW("open ro_file w", open(P("ro_file"), O_WRONLY));
	SHOW("open ro_file rw", open(P("ro_file"), O_RDWR));
	SHOW("open ro_file r trunc", open(P("ro_file"), O_RDONLY | O_TRUNC));
	SHOW("open ro_file path", open(P("ro_file"), O_PATH));
	SHOW("open ro_file noatime", open(P("ro_file"), O_RDONLY | O_NOATIME));
	SHOW("open mine noatime", open(P("mine"), O_RDONLY | O_NOATIME));
	int nfd = open(P("ro_file"), O_RDONLY);
	SHOW("setfl noatime ro_file", fcntl(nfd, F_SETFL, O_NOATIME));
	close(nfd);
	SHOW("open rw_other rw", open(P("rw_other"), O_RDWR));
	SHOW("open secret r", open(P("secret"), O_RDONLY));
	SHOW("open zero r", open(P("zero"), O_RDONLY));
	SHOW("open zero w", open(P("zero"), O_WRONLY));
	SHOW("open grp_file r", open(P("grp_file"), O_RDONLY));
	SHOW("open grp_file w", open(P("grp_file"), O_WRONLY));
	SHOW("open grp_denied r", open(P("grp_denied"), O_RDONLY));
	SHOW("open nosearch/inner", open(P("nosearch/inner"), O_RDONLY));
	SHOW("stat nosearch/inner", stat(P("nosearch/inner"), &(struct stat){ 0 }));
	SHOW("open nosearch dir", open(P("nosearch"), O_RDONLY | O_DIRECTORY));
	SHOW("open listonly dir", open(P("listonly"), O_RDONLY | O_DIRECTORY));
	SHOW("stat listonly/f", stat(P("listonly/f"), &(struct stat){ 0 }));
	SHOW("stat listonly/.", stat(P("listonly/."), &(struct stat){ 0 }));
	int here = open(".", O_RDONLY | O_DIRECTORY);
	SHOW("chdir nosearch", chdir(P("nosearch")));
	fchdir(here);
	SHOW("chdir listonly", chdir(P("listonly")));
	fchdir(here);
	close(here);
	SHOW("create in rodir", open(P("rodir/new"), O_CREAT | O_WRONLY, 0644));
	SHOW("create existing in rodir", open(P("rodir/victim"), O_CREAT | O_WRONLY, 0644));
	SHOW("create excl existing in rodir", open(P("rodir/victim"), O_CREAT | O_EXCL | O_WRONLY, 0644));
	SHOW("mkdir in rodir", mkdir(P("rodir/d"), 0755));
	SHOW("mkdir existing in rodir", mkdir(P("rodir/victim"), 0755));
	SHOW("mkfifo in rodir", mkfifo(P("rodir/fifo"), 0644));
	SHOW("symlink in rodir", symlink("x", P("rodir/sl")));
	SHOW("link rw_other into rodir", link(P("rw_other"), P("rodir/hl")));
	SHOW("link secret into wdir", link(P("secret"), P("wdir/hl_secret")));
	SHOW("link rw_other into wdir", link(P("rw_other"), P("wdir/hl_rw")));
	SHOW("unlink wdir/hl_rw", unlink(P("wdir/hl_rw")));
	SHOW("unlink rodir/victim", unlink(P("rodir/victim")));
	SHOW("unlink rodir/missing", unlink(P("rodir/missing")));
	/* (root's device node would be a host device node: hostfs makes none) */
	if (geteuid() != 0)
		SHOW("mknod char in wdir", mknod(P("wdir/null"), S_IFCHR | 0666, makedev(1, 3)));
	/* a new file is the creator's, and opens whatever its mode */
	SHOW("create 0 mode in wdir rw", open(P("wdir/new0"), O_CREAT | O_RDWR, 0));
	showmode("wdir/new0");
	SHOW("reopen it", open(P("wdir/new0"), O_RDONLY));
	SHOW("mkdir in wdir", mkdir(P("wdir/newdir"), 0750));
	showmode("wdir/newdir");
	SHOW("create in sgid_dir", open(P("sgid_dir/f"), O_CREAT | O_WRONLY, 02775));
	showmode("sgid_dir/f");
	SHOW("mkdir in sgid_dir", mkdir(P("sgid_dir/d"), 0755));
	showmode("sgid_dir/d");
	SHOW("symlink in wdir", symlink("target", P("wdir/sl")));
	showmode("wdir/sl");
}

static void removes(void)
{
	SHOW("unlink wdir/rootfile", unlink(P("wdir/rootfile")));
	SHOW("rename wdir/rootsub to wdir2", rename(P("wdir/rootsub"), P("wdir2/rootsub")));
	SHOW("rename wdir/newdir to wdir2", rename(P("wdir/newdir"), P("wdir2/newdir")));
	SHOW("rename wdir/new0 over rodir/victim", rename(P("wdir/new0"), P("rodir/victim")));
	SHOW("unlink sticky/rootfile", unlink(P("sticky/rootfile")));
	SHOW("rename sticky/rootfile", rename(P("sticky/rootfile"), P("sticky/moved")));
	SHOW("create sticky/own", open(P("sticky/own"), O_CREAT | O_WRONLY, 0644));
	SHOW("rename sticky/own over sticky/rootfile", rename(P("sticky/own"), P("sticky/rootfile")));
	SHOW("rename sticky/own to sticky/own2", rename(P("sticky/own"), P("sticky/own2")));
	SHOW("unlink sticky/own2", unlink(P("sticky/own2")));
	SHOW("unlink sticky/nobodyfile", unlink(P("sticky/nobodyfile")));
	SHOW("unlink sticky_mine/rootfile (dir owner)", unlink(P("sticky_mine/rootfile")));
}

static void execs(void)
{
	char *a[] = { "cred_showid", "exec", NULL };
	run("exec exec_x", P("exec_x"), a);
	run("exec exec_nox", P("exec_nox"), a);
	run("exec exec_only", P("exec_only"), a);
	run("exec exec_owner", P("exec_owner"), a);
	run("exec a directory", P("wdir2"), a);
	run("exec nosearch/inner", P("nosearch/inner"), a);
}

static void accesses(void)
{
	const char *names[] = { "ro_file", "secret", "zero", "grp_file", "exec_x", "exec_nox", "exec_only",
				"nosearch", "nosearch/inner", "listonly", "wdir", "missing" };
	const int modes[] = { F_OK, R_OK, W_OK, X_OK, R_OK | W_OK };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		printf("access %s:", names[i]);
		for (size_t m = 0; m < 5; m++) {
			errno = 0;
			printf(" %s", RES(access(P(names[i]), modes[m])));
		}
		printf("\n");
	}
	SHOW("faccessat2 bad flag", syscall(SYS_faccessat2, AT_FDCWD, P("ro_file"), R_OK, 0x1));
	SHOW("faccessat2 bad mode", syscall(SYS_faccessat2, AT_FDCWD, P("ro_file"), 8, 0));
	SHOW("faccessat2 EACCESS", syscall(SYS_faccessat2, AT_FDCWD, P("ro_file"), R_OK, AT_EACCESS));
	SHOW("faccessat2 nofollow", syscall(SYS_faccessat2, AT_FDCWD, P("link_mine"), R_OK, AT_SYMLINK_NOFOLLOW));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	SHOW("faccessat dirfd", faccessat(dfd, "secret", R_OK, 0));
	int fd = open(P("ro_file"), O_RDONLY);
	SHOW("faccessat2 empty path", syscall(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH));
	close(fd);
	close(dfd);
}

/* access with the real ids, AT_EACCESS with the effective: as root with
 * the effective uid nobody's, and back */
static void real_vs_effective(void)
{
	if (setresgid(-1, 65534, -1) < 0 || setresuid(-1, 65534, -1) < 0)
		printf("seteuid: %s\n", ename(errno));
	SHOW("euid nobody: access secret", access(P("secret"), R_OK));
	SHOW("euid nobody: eaccess secret", faccessat(AT_FDCWD, P("secret"), R_OK, AT_EACCESS));
	SHOW("euid nobody: open secret", open(P("secret"), O_RDONLY));
	SHOW("euid nobody: access nosearch/inner", access(P("nosearch/inner"), F_OK));
	SHOW("euid nobody: eaccess nosearch/inner", faccessat(AT_FDCWD, P("nosearch/inner"), F_OK, AT_EACCESS));
	SHOW("seteuid 0", seteuid(0));
	SHOW("setfsuid to nobody", (syscall(SYS_setfsuid, 65534), 0));
	SHOW("fsuid nobody: open secret", open(P("secret"), O_RDONLY));
	SHOW("fsuid nobody: access secret", access(P("secret"), R_OK));
	SHOW("fsuid nobody: open mine w", open(P("mine"), O_WRONLY));
}

static void groups(void)
{
	gid_t g[2] = { 1234, 65534 };
	SHOW("setgroups 1234,65534", setgroups(2, g));
	SHOW("setresgid 777", setresgid(777, 777, 777));
	SHOW("setresuid 777", setresuid(777, 777, 777));
	SHOW("suppl group: open grp_file r", open(P("grp_file"), O_RDONLY));
	SHOW("suppl group: open grp_denied r", open(P("grp_denied"), O_RDONLY));
	SHOW("suppl group: create in sgid_dir", open(P("sgid_dir/g"), O_CREAT | O_WRONLY, 02775));
	showmode("sgid_dir/g");
}

static void truncs(void)
{
	SHOW("truncate ro_file", truncate(P("ro_file"), 0));
	SHOW("truncate rw_other", truncate(P("rw_other"), 1));
	SHOW("truncate wdir2", truncate(P("wdir2"), 0));
	int fd = open(P("ro_file"), O_RDONLY);
	SHOW("ftruncate read-only fd", ftruncate(fd, 0));
	close(fd);
}

static void modes(void)
{
	SHOW("chmod ro_file", chmod(P("ro_file"), 0666));
	SHOW("chmod mine 0600", chmod(P("mine"), 0600));
	showmode("mine");
	SHOW("chmod mine 02755 (gid is own)", chmod(P("mine"), 02755));
	showmode("mine");
	SHOW("chmod mine_sgid 02755 (gid 0)", chmod(P("mine_sgid"), 02755));
	showmode("mine_sgid");
	int fd = open(P("mine"), O_RDONLY);
	SHOW("fchmod mine 0644", fchmod(fd, 0644));
	close(fd);
	fd = open(P("mine"), O_PATH);
	SHOW("fchmod O_PATH", fchmod(fd, 0644));
	SHOW("fchown O_PATH", fchown(fd, -1, -1));
	close(fd);
	SHOW("fchmodat mine", fchmodat(AT_FDCWD, P("mine"), 0640, 0));
	showmode("mine");
	SHOW("chmod symlink follows", chmod(P("link_mine"), 0644));
	showmode("mine");
}

static void owners(void)
{
	SHOW("chown mine to root", chown(P("mine"), 0, -1));
	SHOW("chown mine group root", chown(P("mine"), -1, 0));
	SHOW("chown mine keep both", chown(P("mine"), -1, -1));
	SHOW("chown mine same owner", chown(P("mine"), 65534, -1));
	SHOW("chown mine own group", chown(P("mine"), -1, 65534));
	showmode("mine");
	SHOW("chown ro_file keep", chown(P("ro_file"), -1, -1));
	SHOW("chown ro_file to nobody", chown(P("ro_file"), 65534, 65534));
	showmode("ro_file");
	SHOW("chown suid_chown keep", chown(P("suid_chown"), -1, -1));
	showmode("suid_chown");
	SHOW("chown sgid_nox keep", chown(P("sgid_nox"), -1, -1));
	showmode("sgid_nox");
	SHOW("lchown link_mine", lchown(P("link_mine"), -1, 65534));
	SHOW("lchown link_mine to 4321", lchown(P("link_mine"), 4321, 4321));
	showmode("link_mine");
	showmode("mine");
	int fd = open(P("mine"), O_RDONLY);
	SHOW("fchown mine keep", fchown(fd, -1, -1));
	SHOW("fchownat empty path", fchownat(fd, "", -1, 65534, AT_EMPTY_PATH));
	SHOW("fchownat empty path no flag", fchownat(fd, "", -1, 65534, 0));
	SHOW("fchownat bad flag", fchownat(fd, "", -1, 65534, 0x4));
	close(fd);
	SHOW("fchownat nofollow", fchownat(AT_FDCWD, P("link_mine"), -1, -1, AT_SYMLINK_NOFOLLOW));
	showmode("link_mine");
}

static void writes(void)
{
	int fd = open(P("suid_mine"), O_WRONLY | O_APPEND);
	SHOW("open suid_mine w", fd);
	SHOW("write suid_mine", write(fd, "x", 1));
	close(fd);
	showmode("suid_mine");
	fd = open(P("suid_root"), O_WRONLY | O_APPEND);
	SHOW("write suid_root", write(fd, "x", 1));
	close(fd);
	showmode("suid_root");
}

static void misc(void)
{
	SHOW("chroot wdir", chroot(P("wdir")));
	SHOW("chroot nosearch", chroot(P("nosearch")));
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3)
		return 2;
	dir = argv[2];
	if (!strcmp(argv[1], "setup")) {
		setup();
		return 0;
	}
	show_ids("ids");
	umask(022);
	opens();
	removes();
	execs();
	accesses();
	truncs();
	modes();
	owners();
	writes();
	if (geteuid() == 0) {
		in_child(real_vs_effective);
		in_child(groups);
	}
	in_child(misc);
	return 0;
}
