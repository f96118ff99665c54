/*
 * replay_ops.c - what each trace op does to the simulation (docs/trace-format.md).
 *
 * Inconsistencies a kernel could never see (a record for a pid that was
 * never spawned, a CPU or device the topology lacks, a pid spawned
 * twice) stop the replay with a one-line error and exit status 2. What a
 * kernel answers with an errno is recorded, counted and the replay goes
 * on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno_names.h"
#include "mm/cpuset.h"
#include "mm/filemap.h"
#include "mm/madvise.h"
#include "mm/memory.h"
#include "mm/mempolicy.h"
#include "mm/migrate.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "report/report.h"
#include "sim.h"
#include "task/access.h"
#include "task/mmap.h"
#include "task/task.h"
#include "trace/replay_int.h"

#define TASK_SIZE 0x7ffffffff000ULL /* x86-64 user address space */

static void fatal(struct replay *rp, const struct trace_record *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fatal(struct replay *rp, const struct trace_record *r, const char *fmt, ...)
{
	char msg[NERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nerr_set(&rp->err, "%s:%lu: %s", rp->path, r->line, msg);
	rp->fatal = true;
}

/* Records a system call's result for the report and for expect rc=. */
static void syscall_done(struct replay *rp, const struct trace_record *r, struct task *caller,
			 long rc, const int *status, uint64_t n)
{
	struct trace_log *log = rp->log;

	if (rc == -ENOSYS) {
		fatal(rp, r, "op '%s' is not modelled yet", trace_op_name(r->op));
		return;
	}
	if (caller)
		task_set_result(caller, (int)rc, status, n, (int)r->line);
	if (rc < 0 && -rc < (long)(sizeof(log->errors) / sizeof(log->errors[0])))
		log->errors[-rc]++;
	if (log->nr_results >= LOG_MAX_RESULTS) {
		log->results_dropped++;
		return;
	}
	if (log->nr_results == log->cap_results) {
		uint64_t cap = log->cap_results ? log->cap_results * 2 : 64;
		struct syscall_result *nr = sim_realloc(rp->s, log->results, cap * sizeof(*nr));

		if (!nr) {
			log->results_dropped++;
			return;
		}
		log->results = nr;
		log->cap_results = cap;
	}
	struct syscall_result *res = &log->results[log->nr_results++];

	res->line = r->line;
	res->op = trace_op_name(r->op);
	res->pid = caller ? caller->pid : -1;
	res->rc = rc;
	res->status = NULL;
	res->nstatus = 0;
	if (status && n && (res->status = sim_malloc(rp->s, n * sizeof(int)))) {
		memcpy(res->status, status, n * sizeof(int));
		res->nstatus = n;
	}
}

/* The task a record acts as; NULL (and the record skipped or failed)
 * when it is gone. */
static struct task *acting_task(struct replay *rp, const struct trace_record *r, int pid)
{
	struct task *t = task_find(rp->s, pid);

	if (!t && !replay_task_is_stillborn(rp, pid)) {
		fatal(rp, r, "no task with pid %d (never spawned)", pid);
		return NULL;
	}
	if (t && t->state == TASK_RUNNING)
		return t;
	if (t)
		t->skipped++;
	rp->log->skipped++;
	/* a child this record would have made never comes */
	if (r->op == OP_FORK)
		replay_task_stillborn(rp, r->child);
	else if (r->op == OP_THREAD)
		replay_task_stillborn(rp, r->tid);
	return NULL;
}

static bool cpu_exists(const struct sim *s, int cpu)
{
	return topo_cpu_to_node(s->topo, cpu) >= 0;
}

/* ---- tasks ---------------------------------------------------------------- */

static void op_spawn(struct replay *rp, const struct trace_record *r)
{
	struct sim *s = rp->s;
	struct task *parent = trace_has(r, TK_PPID) ? task_find(s, r->ppid) : NULL;
	struct task *old = task_find(s, r->pid);

	if (old) {
		fatal(rp, r, "pid %d already exists", r->pid);
		return;
	}
	if (trace_has(r, TK_CPU) && !cpu_exists(s, r->cpu)) {
		fatal(rp, r, "cpu %d does not exist on topology %s", r->cpu, s->topo->name);
		return;
	}
	struct task *t = task_create(s, r->pid, r->pid, trace_has(r, TK_UID) ? (int)r->uid : 0,
				     trace_has(r, TK_NAME) ? r->name : "task");

	if (!t || !(t->mm = mm_alloc(s))) {
		rp->failed_alloc = true;
		return;
	}
	t->mm->owner = t->pid;
	t->ppid = parent ? parent->pid : 0;
	if (parent && parent->state == TASK_RUNNING) {
		t->mempolicy = mpol_get(parent->mempolicy);
		t->cpuset = parent->cpuset;
		t->cpus_allowed = parent->cpus_allowed;
	}
	if (trace_has(r, TK_CPUS))
		cpus_and(&t->cpus_allowed, &t->cpus_allowed, &r->cpus);
	if (trace_has(r, TK_CPUS) && cpus_empty(&t->cpus_allowed)) {
		fatal(rp, r, "cpus= names no CPU of topology %s", s->topo->name);
		return;
	}
	int cpu = trace_has(r, TK_CPU) ? r->cpu : sched_pick_cpu(s, &t->cpus_allowed);

	task_set_cpu(s, t, cpu);
	replay_task_created(rp, t->pid);
	sim_explain(s, "    pid %d runs on cpu %d (node %d)%s\n", t->pid, cpu, task_node(s, t),
		    trace_has(r, TK_CPU) ? "" : ", the least-loaded node (sched_exec)");
}

/* Inconsistencies of a fork or thread record that stop the replay. */
static bool child_possible(struct replay *rp, const struct trace_record *r, int pid)
{
	struct sim *s = rp->s;

	if (task_find(s, pid)) {
		fatal(rp, r, "pid %d already exists", pid);
		return false;
	}
	if (trace_has(r, TK_CPU) && !cpu_exists(s, r->cpu)) {
		fatal(rp, r, "cpu %d does not exist on topology %s", r->cpu, s->topo->name);
		return false;
	}
	return true;
}

static struct task *new_child(struct replay *rp, const struct trace_record *r, struct task *parent,
			      int pid)
{
	struct sim *s = rp->s;

	if (!child_possible(rp, r, pid))
		return NULL;
	struct task *c = task_create(s, pid, pid, parent->uid, parent->comm);

	if (!c) {
		rp->failed_alloc = true;
		return NULL;
	}
	c->ppid = parent->pid;
	c->mempolicy = mpol_get(parent->mempolicy);
	c->cpuset = parent->cpuset;
	c->cpus_allowed = parent->cpus_allowed;
	c->il_prev = parent->il_prev;
	task_set_cpu(s, c, trace_has(r, TK_CPU) ? r->cpu : parent->cpu);
	replay_task_created(rp, c->pid);
	return c;
}

/*
 * fork: copy_process() fails with ENOMEM when dup_mmap() is refused the
 * commit charge; the child never comes, and its records are skipped and
 * counted like those of a child whose fork was skipped. A successful
 * fork is not listed in the report's results (as before), but expect
 * rc= sees its return in the parent, the child's pid.
 */
static void op_fork(struct replay *rp, const struct trace_record *r, struct task *t)
{
	bool refused;

	if (!child_possible(rp, r, r->child))
		return;
	struct mm_struct *mm = dup_mm(rp->s, t->mm, r->child, t, &refused);

	if (!mm && refused) {
		syscall_done(rp, r, t, -ENOMEM, NULL, 0);
		replay_task_stillborn(rp, r->child);
		return;
	}
	struct task *c = mm ? new_child(rp, r, t, r->child) : NULL;

	if (!c) {
		mm_put(rp->s, mm);
		rp->failed_alloc = true;
		return;
	}
	c->mm = mm;
	task_set_result(t, c->pid, NULL, 0, (int)r->line);
}

static void op_thread(struct replay *rp, const struct trace_record *r, struct task *t)
{
	struct task *c = new_child(rp, r, t, r->tid);

	if (!c)
		return;
	c->tgid = t->tgid;
	c->ppid = t->ppid;
	c->mm = t->mm;
	t->mm->users++;
}

static void op_exec(struct replay *rp, const struct trace_record *r, struct task *t)
{
	struct sim *s = rp->s;
	struct mm_struct *mm = mm_alloc(s);

	if (!mm) {
		rp->failed_alloc = true;
		return;
	}
	mm_put(s, t->mm);
	t->mm = mm;
	mm->owner = t->tgid;
	if (trace_has(r, TK_NAME))
		snprintf(t->comm, sizeof(t->comm), "%s", r->name);
	/* sched_exec(): the task may move to the least-loaded node. */
	task_set_cpu(s, t, -1);
	task_set_cpu(s, t, sched_pick_cpu(s, &t->cpus_allowed));
}

static void op_run(struct replay *rp, const struct trace_record *r, struct task *t)
{
	if (!cpu_exists(rp->s, r->cpu)) {
		fatal(rp, r, "cpu %d does not exist on topology %s", r->cpu, rp->s->topo->name);
		return;
	}
	if (!cpu_isset(&t->cpus_allowed, r->cpu)) {
		syscall_done(rp, r, t, -EINVAL, NULL, 0);
		return;
	}
	task_set_cpu(rp->s, t, r->cpu);
}

/* sched_setaffinity(2): the new mask within the cpuset's CPUs. */
static void op_affinity(struct replay *rp, const struct trace_record *r, struct task *t)
{
	struct sim *s = rp->s;
	cpumask_t m;

	cpus_and(&m, &r->cpus, &task_cpuset(s, t)->cpus);
	if (cpus_empty(&m)) {
		syscall_done(rp, r, t, -EINVAL, NULL, 0);
		return;
	}
	t->cpus_allowed = m;
	if (!cpu_isset(&m, t->cpu)) {
		task_set_cpu(s, t, -1);
		task_set_cpu(s, t, sched_pick_cpu(s, &m));
	}
	syscall_done(rp, r, t, 0, NULL, 0);
}

/* ---- memory ------------------------------------------------------------------ */

static bool page_aligned(const struct sim *s, uint64_t v)
{
	return (v & (s->topo->page_size - 1)) == 0;
}

static void run_access(struct replay *rp, const struct trace_record *r, struct task *t,
		       struct op_state *st, struct op_outcome *out, bool touch);

/* The mmap(2) arguments the kernel rejects before mapping anything. */
static long mmap_check(struct sim *s, const struct trace_record *r, struct file_obj **f)
{
	uint64_t hsz = 1ULL << (huge_page_order(s) + s->topo->page_shift);

	*f = NULL;
	if (!page_aligned(s, r->addr) || r->len == 0)
		return -EINVAL;
	if (r->addr + r->len > TASK_SIZE || r->addr + r->len < r->addr)
		return -ENOMEM;
	if ((r->flags & TF_HUGE) && ((r->addr | r->len) & (hsz - 1)))
		return -EINVAL;
	if ((r->flags & TF_HUGE) && trace_has(r, TK_FILE))
		return -EINVAL;
	if (!trace_has(r, TK_FILE))
		return 0;
	*f = vfs_lookup(s, r->file);
	if (!*f)
		return -ENOENT;
	return page_aligned(s, r->offset) ? 0 : -EINVAL;
}

/* calc_vm_prot_bits() and calc_vm_flag_bits() for a trace record. */
static uint32_t mmap_vm_flags(const struct trace_record *r)
{
	uint32_t flags = VM_READ | ((r->flags & TF_READ) ? 0 : VM_WRITE);

	if (trace_has(r, TK_FILE))
		flags |= VM_FILE;
	else if (r->flags & TF_SHARED)
		flags |= VM_SHMEM;
	else
		flags |= VM_ANON;
	if (r->flags & TF_SHARED)
		flags |= VM_SHARED;
	if (r->flags & TF_HUGE)
		flags |= VM_HUGETLB;
	if (r->flags & TF_LOCKED)
		flags |= VM_LOCKED;
	if (trace_has(r, TK_NAME) && !strcmp(r->name, "heap"))
		flags |= VM_HEAP;
	if (trace_has(r, TK_NAME) && !strcmp(r->name, "stack"))
		flags |= VM_STACK;
	return flags;
}

/*
 * mmap_region(): a private writable mapping is charged to Committed_AS
 * (mmap_charge()), a shared anonymous one through its new shmem object;
 * either refusal is ENOMEM with nothing mapped.
 */
static void op_mmap(struct replay *rp, const struct trace_record *r, struct task *t,
		    struct op_state *st, struct op_outcome *out)
{
	struct sim *s = rp->s;
	struct file_obj *f = NULL;
	long rc;

	if (st->started) { /* a locked mapping resuming its population */
		run_access(rp, r, t, st, out, true);
		return;
	}
	rc = mmap_check(s, r, &f);
	uint32_t flags = mmap_vm_flags(r);
	/* do_mmap(): the length is rounded up to whole pages */
	uint64_t len = (r->len + s->topo->page_size - 1) & ~((uint64_t)s->topo->page_size - 1);

	if (!rc)
		rc = mmap_charge(s, t->mm, r->addr, r->addr + len, &flags, t);
	if (!rc && (flags & VM_SHMEM)) {
		int src;

		/* MAP_SHARED|MAP_HUGETLB is hugetlbfs in Linux, with its own
		 * reservations instead of commit accounting */
		f = shmem_create(s, r->len, !(flags & VM_HUGETLB), t->mm, t, &src);
		rc = src;
	}
	if (rc) {
		syscall_done(rp, r, t, rc, NULL, 0);
		return;
	}
	if (!mmap_region(s, t->mm, r->addr, r->addr + len, flags, f ? f->id : 0,
			 r->offset >> s->topo->page_shift)) {
		rp->failed_alloc = true;
		return;
	}
	out->cost_ns += tun(&s->tun, TUN_SIM_COST_SYSCALL_NS);
	syscall_done(rp, r, t, 0, NULL, 0);
	if (flags & VM_LOCKED) /* MAP_LOCKED populates the mapping */
		run_access(rp, r, t, st, out, true);
}

static void op_munmap(struct replay *rp, const struct trace_record *r, struct task *t)
{
	struct sim *s = rp->s;

	/* do_vmi_munmap(): start and len within TASK_SIZE, else EINVAL */
	if (!page_aligned(s, r->addr) || r->len == 0 || r->addr > TASK_SIZE ||
	    r->len > TASK_SIZE - r->addr) {
		syscall_done(rp, r, t, -EINVAL, NULL, 0);
		return;
	}
	uint64_t end =
		(r->addr + r->len + s->topo->page_size - 1) & ~((uint64_t)s->topo->page_size - 1);

	do_munmap(s, t->mm, r->addr, end);
	syscall_done(rp, r, t, 0, NULL, 0);
}

/* Starts or continues a touch/access; blocked on migration returns with
 * out->blocked_until. */
static void run_access(struct replay *rp, const struct trace_record *r, struct task *t,
		       struct op_state *st, struct op_outcome *out, bool touch)
{
	struct sim *s = rp->s;
	uint64_t wait = 0;
	int rc;

	if (!st->started) {
		memset(&st->acc, 0, sizeof(st->acc));
		st->acc.addr = r->addr;
		st->acc.len = r->len;
		st->acc.stride = trace_has(r, TK_STRIDE) ? r->stride : 0;
		st->acc.count = r->count;
		st->acc.write = (r->flags & TF_WRITE) != 0;
		st->acc.random = r->pattern == PATTERN_RANDOM;
		if (r->op == OP_MMAP) /* populate: write faults on writable private memory */
			st->acc.write = !(r->flags & (TF_SHARED | TF_READ));
		/* Each record's random stream: its seed=, else one drawn
		 * from the run's access stream. */
		rng_seed(&st->acc.rng,
			 trace_has(r, TK_SEED) ? r->seed : rng_next(&s->rng[RNG_ACCESS]), r->line);
		st->started = true;
	}
	rc = touch ? task_touch(s, t, &st->acc, &out->cost_ns, &wait)
		   : task_access(s, t, &st->acc, &out->cost_ns, &wait);
	if (rc == ACCESS_BLOCKED) {
		uint64_t ready = sim_now(s) + out->cost_ns;

		/* migration_entry_wait(): the task sleeps until the copy is done */
		if (wait > ready)
			t->migrate_wait_ns += wait - ready;
		out->blocked_until = wait;
		return;
	}
	if (rc < 0) {
		if (t->state == TASK_OOM_KILLED)
			return; /* the OOM killer chose this task */
		if (rc == -EFAULT)
			rp->log->faults_efault++;
		syscall_done(rp, r, t, rc, NULL, 0);
	}
}

/* ---- files ---------------------------------------------------------------------- */

static void op_file(struct replay *rp, const struct trace_record *r)
{
	struct sim *s = rp->s;
	int dev = -1;

	if (trace_has(r, TK_DEVICE)) {
		for (int i = 0; i < s->topo->nr_devices; i++)
			if (!strcmp(s->topo->devices[i].name, r->device))
				dev = i;
		if (dev < 0) {
			fatal(rp, r, "device '%s' is not in topology %s", r->device, s->topo->name);
			return;
		}
		if (s->topo->devices[dev].type != DEVICE_BLOCK) {
			fatal(rp, r, "device '%s' is not a block device", r->device);
			return;
		}
	} else {
		for (int i = 0; i < s->topo->nr_devices && dev < 0; i++)
			if (s->topo->devices[i].type == DEVICE_BLOCK)
				dev = i;
	}
	if (!vfs_create(s, r->name, r->size, dev))
		rp->failed_alloc = true;
}

static void op_rw(struct replay *rp, const struct trace_record *r, struct task *t,
		  struct op_outcome *out)
{
	struct sim *s = rp->s;
	struct file_obj *f = vfs_lookup(s, r->file);
	long rc;

	if (!f) {
		syscall_done(rp, r, t, -ENOENT, NULL, 0);
		return;
	}
	uint64_t off = trace_has(r, TK_OFFSET) ? r->offset : 0;
	uint64_t len = trace_has(r, TK_LEN) ? r->len : (f->size > off ? f->size - off : 0);

	out->cost_ns += tun(&s->tun, TUN_SIM_COST_SYSCALL_NS);
	if (r->op == OP_READ)
		rc = vfs_read(s, t, f, off, len, &out->cost_ns);
	else if (r->op == OP_WRITE)
		rc = vfs_write(s, t, f, off, len, &out->cost_ns);
	else
		rc = vfs_fsync(s, t, f, &out->cost_ns);
	if (t->state != TASK_RUNNING)
		return; /* the OOM killer chose this task */
	syscall_done(rp, r, t, rc, NULL, 0);
}

/* ---- policies and migration ------------------------------------------------------ */

static const nodemask_t *given_nodes(const struct trace_record *r)
{
	return trace_has(r, TK_NODES) ? &r->nodes : NULL;
}

/* The target of a call made with as_pid: -ESRCH when it is gone. */
static struct task *target_task(struct replay *rp, const struct trace_record *r, long *rc)
{
	struct task *t = task_find(rp->s, r->pid);

	*rc = 0;
	if (!t || t->state != TASK_RUNNING)
		*rc = -ESRCH;
	return t;
}

static void op_move_pages(struct replay *rp, const struct trace_record *r, struct task *caller,
			  struct op_outcome *out)
{
	struct sim *s = rp->s;
	uint64_t psz = s->topo->page_size;
	uint64_t n = (r->len + (r->addr & (psz - 1)) + psz - 1) / psz;
	long rc;
	struct task *target = target_task(rp, r, &rc);

	if (trace_has(r, TK_NODES) && r->ntargets != n) {
		fatal(rp, r, "nodes= lists %zu targets for %llu pages", r->ntargets,
		      (unsigned long long)n);
		return;
	}
	uint64_t *addrs = sim_malloc(s, n * sizeof(*addrs));
	int *nodes = (trace_has(r, TK_NODE) || trace_has(r, TK_NODES))
			     ? sim_malloc(s, n * sizeof(int))
			     : NULL;
	int *status = sim_malloc(s, n * sizeof(int));

	if (!addrs || !status || ((trace_has(r, TK_NODE) || trace_has(r, TK_NODES)) && !nodes)) {
		free(addrs);
		free(nodes);
		free(status);
		rp->failed_alloc = true;
		return;
	}
	for (uint64_t i = 0; i < n; i++) {
		addrs[i] = (r->addr & ~(psz - 1)) + i * psz;
		status[i] = 0;
		if (nodes)
			nodes[i] = trace_has(r, TK_NODES) ? r->targets[i] : r->node;
	}
	int flags = (r->flags & TF_MOVE_ALL) ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE;

	out->cost_ns += tun(&s->tun, TUN_SIM_COST_SYSCALL_NS);
	if (!rc)
		rc = do_move_pages(s, caller, target, n, addrs, nodes, status, flags,
				   &out->cost_ns);
	syscall_done(rp, r, caller, rc, rc >= 0 ? status : NULL, rc >= 0 ? n : 0);
	free(addrs);
	free(nodes);
	free(status);
}

static void op_migrate_pages(struct replay *rp, const struct trace_record *r, struct task *caller,
			     struct op_outcome *out)
{
	long rc;
	struct task *target = target_task(rp, r, &rc);

	out->cost_ns += tun(&rp->s->tun, TUN_SIM_COST_SYSCALL_NS);
	if (!rc)
		rc = kernel_migrate_pages(rp->s, caller, target, &r->from, &r->to, &out->cost_ns);
	syscall_done(rp, r, caller, rc, NULL, 0);
}

static void op_cpuset(struct replay *rp, const struct trace_record *r, struct op_outcome *out)
{
	static const enum cpuset_req_action actions[] = {
		[CPUSET_CREATE] = CS_CREATE,
		[CPUSET_SET] = CS_SET,
		[CPUSET_ATTACH] = CS_ATTACH,
		[CPUSET_REMOVE] = CS_REMOVE,
	};
	struct cpuset_req req = {
		.action = actions[r->action],
		.path = r->path,
		.cpus = r->cpus,
		.mems = r->mems,
		.memory_migrate = r->memory_migrate,
		.memory_spread_page = r->memory_spread_page,
		.memory_spread_slab = r->memory_spread_slab,
		.mem_exclusive = r->mem_exclusive,
		.pid = r->pid,
	};

	req.has = (trace_has(r, TK_CPUS) ? CS_HAS_CPUS : 0) |
		  (trace_has(r, TK_MEMS) ? CS_HAS_MEMS : 0) |
		  (trace_has(r, TK_MEMORY_MIGRATE) ? CS_HAS_MEMORY_MIGRATE : 0) |
		  (trace_has(r, TK_MEMORY_SPREAD_PAGE) ? CS_HAS_SPREAD_PAGE : 0) |
		  (trace_has(r, TK_MEMORY_SPREAD_SLAB) ? CS_HAS_SPREAD_SLAB : 0) |
		  (trace_has(r, TK_MEM_EXCLUSIVE) ? CS_HAS_MEM_EXCLUSIVE : 0) |
		  (trace_has(r, TK_PID) ? CS_HAS_PID : 0);
	long rc = cpuset_apply(rp->s, &req, &out->cost_ns);

	syscall_done(rp, r, NULL, rc, NULL, 0);
}

static void op_sysctl(struct replay *rp, const struct trace_record *r)
{
	struct nerr e;

	if (tunable_set(&rp->s->tun, r->sysctl_id, r->sysctl_value, &e)) {
		fatal(rp, r, "%s", e.msg);
		return;
	}
	sim_tunables_changed(rp->s, r->sysctl_id);
}

static void op_kmalloc(struct replay *rp, const struct trace_record *r)
{
	int node = trace_has(r, TK_NODE) ? r->node : -1;

	if (node >= rp->s->topo->nr_nodes) {
		fatal(rp, r, "node %d does not exist on topology %s", node, rp->s->topo->name);
		return;
	}
	/* pid= names the task the kernel allocates for (its CPU, its cpuset) */
	struct task *t = trace_has(r, TK_PID) ? task_find(rp->s, r->pid) : NULL;

	if (trace_has(r, TK_PID) && !t && replay_task_is_stillborn(rp, r->pid)) {
		rp->log->skipped++; /* for a task that never came to be */
		return;
	}
	if (trace_has(r, TK_PID) && !t) {
		fatal(rp, r, "no task with pid %d (never spawned)", r->pid);
		return;
	}
	long rc = kmalloc_node(rp->s, t, r->size, node, trace_has(r, TK_CACHE) ? r->cache : NULL);

	syscall_done(rp, r, NULL, rc, NULL, 0);
}

/* ---- dispatch ------------------------------------------------------------------- */

static bool stream_op_needs_task(enum trace_op op)
{
	return op != OP_SPAWN && op != OP_FILE && op != OP_SYSCTL && op != OP_DROP_CACHES &&
	       op != OP_CPUSET && op != OP_KMALLOC && op != OP_SNAPSHOT && op != OP_EXPECT;
}

static void replay_dispatch(struct replay *rp, const struct trace_record *r, struct op_state *st,
			    struct op_outcome *out, struct task *t);

/*
 * The record (or the part of it that ran before it blocked) has moved
 * its bytes; it lasts until they are across the links, if that is later
 * than its latency-bound cost (model.md §8). A blocked record settles
 * each part it runs, from the time that part started.
 */
static void settle_traffic(struct sim *s, struct task *t, struct op_outcome *out)
{
	uint64_t extra;

	if (!s->ic)
		return;
	extra = ic_settle(s->ic, sim_now(s), out->cost_ns);
	out->cost_ns += extra;
	if (t)
		t->bw_stall_ns += extra;
}

void replay_op(struct replay *rp, const struct trace_record *r, struct op_state *st,
	       struct op_outcome *out)
{
	struct sim *s = rp->s;
	struct task *t = NULL;

	if (stream_op_needs_task(r->op)) {
		int pid = trace_has(r, TK_AS_PID) ? r->as_pid : r->pid;

		t = acting_task(rp, r, pid);
		if (!t)
			return;
	}
	s->current = t;
	replay_dispatch(rp, r, st, out, t);
	settle_traffic(s, t, out);
	s->current = NULL;
}

static void replay_dispatch(struct replay *rp, const struct trace_record *r, struct op_state *st,
			    struct op_outcome *out, struct task *t)
{
	struct sim *s = rp->s;

	switch (r->op) {
	case OP_SPAWN:
		op_spawn(rp, r);
		break;
	case OP_FORK:
		op_fork(rp, r, t);
		break;
	case OP_THREAD:
		op_thread(rp, r, t);
		break;
	case OP_EXEC:
		op_exec(rp, r, t);
		break;
	case OP_EXIT:
		task_exit(s, t, TASK_EXITED);
		break;
	case OP_RUN:
		op_run(rp, r, t);
		break;
	case OP_AFFINITY:
		op_affinity(rp, r, t);
		break;
	case OP_MMAP:
		op_mmap(rp, r, t, st, out);
		break;
	case OP_MUNMAP:
		op_munmap(rp, r, t);
		break;
	case OP_TOUCH:
		run_access(rp, r, t, st, out, true);
		break;
	case OP_ACCESS:
		run_access(rp, r, t, st, out, false);
		break;
	case OP_FILE:
		op_file(rp, r);
		break;
	case OP_READ:
	case OP_WRITE:
	case OP_FSYNC:
		op_rw(rp, r, t, out);
		break;
	case OP_DROP_CACHES:
		syscall_done(rp, r, NULL, drop_caches(s), NULL, 0);
		break;
	case OP_SET_MEMPOLICY: {
		long rc = do_set_mempolicy(s, t, (int)r->mode, (unsigned)r->mode_flags,
					   given_nodes(r));

		syscall_done(rp, r, t, rc, NULL, 0);
		break;
	}
	case OP_MBIND: {
		long rc = do_mbind(s, t, r->addr, r->len, (int)r->mode, (unsigned)r->mode_flags,
				   given_nodes(r), (unsigned)r->mbind_flags, &out->cost_ns);

		syscall_done(rp, r, t, rc, NULL, 0);
		break;
	}
	case OP_MOVE_PAGES:
		op_move_pages(rp, r, t, out);
		break;
	case OP_MIGRATE_PAGES:
		op_migrate_pages(rp, r, t, out);
		break;
	case OP_CPUSET:
		op_cpuset(rp, r, out);
		break;
	case OP_SYSCTL:
		op_sysctl(rp, r);
		break;
	case OP_KMALLOC:
		op_kmalloc(rp, r);
		break;
	case OP_SNAPSHOT:
		report_add_snapshot(s, rp->log, trace_has(r, TK_LABEL) ? r->label : NULL);
		break;
	case OP_EXPECT:
		replay_expect(rp, r);
		break;
	case OP_MADVISE:
		syscall_done(rp, r, t, do_madvise(s, t, r->addr, r->len, r->advice, &out->cost_ns),
			     NULL, 0);
		break;
	case NR_TRACE_OPS:
		break;
	}
}
