/*
 * help.c - the one text behind `numasim --help`, `numasim CMD --help`
 * and the numasim(1) man page (`numasim help --man`, run at build time).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/suggest.h"

struct help_opt {
	const char *spelling, *meaning;
};

struct help_cmd {
	const char *name;
	const char *synopsis[3]; /* after "numasim " */
	const char *what;	 /* one paragraph */
	struct help_opt opts[16];
};

static const struct help_cmd help_cmds[] = {
	{"run",
	 {"run -t TOPO -w TRACE [--set k=v]... [--format text|json|html] [-o FILE]",
	  "    [--seed N] [--check] [--progress|--no-progress] [--timeseries INTERVAL]"},
	 "Replays the trace on the machine and prints a report (docs/report.md). Without -t and -w "
	 "it runs the shipped default workload on ring4.",
	 {{"-t, --topology TOPO", "the machine: a topology file or a shipped name (default ring4)"},
	  {"-w, --workload TRACE",
	   "the workload: a trace file or a shipped name (default default)"},
	  {"--set k=v", "set a tunable before the run, repeatable (see numasim tunables)"},
	  {"--seed N", "seed of every random stream (same as --set sim.seed=N)"},
	  {"--format text|json|html", "the report's form (default text)"},
	  {"-o, --output FILE", "write the report to FILE, renamed into place when complete"},
	  {"--check", "verify the model's invariants after every record and event"},
	  {"--progress, --no-progress",
	   "a progress line on stderr every second of host time: records, simulated time, rate "
	   "(default on when stderr is a terminal)"},
	  {"--timeseries INTERVAL",
	   "sample memory per node every INTERVAL of simulated time (e.g. 1ms)"}}},
	{"compare",
	 {"compare -t TOPO[,TOPO...] -w TRACE[,TRACE...] --vary k=v1,v2,... [--vary ...]",
	  "    [--set k=v]... [--format text|json|csv] [-o FILE] [--jobs N] [--shard K/N] "
	  "[--list]"},
	 "Runs every combination of topologies, workloads and --vary values (tunables or trace "
	 "parameters) and prints one table whose rows name their topology, workload and values "
	 "(docs/compare.md, docs/sweeps.md).",
	 {{"-t, --topology TOPO[,TOPO...]", "the machines, repeatable"},
	  {"-w, --workload TRACE[,TRACE...]", "the workloads, repeatable"},
	  {"--vary k=v1,v2,...", "a tunable or trace parameter and the values to try, repeatable"},
	  {"--set k=v", "a tunable or trace parameter for every variant, repeatable"},
	  {"--format text|json|csv", "the table's form (default text)"},
	  {"-o FILE", "write the table to FILE (default stdout)"},
	  {"--jobs N", "run N simulations at once (default: every core), within host memory"},
	  {"--shard K/N", "run only the K-th of N slices of the variants (1-based)"},
	  {"--list", "print one numasim run command line per variant, nothing else"}}},
	{"merge",
	 {"merge FILE... [-o FILE]"},
	 "Merges the JSON outputs of compare --shard runs into the one compare report the "
	 "unsharded run gives, byte for byte (docs/sweeps.md).",
	 {{"FILE...", "the shards' compare --format json outputs"},
	  {"-o FILE", "write the report to FILE (default stdout)"}}},
	{"explain",
	 {"explain -t TOPO -w TRACE [--set k=v]... [--seed N] [--level summary|decisions|all]",
	  "    [--pid PID] [--from TIME] [--to TIME]"},
	 "Runs like run but narrates each record and the decisions the kernel model takes for it: "
	 "task placement, where each page comes from and why, watermarks, fallback, reclaim, "
	 "kswapd, migration, NUMA balancing, and whether each expect held.",
	 {{"-t, --topology TOPO", "the machine"},
	  {"-w, --workload TRACE", "the workload"},
	  {"--set k=v", "set a tunable, repeatable"},
	  {"--seed N", "seed of every random stream"},
	  {"--level summary", "one line per record, no decisions"},
	  {"--level decisions",
	   "(default) the records and each distinct decision; a decision repeated within a record, "
	   "or repeated by consecutive records of the same op, is counted instead of printed"},
	  {"--level all", "every record and every decision, nothing collapsed"},
	  {"--pid PID", "only records of task PID and the decisions taken for them"},
	  {"--from TIME, --to TIME",
	   "only what happens in this window of simulated time (e.g. 5ms)"},
	  {"--check", "verify invariants as run does"}}},
	{"topo",
	 {"topo show|validate|order -t TOPO"},
	 "show prints the machine as numactl --hardware does; validate checks a topology file; "
	 "order prints each node's fallback order as the kernel logs it at boot "
	 "(docs/topology-format.md).",
	 {{"-t, --topology TOPO", "the machine (default ring4)"}}},
	{"gen",
	 {"gen SCENARIO [key=value ...]"},
	 "Writes a trace for one scenario to stdout: compile, dilemma, shared-array, "
	 "random-access, "
	 "cron, pagecache, default (docs/workloads.md lists the keys).",
	 {{"key=value", "nodes, cpus-per-node, tasks, size, count, seed, page-size, rounds, "
			"zone-reclaim, policy"}}},
	{"trace",
	 {"trace validate -w TRACE [--set NAME=V]... [--vary NAME=V1,V2,...]...",
	  "trace convert -w TRACE -o OUT [--set NAME=V]..."},
	 "validate parses a whole trace without running it and prints PATH: ok (N records), or its "
	 "first error (docs/trace-format.md); with parameter values, checks the trace with each. "
	 "convert writes a text trace as a binary one, or a binary one as text.",
	 {{"-w, --workload TRACE", "the trace to check or convert"},
	  {"-o, --output OUT", "convert: the file written (- for stdout)"},
	  {"--set NAME=V", "a trace parameter's value, repeatable"},
	  {"--vary NAME=V1,V2,...", "check the trace with each value, repeatable"}}},
	{"tunables",
	 {"tunables [NAME...]"},
	 "Lists every tunable accepted by --set, --vary and sysctl records: name, default, range, "
	 "the kernel knob it models and its meaning. With names, only those.",
	 {{"NAME", "a tunable, e.g. vm.zone_reclaim_mode"}}},
	{"quiz",
	 {"quiz [TOPIC] [--seed N] [-c] [--files DIR]"},
	 "Generates a small problem - a topology and a short trace - and asks for predictions, in "
	 "the style of the OSTEP homework simulators. -c prints the worked answer, the rule and "
	 "the kernel function behind it; the answer is what numasim's simulation of the problem "
	 "gives. Without TOPIC, lists the topics (docs/quiz.md).",
	 {{"TOPIC", "fallback, first-touch, policies, cpusets, migration, pagecache, kswapd, "
		    "scaling, balancing, thp, tiers"},
	  {"--seed N", "which problem (default 1)"},
	  {"-c", "print the answer"},
	  {"--files DIR", "write the problem as DIR/quiz.json and DIR/quiz.trace (its expect lines "
			  "are the answers), to run it yourself with numasim run --check"}}},
	{"verify",
	 {"verify -t TOPO -w TRACE [-w TRACE]... [--kernel 6.1|6.12] [--format text|json] [--set "
	  "sim.NAME=V]..."},
	 "Boots Debian's Linux kernel (default 6.1) under QEMU on a machine shaped like TOPO (its "
	 "nodes, CPUs, memory and SLIT), runs every TRACE there and on numasim in one boot, and "
	 "prints both side by side with each comparison's tolerance. Exit 0 when all agree, 1 on "
	 "a difference, 2 for bad input or when QEMU or the kernel cannot be had (docs/verify.md).",
	 {{"-t, --topology TOPO", "the machine"},
	  {"-w, --workload TRACE", "a trace, repeatable: all run in one boot"},
	  {"--kernel 6.1|6.12", "which Debian kernel (default 6.1)"},
	  {"--format text|json", "the side-by-side table's form (default text)"},
	  {"--set sim.NAME=V",
	   "numasim's side also runs with this sim.* tunable (the guest's costs, "
	   "sim.boot_memmap), repeatable"}}},
	{"record",
	 {"record [-o FILE] [--accesses INTERVAL] [--expect-rc] -- PROG [ARGS...]"},
	 "Runs PROG under ptrace, samples its page faults with perf_event_open and writes a v1 "
	 "trace of what it did: tasks and their CPUs, mappings, first touches in order, policy, "
	 "affinity and migration calls, file reads and writes, exits (docs/recording.md). Fault "
	 "sampling needs root or a low perf_event_paranoid.",
	 {{"-o FILE", "write the trace to FILE (default stdout)"},
	  {"--accesses INTERVAL",
	   "add the pages each process used in each interval as access records (idle page "
	   "tracking; else soft-dirty bits, writes only), or say what is missing"},
	  {"--expect-rc", "add the kernel's results as expect rc= and status= lines"}}},
	{"import",
	 {"import strace|perf|lackey FILE... [-o FILE] [--expect-rc] [--interval N]"},
	 "Turns the output of strace -f -tt -T, perf script of page-fault samples, or valgrind "
	 "--tool=lackey --trace-mem=yes into a v1 trace (docs/recording.md).",
	 {{"-o FILE", "write the trace to FILE (default stdout)"},
	  {"--expect-rc", "add the recorded results as expect lines (strace)"},
	  {"--interval N",
	   "lackey: sum accesses per page over N guest instructions (default 1M)"}}},
};

