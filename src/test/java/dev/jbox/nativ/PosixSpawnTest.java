package dev.jbox.nativ;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spawn path's native pieces: pipes, reads, sealed data memfds, and what a spawned child inherits. */
class PosixSpawnTest {

    @TempDir
    Path dir;

    @Test
    void aPipeCarriesBytesAndEndsAtEof() {
        int[] p = Posix.pipe();
        int w = Posix.sealedDataFd("x", "hello".getBytes(StandardCharsets.UTF_8));
        try {
            assertThat(new String(Posix.readAll(w), StandardCharsets.UTF_8)).isEqualTo("hello");
            Posix.close(p[1]);
            assertThat(Posix.read(p[0], 10)).isEmpty();
        } finally {
            Posix.close(p[0]);
            Posix.close(w);
        }
    }

    @Test
    void theChildGetsExactlyStdioAndTheListedFdsRenumbered() throws Exception {
        int data = Posix.sealedDataFd("jbox-test-data", "payload".getBytes(StandardCharsets.UTF_8));
        int[] p = Posix.pipe();
        Path out = dir.resolve("out.txt");
        try {
            String script = "ls /proc/self/fd | sort -n | tr '\\n' ' ' > " + out + "; cat <&3 >> " + out
                    + "; echo from-child >&4";
            int pid = Posix.spawn("/bin/sh", List.of("sh", "-c", script), List.of("PATH=/usr/bin:/bin"),
                    new int[] {data, p[1]}, true);
            Posix.close(p[1]);
            int status = Posix.waitpid(pid);
            assertThat(status).isZero();
            assertThat(new String(Posix.readAll(p[0]), StandardCharsets.UTF_8)).isEqualTo("from-child\n");
            // 0-2, 3 (data), 4 (pipe), and the one `ls` lists with; nothing of this JVM
            assertThat(Files.readString(out)).startsWith("0 1 2 3 4 5 ").endsWith("payload");
            assertThat(Files.readString(out).split(" ")).hasSize(7);
        } finally {
            Posix.close(p[0]);
            Posix.close(data);
        }
    }
}
