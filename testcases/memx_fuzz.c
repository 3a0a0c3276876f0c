/* A fuzz-ish allocator: a seeded random mix of anonymous mappings (touched,
 * unmapped, reprotected), sparse tmpfs writes, truncations, pipes filled
 * and closed, big read-only mappings read, and forks, with every failure
 * an errno the guest can handle (ENOMEM, ENOSPC, ENFILE, EMFILE, EFBIG,
 * EAGAIN) and nobody killed.  argv: SEED ITERATIONS [tmpfs mount point]. */
#include "memx.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>

static uint64_t rng;
static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

struct map {
	unsigned char *p;
	size_t len;
};

static long errs[200], unexpected;

static void err(void)
{
	int e = errno;
	if (e >= 0 && e < 200)
		errs[e]++;
	if (e != ENOMEM && e != ENOSPC && e != ENFILE && e != EMFILE && e != EFBIG && e != EAGAIN)
		unexpected++;
}

int main(int argc, char **argv)
{
	rng = argc > 1 ? strtoull(argv[1], NULL, 0) | 1 : 1;
	long iters = argc > 2 ? atol(argv[2]) : 2000;
	const char *dir = argc > 3 ? argv[3] : "/mnt";
	static char buf[65536];
	struct map maps[64] = { 0 };
	int pipes[256][2], npipes = 0;
	char path[256];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mount("tmpfs", dir, "tmpfs", 0, "") < 0)
		err();
	memset(buf, 'f', sizeof(buf));
	for (long it = 0; it < iters; it++) {
		switch (rnd(10)) {
		case 0: case 1: { /* anonymous memory, touched */
			struct map *m = &maps[rnd(64)];
			if (m->p)
				munmap(m->p, m->len);
			m->len = (1 + rnd(1024)) * 4096;
			m->p = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m->p == MAP_FAILED) {
				err();
				m->p = NULL;
				break;
			}
			for (size_t off = 0; off < m->len; off += 4096 * (1 + rnd(4)))
				m->p[off] = 1;
			break;
		}
		case 2: { /* unmap or reprotect */
			struct map *m = &maps[rnd(64)];
			if (!m->p)
				break;
			if (rnd(2)) {
				munmap(m->p, m->len);
				m->p = NULL;
			} else if (mprotect(m->p, m->len, rnd(2) ? PROT_READ : PROT_READ | PROT_WRITE) < 0) {
				err();
			}
			break;
		}
		case 3: case 4: { /* sparse tmpfs writes */
			snprintf(path, sizeof(path), "%s/f%d", dir, (int)rnd(16));
			int fd = open(path, O_RDWR | O_CREAT, 0600);
			if (fd < 0) {
				err();
				break;
			}
			off_t off = rnd(4) ? (off_t)rnd(1 << 24) : (off_t)rnd(1ULL << 42);
			if (pwrite(fd, buf, 1 + rnd(sizeof(buf)), off) < 0)
				err();
			close(fd);
			break;
		}
		case 5: { /* truncate or unlink */
			snprintf(path, sizeof(path), "%s/f%d", dir, (int)rnd(16));
			if (rnd(2))
				unlink(path);
			else
				truncate(path, rnd(1 << 20));
			break;
		}
		case 6: { /* pipes, filled */
			if (npipes == 256 || rnd(3) == 0) {
				if (npipes) {
					int k = rnd(npipes);
					close(pipes[k][0]);
					close(pipes[k][1]);
					pipes[k][0] = pipes[npipes - 1][0];
					pipes[k][1] = pipes[npipes - 1][1];
					npipes--;
				}
				break;
			}
			if (pipe2(pipes[npipes], O_NONBLOCK) < 0) {
				err();
				break;
			}
			if (write(pipes[npipes][1], buf, 1 + rnd(sizeof(buf))) < 0)
				err();
			npipes++;
			break;
		}
		case 7: { /* a big read-only mapping, read here and there */
			size_t len = (1 + rnd(256)) << 20;
			unsigned char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED) {
				err();
				break;
			}
			unsigned long sum = 0;
			for (size_t off = 0; off < len; off += 4096 * (1 + rnd(64)))
				sum += p[off];
			if (sum)
				unexpected++;
			munmap(p, len);
			break;
		}
		case 8: { /* a child that allocates and goes */
			pid_t pid = fork();
			if (pid == 0) {
				size_t len = (1 + rnd(512)) * 4096;
				unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
							MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				if (p != MAP_FAILED)
					for (size_t off = 0; off < len; off += 4096)
						p[off] = 2;
				_exit(0);
			}
			if (pid < 0) {
				err();
				break;
			}
			int st;
			if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
				printf("child status %#x\n", st);
				unexpected++;
			}
			break;
		}
		case 9: { /* re-touch what we hold */
			struct map *m = &maps[rnd(64)];
			if (m->p && mprotect(m->p, m->len, PROT_READ | PROT_WRITE) == 0)
				for (size_t off = 0; off < m->len; off += 4096)
					m->p[off]++;
			break;
		}
		}
	}
	for (int e = 1; e < 200; e++)
		if (errs[e])
			printf("%s %ld\n", strerrorname_np(e), errs[e]);
	printf("unexpected %ld\n", unexpected);
	memx_wait();
	return unexpected != 0;
}
