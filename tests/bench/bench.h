/* bench.h - sections of numasim-bench that live in their own files. */
#ifndef NUMASIM_BENCH_H
#define NUMASIM_BENCH_H

void bench_replay(void);
void bench_replay_100m(void);

#endif
