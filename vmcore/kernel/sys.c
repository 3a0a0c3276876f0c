/* Identity, time, limits, and the other small system calls of a
 * single-threaded static program. */
#include <vmcore/ktime.h>
#include <vmcore/cred.h>
#include <vmcore/ptrace.h>
#include <vmcore/seccomp.h>
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <vmcore/uts.h>
#include <linux/reboot.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <asm/prctl.h>

char hostname[UTS_LEN + 1] = "vmcore";
char domainname[UTS_LEN + 1] = "(none)";

SYSCALL_DEFINE(uname)
{
	struct utsname u;
	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, "Linux");
	strcpy(u.nodename, hostname);
	strcpy(u.release, VMCORE_VERSION);
	snprintf(u.version, sizeof(u.version), "#1 SMP vmcore %s", VMCORE_RELEASE);
	strcpy(u.machine, "x86_64");
	strcpy(u.domainname, domainname);
	return copy_to_user(t->mm, a->a[0], &u, sizeof(u));
}

SYSCALL_DEFINE(sethostname)
{
	if (!capable(t, CAP_SYS_ADMIN))
		return -EPERM; /* as setdomainname (uts.c) */
	if (a->a[1] > 64)
		return -EINVAL;
	char buf[65] = { 0 };
	if (copy_from_user(t->mm, buf, a->a[0], a->a[1]) < 0)
		return -EFAULT;
	memcpy(hostname, buf, sizeof(buf));
	return 0;
}

SYSCALL_DEFINE(getpid) { return t->tgid; }
SYSCALL_DEFINE(gettid) { return t->tid; }
SYSCALL_DEFINE(getppid) { return t->parent ? t->parent->tgid : 0; }
SYSCALL_DEFINE(getuid) { return t->uid; }
SYSCALL_DEFINE(geteuid) { return t->euid; }
SYSCALL_DEFINE(getgid) { return t->gid; }
SYSCALL_DEFINE(getegid) { return t->egid; }
SYSCALL_DEFINE(getpgrp) { return t->pgid; }

SYSCALL_DEFINE(getpgid)
{
	struct task *p = a->a[0] ? task_find(a->a[0]) : t;
	return p && p->state != TASK_DEAD ? p->pgid : -ESRCH;
}

SYSCALL_DEFINE(getsid)
{
	struct task *p = a->a[0] ? task_find(a->a[0]) : t;
	return p && p->state != TASK_DEAD ? p->sid : -ESRCH;
}

