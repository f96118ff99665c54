/*
 * task.h - tasks, their CPUs and the scheduler's placement decisions
 * (kernel/fork.c, kernel/exit.c, kernel/sched/).
 *
 * A task is a thread of execution with a pid; threads of one process
 * share an mm_struct and a tgid. Each task replays its records in order:
 * busy_until is when its previous record finished.
 */
#ifndef NUMASIM_TASK_TASK_H
#define NUMASIM_TASK_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/hashmap.h"

#include "core/bitmap.h"
#include "core/u128.h"

struct sim;
struct mm_struct;
struct mempolicy;
struct cpuset;

enum task_state { TASK_RUNNING, TASK_EXITED, TASK_OOM_KILLED };
extern const char *const task_state_names[];

#define TASK_COMM_LEN 64

/* Automatic NUMA balancing state of a task (task_struct's numa_* fields,
 * kernel/sched/fair.c); see task/numa_balancing.h. Zero-initialised
 * except preferred_nid, which task_create() sets to -1. */
struct task_numab {
	bool work_pending;	 /* task_numa_work() is queued as an event */
	int preferred_nid;	 /* numa_preferred_nid, -1 = NUMA_NO_NODE */
	unsigned scan_seq;	 /* numa_scan_seq: the mm's scan pass seen last */
	uint64_t scan_period_ms; /* numa_scan_period; 0 until the first tick */
	uint64_t migrate_retry;	 /* numa_migrate_retry, ns */
	uint64_t *faults; /* NUMA_MEM then NUMA_MEMBUF, nr_nodes each; NULL until a hint fault */
	uint64_t fault_types[2]; /* this window's shared [0] and private [1] faults */
	uint64_t locality[3];	 /* numa_faults_locality: remote, local, failed migrations */
	uint64_t pages_migrated; /* numa_pages_migrated */
};

struct task {
	int pid;
	int tgid; /* process id: the pid of the group leader */
	int ppid;
	int uid;
	char comm[TASK_COMM_LEN];
	int cpu;		     /* current CPU */
	cpumask_t cpus_allowed;	     /* sched_setaffinity() mask */
	struct mm_struct *mm;	     /* NULL once exited */
	struct mempolicy *mempolicy; /* task policy, NULL = default (local) */
	struct cpuset *cpuset;	     /* NULL = the root cpuset */
	nodemask_t mems_allowed;     /* cpuset's effective mems, cached */
	enum task_state state;
	int il_prev;	      /* last node used by task interleave */
	unsigned il_weight;   /* weighted interleave: pages left on il_prev */
	int mem_spread_rotor; /* cpuset_mem_spread_node(): last node, -1 none yet */
	uint64_t busy_until;  /* when the task's previous record finished */
	uint64_t created_at, ended_at;
	/* accounting */
	uint64_t acc_local, acc_remote;
	u128 acc_latency_ps; /* latency in picoseconds: exact (core/u128.h) */
	uint64_t faults, stall_ns, migrate_wait_ns;
	uint64_t bw_stall_ns; /* time added by interconnect contention (model.md §8) */
	uint64_t skipped;     /* records skipped after exit or OOM kill */
	struct task_numab numab;
	/* result of the most recent system call (for expect rc/status) */
	int last_rc; /* 0, a count, or -errno */
	bool has_last;
	int *last_status;
	uint64_t nr_last_status;
	int last_line;
	/* task table bookkeeping */
	uint32_t order; /* creation order, for reports */
};

struct task_table {
	bool *oom;		/* the simulation's host_oom (core/hostmem.h) */
	struct task **by_order; /* every task ever created, in order */
	uint32_t nr, cap;
	struct hashmap by_pid; /* pid -> struct task * (core/hashmap.h) */
	unsigned *cpu_load;    /* running tasks per CPU */
	unsigned *node_load;   /* running tasks per node */
};

int tasks_init(struct sim *s);
void tasks_free(struct sim *s);
struct task *task_find(struct sim *s, int pid);
/* Creates a task (no mm); pid must be unused. */
struct task *task_create(struct sim *s, int pid, int tgid, int uid, const char *comm);

/* The node of the CPU the task runs on (numa_node_id() for it). */
int task_node(const struct sim *s, const struct task *t);
/* Moves a task to cpu, keeping per-CPU and per-node load counts. */
void task_set_cpu(struct sim *s, struct task *t, int cpu);
/* Placement as at exec (sched_exec()/find_idlest_cpu()): the least-loaded
 * CPU of the least-loaded node among allowed CPUs. Returns a CPU. */
int sched_pick_cpu(struct sim *s, const cpumask_t *allowed);
/* Ends a task: frees its mm share, policy; state EXITED or OOM_KILLED. */
void task_exit(struct sim *s, struct task *t, enum task_state how);

/* Records a syscall result for expect rc=/status= (status may be NULL). */
void task_set_result(struct task *t, int rc, const int *status, uint64_t n, int line);

#endif
