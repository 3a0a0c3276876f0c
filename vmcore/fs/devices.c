/* Character devices: the memory devices (null, zero, full, random,
 * urandom) and the console's device numbers (the tty itself is tty.c). */
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

static const struct chrdev devs[] = {
	{ 1, 3, "null", &null_fops, NULL },
	{ 1, 5, "zero", &zero_fops, NULL },
	{ 1, 7, "full", &full_fops, NULL },
	{ 1, 8, "random", &random_fops, NULL },
	{ 1, 9, "urandom", &random_fops, NULL },
	{ 5, 0, "tty", &console_fops, tty_open_current },
	{ 5, 1, "console", &console_fops, NULL },
	{ 4, 0, "tty0", &console_fops, tty_open_vt },
	{ 4, 1, "tty1", &console_fops, tty_open_vt },
};

void console_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(devs); i++)
		register_chrdev(&devs[i]);
	tty_init();
}
