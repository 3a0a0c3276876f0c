/* /proc/PID/oom_score_adj, oom_adj and oom_score as Linux has them: the
 * values read back, the legacy scale, what is refused (EINVAL outside
 * -1000..1000 or not one integer, EACCES for lowering it without
 * CAP_SYS_RESOURCE below what was set with it), inheritance by fork and
 * sharing by threads.  Run as root and as nobody; the output is compared
 * with a native run. */
#include "check.h"
#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *put(const char *file, const char *v, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/%s", file);
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return strerrorname_np(errno);
	ssize_t r = write(fd, v, len);
	int e = errno;
	close(fd);
	if (r < 0)
		return strerrorname_np(e);
	return r == (ssize_t)len ? "ok" : "short";
}

static long get(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -99999;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || buf[n - 1] != '\n')
		return -99998;
	return strtol(buf, NULL, 10);
}

static void show(const char *what)
{
	printf("%s: oom_score_adj %ld oom_adj %ld\n", what, get("/proc/self/oom_score_adj"),
	       get("/proc/self/oom_adj"));
}

static void w(const char *file, const char *v)
{
	printf("write %s %s: %s\n", file, v, put(file, v, strlen(v)));
}

static void *thread(void *arg)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%ld/oom_score_adj", (long)syscall(SYS_gettid));
	printf("thread sees %ld\n", get(path));
	*(const char **)arg = put("oom_score_adj", "123", 3);
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getpid() == 1 && access("/proc/self", F_OK) < 0)
		mount("proc", "/proc", "proc", 0, NULL); /* init of a guest */
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	bool res = syscall(SYS_capget, &h, d) == 0 && (d[0].effective & (1u << CAP_SYS_RESOURCE));
	printf("CAP_SYS_RESOURCE %s\n", res ? "yes" : "no");
	show("start");
	long score = get("/proc/self/oom_score");
	CHECK(score >= 0 && score <= 2000);
	w("oom_score_adj", "500");
	show("500");
	CHECK(get("/proc/self/oom_score") > score); /* half of all memory on top */
	w("oom_score_adj", " 300\n");
	show("300");
	w("oom_score_adj", "1001");
	w("oom_score_adj", "-1001");
	w("oom_score_adj", "12abc");
	w("oom_score_adj", "abc");
	w("oom_score_adj", "0x40");
	show("after the refused");
	w("oom_adj", "15");
	show("oom_adj 15");
	w("oom_adj", "16");
	w("oom_adj", "-18");
	w("oom_adj", "4");
	show("oom_adj 4");
	/* down again: down to 0 for anyone, below it only with
	 * CAP_SYS_RESOURCE */
	w("oom_score_adj", "0");
	w("oom_score_adj", "-1");
	w("oom_adj", "-17");
	show("lowered");
	w("oom_score_adj", "-500");
	w("oom_score_adj", "-600"); /* root: below the -500 it set */
	show("-600?");
	w("oom_score_adj", "-1000");
	CHECK(get("/proc/self/oom_score") == 0 || get("/proc/self/oom_score_adj") != -1000);
	w("oom_score_adj", "250");
	pid_t pid = fork();
	if (pid == 0) {
		show("child");
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	const char *tr = NULL;
	pthread_t th;
	pthread_create(&th, NULL, thread, &tr);
	pthread_join(th, NULL);
	printf("thread's write: %s\n", tr);
	show("after the thread");
	w("oom_score", "5");
	printf("fails %d\n", fails);
	return fails != 0;
}
