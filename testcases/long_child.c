/* long_child: one short program of long_spawn's run: a pipe, a thread
 * that writes a line into it, the main thread reads it and joins the
 * thread.  Exits 3 when all went well (long_spawn checks the status). */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static int p[2];

static void *writer(void *arg)
{
	(void)arg;
	return (void *)(long)(write(p[1], "ping\n", 5) == 5);
}

int main(void)
{
	char buf[8];
	pthread_t t;
	void *ok;
	if (pipe(p) < 0 || pthread_create(&t, NULL, writer, NULL))
		return 1;
	ssize_t n = read(p[0], buf, sizeof(buf));
	if (pthread_join(t, &ok) || !ok)
		return 2;
	return n == 5 && !memcmp(buf, "ping\n", 5) ? 3 : 4;
}
