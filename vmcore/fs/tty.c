/* The console tty: the terminal ./linux runs in, with a line discipline.
 *
 * When the host's stdin is a terminal, it is put in raw mode for as long as
 * the kernel runs (and restored on every way out that can run code, and by
 * the terminal guard of host/ttyguard.c after a SIGKILL), and the
 * guest gets a real tty: termios, canonical editing (erase, kill, ^D),
 * echo, ^C/^\/^Z to SIGINT/SIGQUIT/SIGTSTP for the foreground process
 * group, window size from the host (SIGWINCH on a change), a controlling
 * session and foreground group, SIGTTIN/SIGTTOU for background jobs.  As
 * on Linux, opening the console never makes it a controlling terminal;
 * TIOCSCTTY does, and the session leader's exit releases it.
 *
 * When stdin is not a terminal (a pipe, a file), the console is a plain
 * byte stream: no editing, no echo, and terminal ioctls fail with ENOTTY,
 * so that scripts can drive the guest.
 *
 * The kernel's main thread reads the host's stdin and feeds the line
 * discipline under the BKL; readers sleep on the tty's condition. */
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <vmcore/host.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* The kernel's struct termios (NCCS = 19) and termios2. */
struct ktermios {
	u32 c_iflag, c_oflag, c_cflag, c_lflag;
	u8 c_line;
	u8 c_cc[19];
};
struct ktermios2 {
	struct ktermios t;
	u32 ispeed, ospeed;
};

#define TTY_BUF 8192

static struct tty {
	bool is_tty;            /* host stdin is a terminal */
	struct ktermios tio;
	struct winsize ws;
	u8 rbuf[TTY_BUF];       /* input ready for read() */
	size_t rhead, rlen;
	int eofs;               /* ^D on an empty line: reads returning 0 */
	bool host_eof;
	char line[4096];        /* the line being edited (canonical mode) */
	size_t llen;
	int session, pgrp;      /* controlling session, foreground group */
	pthread_cond_t cond;
} tty = { .cond = PTHREAD_COND_INITIALIZER };

static struct termios host_saved;
static bool host_raw;
static struct inode *console_inode;
static int winch_pipe[2] = { -1, -1 };

pthread_cond_t poll_cond = PTHREAD_COND_INITIALIZER;

void poll_wake(void)
{
	pthread_cond_broadcast(&poll_cond);
}

/* ---- the host terminal ---- */

/* Every way out that runs code comes here (halt, the signal handlers of
 * boot/main.c, atexit); async-signal-safe.  SIGKILL is the guard's. */
void tty_host_restore(void)
{
	if (host_raw) {
		tcsetattr(0, TCSADRAIN, &host_saved);
		host_raw = false;
	}
	host_tty_guard_stop();
}

static void winch_handler(int sig)
{
	char c = 1;
	ssize_t r = write(winch_pipe[1], &c, 1);
	(void)r;
	(void)sig;
}

static void tty_defaults(void)
{
	static const u8 cc[19] = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0 };
	tty.tio.c_iflag = ICRNL | IXON;
	tty.tio.c_oflag = OPOST | ONLCR;
	tty.tio.c_cflag = B38400 | CS8 | CREAD | HUPCL;
	tty.tio.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(tty.tio.c_cc, cc, sizeof(cc));
}

/* ---- output ---- */

static void host_write(const void *buf, size_t len)
{
	const u8 *p = buf;
	while (len) {
		ssize_t n = write(1, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= n;
	}
}

/* Write with output processing (OPOST/ONLCR) when we are a tty. */
static void tty_output(const u8 *buf, size_t len)
{
	if (!tty.is_tty || !(tty.tio.c_oflag & OPOST) || !(tty.tio.c_oflag & ONLCR)) {
		host_write(buf, len);
		return;
	}
	u8 out[1024];
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (o + 2 > sizeof(out)) {
			host_write(out, o);
			o = 0;
		}
		if (buf[i] == '\n')
			out[o++] = '\r';
		out[o++] = buf[i];
	}
	host_write(out, o);
}

