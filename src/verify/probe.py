import ctypes, json, os, platform, subprocess, sys, time, errno as E

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

ARCH = platform.machine()
NR = {
  'x86_64': dict(clone=56, clone3=435, unshare=272, mount=165, umount2=166, pivot_root=155, sethostname=170,
                 open_tree=428, move_mount=429, fsopen=430, fsconfig=431, fsmount=432, mount_setattr=442,
                 bpf=321, perf_event_open=298, kexec_load=246, init_module=175, finit_module=313,
                 keyctl=250, add_key=248, request_key=249, open_by_handle_at=304, userfaultfd=323,
                 iopl=172, ioperm=173, reboot=169, swapon=167, acct=163, getppid=110),
  'aarch64': dict(clone=220, clone3=435, unshare=97, mount=40, umount2=39, pivot_root=41, sethostname=161,
                  open_tree=428, move_mount=429, fsopen=430, fsconfig=431, fsmount=432, mount_setattr=442,
                  bpf=280, perf_event_open=241, kexec_load=104, init_module=105, finit_module=273,
                  keyctl=219, add_key=217, request_key=218, open_by_handle_at=265, userfaultfd=282,
                  reboot=142, swapon=224, acct=89, getppid=173),
}[ARCH]

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
SIGCHLD = 17
CLONE_CLEAR_SIGHAND = 0x100000000

class CloneArgs(ctypes.Structure):
    # struct clone_args, CLONE_ARGS_SIZE_VER0 (64 bytes): flags, pidfd, child_tid, parent_tid,
    # exit_signal, stack, stack_size, tls.
    _fields_ = [(n, ctypes.c_uint64) for n in ('flags', 'pidfd', 'child_tid', 'parent_tid', 'exit_signal', 'stack', 'stack_size', 'tls')]

def clone_like_nsjail(flags):
    # NsJail's subproc::cloneProc: clone3 with CLONE_CLEAR_SIGHAND, then clone3 without it; only
    # when clone3 fails with ENOSYS does it fall back to clone. Returns (pid, errno, path).
    ca = CloneArgs(flags=flags | CLONE_CLEAR_SIGHAND, exit_signal=SIGCHLD)
    r, err = sc('clone3', ctypes.addressof(ca), ctypes.sizeof(ca))
    if r != -1: return r, 0, 'clone3'
    ca.flags = flags
    r, err = sc('clone3', ctypes.addressof(ca), ctypes.sizeof(ca))
    if r != -1: return r, 0, 'clone3'
    if err != E.ENOSYS: return r, err, 'clone3'
    r, err = sc('clone', flags | SIGCHLD, 0, 0, 0, 0)
    return r, err, 'clone after clone3 ENOSYS'
CLONE_NEWCGROUP = 0x02000000
# NsJail's defaults (config.proto): clone_newcgroup is on too.
NS_FLAGS = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
# The new mount API (linux/mount.h, fcntl.h; the same values on x86_64 and aarch64).
FSOPEN_CLOEXEC, FSMOUNT_CLOEXEC, FSCONFIG_SET_STRING, FSCONFIG_CMD_CREATE = 1, 1, 1, 6
MOVE_MOUNT_F_EMPTY_PATH, OPEN_TREE_CLONE, OPEN_TREE_CLOEXEC = 4, 1, 0o2000000
AT_FDCWD, AT_EMPTY_PATH, AT_RECURSIVE = -100, 0x1000, 0x8000
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, MOUNT_ATTR_NODEV, MOUNT_ATTR_NOEXEC = 1, 2, 4, 8

class MountAttr(ctypes.Structure):
    # struct mount_attr (MOUNT_ATTR_SIZE_VER0, 32 bytes): attr_set, attr_clr, propagation, userns_fd.
    _fields_ = [(n, ctypes.c_uint64) for n in ('attr_set', 'attr_clr', 'propagation', 'userns_fd')]

def arg(a):
    if a is None: return ctypes.c_void_p(0)
    if isinstance(a, str): return ctypes.c_char_p(a.encode())
    if isinstance(a, bytes): return ctypes.c_char_p(a)
    return ctypes.c_long(a)

def sc(name, *args):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(NR[name]), *[arg(a) for a in args])
    return r, (ctypes.get_errno() if r == -1 else 0)

