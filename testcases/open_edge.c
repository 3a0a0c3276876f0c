/* open_edge: corners of open(2) that programs rely on, as Linux has them.
 * Works in the current directory (a writable one). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s: %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
	if (r >= 0)
		close(r);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	mkdir("oe_dir", 0755);
	close(open("oe_dir/file", O_CREAT | O_WRONLY, 0644));
	/* a trailing slash names a directory: shutil.copyfile's "does not exist" case */
	show("O_CREAT new/", open("oe_dir/new/", O_CREAT | O_WRONLY | O_TRUNC, 0644));
	show("new/ created nothing", access("oe_dir/new", F_OK));
	show("O_CREAT file/", open("oe_dir/file/", O_CREAT | O_WRONLY, 0644));
	show("O_CREAT dir/", open("oe_dir/", O_CREAT | O_WRONLY, 0644));
	show("O_CREAT|O_EXCL dir/", open("oe_dir/", O_CREAT | O_EXCL | O_WRONLY, 0644));
	show("O_RDONLY file/", open("oe_dir/file/", O_RDONLY));
	show("O_CREAT missing/x", open("oe_dir/missing/x", O_CREAT | O_WRONLY, 0644));
	unlink("oe_dir/file");
	rmdir("oe_dir");
	return 0;
}
