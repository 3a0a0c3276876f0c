/* cred_exec: set-user-ID and set-group-ID programs.  "cred_exec setup
 * DIR" (root) makes copies of cred_showid with set-id bits and owners;
 * "cred_exec check DIR" runs them (plainly, and under no_new_privs):
 * cred_showid prints the ids, AT_SECURE and the capabilities it got. */
#include "cred_common.h"
#include <fcntl.h>
#include <sys/stat.h>

static const char *dir;

static char *P(const char *name)
{
	static char buf[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void copy(const char *name, mode_t mode, uid_t u, gid_t g)
{
	int in = open("cred_showid", O_RDONLY), out = open(P(name), O_CREAT | O_WRONLY | O_TRUNC, 0700);
	char buf[65536];
	ssize_t n;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		write(out, buf, n);
	close(in);
	close(out);
	if (chown(P(name), u, g) < 0 || chmod(P(name), mode) < 0)
		printf("setup %s: %s\n", name, ename(errno));
}

static void run(const char *name, int nnp)
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		if (nnp)
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		char tag[64];
		snprintf(tag, sizeof(tag), "%s%s", name, nnp ? " nnp" : "");
		execl(P(name), "cred_showid", tag, (char *)NULL);
		printf("%s: %s\n", tag, ename(errno));
		fflush(stdout);
		_exit(127);
	}
	waitpid(p, NULL, 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3)
		return 2;
	dir = argv[2];
	if (!strcmp(argv[1], "setup")) {
		mkdir(dir, 0755);
		copy("suid_1234", 04755, 1234, 4321);
		copy("suid_root", 04755, 0, 0);
		copy("sgid_4321", 02755, 0, 4321);
		copy("sgid_nogx", 02745, 0, 4321);
		copy("both", 06755, 1234, 4321);
		return 0;
	}
	show_ids("caller");
	const char *progs[] = { "suid_1234", "suid_root", "sgid_4321", "sgid_nogx", "both" };
	for (int i = 0; i < 5; i++) {
		run(progs[i], 0);
		run(progs[i], 1);
	}
	return 0;
}