static void echo_char(u8 c)
{
	if (!(tty.tio.c_lflag & ECHO))
		return;
	if ((tty.tio.c_lflag & ECHOCTL) && c < 32 && c != '\n' && c != '\t') {
		u8 s[2] = { '^', (u8)(c + 64) };
		tty_output(s, 2);
	} else if (c == 127 && (tty.tio.c_lflag & ECHOCTL)) {
		tty_output((const u8 *)"^?", 2);
	} else {
		tty_output(&c, 1);
	}
}

/* ---- input ---- */

static void rbuf_put(u8 c)
{
	if (tty.rlen == TTY_BUF)
		return; /* full: drop, as a tty does on overrun */
	tty.rbuf[(tty.rhead + tty.rlen) % TTY_BUF] = c;
	tty.rlen++;
}

static void flush_input(void)
{
	tty.rhead = tty.rlen = 0;
	tty.llen = 0;
	tty.eofs = 0;
}

static void erase_one(void)
{
	if (!tty.llen)
		return;
	u8 c = tty.line[--tty.llen];
	if ((tty.tio.c_lflag & ECHO) && (tty.tio.c_lflag & ECHOE)) {
		int w = (c < 32 || c == 127) && (tty.tio.c_lflag & ECHOCTL) ? 2 : 1;
		for (int i = 0; i < w; i++)
			tty_output((const u8 *)"\b \b", 3);
	}
}

