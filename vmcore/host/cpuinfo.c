/* The host CPU as /proc/cpuinfo shows it, read once at boot: the guest's
 * virtual CPUs are host CPUs (their tasks run pinned on them), so their
 * vendor, model, flags and bugs are the host's.  Only the first entry is
 * kept; procfs prints it once per guest CPU with that CPU's numbers. */
#include <vmcore/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *first_entry;

void host_cpuinfo_init(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return;
	char line[8192];
	size_t len = 0, cap = 0;
	char *s = NULL;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '\n' && len)
			break; /* the end of the first processor's entry */
		size_t n = strlen(line);
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			char *ns = realloc(s, cap);
			if (!ns)
				break;
			s = ns;
		}
		memcpy(s + len, line, n + 1);
		len += n;
	}
	fclose(f);
	first_entry = s;
}

const char *host_cpuinfo(void)
{
	return first_entry;
}
