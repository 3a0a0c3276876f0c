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
#include "tty_internal.h"


/* the console: the terminal ./linux runs in */
static struct tty console_tty = { .cond = PTHREAD_COND_INITIALIZER };
/* every tty: the console, then the pseudo-terminals (pty.c) */
static struct tty *all_ttys = &console_tty;

static struct termios host_saved;
static bool host_raw;
static struct inode *console_inode;
static int winch_pipe[2] = { -1, -1 };

pthread_cond_t poll_cond = PTHREAD_COND_INITIALIZER;

void poll_wake(void)
{
	pthread_cond_broadcast(&poll_cond);
}

void poll_notify(struct inode *ino, unsigned mask)
{
	if (ino && (mask & (POLLIN | POLLRDNORM | POLLPRI | POLLRDHUP | POLLHUP)))
		ino->poll_gen_in++;
	if (ino && (mask & (POLLOUT | POLLWRNORM | POLLERR)))
		ino->poll_gen_out++;
	poll_wake();
}

void poll_notify_file(struct file *f, unsigned mask)
{
	if (f && (mask & (POLLIN | POLLRDNORM | POLLPRI | POLLRDHUP | POLLHUP)))
		f->poll_gen_in++;
	if (f && (mask & (POLLOUT | POLLWRNORM | POLLERR)))
		f->poll_gen_out++;
	poll_wake();
}

void tty_notify(struct tty *tp, unsigned mask)
{
	if (mask & (POLLIN | POLLRDNORM | POLLHUP))
		tp->gen_in++;
	if (mask & (POLLOUT | POLLWRNORM))
		tp->gen_out++;
	poll_wake();
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

static void tty_defaults(struct tty *tp)
{
	static const u8 cc[19] = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0 };
	tp->tio.c_iflag = ICRNL | IXON;
	tp->tio.c_oflag = OPOST | ONLCR;
	tp->tio.c_cflag = B38400 | CS8 | CREAD | HUPCL;
	tp->tio.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(tp->tio.c_cc, cc, sizeof(cc));
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

static void emit(struct tty *tp, const u8 *buf, size_t len)
{
	if (tp->write_out)
		tp->write_out(tp, buf, len);
	else
		host_write(buf, len);
}

/* Write with output processing (OPOST/ONLCR) when we are a tty. */
void tty_output(struct tty *tp, const u8 *buf, size_t len)
{
	if (!tp->is_tty || !(tp->tio.c_oflag & OPOST) || !(tp->tio.c_oflag & ONLCR)) {
		emit(tp, buf, len);
		return;
	}
	u8 out[1024];
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (o + 2 > sizeof(out)) {
			emit(tp, out, o);
			o = 0;
		}
		if (buf[i] == '\n')
			out[o++] = '\r';
		out[o++] = buf[i];
	}
	emit(tp, out, o);
}

static void echo_char(struct tty *tp, u8 c)
{
	if (!(tp->tio.c_lflag & ECHO))
		return;
	if ((tp->tio.c_lflag & ECHOCTL) && c < 32 && c != '\n' && c != '\t') {
		u8 s[2] = { '^', (u8)(c + 64) };
		tty_output(tp, s, 2);
	} else if (c == 127 && (tp->tio.c_lflag & ECHOCTL)) {
		tty_output(tp, (const u8 *)"^?", 2);
	} else {
		tty_output(tp, &c, 1);
	}
}

/* ---- input ---- */

static void rbuf_put(struct tty *tp, u8 c)
{
	if (tp->rlen == TTY_BUF)
		return; /* full: drop, as a tty does on overrun */
	tp->rbuf[(tp->rhead + tp->rlen) % TTY_BUF] = c;
	tp->rlen++;
}

static void flush_input(struct tty *tp)
{
	tp->rhead = tp->rlen = 0;
	tp->llen = 0;
	tp->eofs = 0;
}

static void erase_one(struct tty *tp)
{
	if (!tp->llen)
		return;
	u8 c = tp->line[--tp->llen];
	if ((tp->tio.c_lflag & ECHO) && (tp->tio.c_lflag & ECHOE)) {
		int w = (c < 32 || c == 127) && (tp->tio.c_lflag & ECHOCTL) ? 2 : 1;
		for (int i = 0; i < w; i++)
			tty_output(tp, (const u8 *)"\b \b", 3);
	}
}

