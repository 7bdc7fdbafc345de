# Retool's iptables step, replayed inside a container: the rules code-executor adds at start
# (https://docs.retool.com/self-hosted/guides/code-executor-security-privileges), with
# iptables-legacy (what those commands call) and iptables-nft, then whether they hold: a TCP
# connect by the dropped-to user to an address in 192.168.0.0/16 must be dropped, root's and
# loopback's not. Runs as the container's user (the entrypoint runs iptables before its drop).
# Usage: python3 iptables-probe.py USER UID; prints one JSON object.
import json, os, socket, subprocess, sys

user, uid = sys.argv[1], sys.argv[2]
out = {}
TARGET = '192.168.255.1'  # on loopback: no route needed, and OUTPUT still sees the packet


def run(key, argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=20)
        out[key] = {'ok': p.returncode == 0, 'rc': p.returncode, 'detail': (p.stderr or p.stdout).strip()[-400:]}
    except OSError as e:
        out[key] = {'ok': False, 'rc': -1, 'detail': str(e)}


CONNECT = (
    "import socket, errno, sys\n"
    "s = socket.socket(); s.settimeout(1.5)\n"
    "try:\n"
    "    s.connect((sys.argv[1], 9)); print('connected')\n"
    "except socket.timeout:\n"
    "    print('dropped')\n"
    "except OSError as e:\n"
    "    print(errno.errorcode.get(e.errno, str(e.errno)))\n"
)


def connect(as_user, host):
    argv = ['python3', '-c', CONNECT, host]
    if as_user:
        argv = ['/usr/sbin/runuser', '-u', user, '--'] + argv
    p = subprocess.run(argv, capture_output=True, text=True, timeout=20)
    return (p.stdout.strip() or p.stderr.strip()[-200:])


out['ids'] = {'uid': os.getuid(), 'user_ns': os.readlink('/proc/self/ns/user'), 'net_ns': os.readlink('/proc/self/ns/net')}
run('link_up', ['ip', 'link', 'set', 'lo', 'up'])
run('address', ['ip', 'addr', 'add', TARGET + '/32', 'dev', 'lo'])
for tool in ('iptables-legacy', 'iptables-nft'):
    key = tool.split('-')[1]
    for name, net in (('owner_169', '169.254.0.0/16'), ('owner_192', '192.168.0.0/16')):
        run(key + '_' + name, [tool, '-w', '-A', 'OUTPUT', '-d', net, '-m', 'owner', '--uid-owner', uid, '-j', 'DROP'])
    if out[key + '_owner_192']['ok'] and out['address']['ok']:
        out[key + '_connect'] = {'user_to_192': connect(True, TARGET), 'root_to_192': connect(False, TARGET), 'user_to_loopback': connect(True, '127.0.0.1')}
    run(key + '_flush', [tool, '-w', '-F', 'OUTPUT'])
print(json.dumps(out))
