/* Character devices: the memory devices (null, zero, full, random,
 * urandom) and the console. */
#include <vmcore/vfs.h>
#include <vmcore/task.h>
#include <vmcore/signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <termios.h>
#include <unistd.h>

static long null_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	return 0;
}

static long null_write(struct file *f, const void *buf, size_t len, u64 *pos)
{
	return len;
}

static long zero_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	memset(buf, 0, len);
	return len;
}

static long full_write(struct file *f, const void *buf, size_t len, u64 *pos)
{
	return -ENOSPC;
}

static long random_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	ssize_t n = getrandom(buf, len, 0);
	return n < 0 ? -errno : n;
}

static const struct file_ops null_fops = { .read = null_read, .write = null_write, .seekable = true };
static const struct file_ops zero_fops = { .read = zero_read, .write = null_write, .seekable = true };
static const struct file_ops full_fops = { .read = zero_read, .write = full_write, .seekable = true };
static const struct file_ops random_fops = { .read = random_read, .write = null_write };

/* The console: the host's stdin and stdout.  The kernel's main thread
 * reads stdin into a buffer (console_input_loop); guest reads take from the
 * buffer and sleep, interruptibly, while it is empty.  The tty layer
 * (termios, line editing, job control) builds on this. */
static struct {
	u8 buf[4096];
	size_t head, len;
	bool eof;
	pthread_cond_t cond;
} con = { .cond = PTHREAD_COND_INITIALIZER };

static long con_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	while (!con.len) {
		if (con.eof) {
			return 0;
		}
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_interruptible(current, &con.cond, NULL) < 0)
			return -ERESTARTSYS;
	}
	size_t n = 0;
	while (n < len && con.len) {
		((u8 *)buf)[n++] = con.buf[con.head];
		con.head = (con.head + 1) % sizeof(con.buf);
		con.len--;
	}
	pthread_cond_broadcast(&con.cond);
	return n;
}

/* The main thread's loop: move host input to the console buffer. */
void console_input_loop(void)
{
	u8 buf[1024];
	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		bkl_lock();
		if (n <= 0) {
			con.eof = true;
			pthread_cond_broadcast(&con.cond);
			bkl_unlock();
			for (;;)
				pause();
		}
		for (ssize_t i = 0; i < n;) {
			if (con.len == sizeof(con.buf)) {
				/* full: wait for a reader to make room */
				bkl_wait(&con.cond);
				continue;
			}
			con.buf[(con.head + con.len) % sizeof(con.buf)] = buf[i++];
			con.len++;
		}
		pthread_cond_broadcast(&con.cond);
		bkl_unlock();
	}
}

static long con_write(struct file *f, const void *buf, size_t len, u64 *pos)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(1, (const u8 *)buf + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return done ? (long)done : -EIO;
		}
		done += n;
	}
	return done;
}

static long con_ioctl(struct file *f, struct task *t, unsigned cmd, u64 arg)
{
	struct termios tio;
	struct winsize ws;
	switch (cmd) {
	case TCGETS:
		if (tcgetattr(1, &tio) < 0 && tcgetattr(0, &tio) < 0)
			return -ENOTTY;
		/* struct termios of the kernel ABI: 4 flags, line, 19 cc (36 bytes) */
		{
			u8 k[36];
			memcpy(k, &tio.c_iflag, 4);
			memcpy(k + 4, &tio.c_oflag, 4);
			memcpy(k + 8, &tio.c_cflag, 4);
			memcpy(k + 12, &tio.c_lflag, 4);
			k[16] = tio.c_line;
			memcpy(k + 17, tio.c_cc, 19);
			return copy_to_user(t->mm, arg, k, sizeof(k));
		}
	case TIOCGWINSZ:
		if (ioctl(1, TIOCGWINSZ, &ws) < 0 && ioctl(0, TIOCGWINSZ, &ws) < 0)
			return -ENOTTY;
		return copy_to_user(t->mm, arg, &ws, sizeof(ws));
	default:
		if (!isatty(0) && !isatty(1))
			return -ENOTTY;
		return -EINVAL;
	}
}

const struct file_ops console_fops = {
	.read = con_read,
	.write = con_write,
	.ioctl = con_ioctl,
};

static struct inode *console_inode;

struct file *console_open(void)
{
	return file_alloc(console_inode, NULL, O_RDWR);
}

static const struct chrdev devs[] = {
	{ 1, 3, "null", &null_fops, NULL },
	{ 1, 5, "zero", &zero_fops, NULL },
	{ 1, 7, "full", &full_fops, NULL },
	{ 1, 8, "random", &random_fops, NULL },
	{ 1, 9, "urandom", &random_fops, NULL },
	{ 5, 0, "tty", &console_fops, NULL },
	{ 5, 1, "console", &console_fops, NULL },
	{ 4, 0, "tty0", &console_fops, NULL },
	{ 4, 1, "tty1", &console_fops, NULL },
};

void console_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(devs); i++)
		register_chrdev(&devs[i]);
	console_inode = inode_new(NULL, S_IFCHR | 0600);
	console_inode->rdev = makedev(5, 1);
	console_inode->fops = &console_fops;
}
