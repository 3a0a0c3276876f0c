/* Boot: the command line, the kernel's set-up, starting init, and halting.
 *
 * The command line follows Linux and UML: key=value options the kernel
 * knows (mem=, init=, root=, rootfstype=, initrd=, vcpus=, loglevel=, quiet,
 * strace, norandmaps...); everything after "--" is init's argv; other words
 * go to init as arguments and other a=b options into its environment. */
#include <vmcore/syscall.h>
#include <vmcore/vfs.h>
#include <vmcore/trace.h>
#include <vmcore/gdb.h>
#include <vmcore/hostfd.h>
#include <vmcore/mconsole.h>
#include "../../coverage/coverage.h"
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

extern bool randomize_va_space;
char *saved_command_line;
static char **saved_argv;
static pthread_mutex_t halt_lock = PTHREAD_MUTEX_INITIALIZER;

static void usage(void)
{
	printf("Usage: ./linux [options] [-- init arguments]\n"
	       "\n"
	       "Boots the vmcore kernel as an ordinary host program.  With no options it\n"
	       "boots the initramfs built into ./linux to a shell on this terminal.\n"
	       "\n"
	       "Options (Linux/UML kernel command-line style):\n"
	       "  mem=SIZE            guest memory, e.g. 64M, 1G (default 256M)\n"
	       "  init=PATH           program to run as init (default: /init, then\n"
	       "                      /sbin/init, /etc/init, /bin/init, /bin/sh)\n"
	       "  root=DIR            host directory to mount as / (with rootfstype=hostfs)\n"
	       "  rootfstype=TYPE     hostfs or ramfs (default: the initramfs)\n"
	       "  ro, rw              mount the hostfs root read-only, or read-write (default)\n"
	       "  sysctl.fs.file-max=N  open files system-wide for unprivileged tasks (ENFILE\n"
	       "                      beyond; default: a tenth of mem= at 1K a file, >= 8192)\n"
	       "  hostfs=DIR          the host directory that the guest may mount hostfs from\n"
	       "                      (mount -t hostfs SUBDIR: SUBDIR is taken under DIR);\n"
	       "                      without it guest hostfs mounts fail with EPERM\n"
	       "  hostfs_reserve=SIZE host disk space guest writes through hostfs leave free\n"
	       "                      (ENOSPC beyond; default: 5%% of it, at most 1G)\n"
	       "  initrd=FILE         newc cpio archive to unpack as the root instead of\n"
	       "                      the built-in initramfs\n"
	       "  vcpus=N             host CPUs to run guest tasks on (default: all)\n"
	       "  maxtasks=N          at most N guest tasks (threads included) at once;\n"
	       "                      fork/clone fail with EAGAIN beyond (default 4096)\n"
	       "  oops=wait           an oops waits for a debugger (it prints the gdb command)\n"
	       "  oops=core[:FILE]    an oops writes a core file of the kernel (core.PID), then\n"
	       "                      halts; gdb ./linux FILE (docs/workflows.md)\n"
	       "  loglevel=N          console log level, 0-7 (default 7)\n"
	       "  quiet               only warnings and errors on the console\n"
	       "  strace              trace every guest system call on stderr (strace format)\n"
	       "  trace=EXPR          trace the calls EXPR names: name,%%file,%%process,\n"
	       "                      %%memory,%%signal,%%network,%%desc, all, !EXPR\n"
	       "  trace_out=FILE      write the trace to FILE (default: stderr)\n"
	       "  trace_fmt=json      JSON Lines instead of strace's text\n"
	       "  trace_tt, trace_ttt, trace_T   timestamps and durations (-tt, -ttt, -T)\n"
	       "  trace_c, trace_C    a summary table at halt (only, or as well)\n"
	       "  trace_failed        only calls that failed\n"
	       "  trace_pid=N, trace_comm=NAME   only this task or command\n"
	       "  (kill -USR1 the ./linux process to switch tracing on and off)\n"
	       "  stub_selftest=escape  test hook: every batch of every process but init\n"
	       "                      carries a host call the stub's seccomp filter forbids\n"
	       "                      (openat(\"vmcore-stub-escape\", O_CREAT) in ./linux's cwd)\n"
	       "                      (the stub is killed, the kernel reports it; see\n"
	       "                      docs/security.md)\n"
	       "  gdb=tcp:[HOST]:PORT a GDB remote-protocol stub for the guest's processes\n"
	       "  gdb=unix:PATH, gdb=-  ... on a Unix socket, or on stdin/stdout (the\n"
	       "                      console then uses stderr): target remote | ./linux gdb=-\n"
	       "  gdbwait             init waits for the debugger before its first instruction\n"
	       "  kprofile=FILE       sample the kernel's threads; folded stacks to FILE at\n"
	       "                      halt (a make PROFILE=1 build)\n"
	       "  umid=NAME           a control console on ~/.vmcore/NAME/mconsole:\n"
	       "                      scripts/vmctl NAME help (UML's mconsole protocol)\n"
	       "  norandmaps          no address-space randomisation in the guest\n"
	       "  NAME=VALUE          anything else: put in init's environment\n"
	       "  WORD                anything else: an argument to init\n"
	       "  -- ARGS...          the rest are init's arguments\n"
	       "\n"
	       "  --help              this text\n"
	       "  --version           the kernel version\n"
	       "\n"
	       "Exit status: init's exit status, or 128+N if init was killed by signal N;\n"
	       "0 after poweroff or halt.\n"
	       "Example: ./linux root=/tmp/dir rootfstype=hostfs init=/prog -- arg1 arg2\n");
}

