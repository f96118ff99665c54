/*
 * bpf.c - read(), write() and pwrite64() of a regular file without a stop,
 * for `numasim record`.
 *
 * A read's or write's offset is its file's position (a write's with
 * O_APPEND: the file's end), which no tracepoint carries. A small eBPF
 * program on the raw tracepoint raw_syscalls:sys_enter reads it in the
 * kernel: at those three calls of a task of the recording (its tgid is in
 * the procs map) on a regular file's fd (the process's bitmap there has
 * it, and the fds map its inode number), it follows the task's fd table
 * (task_struct.files, files_struct.fdt, fdtable.fd) to the struct file,
 * checks that it still is the regular file the tracer entered, by its
 * inode number (inode.i_ino) and type (inode.i_mode), and writes one
 * record (struct rec_bpf_rec) into a BPF ring buffer: the time, the tid,
 * the fd, the count, the position (file.f_pos, or pwrite64's offset), the
 * file's size (inode.i_size), the CPU and the call's number, the file's
 * flags (file.f_flags). The tracer reads the ring with its perf rings
 * (rec_bpf_drain()) and logs each record as it logs the call at its entry
 * stop: the bytes a read can read before the file's end, all of a write.
 * (bpf_perf_event_output() cost 0.66 us a record on the build VM, as much
 * as the rest of the program and more than the read.)
 *
 * A raw tracepoint's program costs every system call of the machine a
 * test of the call's number while it is attached (the per-call
 * tracepoints' perf hook, which the recording holds anyway, costs far
 * more for the calls it follows). The offsets come from the kernel's BTF
 * (/sys/kernel/btf/vmlinux). Loading needs CAP_BPF and CAP_PERFMON (root);
 * without them, or without BTF, those calls stop as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "record/record_int.h"

#define PROCS_MAX 8192	      /* the recording's live processes */
#define PROC_FDS 1024	      /* the fds a process's bitmap has (the others: the fds map only) */
#define FDS_MAX 32768	      /* their regular files' fds */
#define RING_BYTES (4u << 20) /* ~60000 records: 60 ms of a program reading and nothing else */

/* ---- the kernel's BTF: offsets of struct members ----------------------------------- */

struct btf {
	unsigned char *data;
	size_t len, map;
	const unsigned char *types, *strs;
	uint32_t types_len, strs_len;
	const unsigned char **type; /* by id (1 ..) */
	uint32_t ntype;
};

enum {
	K_INT = 1,
	K_PTR,
	K_ARRAY,
	K_STRUCT,
	K_UNION,
	K_ENUM,
	K_FWD,
	K_TYPEDEF,
	K_VOLATILE,
	K_CONST,
	K_RESTRICT,
	K_FUNC,
	K_FUNC_PROTO,
	K_VAR,
	K_DATASEC,
	K_FLOAT,
	K_DECL_TAG,
	K_TYPE_TAG,
	K_ENUM64
};

static uint32_t u32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* The bytes after a type's 12-byte header; -1: a kind this does not know. */
static long btf_extra(uint32_t info)
{
	uint32_t kind = (info >> 24) & 0x1f, vlen = info & 0xffff;

	switch (kind) {
	case K_INT:
	case K_VAR:
	case K_DECL_TAG:
		return 4;
	case K_PTR:
	case K_FWD:
	case K_TYPEDEF:
	case K_VOLATILE:
	case K_CONST:
	case K_RESTRICT:
	case K_FUNC:
	case K_FLOAT:
	case K_TYPE_TAG:
		return 0;
	case K_ARRAY:
		return 12;
	case K_STRUCT:
	case K_UNION:
	case K_DATASEC:
	case K_ENUM64:
		return 12l * vlen;
	case K_ENUM:
	case K_FUNC_PROTO:
		return 8l * vlen;
	default:
		return -1;
	}
}

/* The file's bytes: one read() into memory mapped and populated at once
 * (5 MiB; page by page the faults cost more than the read). */
