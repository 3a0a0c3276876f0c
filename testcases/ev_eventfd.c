/* ev_eventfd: eventfd and eventfd2 as Linux has them: the counter, the
 * semaphore mode, the overflow rule, EINVAL and EAGAIN, poll readiness,
 * blocking reads and writes woken by another process, a signal ending a
 * blocked read. */
#include "ev_common.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

static uint64_t v;

static short revents(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static void on_alarm(int s)
{
	(void)s;
}

int main(int argc, char **argv)
{
	ev_setup(&argc, &argv);
	int fd = eventfd(0, 0);
	CHECK(fd >= 0);
	CHECK(strcmp(fd_link(fd), "anon_inode:[eventfd]") == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_mode == 0600 && st.st_size == 0);
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	CHECK(!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	CHECK(ERR(syscall(SYS_eventfd2, 0, 0x10), EINVAL));
	CHECK(ERR(syscall(SYS_eventfd2, 0, O_RDWR), EINVAL));
	CHECK(revents(fd) == POLLOUT);
	v = 1;
	CHECK(write(fd, &v, 8) == 8);
	v = 2;
	CHECK(write(fd, &v, 8) == 8);
	CHECK(revents(fd) == (POLLIN | POLLOUT));
	char big[16];
	CHECK(read(fd, big, 4) < 0 && errno == EINVAL);
	CHECK(write(fd, big, 7) < 0 && errno == EINVAL);
	CHECK(read(fd, big, 16) == 8 && memcmp(big, &(uint64_t){ 3 }, 8) == 0);
	v = UINT64_MAX;
	CHECK(ERR(write(fd, &v, 8), EINVAL));
	v = 0;
	CHECK(write(fd, &v, 8) == 8);
	CHECK(revents(fd) == POLLOUT);
	close(fd);

	/* nonblocking, semaphore, cloexec */
	fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	for (int i = 0; i < 3; i++)
		CHECK(read(fd, &v, 8) == 8 && v == 1);
	CHECK(ERR(read(fd, &v, 8), EAGAIN));
	close(fd);

	/* the top of the counter */
	fd = eventfd(0, EFD_NONBLOCK);
	v = 0xfffffffffffffffeULL;
	CHECK(write(fd, &v, 8) == 8);
	CHECK(revents(fd) == POLLIN);
	v = 1;
	CHECK(ERR(write(fd, &v, 8), EAGAIN));
	v = 0;
	CHECK(write(fd, &v, 8) == 8);
	CHECK(read(fd, &v, 8) == 8 && v == 0xfffffffffffffffeULL);
	CHECK(ERR(read(fd, &v, 8), EAGAIN));
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(fd, &rs);
	struct timeval tv0 = { 0, 0 };
	CHECK(select(fd + 1, &rs, NULL, NULL, &tv0) == 0);
	close(fd);

	/* a blocking read woken by a child's write; poll woken too */
	fd = eventfd(0, 0);
	pid_t c = fork();
	if (c == 0) {
		v = 42;
		_exit(write(fd, &v, 8) == 8 ? 0 : 1);
	}
	struct pollfd p = { fd, POLLIN, 0 };
	CHECK(poll(&p, 1, -1) == 1 && p.revents == POLLIN);
	CHECK(read(fd, &v, 8) == 8 && v == 42);
	int status;
	CHECK(waitpid(c, &status, 0) == c && WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* a blocking write woken by a child's read */
	v = 0xfffffffffffffffeULL;
	CHECK(write(fd, &v, 8) == 8);
	c = fork();
	if (c == 0) {
		uint64_t r;
		_exit(read(fd, &r, 8) == 8 && r == 0xfffffffffffffffeULL ? 0 : 1);
	}
	v = 5;
	CHECK(write(fd, &v, 8) == 8);
	CHECK(waitpid(c, &status, 0) == c && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(read(fd, &v, 8) == 8 && v == 5);

	/* a signal (no SA_RESTART) ends a blocked read with EINTR */
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	CHECK(ERR(read(fd, &v, 8), EINTR));
	/* and a blocked write */
	v = 0xfffffffffffffffeULL;
	CHECK(write(fd, &v, 8) == 8);
	v = 1;
	CHECK(ERR(write(fd, &v, 8), EINTR));
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	close(fd);

	printf("%s\n", fails ? "FAILED" : "PASSED");
	return fails != 0;
}
