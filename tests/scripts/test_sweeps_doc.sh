#!/bin/sh
# The examples of docs/sweeps.md run as printed: every `$ ` line of its
# ```sh blocks runs (numasim in PATH, /tmp/ replaced by a private
# directory) and exits 0, and where the block shows the output, the
# output is exactly that; the ```trace block is workloads/policy.trace.
# The Slurm recipe (no `$ ` prompts) is left to test_slurm.sh. Lines
# needing GNU parallel are skipped without it.
# Usage: test_sweeps_doc.sh NUMASIM SRCDIR
set -e
numasim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/work"
ln -s "$numasim" "$tmp/bin/numasim"
ln -s "$src/scripts" "$tmp/work/scripts"
export PATH="$tmp/bin:$PATH" HOME="$tmp" NUMASIM_DATADIR="$src"
python3 - "$src/docs/sweeps.md" "$tmp" "$src" <<'PY'
import re, shutil, subprocess, sys
doc, tmp = open(sys.argv[1]).read(), sys.argv[2]
work = f"{tmp}/work"
trace = re.search(r"```trace\n(.*?)```", doc, re.S).group(1)
assert trace == open(f"{sys.argv[3]}/workloads/policy.trace").read(), "the policy trace shown is not the shipped one"
have_parallel = shutil.which("parallel") is not None
ran = 0
for block in re.findall(r"```sh\n(.*?)```", doc, re.S):
    cmds = []
    for line in block.splitlines():
        if line.startswith("$ "):
            cmds.append([line[2:], []])
        elif cmds:
            cmds[-1][1].append(line)
    for cmd, want in cmds:
        if "parallel" in cmd and not have_parallel:
            print("skipped (no GNU parallel):", cmd)
            continue
        run = cmd.replace("/tmp/", f"{tmp}/")
        p = subprocess.run(run, shell=True, cwd=work, capture_output=True, text=True)
        assert p.returncode == 0, (cmd, p.returncode, p.stderr)
        if want:
            assert p.stdout.splitlines() == want, (cmd, p.stdout, want)
        ran += 1
assert ran >= 8, ran
print(f"docs/sweeps.md: {ran} commands ran as printed")
PY
