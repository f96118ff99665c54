/* bench.h - sections of numasim-bench that live in their own files. */
#ifndef NUMASIM_BENCH_H
#define NUMASIM_BENCH_H

#include <stdint.h>
#include <stdio.h>

struct sim;
struct topology;

/* A simulation of t with default tunables; exits on failure. */
struct sim *bench_sim(struct topology *t);
void bench_replay(void);
void bench_faults(void); /* touch faults alone (bench_replay.c) */
void bench_replay_100m(void);
void bench_linear(void);   /* cost per record at 2,000 and 20,000 files/processes */
void bench_touched(void);  /* host bytes per frame with every page touched */
void bench_random48(void); /* faults and random accesses over 48 GiB */
void bench_parse(void);	   /* the trace reader, text and binary (bench_parse.c) */
void bench_parse_100m(void);
void bench_touch_access_records(FILE *f, uint64_t n); /* bench_replay.c */
void bench_thp(void); /* first touch of THP-backed memory (bench_replay.c) */

#endif
