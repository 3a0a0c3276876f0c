/* Pseudo-terminals: /dev/ptmx and devpts, as Linux's Unix 98 ptys.
 *
 * Opening /dev/ptmx (char 5:2) makes a pair: the file is the master; the
 * slave is a terminal with its own line discipline (struct tty of tty.c:
 * termios, echo, canonical editing, signals, a controlling session and a
 * foreground group) whose device side is the master.  What the master
 * writes is the slave's input (tty_receive); what the slave writes, after
 * output processing, waits in the master's buffer until the master reads
 * it.  The slave is /dev/pts/N (char 136:N) in devpts: locked until the
 * master's TIOCSPTLCK 0 (unlockpt), numbered by TIOCGPTN (ptsname).
 *
 * Ends: when the master closes, the slave hangs up (its reads return 0,
 * its writes EIO, its foreground group gets SIGHUP and SIGCONT); when
 * every slave file has closed after one was opened, the master's reads
 * give EIO and its poll POLLHUP.  A pair is freed when both sides have
 * no file left.
 *
 * Bounds: at most PTY_MAX pairs (ENOSPC after, as Linux past
 * kernel.pty.max), each a fixed 20 KiB of kernel memory.  A full master
 * buffer blocks the slave's writers (echo past it is dropped, as a line
 * discipline drops echo it has no room for); a full slave input buffer
 * blocks the master's writers. */
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <vmcore/tty.h>
#include <dirent.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#define PTY_MAX 256
#define PTMX_MAJOR 5
#define PTMX_MINOR 2
#define PTS_MAJOR 136

struct pty {
	struct tty slave;     /* slave.priv is the pty */
	u8 mbuf[TTY_BUF];    /* the slave's output, for the master */
	size_t mhead, mlen;
	pthread_cond_t mcond; /* master input or room changed */
	int index;
	bool locked;
	int masters, slaves;  /* open files of each side */
	bool slave_opened;    /* a slave was opened once: master reads EIO once all close */
	u32 uid, gid, mode;   /* of /dev/pts/N */
};

static struct pty *ptys[PTY_MAX];
static struct super_block *devpts_sb;
static u32 ptmx_mode;        /* devpts's ptmx node: ptmxmode= (default 0000) */
static u32 pts_mode = 0600;  /* new slaves: mode= (default 0600) */
static int pts_gid = -1;     /* new slaves: gid= (default: the opener's) */

static void master_wake(struct pty *p)
{
	pthread_cond_broadcast(&p->mcond);
	poll_wake();
}

static void pty_maybe_free(struct pty *p)
{
	if (p->masters || p->slaves)
		return;
	ptys[p->index] = NULL;
	tty_unregister(&p->slave);
	pthread_cond_destroy(&p->mcond);
	pthread_cond_destroy(&p->slave.cond);
	free(p);
}

/* ---- the slave's device side ---- */

static void slave_out(struct tty *tty, const u8 *buf, size_t len)
{
	struct pty *p = tty->priv;
	if (!p->masters)
		return;
	size_t room = TTY_BUF - p->mlen;
	if (len > room)
		len = room; /* only echo gets here with no room: dropped */
	for (size_t i = 0; i < len; i++)
		p->mbuf[(p->mhead + p->mlen + i) % TTY_BUF] = buf[i];
	p->mlen += len;
	master_wake(p);
}

static int slave_open(struct tty *tty, struct file *f)
{
	struct pty *p = tty->priv;
	if (!p->masters || p->locked)
		return -EIO;
	p->slaves++;
	p->slave_opened = true;
	tty_maybe_acquire(tty, f);
	return 0;
}

static void slave_release(struct tty *tty, struct file *f)
{
	struct pty *p = tty->priv;
	(void)f;
	p->slaves--;
	master_wake(p);
	pty_maybe_free(p);
}

static bool slave_hung_up(struct tty *tty)
{
	return !((struct pty *)tty->priv)->masters;
}

