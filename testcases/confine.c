/* confine: a hostfs root never lets a path, a symlink or a rename reach
 * outside it.  The test leaves /outside.txt next to (not inside) the root,
 * and inside the root: up -> "..", abs -> "/", esc -> "../outside.txt",
 * deep -> "/../../outside.txt". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

static int reaches_outside(const char *path)
{
	char buf[64] = { 0 };
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strstr(buf, "OUTSIDE") != NULL;
}

int main(void)
{
	char cwd[256];
	CHECK(!reaches_outside("/../outside.txt"));
	CHECK(!reaches_outside("../outside.txt"));
	CHECK(!reaches_outside("/up/outside.txt"));
	CHECK(!reaches_outside("/up/up/up/outside.txt"));
	CHECK(!reaches_outside("/abs/../outside.txt"));
	CHECK(!reaches_outside("/esc"));
	CHECK(!reaches_outside("/deep"));
	CHECK(chdir("/up/up") == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0);
	CHECK(!reaches_outside("outside.txt"));
	/* writes: a new file through the escaping links lands inside, if anywhere */
	int fd = open("/up/made-by-guest", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK(access("/made-by-guest", F_OK) == 0);
	/* rename "out of" the root stays in it */
	fd = open("/moveme", O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK(rename("/moveme", "/../moved") == 0 && access("/moved", F_OK) == 0);
	CHECK(symlink("/../../etc", "/newlink") == 0 && !reaches_outside("/newlink/../outside.txt"));
	printf("%d failures\n", fails);
	return fails != 0;
}
