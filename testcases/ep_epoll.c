/* epoll(7) as Linux has it: level and edge triggering on pipes, one-shot
 * items and MOD, hangups, nesting, the dup'd-descriptor gotcha, close
 * removing items, the error cases, epoll_pwait's signal mask, timeouts,
 * and an edge-triggered server loop over several pipes.  Prints what it
 * sees so that a guest run can be compared with a native one; every
 * ordering between processes is made by pipes, never by sleeps.
 * Usage: ep_epoll CASE */
#include "check.h"
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* the raw call, for the arguments the compiler would refuse */
static long ewait(int ep, void *ev, long max, int ms)
{
	return syscall(SYS_epoll_wait, ep, ev, max, ms);
}

static int add(int ep, int fd, unsigned ev, uint64_t data)
{
	struct epoll_event e = { .events = ev, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static int mod(int ep, int fd, unsigned ev, uint64_t data)
{
	struct epoll_event e = { .events = ev, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

/* One wait, its result printed: "n=N [data:events]..." */
static int wait_show(const char *what, int ep, int max, int ms)
{
	struct epoll_event ev[16];
	int n = epoll_wait(ep, ev, max, ms);
	printf("%s: n=%d", what, n);
	/* sorted by data: the order of ready items is not the point */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && ev[j - 1].data.u64 > ev[j].data.u64; j--) {
			struct epoll_event x = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = x;
		}
	if (n < 0)
		printf(" errno=%s", strerror(errno));
	for (int i = 0; i < n; i++)
		printf(" [%llu:%#x]", (unsigned long long)ev[i].data.u64, ev[i].events);
	printf("\n");
	return n;
}

static void lt_et(void)
{
	int p[2], q[2];
	CHECK(pipe(p) == 0 && pipe(q) == 0);
	int ep = epoll_create1(0);
	CHECK(ep >= 0);
	CHECK(add(ep, p[0], EPOLLIN, 1) == 0);
	CHECK(add(ep, q[0], EPOLLIN | EPOLLET, 2) == 0);
	wait_show("empty", ep, 8, 0);
	CHECK(write(p[1], "a", 1) == 1 && write(q[1], "b", 1) == 1);
	wait_show("first", ep, 8, 0);
	wait_show("again", ep, 8, 0); /* LT again, ET not */
	CHECK(write(q[1], "c", 1) == 1);
	wait_show("more data", ep, 8, 0); /* ET again: new data */
	wait_show("again", ep, 8, 0);
	char buf[8];
	CHECK(read(q[0], buf, 1) == 1); /* partial read: no new event for ET */
	wait_show("partial read", ep, 8, 0);
	CHECK(read(q[0], buf, 8) == 1);
	CHECK(write(q[1], "d", 1) == 1);
	wait_show("drained, refilled", ep, 8, 0);
	/* EPOLLOUT edge-triggered on a write end: once, then after room */
	int ep2 = epoll_create(1);
	CHECK(add(ep2, q[1], EPOLLOUT | EPOLLET, 3) == 0);
	wait_show("out first", ep2, 8, 0);
	wait_show("out again", ep2, 8, 0);
	CHECK(read(q[0], buf, 8) == 1);
	wait_show("out after a read, never full", ep2, 8, 0);
	fcntl(q[1], F_SETFL, O_NONBLOCK);
	static char big[65536];
	CHECK(write(q[1], big, sizeof(big)) == sizeof(big));
	wait_show("full", ep2, 8, 0);
	CHECK(read(q[0], big, 4096) == 4096);
	wait_show("room again", ep2, 8, 0);
	wait_show("room again, again", ep2, 8, 0);
	CHECK(read(q[0], big, sizeof(big)) == sizeof(big) - 4096);
	/* maxevents 1 serves ready items in turn */
	int ep3 = epoll_create1(0);
	CHECK(add(ep3, p[0], EPOLLIN, 10) == 0);
	CHECK(write(q[1], "e", 1) == 1);
	CHECK(add(ep3, q[0], EPOLLIN, 20) == 0);
	struct epoll_event e1, e2;
	CHECK(epoll_wait(ep3, &e1, 1, 0) == 1 && epoll_wait(ep3, &e2, 1, 0) == 1);
	CHECK(e1.data.u64 != e2.data.u64);
	printf("done lt_et\n");
}

static void oneshot(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int ep = epoll_create1(0);
	CHECK(add(ep, p[0], EPOLLIN | EPOLLONESHOT, 7) == 0);
	CHECK(write(p[1], "a", 1) == 1);
	wait_show("oneshot", ep, 8, 0);
	wait_show("disarmed", ep, 8, 0);
	CHECK(write(p[1], "b", 1) == 1);
	wait_show("disarmed, more data", ep, 8, 0);
	CHECK(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 8) == 0);
	wait_show("re-armed", ep, 8, 0);
	wait_show("disarmed", ep, 8, 0);
	/* MOD of an ET item reports it again when ready */
	CHECK(mod(ep, p[0], EPOLLIN | EPOLLET, 9) == 0);
	wait_show("mod et", ep, 8, 0);
	wait_show("et again", ep, 8, 0);
	CHECK(mod(ep, p[0], EPOLLIN | EPOLLET, 10) == 0);
	wait_show("mod et again", ep, 8, 0);
	/* an item disarmed still exists: ADD says EEXIST */
	CHECK(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 11) == 0);
	wait_show("oneshot", ep, 8, 0);
	CHECK(add(ep, p[0], EPOLLIN, 12) == -1 && errno == EEXIST);
	/* MOD to events 0: only HUP/ERR remain */
	CHECK(mod(ep, p[0], 0, 13) == 0);
	wait_show("events 0", ep, 8, 0);
	close(p[1]);
	wait_show("events 0, hangup", ep, 8, 0);
	printf("done oneshot\n");
}

static void hup(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int ep = epoll_create1(0);
	CHECK(add(ep, p[0], EPOLLIN | EPOLLRDHUP, 1) == 0);
	CHECK(add(ep, p[1], EPOLLOUT, 2) == 0);
	wait_show("open", ep, 8, 0);
	CHECK(write(p[1], "x", 1) == 1);
	close(p[1]);
	wait_show("writer closed, data", ep, 8, 0);
	char c;
	CHECK(read(p[0], &c, 1) == 1);
	wait_show("writer closed, drained", ep, 8, 0);
	/* the reader's close: the writer sees EPOLLERR */
	int q[2];
	CHECK(pipe(q) == 0);
	CHECK(add(ep, q[1], EPOLLOUT | EPOLLET, 3) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
	wait_show("writer", ep, 8, 0);
	close(q[0]);
	wait_show("reader closed", ep, 8, 0);
	/* a child closes the write end while the parent waits */
	int r[2], go[2];
	CHECK(pipe(r) == 0 && pipe(go) == 0);
	int ep2 = epoll_create1(0);
	CHECK(add(ep2, r[0], EPOLLIN, 4) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(r[0]);
		char b;
		read(go[0], &b, 1); /* the parent is about to wait */
		_exit(0);
	}
	close(r[1]);
	CHECK(write(go[1], "g", 1) == 1);
	wait_show("child's end gone", ep2, 8, -1);
	waitpid(pid, NULL, 0);
	printf("done hup\n");
}

static void nested(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int inner = epoll_create1(0), outer = epoll_create1(0);
	CHECK(add(inner, p[0], EPOLLIN, 1) == 0);
	CHECK(add(outer, inner, EPOLLIN, 2) == 0);
	wait_show("outer, nothing", outer, 8, 0);
	CHECK(write(p[1], "x", 1) == 1);
	wait_show("outer", outer, 8, 0);
	wait_show("outer again (LT)", outer, 8, 0);
	wait_show("inner", inner, 8, 0);
	/* poll(2)-style readiness of an epoll fd: select via epoll of epoll */
	struct timespec ts = { 0, 0 };
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(inner, &rs);
	CHECK(pselect(inner + 1, &rs, NULL, NULL, &ts, NULL) == 1 && FD_ISSET(inner, &rs));
	char c;
	CHECK(read(p[0], &c, 1) == 1);
	wait_show("outer, drained", outer, 8, 0);
	FD_SET(inner, &rs);
	CHECK(pselect(inner + 1, &rs, NULL, NULL, &ts, NULL) == 0);
	/* edge-triggered outer over inner */
	int outer2 = epoll_create1(0);
	CHECK(add(outer2, inner, EPOLLIN | EPOLLET, 3) == 0);
	CHECK(write(p[1], "y", 1) == 1);
	wait_show("outer2 et", outer2, 8, 0);
	wait_show("outer2 et again", outer2, 8, 0);
	/* a child writes while the parent blocks on the outer */
	CHECK(read(p[0], &c, 1) == 1);
	int go[2];
	CHECK(pipe(go) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char b;
		read(go[0], &b, 1);
		write(p[1], "z", 1);
		_exit(0);
	}
	CHECK(write(go[1], "g", 1) == 1);
	wait_show("outer, blocking", outer, 8, -1);
	waitpid(pid, NULL, 0);
	/* cycles and depth */
	CHECK(add(inner, outer, EPOLLIN, 4) == -1 && errno == ELOOP);
	CHECK(add(inner, inner, EPOLLIN, 4) == -1 && errno == EINVAL);
	int e[8];
	for (int i = 0; i < 8; i++)
		e[i] = epoll_create1(0);
	for (int i = 0; i < 7; i++) {
		int r = add(e[i], e[i + 1], EPOLLIN, i);
		printf("chain down %d: %d %s\n", i, r, r ? strerror(errno) : "");
	}
	int u[8];
	for (int i = 0; i < 8; i++)
		u[i] = epoll_create1(0);
	for (int i = 7; i > 0; i--) {
		int r = add(u[i - 1], u[i], EPOLLIN, i);
		printf("chain up %d: %d %s\n", i, r, r ? strerror(errno) : "");
	}
	printf("done nested\n");
}

static void dup_gotcha(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int ep = epoll_create1(0);
	int d = dup(p[0]);
	CHECK(add(ep, p[0], EPOLLIN, 1) == 0);
	CHECK(add(ep, d, EPOLLIN, 2) == 0); /* (file, fd) keys: both */
	CHECK(write(p[1], "x", 1) == 1);
	wait_show("both", ep, 8, 0);
	close(p[0]); /* the file stays open through d: its item stays */
	wait_show("fd closed, file open", ep, 8, 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == -1 && errno == EBADF);
	int d2 = dup2(d, p[0]); /* same fd number again, same file: the item's key */
	CHECK(d2 == p[0]);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
	close(p[0]);
	wait_show("one removed", ep, 8, 0);
	close(d); /* the last reference: the item goes */
	wait_show("file closed", ep, 8, 0);
	int q[2];
	CHECK(pipe(q) == 0);
	/* the reused fd number is a new file: no item */
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL) == -1 && errno == ENOENT);
	/* a dup'd fd of an added file is a different key */
	CHECK(add(ep, q[0], EPOLLIN, 5) == 0);
	int d3 = dup(q[0]);
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, d3, &(struct epoll_event){ .events = EPOLLIN }) == -1 && errno == ENOENT);
	/* an item survives in a child's copy of the file: fork shares it */
	CHECK(write(q[1], "x", 1) == 1);
	close(d3);
	wait_show("after dup closed", ep, 8, 0);
	/* close of the epoll fd itself with items: nothing breaks */
	close(ep);
	close(q[0]);
	printf("done dup\n");
}