def res(ok, err=0, detail=None):
    d = {'ok': ok, 'errno': err, 'errname': E.errorcode.get(err, str(err)) if err else ''}
    if detail: d['detail'] = detail
    return d

def step(out, name, r_err):
    r, err = r_err
    out[name] = res(r != -1, err)
    return r != -1

def write_file(out, name, path, text):
    try:
        with open(path, 'w') as f: f.write(text)
        out[name] = res(True)
        return True
    except OSError as e:
        out[name] = res(False, e.errno or 0)
        return False

STEPS = ['clone_newns', 'uid_map', 'gid_map', 'mount_private', 'mount_tmpfs', 'mount_bind',
         'mount_bind_ro', 'sethostname', 'mount_proc', 'pivot_root', 'umount2']

def map_ids_and_privatize(out, uid, gid):
    # NsJail's first steps in the child on both mount paths: one-id maps, then private propagation.
    try:
        with open('/proc/self/setgroups', 'w') as f: f.write('deny')
    except OSError:
        pass
    ok = write_file(out, 'uid_map', '/proc/self/uid_map', '0 %d 1' % uid)
    ok = write_file(out, 'gid_map', '/proc/self/gid_map', '0 %d 1' % gid) and ok
    return ok and step(out, 'mount_private', sc('mount', None, '/', None, MS_REC | MS_PRIVATE, None))

def jail_child(root, uid, gid, w):
    # Runs in the clone child: user namespace root, PID 1 of a new PID namespace.
    out = {}
    if map_ids_and_privatize(out, uid, gid):
        if step(out, 'mount_tmpfs', sc('mount', 'none', root, 'tmpfs', MS_NOSUID | MS_NODEV, 'size=16m')):
            for d in ('usr', 'proc', 'old'): os.mkdir(os.path.join(root, d))
            if step(out, 'mount_bind', sc('mount', '/usr', root + '/usr', None, MS_BIND | MS_REC, None)):
                # A read-only remount must keep the flags the container locked on /usr.
                locked = 0
                st = os.statvfs('/usr').f_flag
                for bit, ms in ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC)):
                    if st & bit: locked |= ms
                step(out, 'mount_bind_ro', sc('mount', None, root + '/usr', None, MS_REMOUNT | MS_BIND | MS_RDONLY | locked, None))
            step(out, 'sethostname', sc('sethostname', 'jail', 4))
            step(out, 'mount_proc', sc('mount', 'proc', root + '/proc', 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, None))
            os.chdir(root)
            if step(out, 'pivot_root', sc('pivot_root', '.', 'old')):
                os.chdir('/')
                step(out, 'umount2', sc('umount2', '/old', MNT_DETACH))
    os.write(w, json.dumps(out).encode())
    os.close(w)

NEWAPI_STEPS = ['clone_newns', 'uid_map', 'gid_map', 'mount_private', 'fsopen_tmpfs', 'fsconfig_size',
                'fsconfig_create', 'fsmount_tmpfs', 'move_mount_root', 'open_tree_bind', 'mount_setattr_bind',
                'move_mount_bind', 'open_tree_mounted', 'sethostname', 'mount_proc', 'mount_setattr_ro',
                'pivot_root', 'umount2']

def setattr_call(fd, flags, attr_set):
    a = MountAttr(attr_set=attr_set)
    return sc('mount_setattr', fd, '', flags, ctypes.addressof(a), ctypes.sizeof(a))

def close_fd(fd):
    if fd >= 0: os.close(fd)

def newapi_fs(fstype, options):
    # createFilesystemMount: fsopen, fsconfig per option, FSCONFIG_CMD_CREATE, fsmount. Returns
    # (mount fd or -1, errno, the call that failed).
    fs, err = sc('fsopen', fstype, FSOPEN_CLOEXEC)
    if fs == -1: return -1, err, 'fsopen'
    try:
        for k, v in options:
            r, err = sc('fsconfig', fs, FSCONFIG_SET_STRING, k, v, 0)
            if r == -1: return -1, err, 'fsconfig ' + k
        r, err = sc('fsconfig', fs, FSCONFIG_CMD_CREATE, None, None, 0)
        if r == -1: return -1, err, 'fsconfig create'
        m, err = sc('fsmount', fs, FSMOUNT_CLOEXEC, 0)
        return m, err, 'fsmount'
    finally:
        os.close(fs)