static u64 parse_size(const char *s, bool *ok)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	*ok = end != s;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end)
		*ok = false;
	return v;
}

_Noreturn void machine_halt(int code, bool restart)
{
	pthread_mutex_lock(&halt_lock);
	host_kill_all();
	gdbstub_halt(code);
	coverage_halt();
	tty_host_restore();
	trace_finish();
	fflush(stdout);
	mconsole_remove();
	if (restart) {
		pr_notice("vmcore: restarting system\n");
		execv("/proc/self/exe", saved_argv);
		pr_err("vmcore: restart failed: %s\n", strerror(errno));
		code = 1;
	}
	_exit(code);
}

void panic(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	oops_report(msg);
	printk(KERN_EMERG, "Kernel panic - not syncing: %s\n", msg);
	machine_halt(2, false);
}

static void fatal_signal(int sig)
{
	/* a crash of the kernel itself: say so, then take every guest down */
	static volatile int nested;
	/* hold the halt lock so that no other thread ends the process before
	 * the report is out */
	if (!nested++ && pthread_mutex_trylock(&halt_lock) == 0) {
		char msg[64];
		snprintf(msg, sizeof(msg), "kernel crashed with signal %d (%s)", sig, sigabbrev_np(sig));
		oops_report(msg);
	}
	host_kill_all();
	mconsole_remove();
	tty_host_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A signal whose default would end ./linux without a word (SIGQUIT,
 * SIGALRM, SIGXCPU, SIGUSR2 outside coverage builds...): take the guests
 * down, give the terminal back, then die of the same signal, so that the
 * parent sees what killed us. */
static void fatal_quiet_signal(int sig)
{
	/* the halt lock keeps init's task thread, which sees its guest die
	 * below, from ending the process first with a status of its own */
	(void)pthread_mutex_trylock(&halt_lock);
	host_kill_all();
	mconsole_remove();
	tty_host_restore();
	trace_flush_on_signal();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Only where nothing is installed yet: a gprof build's SIGPROF, say. */
static void catch_if_default(int sig, void (*handler)(int))
{
	struct sigaction old;
	if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
	    !(old.sa_flags & SA_SIGINFO))
		signal(sig, handler);
}

static bool trace_key(const char *a, size_t kl, const char *val)
{
	char key[64];
	if (kl >= sizeof(key))
		return false;
	memcpy(key, a, kl);
	key[kl] = 0;
	return trace_option(key, val);
}

/* kill -USR1: switch the syscall trace on or off at run time */
static void sigusr1(int sig)
{
	(void)sig;
	trace_on = !trace_on;
}

static void terminate_signal(int sig)
{
	char msg[96];
	int n = snprintf(msg, sizeof(msg), "vmcore: terminated by signal %d; halting\n", sig);
	ssize_t w = write(2, msg, n);
	(void)w;
	(void)pthread_mutex_trylock(&halt_lock); /* our status, not init's */
	host_kill_all();
	mconsole_remove();
	tty_host_restore();
	trace_flush_on_signal();
	_exit(128 + sig);
}

int main(int argc, char **argv)
{
	u64 mem = 256UL << 20;
	const char *init = NULL, *root = NULL, *rootfstype = NULL, *initrd = NULL;
	const char *gdb_spec = NULL, *kprofile_path = NULL, *hostfs_dir = NULL, *umid = NULL;
	int vcpus = 0;
	bool root_ro = false;
	u64 file_max_opt = 0;
	int nargs = 1, nenv = 0, r;
	size_t cl_len = 1;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage();
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("vmcore %s (Linux %s compatible, x86_64)\n", VMCORE_RELEASE, VMCORE_VERSION);
			return 0;
		}
	}
	/* init's vectors live as long as the kernel (file scope, so that the
	 * leak checker does not count them on a bad command line's return) */
	static char **init_argv, **init_envp;
	init_argv = calloc(argc + 2, sizeof(char *));
	init_envp = calloc(argc + 3, sizeof(char *));
	saved_argv = argv;
	for (int i = 1; i < argc; i++)
		cl_len += strlen(argv[i]) + 1;
	saved_command_line = calloc(1, cl_len);
	init_envp[nenv++] = "HOME=/";
	init_envp[nenv++] = "TERM=linux";
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (i > 1)
			strcat(saved_command_line, " ");
		strcat(saved_command_line, a);
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++) {
				init_argv[nargs++] = argv[i];
				strcat(saved_command_line, " ");
				strcat(saved_command_line, argv[i]);
			}
			break;
		}
		char *eq = strchr(a, '=');
		size_t kl = eq ? (size_t)(eq - a) : strlen(a);
		const char *val = eq ? eq + 1 : NULL;
