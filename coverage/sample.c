/* A sampling profile of the kernel's own threads (make PROFILE=1): every
 * thread gets a CPU-time timer of its own (CLOCK_THREAD_CPUTIME_ID, a
 * signal to that thread every 2 ms of its CPU time); the handler walks the
 * frame pointers (the profile build keeps them) and records the stack.  At
 * halt the stacks are symbolised with libdwfl and written as folded
 * stacks ("thread;caller;...;function count"), from which
 * scripts/flamegraph.py draws a flame graph.
 *
 * kprofile=FILE on the command line, or VMCORE_KPROFILE=DIR in the
 * environment (one DIR/kprofile.PID.folded per run: make profile). */
#include "coverage.h"
#include <vmcore/kernel.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#ifdef CONFIG_PROFILE
static char *profile_path;
int main(int argc, char **argv);
#define MAX_FRAMES 48
#define MAX_SAMPLES 200000
#define SAMPLE_NS 2000000

struct sample {
	u64 root;         /* the thread's start function */
	u32 n;
	u64 pc[MAX_FRAMES];
};

static struct sample *samples;
static u64 nsamples;      /* taken (may pass MAX_SAMPLES: those are lost) */
static int sample_sig;
static __thread u64 stack_lo, stack_hi, thread_root;
static __thread timer_t thread_timer;
static __thread bool have_timer;

static void on_sample(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	u64 i = __atomic_fetch_add(&nsamples, 1, __ATOMIC_RELAXED);
	if (i >= MAX_SAMPLES)
		return;
	struct sample *s = &samples[i];
	s->root = thread_root;
	s->pc[0] = uc->uc_mcontext.gregs[REG_RIP];
	u32 n = 1;
	u64 fp = uc->uc_mcontext.gregs[REG_RBP];
	/* the frame-pointer chain, within this thread's stack */
	while (n < MAX_FRAMES && fp >= stack_lo && fp + 16 <= stack_hi && !(fp & 7)) {
		u64 next = ((u64 *)fp)[0], ret = ((u64 *)fp)[1];
		if (!ret)
			break;
		s->pc[n++] = ret;
		if (next <= fp)
			break;
		fp = next;
	}
	s->n = n;
}

static void thread_sampling_start(void *root)
{
	if (!samples)
		return;
	pthread_attr_t a;
	if (pthread_getattr_np(pthread_self(), &a) == 0) {
		void *addr;
		size_t size;
		pthread_attr_getstack(&a, &addr, &size);
		stack_lo = (u64)addr;
		stack_hi = (u64)addr + size;
		pthread_attr_destroy(&a);
	}
	thread_root = (u64)root;
	struct sigevent sev = { 0 };
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = sample_sig;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_THREAD_CPUTIME_ID, &sev, &thread_timer) < 0)
		return;
	struct itimerspec its = { { 0, SAMPLE_NS }, { 0, SAMPLE_NS } };
	timer_settime(thread_timer, 0, &its, NULL);
	have_timer = true;
}

static void thread_sampling_stop(void *unused)
{
	if (have_timer) {
		timer_delete(thread_timer);
		have_timer = false;
	}
}

/* Every thread the kernel starts passes through here (--wrap). */
int __real_pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int __wrap_pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);

struct start {
	void *(*fn)(void *);
	void *arg;
};

static void *trampoline(void *p)
{
	struct start st = *(struct start *)p;
	free(p);
	void *r;
	thread_sampling_start((void *)st.fn);
	pthread_cleanup_push(thread_sampling_stop, NULL);
	r = st.fn(st.arg);
	pthread_cleanup_pop(1);
	return r;
}

int __wrap_pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	struct start *st = malloc(sizeof(*st));
	if (!st)
		return EAGAIN;
	st->fn = fn;
	st->arg = arg;
	int r = __real_pthread_create(th, attr, trampoline, st);
	if (r)
		free(st);
	return r;
}

int kprofile_start(const char *path)
{
	profile_path = strdup(path);
	samples = calloc(MAX_SAMPLES, sizeof(*samples));
	if (!samples || !profile_path)
		return -ENOMEM;
	sample_sig = SIGRTMIN + 5;
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_sample;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(sample_sig, &sa, NULL);
	thread_sampling_start((void *)main);
	return 0;
}

/* ---- folded stacks at halt ---- */

