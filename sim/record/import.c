/*
 * import.c - `numasim import`: opens each file and hands it to the
 * reader of its kind (import_strace.c, import_perf.c, import_lackey.c).
 */
#include <errno.h>
#include <string.h>

#include "record/record.h"

int import_file(struct rec_log *g, const struct import_opts *o, const char *path, uint32_t *next_mm,
		struct nerr *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int rc;

	if (!f)
		return nerr_set(err, "%s: cannot open: %s", path, strerror(errno));
	switch (o->kind) {
	case IMPORT_STRACE:
		rc = import_strace(g, f, path, o->expect_rc, next_mm, err);
		break;
	case IMPORT_PERF:
		rc = import_perf(g, f, path, next_mm, err);
		break;
	default:
		rc = import_lackey(g, f, path, o->interval_ns, next_mm, err);
		break;
	}
	if (f != stdin)
		fclose(f);
	return rc;
}