#define NR_HELP (sizeof(help_cmds) / sizeof(help_cmds[0]))

static const struct help_cmd *help_find(const char *name)
{
	for (size_t i = 0; i < NR_HELP; i++)
		if (!strcmp(help_cmds[i].name, name))
			return &help_cmds[i];
	return NULL;
}

void cli_help_usage(FILE *f)
{
	fputs("usage:\n", f);
	for (size_t i = 0; i < NR_HELP; i++)
		for (int j = 0; j < 3 && help_cmds[i].synopsis[j]; j++)
			fprintf(f, "  %s%s\n", j ? "      " : "numasim ", help_cmds[i].synopsis[j]);
	fputs("  numasim CMD --help | help CMD\n"
	      "  numasim --help | --version\n"
	      "\n"
	      "TOPO and TRACE are paths or names of shipped topologies and workloads;\n"
	      "without them `run` uses the shipped defaults. See docs/cli.md.\n"
	      "Exit status: 0 success, 1 a failed expect, 2 bad input or usage.\n",
	      f);
}

/* Prints text wrapped at 78 columns, each line starting with indent. */
static void wrap(FILE *f, const char *text, int indent)
{
	int col = 0;

	while (*text) {
		size_t w = strcspn(text, " ");

		if (col && col + 1 + (int)w > 78) {
			fputc('\n', f);
			col = 0;
		}
		if (!col)
			col = fprintf(f, "%*s", indent, "");
		else
			col += fprintf(f, " ");
		col += fprintf(f, "%.*s", (int)w, text);
		text += w;
		text += strspn(text, " ");
	}
	if (col)
		fputc('\n', f);
}

