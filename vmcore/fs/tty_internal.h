/* A tty: termios, the line discipline's buffers, and the session it
 * controls.  The console (tty.c) is one; each pseudo-terminal's slave
 * (pty.c) is another, its output going to the master instead of the host
 * and its input coming from writes to the master. */
#ifndef VMCORE_TTY_INTERNAL_H
#define VMCORE_TTY_INTERNAL_H
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

struct tty {
	bool is_tty;            /* a terminal (the console: host stdin is one) */
	struct ktermios tio;
	struct winsize ws;
	u8 rbuf[TTY_BUF];       /* input ready for read() */
	size_t rhead, rlen;
	int eofs;               /* ^D on an empty line: reads returning 0 */
	bool host_eof;          /* no more input ever: the host's stdin ended,
	                         * or a pty's master was closed (hung up) */
	char line[4096];        /* the line being edited (canonical mode) */
	size_t llen;
	int session, pgrp;      /* controlling session, foreground group */
	pthread_cond_t cond;
	/* a pty's slave: where output goes (NULL: the host's stdout) */
	void (*write_out)(struct tty *tp, const u8 *buf, size_t len);
	struct tty *next;       /* all ttys (tty_register) */
	/* readiness generations (tty_notify), for epoll's edge-triggered
	 * items on any file of this tty */
	u32 gen_in, gen_out;
};
/* events of MASK's directions happened on tp (as poll_notify): POLLIN,
 * input or a hangup for its readers; POLLOUT, room for its writers */
void tty_notify(struct tty *tp, unsigned mask);

/* output processing (ONLCR...) then write_out; never blocks */
void tty_output(struct tty *tp, const u8 *buf, size_t len);
/* one byte of input through the line discipline (echo, signals, editing) */
void tty_receive(struct tty *tp, u8 c);
/* A session leader without a controlling terminal that opens TP without
 * O_NOCTTY gets it as one (Linux's tty_open). */
void tty_maybe_acquire(struct tty *tp, struct file *f);
/* a new tty: defaults of a Linux tty, in the list tty_session_exit walks */
void tty_register(struct tty *tp);
void tty_unregister(struct tty *tp);
/* a hang-up: the session's foreground group gets SIGHUP and SIGCONT, the
 * tty is no one's controlling terminal any more */
void tty_hangup(struct tty *tp);
/* the slave's file operations (read, write, ioctl and poll of any tty) */
extern const struct file_ops tty_slave_fops;
/* pty.c: a slave's release, and the room left in its master's buffer */
void pty_slave_release(struct file *f);
int pty_slave_get(struct tty *tp); /* one more open file of the slave: 0 */
size_t pty_room(struct tty *tp);
/* a pty slave's reader took input: room for the master's writers */
void pty_input_room(struct tty *tp);
#endif
