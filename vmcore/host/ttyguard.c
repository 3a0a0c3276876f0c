/* The terminal guard: a small host process that puts the host terminal
 * back the way it was when the kernel dies in a way that runs no code of
 * its own (SIGKILL, the OOM killer).
 *
 * Forked at boot, before the console makes the terminal raw, it keeps the
 * saved termios and waits on a pipe whose write end only the kernel holds
 * (close-on-exec, so no stub or restarted kernel inherits it).  End of
 * file means the kernel is gone: restore the terminal, exit.  A byte on
 * the pipe means the kernel ended cleanly and restored the terminal
 * itself: exit without touching it (the shell may already own it again).
 * The kernel waits for the guard on every clean way out, so it never
 * outlives the kernel by more than its own exit, and it is never left
 * behind: if its parent changes (the pipe somehow kept open elsewhere) it
 * restores and exits too.
 *
 * It sits in a process group of its own, so that a signal to ./linux's
 * group (kill -9 -PGID, a test harness's killpg) does not take the guard
 * down with the kernel; it ignores every catchable signal, SIGTTOU
 * included (tcsetattr from a background group), and keeps no descriptor
 * but the terminal and the pipe. */
#include <vmcore/host.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int guard_pid = -1;
static int guard_wfd = -1;

static _Noreturn void guard_main(int tty_fd, int rfd, const struct termios *saved, pid_t parent)
{
	prctl(PR_SET_NAME, "vmcore-ttyguard", 0, 0, 0);
	setpgid(0, 0);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD)
			signal(s, SIG_IGN);
	/* only the terminal and the pipe: no physmem, sockets or trace file */
	if (tty_fd != 0)
		dup2(tty_fd, 0);
	if (rfd != 3)
		dup2(rfd, 3);
	syscall(SYS_close_range, 4, ~0U, 0);
	for (int fd = 1; fd < 3; fd++)
		close(fd);
	for (;;) {
		struct pollfd p = { 3, POLLIN, 0 };
		int r = poll(&p, 1, 1000);
		if (r > 0) {
			char c;
			ssize_t n = read(3, &c, 1);
			if (n > 0)
				_exit(0); /* a clean halt: the kernel restored the terminal */
			if (n == 0)
				break;    /* the kernel is gone */
		} else if (r == 0 && getppid() != parent)
			break;
	}
	tcsetattr(0, TCSADRAIN, saved);
	_exit(0);
}

int host_tty_guard_start(int tty_fd, const struct termios *saved)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		close(p[1]);
		guard_main(tty_fd, p[0], saved, parent);
	}
	close(p[0]);
	/* in its own group before the kernel can be killed as a group */
	setpgid(pid, pid);
	guard_pid = pid;
	guard_wfd = p[1];
	return 0;
}

/* The kernel restored the terminal itself: dismiss the guard and wait for
 * it.  Async-signal-safe (write, close, waitpid), for the signal paths. */
void host_tty_guard_stop(void)
{
	int fd = guard_wfd, pid = guard_pid;
	if (fd < 0)
		return;
	guard_wfd = guard_pid = -1;
	char c = 'q';
	ssize_t w = write(fd, &c, 1);
	(void)w;
	close(fd);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
