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
 * {@code target/it-probe/probe} once per JVM. A sandbox does not necessarily see that path:
 * it gets a private /tmp, so a checkout under /tmp (or anywhere a later rule hides) is not
 * there inside. Tests therefore run a copy placed in the sandbox's working directory
 * ({@link #in}, {@link #command}), which jbox binds read-write at the same path; only
 * commands that run on the host, or in a bwrap line that binds the host's /, use
 * {@link #path} directly.
 *
 * <p>A missing gcc fails the test: the integration tests are part of the suite that
 * {@code scripts/test} runs, and that script installs gcc; skipping would hide the gap.
 */
final class Probe {
    private Probe() {
    }

    private static Path binary;
    private static final Map<String, Path> BUILT = new java.util.HashMap<>();

    /** The name of the copy in a working directory. */
    static final String NAME = "probe";

    /**
     * One probe's answer: the return value and the errno name ("0" when ret >= 0), or the
     * signal that killed the child the probe ran in ({@code killedBy}, e.g. SIGSYS), else null.
     */
    record Answer(long ret, String errno, String killedBy) {
        /** {@code killed=SIG} if the call killed its process, the errno name if it failed, else {@code ret=N}. */
        String answer() {
            if (killedBy != null) {
                return "killed=" + killedBy;
            }
            return ret < 0 ? errno : "ret=" + ret;
        }

        boolean killed() {
            return killedBy != null;
        }

        @Override
        public String toString() {
            return answer();
        }
    }

    private static final Pattern LINE = Pattern.compile("^(\\S+) (?:ret=(-?\\d+) errno=(\\S+)|killed=(SIG\\w+))$");

    /**
     * The absolute path of the probe on the host, compiling it first if needed. Inside a
     * {@code jbox run} sandbox use {@link #in} instead: this path may be hidden there.
     */
    static synchronized Path path() {
        if (binary == null) {
            binary = compile("probe", List.of());
        }
        return binary;
    }

    /**
     * A copy of the probe in {@code dir} (the sandbox's working directory, bound read-write
     * at the same path), made once per directory; returns its absolute path.
     */
    static Path in(Path dir) {
        return copy(path(), dir.resolve(NAME));
    }

    /** {@code [DIR/probe, specs...]}: the command line for a jbox run in working directory {@code dir}. */
    static List<String> command(Path dir, List<String> specs) {
        List<String> c = new ArrayList<>();
        c.add(in(dir).toString());
        c.addAll(specs);
        return c;
    }

    /**
     * The probe built for i386 ({@code gcc -m32}: a real 32-bit program) and copied into
     * {@code dir} as {@code probe32}. Like a missing gcc, a gcc that cannot build 32-bit
     * programs (no gcc-multilib) fails the test: scripts/test installs it.
     */
    static Path in32(Path dir) {
        return copy(built("probe32", List.of("-m32")), dir.resolve(NAME + "32"));
    }

    /**
     * The probe linked statically ({@code gcc -static}: libc6-dev's libc.a), copied into
     * {@code dir}: it runs in a root file system that holds nothing else (OciRuntimeIT).
     */
    static Path staticIn(Path dir) {
        return copy(built("probe-static", List.of("-static")), dir.resolve(NAME));
    }

    /** The probe built with {@code flags} as {@code name}, once per test JVM. */
    private static synchronized Path built(String name, List<String> flags) {
        return BUILT.computeIfAbsent(name, n -> compile(n, flags));
    }

    private static Path copy(Path from, Path to) {
        try {
            if (!Files.isExecutable(to)) {
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
            return to.toAbsolutePath();
        } catch (IOException e) {
            throw new AssertionError("cannot copy the probe to " + to + ": " + e, e);
        }
    }

    /** The {@code NAME ret=R errno=E} and {@code NAME killed=SIG} lines of the probe's output, by name, in order. */
    static Map<String, Answer> parse(String stdout) {
        Map<String, Answer> out = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            Matcher m = LINE.matcher(line.strip());
            if (m.matches()) {
                out.put(m.group(1), m.group(4) != null
                        ? new Answer(-1, "0", m.group(4))
                        : new Answer(Long.parseLong(m.group(2)), m.group(3), null));
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

    private static Path compile(String name, List<String> flags) {
        Path repo = repo();
        Path source = repo.resolve("src/test/c/probe.c");
        Path dir = repo.resolve("target/it-probe");
        Path out = dir.resolve(name);
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
            Path tmp = dir.resolve(name + ".tmp." + ProcessHandle.current().pid());
            Path log = dir.resolve(name + ".gcc.log");
            List<String> argv = new ArrayList<>(List.of(gcc.toString(), "-std=gnu11", "-O1", "-Wall", "-Wextra",
                    "-pthread"));
            argv.addAll(flags);
            argv.addAll(List.of("-o", tmp.toString(), source.toString()));
            Process p = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("gcc timed out compiling " + source);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("gcc " + String.join(" ", flags) + " failed on " + source
                        + " (exit " + p.exitValue() + "):\n"
                        + Files.readString(log)
                        + "\n(scripts/test installs gcc, libc6-dev and gcc-multilib)");
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

    /**
     * The file {@code python3} on this JVM's PATH (which jbox's children inherit) ends up
     * executing, asked of python itself: links and wrapper scripts (pyenv's shims) resolved.
     */
    static String pythonExecutable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import os, sys; print(os.path.realpath(sys.executable))")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("python3 did not say where it is: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("python3 is needed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
