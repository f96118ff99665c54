/*
 * fuzz_run.c - libFuzzer target: arbitrary trace text replayed with
 * --check on the tracegen machine (four nodes of 8 MiB). Where fuzz_trace
 * stops at the parser, this runs what parses, absurd sizes included
 * (len=1TiB, count=2^63, addresses near 2^64, huge pids): the replay must
 * end - with exit-2 style errors or errnos - within libFuzzer's -timeout,
 * and never break an invariant.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay_one.h"
#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_check_failure(const char *msg, const char *path)
{
	static const char *const forms[] = {
		": --check after this record", ": --check after an event", ": --check at the end",
		": internal error:", /* the replay's own "FILE:LINE: internal error: ..." */
	};
	size_t n = strlen(path);

	if (strncmp(msg, path, n) != 0)
		return false;
	msg += n;
	if (msg[0] == ':' && msg[1] >= '0' && msg[1] <= '9') /* FILE:LINE: */
		msg += 1 + strspn(msg + 1, "0123456789");
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (strncmp(msg, forms[i], strlen(forms[i])) == 0)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct topology *t = replay_one_topology();
	struct tunables tun;
	struct nerr err;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/numasim-fuzz-run-%d.trace", (int)getpid());
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	fputs(TRACE_MAGIC "\n", f);
	fwrite(data, 1, size, f);
	fclose(f);
	tunables_init(&tun);
	struct sim *s = sim_create(t, &tun, &err);

	if (!s)
		abort();
	s->check = true;
	/* An invariant failure is the replay's own diagnostic, "FILE:LINE:
	 * --check after this record: ..." (or after an event, or at the
	 * end), and an internal error is "FILE:LINE: internal error: ...",
	 * both right after the trace's path: a parse error that merely
	 * echoes a mutated token containing "--check" or "internal error"
	 * (libFuzzer's dictionary inserts such strings) is neither. */
	if (replay_run(s, path, &(struct replay_opts){0}, NULL, &err) &&
	    (is_check_failure(err.msg, path) || strchr(err.msg, '\n'))) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	sim_destroy(s);
	return 0;
}
