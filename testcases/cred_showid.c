/* cred_showid: what an exec'ed program gets: its ids, AT_SECURE and its
 * capabilities (cred_exec runs it as set-id files and under
 * no_new_privs and securebits), and its supplementary groups, if any. */
#include "cred_common.h"
#include <sys/auxv.h>

int main(int argc, char **argv)
{
	show_ids(argc > 1 ? argv[1] : "exec");
	printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
	show_caps("caps");
	gid_t g[8];
	int n = getgroups(8, g);
	if (n > 0) {
		printf("groups:");
		for (int i = 0; i < n; i++)
			printf(" %u", g[i]);
		printf("\n");
	}
	return 0;
}