static const struct tty_ops slave_ops = {
	.write = slave_out,
	.open = slave_open,
	.release = slave_release,
	.hung_up = slave_hung_up,
};

/* A slave write waits for room in the master's buffer, then goes through
 * the terminal's own write (job control, output processing) a part at a
 * time (ONLCR may double a part). */
static long slave_write(struct file *f, const void *src, size_t len, u64 *pos)
{
	struct tty *tty = f->priv;
	struct pty *p = tty->priv;
	size_t done = 0;
	while (done < len) {
		if (!p->masters)
			return done ? (long)done : -EIO;
		if (TTY_BUF - p->mlen < 2) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (wait_interruptible(current, &p->mcond, NULL) < 0)
				return done ? (long)done : -ERESTARTSYS;
			continue;
		}
		size_t part = MIN(len - done, (TTY_BUF - p->mlen) / 2);
		long r = tty_fops.write(f, (const u8 *)src + done, part, pos);
		if (r < 0)
			return done ? (long)done : r;
		done += part;
	}
	return done;
}

static long slave_read(struct file *f, void *dst, size_t len, u64 *pos)
{
	struct pty *p = ((struct tty *)f->priv)->priv;
	long r = tty_fops.read(f, dst, len, pos);
	if (r > 0)
		master_wake(p); /* room for the master's writers */
	return r;
}

static long slave_ioctl(struct file *f, struct task *t, unsigned cmd, u64 arg)
{
	return tty_fops.ioctl(f, t, cmd, arg);
}

static unsigned slave_poll(struct file *f)
{
	return tty_fops.poll(f);
}

static void slave_file_release(struct file *f)
{
	tty_fops.release(f);
}

static const struct file_ops slave_fops = {
	.read = slave_read,
	.write = slave_write,
	.ioctl = slave_ioctl,
	.poll = slave_poll,
	.release = slave_file_release,
};

/* ---- the master ---- */

static struct pty *master_of(struct file *f)
{
	return f->priv;
}

static bool master_eof(struct pty *p)
{
	return p->slave_opened && !p->slaves;
}

static long master_read(struct file *f, void *dst, size_t len, u64 *pos)
{
	struct pty *p = master_of(f);
	(void)pos;
	while (!p->mlen) {
		if (master_eof(p))
			return -EIO;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_interruptible(current, &p->mcond, NULL) < 0)
			return -ERESTARTSYS;
	}
	size_t n = 0;
	while (n < len && p->mlen) {
		((u8 *)dst)[n++] = p->mbuf[p->mhead];
		p->mhead = (p->mhead + 1) % TTY_BUF;
		p->mlen--;
	}
	master_wake(p); /* room for the slave's writers */
	return n;
}

static long master_write(struct file *f, const void *src, size_t len, u64 *pos)
{
	struct pty *p = master_of(f);
	struct tty *tty = &p->slave;
	const u8 *s = src;
	size_t done = 0;
	(void)pos;
	while (done < len) {
		if (tty_room(tty) < 2) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (wait_interruptible(current, &tty->cond, NULL) < 0)
				return done ? (long)done : -ERESTARTSYS;
			continue;
		}
		tty_receive(tty, s[done++]);
	}
	pthread_cond_broadcast(&tty->cond);
	poll_wake();
	return done;
}

static unsigned master_poll(struct file *f)
{
	struct pty *p = master_of(f);
	unsigned m = 0;
	if (p->mlen)
		m |= POLLIN | POLLRDNORM;
	if (master_eof(p))
		m |= POLLHUP;
	if (tty_room(&p->slave) >= 2)
		m |= POLLOUT | POLLWRNORM;
	return m;
}

