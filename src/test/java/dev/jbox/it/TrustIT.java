package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trust boundaries (docs/SECURITY.md): nothing a sandbox writes and nothing a cloned
 * repository ships may widen the next sandbox. Each test runs with a home, config directory
 * and trust store of its own, so it never touches the user's.
 */
class TrustIT {

    /** A one-instruction program: RET ALLOW (struct sock_filter, little-endian). */
    static final byte[] ALLOW_ALL = {0x06, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f};

    static final String ESCAPE = "unshare -U true 2>/dev/null && echo ESCAPED; grep Seccomp: /proc/self/status";

    Path base;
    Path home;
    Path project;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        base = Files.createTempDirectory("jbox-trust-it");
        home = Files.createDirectories(base.resolve("home"));
        project = Files.createDirectories(base.resolve("project"));
        env = Jbox.ownHome(home);
    }

    @AfterEach
    void tearDown() throws Exception {
        Jbox.deleteTree(base);
    }

    Jbox.Options in(Path cwd) {
        return new Jbox.Options(cwd, env, false);
    }

    Jbox.Result run(List<String> jboxArgs, String snippet) {
        return Jbox.run(jboxArgs, List.of("sh", "-c", snippet), in(project));
    }

    Jbox.Result trust(String... file) {
        List<String> args = new java.util.ArrayList<>(List.of("trust"));
        args.addAll(List.of(file));
        Jbox.Result r = Jbox.raw(args, in(project));
        assertThat(r.exit()).as("%s", r).isZero();
        return r;
    }

    void refusedAsUntrusted(Jbox.Result r, Path file) {
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderrLines()).hasSize(1);
        assertThat(r.stderrLines().getFirst()).startsWith("jbox: " + file).contains("jbox trust " + file)
                .endsWith("; nothing was run");
    }

    @Test
    void aJboxTomlWrittenByTheSandboxIsRefusedByTheNextRun() throws Exception {
        Path victim = Files.createDirectories(base.resolve("victim"));
        Jbox.Result first = run(List.of("--profile", "strict"), "printf '[sandbox]\\nbind = [{ src = \"" + victim
                + "\", dest = \"" + victim + "\" }]\\n' > jbox.toml");
        assertThat(first.exit()).as("%s", first).isZero();
        Jbox.Result second = run(List.of("--profile", "strict"), "echo x > " + victim + "/pwned");
        refusedAsUntrusted(second, project.resolve("jbox.toml"));
        assertThat(victim.resolve("pwned")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"share_net", "open_profile", "relative_bpf"})
    void aHostileProjectFileIsRefusedUntilTrustedThenRunsAsItSays(String kind) throws Exception {
        String toml = switch (kind) {
            case "share_net" -> "[sandbox]\nshare_net = true\n";
            case "open_profile" -> "[sandbox]\nseccomp = \"open\"\n[profiles.open]\nextends = \"minimal\"\n"
                    + "allow = [\"unshare\", \"clone\", \"mount\"]\n";
            case "relative_bpf" -> "[sandbox]\nseccomp = \"allow.bpf\"\n";
            default -> throw new AssertionError(kind);
        };
        Files.write(project.resolve("allow.bpf"), ALLOW_ALL);
        Files.writeString(project.resolve("jbox.toml"), toml);
        String probe = kind.equals("share_net") ? "wc -l < /proc/net/dev" : ESCAPE;
        refusedAsUntrusted(run(List.of(), probe), project.resolve("jbox.toml"));

        Jbox.Result shown = trust();
        assertThat(shown.stdout()).contains("config file: " + project.resolve("jbox.toml"), "trusted: ");
        Jbox.Result r = run(List.of(), probe);
        assertThat(r.exit()).as("%s", r).isZero();
        if (kind.equals("share_net")) {
            assertThat(shown.stdout()).contains("network:   the host's");
            assertThat(Integer.parseInt(r.stdout().strip())).as("the host's interfaces").isGreaterThan(3);
        } else {
            assertThat(shown.stdout()).contains("allows beyond minimal: ").contains("unshare");
            assertThat(r.stdout()).contains("ESCAPED", "Seccomp:\t2");
        }

        // one byte changed: untrusted again
        Files.writeString(project.resolve("jbox.toml"), toml + "#\n");
        refusedAsUntrusted(run(List.of(), probe), project.resolve("jbox.toml"));
    }

    @Test
    void aChangedBpfFileNamedByATrustedConfigIsRefused() throws Exception {
        Files.write(project.resolve("allow.bpf"), ALLOW_ALL);
        Files.writeString(project.resolve("jbox.toml"), "[sandbox]\nseccomp = \"allow.bpf\"\n");
        trust();
        assertThat(run(List.of(), "true").exit()).isZero();
        byte[] changed = ALLOW_ALL.clone();
        changed[4] = 1; // RET ALLOW|1: still valid, another program
        Files.write(project.resolve("allow.bpf"), changed);
        Jbox.Result r = run(List.of(), "echo ran");
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderr()).startsWith("jbox: " + project.resolve("allow.bpf") + " (named by "
                + project.resolve("jbox.toml") + ") has changed since you trusted");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void aBindSourceRepointedBySymlinkIsRefused() throws Exception {
        Path cache = Files.createDirectories(base.resolve("real-cache"));
        Files.createSymbolicLink(project.resolve("build-cache"), cache);
        // the link's own path is inside the working directory, where it is a link: bind it elsewhere
        Files.writeString(project.resolve("jbox.toml"), "[sandbox]\nbind = [{ src = \"build-cache\", dest = \"/tmp/cache\" }]\n");
        Jbox.Result shown = trust();
        assertThat(shown.stdout()).contains("bind (rw): " + project.resolve("build-cache") + " (resolves to " + cache
                + ") -> /tmp/cache");
        Jbox.Result ok = run(List.of(), "touch /tmp/cache/ok");
        assertThat(ok.exit()).as("%s", ok).isZero();
        assertThat(cache.resolve("ok")).exists();

        Path elsewhere = Files.createDirectories(base.resolve("elsewhere"));
        Files.delete(project.resolve("build-cache"));
        Files.createSymbolicLink(project.resolve("build-cache"), elsewhere);
        Jbox.Result r = run(List.of(), "touch /tmp/cache/pwned");
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderr()).contains("the bind source " + project.resolve("build-cache") + " now leads to " + elsewhere
                + " (trusted: " + cache + ")");
        assertThat(elsewhere.resolve("pwned")).doesNotExist();
    }

    @Test
    void aProjectFileMayNotBindTheHomeDirectoryOrTheHostRootReadWrite() throws Exception {
        for (String bind : List.of("\"~\"", "{ src = \"/\", dest = \"/\" }", "\"home-link\"")) {
            Files.deleteIfExists(project.resolve("home-link"));
            Files.createSymbolicLink(project.resolve("home-link"), home);
            Files.writeString(project.resolve("jbox.toml"), "[sandbox]\nbind = [" + bind + "]\n");
            trust();
            Jbox.Result r = run(List.of(), "echo x > " + home + "/probe");
            assertThat(r.exit()).as("%s: %s", bind, r).isEqualTo(125);
            assertThat(r.stderrLines()).hasSize(1);
            assertThat(r.stderr()).startsWith("jbox: " + project.resolve("jbox.toml") + ": [sandbox]: bind")
                    .contains("a config file may not bind");
            assertThat(home.resolve("probe")).doesNotExist();
        }
    }

    @Test
    void aConfigGivenWithDashDashConfigNeedsTrustOnlyUnderAWritableBind() throws Exception {
        String toml = "[sandbox]\nhostname = \"trusted-box\"\n";
        Files.writeString(project.resolve("x.toml"), toml);
        Path outside = base.resolve("outside.toml");
        Files.writeString(outside, toml);
        refusedAsUntrusted(run(List.of("--config", "./x.toml"), "hostname"), project.resolve("x.toml"));
        Jbox.Result fine = run(List.of("--config", outside.toString()), "hostname");
        assertThat(fine.exit()).as("%s", fine).isZero();
        assertThat(fine.stdout().strip()).isEqualTo("trusted-box");
        trust("x.toml");
        assertThat(run(List.of("--config", "./x.toml"), "hostname").stdout().strip()).isEqualTo("trusted-box");
    }

    @Test
    void aBpfFileUnderTheWorkingDirectoryNeedsTrustAsOptionAndInJboxProfile() throws Exception {
        Path bpf = project.resolve("allow.bpf");
        Files.write(bpf, ALLOW_ALL);
        Jbox.Result viaOption = run(List.of("--bpf", "allow.bpf"), ESCAPE);
        assertThat(viaOption.exit()).as("%s", viaOption).isEqualTo(125);
        assertThat(viaOption.stderr()).startsWith("jbox: allow.bpf (--bpf) lies under " + project
                + ", which the sandbox can write, and is not trusted");
        env.put("JBOX_PROFILE", bpf.toString());
        Jbox.Result viaEnv = run(List.of(), ESCAPE);
        assertThat(viaEnv.exit()).as("%s", viaEnv).isEqualTo(125);
        assertThat(viaEnv.stderr()).contains("(JBOX_PROFILE) lies under " + project);
        env.put("JBOX_PROFILE", null);
        trust("allow.bpf");
        assertThat(run(List.of("--bpf", "allow.bpf"), ESCAPE).stdout()).contains("ESCAPED");
        Path outside = base.resolve("outside.bpf");
        Files.write(outside, ALLOW_ALL);
        assertThat(run(List.of("--bpf", outside.toString()), ESCAPE).exit()).isZero();
    }

    @Test
    void renamesInsideCannotGetAroundTheProtectionOfConfigAndTrustStore() throws Exception {
        Files.createDirectories(home.resolve(".config"));
        Jbox.Result r = run(List.of("--bind", home.toString(), home.toString()),
                "mv ~/.config ~/.config.old; mkdir -p ~/.config/jbox; echo '[sandbox]' > ~/.config/jbox/config.toml;"
                        + " mv ~/.local ~/.local.old; mkdir -p ~/.local/state/jbox/trust; echo x > ~/.local/state/jbox/trust/x;"
                        + " echo ok > ~/written");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(home.resolve("written")).as("the home directory itself is writable, as asked").exists();
        assertThat(home.resolve(".config.old")).doesNotExist();
        assertThat(home.resolve(".local.old")).doesNotExist();
        assertThat(home.resolve(".config/jbox/config.toml")).doesNotExist();
        assertThat(home.resolve(".local/state/jbox/trust/x")).doesNotExist();
        assertThat(r.stderr()).contains("Device or resource busy", "Read-only file system");
    }

    @Test
    void jboxItselfStaysReadOnlyUnderAWritableBind() throws Exception {
        Path jarDir = Jbox.jar().getParent();
        Path above = jarDir.getParent();
        Jbox.Result r = Jbox.run(List.of("--bind", above.toString(), above.toString()), List.of("sh", "-c",
                "mv " + jarDir + " " + jarDir + ".old; touch " + jarDir + "/jbox-probe"), in(project));
        assertThat(r.exit()).as("%s", r).isNotZero();
        assertThat(Path.of(jarDir + ".old")).doesNotExist();
        assertThat(jarDir.resolve("jbox-probe")).doesNotExist();
        Jbox.Result inside = Jbox.run(List.of("--bind", jarDir.toString(), jarDir.toString()), List.of("true"),
                in(project));
        assertThat(inside.exit()).isEqualTo(125);
        assertThat(inside.stderr()).startsWith("jbox: --bind " + jarDir + " " + jarDir
                + ": it would let the sandbox write jbox itself");
    }

    @Test
    void fromJboxsOwnDirectoryTheCommandRunsThereReadOnly() throws Exception {
        // the README's command, run from the checkout: jbox itself stays read-only, and the
        // directory is still there inside (also when it is under /tmp, hidden by the private tmpfs)
        Path jarDir = Jbox.jar().getParent();
        Jbox.Result r = Jbox.run(List.of(), List.of("sh", "-c", "pwd; touch jbox-probe || echo read-only"), in(jarDir));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).containsExactly(jarDir.toString(), "read-only");
        assertThat(r.stderr()).contains("jbox: the working directory " + jarDir + " holds jbox itself (its jar):"
                + " it stays read-only inside");
        assertThat(jarDir.resolve("jbox-probe")).doesNotExist();
    }

    @Test
    void fromTheRootOrTheHomeDirectoryNothingIsWrittenOnTheHost() throws Exception {
        Jbox.Result fromRoot = Jbox.run(List.of(), List.of("sh", "-c",
                "echo x > /jbox-trust-probe; ls /proc | grep -c '^[0-9]'"), in(Path.of("/")));
        assertThat(fromRoot.exit()).as("%s", fromRoot).isZero();
        assertThat(Path.of("/jbox-trust-probe")).doesNotExist();
        assertThat(Integer.parseInt(fromRoot.stdout().strip())).as("only the sandbox's processes").isLessThan(5);
        assertThat(fromRoot.stderr()).contains("jbox: the working directory / is the host's root directory:"
                + " it stays read-only inside");
        Jbox.Result fromHome = Jbox.run(List.of(), List.of("sh", "-c", "echo x > ~/probe"), in(home));
        assertThat(home.resolve("probe")).doesNotExist();
        assertThat(fromHome.stderr()).contains("jbox: the working directory " + home
                + " is your home directory: it stays read-only inside");
    }

    @Test
    void rootIsTheEffectiveUidNotAJavaProperty() throws Exception {
        env.put("JAVA_TOOL_OPTIONS", "-Duser.name=nobody");
        Jbox.Result r = Jbox.run(List.of("--dry-run"), List.of("true"), in(project));
        assertThat(r.exit()).as("%s", r).isZero();
        boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        if (root) {
            assertThat(r.stdout()).contains("--cap-drop ALL");
        } else {
            assertThat(r.stdout()).doesNotContain("--cap-drop");
        }
    }

    @Test
    void reviewerCommandsShowAnUntrustedFileAndSayRunRefusesIt() throws Exception {
        Files.writeString(project.resolve("jbox.toml"), "[sandbox]\nshare_net = true\n");
        Jbox.Result c = Jbox.raw(List.of("config"), in(project));
        assertThat(c.exit()).isZero();
        assertThat(c.stdout()).contains("trust:       NOT TRUSTED: jbox run refuses this file: " + project.resolve("jbox.toml")
                + " is not trusted", "share_net:   true");
        Jbox.Result shown = Jbox.raw(List.of("trust", "--show"), in(project));
        assertThat(shown.stdout()).contains("network:   the host's", "not recorded (--show)");
        refusedAsUntrusted(run(List.of(), "true"), project.resolve("jbox.toml"));
    }

    @Test
    void bwrapModeDoesNotReadAProjectFileWhenAPresetIsGiven() throws Exception {
        Files.writeString(project.resolve("jbox.toml"), "[sandbox]\nseccomp = \"allow.bpf\"\n");
        env.put("JBOX_PROFILE", "strict");
        Jbox.Result r = Jbox.raw(List.of("bwrap", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "sh", "-c",
                "grep Seccomp: /proc/self/status"), in(project));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).contains("Seccomp:\t2");
        env.put("JBOX_PROFILE", null);
        Jbox.Result untrusted = Jbox.raw(List.of("bwrap", "--ro-bind", "/", "/", "true"), in(project));
        refusedAsUntrusted(untrusted, project.resolve("jbox.toml"));
    }

    @Test
    void reviewerCommandsAnswerForWhatRunApplies() throws Exception {
        Files.writeString(project.resolve("jbox.toml"), "[sandbox]\nseccomp = \"strict\"\n");
        Jbox.Result untrusted = Jbox.raw(List.of("check", "socket", "AF_VSOCK"), in(project));
        assertThat(untrusted.exit()).as("%s", untrusted).isZero();
        assertThat(untrusted.stderr()).startsWith("jbox: note: " + project.resolve("jbox.toml") + " is not trusted")
                .contains("'jbox run' refuses it until then");
        Jbox.Result compileUntrusted = Jbox.raw(List.of("compile", "-o", "x.bpf"), in(project));
        assertThat(compileUntrusted.exit()).isEqualTo(2);
        assertThat(compileUntrusted.stderr()).endsWith("(jbox run refuses it, and so does this command)\n");
        trust();
        String from = "(from " + project.resolve("jbox.toml") + " [sandbox] seccomp)";
        Jbox.Result check = Jbox.raw(List.of("check", "socket", "AF_VSOCK"), in(project));
        assertThat(check.stdout()).startsWith("socket(0x28) on x86_64 under 'strict' " + from + ": ERRNO(EAFNOSUPPORT)");
        assertThat(check.stderr()).isEmpty();
        assertThat(Jbox.raw(List.of("explain"), in(project)).stdout()).startsWith("profile strict (extends minimal) " + from);
        assertThat(Jbox.raw(List.of("disasm"), in(project)).stdout()).contains("EAFNOSUPPORT");
        assertThat(Jbox.raw(List.of("export"), in(project)).stdout()).contains("\"SCMP_ACT_ERRNO\"");
        Jbox.Result compiled = Jbox.raw(List.of("compile", "-o", "s.bpf"), in(project));
        assertThat(compiled.stderr()).contains("under 'strict' " + from);
        env.put("JBOX_PROFILE", "dev");
        assertThat(Jbox.raw(List.of("explain"), in(project)).stdout()).startsWith("profile dev (extends strict -> minimal)"
                + " (from JBOX_PROFILE)");
    }
}
