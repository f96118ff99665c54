/*
 * datadir.c - where the shipped topologies and workloads are.
 *
 * `-t ring4` and `-w default` name files under <datadir>/topologies and
 * <datadir>/workloads. An installed numasim finds them relative to itself,
 * so an install tree works wherever it is copied (docs/api.md,
 * "Installing"):
 *  1. $NUMASIM_DATADIR when set;
 *  2. <directory of the running program>/<bin-to-data>, the path from the
 *     install's bindir to <datadir>/numasim (../share/numasim);
 *  3. <directory of the library holding this code>/<lib-to-data>, for a
 *     program linked with libnumasim.so (the Python module);
 *  4. the source tree numasim was built from (a build run in place);
 *  5. the data directory the build was configured to install into.
 * A candidate counts when it has a topologies/ directory.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "topo/topo.h"

#ifndef NUMASIM_BIN_TO_DATA
#define NUMASIM_BIN_TO_DATA "../share/numasim"
#endif
#ifndef NUMASIM_LIB_TO_DATA
#define NUMASIM_LIB_TO_DATA "../share/numasim"
#endif

static bool has_topologies(const char *dir)
{
	char p[PATH_MAX + 16];
	struct stat st;

	snprintf(p, sizeof(p), "%s/topologies", dir);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* buf = dirname(file) + "/" + rel, when that has topologies/. */
static bool beside(const char *file, const char *rel, char *buf, size_t len)
{
	const char *slash = file ? strrchr(file, '/') : NULL;

	if (!slash)
		return false;
	int n = snprintf(buf, len, "%.*s/%s", (int)(slash - file), file, rel);

	return n > 0 && (size_t)n < len && has_topologies(buf);
}

static bool beside_program(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return false;
	exe[n] = '\0';
	return beside(exe, NUMASIM_BIN_TO_DATA, buf, len);
}

static bool beside_library(char *buf, size_t len)
{
	Dl_info info;
	char real[PATH_MAX];

	if (!dladdr((void *)&datadir_find, &info) || !info.dli_fname)
		return false;
	/* through symlinks: libnumasim.so -> libnumasim.so.0 -> ... */
	if (!realpath(info.dli_fname, real))
		return false;
	return beside(real, NUMASIM_LIB_TO_DATA, buf, len);
}

const char *datadir_find(char *buf, size_t len)
{
	const char *d = getenv("NUMASIM_DATADIR");

	if (d && *d) {
		snprintf(buf, len, "%s", d);
		return buf;
	}
	if (beside_program(buf, len) || beside_library(buf, len))
		return buf;
#ifdef NUMASIM_INSTALL_DATADIR
	if (!has_topologies(NUMASIM_DATADIR)) {
		snprintf(buf, len, "%s", NUMASIM_INSTALL_DATADIR);
		return buf;
	}
#endif
	snprintf(buf, len, "%s", NUMASIM_DATADIR);
	return buf;
}