static void receive(u8 c)
{
	struct ktermios *t = &tty.tio;
	if (!tty.is_tty) {
		rbuf_put(c);
		return;
	}
	if (t->c_iflag & ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (t->c_iflag & IGNCR)
			return;
		if (t->c_iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (t->c_iflag & INLCR)) {
		c = '\r';
	}
	if (t->c_lflag & ISIG) {
		int sig = 0;
		if (c == t->c_cc[VINTR] && c)
			sig = SIGINT;
		else if (c == t->c_cc[VQUIT] && c)
			sig = SIGQUIT;
		else if (c == t->c_cc[VSUSP] && c)
			sig = SIGTSTP;
		if (sig) {
			if (!(t->c_lflag & NOFLSH))
				flush_input();
			echo_char(c);
			kill_pgrp_kernel(tty.pgrp, sig);
			return;
		}
	}
	if (!(t->c_lflag & ICANON)) {
		rbuf_put(c);
		echo_char(c);
		return;
	}
	if (c == t->c_cc[VERASE] || (c == '\b' && t->c_cc[VERASE] == 127)) {
		erase_one();
		return;
	}
	if (c == t->c_cc[VWERASE] && (t->c_lflag & IEXTEN)) {
		while (tty.llen && tty.line[tty.llen - 1] == ' ')
			erase_one();
		while (tty.llen && tty.line[tty.llen - 1] != ' ')
			erase_one();
		return;
	}
	if (c == t->c_cc[VKILL]) {
		while (tty.llen)
			erase_one();
		return;
	}
	if (c == t->c_cc[VEOF] && c) {
		if (!tty.llen)
			tty.eofs++;
		for (size_t i = 0; i < tty.llen; i++)
			rbuf_put(tty.line[i]);
		tty.llen = 0;
		return;
	}
	if (c == '\n' || (c == t->c_cc[VEOL] && c) || (c == t->c_cc[VEOL2] && c)) {
		for (size_t i = 0; i < tty.llen; i++)
			rbuf_put(tty.line[i]);
		rbuf_put(c);
		tty.llen = 0;
		if ((t->c_lflag & ECHO) || (c == '\n' && (t->c_lflag & ECHONL)))
			tty_output(&c, 1);
		return;
	}
	if (tty.llen < sizeof(tty.line) - 1)
		tty.line[tty.llen++] = c;
	echo_char(c);
}

static void update_winsize(bool notify)
{
	struct winsize ws;
	if (ioctl(0, TIOCGWINSZ, &ws) < 0 && ioctl(1, TIOCGWINSZ, &ws) < 0)
		return;
	bool changed = memcmp(&ws, &tty.ws, sizeof(ws)) != 0;
	tty.ws = ws;
	if (changed && notify)
		kill_pgrp_kernel(tty.pgrp, SIGWINCH);
}

/* The main thread's loop: host input (and window changes) into the tty. */
void console_input_loop(void)
{
	u8 buf[1024];
	struct pollfd pf[2] = { { 0, POLLIN, 0 }, { winch_pipe[0], POLLIN, 0 } };
	for (;;) {
		int np = tty.host_eof ? 0 : 1;
		if (winch_pipe[0] >= 0) {
			pf[np].fd = winch_pipe[0];
			pf[np].events = POLLIN;
			np++;
		}
		if (np == 0) {
			pause();
			continue;
		}
		struct pollfd *p = tty.host_eof ? &pf[1] : pf;
		if (tty.host_eof)
			pf[1].fd = winch_pipe[0];
		if (poll(p, np, -1) < 0)
			continue;
		if (winch_pipe[0] >= 0 && (pf[np == 2 ? 1 : 0].revents & POLLIN) &&
		    pf[np == 2 ? 1 : 0].fd == winch_pipe[0]) {
			ssize_t r = read(winch_pipe[0], buf, sizeof(buf));
			(void)r;
			bkl_lock();
			update_winsize(true);
			bkl_unlock();
		}
		if (tty.host_eof || !(pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ssize_t n = read(0, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		bkl_lock();
		if (n <= 0) {
			tty.host_eof = true;
		} else {
			for (ssize_t i = 0; i < n; i++) {
				while (tty.rlen >= TTY_BUF - 1) {
					/* full: let readers drain it */
					pthread_cond_broadcast(&tty.cond);
					bkl_wait(&tty.cond);
				}
				receive(buf[i]);
			}
		}
		pthread_cond_broadcast(&tty.cond);
		poll_wake();
		bkl_unlock();
	}
}

/* ---- job control ---- */

static bool sig_blocked_or_ignored(struct task *t, int sig)
{
	return (t->sigmask & sigmask_of(sig)) || t->sighand->action[sig - 1].handler == (u64)SIG_IGN;
}

/* Linux's tty_check_change: a background process touching the terminal
 * gets sig for its whole group (or EIO when it cannot take it). */
static long check_change(struct task *t, int sig)
{
	if (!tty.is_tty || t->sid != tty.session || t->pgid == tty.pgrp || tty.pgrp <= 0)
		return 0;
	if (sig_blocked_or_ignored(t, sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_will_be_orphaned(t->group_leader->pgid, NULL))
		return -EIO;
	kill_pgrp_kernel(t->pgid, sig);
	return -ERESTARTSYS;
}

/* ---- file operations ---- */

static bool readable(void)
{
	if (!tty.is_tty)
		return tty.rlen || tty.host_eof;
	if (tty.tio.c_lflag & ICANON) {
		for (size_t i = 0; i < tty.rlen; i++)
			if (tty.rbuf[(tty.rhead + i) % TTY_BUF] == '\n')
				return true;
		return tty.eofs || tty.host_eof || (tty.rlen && tty.llen == 0);
	}
	return tty.rlen || tty.host_eof;
}

static long tty_read(struct file *f, void *dst, size_t len, u64 *pos)
{
	struct task *t = current;
	long r = check_change(t, SIGTTIN);
	if (r)
		return r;
	struct timespec abs, *absp = NULL;
	bool canon = tty.is_tty && (tty.tio.c_lflag & ICANON);
	u8 vmin = tty.tio.c_cc[VMIN], vtime = tty.tio.c_cc[VTIME];
	if (tty.is_tty && !canon && vtime) {
		clock_gettime(CLOCK_MONOTONIC, &abs);
		abs.tv_nsec += (long)vtime * 100000000L;
		abs.tv_sec += abs.tv_nsec / 1000000000L;
		abs.tv_nsec %= 1000000000L;
		absp = &abs;
	}
	while (!readable()) {
		if (tty.is_tty && !canon && !vmin && !vtime)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		int w = wait_interruptible(t, &tty.cond, absp);
		if (w == -ETIMEDOUT)
			return 0;
		if (w < 0)
			return -ERESTARTSYS;
		if ((r = check_change(t, SIGTTIN)))
			return r;
	}
	if (!tty.rlen) {
		if (tty.eofs) {
			tty.eofs--;
			return 0;
		}
		return 0; /* host end of file */
	}
	size_t n = 0;
	while (n < len && tty.rlen) {
		u8 c = tty.rbuf[tty.rhead];
		((u8 *)dst)[n++] = c;
		tty.rhead = (tty.rhead + 1) % TTY_BUF;
		tty.rlen--;
		if (canon && c == '\n')
			break;
	}
	pthread_cond_broadcast(&tty.cond);
	return n;
}

static long tty_write(struct file *f, const void *src, size_t len, u64 *pos)
{
	if (tty.is_tty && (tty.tio.c_lflag & TOSTOP)) {
		long r = check_change(current, SIGTTOU);
		if (r)
			return r;
	}
	tty_output(src, len);
	return len;
}

static long tty_ioctl(struct file *f, struct task *t, unsigned cmd, u64 arg)
{
	int v;
	if (!tty.is_tty)
		return -ENOTTY;
	switch (cmd) {
	case TCGETS:
		return copy_to_user(t->mm, arg, &tty.tio, sizeof(tty.tio));
	case TCSETS:
	case TCSETSW:
	case TCSETSF: {
		struct ktermios n;
		long r = check_change(t, SIGTTOU);
		if (r)
			return r;
		if (copy_from_user(t->mm, &n, arg, sizeof(n)) < 0)
			return -EFAULT;
		if (cmd == TCSETSF)
			flush_input();
		bool was_canon = tty.tio.c_lflag & ICANON;
		tty.tio = n;
		if (was_canon && !(n.c_lflag & ICANON)) {
			/* a half-typed line becomes readable input */
			for (size_t i = 0; i < tty.llen; i++)
				rbuf_put(tty.line[i]);
			tty.llen = 0;
		}
		pthread_cond_broadcast(&tty.cond);
		return 0;
	}
	case 0x802c542a: { /* TCGETS2 */
		struct ktermios2 t2 = { tty.tio, 38400, 38400 };
		return copy_to_user(t->mm, arg, &t2, sizeof(t2));
	}
	case 0x402c542b: case 0x402c542c: case 0x402c542d: { /* TCSETS2, W, F */
		struct ktermios2 t2;
		if (copy_from_user(t->mm, &t2, arg, sizeof(t2)) < 0)
			return -EFAULT;
		tty.tio = t2.t;
		return 0;
	}
	case TIOCGWINSZ:
		return copy_to_user(t->mm, arg, &tty.ws, sizeof(tty.ws));
	case TIOCSWINSZ: {
		struct winsize ws;
		if (copy_from_user(t->mm, &ws, arg, sizeof(ws)) < 0)
			return -EFAULT;
		if (memcmp(&ws, &tty.ws, sizeof(ws))) {
			tty.ws = ws;
			kill_pgrp_kernel(tty.pgrp, SIGWINCH);
		}
		return 0;
	}
	case TIOCGPGRP:
		if (t->sid != tty.session)
			return -ENOTTY;
		return copy_to_user(t->mm, arg, &tty.pgrp, sizeof(int));
	case TIOCSPGRP: {
		long r = check_change(t, SIGTTOU);
		if (r)
			return r;
		if (t->sid != tty.session)
			return -ENOTTY;
		if (copy_from_user(t->mm, &v, arg, sizeof(v)) < 0)
			return -EFAULT;
		if (v < 0)
			return -EINVAL;
		bool found = false;
		for (struct task *q = all_tasks; q; q = q->next_task)
			if (q->pgid == v && q->state == TASK_RUNNING) {
				found = true;
				if (q->sid != t->sid)
					return -EPERM;
			}
		if (!found)
			return -ESRCH;
		tty.pgrp = v;
		return 0;
	}
	case TIOCGSID:
		if (t->sid != tty.session)
			return -ENOTTY;
		return copy_to_user(t->mm, arg, &tty.session, sizeof(int));
	case TIOCSCTTY:
		if (t->sid != t->tgid)
			return -EPERM; /* only a session leader */
		if (tty.session == t->sid)
			return 0;
		if (tty.session > 0 && arg != 1) {
			struct task *l = task_find(tty.session);
			if (l && l->state == TASK_RUNNING)
				return -EPERM;
		}
		tty.session = t->sid;
		tty.pgrp = t->pgid;
		return 0;
	case TIOCNOTTY:
		if (t->sid != tty.session)
			return -ENOTTY;
		if (t->sid == t->tgid) {
			kill_pgrp_kernel(tty.pgrp, SIGHUP);
			kill_pgrp_kernel(tty.pgrp, SIGCONT);
			tty.session = tty.pgrp = 0;
		}
		return 0;
	case FIONREAD:
		v = tty.rlen;
		return copy_to_user(t->mm, arg, &v, sizeof(v));
	case TCFLSH:
		if (arg == TCIFLUSH || arg == TCIOFLUSH)
			flush_input();
		return 0;
	case TCSBRK:
	case TCXONC:
		return 0;
	case TIOCOUTQ:
		v = 0;
		return copy_to_user(t->mm, arg, &v, sizeof(v));
	case 0x4b33: /* KDGKBTYPE: a console keyboard */
		v = 2;
		return copy_to_user(t->mm, arg, &v, 1);
	default:
		return -ENOTTY;
	}
}

static unsigned tty_poll(struct file *f)
{
	return (readable() ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

const struct file_ops console_fops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

struct file *console_open(void)
{
	return file_alloc(console_inode, NULL, O_RDWR);
}

void tty_init(void)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&tty.cond, &ca);
	pthread_cond_init(&poll_cond, &ca);
	pthread_condattr_destroy(&ca);
	tty_defaults();
	console_inode = inode_new(NULL, S_IFCHR | 0600);
	console_inode->rdev = makedev(5, 1);
	console_inode->fops = &console_fops;
	/* As on Linux, /dev/console becomes a controlling terminal only by
	 * TIOCSCTTY (busybox init does that for the shell it starts). */
	tty.is_tty = isatty(0);
	if (!tty.is_tty)
		return;
	update_winsize(false);
	if (tcgetattr(0, &host_saved) == 0) {
		/* before the terminal goes raw: whoever restores it after a
		 * SIGKILL must hold the settings from before */
		if (host_tty_guard_start(0, &host_saved) < 0)
			pr_warn("tty: no terminal guard; a SIGKILL will leave the terminal raw\n");
		struct termios raw = host_saved;
		cfmakeraw(&raw);
		/* raw: no echo, no signals, no output processing (ONLCR is ours) */
		if (tcsetattr(0, TCSADRAIN, &raw) == 0)
			host_raw = true;
		atexit(tty_host_restore);
	}
	if (pipe2(winch_pipe, O_CLOEXEC | O_NONBLOCK) == 0)
		signal(SIGWINCH, winch_handler);
}

/* A session leader exits: its terminal is released, and the foreground
 * group gets SIGHUP and SIGCONT, as Linux's disassociate_ctty. */
void tty_session_exit(int sid)
{
	if (!sid || tty.session != sid)
		return;
	int pgrp = tty.pgrp;
	tty.session = tty.pgrp = 0;
	kill_pgrp_kernel(pgrp, SIGHUP);
	kill_pgrp_kernel(pgrp, SIGCONT);
}

/* /dev/tty1 (and tty0), the console's terminal under its own name: opened
 * by a session leader without a controlling terminal, it becomes one, as
 * any Linux tty does (/dev/console never does). */
int tty_open_vt(struct file *f)
{
	struct task *t = current;
	if (t && !(f->flags & O_NOCTTY) && t->sid == t->tgid && tty.session == 0) {
		bool has_ctty = false;
		(void)has_ctty;
		tty.session = t->sid;
		tty.pgrp = t->pgid;
	}
	return 0;
}

/* /dev/tty: the caller's controlling terminal. */
int tty_open_current(struct file *f)
{
	struct task *t = current;
	if (!t || !tty.session || t->sid != tty.session)
		return -ENXIO;
	return 0;
}
