/* A terminal: termios, a line discipline, a controlling session and a
 * foreground process group (fs/tty.c).  The console is one (its device
 * side is the host's terminal or pipe); each pseudo-terminal's slave is
 * another (its device side is the master: fs/pty.c). */
#ifndef VMCORE_TTY_H
#define VMCORE_TTY_H

#include <vmcore/vfs.h>
#include <sys/ioctl.h>

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

struct tty;
struct tty_ops {
	/* output after processing, to the device side */
	void (*write)(struct tty *tty, const u8 *buf, size_t len);
	/* a file of this terminal was opened (0 or -errno) / closed */
	int (*open)(struct tty *tty, struct file *f);
	void (*release)(struct tty *tty, struct file *f);
	/* the device side is gone: reads return 0, writes EIO */
	bool (*hung_up)(struct tty *tty);
};

struct tty {
	const struct tty_ops *ops; /* NULL: the console */
	const struct file_ops *fops; /* of its files (NULL: tty_fops) */
	bool is_tty;            /* a terminal (the console: host stdin is one) */
	struct ktermios tio;
	struct winsize ws;
	u8 rbuf[TTY_BUF];       /* input ready for read() */
	size_t rhead, rlen;
	int eofs;               /* ^D on an empty line: reads returning 0 */
	bool host_eof;          /* the device side's input ended */
	char line[4096];        /* the line being edited (canonical mode) */
	size_t llen;
	int session, pgrp;      /* controlling session, foreground group */
	pthread_cond_t cond;    /* input arrived or was taken, state changed */
	struct tty *next;       /* all terminals */
	void *priv;
};

/* The line discipline, for a terminal's device side. */
void tty_defaults(struct tty *tty);
void tty_receive(struct tty *tty, u8 c); /* one byte of input, under the BKL */
/* space left in the input buffer */
static inline size_t tty_room(const struct tty *tty)
{
	return TTY_BUF - tty->rlen;
}
void tty_register(struct tty *tty);   /* into the list of all terminals */
void tty_unregister(struct tty *tty);
/* The generic terminal file operations; a file's terminal is f->priv. */
extern const struct file_ops tty_fops;
/* ioctls every terminal has (termios, window size, job control): the
 * master side of a pty passes its termios/winsize ones here too */
long tty_ioctl_common(struct tty *tty, struct task *t, unsigned cmd, u64 arg);
/* A session leader without a controlling terminal that opens TTY without
 * O_NOCTTY gets it as one. */
void tty_maybe_acquire(struct tty *tty, struct file *f);
/* hangup: SIGHUP and SIGCONT to the session's foreground group */
void tty_hangup(struct tty *tty);

#endif
