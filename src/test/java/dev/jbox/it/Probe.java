package dev.jbox.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The syscall probe ({@code src/test/c/probe.c}), compiled with gcc into
 * {@code target/it-probe/probe} once per JVM. The binary lives under the repository (not
 * under /tmp) because the sandbox sees the host root read-only but gets a private /tmp.
 *
 * <p>A missing gcc fails the test: the integration tests are part of the suite that
 * {@code scripts/test} runs, and that script installs gcc; skipping would hide the gap.
 */
final class Probe {
    private Probe() {
    }

    private static Path binary;

    /** One probe's answer: the return value and the errno name ("0" when ret >= 0). */
    record Answer(long ret, String errno) {
        /** The errno name if the call failed, else {@code ret=N}. */
        String answer() {
            return ret < 0 ? errno : "ret=" + ret;
        }

        @Override
        public String toString() {
            return answer();
        }
    }

    private static final Pattern LINE = Pattern.compile("^(\\S+) ret=(-?\\d+) errno=(\\S+)$");

    /** The absolute path of the probe, compiling it first if needed. */
    static synchronized Path path() {
        if (binary == null) {
            binary = compile();
        }
        return binary;
    }

    /** {@code [probe, specs...]}: the command line for jbox. */
    static List<String> command(List<String> specs) {
        List<String> c = new ArrayList<>();
        c.add(path().toString());
        c.addAll(specs);
        return c;
    }

    /** The {@code NAME ret=R errno=E} lines of the probe's output, by name, in order. */
    static Map<String, Answer> parse(String stdout) {
        Map<String, Answer> out = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            Matcher m = LINE.matcher(line.strip());
            if (m.matches()) {
                out.put(m.group(1), new Answer(Long.parseLong(m.group(2)), m.group(3)));
            }
        }
        return out;
    }

    /** The repository root: JBOX_JAR's target/.., else the working directory (maven's basedir). */
    static Path repo() {
        String jar = System.getenv("JBOX_JAR");
        if (jar != null && !jar.isEmpty()) {
            return Path.of(jar).toAbsolutePath().getParent().getParent();
        }
        return Path.of("").toAbsolutePath();
    }

    private static Path compile() {
        Path repo = repo();
        Path source = repo.resolve("src/test/c/probe.c");
        Path dir = repo.resolve("target/it-probe");
        Path out = dir.resolve("probe");
        if (!Files.isRegularFile(source)) {
            throw new AssertionError("probe source missing: " + source);
        }
        Path gcc = findOnPath("gcc");
        if (gcc == null) {
            throw new AssertionError("gcc not found on PATH: the integration tests compile a syscall probe"
                    + " (src/test/c/probe.c); run scripts/test, which installs gcc and libc6-dev");
        }
        try {
            if (Files.isExecutable(out)
                    && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(source)) >= 0) {
                return out;
            }
            Files.createDirectories(dir);
            Path tmp = dir.resolve("probe.tmp." + ProcessHandle.current().pid());
            Path log = dir.resolve("gcc.log");
            Process p = new ProcessBuilder(gcc.toString(), "-std=gnu11", "-O1", "-Wall", "-Wextra", "-pthread",
                    "-o", tmp.toString(), source.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("gcc timed out compiling " + source);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("gcc failed on " + source + " (exit " + p.exitValue() + "):\n"
                        + Files.readString(log)
                        + "\n(scripts/test installs gcc and libc6-dev)");
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot compile the probe: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while compiling the probe", e);
        }
    }

    private static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        for (String d : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":")) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