def newapi_jail(out, root):
    # mnt_newapi.cc buildMountTree: the root tmpfs made with fsopen/fsconfig/fsmount and attached
    # with move_mount; binds cloned with open_tree and attached with move_mount (flags by
    # mount_setattr first); filesystem mounts (proc) the same way as the root; the whole tree
    # made read-only with mount_setattr(AT_RECURSIVE); then pivot_root(root, root) and
    # umount2('/'), as mnt.cc initCloneNs. Steps NsJail treats as fatal stop the sequence.
    fs, err = sc('fsopen', 'tmpfs', FSOPEN_CLOEXEC)
    if not step(out, 'fsopen_tmpfs', (fs, err)): return
    try:
        if not step(out, 'fsconfig_size', sc('fsconfig', fs, FSCONFIG_SET_STRING, 'size', str(16 * 1024 * 1024), 0)): return
        if not step(out, 'fsconfig_create', sc('fsconfig', fs, FSCONFIG_CMD_CREATE, None, None, 0)): return
        mfd, err = sc('fsmount', fs, FSMOUNT_CLOEXEC, 0)
    finally:
        os.close(fs)
    if not step(out, 'fsmount_tmpfs', (mfd, err)): return
    r = sc('move_mount', mfd, '', AT_FDCWD, root, MOVE_MOUNT_F_EMPTY_PATH)
    os.close(mfd)
    if not step(out, 'move_mount_root', r): return
    for d in ('usr', 'proc'): os.mkdir(os.path.join(root, d), 0o711)
    root_fd = os.open(root, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    tfd, err = sc('open_tree', AT_FDCWD, '/usr', OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE)
    if not step(out, 'open_tree_bind', (tfd, err)): return
    # NsJail only warns when this fails (the bind then lacks nosuid/nodev); the probe expects it to work.
    step(out, 'mount_setattr_bind', setattr_call(tfd, AT_EMPTY_PATH, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV))
    r = sc('move_mount', tfd, '', root_fd, 'usr', MOVE_MOUNT_F_EMPTY_PATH)
    os.close(tfd)
    if not step(out, 'move_mount_bind', r): return
    ofd, err = sc('open_tree', root_fd, 'usr', OPEN_TREE_CLOEXEC)
    if not step(out, 'open_tree_mounted', (ofd, err)): return
    close_fd(ofd)
    step(out, 'sethostname', sc('sethostname', 'jail', 4))
    pfd, err, call = newapi_fs('proc', [])
    if pfd != -1:
        r = sc('move_mount', pfd, '', root_fd, 'proc', MOVE_MOUNT_F_EMPTY_PATH)
        os.close(pfd)
        out['mount_proc'] = res(r[0] != -1, r[1], None if r[0] != -1 else 'move_mount')
    else:
        out['mount_proc'] = res(False, err, call)
    if not step(out, 'mount_setattr_ro', setattr_call(root_fd, AT_EMPTY_PATH | AT_RECURSIVE, MOUNT_ATTR_RDONLY)): return
    os.close(root_fd)
    if step(out, 'pivot_root', sc('pivot_root', root, root)):
        step(out, 'umount2', sc('umount2', '/', MNT_DETACH))

def newapi_child(root, uid, gid, w):
    # The jail child on the new-API path: the same id maps and private propagation as the legacy one.
    out = {}
    try:
        os.chdir('/')
        if map_ids_and_privatize(out, uid, gid):
            newapi_jail(out, root)
    except OSError as e:
        out['child'] = res(False, e.errno or 0, str(e))
    os.write(w, json.dumps(out).encode())
    os.close(w)

def nsjail_once(tag, child=None, steps=None):
    child = child or jail_child
    steps = steps or STEPS
    out = {}
    root = '/tmp/jail-%s-%d' % (tag, os.getpid())
    os.makedirs(root)
    uid, gid = os.getuid(), os.getgid()
    rd, w = os.pipe()
    r, err, path = clone_like_nsjail(NS_FLAGS)
    if r == 0:
        try:
            os.close(rd)
            child(root, uid, gid, w)
        finally:
            os._exit(0)
    os.close(w)
    out['clone_newns'] = res(r != -1, err, path)
    if r > 0:
        data = b''
        while True:
            chunk = os.read(rd, 65536)
            if not chunk: break
            data += chunk
        os.waitpid(r, 0)
        try: out.update(json.loads(data.decode() or '{}'))
        except ValueError: out['child'] = res(False, 0, data.decode(errors='replace'))
    os.close(rd)
    for s in steps:
        out.setdefault(s, {'ok': False, 'errno': 0, 'errname': '', 'skipped': True})
    return out

def unshare_once():
    pid = os.fork()
    if pid == 0:
        r, err = sc('unshare', NS_FLAGS, 0)
        os._exit(0 if r == 0 else min(err, 255) or 255)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return res(code == 0, 0 if code == 0 else code)

def nsjail():
    out = nsjail_once('probe')
    out['unshare_newns'] = unshare_once()
    return out

def nsjail_newapi():
    # Keys prefixed newapi_ so that both paths can run in one container ('all nsjail,nsjail-newapi').
    out = nsjail_once('newapi', newapi_child, NEWAPI_STEPS)
    return dict(('newapi_' + k, v) for k, v in out.items())

RUNSC_FLAGS = ['--rootless', '--network=none', '--ignore-cgroups', '--root', '/tmp/runsc-root', 'do', '/bin/true']

def runsc_once(binary='/usr/bin/runsc'):
    env = dict(os.environ, HOME='/tmp')
    cmd = [binary] + RUNSC_FLAGS
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=90, env=env, cwd='/tmp')
    except FileNotFoundError:
        return res(False, E.ENOENT, binary + ' not found in the container')
    except subprocess.TimeoutExpired:
        return res(False, E.ETIMEDOUT, 'runsc did not finish in 90 s')
    if p.returncode == 0:
        return res(True)
    # runsc's own message names only the symptom; its debug logs name the failing step.
    logdir = '/tmp/runsc-debug-%d' % os.getpid()
    subprocess.run(cmd[:1] + ['--debug', '--debug-log=' + logdir + '/'] + cmd[1:], capture_output=True, timeout=90, env=env, cwd='/tmp')
    fatal = []
    for name in sorted(os.listdir(logdir)) if os.path.isdir(logdir) else []:
        for line in open(os.path.join(logdir, name), errors='replace'):
            if 'FATAL ERROR' in line:
                fatal.append('%s: %s' % (name.split('.')[-2], line.split('FATAL ERROR:', 1)[1].strip()))
    tail = (p.stderr.strip().splitlines() or [''])[-1][-200:]
    return res(False, 0, 'exit %d: %s%s' % (p.returncode, tail, (' | ' + ' | '.join(fatal)) if fatal else ''))

