/*
 * fuzz_topo.c - libFuzzer target: topo_load_string() on arbitrary bytes.
 * Any input must give a topology or one error line; never a crash, a
 * leak or undefined behaviour. A loaded topology is also asked for its
 * fallback orders, which walk the whole SLIT.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

static void quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct topology *t = NULL;
	struct nerr err;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (topo_load_string(text, "fuzz.json", &t, &err, quiet, NULL) == 0) {
		int n = t->nr_nodes;
		int *orders = malloc(sizeof(int) * (size_t)n * (size_t)n);
		int *counts = malloc(sizeof(int) * (size_t)n);

		if (orders && counts)
			topo_all_node_orders(t, orders, counts);
		free(orders);
		free(counts);
		topo_free(t);
	} else if (!strchr(err.msg, ':') || strchr(err.msg, '\n')) {
		abort(); /* one line naming file and place */
	}
	free(text);
	return 0;
}
