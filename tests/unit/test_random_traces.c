/*
 * test_random_traces.c - the semantic fuzzer's generator over fixed seeds,
 * without libFuzzer: each seed expands to random bytes, tests/fuzz/
 * tracegen.h turns them into a valid trace on a small four-node machine,
 * and the trace is replayed with --check, so every invariant (free lists,
 * counters against lists, page tables, map counts, reverse map, swap) is
 * verified after every record and event. Runs in the sanitizer build too.
 *
 * A failing seed leaves its trace in random-trace-SEED.trace in the
 * working directory: `numasim run -t <the topology> -w that --check`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../fuzz/replay_one.h"

#define NR_SEEDS 200
#define BYTES_PER_TRACE 400

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void test_random_traces(void **state)
{
	(void)state;
	int failed = 0;

	for (uint64_t seed = 0; seed < NR_SEEDS; seed++) {
		uint8_t bytes[BYTES_PER_TRACE];
		uint64_t x = seed;
		char path[64];
		struct nerr err;

		for (size_t i = 0; i < sizeof(bytes); i++)
			bytes[i] = (uint8_t)splitmix64(&x);
		snprintf(path, sizeof(path), "random-trace-%llu.trace", (unsigned long long)seed);
		if (replay_one(bytes, sizeof(bytes), path, &err)) {
			print_error("seed %llu: %s\n", (unsigned long long)seed, err.msg);
			failed++;
			continue;
		}
		unlink(path);
	}
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_traces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
