/* The gdbstub's target: debugged processes and their tasks, as the kernel
 * sees them.
 *
 * A debugged task stops in its own task thread ("parks"), with the BKL
 * released, whenever it has something for the debugger or the stub asks
 * every task to stop; the stub thread (server.c) reads and changes it while
 * it is parked, and lets it go.  The parts of a task that only its tracer
 * can reach (FPU state) are fetched by the parked thread on request.
 *
 * Breakpoints are int3 bytes written with mm_poke: into a private copy of
 * the page in that address space only.  Hardware breakpoints and
 * watchpoints are the host debug registers of each guest thread, which its
 * task thread loads before the thread runs. */
#include "target.h"
#include <vmcore/signal.h>
#include <vmcore/trace.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool gdb_active;
bool gdb_wait_at_start;
bool kd_fork_events, kd_exec_events;
struct kd_proc *kd_procs;
pthread_cond_t kd_cond = PTHREAD_COND_INITIALIZER;
int kd_notify_fd[2] = { -1, -1 };

#define KD_EXITS 64
static struct kd_event exits[KD_EXITS];
static int nexits;

enum { REQ_NONE, REQ_GETX, REQ_SETX };

static void notify(void)
{
	pthread_cond_broadcast(&kd_cond);
	if (kd_notify_fd[1] >= 0) {
		char c = 1;
		if (write(kd_notify_fd[1], &c, 1) < 0) {
			/* full: the stub has a wake-up pending already */
		}
	}
}