def runsc(spec=None):
    # spec: "PATH@RELEASE" (key runsc_RELEASE), or none for Debian's /usr/bin/runsc (key runsc_do_true).
    if not spec:
        return {'runsc_do_true': runsc_once()}
    binary, release = spec.rsplit('@', 1)
    return {'runsc_' + release: runsc_once(binary)}

def exec_runs(spec_file):
    # Runs each command of a JSON list [{id, argv, stdin, marker, timeout}] and reports whether it
    # printed its marker and exited 0; on failure, the tool's own error lines (NsJail [E]/[F], runsc).
    out = {}
    for r in json.load(open(spec_file)):
        env = dict(os.environ, HOME='/tmp')
        try:
            p = subprocess.run(r['argv'], input=r.get('stdin', ''), capture_output=True, text=True,
                               timeout=r.get('timeout', 60), env=env, cwd=r.get('cwd', '/tmp'))
        except FileNotFoundError as e:
            out[r['id']] = res(False, E.ENOENT, str(e)); continue
        except subprocess.TimeoutExpired:
            out[r['id']] = res(False, E.ETIMEDOUT, 'no exit in %d s' % r.get('timeout', 60)); continue
        seen = r['marker'] in p.stdout
        if p.returncode == 0 and seen:
            d = res(True)
            # "MARKER {json}": what the program reported about itself.
            for line in p.stdout.splitlines():
                if line.startswith(r['marker'] + ' '):
                    try: d['facts'] = json.loads(line[len(r['marker']) + 1:])
                    except ValueError: pass
            out[r['id']] = d; continue
        lines = [l.strip() for l in p.stderr.splitlines() if l.strip()]
        # NsJail's errors, and its warnings that name a failed call (clone's EINVAL is a warning).
        errs = [l for l in lines if l.startswith('[E]') or l.startswith('[F]') or (l.startswith('[W]') and 'failed' in l)] or lines[-3:]
        detail = ' | '.join(l[:240] for l in errs[:4])
        out[r['id']] = res(False, 0, 'exit %d%s: %s' % (p.returncode, '' if seen else ', no marker', detail))
    return out