void tty_receive(struct tty *tp, u8 c)
{
	struct ktermios *t = &tp->tio;
	if (!tp->is_tty) {
		rbuf_put(tp, c);
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
				flush_input(tp);
			echo_char(tp, c);
			kill_pgrp_kernel(tp->pgrp, sig);
			return;
		}
	}
	if (!(t->c_lflag & ICANON)) {
		rbuf_put(tp, c);
		echo_char(tp, c);
		return;
	}
	if (c == t->c_cc[VERASE] || (c == '\b' && t->c_cc[VERASE] == 127)) {
		erase_one(tp);
		return;
	}
	if (c == t->c_cc[VWERASE] && (t->c_lflag & IEXTEN)) {
		while (tp->llen && tp->line[tp->llen - 1] == ' ')
			erase_one(tp);
		while (tp->llen && tp->line[tp->llen - 1] != ' ')
			erase_one(tp);
		return;
	}
	if (c == t->c_cc[VKILL]) {
		while (tp->llen)
			erase_one(tp);
		return;
	}
	if (c == t->c_cc[VEOF] && c) {
		if (!tp->llen)
			tp->eofs++;
		for (size_t i = 0; i < tp->llen; i++)
			rbuf_put(tp, tp->line[i]);
		tp->llen = 0;
		return;
	}
	if (c == '\n' || (c == t->c_cc[VEOL] && c) || (c == t->c_cc[VEOL2] && c)) {
		for (size_t i = 0; i < tp->llen; i++)
			rbuf_put(tp, tp->line[i]);
		rbuf_put(tp, c);
		tp->llen = 0;
		if ((t->c_lflag & ECHO) || (c == '\n' && (t->c_lflag & ECHONL)))
			tty_output(tp, &c, 1);
		return;
	}
	if (tp->llen < sizeof(tp->line) - 1)
		tp->line[tp->llen++] = c;
	echo_char(tp, c);
}

static void update_winsize(struct tty *tp, bool notify)
{
	struct winsize ws;
	if (ioctl(0, TIOCGWINSZ, &ws) < 0 && ioctl(1, TIOCGWINSZ, &ws) < 0)
		return;
	bool changed = memcmp(&ws, &tp->ws, sizeof(ws)) != 0;
	tp->ws = ws;
	if (changed && notify)
		kill_pgrp_kernel(tp->pgrp, SIGWINCH);
}

