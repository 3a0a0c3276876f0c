/* fuzz_syscalls: random arguments to system calls that cannot harm the
 * caller; the kernel must answer each one and keep running. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
static unsigned long rnd(void) {
  static unsigned long x = 88172645463325252UL; x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x;
}
static unsigned long arg(void) {
  switch (rnd() % 8) {
  case 0: return 0; case 1: return rnd() % 4096; case 2: return rnd();
  case 3: return 0x400000 + rnd() % 0x100000; case 4: return -(rnd() % 4096);
  case 5: return 0x7f0000000000UL + rnd() % 0x20000; case 6: return rnd() & ~0xfffUL; default: return 1;
  }
}
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 20000;
  for (int i = 0; i < n; i++) {
    long nr = rnd() % 335;
    switch (nr) {
    case SYS_exit: case SYS_exit_group: case SYS_reboot: case SYS_execve: case SYS_rt_sigreturn:
    case SYS_munmap: case SYS_mprotect: case SYS_mremap: case SYS_brk: case SYS_madvise: case SYS_mmap:
    case SYS_arch_prctl: case SYS_nanosleep: case SYS_clock_nanosleep: case SYS_read: case SYS_readv:
    case SYS_pread64: case SYS_preadv: case SYS_pause: case SYS_vfork: case SYS_fork: case SYS_clone:
    case SYS_kill: case SYS_tkill: case SYS_tgkill: case SYS_close: case SYS_dup2: case SYS_dup3:
    case SYS_select: case SYS_poll: case SYS_ppoll: case SYS_pselect6: case SYS_wait4: case SYS_rt_sigsuspend:
    case SYS_setrlimit: case SYS_prlimit64: case SYS_ptrace: case SYS_futex: case SYS_rt_sigtimedwait: case SYS_alarm:
    case SYS_setitimer: case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_msgrcv: case SYS_semop: case SYS_prctl:
    case SYS_seccomp: case SYS_accept: case SYS_recvfrom: case SYS_recvmsg: case SYS_flock: case SYS_fcntl:
    case SYS_personality: case SYS_unshare: case SYS_set_tid_address: case SYS_rt_sigprocmask: case SYS_ioctl: case SYS_write:
    case SYS_writev: case SYS_pwrite64: case SYS_pwritev: case SYS_sendfile: case SYS_ftruncate: case SYS_truncate: case SYS_rename: case SYS_unlink: case SYS_rmdir: case SYS_chdir: case SYS_fchdir: case SYS_renameat: case SYS_unlinkat: case SYS_umask: case SYS_chmod: case SYS_fchmod: case SYS_fchmodat: case SYS_creat: case SYS_open: case SYS_openat: case SYS_mkdir: case SYS_mkdirat: case SYS_symlink: case SYS_symlinkat: case SYS_link: case SYS_linkat: case SYS_mknod: case SYS_mknodat:
    /* capget writes its version back through a random header pointer, as Linux does:
       into this program's own malloc state, as it happens */
    case SYS_capget: case SYS_capset:
      continue;
    }
    syscall(nr, arg(), arg(), arg(), arg(), arg(), arg());
  }
  printf("fuzz survived %d\n", n);
  return 0;
}