static int btf_load(struct btf *b)
{
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	struct stat sb;

	memset(b, 0, sizeof(*b));
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) || sb.st_size < 24 || sb.st_size > (1 << 28)) {
		close(fd);
		return -1;
	}
	b->map = (size_t)sb.st_size;
	b->data = mmap(NULL, b->map, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (b->data == MAP_FAILED) {
		b->data = NULL;
		close(fd);
		return -1;
	}
	while (b->len < b->map) {
		ssize_t n = read(fd, b->data + b->len, b->map - b->len);

		if (n <= 0)
			break;
		b->len += (size_t)n;
	}
	close(fd);
	if (!b->data || b->len < 24)
		return -1;
	uint32_t hdr = u32_at(b->data + 4), toff = u32_at(b->data + 8), tlen = u32_at(b->data + 12),
		 soff = u32_at(b->data + 16), slen = u32_at(b->data + 20);
	uint16_t magic;

	memcpy(&magic, b->data, 2);
	if (magic != 0xeb9f || hdr < 24 || hdr > b->len || toff > b->len - hdr ||
	    tlen > b->len - hdr - toff || soff > b->len - hdr || slen > b->len - hdr - soff)
		return -1;
	b->types = b->data + hdr + toff;
	b->types_len = tlen;
	b->strs = b->data + hdr + soff;
	b->strs_len = slen;
	uint32_t n = 0;

	for (int pass = 0; pass < 2; pass++) { /* count, then index */
		for (uint32_t pos = 0; pos + 12 <= tlen;) {
			long extra = btf_extra(u32_at(b->types + pos + 4));

			if (extra < 0 || pos + 12 + (uint64_t)extra > tlen)
				return -1;
			if (pass)
				b->type[++b->ntype] = b->types + pos;
			else
				n++;
			pos += 12 + (uint32_t)extra;
		}
		if (!pass && !(b->type = malloc(((size_t)n + 1) * sizeof(*b->type))))
			return -1;
	}
	return 0;
}

static const char *btf_str(const struct btf *b, uint32_t off)
{
	return off < b->strs_len ? (const char *)b->strs + off : "";
}

/* A type id with typedefs and qualifiers taken off. */
static uint32_t btf_resolve(const struct btf *b, uint32_t id)
{
	for (int i = 0; i < 32 && id && id <= b->ntype; i++) {
		uint32_t kind = (u32_at(b->type[id] + 4) >> 24) & 0x1f;

		if (kind != K_TYPEDEF && kind != K_VOLATILE && kind != K_CONST &&
		    kind != K_RESTRICT && kind != K_TYPE_TAG)
			return id;
		id = u32_at(b->type[id] + 8);
	}
	return 0;
}

/* The byte offset of member name in struct or union id, looking into its
 * unnamed members; -1 when it has none. */
static long btf_member_in(const struct btf *b, uint32_t id, const char *name, int depth)
{
	if (depth > 8 || !(id = btf_resolve(b, id)))
		return -1;
	uint32_t info = u32_at(b->type[id] + 4), kind = (info >> 24) & 0x1f, vlen = info & 0xffff;
	bool kflag = info >> 31;

	if (kind != K_STRUCT && kind != K_UNION)
		return -1;
	for (uint32_t i = 0; i < vlen; i++) {
		const unsigned char *m = b->type[id] + 12 + 12 * i;
		uint32_t bits = u32_at(m + 8);

		if (kflag)
			bits &= 0xffffff;
		if (bits % 8)
			continue; /* a bitfield */
		if (u32_at(m)) {
			if (!strcmp(btf_str(b, u32_at(m)), name))
				return bits / 8;
			continue;
		}
		long in = btf_member_in(b, u32_at(m + 4), name, depth + 1);

		if (in >= 0)
			return bits / 8 + in;
	}
	return -1;
}

/* The offset of member of the struct named sname (its definition). */
static long btf_member(const struct btf *b, const char *sname, const char *member)
{
	for (uint32_t id = 1; id <= b->ntype; id++) {
		uint32_t info = u32_at(b->type[id] + 4);

		if (((info >> 24) & 0x1f) == K_STRUCT && u32_at(b->type[id] + 8) &&
		    !strcmp(btf_str(b, u32_at(b->type[id])), sname))
			return btf_member_in(b, id, member, 0);
	}
	return -1;
}

static void btf_free(struct btf *b)
{
	if (b->data)
		munmap(b->data, b->map);
	free(b->type);
}

/* ---- a small eBPF assembler ------------------------------------------------------------ */

#define MAX_INSNS 256
#define MAX_LABELS 8

