package dev.jbox.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs bash snippets the way a user's shell would run jbox: through {@code scripts/jbox}
 * (with {@code JBOX_JAR} pointing at the packaged jar, so the script does not rebuild), with
 * the caller's own fds and redirections.
 */
final class Shell {
    private Shell() {
    }

    /** scripts/jbox of this repository. */
    static Path script() {
        return Probe.repo().resolve("scripts/jbox");
    }

    /** {@code bash -c SNIPPET} in {@code cwd}; {@code env} entries added (null removes). */
    static Jbox.Result bash(String snippet, Path cwd, Map<String, String> env, String... bashOptions) {
        List<String> argv = new java.util.ArrayList<>(List.of("/bin/bash"));
        argv.addAll(List.of(bashOptions));
        argv.addAll(List.of("-c", snippet));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("JBOX_"));
        e.remove("JAVA_TOOL_OPTIONS");
        e.remove("JDK_JAVA_OPTIONS");
        e.remove("_JAVA_OPTIONS");
        e.put("JBOX_JAR", Jbox.jar().toString());
        e.put("JAVA_HOME", System.getProperty("java.home"));
        e.put("XDG_CACHE_HOME", cwd.resolve(".cache").toString());
        env.forEach((k, v) -> {
            if (v == null) {
                e.remove(k);
            } else {
                e.put(k, v);
            }
        });
        try {
            Path out = Files.createTempFile("jbox-sh-out-", ".txt");
            Path err = Files.createTempFile("jbox-sh-err-", ".txt");
            try {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pb.redirectOutput(out.toFile());
                pb.redirectError(err.toFile());
                Process p = pb.start();
                if (!p.waitFor(Jbox.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    throw new AssertionError("did not finish: " + snippet);
                }
                return new Jbox.Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e1) {
            throw new AssertionError(e1);
        } catch (InterruptedException e1) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e1);
        }
    }

    /** A directory of symlinks to the host's {@code tools} (a PATH without bwrap). */
    static Path tools(Path dir, String... tools) throws IOException {
        Files.createDirectories(dir);
        for (String tool : tools) {
            for (String d : new String[] {"/usr/bin", "/bin"}) {
                if (Files.isExecutable(Path.of(d, tool)) && !Files.exists(dir.resolve(tool))) {
                    Files.createSymbolicLink(dir.resolve(tool), Path.of(d, tool));
                }
            }
        }
        return dir;
    }

    /** What scripts/jbox itself needs on PATH. */
    static final String[] SCRIPT_TOOLS = {"sh", "bash", "env", "dirname", "readlink", "basename", "cat", "id", "find",
        "grep", "dpkg-query"};

    /** Single-quotes {@code s} for bash. */
    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