static void help_print(const struct help_cmd *c, FILE *f)
{
	fputs("usage:\n", f);
	for (int j = 0; j < 3 && c->synopsis[j]; j++)
		fprintf(f, "  %s%s\n", j ? "      " : "numasim ", c->synopsis[j]);
	fputc('\n', f);
	wrap(f, c->what, 0);
	fputs("\noptions:\n", f);
	for (int j = 0; j < 16 && c->opts[j].spelling; j++) {
		fprintf(f, "  %s\n", c->opts[j].spelling);
		wrap(f, c->opts[j].meaning, 6);
	}
}

bool cli_wants_help(int argc, char **argv)
{
	/* after "--" the words are a program's (numasim record -- PROG --help) */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || (i == 1 && !strcmp(argv[i], "-h")))
			return true;
	return false;
}

int cli_help(const char *cmd, FILE *f)
{
	const struct help_cmd *c = help_find(cmd);

	if (!c)
		return -1;
	help_print(c, f);
	return 0;
}

const char *cli_help_suggest(const char *word)
{
	const char *cands[NR_HELP];

	for (size_t i = 0; i < NR_HELP; i++)
		cands[i] = help_cmds[i].name;
	return suggest_best(word, cands, NR_HELP);
}

/* roff text: a leading '.' or '\'' and every backslash must be escaped. */
static void roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

void cli_help_man(FILE *f)
{
	fprintf(f, ".TH NUMASIM 1 \"\" \"numasim %s\" \"User Commands\"\n", NUMASIM_VERSION);
	fputs(".SH NAME\nnumasim \\- a simulator of Linux NUMA memory management\n.SH "
	      "SYNOPSIS\n.nf\n",
	      f);
	for (size_t i = 0; i < NR_HELP; i++)
		for (int j = 0; j < 3 && help_cmds[i].synopsis[j]; j++) {
			fputs(j ? "    " : "numasim ", f);
			roff(f, help_cmds[i].synopsis[j]);
			fputc('\n', f);
		}
	fputs(".fi\n.SH DESCRIPTION\nnumasim replays a workload trace on a simulated NUMA machine "
	      "and reports where memory went and why. TOPO and TRACE are paths or names of the "
	      "shipped topologies and workloads.\n.SH COMMANDS\n",
	      f);
	for (size_t i = 0; i < NR_HELP; i++) {
		const struct help_cmd *c = &help_cmds[i];

		fprintf(f, ".SS %s\n", c->name);
		roff(f, c->what);
		fputc('\n', f);
		for (int j = 0; j < 16 && c->opts[j].spelling; j++) {
			fputs(".TP\n.B ", f);
			roff(f, c->opts[j].spelling);
			fputc('\n', f);
			roff(f, c->opts[j].meaning);
			fputc('\n', f);
		}
	}
	fputs(".SH EXIT STATUS\n0 success, 1 a failed expect, 2 bad input or usage (one line on "
	      "stderr names the file, the place and the problem).\n"
	      ".SH SEE ALSO\nnumactl(8), numastat(8), the docs/ directory of the numasim "
	      "distribution (cli.md, tutorials).\n",
	      f);
}