struct asm_ {
	struct bpf_insn i[MAX_INSNS];
	int n;
	int label[MAX_LABELS]; /* instruction index of each label */
	int jump[MAX_INSNS];   /* label + 1 the jump at that index goes to, or 0 */
};

static void emit(struct asm_ *a, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (a->n >= MAX_INSNS)
		return;
	a->i[a->n] = (struct bpf_insn){
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
	a->jump[a->n++] = 0;
}

#define MOV64(d, s) emit(a, BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64I(d, k) emit(a, BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, k)
#define MOV32I(d, k) emit(a, BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, k) /* zero-extends */
#define MOV32(d, s) emit(a, BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define ALU64I(op, d, k) emit(a, BPF_ALU64 | (op) | BPF_K, d, 0, 0, k)
#define ALU64(op, d, s) emit(a, BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define LDX(sz, d, s, o) emit(a, BPF_LDX | (sz) | BPF_MEM, d, s, o, 0)
#define STX(sz, d, o, s) emit(a, BPF_STX | (sz) | BPF_MEM, d, s, o, 0)
#define ST0(d, o) emit(a, BPF_ST | BPF_DW | BPF_MEM, d, 0, o, 0)
#define CALL(f) emit(a, BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT() emit(a, BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static void jmp(struct asm_ *a, uint8_t op, uint8_t d, int32_t k, int label)
{
	emit(a, BPF_JMP | op | BPF_K, d, 0, 0, k);
	a->jump[a->n - 1] = label + 1;
}

static void jmpx(struct asm_ *a, uint8_t op, uint8_t d, uint8_t s, int label)
{
	emit(a, BPF_JMP | op | BPF_X, d, s, 0, 0);
	a->jump[a->n - 1] = label + 1;
}

static void map_fd(struct asm_ *a, uint8_t d, int fd)
{
	emit(a, BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd);
	emit(a, 0, 0, 0, 0, 0);
}

static void mark(struct asm_ *a, int label)
{
	a->label[label] = a->n;
}

static int link_(struct asm_ *a)
{
	if (a->n >= MAX_INSNS) {
		errno = E2BIG;
		return -1;
	}
	for (int k = 0; k < a->n; k++)
		if (a->jump[k])
			a->i[k].off = (int16_t)(a->label[a->jump[k] - 1] - k - 1);
	return 0;
}

/* *(u64 *)(fp + dst) = *(u64 *)(r3 + off), through bpf_probe_read_kernel();
 * to label fail when the read faults. */
static void kread(struct asm_ *a, int16_t dst, int32_t off, int32_t size, int fail)
{
	if (off)
		ALU64I(BPF_ADD, BPF_REG_3, off);
	MOV64(BPF_REG_1, BPF_REG_10);
	ALU64I(BPF_ADD, BPF_REG_1, dst);
	MOV32I(BPF_REG_2, size);
	CALL(BPF_FUNC_probe_read_kernel);
	jmp(a, BPF_JNE, BPF_REG_0, 0, fail);
}

enum { L_OUT, L_GO, L_POSOK, L_HASH };

struct offs {
	long files, fdt, max_fds, fd, f_pos, f_flags, f_inode, i_ino, i_mode, i_size;
	long di, dx, r10; /* pt_regs: the call's first, third and fourth arguments */
};

#define BUF (-360) /* a span of a kernel struct, read at once (SPAN_MAX bytes) */
#define SPAN_MAX 256

/* The span [lo, hi) of the struct at r3 holding the fields at offs[0 .. n)
 * of sizes size[]: lo 8-aligned, so that each field is aligned in BUF. */
struct span {
	long lo, hi;
};

static struct span span_of(const long *offs, const int *size, int n)
{
	struct span sp = {offs[0], offs[0] + size[0]};

	for (int i = 1; i < n; i++) {
		if (offs[i] < sp.lo)
			sp.lo = offs[i];
		if (offs[i] + size[i] > sp.hi)
			sp.hi = offs[i] + size[i];
	}
	sp.lo &= ~7l;
	return sp;
}

/* Reads span sp of the struct at r3 into BUF (one bpf_probe_read_kernel()). */
static void kspan(struct asm_ *a, struct span sp, int fail)
{
	kread(a, BUF, (int32_t)sp.lo, (int32_t)(sp.hi - sp.lo), fail);
}

/* reg = the field at off (size bytes) of the span in BUF. */
static void field(struct asm_ *a, uint8_t reg, struct span sp, long off, int size)
{
	LDX(size == 8	? BPF_DW
	    : size == 4 ? BPF_W
			: BPF_H,
	    reg, BPF_REG_10, (int16_t)(BUF + off - sp.lo));
}

/*
 * At raw_syscalls:sys_enter (ctx: the pt_regs pointer, the call's
 * number). Registers: r6 the context, r7 the number, r8 tgid << 32, r9
 * the fd. Stack: -8 map keys, -16 the inode number the map gives, -88
 * what a kernel read brings, -96 the struct file, -104 the pt_regs, BUF a
 * span of a struct, -80 .. -24 the record (struct rec_bpf_rec): time,
 * tid, fd, count, position, size, CPU | number << 32, file flags.
 */
static int rw_prog(struct asm_ *a, const struct offs *o, const struct rec_bpf *b)
{
	long regs_f[3] = {o->di, o->dx, o->r10}, fdt_f[2] = {o->max_fds, o->fd},
	     file_f[3] = {o->f_pos, o->f_flags, o->f_inode},
	     inode_f[3] = {o->i_ino, o->i_mode, o->i_size};
	int regs_s[3] = {8, 8, 8}, fdt_s[2] = {4, 8}, file_s[3] = {8, 4, 8}, inode_s[3] = {8, 2, 8};
	struct span regs = span_of(regs_f, regs_s, 3), fdt = span_of(fdt_f, fdt_s, 2),
		    file = span_of(file_f, file_s, 3), inode = span_of(inode_f, inode_s, 3);

	if (regs.hi - regs.lo > SPAN_MAX || fdt.hi - fdt.lo > SPAN_MAX ||
	    file.hi - file.lo > SPAN_MAX || inode.hi - inode.lo > SPAN_MAX)
		return -1;
	MOV64(BPF_REG_6, BPF_REG_1);
	LDX(BPF_DW, BPF_REG_7, BPF_REG_6, 8);
	jmp(a, BPF_JEQ, BPF_REG_7, SYS_read, L_GO);
	jmp(a, BPF_JEQ, BPF_REG_7, SYS_write, L_GO);
	jmp(a, BPF_JEQ, BPF_REG_7, SYS_pwrite64, L_GO);
	mark(a, L_OUT);
	MOV64I(BPF_REG_0, 0);
	EXIT();
	mark(a, L_GO);
	CALL(BPF_FUNC_get_current_pid_tgid);
	MOV64(BPF_REG_8, BPF_REG_0);
	MOV32(BPF_REG_1, BPF_REG_0); /* the tid */
	STX(BPF_DW, BPF_REG_10, -72, BPF_REG_1);
	ALU64I(BPF_RSH, BPF_REG_8, 32);
	STX(BPF_W, BPF_REG_10, -8, BPF_REG_8); /* the tgid: the procs map's key */
	ALU64I(BPF_LSH, BPF_REG_8, 32);
	map_fd(a, BPF_REG_1, b->procs);
	MOV64(BPF_REG_2, BPF_REG_10);
	ALU64I(BPF_ADD, BPF_REG_2, -8);
	CALL(BPF_FUNC_map_lookup_elem);
	jmp(a, BPF_JEQ, BPF_REG_0, 0, L_OUT);	  /* not the recording's */
	STX(BPF_DW, BPF_REG_10, -112, BPF_REG_0); /* its fds < PROC_FDS, a bit each */
	/* the arguments: fd, count, pwrite64's offset */
	LDX(BPF_DW, BPF_REG_3, BPF_REG_6, 0);
	kspan(a, regs, L_OUT);
	field(a, BPF_REG_9, regs, o->di, 8);
	MOV32(BPF_REG_9, BPF_REG_9); /* an unsigned int */
	jmp(a, BPF_JGE, BPF_REG_9, PROC_FDS, L_HASH);
	LDX(BPF_DW, BPF_REG_1, BPF_REG_10, -112);
	MOV64(BPF_REG_2, BPF_REG_9);
	ALU64I(BPF_RSH, BPF_REG_2, 6);
	ALU64I(BPF_LSH, BPF_REG_2, 3);
	ALU64(BPF_ADD, BPF_REG_1, BPF_REG_2);
	LDX(BPF_DW, BPF_REG_3, BPF_REG_1, 0);
	MOV64(BPF_REG_2, BPF_REG_9);
	ALU64I(BPF_AND, BPF_REG_2, 63);
	ALU64(BPF_RSH, BPF_REG_3, BPF_REG_2);
	ALU64I(BPF_AND, BPF_REG_3, 1);
	jmp(a, BPF_JEQ, BPF_REG_3, 0, L_OUT); /* not a regular file's fd */
	mark(a, L_HASH);
	field(a, BPF_REG_1, regs, o->dx, 8);
	STX(BPF_DW, BPF_REG_10, -56, BPF_REG_1);
	field(a, BPF_REG_1, regs, o->r10, 8);
	STX(BPF_DW, BPF_REG_10, -48, BPF_REG_1);
	MOV64(BPF_REG_1, BPF_REG_9);
	ALU64(BPF_OR, BPF_REG_1, BPF_REG_8);
	STX(BPF_DW, BPF_REG_10, -8, BPF_REG_1);
	map_fd(a, BPF_REG_1, b->fds);
	MOV64(BPF_REG_2, BPF_REG_10);
	ALU64I(BPF_ADD, BPF_REG_2, -8);
	CALL(BPF_FUNC_map_lookup_elem);
	jmp(a, BPF_JEQ, BPF_REG_0, 0, L_OUT); /* not a regular file's fd */
	LDX(BPF_DW, BPF_REG_1, BPF_REG_0, 0);
	STX(BPF_DW, BPF_REG_10, -16, BPF_REG_1);
	/* the struct file: current->files->fdt->fd[fd] */
	CALL(BPF_FUNC_get_current_task);
	MOV64(BPF_REG_3, BPF_REG_0);
	kread(a, -88, (int32_t)o->files, 8, L_OUT);
	LDX(BPF_DW, BPF_REG_3, BPF_REG_10, -88);
	jmp(a, BPF_JEQ, BPF_REG_3, 0, L_OUT);
	kread(a, -88, (int32_t)o->fdt, 8, L_OUT);
	LDX(BPF_DW, BPF_REG_3, BPF_REG_10, -88);
	jmp(a, BPF_JEQ, BPF_REG_3, 0, L_OUT);
	kspan(a, fdt, L_OUT);
	field(a, BPF_REG_1, fdt, o->max_fds, 4);
	jmpx(a, BPF_JGE, BPF_REG_9, BPF_REG_1, L_OUT);
	field(a, BPF_REG_3, fdt, o->fd, 8); /* the fd array */
	MOV64(BPF_REG_1, BPF_REG_9);
	ALU64I(BPF_LSH, BPF_REG_1, 3);
	ALU64(BPF_ADD, BPF_REG_3, BPF_REG_1);
	kread(a, -88, 0, 8, L_OUT);
	LDX(BPF_DW, BPF_REG_3, BPF_REG_10, -88);
	jmp(a, BPF_JEQ, BPF_REG_3, 0, L_OUT);
	kspan(a, file, L_OUT);
	/* the position: pwrite64's fourth argument, else the file's */
	jmp(a, BPF_JEQ, BPF_REG_7, SYS_pwrite64, L_POSOK);
	field(a, BPF_REG_1, file, o->f_pos, 8);
	STX(BPF_DW, BPF_REG_10, -48, BPF_REG_1);
	mark(a, L_POSOK);
	field(a, BPF_REG_1, file, o->f_flags, 4);
	STX(BPF_DW, BPF_REG_10, -24, BPF_REG_1);
	field(a, BPF_REG_3, file, o->f_inode, 8); /* the inode */
	jmp(a, BPF_JEQ, BPF_REG_3, 0, L_OUT);
	kspan(a, inode, L_OUT);
	field(a, BPF_REG_1, inode, o->i_ino, 8);
	LDX(BPF_DW, BPF_REG_2, BPF_REG_10, -16);
	jmpx(a, BPF_JNE, BPF_REG_1, BPF_REG_2, L_OUT); /* another file now */
	field(a, BPF_REG_1, inode, o->i_mode, 2);
	ALU64I(BPF_AND, BPF_REG_1, 0xf000);
	jmp(a, BPF_JNE, BPF_REG_1, 0x8000, L_OUT); /* S_IFREG */
	field(a, BPF_REG_1, inode, o->i_size, 8);
	STX(BPF_DW, BPF_REG_10, -40, BPF_REG_1);
	STX(BPF_DW, BPF_REG_10, -64, BPF_REG_9);
	CALL(BPF_FUNC_get_smp_processor_id);
	MOV64(BPF_REG_1, BPF_REG_7);
	ALU64I(BPF_LSH, BPF_REG_1, 32);
	ALU64(BPF_OR, BPF_REG_1, BPF_REG_0);
	STX(BPF_DW, BPF_REG_10, -32, BPF_REG_1);
	CALL(BPF_FUNC_ktime_get_ns); /* CLOCK_MONOTONIC, the recording's clock */
	STX(BPF_DW, BPF_REG_10, -80, BPF_REG_0);
	map_fd(a, BPF_REG_1, b->out);
	MOV64(BPF_REG_2, BPF_REG_10);
	ALU64I(BPF_ADD, BPF_REG_2, -80);
	MOV64I(BPF_REG_3, (int32_t)sizeof(struct rec_bpf_rec));
	MOV64I(BPF_REG_4, BPF_RB_NO_WAKEUP); /* the tracer reads it at its stops and ticks */
	CALL(BPF_FUNC_ringbuf_output);
	jmp(a, BPF_JEQ, BPF_REG_0, 0, L_OUT);
	/* the ring is full: count the record lost */
	ST0(BPF_REG_10, -8);
	map_fd(a, BPF_REG_1, b->lost);
	MOV64(BPF_REG_2, BPF_REG_10);
	ALU64I(BPF_ADD, BPF_REG_2, -8);
	CALL(BPF_FUNC_map_lookup_elem);
	jmp(a, BPF_JEQ, BPF_REG_0, 0, L_OUT);
	MOV64I(BPF_REG_1, 1);
	emit(a, BPF_STX | BPF_DW | BPF_ATOMIC, BPF_REG_0, BPF_REG_1, 0, BPF_ADD);
	MOV64I(BPF_REG_0, 0);
	EXIT();
	return 0;
}

/* ---- the bpf() calls ------------------------------------------------------------------- */

static int sys_bpf(int cmd, union bpf_attr *at)
{
	return (int)syscall(SYS_bpf, cmd, at, sizeof(*at));
}

static int map_create(int type, unsigned key, unsigned value, unsigned max)
{
	union bpf_attr at;

	memset(&at, 0, sizeof(at));
	at.map_type = (unsigned)type;
	at.key_size = key;
	at.value_size = value;
	at.max_entries = max;
	return sys_bpf(BPF_MAP_CREATE, &at);
}

static int map_update(int map, const void *key, const void *value)
{
	union bpf_attr at;

	memset(&at, 0, sizeof(at));
	at.map_fd = (unsigned)map;
	at.key = (uint64_t)(uintptr_t)key;
	at.value = (uint64_t)(uintptr_t)value;
	at.flags = BPF_ANY;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &at);
}

