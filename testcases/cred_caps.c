/* cred_caps: capget/capset (header versions 1-3, an unknown version), the
 * prctl capability options (bounding set, keepcaps, securebits,
 * no_new_privs, ambient set), what execve gives (root's capabilities,
 * SECBIT_NOROOT, ambient capabilities, set-id files: cred_showid), and a
 * root with every capability dropped meeting EPERM where Linux does.
 * ARGS: the directory of scratch files (created and owned by the test). */
#include "cred_common.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/resource.h>
#include <linux/securebits.h>

static const char *dir = ".";

static void versions(void)
{
	unsigned vs[] = { _LINUX_CAPABILITY_VERSION_1, _LINUX_CAPABILITY_VERSION_2,
			  _LINUX_CAPABILITY_VERSION_3, 0x12345678, 0 };
	for (int i = 0; i < 5; i++) {
		struct __user_cap_header_struct h = { vs[i], 0 };
		struct __user_cap_data_struct d[2];
		memset(d, 0xaa, sizeof(d));
		errno = 0;
		long r = syscall(SYS_capget, &h, d);
		printf("capget v%x: %s version back %x word1 %s\n", vs[i], RES(r), h.version,
		       d[1].effective == 0xaaaaaaaa ? "untouched" : "written");
		h.version = vs[i];
		errno = 0;
		r = syscall(SYS_capget, &h, NULL);
		printf("capget v%x NULL data: %s\n", vs[i], RES(r));
	}
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, -5 };
	struct __user_cap_data_struct d[2];
	SHOW("capget pid -5", syscall(SYS_capget, &h, d));
	h.pid = 999999;
	SHOW("capget pid 999999", syscall(SYS_capget, &h, d));
	h.pid = getpid();
	SHOW("capget own pid", syscall(SYS_capget, &h, d));
	h.pid = 999999;
	h.version = _LINUX_CAPABILITY_VERSION_3;
	struct caps c;
	get_caps(0, &c);
	SHOW("capset other pid", syscall(SYS_capset, &h, d));
	h.version = 0x1;
	SHOW("capset bad version", syscall(SYS_capset, &h, d));
	printf("capset bad version wrote back %x\n", h.version);
}

static void capset_rules(void)
{
	struct caps c;
	get_caps(0, &c);
	SHOW("capset eff not in perm", set_caps(c.perm, c.perm & ~(1ULL << CAP_KILL), 0));
	SHOW("capset drop kill from perm", set_caps(c.eff & ~(1ULL << CAP_KILL), c.perm & ~(1ULL << CAP_KILL), 0));
	show_caps("after");
	SHOW("capset raise kill again", set_caps(c.eff, c.perm, 0));
	SHOW("capset inh kill (not in perm)", set_caps(c.eff & ~(1ULL << CAP_KILL), c.perm & ~(1ULL << CAP_KILL),
						       1ULL << CAP_KILL));
	SHOW("capset inh chown", set_caps(c.eff & ~(1ULL << CAP_KILL), c.perm & ~(1ULL << CAP_KILL), 1ULL << CAP_CHOWN));
	show_caps("after");
	/* v1 only carries the low 32 bits: the high ones go */
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_1, 0 };
	struct __user_cap_data_struct d = { 0xffffffff, 0xffffffff, 0 };
	SHOW("capset v1", syscall(SYS_capset, &h, &d));
	show_caps("after v1");
}

static void bset(void)
{
	SHOWV("capbset read 0", prctl(PR_CAPBSET_READ, 0, 0, 0, 0));
	SHOWV("capbset read 40", prctl(PR_CAPBSET_READ, 40, 0, 0, 0));
	SHOWV("capbset read 41", prctl(PR_CAPBSET_READ, 41, 0, 0, 0));
	SHOWV("capbset read -1", prctl(PR_CAPBSET_READ, -1L, 0, 0, 0));
	SHOW("capbset drop 41", prctl(PR_CAPBSET_DROP, 41, 0, 0, 0));
	SHOW("capbset drop chown", prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0));
	SHOWV("capbset read chown", prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0));
	show_caps("caps after bset drop (unchanged)");
}

static void exec_showid(const char *tag)
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		execl("./cred_showid", "cred_showid", tag, (char *)NULL);
		printf("exec %s: %s\n", tag, ename(errno));
		fflush(stdout);
		_exit(1);
	}
	int st;
	waitpid(p, &st, 0);
}

/* effective uid not the real one: a "set-id" exec for Linux (AT_SECURE),
 * and under no_new_privs the effective uid falls back to the real one */
static void exec_euid_not_ruid(void)
{
	setresuid(0, 1000, 0);
	exec_showid("ruid 0 euid 1000");
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	exec_showid("ruid 0 euid 1000 nnp");
}

static void exec_after_bset(void)
{
	prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0);
	exec_showid("root after bset drop");
}

