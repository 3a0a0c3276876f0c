/* Pseudo-terminals (Unix 98): /dev/ptmx and the devpts file system.
 *
 * Opening /dev/ptmx (5:2) makes a pair: the open file is the master, and
 * the slave is a struct tty of tty.c, so it has the console's line
 * discipline (termios, canonical editing, echo, ^C/^Z to signals, job
 * control, a controlling session).  What the slave writes goes, after
 * output processing, into the master's buffer; what the master writes is
 * the slave's input, byte by byte through the line discipline.  The slave
 * is /dev/pts/N (136:N) in devpts, locked until TIOCSPTLCK unlocks it
 * (unlockpt); TIOCGPTN gives N (ptsname), TIOCGPTPEER opens the slave from
 * the master (openpty).
 *
 * Lifetimes, as Linux's: closing the master hangs the slave up (its reads
 * return 0, writes EIO, its session gets SIGHUP); once every slave file
 * has closed, the master's reads return EIO.  The pair is freed when both
 * sides are gone.  The buffers are bounded (TTY_BUF each way), and so is
 * the number of pairs (PTY_MAX, Linux's kernel.pty.max in small). */
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <vmcore/strbuf.h>
#include "tty_internal.h"
#include <dirent.h>
#include <poll.h>
#include <termios.h>
#include <stdlib.h>
#include <string.h>

#define PTY_MAX 256
#define PTS_MAJOR 136
#define TIOCGPTN_ 0x80045430
#define TIOCSPTLCK_ 0x40045431
#define TIOCGPTLCK_ 0x80045439
#define TIOCGPTPEER_ 0x5441

struct pty {
	struct tty tty;          /* the slave's tty (first: tty_of) */
	int index;
	u8 obuf[TTY_BUF];        /* the slave's output, for the master to read */
	size_t ohead, olen;
	bool locked;             /* until unlockpt */
	bool master_open;
	int slave_files;         /* open files of the slave */
	bool slave_opened;       /* ever: the master's EIO comes only after */
	u32 uid, gid;            /* the slave node's owner: the opener of ptmx */
	u32 m_gen_in, m_gen_out; /* the master's readiness generations (epoll) */
};

static struct pty *ptys[PTY_MAX];
/* devpts is one instance, as Linux's without newinstance: every mount of
 * it shows the same device, so that ttyname's st_dev check holds */
static struct super_block *devpts_sb;

static struct pty *pty_of(struct tty *tp)
{
	return (struct pty *)tp;
}

size_t pty_room(struct tty *tp)
{
	return TTY_BUF - pty_of(tp)->olen;
}

/* events for the master's readers (POLLIN: output, a hangup) or writers
 * (POLLOUT: room in the slave's input), as poll_notify */
static void master_notify(struct pty *p, unsigned mask)
{
	if (mask & POLLIN)
		p->m_gen_in++;
	if (mask & POLLOUT)
		p->m_gen_out++;
	poll_wake();
}

void pty_input_room(struct tty *tp)
{
	master_notify(pty_of(tp), POLLOUT);
}

/* the slave's output (and echo) into the master's buffer: what does not
 * fit is dropped, as a full tty drops echo; tty_write waits for room */
static void pty_write_out(struct tty *tp, const u8 *buf, size_t len)
{
	struct pty *p = pty_of(tp);
	for (size_t i = 0; i < len && p->olen < TTY_BUF; i++) {
		p->obuf[(p->ohead + p->olen) % TTY_BUF] = buf[i];
		p->olen++;
	}
	pthread_cond_broadcast(&tp->cond);
	master_notify(p, POLLIN);
}

static void pty_maybe_free(struct pty *p)
{
	if (p->master_open || p->slave_files)
		return;
	ptys[p->index] = NULL;
	tty_unregister(&p->tty);
	free(p);
}

/* ---- the master ---- */

static long ptm_read(struct file *f, void *dst, size_t len, u64 *pos)
{
	struct pty *p = f->priv;
	while (!p->olen) {
		if (p->slave_opened && !p->slave_files)
			return -EIO; /* every slave closed */
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_interruptible(current, &p->tty.cond, NULL) < 0)
			return -ERESTARTSYS;
	}
	size_t n = 0;
	while (n < len && p->olen) {
		((u8 *)dst)[n++] = p->obuf[p->ohead];
		p->ohead = (p->ohead + 1) % TTY_BUF;
		p->olen--;
	}
	pthread_cond_broadcast(&p->tty.cond); /* a writer waiting for room */
	tty_notify(&p->tty, POLLOUT);
	return n;
}