static int map_lookup(int map, const void *key, void *value)
{
	union bpf_attr at;

	memset(&at, 0, sizeof(at));
	at.map_fd = (unsigned)map;
	at.key = (uint64_t)(uintptr_t)key;
	at.value = (uint64_t)(uintptr_t)value;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &at);
}

static int map_delete(int map, const void *key)
{
	union bpf_attr at;

	memset(&at, 0, sizeof(at));
	at.map_fd = (unsigned)map;
	at.key = (uint64_t)(uintptr_t)key;
	return sys_bpf(BPF_MAP_DELETE_ELEM, &at);
}

static int prog_load(const struct asm_ *a, char *log, size_t loglen)
{
	union bpf_attr at;

	memset(&at, 0, sizeof(at));
	at.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	at.insns = (uint64_t)(uintptr_t)a->i;
	at.insn_cnt = (unsigned)a->n;
	/* the helpers that read kernel memory and write perf records are
	 * the kernel's GPL-only ones: these two programs are offered under
	 * the GPL, as every tracing program is */
	at.license = (uint64_t)(uintptr_t) "GPL";
	at.log_buf = (uint64_t)(uintptr_t)log;
	at.log_size = log ? (unsigned)loglen : 0;
	at.log_level = log ? 1 : 0;
	return sys_bpf(BPF_PROG_LOAD, &at);
}

