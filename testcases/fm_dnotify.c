/* fm_dnotify FS [UID]: dnotify (fcntl F_NOTIFY) and a file's SIGIO owner
 * (F_SETOWN, F_GETOWN(_EX), F_SETSIG, F_GETSIG), on a tmpfs or a host
 * directory (fm_common.h).  Signals are blocked and taken with
 * sigtimedwait, or looked for with sigpending right after the call that
 * should (or should not) have raised them: dnotify signals during it. */
#include "fm_common.h"
#include <signal.h>

static int dfd;

/* the signals SIG that the last call queued: how many, and the first's
 * code and descriptor */
static void take(const char *what, int sig)
{
	siginfo_t si, first = { 0 };
	struct timespec ts = { 0, 0 };
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	int n = 0;
	while (sigtimedwait(&set, &si, &ts) == sig)
		if (!n++)
			first = si;
	if (!n) {
		printf("%s: none\n", what);
		return;
	}
	printf("%s: %d x %s, code %d, fd %s\n", what, n, sig == SIGIO ? "SIGIO" : "RTMIN+1", first.si_code,
	       first.si_code > 0 && first.si_code < 0x80 ? (first.si_fd == dfd ? "ours" : "other") : "-");
}
#define none take

static void touch(const char *name)
{
	close(open(name, O_WRONLY | O_CREAT, 0644));
}

int main(int argc, char **argv)
{
	fm_setup(argc > 1 ? argv[1] : "tmpfs", NULL);
	fm_drop(argc > 2 ? argv[2] : NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGIO);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	mkdir("d", 0755);
	touch("file");
	int ffd = open("file", O_RDONLY);
	R("F_NOTIFY on a file", fcntl(ffd, F_NOTIFY, DN_CREATE));
	dfd = open("d", O_RDONLY | O_DIRECTORY);

	/* the owner calls */
	R("F_GETOWN fresh", fcntl(dfd, F_GETOWN));
	R("F_GETSIG fresh", fcntl(dfd, F_GETSIG));
	R("F_SETSIG 65", fcntl(dfd, F_SETSIG, 65));
	R("F_SETOWN pgrp", fcntl(dfd, F_SETOWN, -getpgrp()));
	printf("F_GETOWN is -pgrp: %d\n", fcntl(dfd, F_GETOWN) == -getpgrp());
	struct f_owner_ex ex;
	R("F_GETOWN_EX", fcntl(dfd, F_GETOWN_EX, &ex));
	printf("owner_ex: type %d, is pgrp %d\n", ex.type, ex.pid == getpgrp());
	ex.type = 7;
	R("F_SETOWN_EX bad type", fcntl(dfd, F_SETOWN_EX, &ex));
	R("F_GETOWN_EX fault", fcntl(dfd, F_GETOWN_EX, (void *)8));

	R("F_SETOWN 0", fcntl(dfd, F_SETOWN, 0));
	/* plain SIGIO, one shot */
	R("F_NOTIFY create", fcntl(dfd, F_NOTIFY, DN_CREATE));
	printf("F_GETOWN is us: %d\n", fcntl(dfd, F_GETOWN) == getpid());
	touch("d/a");
	take("create a", SIGIO);
	touch("d/b");
	none("create b, one shot", SIGIO);
	R("unlink ignored", unlink("d/a"));
	none("after unlink", SIGIO);

	/* F_SETSIG's signal, multishot, several events */
	R("F_SETSIG RTMIN+1", fcntl(dfd, F_SETSIG, SIGRTMIN + 1));
	R("F_GETSIG", fcntl(dfd, F_GETSIG) == SIGRTMIN + 1 ? 0 : -1);
	R("F_NOTIFY multishot", fcntl(dfd, F_NOTIFY, DN_CREATE | DN_DELETE | DN_RENAME | DN_MULTISHOT));
	mkdir("d/sub", 0755);
	take("mkdir sub", SIGRTMIN + 1);
	R("rename sub", rename("d/sub", "d/sub2"));
	take("rename sub", SIGRTMIN + 1);
	R("rename out", rename("d/sub2", "sub3"));
	take("rename out", SIGRTMIN + 1);
	touch("d/c");
	take("create c", SIGRTMIN + 1);
	R("unlink c", unlink("d/c"));
	take("unlink c", SIGRTMIN + 1);
	R("rename b", rename("d/b", "d/b2"));
	take("rename b", SIGRTMIN + 1);
	int wfd = open("d/b2", O_WRONLY);
	R("write b2", write(wfd, "x", 1));
	close(wfd);
	none("modify not asked", SIGRTMIN + 1);
	R("F_NOTIFY modify too", fcntl(dfd, F_NOTIFY, DN_MODIFY | DN_MULTISHOT));
	wfd = open("d/b2", O_WRONLY);
	R("write b2 again", write(wfd, "y", 1));
	close(wfd);
	take("modify b2", SIGRTMIN + 1);
	R("chmod b2", chmod("d/b2", 0600));
	none("attrib not asked", SIGRTMIN + 1);
	R("F_NOTIFY attrib", fcntl(dfd, F_NOTIFY, DN_ATTRIB | DN_MULTISHOT));
	R("chmod b2 again", chmod("d/b2", 0644));
	take("attrib b2", SIGRTMIN + 1);
	R("chmod d itself", chmod("d", 0700));
	take("attrib of d", SIGRTMIN + 1);

	/* removal: a mask of 0, then closing */
	R("F_NOTIFY 0", fcntl(dfd, F_NOTIFY, 0));
	touch("d/e");
	none("after F_NOTIFY 0", SIGRTMIN + 1);
	R("F_NOTIFY again", fcntl(dfd, F_NOTIFY, DN_CREATE | DN_MULTISHOT));
	int dup = fcntl(dfd, F_DUPFD, 10);
	close(dup);
	touch("d/f");
	take("create f after closing a dup", SIGRTMIN + 1);
	close(dfd);
	touch("d/g");
	none("after close", SIGRTMIN + 1);
	return 0;
}
