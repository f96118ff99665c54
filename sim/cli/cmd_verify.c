/*
 * cmd_verify.c - `numasim verify -t TOPO -w TRACE [-w TRACE]... [--kernel 6.1|6.12]
 * [--format text|json] [--set sim.NAME=V]...` (docs/verify.md): runs the traces on numasim and on a
 * real Linux kernel booted under QEMU on a machine shaped like TOPO (one boot
 * for all of them), and prints both side by side.
 *
 * The work (the guest programs, the initramfs, QEMU, the comparison) is done
 * by verify/verify.py under the data directory; this command checks its
 * arguments, resolves the topology and the traces, and runs it with this
 * numasim's own path. Exit: 0 all agree, 1 a difference, 2 bad input or no
 * kernel or QEMU to be had.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "topo/topo.h"
#include "trace/trace.h"

#define VERIFY_MAX_TRACES 256
#define VERIFY_MAX_SETS 32

static const char verify_usage[] =
	"usage: numasim verify -t TOPO -w TRACE [-w TRACE]... [--kernel 6.1|6.12] [--format "
	"text|json]\n"
	"                      [--set sim.NAME=VALUE]...\n"
	"  boots Debian's Linux KERNEL (default 6.1) under QEMU on a machine shaped like TOPO,\n"
	"  runs every TRACE there and on numasim in one boot, and prints both side by side.\n"
	"  --set gives numasim's side a sim.* tunable that describes the guest (its costs,\n"
	"  sim.boot_memmap); the kernel's own settings come from the traces' sysctl records.\n"
	"Exit status: 0 all agree, 1 a difference, 2 bad input or no kernel/QEMU. See "
	"docs/verify.md.\n";

struct verify_args {
	const char *topo, *kernel, *format;
	const char *traces[VERIFY_MAX_TRACES];
	int nr_traces;
	const char *sets[VERIFY_MAX_SETS];
	int nr_sets;
};

/* The value of option A at argv[*i]: "--opt V", "--opt=V" or "-tV". */
static const char *opt_value(int argc, char **argv, int *i, const char *lng, const char *shrt)
{
	const char *a = argv[*i];
	size_t n = strlen(lng);

	if (!strcmp(a, lng) || (shrt && !strcmp(a, shrt)))
		return ++*i < argc ? argv[*i] : "";
	if (!strncmp(a, lng, n) && a[n] == '=')
		return a + n + 1;
	if (shrt && !strncmp(a, shrt, 2) && a[2])
		return a + 2;
	return NULL;
}

static int verify_parse(int argc, char **argv, struct verify_args *va)
{
	for (int i = 1; i < argc; i++) {
		const char *v;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(verify_usage, stdout);
			return -1;
		}
		if ((v = opt_value(argc, argv, &i, "--topology", "-t"))) {
			va->topo = v;
		} else if ((v = opt_value(argc, argv, &i, "--workload", "-w"))) {
			if (va->nr_traces == VERIFY_MAX_TRACES)
				return cli_usage("verify: at most %d traces in one boot",
						 VERIFY_MAX_TRACES);
			va->traces[va->nr_traces++] = v;
		} else if ((v = opt_value(argc, argv, &i, "--kernel", NULL))) {
			va->kernel = v;
		} else if ((v = opt_value(argc, argv, &i, "--format", NULL))) {
			va->format = v;
		} else if ((v = opt_value(argc, argv, &i, "--set", NULL))) {
			/* only numasim's own tunables: a kernel setting set on one
			 * side only would make the comparison meaningless */
			if (*v && (strncmp(v, "sim.", 4) || !strchr(v, '=')))
				return cli_usage("verify: --set takes sim.NAME=VALUE (a kernel "
						 "setting belongs in the trace as a sysctl "
						 "record), not '%s'",
						 v);
			if (va->nr_sets == VERIFY_MAX_SETS)
				return cli_usage("verify: at most %d --set", VERIFY_MAX_SETS);
			va->sets[va->nr_sets++] = v;
		} else {
			return cli_usage("verify: unexpected argument '%s'", argv[i]);
		}
		if (!*v)
			return cli_usage("verify: %s needs a value", argv[i]);
	}
	if (!va->topo)
		return cli_usage("verify: -t TOPO is required");
	if (!va->nr_traces)
		return cli_usage("verify: -w TRACE is required");
	if (strcmp(va->kernel, "6.1") && strcmp(va->kernel, "6.12"))
		return cli_usage("verify: --kernel must be 6.1 or 6.12, not '%s'", va->kernel);
	if (strcmp(va->format, "text") && strcmp(va->format, "json"))
		return cli_usage("verify: --format must be text or json, not '%s'", va->format);
	return 0;
}

/* A trace as a path: what trace_open() would read (a path, else a shipped workload). */
static char *verify_trace_path(const char *name, struct nerr *err)
{
	struct trace_reader *r = trace_open(name, err);
	char buf[PATH_MAX];
	struct stat st;

	if (!r)
		return NULL;
	trace_close(r);
	if (stat(name, &st) == 0)
		return strdup(name);
	snprintf(buf, sizeof(buf), "%s/workloads/%s.trace", numasim_datadir(), name);
	return strdup(buf);
}

static int verify_exec(char **args)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "numasim verify: fork: %s\n", strerror(errno));
		return EXIT_BADINPUT;
	}
	if (pid == 0) {
		execvp(args[0], args);
		fprintf(stderr, "numasim verify: cannot run %s: %s\n", args[0], strerror(errno));
		_exit(EXIT_BADINPUT);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_BADINPUT;
	if (WIFEXITED(status))
		return WEXITSTATUS(status) <= EXIT_BADINPUT ? WEXITSTATUS(status) : EXIT_BADINPUT;
	return EXIT_BADINPUT;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_args va = {.kernel = "6.1", .format = "text"};
	char topo[PATH_MAX], script[PATH_MAX], self[PATH_MAX];
	char *args[VERIFY_MAX_TRACES + 2 * VERIFY_MAX_SETS + 8] = {0};
	struct topology *t = NULL;
	struct nerr e;
	int rc, n = 0;
	ssize_t len;

	rc = verify_parse(argc, argv, &va);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (topo_resolve(va.topo, topo, sizeof(topo), &e) || topo_load(topo, &t, &e, NULL, NULL))
		return cli_fail(&e);
	topo_free(t);
	snprintf(script, sizeof(script), "%s/verify/verify.py", numasim_datadir());
	if (access(script, R_OK)) {
		fprintf(stderr, "numasim verify: %s: %s\n", script, strerror(errno));
		return EXIT_BADINPUT;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		fprintf(stderr, "numasim verify: cannot find this numasim (/proc/self/exe)\n");
		return EXIT_BADINPUT;
	}
	self[len] = '\0';
	args[n++] = "python3";
	args[n++] = script;
	args[n++] = self;
	args[n++] = topo;
	args[n++] = (char *)va.kernel;
	args[n++] = (char *)va.format;
	for (int i = 0; i < va.nr_sets; i++) {
		args[n++] = "--set";
		args[n++] = (char *)va.sets[i];
	}
	int first_trace = n;

	rc = EXIT_OK;
	for (int i = 0; i < va.nr_traces && rc == EXIT_OK; i++)
		if (!(args[n++] = verify_trace_path(va.traces[i], &e)))
			rc = cli_fail(&e);
	if (rc == EXIT_OK)
		rc = verify_exec(args);
	for (int i = first_trace; i < n; i++)
		free(args[i]);
	return rc;
}
