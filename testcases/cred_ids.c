/* cred_ids: the setuid family, supplementary groups, setfsuid/setfsgid
 * and the capability changes that go with uid changes (capabilities(7)),
 * as root and as an unprivileged user.  Prints only ids, error names and
 * capability masks, to be compared with a native run. */
#include "cred_common.h"
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>

static void groups_show(const char *what)
{
	gid_t g[16];
	int n = getgroups(16, g);
	printf("%s: n=%d", what, n);
	for (int i = 0; i < n; i++)
		printf(" %u", g[i]);
	printf("\n");
}

static void groups_test(void)
{
	gid_t g[3] = { 300, 100, 200 };
	SHOW("setgroups 3", syscall(SYS_setgroups, 3, g));
	groups_show("groups");
	gid_t one[1];
	SHOWV("getgroups(1) of many", getgroups(1, one));
	SHOWV("getgroups(0)", getgroups(0, NULL));
	SHOWV("getgroups(-1)", syscall(SYS_getgroups, -1, one));
	SHOW("setgroups 65537", syscall(SYS_setgroups, 65537, g));
	SHOW("setgroups bad ptr", syscall(SYS_setgroups, 2, (void *)8));
	static gid_t big[65536];
	for (int i = 0; i < 65536; i++)
		big[i] = 65535 - i;
	SHOW("setgroups 65536", syscall(SYS_setgroups, 65536, big));
	SHOWV("getgroups(0) after", getgroups(0, NULL));
	static gid_t back[65536];
	int n = getgroups(65536, back);
	int sorted = 1;
	for (int i = 1; i < n; i++)
		sorted &= back[i - 1] <= back[i];
	printf("sorted: %d first %u last %u\n", sorted, n > 0 ? back[0] : 0, n > 0 ? back[n - 1] : 0);
	SHOW("setgroups 3 again", syscall(SYS_setgroups, 3, g));
}

static void child_groups(void)
{
	groups_show("child groups");
}

static void exec_keeps_groups(void)
{
	execl("./cred_showid", "cred_showid", "exec after setgroups", (char *)NULL);
	printf("exec: %s\n", ename(errno));
}

static void fsuid_test(void)
{
	SHOWV("setfsuid 1234", syscall(SYS_setfsuid, 1234));
	SHOWV("setfsuid -1", syscall(SYS_setfsuid, -1));
	show_caps("after setfsuid 1234");
	SHOW("setresuid 0,0,0 with fsuid 1234", setresuid(0, 0, 0));
	show_caps("after setresuid (fsuid back to 0)");
	SHOWV("setfsuid 1234 again", syscall(SYS_setfsuid, 1234));
	SHOWV("setfsuid 0", syscall(SYS_setfsuid, 0));
	show_caps("after setfsuid 0");
	SHOWV("setfsgid 77", syscall(SYS_setfsgid, 77));
	SHOWV("setfsgid -1", syscall(SYS_setfsgid, -1));
	SHOWV("setfsgid back", syscall(SYS_setfsgid, getegid()));
	show_ids("ids");
}

static void transitions(void)
{
	SHOW("set pdeathsig", prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0));
	SHOW("setresuid 0,0,0 (no change)", setresuid(0, 0, 0));
	int sig = -1;
	prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
	printf("pdeathsig kept: %d\n", sig);
	SHOW("setresuid 1000,1000,0", setresuid(1000, 1000, 0));
	prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
	printf("pdeathsig after euid change: %d\n", sig);
	show_ids("ids");
	show_caps("caps (saved uid 0)");
	SHOW("seteuid 0", seteuid(0));
	show_caps("caps (euid back to 0)");
	SHOW("setresuid 1000,1000,1000", setresuid(1000, 1000, 1000));
	show_caps("caps (all nonzero)");
	SHOW("setuid 0", setuid(0));
	SHOW("setgid 5", setgid(5));
	SHOW("setgroups", syscall(SYS_setgroups, 0, NULL));
	SHOW("setreuid 1000,-1", setreuid(1000, -1));
	show_ids("ids");
}

static void keepcaps(void)
{
	SHOWV("get keepcaps", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	SHOW("set keepcaps 2", prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0));
	SHOW("set keepcaps 1", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	SHOWV("get keepcaps", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	SHOW("setresuid 1000x3", setresuid(1000, 1000, 1000));
	show_caps("caps (keepcaps)");
	SHOW("setuid 0 (no CAP_SETUID in eff)", setuid(0));
}

static void setreuid_rules(void)
{
	SHOW("setresuid 10,20,30", setresuid(10, 20, 30));
	SHOW("setreuid -1,30", setreuid(-1, 30));
	show_ids("ids");
	SHOW("setreuid 20,-1", setreuid(20, -1));
	SHOW("setreuid 40,-1", setreuid(40, -1));
	show_ids("ids");
	SHOW("setuid 10", setuid(10));
	SHOW("setuid 30", setuid(30));
	show_ids("ids");
	SHOW("setresgid 7,8,9", setresgid(7, 8, 9));
	show_ids("ids");
}

static void unpriv(void)
{
	show_ids("ids");
	show_caps("caps");
	SHOW("setuid 0", setuid(0));
	SHOW("setresuid -1,0,-1", setresuid(-1, 0, -1));
	SHOW("setgid 0", setgid(0));
	SHOW("setgroups 0", syscall(SYS_setgroups, 0, NULL));
	SHOWV("setfsuid 0", syscall(SYS_setfsuid, 0));
	SHOWV("setfsuid -1", syscall(SYS_setfsuid, -1));
	SHOWV("setfsgid 0", syscall(SYS_setfsgid, 0));
	SHOWV("setfsgid -1", syscall(SYS_setfsgid, -1));
	SHOW("setuid self", setuid(getuid()));
	SHOW("setresuid self", setresuid(getuid(), getuid(), getuid()));
	groups_show("groups");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	show_ids("start");
	show_caps("start caps");
	if (geteuid() != 0) {
		unpriv();
		return 0;
	}
	groups_test();
	in_child(child_groups);
	in_child(exec_keeps_groups);
	in_child(fsuid_test);
	in_child(transitions);
	in_child(keepcaps);
	in_child(setreuid_rules);
	return 0;
}