static void why_set(char *why, size_t len, const char *what, int e)
{
	snprintf(why, len, "%s: %s", what, strerror(e));
}

void rec_bpf_init(struct rec_bpf *b)
{
	memset(b, 0, sizeof(*b));
	b->fds = b->procs = b->out = b->lost = b->prog = b->link = -1;
}

int rec_bpf_load(struct rec_bpf *b, char *why, size_t len)
{
	struct btf btf;
	struct offs o;
	struct asm_ a;
	char *log = getenv("NUMASIM_RECORD_BPF_LOG") ? malloc(1 << 16) : NULL;

	rec_bpf_init(b);
	if (btf_load(&btf)) {
		btf_free(&btf);
		snprintf(why, len, "no kernel BTF (/sys/kernel/btf/vmlinux)");
		free(log);
		return -1;
	}
	const struct {
		long *off;
		const char *s, *m;
	} want[] = {
		{&o.files, "task_struct", "files"}, {&o.fdt, "files_struct", "fdt"},
		{&o.max_fds, "fdtable", "max_fds"}, {&o.fd, "fdtable", "fd"},
		{&o.f_pos, "file", "f_pos"},	    {&o.f_flags, "file", "f_flags"},
		{&o.f_inode, "file", "f_inode"},    {&o.i_ino, "inode", "i_ino"},
		{&o.i_mode, "inode", "i_mode"},	    {&o.i_size, "inode", "i_size"},
		{&o.di, "pt_regs", "di"},	    {&o.dx, "pt_regs", "dx"},
		{&o.r10, "pt_regs", "r10"},
	};
	bool all = true;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		all &= (*want[i].off = btf_member(&btf, want[i].s, want[i].m)) >= 0;
	btf_free(&btf);
	if (!all) {
		snprintf(why, len, "the kernel's BTF lacks a member the program follows");
		free(log);
		return -1;
	}
	b->fds = map_create(BPF_MAP_TYPE_HASH, 8, 8, FDS_MAX);
	b->procs = b->fds < 0 ? -1 : map_create(BPF_MAP_TYPE_HASH, 4, PROC_FDS / 8, PROCS_MAX);
	b->lost = b->procs < 0 ? -1 : map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	b->out = b->lost < 0 ? -1 : map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RING_BYTES);
	if (b->out < 0) {
		why_set(why, len, "bpf map", errno);
		goto fail;
	}
	b->page = (size_t)sysconf(_SC_PAGESIZE);
	/* the consumer's page, then the producer's and the data, twice */
	b->cons = mmap(NULL, b->page, PROT_READ | PROT_WRITE, MAP_SHARED, b->out, 0);
	b->prod = mmap(NULL, b->page + 2 * (size_t)RING_BYTES, PROT_READ, MAP_SHARED, b->out,
		       (off_t)b->page);
	if (b->cons == MAP_FAILED || b->prod == MAP_FAILED) {
		if (b->cons == MAP_FAILED)
			b->cons = NULL;
		if (b->prod == MAP_FAILED)
			b->prod = NULL;
		why_set(why, len, "mmap of the bpf ring buffer", errno);
		goto fail;
	}
	memset(&a, 0, sizeof(a));
	if (rw_prog(&a, &o, b)) {
		snprintf(why, len, "the kernel's structs are laid out too far apart");
		goto fail;
	}
	if (link_(&a) || (b->prog = prog_load(&a, log, 1 << 16)) < 0) {
		why_set(why, len, "bpf program", errno);
		goto fail;
	}
	free(log);
	b->on = true;
	return 0;
