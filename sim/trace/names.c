/*
 * names.c - the words of the trace language: ops, keys, modes, states.
 */
#include "trace/trace.h"

static const char *const op_names[NR_TRACE_OPS] = {
	[OP_SPAWN] = "spawn",
	[OP_FORK] = "fork",
	[OP_THREAD] = "thread",
	[OP_EXEC] = "exec",
	[OP_EXIT] = "exit",
	[OP_RUN] = "run",
	[OP_AFFINITY] = "affinity",
	[OP_MMAP] = "mmap",
	[OP_MUNMAP] = "munmap",
	[OP_TOUCH] = "touch",
	[OP_ACCESS] = "access",
	[OP_FILE] = "file",
	[OP_READ] = "read",
	[OP_WRITE] = "write",
	[OP_FSYNC] = "fsync",
	[OP_DROP_CACHES] = "drop_caches",
	[OP_SET_MEMPOLICY] = "set_mempolicy",
	[OP_MBIND] = "mbind",
	[OP_MOVE_PAGES] = "move_pages",
	[OP_MIGRATE_PAGES] = "migrate_pages",
	[OP_CPUSET] = "cpuset",
	[OP_SYSCTL] = "sysctl",
	[OP_KMALLOC] = "kmalloc",
	[OP_SNAPSHOT] = "snapshot",
	[OP_EXPECT] = "expect",
	[OP_MADVISE] = "madvise",
};

static const char *const key_names[NR_TRACE_KEYS] = {
	[TK_PID] = "pid",
	[TK_CHILD] = "child",
	[TK_TID] = "tid",
	[TK_CPU] = "cpu",
	[TK_CPUS] = "cpus",
	[TK_NAME] = "name",
	[TK_UID] = "uid",
	[TK_PPID] = "ppid",
	[TK_ADDR] = "addr",
	[TK_LEN] = "len",
	[TK_FILE] = "file",
	[TK_OFFSET] = "offset",
	[TK_STRIDE] = "stride",
	[TK_COUNT] = "count",
	[TK_PATTERN] = "pattern",
	[TK_SEED] = "seed",
	[TK_SIZE] = "size",
	[TK_DEVICE] = "device",
	[TK_MODE] = "mode",
	[TK_NODES] = "nodes",
	[TK_NODE] = "node",
	[TK_FLAGS] = "flags",
	[TK_AS_PID] = "as_pid",
	[TK_FROM] = "from",
	[TK_TO] = "to",
	[TK_ACTION] = "action",
	[TK_PATH] = "path",
	[TK_MEMS] = "mems",
	[TK_MEMORY_MIGRATE] = "memory_migrate",
	[TK_MEMORY_SPREAD_PAGE] = "memory_spread_page",
	[TK_MEMORY_SPREAD_SLAB] = "memory_spread_slab",
	[TK_MEM_EXCLUSIVE] = "mem_exclusive",
	[TK_CACHE] = "cache",
	[TK_LABEL] = "label",
	[TK_ADVICE] = "advice",
};

static const char *const mode_names[MPOL_MAX] = {
	[MPOL_DEFAULT] = "default",
	[MPOL_PREFERRED] = "preferred",
	[MPOL_BIND] = "bind",
	[MPOL_INTERLEAVE] = "interleave",
	[MPOL_LOCAL] = "local",
	[MPOL_PREFERRED_MANY] = "preferred_many",
	[MPOL_WEIGHTED_INTERLEAVE] = "weighted_interleave",
};

const char *trace_op_name(enum trace_op op)
{
	return (unsigned)op < NR_TRACE_OPS ? op_names[op] : "?";
}

const char *trace_key_name(enum trace_key k)
{
	return (unsigned)k < NR_TRACE_KEYS ? key_names[k] : "?";
}

const char *mpol_mode_name(enum mpol_mode m)
{
	return (unsigned)m < MPOL_MAX ? mode_names[m] : "?";
}

const char *task_state_label(enum task_state_name s)
{
	switch (s) {
	case TSTATE_RUNNING:
		return "running";
	case TSTATE_EXITED:
		return "exited";
	case TSTATE_OOM_KILLED:
		return "oom_killed";
	}
	return "?";
}

const char *expect_cmp_name(enum expect_cmp c)
{
	switch (c) {
	case CMP_EQ:
		return "=";
	case CMP_LE:
		return "<=";
	case CMP_GE:
		return ">=";
	case CMP_LT:
		return "<";
	case CMP_GT:
		return ">";
	}
	return "?";
}