struct kd_proc *kd_proc_find(int pid)
{
	for (struct kd_proc *p = kd_procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static struct kd_proc *proc_new(int pid)
{
	struct kd_proc *p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->next = kd_procs;
	kd_procs = p;
	return p;
}

static void proc_free(struct kd_proc *p)
{
	for (struct kd_proc **pp = &kd_procs; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	free(p);
}

static struct gdb_task *gtask_new(void)
{
	struct gdb_task *g = kzalloc(sizeof(*g));
	if (g)
		pthread_cond_init(&g->cond, NULL);
	return g;
}

static void gtask_free(struct task *t)
{
	struct gdb_task *g = t->gdb;
	if (!g)
		return;
	t->gdb = NULL;
	if (g->dr_gen && t->ht.tid)
		host_set_debugreg(&t->ht, 7, 0);
	pthread_cond_destroy(&g->cond);
	free(g);
}

/* The debugger's: it has gdb state and is not on its way out of it (a
 * detached task frees its state when it next runs; until then the stub
 * must not list it, report for it or wait for it). */
static bool debugged(const struct task *t)
{
	return t->gdb && !t->gdb->detach;
}

bool gdb_stop_wanted(struct task *t)
{
	return t->gdb && (t->gdb->stop_req || t->gdb->detach);
}

/* ---- the task's side ---- */

static void serve(struct task *t, struct gdb_task *g)
{
	if (g->req == REQ_GETX)
		g->req_ret = host_get_fpregs(&t->ht, g->req_buf, g->req_len);
	else if (g->req == REQ_SETX)
		g->req_ret = host_set_fpregs(&t->ht, g->req_buf, g->req_len);
	else
		g->req_ret = -EINVAL;
	g->req = REQ_NONE;
	pthread_cond_broadcast(&kd_cond);
}

/* Stop here until the stub lets us go (or SIGKILL comes); ev, if any, is
 * what we stopped for.  t->gdb may be gone afterwards (detached). */
static void park(struct task *t, const struct kd_event *ev)
{
	struct gdb_task *g = t->gdb;
	if (t->mm && t->mm->as.ops_n && t->ht.tid)
		host_flush(&t->ht); /* nothing queued may wait while we are stopped */
	if (ev) {
		g->ev = *ev;
		g->ev.pid = t->tgid;
		g->ev.tid = t->tid;
		g->has_event = true;
	}
	g->xs_len = t->ht.tid ? host_get_fpregs(&t->ht, g->xs, sizeof(g->xs)) : -ESRCH;
	g->parked = true;
	g->resume = false;
	notify();
	for (;;) {
		if (g->req) {
			serve(t, g);
			continue;
		}
		if (g->resume || g->detach || (t->pending & sigmask_of(SIGKILL)))
			break;
		bkl_wait(&g->cond);
	}
	g->parked = false;
	g->has_event = false;
	if (g->detach)
		gtask_free(t);
}

static void apply_debugregs(struct task *t, struct gdb_task *g)
{
	struct kd_proc *p = kd_proc_find(t->tgid);
	u64 gen = p ? p->dr_gen : 0;
	if (g->dr_gen == gen)
		return;
	host_set_debugreg(&t->ht, 7, 0);
	if (p) {
		for (int i = 0; i < 4; i++)
			host_set_debugreg(&t->ht, i, p->dr[i]);
		host_set_debugreg(&t->ht, 7, p->dr7);
	}
	g->dr_gen = gen;
}

/* A signal the debugger gave with its resume: delivered without being
 * reported again. */
static void resume_signal(struct task *t)
{
	struct gdb_task *g = t->gdb;
	if (!g || !g->resume_sig)
		return;
	int sig = g->resume_sig;
	g->resume_sig = 0;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_USER;
	g->pass_sig = sig; /* gdb_signal lets it through */
	send_signal_force(t, sig, &si);
	do_signal(t);
}

void gdb_park_if_wanted(struct task *t)
{
	struct gdb_task *g;
	while ((g = t->gdb) && g->stop_req && !(t->pending & sigmask_of(SIGKILL))) {
		struct kd_event e = { .kind = KD_STOPPED, .sig = SIGSTOP };
		park(t, &e);
		resume_signal(t);
	}
}

void gdb_before_run(struct task *t)
{
	struct gdb_task *g = t->gdb;
	if (!g)
		return;
	if (g->detach) {
		gtask_free(t);
		t->ht.step = false;
		return;
	}
	if (g->pending.kind) {
		struct kd_event e = g->pending;
		g->pending.kind = KD_NONE;
		park(t, &e);
		resume_signal(t);
	}
	gdb_park_if_wanted(t);
	if (!(g = t->gdb)) {
		t->ht.step = false;
		return;
	}
	if (g->resume) {
		g->resume = false;
		g->stepping = g->step;
		g->step = false;
	}
	apply_debugregs(t, g);
	t->ht.step = g->stepping;
}

static bool bp_at(struct kd_proc *p, u64 addr)
{
	for (int i = 0; p && i < p->nbp; i++)
		if (p->bp[i].addr == addr)
			return true;
	return false;
}

bool gdb_trap(struct task *t, const struct host_event *ev)
{
	struct gdb_task *g = t->gdb;
	if (!g || ev->sig != SIGTRAP)
		return false;
	struct kd_proc *p = kd_proc_find(t->tgid);
	struct kd_event e = { .kind = KD_NONE, .sig = SIGTRAP };
	u64 dr6 = host_get_debugreg(&t->ht, 6);
	if (dr6 & 0xf) {
		host_set_debugreg(&t->ht, 6, 0);
		int i = __builtin_ctzll(dr6 & 0xf);
		int rw = p ? (p->dr7 >> (16 + 4 * i)) & 3 : 0;
		e.kind = rw == 0 ? KD_HWBREAK : rw == 1 ? KD_WATCH : KD_AWATCH;
		e.addr = p ? p->dr[i] : 0;
	} else if (ev->si_code == SI_KERNEL && bp_at(p, t->ht.regs.rip - 1)) {
		t->ht.regs.rip--;
		t->ht.regs_dirty = true;
		e.kind = KD_SWBREAK;
	} else if (g->stepping) {
		if (dr6)
			host_set_debugreg(&t->ht, 6, 0);
		e.kind = KD_STEP;
	} else {
		return false; /* the program's own int3: a SIGTRAP for it */
	}
	g->stepping = false;
	park(t, &e);
	resume_signal(t);
	return true;
}

int gdb_signal(struct task *t, int sig, siginfo_t *info)
{
	struct gdb_task *g = t->gdb;
	if (!g || sig == SIGKILL)
		return sig;
	if (g->pass_sig == sig) {
		g->pass_sig = 0;
		return sig;
	}
	struct kd_event e = { .kind = KD_SIGNAL, .sig = sig };
	g->stepping = false;
	park(t, &e);
	if (!(g = t->gdb))
		return sig; /* detached: as if no debugger had been there */
	int r = g->resume_sig;
	g->resume_sig = 0;
	if (r && r != sig) {
		memset(info, 0, sizeof(*info));
		info->si_signo = r;
		info->si_code = SI_USER;
	}
	return r;
}

void gdb_syscall(struct task *t, bool entry)
{
	struct gdb_task *g = t->gdb;
	if (!g)
		return;
	struct kd_proc *p = kd_proc_find(t->tgid);
	u64 nr = t->ht.regs.orig_rax;
	if (p && p->catch_syscalls && (p->catch_any || (nr < NR_SYSCALLS && p->catch_nr[nr]))) {
		struct kd_event e = { .kind = entry ? KD_SYSCALL_ENTRY : KD_SYSCALL_RETURN, .sig = SIGTRAP,
				      .sysno = (int)nr };
		park(t, &e);
		resume_signal(t);
		if (!(g = t->gdb))
			return;
	}
	if (!entry && g->stepping) {
		/* a step over a system call ends when it returns */
		g->stepping = false;
		if (!g->pending.kind)
			g->pending = (struct kd_event){ .kind = KD_STEP, .sig = SIGTRAP };
	}
}

/* A child that the debugger will not see keeps none of its parent's
 * breakpoints. */
static void drop_breakpoints(struct mm *mm, struct kd_proc *p)
{
	for (int i = 0; i < p->nbp; i++)
		mm_poke(mm, p->bp[i].addr, &p->bp[i].orig, 1);
}

void gdb_fork(struct task *parent, struct task *child, bool thread, bool vfork)
{
	struct gdb_task *pg = parent->gdb;
	if (!pg)
		return;
	struct kd_proc *pp = kd_proc_find(parent->tgid);
	if (thread) {
		child->gdb = gtask_new();
		return;
	}
	if (!kd_fork_events || !pp) {
		if (pp && !vfork)
			drop_breakpoints(child->mm, pp);
		return;
	}
	struct kd_proc *cp = proc_new(child->tgid);
	if (!cp || !(child->gdb = gtask_new())) {
		if (cp)
			proc_free(cp);
		if (pp && !vfork)
			drop_breakpoints(child->mm, pp);
		return;
	}
	cp->nbp = pp->nbp;
	memcpy(cp->bp, pp->bp, sizeof(cp->bp[0]) * pp->nbp);
	child->gdb->stop_req = true; /* it waits for the debugger */
	struct kd_event e = { .kind = vfork ? KD_VFORK : KD_FORK, .sig = SIGTRAP, .child = child->tid };
	park(parent, &e);
	resume_signal(parent);
}

void gdb_vfork_done(struct task *t)
{
	if (t->gdb && kd_fork_events)
		t->gdb->pending = (struct kd_event){ .kind = KD_VFORK_DONE, .sig = SIGTRAP };
}

void gdb_exec(struct task *t)
{
	struct gdb_task *g = t->gdb;
	struct kd_proc *p = kd_proc_find(t->tgid);
	if (!g || !p)
		return;
	/* a new address space: no breakpoints, no debug registers */
	p->nbp = 0;
	memset(p->dr, 0, sizeof(p->dr));
	p->dr7 = 0;
	p->dr_gen++;
	g->stepping = false;
	if (kd_exec_events)
		g->pending = (struct kd_event){ .kind = KD_EXEC, .sig = SIGTRAP };
}

void gdb_exit(struct task *t, int status)
{
	if (!t->gdb)
		return;
	gtask_free(t);
	if (status < 0)
		return; /* a thread: the process goes on */
	struct kd_proc *p = kd_proc_find(t->tgid);
	if (!p)
		return;
	proc_free(p);
	if (nexits < KD_EXITS)
		exits[nexits++] = (struct kd_event){ .kind = KD_EXITED, .pid = t->tgid, .tid = t->tid,
						     .status = status };
	notify();
}

bool kd_init_loaded;

void gdb_attach_init(struct task *t)
{
	/* a client that came before init's program was loaded waits for this */
	kd_init_loaded = true;
	pthread_cond_broadcast(&kd_cond);
	if ((!kd_proc_find(t->tgid) && !proc_new(t->tgid)) || !(t->gdb = gtask_new()))
		return;
	t->gdb->stop_req = true;
	gdb_active = true;
}

/* ---- the stub's side ---- */

static void wake_task(struct task *t)
{
	if (t->waiting_on)
		pthread_cond_broadcast(t->waiting_on);
	pthread_cond_broadcast(&t->sleep_cond);
	if (t->in_user)
		host_kick(&t->ht);
}

static bool live(struct task *t)
{
	return t->state == TASK_RUNNING && !t->exiting;
}

int kd_spawn(char *const argv[])
{
	static char *const envp[] = { "HOME=/", "TERM=linux", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL };
	return task_spawn(argv, envp, true);
}

int kd_attach(int pid)
{
	if (kd_proc_find(pid))
		return -EPERM;
	bool found = false;
	for (struct task *t = all_tasks; t; t = t->next_task)
		if (t->tgid == pid && live(t) && t->mm)
			found = true;
	if (!found)
		return -ESRCH;
	for (struct task *t = all_tasks; t; t = t->next_task)
		if (t->tgid == pid && t->pt)
			return -EPERM; /* a guest tracer has it (docs/ptrace.md) */
	if (!proc_new(pid))
		return -ENOMEM;
	gdb_active = true;
	for (struct task *t = all_tasks; t; t = t->next_task) {
		if (t->tgid != pid || !live(t))
			continue;
		if (t->gdb && t->gdb->detach) {
			/* detached but not yet gone from the debugger: it stays */
			t->gdb->detach = false;
			t->gdb->stop_req = true;
			wake_task(t);
			continue;
		}
		if (t->gdb)
			continue;
		if (!(t->gdb = gtask_new()))
			continue;
		t->gdb->stop_req = true;
		wake_task(t);
	}
	kd_stop_all();
	return 0;
}

void kd_detach(int pid)
{
	struct kd_proc *p = kd_proc_find(pid);
	for (struct task *t = all_tasks; t; t = t->next_task) {
		if (t->tgid != pid || !t->gdb)
			continue;
		if (p && t->mm) {
			drop_breakpoints(t->mm, p);
			p->nbp = 0;
		}
		struct gdb_task *g = t->gdb;
		g->detach = true;
		g->stop_req = false;
		pthread_cond_broadcast(&g->cond);
		wake_task(t);
	}
	if (p)
		proc_free(p);
}

int kd_kill(int pid)
{
	bool found = false;
	for (struct task *t = all_tasks; t; t = t->next_task) {
		if (t->tgid != pid || !live(t))
			continue;
		found = true;
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		si.si_signo = SIGKILL;
		si.si_code = SI_KERNEL;
		send_signal_force(t, SIGKILL, &si);
		if (t->gdb)
			pthread_cond_broadcast(&t->gdb->cond);
	}
	return found ? 0 : -ESRCH;
}

void kd_stop_all(void)
{
	for (struct task *t = all_tasks; t; t = t->next_task) {
		struct gdb_task *g = t->gdb;
		if (!debugged(t) || g->parked || !live(t))
			continue;
		g->stop_req = true;
		wake_task(t);
	}
	struct timespec abs;
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec += 2;
	for (;;) {
		bool all = true;
		for (struct task *t = all_tasks; t; t = t->next_task)
			if (debugged(t) && live(t) && !t->gdb->parked)
				all = false;
		if (all)
			break;
		if (pthread_cond_timedwait(&kd_cond, bkl_mutex(), &abs) == ETIMEDOUT)
			break; /* asleep where it cannot be woken: its saved state stands */
	}
}

struct task *kd_next_event(void)
{
	for (struct task *t = all_tasks; t; t = t->next_task)
		if (debugged(t) && t->gdb->parked && t->gdb->has_event && t->gdb->ev.kind != KD_STOPPED)
			return t;
	return NULL;
}

bool kd_take_exit(struct kd_event *ev)
{
	if (!nexits)
		return false;
	*ev = exits[0];
	memmove(exits, exits + 1, sizeof(exits[0]) * --nexits);
	return true;
}

void kd_resume(struct task *t, bool step, int sig)
{
	struct gdb_task *g = t->gdb;
	if (!debugged(t))
		return;
	g->stop_req = false;
	g->has_event = false;
	g->ev.kind = KD_NONE;
	g->step = step;
	g->resume_sig = sig;
	if (g->parked) {
		g->resume = true;
		pthread_cond_broadcast(&g->cond);
	} else {
		g->stepping = step;
	}
}

struct task *kd_task_next(struct task *prev)
{
	struct task *best = NULL;
	int after = prev ? prev->tid : 0;
	for (struct task *t = all_tasks; t; t = t->next_task)
		if (debugged(t) && live(t) && t->tid > after && (!best || t->tid < best->tid))
			best = t;
	return best;
}

static int request(struct task *t, int req, void *buf, int len)
{
	struct gdb_task *g = t->gdb;
	if (!g || !g->parked)
		return -EAGAIN;
	g->req = req;
	g->req_buf = buf;
	g->req_len = len;
	pthread_cond_broadcast(&g->cond);
	while (t->gdb == g && g->req)
		bkl_wait(&kd_cond);
	return t->gdb == g ? g->req_ret : -ESRCH;
}

int kd_get_xstate(struct task *t, void *buf, int len)
{
	struct gdb_task *g = t->gdb;
	if (g && g->parked && g->xs_len > 0 && g->xs_len <= len) {
		memcpy(buf, g->xs, g->xs_len); /* as it was when it stopped */
		return g->xs_len;
	}
	return request(t, REQ_GETX, buf, len);
}

int kd_set_xstate(struct task *t, const void *buf, int len)
{
	int r = request(t, REQ_SETX, (void *)buf, len);
	struct gdb_task *g = t->gdb;
	if (r == 0 && g && len <= (int)sizeof(g->xs)) {
		memcpy(g->xs, buf, len);
		g->xs_len = len;
	}
	return r;
}

int kd_read_mem(struct task *t, u64 addr, void *buf, size_t len)
{
	if (!t->mm || addr + len < addr)
		return -EFAULT;
	int r = mm_peek(t->mm, buf, addr, len);
	if (r < 0)
		return r;
	struct kd_proc *p = kd_proc_find(t->tgid);
	for (int i = 0; p && i < p->nbp; i++)
		if (p->bp[i].addr >= addr && p->bp[i].addr < addr + len)
			((u8 *)buf)[p->bp[i].addr - addr] = p->bp[i].orig;
	return 0;
}

int kd_write_mem(struct task *t, u64 addr, const void *buf, size_t len)
{
	if (!t->mm || addr + len < addr)
		return -EFAULT;
	struct kd_proc *p = kd_proc_find(t->tgid);
	u8 *copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	/* a write over an inserted breakpoint changes what it hides */
	for (int i = 0; p && i < p->nbp; i++)
		if (p->bp[i].addr >= addr && p->bp[i].addr < addr + len) {
			p->bp[i].orig = copy[p->bp[i].addr - addr];
			copy[p->bp[i].addr - addr] = 0xcc;
		}
	int r = mm_poke(t->mm, addr, copy, len);
	free(copy);
	return r;
}

int kd_insert_bp(struct task *t, u64 addr)
{
	struct kd_proc *p = kd_proc_find(t->tgid);
	if (!p || !t->mm)
		return -ESRCH;
	if (bp_at(p, addr))
		return 0;
	if (p->nbp == KD_MAX_BP)
		return -ENOSPC;
	u8 orig, cc = 0xcc;
	int r = mm_peek(t->mm, &orig, addr, 1);
	if (r < 0)
		return r;
	if ((r = mm_poke(t->mm, addr, &cc, 1)) < 0)
		return r;
	p->bp[p->nbp++] = (struct kd_bp){ addr, orig };
	return 0;
}

int kd_remove_bp(struct task *t, u64 addr)
{
	struct kd_proc *p = kd_proc_find(t->tgid);
	if (!p || !t->mm)
		return -ESRCH;
	for (int i = 0; i < p->nbp; i++) {
		if (p->bp[i].addr != addr)
			continue;
		int r = mm_poke(t->mm, addr, &p->bp[i].orig, 1);
		p->bp[i] = p->bp[--p->nbp];
		return r;
	}
	return 0;
}

static int dr_len_bits(int len)
{
	switch (len) {
	case 1: return 0;
	case 2: return 1;
	case 4: return 3;
	case 8: return 2;
	}
	return -1;
}

int kd_insert_hw(struct task *t, int type, u64 addr, int len)
{
	struct kd_proc *p = kd_proc_find(t->tgid);
	if (!p)
		return -ESRCH;
	int rw = type == 1 ? 0 : type == 2 ? 1 : 3;
	int lb = type == 1 ? 0 : dr_len_bits(len);
	if (lb < 0 || (type != 1 && (addr & (len - 1))) || addr >= TASK_SIZE)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		if (p->dr7 & (1ULL << (2 * i)))
			continue;
		p->dr[i] = addr;
		p->dr7 &= ~(0xfULL << (16 + 4 * i));
		p->dr7 |= (1ULL << (2 * i)) | ((u64)(rw | (lb << 2)) << (16 + 4 * i));
		p->dr_gen++;
		return 0;
	}
	return -ENOSPC;
}

int kd_remove_hw(struct task *t, int type, u64 addr, int len)
{
	struct kd_proc *p = kd_proc_find(t->tgid);
	if (!p)
		return -ESRCH;
	int rw = type == 1 ? 0 : type == 2 ? 1 : 3;
	for (int i = 0; i < 4; i++) {
		if (!(p->dr7 & (1ULL << (2 * i))) || p->dr[i] != addr || (int)((p->dr7 >> (16 + 4 * i)) & 3) != rw)
			continue;
		p->dr7 &= ~((3ULL << (2 * i)) | (0xfULL << (16 + 4 * i)));
		p->dr[i] = 0;
		p->dr_gen++;
		return 0;
	}
	return 0;
}