struct stack_count {
	char *key;
	u64 count;
	struct stack_count *next;
};

#define NBUCKETS 4096

static const char *symbol(Dwfl *dwfl, u64 pc, bool ret_addr)
{
	Dwarf_Addr a = ret_addr ? pc - 1 : pc;
	Dwfl_Module *m = dwfl ? dwfl_addrmodule(dwfl, a) : NULL;
	const char *name = m ? dwfl_module_addrname(m, a) : NULL;
	return name ? name : "[unknown]";
}

void kprofile_write(void)
{
	if (!profile_path || !samples)
		return;
	u64 n = MIN(__atomic_load_n(&nsamples, __ATOMIC_RELAXED), (u64)MAX_SAMPLES);
	static const Dwfl_Callbacks cb = {
		.find_elf = dwfl_linux_proc_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
	};
	Dwfl *dwfl = dwfl_begin(&cb);
	if (dwfl && (dwfl_linux_proc_report(dwfl, getpid()) != 0 || dwfl_report_end(dwfl, NULL, NULL) != 0)) {
		dwfl_end(dwfl);
		dwfl = NULL;
	}
	struct stack_count **tab = calloc(NBUCKETS, sizeof(*tab));
	char *key = malloc(MAX_FRAMES * 128 + 256);
	FILE *f = fopen(profile_path, "w");
	if (!tab || !key || !f) {
		fprintf(stderr, "vmcore: cannot write the profile %s: %s\n", profile_path, strerror(errno));
		goto out;
	}
	for (u64 i = 0; i < n; i++) {
		struct sample *s = &samples[i];
		/* outermost first; what lies above the thread's start function
		 * (libc's start_thread, our trampoline, __libc_start_main) goes */
		const char *syms[MAX_FRAMES];
		int ns = 0, from = 0;
		for (int j = (int)s->n - 1; j >= 0; j--) {
			syms[ns] = symbol(dwfl, s->pc[j], j > 0);
			if (!strcmp(syms[ns], "trampoline") || !strcmp(syms[ns], "__libc_start_call_main"))
				from = ns + 1;
			ns++;
		}
		size_t len = snprintf(key, 256, "%s", symbol(dwfl, s->root, false));
		for (int j = from; j < ns; j++) {
			if (j == from && !strcmp(syms[j], key))
				continue; /* the start function is the root already */
			len += snprintf(key + len, 128, ";%.120s", syms[j]);
		}
		u64 h = 1469598103934665603ULL;
		for (size_t k = 0; k < len; k++)
			h = (h ^ (u8)key[k]) * 1099511628211ULL;
		struct stack_count **pp = &tab[h % NBUCKETS];
		while (*pp && strcmp((*pp)->key, key))
			pp = &(*pp)->next;
		if (!*pp) {
			*pp = calloc(1, sizeof(**pp));
			if (!*pp || !((*pp)->key = strdup(key))) {
				free(*pp);
				*pp = NULL;
				continue;
			}
		}
		(*pp)->count++;
	}
	for (int b = 0; b < NBUCKETS; b++)
		for (struct stack_count *c = tab[b]; c; c = c->next)
			fprintf(f, "%s %llu\n", c->key, (unsigned long long)c->count);
out:
	if (f)
		fclose(f);
	if (tab)
		for (int b = 0; b < NBUCKETS; b++)
			while (tab[b]) {
				struct stack_count *c = tab[b];
				tab[b] = c->next;
				free(c->key);
				free(c);
			}
	free(tab);
	free(key);
	if (dwfl)
		dwfl_end(dwfl);
}
#else
int kprofile_start(const char *path)
{
	return -ENOSYS;
}

void kprofile_write(void)
{
}
#endif

/* kprofile=FILE, or VMCORE_KPROFILE=DIR */
int kprofile_option(const char *path)
{
	char buf[4096];
	if (!path) {
		const char *dir = getenv("VMCORE_KPROFILE");
		if (!dir || !*dir)
			return 0;
		snprintf(buf, sizeof(buf), "%s/kprofile.%d.folded", dir, getpid());
		path = buf;
	}
	int r = kprofile_start(path);
	if (r == -ENOSYS && path == buf)
		return 0; /* the environment asks every kernel; only profile builds answer */
	if (r == -ENOSYS)
		fprintf(stderr, "linux: kprofile needs a profile build (make PROFILE=1)\n");
	return r;
}
