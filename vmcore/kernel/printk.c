/* The kernel log: a ring buffer of lines with Linux-style timestamps, read
 * by syslog(2), echoed to the console (./linux's stderr) for messages more
 * urgent than console_loglevel.  Guest output has stdout to itself. */
#include <vmcore/kernel.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LOG_BUF_LEN (128 * 1024)
static char log_buf[LOG_BUF_LEN];
static size_t log_start, log_len; /* ring: oldest byte, bytes held */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
int console_loglevel = 7;

static void log_store(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		log_buf[(log_start + log_len) % LOG_BUF_LEN] = s[i];
		if (log_len < LOG_BUF_LEN)
			log_len++;
		else
			log_start = (log_start + 1) % LOG_BUF_LEN;
	}
}

void printk(int level, const char *fmt, ...)
{
	char msg[1024], line[1100];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	u64 ns = ktime_ns();
	int n = snprintf(line, sizeof(line), "[%5llu.%06llu] %s", (unsigned long long)(ns / 1000000000),
			 (unsigned long long)(ns % 1000000000 / 1000), msg);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (n && line[n - 1] != '\n')
		line[n++] = '\n';
	pthread_mutex_lock(&log_lock);
	log_store(line, n);
	pthread_mutex_unlock(&log_lock);
	if (level < console_loglevel) {
		/* console lines carry no timestamp prefix when quiet, like printk.time=0 */
		ssize_t r = write(2, line, n);
		(void)r;
	}
}

size_t log_read_all(char *buf, size_t len)
{
	pthread_mutex_lock(&log_lock);
	size_t n = MIN(len, log_len);
	size_t skip = log_len - n; /* keep the newest */
	for (size_t i = 0; i < n; i++)
		buf[i] = log_buf[(log_start + skip + i) % LOG_BUF_LEN];
	pthread_mutex_unlock(&log_lock);
	return n;
}

size_t log_size(void)
{
	return log_len;
}

void log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_start = log_len = 0;
	pthread_mutex_unlock(&log_lock);
}