static void secbits(void)
{
	SHOWV("securebits", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	SHOW("set securebits unknown", prctl(PR_SET_SECUREBITS, 1 << 12, 0, 0, 0));
	SHOW("set securebits noroot", prctl(PR_SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0));
	SHOWV("securebits", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	exec_showid("root with noroot");
	SHOW("lock keepcaps off", prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0));
	SHOW("keepcaps while locked", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	SHOW("unlock", prctl(PR_SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0));
	SHOWV("securebits", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
}

static void nnp(void)
{
	SHOWV("get nnp", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	SHOWV("get nnp bad arg", prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
	SHOW("set nnp 2", prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0));
	SHOW("set nnp 0", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
	SHOW("set nnp 1", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	SHOWV("get nnp", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	exec_showid("root with nnp");
}

static void ambient(void)
{
	SHOWV("ambient is_set kill", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0));
	SHOW("ambient raise kill (not inheritable)", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0));
	SHOW("ambient raise 99", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 99, 0, 0));
	SHOW("ambient op 9", prctl(PR_CAP_AMBIENT, 9, CAP_KILL, 0, 0));
	SHOW("ambient clear extra arg", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0));
	struct caps c;
	get_caps(0, &c);
	SHOW("capset inh kill", set_caps(c.eff, c.perm, 1ULL << CAP_KILL | 1ULL << CAP_CHOWN));
	SHOW("ambient raise kill", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0));
	SHOW("ambient raise chown", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0));
	SHOW("ambient lower chown", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, CAP_CHOWN, 0, 0));
	SHOWV("ambient is_set kill", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0));
	SHOWV("ambient is_set chown", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0));
	/* keep the capabilities through a uid change; ambient goes then, so
	 * raise it again as the new user */
	SHOW("keepcaps", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	SHOW("setresuid 1000", setresuid(1000, 1000, 1000));
	SHOWV("ambient is_set kill after setuid", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0));
	get_caps(0, &c);
	SHOW("capset eff=kill", set_caps(1ULL << CAP_KILL, c.perm, c.inh));
	SHOW("ambient raise kill as 1000", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0));
	exec_showid("user 1000 with ambient kill");
	/* effective uid other than the real one: is the ambient set kept? */
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		SHOW("capset eff=kill,setuid", set_caps(1ULL << CAP_KILL | 1ULL << CAP_SETUID, c.perm, c.inh));
		SHOW("setresuid -1,2000,-1", setresuid(-1, 2000, -1));
		SHOWV("ambient is_set kill", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0));
		exec_showid("ruid 1000 euid 2000 with ambient kill");
		_exit(0);
	}
	waitpid(p, NULL, 0);
	SHOW("capset drop kill from inh", set_caps(1ULL << CAP_KILL, c.perm, 1ULL << CAP_CHOWN));
	SHOWV("ambient is_set kill", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0));
	exec_showid("user 1000 without ambient");
}

static void keepcaps_reset_by_exec(void)
{
	prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		execl("./cred_caps", "cred_caps", "--keepcaps", (char *)NULL);
		_exit(1);
	}
	int st;
	waitpid(p, &st, 0);
}

static char *at(const char *name)
{
	static char buf[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* root without any capability is an ordinary user where it counts */
static void no_caps(void)
{
	SHOW("capset all zero", set_caps(0, 0, 0));
	show_caps("caps");
	SHOW("open 0600 file of uid 1234 for reading", open(at("other_secret"), O_RDONLY));
	SHOW("open own 0000 file", open(at("root_zero"), O_RDONLY));
	SHOW("chown own file to 1234", chown(at("root_zero"), 1234, -1));
	SHOW("chmod file of uid 1234", chmod(at("other_secret"), 0644));
	SHOW("create in 0755 dir of uid 1234", open(at("other_dir/new"), O_CREAT | O_WRONLY, 0644));
	SHOW("mknod char device", mknod(at("devnode"), S_IFCHR | 0600, makedev(1, 3)));
	SHOW("setuid 1234", setuid(1234));
	SHOW("setgroups", syscall(SYS_setgroups, 0, NULL));
	SHOW("chroot", chroot("."));
	SHOW("mount tmpfs", mount("none", at("other_dir"), "tmpfs", 0, NULL));
	SHOW("kill init 0", kill(1, 0));
	SHOW("capbset drop", prctl(PR_CAPBSET_DROP, CAP_KILL, 0, 0, 0));
	SHOW("set securebits", prctl(PR_SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0));
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_max++;
	SHOW("raise hard rlimit", setrlimit(RLIMIT_NOFILE, &rl));
	SHOW("reboot", reboot(RB_POWER_OFF));
	SHOW("capset raise back", set_caps(1, 1, 0));
	exec_showid("root without caps");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--keepcaps")) {
		SHOWV("keepcaps after exec", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
		return 0;
	}
	if (argc > 1)
		dir = argv[1];
	show_ids("start");
	show_caps("start caps");
	versions();
	in_child(capset_rules);
	in_child(bset);
	in_child(exec_after_bset);
	in_child(secbits);
	in_child(nnp);
	exec_showid("plain");
	if (geteuid() == 0) {
		in_child(ambient);
		in_child(exec_euid_not_ruid);
		keepcaps_reset_by_exec();
		in_child(no_caps);
	}
	return 0;
}