fail:
	if (log && log[0])
		fprintf(stderr, "%s\n", log);
	free(log);
	rec_bpf_close(b);
	return -1;
}

/* The program on raw_syscalls:sys_enter. */
int rec_bpf_attach(struct rec_bpf *b)
{
	union bpf_attr ba;

	memset(&ba, 0, sizeof(ba));
	ba.raw_tracepoint.name = (uint64_t)(uintptr_t) "sys_enter";
	ba.raw_tracepoint.prog_fd = (unsigned)b->prog;
	return (b->link = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &ba)) < 0 ? -1 : 0;
}

/* Moves the ring's records into s->ev (kind kind), unsorted. */
int rec_bpf_drain(struct rec_bpf *b, struct rec_sys *s, int kind)
{
	volatile uint64_t *cons, *prod;
	const unsigned char *data;
	uint64_t c, p;

	if (!b->on)
		return 0;
	cons = b->cons;
	prod = b->prod;
	data = (const unsigned char *)b->prod + b->page;
	c = __atomic_load_n(cons, __ATOMIC_ACQUIRE);
	p = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
	while (c < p) {
		uint32_t hdr = __atomic_load_n((const uint32_t *)(data + (c & (RING_BYTES - 1))),
					       __ATOMIC_ACQUIRE);
		uint32_t n = hdr & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);

		if (hdr & BPF_RINGBUF_BUSY_BIT)
			break; /* still being written */
		if (!(hdr & BPF_RINGBUF_DISCARD_BIT) && n >= sizeof(struct rec_bpf_rec)) {
			struct rec_bpf_rec rec;

			memcpy(&rec, data + (c & (RING_BYTES - 1)) + BPF_RINGBUF_HDR_SZ,
			       sizeof(rec));
			if (!rec_grow((void **)&s->ev, &s->capev, s->nev + 1, sizeof(*s->ev))) {
				s->lost++;
			} else {
				struct rec_sysev *v = &s->ev[s->nev++];

				memset(v, 0, sizeof(*v));
				v->time = rec.time;
				v->tid = (uint32_t)rec.tid;
				v->kind = kind;
				memcpy(v->a, &rec.fd, sizeof(v->a));
			}
		}
		c += (n + BPF_RINGBUF_HDR_SZ + 7) & ~7u;
	}
	__atomic_store_n(cons, c, __ATOMIC_RELEASE);
	return 0;
}

