package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When a filter was asked for and any step of applying it fails, jbox runs nothing and
 * exits 125 with one line. Each test gives the command a marker file to create, and
 * checks it was never created.
 */
class FailClosedIT {

    Path cwd;
    Path files;
    Path marker;

    @BeforeEach
    void setUp() throws Exception {
        cwd = Files.createTempDirectory("jbox-failclosed-it");
        // the filter and config files live outside the working directory: under it (bound
        // read-write) they would need the user's trust first (TrustIT covers that)
        files = Files.createTempDirectory("jbox-failclosed-files");
        marker = cwd.resolve("ran");
    }

    @AfterEach
    void tearDown() throws Exception {
        Jbox.deleteTree(cwd);
        Jbox.deleteTree(files);
    }

    void assertRefused(Jbox.Result r, String message) {
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderrLines()).as("%s", r).hasSize(1);
        assertThat(r.stderrLines().getFirst()).contains(message).endsWith("; nothing was run").doesNotContain("Exception");
        assertThat(marker).as("the command must not have run").doesNotExist();
    }

    Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("XDG_CACHE_HOME", cwd.resolve("cache").toString()); // no cached bwrap answers from elsewhere
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aBwrapWithoutSeccompSupport() throws Exception {
        Path bin = Files.createDirectories(cwd.resolve("fakebin"));
        Path fake = bin.resolve("bwrap");
        Files.writeString(fake, """
                #!/bin/sh
                # a bwrap that knows nothing of seccomp: it would run the command unfiltered
                case "$*" in --help*) echo "usage: bwrap [OPTIONS...] [--] COMMAND [ARGS...]"; exit 0 ;; esac
                case "$*" in *--seccomp*) echo "bwrap: Unknown option --seccomp" >&2; exit 1 ;; esac
                while [ "$1" != "--" ]; do shift; done; shift; exec "$@"
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Jbox.Result r = Jbox.run(List.of("--profile", "strict"), List.of("touch", marker.toString()),
                new Jbox.Options(cwd, env("PATH", bin + ":/usr/bin:/bin"), false));
        assertRefused(r, "does not support --seccomp");
        // the same fake is fine when no filter was asked for: it is the filter that must not be dropped
        Jbox.Result none = Jbox.run(List.of("--no-seccomp"), List.of("touch", marker.toString()),
                new Jbox.Options(cwd, env("PATH", bin + ":/usr/bin:/bin"), false));
        assertThat(none.exit()).as("%s", none).isZero();
        assertThat(marker).exists();
    }

    @Test
    void aProfileThatDoesNotCompile() throws Exception {
        StringBuilder toml = new StringBuilder("[profiles.huge]\nextends = \"strict\"\n");
        for (int i = 0; i < 4500; i++) {
            toml.append("[[profiles.huge.rules]]\nsyscall = \"ioctl\"\nerrno = \"EPERM\"\n")
                    .append("args = [{ arg = 1, op = \"eq\", value = ").append(0x10000 + i).append(" }]\n");
        }
        Path cfg = files.resolve("huge.toml");
        Files.writeString(cfg, toml);
        Jbox.Result r = Jbox.run(List.of("--config", cfg.toString(), "--profile", "huge"), List.of("touch", marker.toString()),
                new Jbox.Options(cwd, env(), false));
        assertRefused(r, "cannot compile the filter: profile 'huge' compiles to");
    }

    @Test
    void anInvalidOrUnreadableBpfFile() throws Exception {
        Path bad = files.resolve("bad.bpf");
        Files.write(bad, new byte[] {6, 0, 0, 0, 0, 0, (byte) 0xff}); // 7 bytes
        assertRefused(Jbox.run(List.of("--bpf", bad.toString()), List.of("touch", marker.toString()),
                new Jbox.Options(cwd, env(), false)), "not a multiple of 8");
        assertRefused(Jbox.run(List.of("--bpf", files.resolve("missing.bpf").toString()), List.of("touch", marker.toString()),
                new Jbox.Options(cwd, env(), false)), "cannot read");
    }

    /**
     * memfd_create failing: jbox started under an outer jbox (--no-namespaces) whose profile
     * refuses memfd_create, so the inner jbox cannot build its memfd and must not fall back
     * to anything unfiltered.
     */
    @Test
    void memfdFailure() throws Exception {
        Path cfg = files.resolve("nomemfd.toml");
        Files.writeString(cfg, """
                [profiles.nomemfd]
                extends = "minimal"
                deny = ["memfd_create"]
                default_errno = "EMFILE"
                """);
        List<String> inner = List.of(Jbox.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-MaxFDLimit",
                "-jar", Jbox.jar().toString(), "run", "--", "touch", marker.toString());
        Jbox.Result r = Jbox.run(List.of("--no-namespaces", "--config", cfg.toString(), "--profile", "nomemfd"), inner,
                new Jbox.Options(cwd, env(), false));
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderr()).contains("memfd_create: Too many open files (errno 24); nothing was run");
        assertThat(marker).doesNotExist();
    }
}
