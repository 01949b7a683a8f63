package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launch path stays clear of the start-up costs that the JDK 25 AOT cache cannot take
 * away (docs/STARTUP.md): no dynamic proxy classes (picocli's annotations made eight, ~60 ms)
 * and no record equals/hashCode bootstrapped through {@code ObjectMethods} (~20 ms on the
 * compiler's map keys). Not a timing test: it reads which classes the JVM loaded.
 */
class StartupPathIT {

    @TempDir
    Path tmp;

    private List<String> classesLoadedBy(String... jboxArgs) throws Exception {
        Path log = tmp.resolve("classes.log");
        List<String> argv = new java.util.ArrayList<>(List.of(Jbox.java(), "-XX:+UseSerialGC", "-Xint",
                "-Xlog:class+load=info:file=" + log, "-jar", Jbox.jar().toString()));
        argv.addAll(List.of(jboxArgs));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(tmp.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("JBOX_") || k.endsWith("JAVA_OPTIONS")
                || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().put("HOME", tmp.toString());
        pb.environment().put("XDG_CONFIG_HOME", tmp.toString());
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit status of jbox %s", List.of(jboxArgs)).isZero();
        return Files.readAllLines(log);
    }

    @Test
    void runDryRunMakesNoProxyAndBootstrapsNoRecordMethod() throws Exception {
        List<String> loaded = classesLoadedBy("run", "--dry-run", "--profile", "strict", "--", "true");
        assertThat(loaded).as("classes loaded").hasSizeGreaterThan(500);
        assertThat(loaded).filteredOn(l -> l.contains("__dynamic_proxy__")).as("dynamic proxies").isEmpty();
        assertThat(loaded).filteredOn(l -> l.contains(" java.lang.runtime.ObjectMethods "))
                .as("record methods bootstrapped at run time").isEmpty();
    }

    @Test
    void bwrapLoadsNoAnnotationProxyEither() throws Exception {
        List<String> loaded = classesLoadedBy("bwrap", "--jbox-profile", "none", "--ro-bind", "/", "/", "true");
        assertThat(loaded).filteredOn(l -> l.contains("__dynamic_proxy__")).as("dynamic proxies").isEmpty();
    }

    /**
     * The AOT cache's training (scripts/lib.sh's jbox_train_aot, which runs dev.jbox.cli.AotTraining
     * through jbox's launcher) covers every launch path: with the cache it writes, neither
     * {@code run} (with a preset or a profile of the user's own) nor {@code bwrap} (also started
     * with an empty environment, as flatpak starts it) loads a class out of the jar, each started
     * through the launcher as a user's call is (its variables, not a copy of them). A class the
     * training missed is read from the jar on every launch (the jar's central directory,
     * interpreted: ~20 ms for the bwrap path before it was trained), and it opens the jar after
     * jbox marked its fds close-on-exec.
     */
    @Test
    void theTrainedCacheHoldsEveryClassOfEveryLaunchPath() throws Exception {
        Path aot = tmp.resolve("jbox.aot");
        lib(tmp, java.util.Map.of(), "jbox_train_aot " + Shell.q(Jbox.java()) + " " + Shell.q(Jbox.jar().toString()) + " "
                + Shell.q(aot.toString()) + " " + Shell.q(tmp.resolve("train").toString()));
        assertThat(aot).isRegularFile();

        // a profile of the user's own, outside the working directory (no trust needed)
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path config = Files.createDirectories(tmp.resolve("config")).resolve("mine.toml");
        Files.writeString(config, "[profiles.mine]\nextends = \"minimal\"\ndeny = [\"acct\"]\n");
        java.util.Map<String, String> env = java.util.Map.of("HOME", work.toString(), "XDG_CONFIG_HOME", work.toString(),
                "XDG_CACHE_HOME", work.resolve("cache").toString(), "XDG_STATE_HOME", work.resolve("state").toString());
        for (String args : List.of("run -- true", "run --config " + Shell.q(config.toString()) + " --profile mine -- true",
                "bwrap --ro-bind / / --dev /dev --unshare-all --die-with-parent true",
                "env -i bwrap --ro-bind / / --dev /dev --unshare-all --die-with-parent true")) {
            Path log = tmp.resolve("classes-" + Integer.toHexString(args.hashCode()) + ".log");
            boolean empty = args.startsWith("env -i ");
            String launch = "jbox_via_launcher " + Shell.q(Jbox.java()) + " " + Shell.q(Jbox.jar().toString()) + " "
                    + Shell.q(aot.toString()) + " dev.jbox.cli.Main " + Shell.q("-Xlog:class+load=info:file=" + log) + " "
                    + (empty ? args.substring("env -i ".length()) : args);
            // an empty environment: no HOME (the password database's), no PATH (execvp's default)
            lib(work, env, empty ? "env -i /bin/bash -c " + Shell.q(". " + Shell.q(Probe.repo().resolve("scripts/lib.sh")
                    .toString()) + " && " + launch) : launch);
            List<String> loaded = Files.readAllLines(log);
            assertThat(loaded).as("classes loaded by jbox %s", args).hasSizeGreaterThan(500);
            assertThat(loaded).filteredOn(l -> l.contains("source: file:") || l.contains("source: jar:"))
                    .as("classes jbox %s read out of the jar, not the AOT cache", args).isEmpty();
        }
    }

    /** Runs {@code snippet} in bash with scripts/lib.sh sourced, in {@code cwd}; it must succeed. */
    private static void lib(Path cwd, java.util.Map<String, String> env, String snippet) throws Exception {
        Jbox.Result r = Shell.bash(". " + Shell.q(Probe.repo().resolve("scripts/lib.sh").toString()) + " && " + snippet,
                cwd, env);
        assertThat(r.exit()).as("%s\n%s", snippet, r).isZero();
    }
}