SYSCALL_DEFINE(getresuid)
{
	if (copy_to_user(t->mm, a->a[0], &t->uid, 4) || copy_to_user(t->mm, a->a[1], &t->euid, 4) ||
	    copy_to_user(t->mm, a->a[2], &t->suid, 4))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(getresgid)
{
	if (copy_to_user(t->mm, a->a[0], &t->gid, 4) || copy_to_user(t->mm, a->a[1], &t->egid, 4) ||
	    copy_to_user(t->mm, a->a[2], &t->sgid, 4))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(arch_prctl)
{
	struct user_regs_struct *r = &t->ht.regs;
	switch (a->a[0]) {
	case ARCH_SET_FS:
		if (a->a[1] >= TASK_SIZE)
			return -EPERM;
		r->fs_base = a->a[1];
		t->ht.regs_dirty = true;
		return 0;
	case ARCH_SET_GS:
		if (a->a[1] >= TASK_SIZE)
			return -EPERM;
		r->gs_base = a->a[1];
		t->ht.regs_dirty = true;
		return 0;
	case ARCH_GET_FS:
		return copy_to_user(t->mm, a->a[1], &r->fs_base, 8);
	case ARCH_GET_GS:
		return copy_to_user(t->mm, a->a[1], &r->gs_base, 8);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE(set_tid_address)
{
	t->clear_child_tid = a->a[0];
	return t->tid;
}

SYSCALL_DEFINE(set_robust_list)
{
	if (a->a[1] != 24)
		return -EINVAL;
	t->robust_list = a->a[0];
	return 0;
}

static bool clock_ok(clockid_t c)
{
	switch (c) {
	case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID: case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM: case CLOCK_TAI:
		return true;
	}
	return false;
}

/* A CPU clock id of another thread or process (clock_getcpuclockid,
 * pthread_getcpuclockid: Linux's encoding, ~pid << 3 | thread bit 4 |
 * PROF 0 / VIRT 1 / SCHED 2): its run time in *ns, or -EINVAL.  The three
 * kinds read the same figure, the host thread's run time. */
static int cpu_clock_ns(clockid_t c, u64 *ns)
{
	int pid = ~(c >> 3);
	bool thread = c & 4;
	if ((c & 3) == 3)
		return -EINVAL;
	struct task *cur = current;
	struct task *p = pid ? task_find(pid) : cur;
	if (!p || p->state != TASK_RUNNING)
		return -EINVAL;
	if (thread ? p->tgid != cur->tgid : p->tgid != pid && pid)
		return -EINVAL; /* a thread of another process, or not a process id */
	*ns = 0;
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (thread ? q == p : q->tgid == p->tgid && q->state == TASK_RUNNING)
			*ns += task_cpu_ns(q);
	return 0;
}

static int guest_clock(clockid_t c, struct timespec *ts)
{
	if (c < 0) {
		u64 ns;
		int r = cpu_clock_ns(c, &ns);
		if (r < 0)
			return r;
		ts->tv_sec = ns / 1000000000;
		ts->tv_nsec = ns % 1000000000;
		return 0;
	}
	if (!clock_ok(c))
		return -EINVAL;
	if (c == CLOCK_PROCESS_CPUTIME_ID || c == CLOCK_THREAD_CPUTIME_ID) {
		/* the run time of the task's host thread(s) */
		u64 ns = 0;
		for (struct task *q = all_tasks; q; q = q->next_task)
			if (c == CLOCK_THREAD_CPUTIME_ID ? q == current :
			    q->tgid == current->tgid && q->state == TASK_RUNNING)
				ns += task_cpu_ns(q);
		ts->tv_sec = ns / 1000000000;
		ts->tv_nsec = ns % 1000000000;
		return 0;
	}
	return guest_clock_now(c, ts);
}

SYSCALL_DEFINE(clock_gettime)
{
	struct timespec ts;
	int r = guest_clock(a->a[0], &ts);
	if (r < 0)
		return r;
	return copy_to_user(t->mm, a->a[1], &ts, sizeof(ts));
}

SYSCALL_DEFINE(clock_getres)
{
	struct timespec ts = { 0, 1 };
	u64 ns;
	if ((clockid_t)a->a[0] < 0 ? cpu_clock_ns(a->a[0], &ns) < 0 : !clock_ok(a->a[0]))
		return -EINVAL;
	if (a->a[0] == CLOCK_REALTIME_COARSE || a->a[0] == CLOCK_MONOTONIC_COARSE)
		ts.tv_nsec = 4000000;
	return a->a[1] ? copy_to_user(t->mm, a->a[1], &ts, sizeof(ts)) : 0;
}

SYSCALL_DEFINE(gettimeofday)
{
	struct timespec now;
	guest_realtime(&now);
	struct timeval tv = { now.tv_sec, now.tv_nsec / 1000 };
	if (a->a[0] && copy_to_user(t->mm, a->a[0], &tv, sizeof(tv)) < 0)
		return -EFAULT;
	if (a->a[1]) {
		int tz[2] = { 0, 0 };
		if (copy_to_user(t->mm, a->a[1], tz, sizeof(tz)) < 0)
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE(time)
{
	struct timespec ts;
	guest_realtime(&ts);
	s64 now = ts.tv_sec;
	if (a->a[0] && copy_to_user(t->mm, a->a[0], &now, 8) < 0)
		return -EFAULT;
	return now;
}

/* Sleep until abs (CLOCK_MONOTONIC), interruptibly.  Interrupted, a
 * relative sleep stores what is left in *urem and goes on through
 * restart_syscall(2) if no handler runs (-ERESTART_RESTARTBLOCK: a
 * job-control stop or a debugger's stop does not cut it short, as on
 * Linux); an absolute one restarts as it was (-ERESTARTNOHAND). */
static long sleep_until(struct task *t, const struct timespec *abs, u64 urem, bool relative);

static long sleep_restart(struct task *t)
{
	struct timespec abs = t->restart.deadline;
	return sleep_until(t, &abs, t->restart.urem, true);
}

static long sleep_until(struct task *t, const struct timespec *abs, u64 urem, bool relative)
{
	for (;;) {
		int r = wait_interruptible(t, &t->sleep_cond, abs);
		if (r == -ETIMEDOUT)
			return 0;
		if (r == 0)
			continue;
		if (!relative)
			return -ERESTARTNOHAND;
		if (urem) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			struct timespec rem = ktime_to_ts(ts_sub_ktime(abs, &now));
			if (copy_to_user(t->mm, urem, &rem, sizeof(rem)) < 0)
				return -EFAULT;
		}
		t->restart.fn = sleep_restart;
		t->restart.deadline = *abs;
		t->restart.urem = urem;
		return -ERESTART_RESTARTBLOCK;
	}
}

static long do_sleep(struct task *t, clockid_t clock, int flags, const struct timespec *req, u64 urem)
{
	struct timespec now, abs;
	guest_clock_now(clock, &now);
	if (flags & TIMER_ABSTIME) {
		/* convert the deadline on its clock to the monotonic one */
		s64 ns = ts_sub_ktime(req, &now);
		if (ns <= 0)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		abs = ts_add_ktime(now, ns);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &now);
		abs = ts_add_ktime(now, ts_to_ktime(req));
	}
	return sleep_until(t, &abs, urem, !(flags & TIMER_ABSTIME));
}

SYSCALL_DEFINE(restart_syscall)
{
	long (*fn)(struct task *) = t->restart.fn;
	t->restart.fn = NULL;
	return fn ? fn(t) : -EINTR;
}

static long get_ts(struct task *t, u64 u, struct timespec *ts)
{
	if (copy_from_user(t->mm, ts, u, sizeof(*ts)) < 0)
		return -EFAULT;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE(nanosleep)
{
	struct timespec ts;
	long r = get_ts(t, a->a[0], &ts);
	return r < 0 ? r : do_sleep(t, CLOCK_MONOTONIC, 0, &ts, a->a[1]);
}

SYSCALL_DEFINE(clock_nanosleep)
{
	struct timespec ts;
	clockid_t c = a->a[0];
	if (c == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	if (!clock_ok(c))
		return -EINVAL;
	if (c == CLOCK_PROCESS_CPUTIME_ID)
		return -EOPNOTSUPP;
	if (a->a[1] & ~TIMER_ABSTIME)
		return -EINVAL;
	long r = get_ts(t, a->a[2], &ts);
	if (c == CLOCK_REALTIME_ALARM || c == CLOCK_REALTIME_COARSE)
		c = CLOCK_REALTIME;
	if (c == CLOCK_MONOTONIC_COARSE || c == CLOCK_MONOTONIC_RAW)
		c = CLOCK_MONOTONIC;
	if (c == CLOCK_BOOTTIME_ALARM)
		c = CLOCK_BOOTTIME;
	return r < 0 ? r : do_sleep(t, c, a->a[1], &ts, a->a[3]);
}

SYSCALL_DEFINE(getrandom)
{
	if (a->a[2] & ~(GRND_NONBLOCK | GRND_RANDOM | 4 /* GRND_INSECURE */))
		return -EINVAL;
	size_t len = MIN(a->a[1], (u64)33554431);
	u8 buf[4096];
	size_t done = 0;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(buf));
		ssize_t r = getrandom(buf, n, 0);
		if (r <= 0)
			return done ? (long)done : -EAGAIN;
		if (copy_to_user(t->mm, a->a[0] + done, buf, r) < 0)
			return done ? (long)done : -EFAULT;
		done += r;
	}
	return done;
}

/* Limits belong to the process (Linux keeps them in the signal struct):
 * a change reaches every thread of it.  Another process's limits may be
 * read or changed by root or by a process of the same real, effective and
 * saved ids, as prlimit(2) says. */
SYSCALL_DEFINE(prlimit64)
{
	unsigned res = a->a[1];
	struct task *p = t;
	if (a->a[0] && a->a[0] != (u64)t->tgid) {
		p = task_find(a->a[0]);
		if (!p || p->tgid != (int)a->a[0] || p->state != TASK_RUNNING)
			return -ESRCH;
		if (!capable(t, CAP_SYS_RESOURCE) && (p->uid != t->uid || p->euid != t->uid || p->suid != t->uid ||
				     p->gid != t->gid || p->egid != t->gid || p->sgid != t->gid))
			return -EPERM;
	}
	if (res >= 16)
		return -EINVAL;
	u64 old[2] = { p->rlimits[res][0], p->rlimits[res][1] };
	if (a->a[2]) {
		u64 n[2];
		if (copy_from_user(t->mm, n, a->a[2], sizeof(n)) < 0)
			return -EFAULT;
		if (n[0] > n[1])
			return -EINVAL;
		if (res == RLIMIT_NOFILE && n[1] > NR_OPEN_MAX)
			return -EPERM;
		/* raising a hard limit needs CAP_SYS_RESOURCE */
		if (n[1] > p->rlimits[res][1] && !capable(t, CAP_SYS_RESOURCE))
			return -EPERM;
		for (struct task *q = all_tasks; q; q = q->next_task)
			if (q->tgid == p->tgid) {
				q->rlimits[res][0] = n[0];
				q->rlimits[res][1] = n[1];
			}
	}
	if (a->a[3] && copy_to_user(t->mm, a->a[3], old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(getrlimit)
{
	if (a->a[0] >= 16)
		return -EINVAL;
	return copy_to_user(t->mm, a->a[1], t->rlimits[a->a[0]], 16);
}

SYSCALL_DEFINE(setrlimit)
{
	struct syscall_args b = { 302, { 0, a->a[0], a->a[1], 0, 0, 0 } };
	return sys_prlimit64(t, &b);
}

SYSCALL_DEFINE(sysinfo)
{
	struct sysinfo si;
	memset(&si, 0, sizeof(si));
	si.uptime = ktime_ns() / 1000000000;
	si.totalram = physmem_frames * PAGE_SIZE;
	si.freeram = frames_free() * PAGE_SIZE;
	si.procs = 1;
	si.mem_unit = 1;
	return copy_to_user(t->mm, a->a[0], &si, sizeof(si));
}

SYSCALL_DEFINE(rt_sigaction)
{
	int sig = a->a[0];
	if (a->a[3] != 8)
		return -EINVAL;
	if (sig < 1 || sig > _NSIG_LINUX)
		return -EINVAL;
	struct k_sigaction old = t->sighand->action[sig - 1];
	if (a->a[1]) {
		struct k_sigaction n;
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (copy_from_user(t->mm, &n, a->a[1], sizeof(n)) < 0)
			return -EFAULT;
		n.mask &= ~((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1)));
		t->sighand->action[sig - 1] = n;
	}
	if (a->a[2] && copy_to_user(t->mm, a->a[2], &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(rt_sigprocmask)
{
	u64 old = t->sigmask;
	if (a->a[3] != 8)
		return -EINVAL;
	if (a->a[1]) {
		u64 set;
		if (copy_from_user(t->mm, &set, a->a[1], 8) < 0)
			return -EFAULT;
		set &= ~((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1)));
		switch (a->a[0]) {
		case SIG_BLOCK: t->sigmask |= set; break;
		case SIG_UNBLOCK: t->sigmask &= ~set; break;
		case SIG_SETMASK: t->sigmask = set; break;
		default: return -EINVAL;
		}
	}
	if (a->a[2] && copy_to_user(t->mm, a->a[2], &old, 8) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(sched_yield)
{
	return 0;
}

SYSCALL_DEFINE(getcpu)
{
	unsigned cpu = t->cpu, node = 0;
	if (a->a[0] && copy_to_user(t->mm, a->a[0], &cpu, 4) < 0)
		return -EFAULT;
	if (a->a[1] && copy_to_user(t->mm, a->a[1], &node, 4) < 0)
		return -EFAULT;
	return 0;
}

/* personality(2): the persona is kept and inherited; of its flags,
 * ADDR_NO_RANDOMIZE acts (exec lays the new image out without
 * randomization, as gdb and setarch -R ask).  0xffffffff only asks. */
SYSCALL_DEFINE(personality)
{
	u32 old = t->personality, v = (u32)a->a[0];
	if (v != 0xffffffffu)
		t->personality = v;
	return old;
}

SYSCALL_DEFINE(prctl)
{
	switch (a->a[0]) {
	case PR_SET_NAME: {
		char buf[TASK_COMM_LEN];
		long n = strncpy_from_user(t->mm, buf, a->a[1], sizeof(buf));
		if (n == -EFAULT)
			return -EFAULT;
		if (n < 0) {
			if (copy_from_user(t->mm, buf, a->a[1], sizeof(buf) - 1) < 0)
				return -EFAULT;
			buf[sizeof(buf) - 1] = 0;
		}
		memcpy(t->comm, buf, sizeof(buf));
		task_name_thread(t);
		return 0;
	}
	case PR_GET_NAME:
		return copy_to_user(t->mm, a->a[1], t->comm, sizeof(t->comm));
	case PR_SET_PDEATHSIG:
		if (a->a[1] > _NSIG_LINUX)
			return -EINVAL;
		t->pdeath_signal = a->a[1];
		return 0;
	case PR_GET_PDEATHSIG:
		return copy_to_user(t->mm, a->a[1], &t->pdeath_signal, sizeof(int));
	case PR_GET_DUMPABLE:
		return t->mm && t->mm->nondumpable ? SUID_DUMP_DISABLE : SUID_DUMP_USER;
	case PR_SET_DUMPABLE:
		if (a->a[1] != SUID_DUMP_DISABLE && a->a[1] != SUID_DUMP_USER)
			return -EINVAL;
		if (t->mm)
			t->mm->nondumpable = a->a[1] == SUID_DUMP_DISABLE;
		return 0;
	case PR_GET_SECCOMP:
		return seccomp_prctl_get(t);
	case PR_SET_SECCOMP:
		return seccomp_prctl_set(t, a->a[1], a->a[2]);
	case 0x59616d61: /* PR_SET_PTRACER (Yama) */
		return yama_set_ptracer(t, a->a[1]);
	default: {
		/* capabilities, securebits, no_new_privs (capability.c) */
		long r = cap_prctl(t, a->a[0], a->a[1], a->a[2], a->a[3], a->a[4]);
		return r == -ENOSYS ? -EINVAL : r;
	}
	}
}

SYSCALL_DEFINE(exit)
{
	task_exit(t, (a->a[0] & 0xff) << 8);
}

SYSCALL_DEFINE(exit_group)
{
	do_group_exit(t, (a->a[0] & 0xff) << 8);
}

/* reboot(2)'s Ctrl-Alt-Del setting (Linux's C_A_D): on, the key restarts
 * the machine at once; off, init gets SIGINT and decides.  On at boot, as
 * in Linux; busybox init and systemd turn it off. */
static bool cad_reboot = true;

_Noreturn void kernel_restart(void)
{
	sync_all_mms();
	pr_notice("reboot: Restarting system\n");
	machine_halt(0, true);
}

_Noreturn void kernel_halt(bool power_off)
{
	sync_all_mms();
	pr_notice(power_off ? "reboot: Power down\n" : "reboot: System halted\n");
	machine_halt(0, false);
}

bool ctrl_alt_del(void)
{
	if (cad_reboot)
		kernel_restart();
	struct task *init = task_find(1);
	if (!init)
		return false;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGINT;
	si.si_code = SI_KERNEL;
	return send_signal_process(init, SIGINT, &si) == 0;
}

SYSCALL_DEFINE(reboot)
{
	if (a->a[0] != LINUX_REBOOT_MAGIC1 ||
	    (a->a[1] != LINUX_REBOOT_MAGIC2 && a->a[1] != LINUX_REBOOT_MAGIC2A &&
	     a->a[1] != LINUX_REBOOT_MAGIC2B && a->a[1] != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	if (!capable(t, CAP_SYS_BOOT))
		return -EPERM;
	switch ((unsigned)a->a[2]) {
	case LINUX_REBOOT_CMD_POWER_OFF:
		kernel_halt(true);
	case LINUX_REBOOT_CMD_HALT:
		kernel_halt(false);
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_RESTART2:
		kernel_restart();
	case LINUX_REBOOT_CMD_CAD_ON:
		cad_reboot = true;
		return 0;
	case LINUX_REBOOT_CMD_CAD_OFF:
		cad_reboot = false;
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE(syslog)
{
	int type = a->a[0];
	s64 len = a->a[2];
	switch (type) {
	case 0: case 1: /* close, open */
		return 0;
	case 2: case 3: case 4: { /* read, read all, read and clear */
		if (len < 0 || (len && !a->a[1]))
			return -EINVAL;
		char *buf = malloc(MIN((size_t)len, log_size()) + 1);
		if (!buf)
			return -ENOMEM;
		size_t n = log_read_all(buf, MIN((size_t)len, log_size()));
		long r = copy_to_user(t->mm, a->a[1], buf, n) < 0 ? -EFAULT : (long)n;
		free(buf);
		if (type == 4 && r >= 0)
			log_clear();
		return r;
	}
	case 5:
		log_clear();
		return 0;
	case 6: case 7: case 8:
		return 0;
	case 9:
		return log_size();
	case 10:
		return 128 * 1024;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE(getrusage)
{
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	int who = a->a[0];
	u64 ns;
	switch (who) {
	case RUSAGE_SELF:
	case RUSAGE_THREAD:
		ns = 0;
		for (struct task *q = all_tasks; q; q = q->next_task)
			if (who == RUSAGE_SELF ? q->tgid == t->tgid && q->state == TASK_RUNNING : q == t)
				ns += task_cpu_ns(q);
		ru.ru_maxrss = t->mm ? t->mm->rss * 4 : 0;
		ru.ru_minflt = t->mm ? t->mm->nfaults : 0;
		break;
	case RUSAGE_CHILDREN:
		ns = t->cutime_ns;
		break;
	default:
		return -EINVAL;
	}
	ru.ru_utime.tv_sec = ns / 1000000000ULL;
	ru.ru_utime.tv_usec = ns % 1000000000ULL / 1000;
	return copy_to_user(t->mm, a->a[1], &ru, sizeof(ru));
}

SYSCALL_DEFINE(times)
{
	struct { s64 utime, stime, cutime, cstime; } tm = { 0, 0, 0, 0 };
	u64 ns = 0;
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q->tgid == t->tgid && q->state == TASK_RUNNING)
			ns += task_cpu_ns(q);
	tm.utime = ns / 10000000ULL;
	tm.cutime = t->cutime_ns / 10000000ULL;
	if (a->a[0] && copy_to_user(t->mm, a->a[0], &tm, sizeof(tm)) < 0)
		return -EFAULT;
	return ktime_ns() / 10000000ULL;
}