static long ptm_write(struct file *f, const void *src, size_t len, u64 *pos)
{
	struct pty *p = f->priv;
	struct tty *tp = &p->tty;
	size_t n = 0;
	while (n < len) {
		if (tp->rlen >= TTY_BUF - 1) {
			/* the slave's input is full: wait for its reader */
			if (n || (f->flags & O_NONBLOCK))
				break;
			if (wait_interruptible(current, &tp->cond, NULL) < 0)
				return -ERESTARTSYS;
			continue;
		}
		tty_receive(tp, ((const u8 *)src)[n++]);
	}
	pthread_cond_broadcast(&tp->cond);
	tty_notify(tp, POLLIN);
	return n ? (long)n : -EAGAIN;
}

static struct file *slave_file(struct pty *p, u32 flags);

static long ptm_ioctl(struct file *f, struct task *t, unsigned cmd, u64 arg)
{
	struct pty *p = f->priv;
	struct tty *tp = &p->tty;
	int v;
	switch (cmd) {
	case TIOCGPTN_:
		return copy_to_user(t->mm, arg, &p->index, sizeof(int));
	case TIOCSPTLCK_:
		if (copy_from_user(t->mm, &v, arg, sizeof(v)) < 0)
			return -EFAULT;
		p->locked = v != 0;
		return 0;
	case TIOCGPTLCK_:
		v = p->locked;
		return copy_to_user(t->mm, arg, &v, sizeof(v));
	case TIOCGPTPEER_: {
		if (p->locked)
			return -EIO;
		if (arg & ~(u64)(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC))
			return -EINVAL;
		struct file *sf = slave_file(p, arg & (O_ACCMODE | O_NONBLOCK));
		if (!sf)
			return -ENOMEM;
		int fd = fd_install(t, sf, arg & O_CLOEXEC, 0);
		if (fd < 0)
			fput(sf);
		return fd;
	}
	case TCGETS:
		return copy_to_user(t->mm, arg, &tp->tio, sizeof(tp->tio));
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copy_from_user(t->mm, &tp->tio, arg, sizeof(tp->tio)) < 0)
			return -EFAULT;
		return 0;
	case TIOCGWINSZ:
		return copy_to_user(t->mm, arg, &tp->ws, sizeof(tp->ws));
	case TIOCSWINSZ: {
		struct winsize ws;
		if (copy_from_user(t->mm, &ws, arg, sizeof(ws)) < 0)
			return -EFAULT;
		if (memcmp(&ws, &tp->ws, sizeof(ws))) {
			tp->ws = ws;
			if (tp->pgrp > 0)
				kill_pgrp_kernel(tp->pgrp, SIGWINCH);
		}
		return 0;
	}
	case FIONREAD:
		v = p->olen;
		return copy_to_user(t->mm, arg, &v, sizeof(v));
	case TCFLSH:
		if (arg == TCOFLUSH || arg == TCIOFLUSH)
			p->ohead = p->olen = 0;
		return 0;
	case TIOCGPGRP:
		return copy_to_user(t->mm, arg, &tp->pgrp, sizeof(int));
	default:
		return -ENOTTY;
	}
}

static unsigned ptm_poll(struct file *f)
{
	struct pty *p = f->priv;
	unsigned m = 0;
	if (p->olen)
		m |= POLLIN | POLLRDNORM;
	if (p->slave_opened && !p->slave_files)
		m |= POLLHUP | POLLIN;
	if (p->tty.rlen < TTY_BUF - 1)
		m |= POLLOUT | POLLWRNORM;
	return m;
}

static u64 ptm_poll_gen(struct file *f)
{
	struct pty *p = f->priv;
	return p ? p->m_gen_in | (u64)p->m_gen_out << 32 : 0;
}

static void ptm_release(struct file *f)
{
	struct pty *p = f->priv;
	if (!p)
		return;
	p->master_open = false;
	tty_hangup(&p->tty);
	pty_maybe_free(p);
}

static const struct file_ops ptm_fops = {
	.read = ptm_read, .write = ptm_write, .ioctl = ptm_ioctl, .poll = ptm_poll,
	.poll_gen = ptm_poll_gen, .release = ptm_release,
};

static int ptmx_open(struct file *f)
{
	int i = 0;
	while (i < PTY_MAX && ptys[i])
		i++;
	if (i == PTY_MAX)
		return -ENOSPC; /* Linux's answer past kernel.pty.max */
	struct pty *p = kzalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->index = i;
	p->locked = true;
	p->master_open = true;
	p->uid = current ? current->fsuid : 0;
	p->gid = current ? current->fsgid : 0;
	tty_register(&p->tty);
	p->tty.write_out = pty_write_out;
	ptys[i] = p;
	f->ops = &ptm_fops;
	f->priv = p;
	return 0;
}

/* ---- the slave ---- */