uint64_t rec_bpf_lost(const struct rec_bpf *b)
{
	uint32_t key = 0;
	uint64_t v = 0;

	return b->lost < 0 || map_lookup(b->lost, &key, &v) ? 0 : v;
}

static uint64_t fd_key(pid_t tgid, int fd)
{
	return (uint64_t)(uint32_t)tgid << 32 | (uint32_t)fd;
}

/* fd's bit in process tgid's bitmap. */
static int proc_bit(struct rec_bpf *b, pid_t tgid, int fd, bool on)
{
	uint32_t key = (uint32_t)tgid;
	uint64_t bits[PROC_FDS / 64];

	if (fd >= PROC_FDS)
		return 0;
	if (map_lookup(b->procs, &key, bits))
		return -1;
	if (on)
		bits[fd / 64] |= 1ull << (fd % 64);
	else
		bits[fd / 64] &= ~(1ull << (fd % 64));
	return map_update(b->procs, &key, bits);
}

int rec_bpf_set(struct rec_bpf *b, pid_t tgid, int fd, uint64_t ino)
{
	uint64_t key = fd_key(tgid, fd), none[PROC_FDS / 64] = {0};
	uint32_t pkey = (uint32_t)tgid;

	if (!b->on)
		return 0;
	if (fd < 0 ? map_update(b->procs, &pkey, none)
		   : map_update(b->fds, &key, &ino) || proc_bit(b, tgid, fd, true)) {
		b->failed++;
		return -1;
	}
	return 0;
}

void rec_bpf_del(struct rec_bpf *b, pid_t tgid, int fd)
{
	uint64_t key = fd_key(tgid, fd);
	uint32_t pkey = (uint32_t)tgid;

	if (!b->on)
		return;
	if (fd < 0) {
		map_delete(b->procs, &pkey);
		return;
	}
	proc_bit(b, tgid, fd, false);
	map_delete(b->fds, &key);
}

void rec_bpf_close(struct rec_bpf *b)
{
	if (b->link >= 0)
		close(b->link); /* detaches it */
	if (b->cons)
		munmap(b->cons, b->page);
	if (b->prod)
		munmap(b->prod, b->page + 2 * (size_t)RING_BYTES);
	if (b->prog >= 0)
		close(b->prog);
	if (b->fds >= 0)
		close(b->fds);
	if (b->procs >= 0)
		close(b->procs);
	if (b->out >= 0)
		close(b->out);
	if (b->lost >= 0)
		close(b->lost);
	rec_bpf_init(b);
}