static void errors(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int ep = epoll_create1(0);
	struct epoll_event e = { .events = EPOLLIN };
	CHECK(epoll_create(0) == -1 && errno == EINVAL);
	CHECK(epoll_create(-1) == -1 && errno == EINVAL);
	CHECK(epoll_create1(1) == -1 && errno == EINVAL);
	int ec = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ec >= 0 && fcntl(ec, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(ep, F_GETFD) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &e) == -1 && errno == EBADF);
	CHECK(epoll_ctl(999, EPOLL_CTL_ADD, p[0], &e) == -1 && errno == EBADF);
	CHECK(epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &e) == -1 && errno == EINVAL);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e) == -1 && errno == EINVAL);
	CHECK(epoll_ctl(ep, 99, p[0], &e) == -1 && errno == EINVAL);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], (void *)8) == -1 && errno == EFAULT);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], (void *)8) == -1 && errno == ENOENT);
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e) == -1 && errno == ENOENT);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) == -1 && errno == EEXIST);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == -1 && errno == ENOENT);
	/* regular files and directories: EPERM */
	int f = open("ep_reg", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(f >= 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, f, &e) == -1 && errno == EPERM);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, dir, &e) == -1 && errno == EPERM);
	/* a regular file as epfd: EPERM before EINVAL, as Linux orders it */
	CHECK(epoll_ctl(f, EPOLL_CTL_ADD, f, &e) == -1 && errno == EPERM);
	CHECK(epoll_ctl(f, EPOLL_CTL_ADD, p[0], &e) == -1 && errno == EINVAL);
	close(f);
	unlink("ep_reg");
	/* EPOLLEXCLUSIVE */
	e.events = EPOLLIN | EPOLLEXCLUSIVE;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e) == -1 && errno == EINVAL);
	e.events = EPOLLIN;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e) == -1 && errno == EINVAL);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
	e.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) == -1 && errno == EINVAL);
	e.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLET;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
	e.events = EPOLLIN | EPOLLEXCLUSIVE;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ec, &e) == -1 && errno == EINVAL);
	/* EPOLLWAKEUP: accepted */
	e.events = EPOLLIN | EPOLLWAKEUP;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	wait_show("wakeup item", ep, 8, 0);
	/* epoll_wait's own */
	struct epoll_event out[4];
	CHECK(ewait(ep, out, 0, 0) == -1 && errno == EINVAL);
	CHECK(ewait(ep, out, -1, 0) == -1 && errno == EINVAL);
	CHECK(ewait(999, out, 4, 0) == -1 && errno == EBADF);
	CHECK(ewait(p[0], out, 4, 0) == -1 && errno == EINVAL);
	CHECK(ewait(ep, (void *)0xffff800000000000ULL, 4, 0) == -1 && errno == EFAULT);
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ewait(ep, ro, 4, 0) == -1 && errno == EFAULT);
	CHECK(ewait(ep, (void *)8, 4, 0) == -1 && errno == EFAULT);
	CHECK(ewait(ep, out, 4, 0) == 1); /* the failed copies lost nothing */
	CHECK(epoll_pwait(ep, out, 4, 0, &(sigset_t){ { 0 } }) == 1);
	CHECK(syscall(SYS_epoll_pwait, ep, out, 4, 0, &(sigset_t){ { 0 } }, 4) == -1 && errno == EINVAL);
	struct timespec bad = { 0, 1000000000 };
	CHECK(syscall(SYS_epoll_pwait2, ep, out, 4, &bad, NULL, 8) == -1 && errno == EINVAL);
	bad.tv_sec = -1;
	bad.tv_nsec = 0;
	CHECK(syscall(SYS_epoll_pwait2, ep, out, 4, &bad, NULL, 8) == -1 && errno == EINVAL);
	struct timespec huge = { INT64_MAX, 999999999 };
	CHECK(syscall(SYS_epoll_pwait2, ep, out, 4, &huge, NULL, 8) == 1);
	CHECK(syscall(SYS_epoll_pwait2, ep, out, 4, (void *)8, NULL, 8) == -1 && errno == EFAULT);
	printf("done errors\n");
}

