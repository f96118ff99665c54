/*
 * example.c - a task on CPU 2 (node 1 of the shipped ring4 machine)
 * first-touches 4 MiB, so the 1024 pages come from node 1 and its
 * accesses are local; then it touches 4 MiB interleaved over the 4 nodes.
 * Build: cc example.c $(pkg-config --cflags --libs numasim) -o example
 */
#include <numasim.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(call)                                                          \
	do {                                                                 \
		if ((call) != NUMASIM_OK) {                                  \
			fprintf(stderr, "example: %s\n", numasim_errmsg(h)); \
			numasim_destroy(h);                                  \
			return 2;                                            \
		}                                                            \
	} while (0)

int main(void)
{
	static const char *trace[] = {
		"@0ns spawn pid=1 cpu=2 name=app",
		"@0ns mmap pid=1 addr=0x10000000 len=4MiB name=heap",
		"@0ns touch pid=1 addr=0x10000000 len=4MiB",
		"@2ms access pid=1 addr=0x10000000 len=4MiB count=1000 pattern=seq seed=1",
		"@3ms mmap pid=1 addr=0x20000000 len=4MiB name=shared",
		"@3ms mbind pid=1 addr=0x20000000 len=4MiB mode=interleave nodes=0-3",
		"@3ms touch pid=1 addr=0x20000000 len=4MiB",
	};
	numasim_t *h = numasim_create();
	int64_t pages, faults;
	double ratio;
	char *json;
	size_t len;

	if (!h || numasim_api_version() / 100 != NUMASIM_API_VERSION_MAJOR)
		return 2;
	CHECK(numasim_load_topology(h, "ring4"));
	CHECK(numasim_set(h, "sim.seed", "7"));
	for (size_t i = 0; i < sizeof(trace) / sizeof(trace[0]); i++)
		CHECK(numasim_trace_line(h, trace[i]));

	CHECK(numasim_run_until(h, 1000000)); /* to t = 1 ms */
	printf("at %.1f ms:", numasim_now(h) / 1e6);
	for (int n = 0; n < numasim_nr_nodes(h); n++) {
		CHECK(numasim_node_counter(h, n, "anon_pages", &pages));
		printf(" node%d=%lld", n, (long long)pages);
	}
	printf(" anon pages\n");

	CHECK(numasim_run(h)); /* to the end */
	printf("at the end:");
	for (int n = 0; n < numasim_nr_nodes(h); n++) {
		CHECK(numasim_node_counter(h, n, "anon_pages", &pages));
		printf(" node%d=%lld", n, (long long)pages);
	}
	printf(" anon pages\n");
	CHECK(numasim_vmstat(h, "pgfault", &faults));
	CHECK(numasim_counter(h, "accesses.local_ratio", &ratio));
	printf("pgfault=%lld local_ratio=%.3f\n", (long long)faults, ratio);

	CHECK(numasim_report_buffer(h, "json", &json, &len));
	printf("JSON report: %s\n", len > 0 && json[0] == '{' ? "ok" : "bad");
	numasim_free(json);
	numasim_destroy(h);
	return 0;
}
