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
     * The AOT cache's training (dev.jbox.cli.AotTraining, as scripts/lib.sh runs it) covers
     * every launch path: with the cache it writes, neither {@code run} (with a preset or a
     * profile of the user's own) nor {@code bwrap} loads a class out of the jar. A class the training missed is read from the jar on every
     * launch (the jar's central directory, interpreted: ~20 ms for the bwrap path before it
     * was trained), and it opens the jar after jbox marked its fds close-on-exec.
     */
    @Test
    void theTrainedCacheHoldsEveryClassOfEveryLaunchPath() throws Exception {
        Path train = Files.createDirectories(tmp.resolve("train"));
        Path standIn = train.resolve("bwrap");
        Files.writeString(standIn, "#!/bin/sh\necho '    --seccomp FD'\n");
        standIn.toFile().setExecutable(true);
        Path aot = tmp.resolve("jbox.aot");
        List<String> flags = List.of("-XX:+UseSerialGC", "-Xint", "-XX:-MaxFDLimit", "--enable-native-access=ALL-UNNAMED");
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("JBOX_BWRAP", standIn.toString(),
                "JBOX_NOFILE_SOFT", "1024", "JBOX_CALLER_FDS", "0 1 2", "JBOX_PROFILE", ""));
        launch(train, env, flags, List.of("dev.jbox.cli.Main", "run", "--dry-run", "--", "true")); // fills the bwrap check's cache
        List<String> trainFlags = new java.util.ArrayList<>(flags);
        trainFlags.addAll(List.of("-XX:AOTCacheOutput=" + aot, "-Xlog:all=off"));
        launch(train, env, trainFlags, List.of("dev.jbox.cli.AotTraining"));
        assertThat(aot).isRegularFile();

        env.remove("JBOX_BWRAP"); // the real bwrap from here on
        // a profile of the user's own, outside the working directory (no trust needed)
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path config = Files.createDirectories(tmp.resolve("config")).resolve("mine.toml");
        Files.writeString(config, "[profiles.mine]\nextends = \"minimal\"\ndeny = [\"acct\"]\n");
        for (List<String> args : List.of(List.of("run", "--", "true"),
                List.of("run", "--config", config.toString(), "--profile", "mine", "--", "true"),
                List.of("bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--unshare-all", "--die-with-parent", "true"))) {
            Path log = tmp.resolve(args.getFirst() + args.size() + ".log");
            List<String> withCache = new java.util.ArrayList<>(flags);
            withCache.addAll(List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off",
                    "-Xlog:class+load=info:file=" + log));
            List<String> main = new java.util.ArrayList<>(List.of("dev.jbox.cli.Main"));
            main.addAll(args);
            launch(work, env, withCache, main);
            List<String> loaded = Files.readAllLines(log);
            assertThat(loaded).as("classes loaded by jbox %s", args.getFirst()).hasSizeGreaterThan(500);
            assertThat(loaded).filteredOn(l -> l.contains("source: file:") || l.contains("source: jar:"))
                    .as("classes jbox %s read out of the jar, not the AOT cache", args.getFirst()).isEmpty();
        }
    }

    private static void launch(Path cwd, java.util.Map<String, String> env, List<String> flags, List<String> mainAndArgs)
            throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(Jbox.java()));
        argv.addAll(flags);
        argv.addAll(List.of("-cp", Jbox.jar().toString()));
        argv.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("JBOX_") || k.endsWith("JAVA_OPTIONS")
                || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().putAll(env);
        pb.environment().put("HOME", cwd.toString());
        pb.environment().put("XDG_CONFIG_HOME", cwd.toString());
        pb.environment().put("XDG_CACHE_HOME", cwd.resolve("cache").toString());
        pb.environment().put("XDG_STATE_HOME", cwd.resolve("state").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", mainAndArgs, out).isZero();
    }
}