def dangerous():
    calls = [
        ('bpf', (9999, None, 0)),
        ('perf_event_open', (None, 0, -1, -1, 0)),
        ('kexec_load', (0, 0, None, 0xffffffff)),
        ('init_module', (None, 0, '')),
        ('finit_module', (-1, '', 0)),
        ('keyctl', (99999, 0, 0, 0, 0)),
        ('add_key', (None, None, None, 0, 0)),
        ('request_key', (None, None, None, 0)),
        ('open_by_handle_at', (-1, None, 0)),
        ('userfaultfd', (0x7fffffff,)),
        ('iopl', (99,)),
        ('ioperm', (0xfffff, 1, 0)),
        ('reboot', (0, 0, 0, None)),
        ('swapon', (None, 0)),
        ('acct', (1,)),
    ]
    out = {}
    for name, args in calls:
        if name not in NR: continue
        r, err = sc(name, *args)
        out[name] = res(r != -1, err)
        if r >= 0 and name in ('userfaultfd', 'perf_event_open', 'bpf'):
            os.close(r)
    return out

def timed(fn, n):
    samples = []
    for i in range(n):
        t = time.perf_counter_ns()
        r = fn(i)
        samples.append((time.perf_counter_ns() - t) / 1e6)
        if not r: return {'ok': False, 'samples_ms': samples}
    return {'ok': True, 'samples_ms': samples}

def main():
    cmd = sys.argv[1]
    if cmd == 'nsjail': out = nsjail()
    elif cmd == 'nsjail-newapi': out = nsjail_newapi()
    elif cmd == 'runsc': out = runsc()
    elif cmd == 'dangerous': out = dangerous()
    elif cmd == 'all':
        out = {}
        for part in sys.argv[2].split(','):
            name, _, arg = part.partition('=')
            fn = {'nsjail': nsjail, 'nsjail-newapi': nsjail_newapi, 'runsc': runsc, 'dangerous': dangerous, 'exec': exec_runs}[name]
            out.update(fn(arg) if arg else fn())
    elif cmd == 'exec-runs':
        out = exec_runs(sys.argv[2])
    elif cmd == 'nsjail-time':
        out = timed(lambda i: all(v['ok'] for k, v in nsjail_once('t%d' % i).items() if k not in ('mount_proc',)), int(sys.argv[2]))
    elif cmd == 'exec-time':
        spec = json.load(open(sys.argv[3]))
        def once(i):
            p = subprocess.run(spec['argv'], input=spec.get('stdin', ''), capture_output=True, text=True, timeout=60, cwd='/tmp', env=dict(os.environ, HOME='/tmp'))
            if p.returncode != 0: sys.stderr.write(p.stderr[-2000:])
            return p.returncode == 0
        out = timed(once, int(sys.argv[2]))
    elif cmd == 'runsc-time':
        binary = sys.argv[3] if len(sys.argv) > 3 else '/usr/bin/runsc'
        out = timed(lambda i: runsc_once(binary)['ok'], int(sys.argv[2]))
    elif cmd == 'syscall-loop':
        n = int(sys.argv[2]); f = libc.syscall; nr = ctypes.c_long(NR['getppid'])
        samples = []
        for _ in range(int(sys.argv[3]) if len(sys.argv) > 3 else 5):
            t = time.perf_counter_ns()
            for _ in range(n): f(nr)
            samples.append((time.perf_counter_ns() - t) / n)
        out = {'ok': True, 'samples_ns': samples}
    else:
        raise SystemExit('unknown probe command ' + cmd)
    sys.stdout.write(json.dumps(out) + '\n')

main()
