# title: java -version, javac and a program with threads, virtual threads, a child process and a socket
# JAVA_HOME names the JDK (scripts/compat: the JDK 25 jbox runs on)
set -eu
jdk=${JAVA_HOME:?JAVA_HOME must name the JDK}
"$jdk/bin/java" -version 2>&1 | head -1
cat > Hello.java <<'EOF'
import java.net.*;
import java.util.concurrent.*;

public class Hello {
    public static void main(String[] args) throws Exception {
        try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
            var fs = new java.util.ArrayList<Future<Integer>>();
            for (int i = 0; i < 1000; i++) { int n = i; fs.add(ex.submit(() -> n)); }
            long sum = 0; for (var f : fs) sum += f.get();
            if (sum != 499500) throw new AssertionError(sum);
        }
        var pool = Executors.newFixedThreadPool(4);
        var r = pool.submit(() -> java.util.stream.IntStream.range(0, 2_000_000).parallel().mapToLong(i -> i).sum()).get();
        pool.shutdown();
        if (r != 1999999000000L) throw new AssertionError(r);
        var p = new ProcessBuilder("sh", "-c", "echo child").start();
        if (!new String(p.getInputStream().readAllBytes()).equals("child\n") || p.waitFor() != 0) throw new AssertionError("child");
        try (var srv = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var t = Thread.ofPlatform().start(() -> { try (var s = srv.accept()) { s.getOutputStream().write(7); } catch (Exception e) { throw new RuntimeException(e); } });
            try (var c = new Socket(InetAddress.getLoopbackAddress(), srv.getLocalPort())) { if (c.getInputStream().read() != 7) throw new AssertionError("socket"); }
            t.join();
        }
        System.gc();
        System.out.println("ok: java " + Runtime.version().feature() + ": virtual threads, a thread pool, a child process, a loopback socket, GC");
    }
}
EOF
"$jdk/bin/javac" -d classes Hello.java
"$jdk/bin/java" -cp classes Hello