static long master_ioctl(struct file *f, struct task *t, unsigned cmd, u64 arg)
{
	struct pty *p = master_of(f);
	int v;
	switch (cmd) {
	case TIOCGPTN:
		return copy_to_user(t->mm, arg, &p->index, sizeof(int));
	case TIOCSPTLCK:
		if (copy_from_user(t->mm, &v, arg, sizeof(v)) < 0)
			return -EFAULT;
		p->locked = v != 0;
		return 0;
	case TIOCGPTLCK:
		v = p->locked;
		return copy_to_user(t->mm, arg, &v, sizeof(v));
	case FIONREAD:
		v = p->mlen;
		return copy_to_user(t->mm, arg, &v, sizeof(v));
	case TIOCPKT:
		if (copy_from_user(t->mm, &v, arg, sizeof(v)) < 0)
			return -EFAULT;
		return v ? -EINVAL : 0; /* packet mode is not supported */
	case TIOCSIG:
		if (arg < 1 || arg >= 65)
			return -EINVAL;
		if (p->slave.pgrp > 0)
			kill_pgrp_kernel(p->slave.pgrp, arg);
		return 0;
	case TIOCSCTTY:
	case TIOCNOTTY:
	case TIOCGPGRP:
	case TIOCSPGRP:
	case TIOCGSID:
		return -ENOTTY; /* the master is not a controlling terminal */
	case TCFLSH:
		if (arg == TCOFLUSH || arg == TCIOFLUSH) {
			p->mhead = p->mlen = 0;
			master_wake(p);
		}
		if (arg == TCIFLUSH || arg == TCIOFLUSH)
			return tty_ioctl_common(&p->slave, t, cmd, TCIFLUSH);
		return arg <= TCIOFLUSH ? 0 : -EINVAL;
	default:
		/* termios and the window size are the pair's, shared */
		return tty_ioctl_common(&p->slave, t, cmd, arg);
	}
}

static void master_release(struct file *f)
{
	struct pty *p = master_of(f);
	if (--p->masters)
		return;
	p->slave.host_eof = true;
	tty_hangup(&p->slave);
	pty_maybe_free(p);
}

static const struct file_ops master_fops = {
	.read = master_read,
	.write = master_write,
	.ioctl = master_ioctl,
	.poll = master_poll,
	.release = master_release,
};

/* open of /dev/ptmx: a new pair, the lowest free number */
static int ptmx_open(struct file *f)
{
	int i = 0;
	while (i < PTY_MAX && ptys[i])
		i++;
	if (i == PTY_MAX)
		return -ENOSPC;
	struct pty *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->mcond, &ca);
	pthread_cond_init(&p->slave.cond, &ca);
	pthread_condattr_destroy(&ca);
	p->index = i;
	p->locked = true;
	p->masters = 1;
	struct task *t = current;
	p->uid = t ? t->fsuid : 0;
	p->gid = pts_gid >= 0 ? (u32)pts_gid : t ? t->fsgid : 0;
	p->mode = S_IFCHR | pts_mode;
	tty_defaults(&p->slave);
	p->slave.is_tty = true;
	p->slave.ops = &slave_ops;
	p->slave.priv = p;
	p->slave.fops = &slave_fops;
	tty_register(&p->slave);
	ptys[i] = p;
	f->priv = p;
	f->ops = &master_fops;
	return 0;
}

/* open of /dev/pts/N (or its device number anywhere) */
static int pts_open(struct file *f)
{
	u32 n = minor(f->inode->rdev);
	struct pty *p = n < PTY_MAX ? ptys[n] : NULL;
	if (!p)
		return -ENXIO;
	f->priv = &p->slave;
	f->ops = &slave_fops;
	return slave_open(&p->slave, f);
}

/* ---- devpts ---- */

static const struct inode_ops devpts_iops;
static const struct file_ops devpts_dir_fops;

static struct inode *devpts_inode(u32 mode, u64 ino, u64 rdev, u32 uid, u32 gid)
{
	struct inode *i = inode_new(devpts_sb, mode);
	if (!i)
		return NULL;
	i->ino = ino;
	i->rdev = rdev;
	i->uid = uid;
	i->gid = gid;
	i->iops = &devpts_iops;
	if (S_ISDIR(mode))
		i->fops = &devpts_dir_fops;
	return i;
}