#define KEY(k) (kl == strlen(k) && strncmp(a, k, kl) == 0)
		bool ok = true;
		if (KEY("mem") && val) {
			mem = parse_size(val, &ok);
			if (!ok || mem < (4UL << 20)) {
				fprintf(stderr, "linux: bad mem=%s (need a size of at least 4M)\n", val);
				return 2;
			}
		} else if (KEY("init") && val) {
			init = val;
		} else if (KEY("root") && val) {
			root = val;
		} else if (KEY("sysctl.fs.file-max") && val) {
			file_max_opt = parse_size(val, &ok);
			if (!ok) {
				fprintf(stderr, "linux: bad sysctl.fs.file-max=%s\n", val);
				return 2;
			}
		} else if (KEY("sysctl.vm.overcommit_memory") && val) {
			/* Linux 5.8's sysctl.* parameters, for this one */
			char *end;
			long m = strtol(val, &end, 10);
			if (*end || m < OVERCOMMIT_GUESS || m > OVERCOMMIT_NEVER) {
				fprintf(stderr, "linux: bad sysctl.vm.overcommit_memory=%s (0, 1 or 2)\n", val);
				return 2;
			}
			overcommit_mode = m;
		} else if (KEY("hostfs") && val) {
			hostfs_dir = val;
		} else if (KEY("hostfs_reserve") && val) {
			u64 rs = parse_size(val, &ok);
			if (!ok) {
				fprintf(stderr, "linux: bad hostfs_reserve=%s\n", val);
				return 2;
			}
			hostfs_set_reserve(rs);
		} else if (KEY("rootfstype") && val) {
			rootfstype = val;
		} else if (KEY("initrd") && val) {
			initrd = val;
		} else if (KEY("vcpus") && val) {
			vcpus = atoi(val);
			if (vcpus < 1) {
				fprintf(stderr, "linux: bad vcpus=%s\n", val);
				return 2;
			}
		} else if (KEY("maxtasks") && val) {
			max_tasks = atoi(val);
			if (max_tasks < 2) {
				fprintf(stderr, "linux: bad maxtasks=%s (at least 2)\n", val);
				return 2;
			}
		} else if (KEY("oops") && val) {
			if (!oops_option(val)) {
				fprintf(stderr, "linux: bad oops=%s (wait, core or core:FILE)\n", val);
				return 2;
			}
		} else if (KEY("loglevel") && val) {
			console_loglevel = atoi(val) + 1;
		} else if (KEY("quiet") && !val) {
			console_loglevel = KERN_WARNING;
		} else if (KEY("debug") && !val) {
			console_loglevel = 10;
		} else if (trace_key(a, kl, val)) {
			/* tracing: trace=, trace_out=, trace_fmt=, strace, ... */
		} else if (KEY("gdb") && val) {
			gdb_spec = val;
		} else if (KEY("umid") && val) {
			umid = val;
		} else if (KEY("kprofile") && val) {
			kprofile_path = val;
		} else if (KEY("gdbwait") && !val) {
			gdb_wait_at_start = true;
		} else if (KEY("stub_selftest") && val && !strcmp(val, "escape")) {
			stub_selftest_escape = true;
		} else if (KEY("norandmaps") && !val) {
			randomize_va_space = false;
		} else if (KEY("rw") && !val) {
			root_ro = false;
		} else if (KEY("ro") && !val) {
			root_ro = true;
		} else if (KEY("console") || KEY("con") || KEY("rdinit")) {
			if (KEY("rdinit") && val)
				init = val;
		} else if (val) {
			init_envp[nenv++] = a;
		} else {
			init_argv[nargs++] = a;
		}
