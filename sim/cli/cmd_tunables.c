/*
 * cmd_tunables.c - `numasim tunables [NAME...]`: the tunables table of
 * sim/core/tunables.c printed for people (docs/cli.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/suggest.h"
#include "core/tunables.h"

static void print_value(FILE *f, int64_t v, bool size)
{
	if (v == TUNABLE_AUTO)
		fputs("auto", f);
	else if (size && v && !(v & ((1LL << 20) - 1))) {
		const char *u = "MGTP";
		int k = 0;

		for (v >>= 20; k < 3 && !(v & 1023); k++)
			v >>= 10;
		fprintf(f, "%" PRId64 "%c", v, u[k]);
	} else
		fprintf(f, "%" PRId64, v);
}

static void print_one(FILE *f, int id)
{
	const struct tunable_def *d = &tunable_defs[id];
	char knob[160];

	fprintf(f, "%s\n  default ", d->name);
	print_value(f, d->def, d->size);
	fputs(", range ", f);
	print_value(f, d->min, d->size);
	fputs("..", f);
	print_value(f, d->max, d->size);
	fprintf(f, "%s\n  kernel  %s\n  %s\n", d->size ? " bytes (units accepted: 4k, 1M, 2G)" : "",
		tunable_knob(id, knob, sizeof(knob)), d->doc);
}

int cmd_tunables(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (tunable_find(argv[i]) >= 0)
			continue;
		const char *cands[NR_TUNABLES];
		char hint[160];

		for (int j = 0; j < NR_TUNABLES; j++)
			cands[j] = tunable_defs[j].name;
		return cli_usage("tunables: unknown tunable '%s'%s", argv[i],
				 suggest_hint(suggest_best(argv[i], cands, NR_TUNABLES), hint,
					      sizeof(hint)));
	}
	for (int id = 0; id < NR_TUNABLES; id++) {
		bool want = argc < 2;

		for (int i = 1; i < argc; i++)
			want |= tunable_find(argv[i]) == id;
		if (want)
			print_one(stdout, id);
	}
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_BADINPUT;
}