static int devpts_lookup(struct inode *dir, const char *name, struct inode **out)
{
	(void)dir;
	if (!strcmp(name, "ptmx")) {
		*out = devpts_inode(S_IFCHR | ptmx_mode, 2, makedev(PTMX_MAJOR, PTMX_MINOR), 0, 0);
		return *out ? 0 : -ENOMEM;
	}
	char *end;
	unsigned long n = strtoul(name, &end, 10);
	if (!*name || *end || (name[0] == '0' && name[1]) || n >= PTY_MAX || !ptys[n])
		return -ENOENT;
	struct pty *p = ptys[n];
	*out = devpts_inode(p->mode, n + 3, makedev(PTS_MAJOR, n), p->uid, p->gid);
	return *out ? 0 : -ENOMEM;
}

static long devpts_iterate(struct file *f, struct dirent_sink *sink, filldir_t fill)
{
	/* positions: 0 ".", 1 "..", 2 "ptmx", 3+N pty N (stable as pairs come and go) */
	for (s64 pos = f->pos; pos < 3 + PTY_MAX; pos++) {
		char name[16];
		u64 ino;
		unsigned type = DT_CHR;
		if (pos == 0 || pos == 1) {
			strcpy(name, pos ? ".." : ".");
			ino = 1;
			type = DT_DIR;
		} else if (pos == 2) {
			strcpy(name, "ptmx");
			ino = 2;
		} else if (ptys[pos - 3]) {
			snprintf(name, sizeof(name), "%d", (int)(pos - 3));
			ino = pos;
		} else {
			continue;
		}
		if (fill(sink, name, strlen(name), ino, type, pos + 1))
			return 0;
		f->pos = pos + 1;
	}
	f->pos = 3 + PTY_MAX;
	return 0;
}

static const struct inode_ops devpts_iops = { .lookup = devpts_lookup };
static const struct file_ops devpts_dir_fops = { .iterate = devpts_iterate, .seekable = true };

/* One option NAME=VALUE of OPTS (comma-separated), or NULL. */
static const char *opt(const char *opts, const char *name)
{
	size_t n = strlen(name);
	for (const char *o = opts; o && *o; o = strchr(o, ',') ? strchr(o, ',') + 1 : NULL)
		if (!strncmp(o, name, n) && o[n] == '=')
			return o + n + 1;
	return NULL;
}

/* mount -t devpts [-o mode=,gid=,ptmxmode=]: one instance, shared by
 * every mount (as Linux's before each mount became a new instance); the
 * last mount's options apply to the pairs made after it. */
static int devpts_mount(struct super_block *sb, const char *source, const char *opts)
{
	(void)source;
	const char *v;
	if ((v = opt(opts, "ptmxmode")))
		ptmx_mode = strtoul(v, NULL, 8) & 0777;
	if ((v = opt(opts, "mode")))
		pts_mode = strtoul(v, NULL, 8) & 0777;
	if ((v = opt(opts, "gid")))
		pts_gid = strtol(v, NULL, 10);
	devpts_sb = sb;
	sb->root = devpts_inode(S_IFDIR | 0755, 1, 0, 0, 0);
	return sb->root ? 0 : -ENOMEM;
}

static const struct fs_type devpts_type = { "devpts", devpts_mount, NULL };

static const struct chrdev pty_devs[] = {
	{ PTMX_MAJOR, PTMX_MINOR, "ptmx", &master_fops, ptmx_open, 1 },
	{ PTS_MAJOR, 0, "pts", &slave_fops, pts_open, PTY_MAX },
};

void pty_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(pty_devs); i++)
		register_chrdev(&pty_devs[i]);
	register_filesystem(&devpts_type);
}
