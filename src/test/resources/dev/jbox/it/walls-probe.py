# Run inside a sandbox by WallsIT. Walks the whole file system the command sees with find(1)
# (links are not followed; /proc/PID, /proc/self and /proc/thread-self, the sandbox's own
# processes, are skipped: a PID namespace shows no other) and prints one line per finding:
#   writable PATH                   a path that access(W_OK) allows (for a directory: entries can
#                                   be made in it), unless it lies under a root given as argument
#   socket PATH reached|refused E   a socket file, and what connect(2) to it did
#   done N                          the number of lines find printed
import errno
import socket
import subprocess
import sys

allowed = [a.rstrip("/") or "/" for a in sys.argv[1:]]


def under_allowed(p):
    return any(p == a or p.startswith(a + "/") for a in allowed)


def connect(p):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET):
        s = socket.socket(socket.AF_UNIX, kind)
        s.settimeout(2)
        try:
            s.connect(p)
            return "reached"
        except OSError as e:
            if e.errno != errno.EPROTOTYPE:
                return "refused " + errno.errorcode.get(e.errno, str(e.errno))
        finally:
            s.close()
    return "refused EPROTOTYPE"


walk = subprocess.run(
    ["find", "/", "(", "-path", "/proc/[0-9]*", "-o", "-path", "/proc/self", "-o", "-path", "/proc/thread-self",
     ")", "-prune", "-o", "(", "-type", "s", "-printf", "s %p\\0", ")", "-o",
     "(", "!", "-type", "l", "-writable", "-printf", "w %p\\0", ")"],
    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
lines = [x for x in walk.stdout.decode("utf-8", "surrogateescape").split("\0") if x]
for line in lines:
    kind, p = line[0], line[2:]
    if kind == "s":
        print("socket", p, connect(p))
    if kind == "w" and not under_allowed(p):
        print("writable", p)
print("done", len(lines))
