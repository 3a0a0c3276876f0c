/* fuzz_mm: random mmap/munmap/mprotect/mremap/madvise/msync and I/O into a
 * 64 MiB window; afterwards the kernel must still serve a clean mapping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <fcntl.h>
static unsigned long x = 88172645463325252UL;
static unsigned long rnd(void) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; }
#define BASE 0x100000000000UL
#define SPAN (64UL << 20)
static unsigned long addr(void) { return BASE + (rnd() % (SPAN / 4096)) * 4096 + (rnd() % 16 == 0 ? rnd() % 4096 : 0); }
static unsigned long len(void) { return rnd() % 8 == 0 ? rnd() : (rnd() % 64) * 4096 + (rnd() % 4 == 0 ? rnd() % 4096 : 0); }
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 20000;
  if (argc > 2) x += strtoul(argv[2], 0, 0);
  int fd = open("/mmfuzz.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
  char buf[65536]; memset(buf, 'f', sizeof buf); write(fd, buf, sizeof buf);
  int prots[] = { PROT_NONE, PROT_READ, PROT_READ|PROT_WRITE, PROT_READ|PROT_EXEC, PROT_WRITE };
  for (int i = 0; i < n; i++) {
    int p = prots[rnd() % 5];
    switch (rnd() % 8) {
    case 0: { int fl = MAP_FIXED | (rnd() % 2 ? MAP_PRIVATE : MAP_SHARED); int use_fd = rnd() % 3 == 0;
      if (!use_fd) fl |= MAP_ANONYMOUS;
      mmap((void*)(addr() & ~0xfffUL), len() % SPAN, p, fl, use_fd ? fd : -1, (rnd() % 20) * 4096); break; }
    case 1: munmap((void*)addr(), len()); break;
    case 2: mprotect((void*)addr(), len(), p); break;
    case 3: mremap((void*)addr(), len(), len(), rnd() % 3, (void*)(addr() & ~0xfffUL)); break;
    case 4: madvise((void*)addr(), len(), rnd() % 2 ? MADV_DONTNEED : MADV_WILLNEED); break;
    case 5: { /* touch via the kernel: read() into the region (EFAULT allowed) */
      lseek(fd, 0, SEEK_SET); read(fd, (void*)addr(), rnd() % 20000); break; }
    case 6: write(fd, (void*)addr(), rnd() % 20000); break;
    case 7: msync((void*)(addr() & ~0xfffUL), len(), MS_SYNC); break;
    }
  }
  /* the kernel must still serve a clean mapping afterwards */
  munmap((void*)BASE, SPAN * 2);
  char *m = mmap(0, 1 << 20, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
  memset(m, 7, 1 << 20);
  unlink("/mmfuzz.dat");
  printf("mmfuzz survived %d %d\n", n, m[12345]);
  return 0;
}
