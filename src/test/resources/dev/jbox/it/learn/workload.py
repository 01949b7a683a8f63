import os, socket, subprocess, threading, tempfile
# files
with open("data.txt", "w") as f:
    f.write("hello\n" * 100)
with open("data.txt") as f:
    assert f.read().count("hello") == 100
os.listdir(".")
# threads
out = []
ts = [threading.Thread(target=lambda i=i: out.append(i * i)) for i in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
assert sorted(out) == [0, 1, 4, 9]
# a subprocess
r = subprocess.run(["/bin/echo", "child"], capture_output=True, text=True)
assert r.stdout == "child\n", r
# a loopback socket
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0)); srv.listen(1)
c = socket.create_connection(srv.getsockname())
conn, _ = srv.accept()
c.sendall(b"ping"); assert conn.recv(4) == b"ping"
c.close(); conn.close(); srv.close()
os.remove("data.txt")
print("workload ok")
