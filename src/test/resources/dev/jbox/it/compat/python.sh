# title: python3: threads, subprocess, multiprocessing, loopback sockets (lo is up)
# needs: python3
set -eu
cat > work.py <<'EOF'
import array, fcntl, multiprocessing as mp, socket, struct, subprocess, sys, threading

def square(x):
    return x * x

def main():
    # the loopback interface of the sandbox's network namespace (or the host's) is up
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    flags = struct.unpack("16sH", fcntl.ioctl(s.fileno(), 0x8913, struct.pack("16sH", b"lo", 0)))[1]  # SIOCGIFFLAGS
    s.close()
    assert flags & 1, "lo is down"
    print("ok: lo is up; interfaces:", " ".join(n for _, n in socket.if_nameindex()))

    # threads
    total = []
    lock = threading.Lock()
    def add(i):
        with lock:
            total.append(i)
    ts = [threading.Thread(target=add, args=(i,)) for i in range(16)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    assert sorted(total) == list(range(16))
    print("ok: 16 threads")

    # subprocess (posix_spawn / fork+exec), pipes
    out = subprocess.run(["sh", "-c", "echo hi; echo err >&2"], capture_output=True, text=True, check=True)
    assert out.stdout == "hi\n" and out.stderr == "err\n"
    p = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert p.communicate(b"x" * 100000)[0] == b"x" * 100000
    print("ok: subprocess")

    # multiprocessing: fork and spawn pools (semaphores in /dev/shm), a queue
    for method in ("fork", "spawn"):
        with mp.get_context(method).Pool(2) as pool:
            assert pool.map(square, range(20)) == [x * x for x in range(20)]
    q = mp.Queue()
    pr = mp.Process(target=q.put, args=(42,))
    pr.start(); assert q.get(timeout=30) == 42; pr.join()
    print("ok: multiprocessing (fork, spawn, Queue)")

    # TCP on 127.0.0.1 and ::1, UDP, and a unix socket pair
    for family, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        srv = socket.socket(family, socket.SOCK_STREAM)
        srv.bind((addr, 0)); srv.listen(1)
        def echo():
            c, _ = srv.accept()
            c.sendall(c.recv(100).upper()); c.close()
        t = threading.Thread(target=echo); t.start()
        cl = socket.create_connection(srv.getsockname()[:2], timeout=10)
        cl.sendall(b"ping"); assert cl.recv(100) == b"PING"
        cl.close(); t.join(); srv.close()
    u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u1.bind(("127.0.0.1", 0))
    u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u2.sendto(b"d", u1.getsockname())
    assert u1.recv(10) == b"d"
    a, b = socket.socketpair(); a.send(b"u"); assert b.recv(1) == b"u"
    print("ok: TCP on 127.0.0.1 and ::1, UDP, unix socketpair")

if __name__ == "__main__":
    main()
EOF
python3 work.py