#undef KEY
	}

	signal(SIGPIPE, SIG_IGN);
	signal(SIGSEGV, fatal_signal);
	signal(SIGBUS, fatal_signal);
	signal(SIGABRT, fatal_signal);
	signal(SIGTERM, terminate_signal);
	signal(SIGHUP, terminate_signal);
	signal(SIGINT, terminate_signal);
	/* every other signal that would end the process: restore the terminal
	 * first (coverage_init and kprofile= take SIGUSR2 and their sampling
	 * signal over below, where they are used) */
	static const int crash_sigs[] = { SIGILL, SIGFPE, SIGSYS };
	static const int quiet_sigs[] = { SIGQUIT, SIGUSR2, SIGALRM, SIGXCPU, SIGXFSZ, SIGVTALRM,
					  SIGPROF, SIGIO, SIGPWR, SIGSTKFLT };
	for (size_t i = 0; i < ARRAY_SIZE(crash_sigs); i++)
		catch_if_default(crash_sigs[i], fatal_signal);
	for (size_t i = 0; i < ARRAY_SIZE(quiet_sigs); i++)
		catch_if_default(quiet_sigs[i], fatal_quiet_signal);
	for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
		catch_if_default(s, fatal_quiet_signal);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	ktime_ns();
	struct utsname u;
	uname(&u);
	pr_notice("Linux version %s (vmcore %s) on host %s %s\n", VMCORE_VERSION, VMCORE_RELEASE,
		  u.sysname, u.release);
	pr_info("Command line: %s\n", saved_command_line);
	hostfd_init();
	if (hostfs_dir && (r = hostfs_allow(hostfs_dir)) < 0) {
		fprintf(stderr, "linux: hostfs=%s: %s\n", hostfs_dir, strerror(-r));
		return 2;
	}
	if (trace_init() < 0)
		return 2;
	signal(SIGUSR1, sigusr1);
	coverage_init(); /* SIGUSR2 writes the coverage data out */
	if (kprofile_option(kprofile_path) < 0)
		return 2;
	physmem_init(mem);
	files_max_init(mem);
	if (file_max_opt)
		files_max = file_max_opt;
	zero_page_init();
	host_init(physmem_fd_get());
	host_cpuinfo_init();
	nr_vcpus = vcpus ? vcpus : host_ncpus();
	if (nr_vcpus > host_ncpus())
		nr_vcpus = host_ncpus();
	pr_info("Memory: %lluK available (physmem file %lluK)\n",
		(unsigned long long)(vm_commit_limit() * 4), (unsigned long long)(mem >> 10));
	pr_info("vcpus: %d (host CPUs: %d), tasks pinned with their tracers\n", nr_vcpus, host_ncpus());
	if (gdb_wait_at_start && !gdb_spec) {
		fprintf(stderr, "linux: gdbwait needs gdb=tcp:HOST:PORT, gdb=unix:PATH or gdb=-\n");
		return 2;
	}
	if (gdb_spec && gdbstub_start(gdb_spec) < 0)
		return 2;
	if (umid && mconsole_start(umid) < 0)
		return 2;
	console_init();

	if (root && (!rootfstype || strcmp(rootfstype, "hostfs") == 0)) {
		struct stat st;
		if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
			printk(KERN_EMERG, "Kernel panic - not syncing: VFS: Unable to mount root fs: "
			       "%s is not a host directory\n", root);
			return 1;
		}
		r = vfs_mount_root("hostfs", root, root_ro ? "ro" : NULL);
		if (r < 0) {
			printk(KERN_EMERG, "Kernel panic - not syncing: VFS: Unable to mount root fs "
			       "hostfs:%s (error %d)\n", root, r);
			return 1;
		}
		pr_info("VFS: Mounted root (hostfs filesystem) %s on host directory %s.\n",
			root_ro ? "readonly" : "read-write", root);
	} else if (rootfstype && strcmp(rootfstype, "hostfs") && strcmp(rootfstype, "ramfs")) {
		printk(KERN_EMERG, "Kernel panic - not syncing: VFS: unknown root file system type %s\n",
		       rootfstype);
		return 1;
	} else {
		extern const unsigned char initramfs_image[], initramfs_image_end[];
		r = vfs_mount_root("ramfs", "rootfs", NULL);
		if (r < 0)
			panic("cannot mount the root ramfs (%d)", r);
		const void *img = initramfs_image;
		size_t len = initramfs_image_end - initramfs_image;
		void *buf = NULL;
		if (initrd) {
			FILE *fp = fopen(initrd, "rb");
			if (!fp) {
				printk(KERN_EMERG, "Kernel panic - not syncing: cannot open initrd=%s: %s\n",
				       initrd, strerror(errno));
				return 1;
			}
			fseek(fp, 0, SEEK_END);
			long sz = ftell(fp);
			fseek(fp, 0, SEEK_SET);
			buf = malloc(sz > 0 ? sz : 1);
			if (sz < 0 || !buf || fread(buf, 1, sz, fp) != (size_t)sz) {
				printk(KERN_EMERG, "Kernel panic - not syncing: cannot read initrd=%s\n", initrd);
				return 1;
			}
			fclose(fp);
			img = buf;
			len = sz;
		}
		struct fs_struct fs = { 1, vfs_root(), vfs_root(), 0 };
		r = cpio_unpack(&fs, img, len);
		if (r < 0) {
			printk(KERN_EMERG, "Kernel panic - not syncing: initramfs unpacking failed: %s\n",
			       r == -EINVAL ? "corrupt cpio archive" : strerror(-r));
			return 1;
		}
		free(buf);
		pr_info("Unpacked initramfs (%zu bytes) into the root ramfs.\n", len);
	}

	static const char *const defaults[] = { "/init", "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };
	if (!init) {
		struct fs_struct fs = { 1, vfs_root(), vfs_root(), 0 };
		for (size_t i = 0; i < ARRAY_SIZE(defaults) && !init; i++) {
			struct dentry *d;
			if (path_walk(&fs, NULL, defaults[i], LOOKUP_FOLLOW, &d, NULL) == 0) {
				init = defaults[i];
				dput(d);
			}
		}
		if (!init) {
			printk(KERN_EMERG, "Kernel panic - not syncing: No working init found.  "
			       "Try passing init= option to kernel.\n");
			return 1;
		}
	}
	init_argv[0] = (char *)init;
	init_argv[nargs] = NULL;
	init_envp[nenv] = NULL;
	pr_info("Run %s as init process\n", init);
	bkl_lock();
	r = task_start_init(init, init_argv, init_envp);
	bkl_unlock();
	if (r)
		panic("cannot start init: %s", strerror(-r));
	/* The main thread becomes the console's input loop; the halt path
	 * ends the process. */
	console_input_loop();
}