int pty_slave_get(struct tty *tp)
{
	struct pty *p = pty_of(tp);
	p->slave_files++;
	p->slave_opened = true;
	return 0;
}

void pty_slave_release(struct file *f)
{
	struct pty *p = f->priv;
	if (!p)
		return;
	if (--p->slave_files == 0) {
		pthread_cond_broadcast(&p->tty.cond);
		master_notify(p, POLLIN); /* hung up */
	}
	pty_maybe_free(p);
}

static struct inode *pts_inode(struct super_block *sb, struct pty *p)
{
	struct inode *ino = inode_new(sb, S_IFCHR | 0620);
	if (!ino)
		return NULL;
	ino->rdev = makedev(PTS_MAJOR, p->index);
	ino->ino = p->index + 3;
	ino->uid = p->uid;
	ino->gid = p->gid;
	return ino;
}

static struct file *slave_file(struct pty *p, u32 flags)
{
	struct inode *ino = pts_inode(devpts_sb, p);
	if (!ino)
		return NULL;
	struct file *f = file_alloc(ino, NULL, flags);
	iput(ino);
	if (!f)
		return NULL;
	f->ops = &tty_slave_fops;
	f->priv = p;
	pty_slave_get(&p->tty);
	return f;
}

/* open of 136:N, wherever its node is: EIO while locked or hung up */
static int pts_open(struct file *f)
{
	u32 n = minor(f->inode->rdev);
	struct pty *p = n < PTY_MAX ? ptys[n] : NULL;
	if (!p)
		return -ENXIO;
	if (p->locked || !p->master_open)
		return -EIO;
	f->ops = &tty_slave_fops;
	f->priv = p;
	int r = pty_slave_get(&p->tty);
	if (r == 0)
		tty_maybe_acquire(&p->tty, f);
	return r;
}

static const struct chrdev ptmx_dev = { 5, 2, "ptmx", &ptm_fops, ptmx_open };
static const struct chrdev pts_dev = { PTS_MAJOR, 0, "pts", &tty_slave_fops, pts_open, true };

/* ---- devpts: the slaves of the live pairs, and ptmx ---- */

static const struct inode_ops devpts_iops;
static const struct file_ops devpts_dir_fops;

static int devpts_lookup(struct inode *dir, const char *name, struct inode **out)
{
	if (!strcmp(name, "ptmx")) {
		/* Linux's default ptmxmode=000: /dev/ptmx is the one to use */
		struct inode *ino = inode_new(dir->sb, S_IFCHR);
		if (!ino)
			return -ENOMEM;
		ino->rdev = makedev(5, 2);
		ino->ino = 2;
		*out = ino;
		return 0;
	}
	char *end;
	long n = strtol(name, &end, 10);
	if (*end || end == name || n < 0 || n >= PTY_MAX || !ptys[n] || !ptys[n]->master_open)
		return -ENOENT;
	*out = pts_inode(dir->sb, ptys[n]);
	return *out ? 0 : -ENOMEM;
}

static long devpts_iterate(struct file *f, struct dirent_sink *sink, filldir_t fill)
{
	/* positions: 0 ".", 1 "..", 2 "ptmx", 3 + N the slave N */
	char name[16];
	for (s64 pos = f->pos; pos < 3 + PTY_MAX; pos++) {
		const char *nm = pos == 0 ? "." : pos == 1 ? ".." : pos == 2 ? "ptmx" : NULL;
		unsigned type = pos < 2 ? DT_DIR : DT_CHR;
		if (!nm) {
			struct pty *p = ptys[pos - 3];
			if (!p || !p->master_open)
				continue;
			snprintf(name, sizeof(name), "%d", (int)(pos - 3));
			nm = name;
		}
		if (fill(sink, nm, strlen(nm), pos < 2 ? 1 : pos, type, pos + 1))
			return 0;
		f->pos = pos + 1;
	}
	return 0;
}

static const struct inode_ops devpts_iops = { .lookup = devpts_lookup };
static const struct file_ops devpts_dir_fops = { .iterate = devpts_iterate, .seekable = true };

static int devpts_mount(struct super_block *sb, const char *source, const char *opts)
{
	struct inode *root = inode_new(sb, S_IFDIR | 0755);
	if (!root)
		return -ENOMEM;
	root->ino = 1;
	root->nlink = 2;
	root->iops = &devpts_iops;
	root->fops = &devpts_dir_fops;
	sb->root = root;
	if (devpts_sb)
		sb->dev = devpts_sb->dev;
	else
		devpts_sb = sb;
	return 0;
}

const struct fs_type devpts_type = { "devpts", devpts_mount };

__attribute__((constructor)) static void pty_register(void)
{
	register_chrdev(&ptmx_dev);
	register_chrdev(&pts_dev);
	register_filesystem(&devpts_type);
}
