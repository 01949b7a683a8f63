package dev.jbox.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged jbox ({@code java -jar $JBOX_JAR run ...}) as a user would, in a
 * working directory of the test's choosing, and collects exit code, stdout and stderr.
 *
 * <p>The child's environment is the test JVM's minus jbox's own variables ({@code JBOX_*})
 * and the JVM option variables that would add lines to stderr; {@link Options#env} adds or
 * overrides entries. {@link Options#extraFds} starts the JVM through bash with fds 7 and 8
 * open and not close-on-exec, as a careless parent would leave them.
 */
final class Jbox {
    private Jbox() {
    }

    static final long TIMEOUT_SECONDS = 60;

    /** What a run produced. */
    record Result(int exit, String stdout, String stderr) {
        /** The non-empty lines of stderr. */
        List<String> stderrLines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }

        List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /**
     * How to start jbox.
     *
     * @param cwd      working directory (bound read-write into the sandbox); required
     * @param env      variables to add or override (a null value removes the variable)
     * @param extraFds start the JVM with fds 7 and 8 inherited without close-on-exec
     */
    record Options(Path cwd, Map<String, String> env, boolean extraFds) {
        Options {
            env = env == null ? Map.of() : new HashMap<>(env);
        }

        static Options in(Path cwd) {
            return new Options(cwd, Map.of(), false);
        }

        Options withEnv(Map<String, String> more) {
            Map<String, String> e = new HashMap<>(env);
            e.putAll(more);
            return new Options(cwd, e, extraFds);
        }

        Options withExtraFds() {
            return new Options(cwd, env, true);
        }
    }

    /**
     * An environment in which jbox's home, config directory and trust store are {@code home}'s
     * (so a test never touches the user's) and no JBOX_PROFILE applies; a mutable map, for
     * more entries (a null value removes the variable).
     */
    static Map<String, String> ownHome(Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", null);
        env.put("XDG_STATE_HOME", null);
        env.put("JBOX_PROFILE", null);
        return env;
    }

    /**
     * A user's world of a test's own: a home and a project directory under a fresh temporary
     * directory, and the environment that points jbox at them ({@link #ownHome}), so that
     * nothing reads or writes the real user's config or trust store.
     */
    record World(Path base, Path home, Path project, Map<String, String> env) {
        static World create(String prefix) throws IOException {
            Path base = Files.createTempDirectory(prefix);
            Path home = Files.createDirectories(base.resolve("home"));
            return new World(base, home, Files.createDirectories(base.resolve("project")), ownHome(home));
        }

        /** jbox started in {@code cwd} with this world's environment. */
        Options in(Path cwd) {
            return new Options(cwd, env, false);
        }
    }

    static Path jar() {
        String jar = System.getenv("JBOX_JAR");
        if (jar == null || jar.isEmpty()) {
            throw new AssertionError("JBOX_JAR is not set: run the integration tests with 'mvn verify'"
                    + " (failsafe sets it to target/jbox.jar) or scripts/test");
        }
        Path p = Path.of(jar).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("JBOX_JAR=" + jar + " does not exist: run 'mvn package' first");
        }
        return p;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code jbox run JBOXARGS -- CMD...} in {@code options.cwd()}. */
    static Result run(List<String> jboxArgs, List<String> cmd, Options options) {
        List<String> args = new ArrayList<>();
        args.add("run");
        args.addAll(jboxArgs);
        args.add("--");
        args.addAll(cmd);
        return raw(args, options);
    }

    /** {@code jbox run JBOXARGS -- CMD...} in a working directory of its own (a fresh temp dir). */
    static Result run(List<String> jboxArgs, List<String> cmd) {
        try {
            Path cwd = Files.createTempDirectory("jbox-it-");
            try {
                return run(jboxArgs, cmd, Options.in(cwd));
            } finally {
                deleteTree(cwd);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code java -jar jbox.jar ARGS...}, exactly these arguments. */
    static Result raw(List<String> jboxArgs, Options options) {
        List<String> argv = new ArrayList<>();
        if (options.extraFds()) {
            // bash's own redirections on `exec` leave the fds open across the next exec.
            argv.addAll(List.of("/bin/bash", "-c", "exec 7</dev/null 8</etc/hostname; exec \"$@\"", "bash"));
        }
        argv.addAll(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-MaxFDLimit",
                "-jar", jar().toString()));
        argv.addAll(jboxArgs);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(options.cwd().toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("JBOX_"));
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("_JAVA_OPTIONS");
        options.env().forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("jbox-it-out-", ".txt");
            err = Files.createTempFile("jbox-it-err-", ".txt");
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("jbox did not finish within " + TIMEOUT_SECONDS + " s: " + argv
                        + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            try {
                if (out != null) {
                    Files.deleteIfExists(out);
                }
                if (err != null) {
                    Files.deleteIfExists(err);
                }
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The host processes whose command line contains {@code marker}. */
    static List<Long> processesWith(String marker) {
        List<Long> out = new ArrayList<>();
        try (var dir = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : dir) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                    if (cmdline.contains(marker)) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException ignored) {
                    // gone
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
