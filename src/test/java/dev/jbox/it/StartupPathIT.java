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
}
