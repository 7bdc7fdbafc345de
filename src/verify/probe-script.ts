import * as fs from 'fs';
import * as path from 'path';

/**
 * The probe that runs inside each test container: one small Python 3 program (Debian's
 * /usr/bin/python3, standard library only) that calls the syscalls directly through ctypes
 * `syscall()`, so every step reports the exact errno the kernel or the seccomp filter returned.
 * It lives in src/verify/probe.py (read from there by the compiled harness in lib/ too); the
 * harness writes it into the container's read-only /probe mount.
 *
 * Usage inside the container: `python3 /probe/probe.py <command> [args]`, one JSON object on
 * stdout:
 * - `nsjail`: NsJail's kernel needs, in NsJail's order: clone3 with the seven namespace flags of its defaults,
 *   falling back to clone only on ENOSYS (NsJail's cloneProc), uid/gid maps, private
 *   propagation, a tmpfs root, a read-only bind, sethostname, a fresh procfs, pivot_root,
 *   umount2 of the old root; plus unshare with the same flags (NsJail's execve mode). This is
 *   the legacy mount(2) path (NsJail before mnt_newapi.cc, or on kernels < 6.3).
 * - `nsjail-newapi`: the same jail built the way current NsJail does on kernels >= 6.3
 *   (google/nsjail mnt_newapi.cc, no fallback to mount(2)): private propagation with mount(2),
 *   then fsopen/fsconfig/fsmount/move_mount for the root tmpfs and the procfs,
 *   open_tree(CLONE|AT_RECURSIVE) + mount_setattr + move_mount for the bind, mount_setattr
 *   (AT_RECURSIVE, RDONLY) for the read-only root, pivot_root(root, root), umount2('/').
 *   Keys are prefixed `newapi_`; `mount_proc`'s detail names the call that failed.
 * - `runsc[=PATH@RELEASE]`: runsc (Debian's /usr/bin/runsc, or the binary given) started rootless,
 *   no network, cgroups ignored, running /bin/true; key `runsc_do_true` or `runsc_<RELEASE>`.
 * - `exec-runs FILE`: each command of a JSON list (real NsJail, runsc) with its stdin; reports
 *   whether it printed its marker and exited 0, else the tool's own error lines.
 * - `dangerous`: each dangerous syscall with harmless, invalid arguments.
 * - `nsjail-time N` / `runsc-time N [PATH]` / `exec-time N FILE`: N timed repetitions (the syscall
 *   sequence, runsc do /bin/true, or the command of a JSON file {argv, stdin}), for the start-latency benchmark.
 * - `syscall-loop N`: ns per getppid() through ctypes (the benchmark's fallback without gcc).
 *
 * A real Python file, so that the tests byte-compile it and editors check it.
 */
export const PROBE_FILE = path.join(__dirname, '..', '..', 'src', 'verify', 'probe.py');

/** The probe's text, as the harness writes it to /probe/probe.py. */
export const PROBE_SCRIPT = fs.readFileSync(PROBE_FILE, 'utf8');

/**
 * The C loop the seccomp-cost benchmark compiles at bench time: ns per call of one cheap
 * syscall. `getppid` has no argument filter in any profile, so the kernel's seccomp action
 * cache (Linux >= 5.11) answers it without running the filter; `personality(0xffffffff)` (a
 * query) is allowed only by an argument-filtered rule, so the whole BPF program runs each call.
 */
export const SYSCALL_LOOP_C = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
  const char *which = argc > 1 ? argv[1] : "getppid";
  long n = argc > 2 ? atol(argv[2]) : 1000000;
  int rounds = argc > 3 ? atoi(argv[3]) : 5;
  int personality = strcmp(which, "personality") == 0;
  printf("{\"ok\": true, \"samples_ns\": [");
  for (int r = 0; r < rounds; r++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (personality) for (long i = 0; i < n; i++) syscall(SYS_personality, 0xffffffffUL);
    else for (long i = 0; i < n; i++) syscall(SYS_getppid);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)n;
    printf("%s%.2f", r ? ", " : "", ns);
  }
  printf("]}\n");
  return 0;
}
`;
