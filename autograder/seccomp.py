"""A seccomp filter for the sandbox: system calls a submission never needs are refused.

bubblewrap already drops every capability, sets ``no_new_privs`` and gives the sandbox no
network; the filter closes what remains reachable without privileges:

* sockets of any family but ``AF_UNIX``, and connecting, binding, listening or accepting on
  any socket: Python itself needs only unnamed socket pairs, so no host Unix socket (named or
  abstract) can be reached even if one were visible;
* tracing or reading/writing another process's memory (``ptrace``, ``process_vm_readv``,
  ``process_vm_writev``): the template that forks the submissions must stay untouchable;
* kernel keyrings, eBPF, userfaultfd, perf events, io_uring, new namespaces and mounts
  (large kernel attack surface, no use in numpy code);
* the x32 system-call ABI on x86_64 (a second numbering that would bypass the list).

The program is classic BPF, built here (no compiler, no library) and handed to bubblewrap with
``--seccomp FD``, which installs it before the sandbox's Python starts. :func:`program` returns
``None`` on an architecture whose system-call numbers are not listed below; the sandbox then runs
without the filter, and :data:`autograder.sandbox` records that in the isolation mode.
"""

import errno
import platform
import struct

# BPF instruction classes and fields (linux/filter.h, linux/bpf_common.h)
_LD_W_ABS = 0x00 | 0x00 | 0x20
_JEQ_K = 0x05 | 0x10 | 0x00
_JGE_K = 0x05 | 0x30 | 0x00
_RET_K = 0x06 | 0x00
# seccomp return values (linux/seccomp.h)
_ALLOW = 0x7FFF0000
_KILL_PROCESS = 0x80000000
_ERRNO = 0x00050000

_NR_OFFSET, _ARCH_OFFSET, _ARG0_OFFSET = 0, 4, 16  # struct seccomp_data (little endian: low word first)
AF_UNIX = 1

# machine -> (AUDIT_ARCH value, system-call numbers, first number of a foreign ABI or None)
ARCHITECTURES = {
    "x86_64": (0xC000003E, {
        "socket": 41, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "add_key": 248,
        "request_key": 249, "keyctl": 250, "bpf": 321, "userfaultfd": 323, "perf_event_open": 298,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "unshare": 272, "setns": 308,
        "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "kexec_load": 246,
        "init_module": 175, "finit_module": 313, "personality": 135, "connect": 42, "bind": 49, "listen": 50,
        "accept": 43, "accept4": 288}, 0x40000000),
    "aarch64": (0xC00000B7, {
        "socket": 198, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "add_key": 217,
        "request_key": 218, "keyctl": 219, "bpf": 280, "userfaultfd": 282, "perf_event_open": 241,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "unshare": 97, "setns": 268,
        "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51, "kexec_load": 104,
        "init_module": 105, "finit_module": 273, "personality": 92, "connect": 203, "bind": 200, "listen": 201,
        "accept": 202, "accept4": 242}, None),
}
DENIED = ("ptrace", "process_vm_readv", "process_vm_writev", "add_key", "request_key", "keyctl", "bpf",
          "userfaultfd", "perf_event_open", "io_uring_setup", "io_uring_enter", "io_uring_register", "unshare",
          "setns", "mount", "umount2", "pivot_root", "chroot", "kexec_load", "init_module", "finit_module",
          "personality", "connect", "bind", "listen", "accept", "accept4")


def _instruction(code, k, jt=0, jf=0):
    return struct.pack("=HBBI", code, jt, jf, k)


def program(machine=None):
    """The filter as bytes for ``bwrap --seccomp``, or ``None`` for an unlisted architecture."""
    machine = machine or platform.machine()
    if machine not in ARCHITECTURES:
        return None
    arch, numbers, foreign = ARCHITECTURES[machine]
    deny = _RET_K, _ERRNO | errno.EPERM
    code = [(_LD_W_ABS, _ARCH_OFFSET), (_JEQ_K, arch, 1, 0), (_RET_K, _KILL_PROCESS), (_LD_W_ABS, _NR_OFFSET)]
    if foreign is not None:
        code += [(_JGE_K, foreign, 0, 1), deny]
    for name in DENIED:
        code += [(_JEQ_K, numbers[name], 0, 1), deny]
    code += [(_JEQ_K, numbers["socket"], 1, 0), (_RET_K, _ALLOW),
             (_LD_W_ABS, _ARG0_OFFSET), (_JEQ_K, AF_UNIX, 0, 1), (_RET_K, _ALLOW),
             (_RET_K, _ERRNO | errno.EAFNOSUPPORT)]
    return b"".join(_instruction(*step) for step in code)