/* The main thread's loop: host input (and window changes) into the tp-> */
void console_input_loop(void)
{
	struct tty *tp = &console_tty;
	u8 buf[1024];
	struct pollfd pf[2] = { { 0, POLLIN, 0 }, { winch_pipe[0], POLLIN, 0 } };
	for (;;) {
		int np = tp->host_eof ? 0 : 1;
		if (winch_pipe[0] >= 0) {
			pf[np].fd = winch_pipe[0];
			pf[np].events = POLLIN;
			np++;
		}
		if (np == 0) {
			pause();
			continue;
		}
		struct pollfd *p = tp->host_eof ? &pf[1] : pf;
		if (tp->host_eof)
			pf[1].fd = winch_pipe[0];
		if (poll(p, np, -1) < 0)
			continue;
		if (winch_pipe[0] >= 0 && (pf[np == 2 ? 1 : 0].revents & POLLIN) &&
		    pf[np == 2 ? 1 : 0].fd == winch_pipe[0]) {
			ssize_t r = read(winch_pipe[0], buf, sizeof(buf));
			(void)r;
			bkl_lock();
			update_winsize(tp, true);
			bkl_unlock();
		}
		if (tp->host_eof || !(pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ssize_t n = read(0, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		bkl_lock();
		if (n <= 0) {
			tp->host_eof = true;
		} else {
			for (ssize_t i = 0; i < n; i++) {
				while (tp->rlen >= TTY_BUF - 1) {
					/* full: let readers drain it */
					pthread_cond_broadcast(&tp->cond);
					bkl_wait(&tp->cond);
				}
				tty_receive(tp, buf[i]);
			}
		}
		pthread_cond_broadcast(&tp->cond);
		tty_notify(tp, POLLIN);
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
static long check_change(struct tty *tp, struct task *t, int sig)
{
	if (!tp->is_tty || t->sid != tp->session || t->pgid == tp->pgrp || tp->pgrp <= 0)
		return 0;
	if (sig_blocked_or_ignored(t, sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_will_be_orphaned(t->group_leader->pgid, NULL))
		return -EIO;
	kill_pgrp_kernel(t->pgid, sig);
	return -ERESTARTSYS;
}

/* ---- file operations ---- */

static bool readable(struct tty *tp)
{
	if (!tp->is_tty)
		return tp->rlen || tp->host_eof;
	if (tp->tio.c_lflag & ICANON) {
		for (size_t i = 0; i < tp->rlen; i++)
			if (tp->rbuf[(tp->rhead + i) % TTY_BUF] == '\n')
				return true;
		return tp->eofs || tp->host_eof || (tp->rlen && tp->llen == 0);
	}
	return tp->rlen || tp->host_eof;
}

/* the tty of an open file: a pty slave's, or the console */
static struct tty *file_tty(struct file *f)
{
	return f->ops == &tty_slave_fops && f->priv ? f->priv : &console_tty;
}

static long tty_read(struct file *f, void *dst, size_t len, u64 *pos)
{
	struct tty *tp = file_tty(f);
	struct task *t = current;
	long r = check_change(tp, t, SIGTTIN);
	if (r)
		return r;
	struct timespec abs, *absp = NULL;
	bool canon = tp->is_tty && (tp->tio.c_lflag & ICANON);
	u8 vmin = tp->tio.c_cc[VMIN], vtime = tp->tio.c_cc[VTIME];
	if (tp->is_tty && !canon && vtime) {
		clock_gettime(CLOCK_MONOTONIC, &abs);
		abs.tv_nsec += (long)vtime * 100000000L;
		abs.tv_sec += abs.tv_nsec / 1000000000L;
		abs.tv_nsec %= 1000000000L;
		absp = &abs;
	}
	while (!readable(tp)) {
		if (tp->is_tty && !canon && !vmin && !vtime)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		int w = wait_interruptible(t, &tp->cond, absp);
		if (w == -ETIMEDOUT)
			return 0;
		if (w < 0)
			return -ERESTARTSYS;
		if ((r = check_change(tp, t, SIGTTIN)))
			return r;
	}
	if (!tp->rlen) {
		if (tp->eofs) {
			tp->eofs--;
			return 0;
		}
		return 0; /* host end of file */
	}
	size_t n = 0;
	while (n < len && tp->rlen) {
		u8 c = tp->rbuf[tp->rhead];
		((u8 *)dst)[n++] = c;
		tp->rhead = (tp->rhead + 1) % TTY_BUF;
		tp->rlen--;
		if (canon && c == '\n')
			break;
	}
	pthread_cond_broadcast(&tp->cond);
	if (tp->write_out)
		pty_input_room(tp); /* the master's writers may go on */
	return n;
}

static long tty_write(struct file *f, const void *src, size_t len, u64 *pos)
{
	struct tty *tp = file_tty(f);
	if (tp->is_tty && (tp->tio.c_lflag & TOSTOP)) {
		long r = check_change(tp, current, SIGTTOU);
		if (r)
			return r;
	}
	if (!tp->write_out) {
		tty_output(tp, src, len);
		return len;
	}
	/* a pty slave: as much as the master's buffer takes (a byte can
	 * become two with ONLCR), waiting for the master to read */
	size_t done = 0;
	while (done < len) {
		if (tp->host_eof)
			return done ? (long)done : -EIO; /* hung up */
		size_t room = pty_room(tp) / 2;
		if (!room) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (wait_interruptible(current, &tp->cond, NULL) < 0)
				return done ? (long)done : -ERESTARTSYS;
			continue;
		}
		size_t n = MIN(room, len - done);
		tty_output(tp, (const u8 *)src + done, n);
		done += n;
	}
	return len;
}

static long tty_ioctl(struct file *f, struct task *t, unsigned cmd, u64 arg)
{
	struct tty *tp = file_tty(f);
	int v;
	if (!tp->is_tty)
		return -ENOTTY;
	switch (cmd) {
	case TCGETS:
		return copy_to_user(t->mm, arg, &tp->tio, sizeof(tp->tio));
	case TCSETS:
	case TCSETSW:
	case TCSETSF: {
		struct ktermios n;
		long r = check_change(tp, t, SIGTTOU);
		if (r)
			return r;
		if (copy_from_user(t->mm, &n, arg, sizeof(n)) < 0)
			return -EFAULT;
		if (cmd == TCSETSF)
			flush_input(tp);
		bool was_canon = tp->tio.c_lflag & ICANON;
		tp->tio = n;
		if (was_canon && !(n.c_lflag & ICANON)) {
			/* a half-typed line becomes readable input */
			for (size_t i = 0; i < tp->llen; i++)
				rbuf_put(tp, tp->line[i]);
			tp->llen = 0;
		}
		pthread_cond_broadcast(&tp->cond);
		return 0;
	}
	case 0x802c542a: { /* TCGETS2 */
		struct ktermios2 t2 = { tp->tio, 38400, 38400 };
		return copy_to_user(t->mm, arg, &t2, sizeof(t2));
	}
	case 0x402c542b: case 0x402c542c: case 0x402c542d: { /* TCSETS2, W, F */
		struct ktermios2 t2;
		if (copy_from_user(t->mm, &t2, arg, sizeof(t2)) < 0)
			return -EFAULT;
		tp->tio = t2.t;
		return 0;
	}
	case TIOCGWINSZ:
		return copy_to_user(t->mm, arg, &tp->ws, sizeof(tp->ws));
	case TIOCSWINSZ: {
		struct winsize ws;
		if (copy_from_user(t->mm, &ws, arg, sizeof(ws)) < 0)
			return -EFAULT;
		if (memcmp(&ws, &tp->ws, sizeof(ws))) {
			tp->ws = ws;
			kill_pgrp_kernel(tp->pgrp, SIGWINCH);
		}
		return 0;
	}
	case TIOCGPGRP:
		if (t->sid != tp->session)
			return -ENOTTY;
		return copy_to_user(t->mm, arg, &tp->pgrp, sizeof(int));
	case TIOCSPGRP: {
		long r = check_change(tp, t, SIGTTOU);
		if (r)
			return r;
		if (t->sid != tp->session)
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
		tp->pgrp = v;
		return 0;
	}
	case TIOCGSID:
		if (t->sid != tp->session)
			return -ENOTTY;
		return copy_to_user(t->mm, arg, &tp->session, sizeof(int));
	case TIOCSCTTY:
		if (t->sid != t->tgid)
			return -EPERM; /* only a session leader */
		if (tp->session == t->sid)
			return 0;
		for (struct tty *o = all_ttys; o; o = o->next)
			if (o->session == t->sid)
				return -EPERM; /* the session has a terminal already */
		if (tp->session > 0 && arg != 1) {
			struct task *l = task_find(tp->session);
			if (l && l->state == TASK_RUNNING)
				return -EPERM;
		}
		tp->session = t->sid;
		tp->pgrp = t->pgid;
		return 0;
	case TIOCNOTTY:
		if (t->sid != tp->session)
			return -ENOTTY;
		if (t->sid == t->tgid) {
			kill_pgrp_kernel(tp->pgrp, SIGHUP);
			kill_pgrp_kernel(tp->pgrp, SIGCONT);
			tp->session = tp->pgrp = 0;
		}
		return 0;
	case FIONREAD:
		v = tp->rlen;
		return copy_to_user(t->mm, arg, &v, sizeof(v));
	case TCFLSH:
		if (arg == TCIFLUSH || arg == TCIOFLUSH)
			flush_input(tp);
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

static u64 tty_poll_gen(struct file *f)
{
	struct tty *tp = file_tty(f);
	return tp->gen_in | (u64)tp->gen_out << 32;
}

static unsigned tty_poll(struct file *f)
{
	struct tty *tp = file_tty(f);
	if (tp->write_out && tp->host_eof)
		return POLLIN | POLLRDNORM | POLLHUP | POLLOUT | POLLWRNORM; /* hung up */
	unsigned out = !tp->write_out || pty_room(tp) >= 2 ? POLLOUT | POLLWRNORM : 0;
	return (readable(tp) ? POLLIN | POLLRDNORM : 0) | out;
}

const struct file_ops console_fops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
	.poll_gen = tty_poll_gen,
};

const struct file_ops tty_slave_fops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
	.poll_gen = tty_poll_gen,
	.release = pty_slave_release,
};

void tty_register(struct tty *tp)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&tp->cond, &ca);
	pthread_condattr_destroy(&ca);
	tty_defaults(tp);
	tp->is_tty = true;
	tp->next = all_ttys->next;
	all_ttys->next = tp; /* after the console, which stays first */
}

void tty_unregister(struct tty *tp)
{
	for (struct tty **pp = &all_ttys; *pp; pp = &(*pp)->next)
		if (*pp == tp) {
			*pp = tp->next;
			break;
		}
	pthread_cond_destroy(&tp->cond);
}

void tty_hangup(struct tty *tp)
{
	int pgrp = tp->pgrp, sid = tp->session;
	tp->host_eof = true;
	tp->session = tp->pgrp = 0;
	if (sid > 0) {
		/* Linux's __tty_hangup: the session leader and the foreground */
		struct task *l = task_find(sid);
		if (l && l->state == TASK_RUNNING && l->pgid != pgrp)
			kill_pgrp_kernel(l->pgid, SIGHUP);
		if (pgrp > 0) {
			kill_pgrp_kernel(pgrp, SIGHUP);
			kill_pgrp_kernel(pgrp, SIGCONT);
		}
	}
	pthread_cond_broadcast(&tp->cond);
	tty_notify(tp, POLLIN | POLLOUT);
}

struct file *console_open(void)
{
	return file_alloc(console_inode, NULL, O_RDWR);
}

void tty_init(void)
{
	struct tty *tp = &console_tty;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&tp->cond, &ca);
	pthread_cond_init(&poll_cond, &ca);
	pthread_condattr_destroy(&ca);
	tty_defaults(tp);
	console_inode = inode_new(NULL, S_IFCHR | 0600);
	console_inode->rdev = makedev(5, 1);
	console_inode->fops = &console_fops;
	/* As on Linux, /dev/console becomes a controlling terminal only by
	 * TIOCSCTTY (busybox init does that for the shell it starts). */
	tp->is_tty = isatty(0);
	if (!tp->is_tty)
		return;
	update_winsize(tp, false);
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
	for (struct tty *tp = all_ttys; sid && tp; tp = tp->next) {
		if (tp->session != sid)
			continue;
		int pgrp = tp->pgrp;
		tp->session = tp->pgrp = 0;
		kill_pgrp_kernel(pgrp, SIGHUP);
		kill_pgrp_kernel(pgrp, SIGCONT);
	}
}

/* /dev/tty1 (and tty0), the console's terminal under its own name: opened
 * by a session leader without a controlling terminal, it becomes one, as
 * any Linux tty does (/dev/console never does). */
void tty_maybe_acquire(struct tty *tp, struct file *f)
{
	struct task *t = current;
	if (!t || (f->flags & O_NOCTTY) || t->sid != t->tgid || tp->session != 0)
		return;
	for (struct tty *o = all_ttys; o; o = o->next)
		if (o->session == t->sid)
			return; /* the session has a terminal already */
	tp->session = t->sid;
	tp->pgrp = t->pgid;
}

int tty_open_vt(struct file *f)
{
	tty_maybe_acquire(&console_tty, f);
	return 0;
}

/* /dev/tty: the caller's controlling terminal, whichever tty it is. */
int tty_open_current(struct file *f)
{
	struct task *t = current;
	for (struct tty *tp = all_ttys; t && tp; tp = tp->next)
		if (tp->session && t->sid == tp->session) {
			if (tp != &console_tty) {
				f->ops = &tty_slave_fops;
				f->priv = tp;
				return pty_slave_get(tp);
			}
			return 0;
		}
	return -ENXIO;
}