/* the link of an epoll fd (a guest mounts its /proc first) */
static void link_name(void)
{
	int ep = epoll_create1(0);
	if (access("/proc/self/fd", F_OK) != 0) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	char path[64], link[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", ep);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0)
		link[n] = 0;
	printf("link %s\n", n >= 0 ? link : strerror(errno));
}

static volatile sig_atomic_t got;
static void on_usr1(int sig)
{
	got = sig;
}

static void pwait(void)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t block, during;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	int p[2], ready[2];
	CHECK(pipe(p) == 0 && pipe(ready) == 0);
	int ep = epoll_create1(0);
	CHECK(add(ep, p[0], EPOLLIN, 1) == 0);
	/* the signal is pending, blocked: epoll_pwait with it unblocked
	 * takes it at once (EINTR, even with SA_RESTART) */
	kill(getpid(), SIGUSR1);
	sigemptyset(&during);
	struct epoll_event out[4];
	int r = epoll_pwait(ep, out, 4, -1, &during);
	CHECK(r == -1 && errno == EINTR && got == SIGUSR1);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1)); /* the old mask is back */
	/* with SIGUSR1 still blocked during the wait, it stays pending */
	got = 0;
	kill(getpid(), SIGUSR1);
	CHECK(epoll_pwait(ep, out, 4, 0, &block) == 0 && got == 0);
	sigset_t pend;
	sigpending(&pend);
	CHECK(sigismember(&pend, SIGUSR1));
	r = epoll_pwait(ep, out, 4, -1, &during);
	CHECK(r == -1 && errno == EINTR && got == SIGUSR1);
	/* a child signals the parent as it goes to wait: the signal blocked
	 * outside the wait and open inside it interrupts it wherever it
	 * lands (EINTR) */
	got = 0;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		char b;
		read(ready[0], &b, 1);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	CHECK(write(ready[1], "g", 1) == 1);
	r = epoll_pwait(ep, out, 4, -1, &during);
	CHECK(r == -1 && errno == EINTR && got == SIGUSR1);
	waitpid(pid, NULL, 0);
	/* epoll_pwait2 with a timespec and a mask */
	struct timespec ts = { 0, 1000000 };
	CHECK(syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(syscall(SYS_epoll_pwait2, ep, out, 4, NULL, &during, 8) == 1 && out[0].data.u64 == 1);
	printf("done pwait\n");
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void timeouts(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int ep = epoll_create1(0);
	CHECK(add(ep, p[0], EPOLLIN, 1) == 0);
	struct epoll_event out[4];
	double t0 = now_s();
	CHECK(epoll_wait(ep, out, 4, 0) == 0);
	CHECK(now_s() - t0 < 0.5);
	t0 = now_s();
	CHECK(epoll_wait(ep, out, 4, 50) == 0);
	double dt = now_s() - t0;
	CHECK(dt >= 0.049);
	struct timespec z = { 0, 0 };
	CHECK(syscall(SYS_epoll_pwait2, ep, out, 4, &z, NULL, 8) == 0);
	/* an empty epoll with a timeout: it times out */
	int e2 = epoll_create1(0);
	CHECK(epoll_wait(e2, out, 4, 10) == 0);
	/* a blocking wait ends when a child writes */
	int go[2];
	CHECK(pipe(go) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char b;
		read(go[0], &b, 1);
		write(p[1], "x", 1);
		_exit(0);
	}
	CHECK(write(go[1], "g", 1) == 1);
	CHECK(epoll_wait(ep, out, 4, 20000) == 1 && out[0].events == EPOLLIN);
	waitpid(pid, NULL, 0);
	printf("done timeouts\n");
}

/* Edge triggering on a terminal, whose readiness only poll_wake()s: a
 * drain to EAGAIN and a new line is an edge (run with the host's / as the
 * guest's root, devpts mounted by pid 1). */
static void pty(void)
{
	if (getpid() == 1) {
		mkdir("/dev/pts", 0755);
		if (mount("devpts", "/dev/pts", "devpts", 0, "mode=620,ptmxmode=666") < 0)
			perror("mount devpts");
	}
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	CHECK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0);
	int s = open(ptsname(m), O_RDWR | O_NOCTTY | O_NONBLOCK);
	CHECK(s >= 0);
	int ep = epoll_create1(0);
	CHECK(add(ep, s, EPOLLIN | EPOLLET, 1) == 0);
	wait_show("pty nothing", ep, 8, 0);
	/* Linux hands input to the line discipline from a worker: wait for
	 * it (a bound of 10 s only turns a lost edge into a failure) */
	CHECK(write(m, "a\n", 2) == 2);
	wait_show("pty line", ep, 8, 10000);
	wait_show("pty again", ep, 8, 0);
	char buf[64];
	CHECK(read(s, buf, sizeof(buf)) == 2);
	CHECK(read(s, buf, sizeof(buf)) == -1 && errno == EAGAIN);
	CHECK(write(m, "b\n", 2) == 2);
	wait_show("pty line after drain", ep, 8, 10000);
	wait_show("pty again", ep, 8, 0);
	printf("done pty\n");
}

static int th_ep, th_go[2], th_n;
static struct epoll_event th_ev;
/* the waiting thread; its result is printed after the join, so that the
 * output's order does not depend on the threads' */
static void *waiter(void *arg)
{
	char b;
	read(th_go[0], &b, 1);
	th_n = epoll_wait(th_ep, &th_ev, 1, 20000);
	return arg;
}

static void th_show(void)
{
	printf("thread: n=%d data=%llu events=%#x\n", th_n, (unsigned long long)th_ev.data.u64, th_ev.events);
}

/* Another thread's ADD of a ready file, and its write, end a wait that
 * began before or after it: either way one event. */
static void threads(void)
{
	int p[2];
	CHECK(pipe(p) == 0 && pipe(th_go) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	th_ep = epoll_create1(0);
	pthread_t th;
	CHECK(pthread_create(&th, NULL, waiter, NULL) == 0);
	CHECK(write(th_go[1], "g", 1) == 1);
	CHECK(add(th_ep, p[0], EPOLLIN, 42) == 0);
	CHECK(pthread_join(th, NULL) == 0);
	th_show();
	int q[2];
	CHECK(pipe(q) == 0);
	CHECK(add(th_ep, q[0], EPOLLIN | EPOLLET, 43) == 0);
	CHECK(epoll_ctl(th_ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
	CHECK(pthread_create(&th, NULL, waiter, NULL) == 0);
	CHECK(write(th_go[1], "g", 1) == 1);
	CHECK(write(q[1], "y", 1) == 1);
	CHECK(pthread_join(th, NULL) == 0);
	th_show();
	printf("done threads\n");
}

/* An edge-triggered server loop: N children write messages to their
 * pipes; the parent, non-blocking reads under EPOLLET, drains each pipe
 * until EAGAIN on every report, and counts bytes until every writer hung up. */
static void server(void)
{
	enum { N = 5, MSGS = 40 };
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int rd[N], wr[N];
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		int p[2];
		CHECK(pipe(p) == 0);
		rd[i] = p[0];
		wr[i] = p[1];
	}
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			/* every read end first, then the others' write ends: when
			 * the parent sees a pipe's EOF, no child holds a read end
			 * (whose copy would keep the file, and so its item, alive) */
			for (int j = 0; j < N; j++)
				close(rd[j]);
			for (int j = 0; j < N; j++)
				if (j != i)
					close(wr[j]);
			char msg[64];
			for (int m = 0; m < MSGS; m++) {
				int len = snprintf(msg, sizeof(msg), "client %d message %d\n", i, m);
				write(wr[i], msg, len);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < N; i++) {
		close(wr[i]);
		fcntl(rd[i], F_SETFL, O_NONBLOCK);
		CHECK(add(ep, rd[i], EPOLLIN | EPOLLET | EPOLLRDHUP, i) == 0);
	}
	long bytes[N] = { 0 }, lines[N] = { 0 };
	int open_ = N, reports = 0;
	while (open_ > 0) {
		struct epoll_event ev[N];
		int n = epoll_wait(ep, ev, N, 20000);
		if (n <= 0) {
			printf("wait: %d %s\n", n, strerror(errno));
			break;
		}
		for (int k = 0; k < n; k++) {
			int i = ev[k].data.u64;
			reports++;
			if (rd[i] < 0) {
				printf("report for closed %d\n", i);
				continue;
			}
			char buf[100];
			ssize_t r;
			while ((r = read(rd[i], buf, sizeof(buf))) > 0) {
				bytes[i] += r;
				for (ssize_t j = 0; j < r; j++)
					lines[i] += buf[j] == '\n';
			}
			if (r == 0) {
				/* hung up and drained: the item goes with the close */
				close(rd[i]);
				rd[i] = -1;
				open_--;
			} else if (errno != EAGAIN) {
				printf("read: %s\n", strerror(errno));
			}
		}
	}
	for (int i = 0; i < N; i++) {
		waitpid(pids[i], NULL, 0);
		printf("client %d: %ld lines\n", i, lines[i]);
	}
	struct epoll_event ev;
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0); /* every item gone with its file */
	CHECK(reports >= N);
	printf("done server\n");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *c = argc > 1 ? argv[1] : "";
	if (!strcmp(c, "lt_et"))
		lt_et();
	else if (!strcmp(c, "oneshot"))
		oneshot();
	else if (!strcmp(c, "hup"))
		hup();
	else if (!strcmp(c, "nested"))
		nested();
	else if (!strcmp(c, "dup"))
		dup_gotcha();
	else if (!strcmp(c, "errors"))
		errors();
	else if (!strcmp(c, "pwait"))
		pwait();
	else if (!strcmp(c, "timeouts"))
		timeouts();
	else if (!strcmp(c, "pty"))
		pty();
	else if (!strcmp(c, "threads"))
		threads();
	else if (!strcmp(c, "link"))
		link_name();
	else if (!strcmp(c, "server"))
		server();
	else {
		fprintf(stderr, "usage: ep_epoll CASE\n");
		return 2;
	}
	return fails ? 1 : 0;
}
