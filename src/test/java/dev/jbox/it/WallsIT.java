package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.nativ.Posix;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The walls around the filter (docs/SECURITY.md, "What a sandbox can reach"): as root nothing
 * inside writes the host's kernel tunables; no host service is reachable through its socket
 * unless bound on purpose, and with {@code --share-net} no abstract socket either (Landlock);
 * credentials are masked unless the user lifts a mask; a bind may land where the host has
 * nothing; what jbox writes after a sandbox ran never follows a link the sandbox left; and
 * the set of places a default sandbox can write is exactly the intended one. Run as root and
 * as an unprivileged user (scripts/test); each test says when a part cannot be tried here.
 */
class WallsIT {

    static final String ID = UUID.randomUUID().toString().substring(0, 8);

    Path base;
    Path home;
    Path project;
    Map<String, String> env;
    final List<AutoCloseable> services = new ArrayList<>();
    final List<Path> cleanUp = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        // in the user's own home, as a project is: under /tmp the sandbox's private /tmp would hide it
        base = Files.createTempDirectory(Path.of(System.getProperty("user.home")), "jbox-walls-");
        home = Files.createDirectories(base.resolve("home"));
        project = Files.createDirectories(base.resolve("project"));
        env = Jbox.ownHome(home);
        env.put("XDG_RUNTIME_DIR", null);
        env.put("SSH_AUTH_SOCK", null);
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : services) {
            c.close();
        }
        for (Path p : cleanUp.reversed()) {
            Files.deleteIfExists(p);
        }
        Jbox.deleteTree(base);
    }

    static boolean root() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    Jbox.Result run(List<String> jboxArgs, String snippet) {
        return Jbox.run(jboxArgs, List.of("sh", "-c", snippet), new Jbox.Options(project, env, false));
    }

    // ------------------------------------------------------------------ root mode

    /** The issue's first reproduction: root inside writes core_pattern back (the value it read). */
    @Test
    void theSandboxCannotWriteTheHostsSysctls() throws Exception {
        String before = Files.readString(Path.of("/proc/sys/kernel/core_pattern"));
        Jbox.Result r = run(List.of(), "v=$(cat /proc/sys/kernel/core_pattern); "
                + "printf '%s\\n' \"$v\" > /proc/sys/kernel/core_pattern && echo WROTE; "
                + "s=$(cat /proc/sys/vm/swappiness); echo $s > /proc/sys/vm/swappiness && echo WROTE2; echo done");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).as("%s", r).isEqualTo("done\n");
        assertThat(r.stderr()).as("%s", r).contains(root() ? "Read-only file system" : "Permission denied");
        assertThat(Files.readString(Path.of("/proc/sys/kernel/core_pattern"))).isEqualTo(before);
    }

    /** As root: Docker's masked kernel paths show nothing (a file reads empty, a directory has no entries). */
    @Test
    void asRootTheKernelsMaskedPathsShowNothing() {
        Assumptions.assumeTrue(root(), "as a user the kernel's own permissions keep these (the masks are root's)");
        List<String> files = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        for (String p : List.of("/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
                "/proc/latency_stats", "/proc/timer_stats")) {
            if (Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS)) {
                files.add(p);
            }
        }
        for (String p : List.of("/proc/acpi", "/proc/scsi", "/proc/asound", "/sys/firmware",
                "/sys/devices/virtual/powercap")) {
            if (Files.isDirectory(Path.of(p), LinkOption.NOFOLLOW_LINKS)) {
                dirs.add(p);
            }
        }
        Jbox.Result r = run(List.of(), "for f in " + String.join(" ", files) + "; do printf '%s:' $f; wc -c < $f; done; "
                + "for d in " + String.join(" ", dirs) + "; do printf '%s:' $d; ls -A $d | wc -l; done; "
                + "touch /proc/acpi/x 2>&1 | grep -c Read-only");
        assertThat(r.exit()).as("%s", r).isZero();
        List<String> expected = new ArrayList<>();
        files.forEach(f -> expected.add(f + ":0"));
        dirs.forEach(d -> expected.add(d + ":0"));
        expected.add(dirs.contains("/proc/acpi") ? "1" : "0");
        assertThat(r.stdoutLines()).as("%s", r).containsExactlyElementsOf(expected);
    }

    // ------------------------------------------------------------------ host services

    /** A host service listening on a unix socket, answering "host service" to whoever connects. */
    Path plant(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(socket));
        cleanUp.add(socket);
        services.add(ch);
        Thread.ofPlatform().daemon().start(() -> {
            while (ch.isOpen()) {
                try (SocketChannel c = ch.accept()) {
                    c.write(ByteBuffer.wrap("host service\n".getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return socket;
    }

    /** A directory made for the test where the host has none (removed afterwards), or the existing one. */
    Path hostDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            cleanUp.add(dir);
        }
        return dir;
    }

    static final String CONNECT = "import socket, sys\n"
            + "for p in sys.argv[1:]:\n"
            + "    s = socket.socket(socket.AF_UNIX)\n"
            + "    try:\n"
            + "        s.connect(p); print(p, 'reached', s.recv(99).decode().strip())\n"
            + "    except OSError as e:\n"
            + "        print(p, 'refused', e.errno)\n";

    Jbox.Result connect(List<String> jboxArgs, List<Path> sockets) {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", CONNECT));
        sockets.forEach(s -> cmd.add(s.toString()));
        return Jbox.run(jboxArgs, cmd, new Jbox.Options(project, env, false));
    }

    /**
     * Where the issue plants host services: {@code /run}, {@code /run/user/UID}, {@code /var/run},
     * {@code $HOME/.gnupg}, {@code /tmp/.X11-unix}, plus the runtime directory and the
     * ssh-agent socket that the environment names. Each where this user can make one.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/run", "/run/user/UID", "/var/run", "~/.gnupg", "/tmp/.X11-unix", "$XDG_RUNTIME_DIR",
            "$SSH_AUTH_SOCK"})
    void aHostServiceIsOutOfReachUnlessBoundOnPurpose(String where) throws Exception {
        Path socket = switch (where) {
            case "/run/user/UID" -> {
                Path d = Path.of("/run/user/" + new com.sun.security.auth.module.UnixSystem().getUid());
                Assumptions.assumeTrue(Files.isWritable(Path.of("/run/user")) || Files.isWritable(d),
                        "this user cannot make " + d);
                yield hostDir(d).resolve("jbox-it-" + ID + ".sock");
            }
            case "~/.gnupg" -> Files.createDirectories(home.resolve(".gnupg")).resolve("S.gpg-agent");
            case "/tmp/.X11-unix" -> hostDir(Path.of("/tmp/.X11-unix")).resolve("X" + ID);
            case "$XDG_RUNTIME_DIR" -> {
                Path d = Files.createDirectories(base.resolve("xdg"));
                env.put("XDG_RUNTIME_DIR", d.toString());
                yield d.resolve("bus");
            }
            case "$SSH_AUTH_SOCK" -> {
                Path s = Files.createDirectories(base.resolve("agent")).resolve("ssh.sock");
                env.put("SSH_AUTH_SOCK", s.toString());
                yield s;
            }
            default -> {
                Assumptions.assumeTrue(Files.isWritable(Path.of(where)), "this user cannot make a socket in " + where);
                yield Path.of(where, "jbox-it-" + ID + ".sock");
            }
        };
        plant(socket);
        assertThat(connect(List.of(), List.of(socket)).stdout()).as("from the host")
                .doesNotContain("reached");
        Jbox.Result shareNet = connect(List.of("--share-net"), List.of(socket));
        assertThat(shareNet.stdout()).as("%s", shareNet).startsWith(socket + " refused ");
        Jbox.Result bound = connect(List.of("--bind", socket.toString(), socket.toString()), List.of(socket));
        assertThat(bound.stdout()).as("%s", bound).isEqualTo(socket + " reached host service\n");
        // and the host side did answer: the refusal above is the sandbox's
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            assertThat(c.isConnected()).isTrue();
        }
    }

    /** The issue's second reproduction, in its own words: /run/demo.sock. */
    @Test
    void theSessionsSocketsUnderRunAreHidden() throws Exception {
        Assumptions.assumeTrue(Files.isWritable(Path.of("/run")), "this user cannot make a socket in /run");
        Path socket = plant(Path.of("/run/jbox-it-demo-" + ID + ".sock"));
        Jbox.Result r = connect(List.of(), List.of(socket));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).isEqualTo(socket + " refused 2\n"); // ENOENT: /run inside is empty
    }

    /** With --share-net the sandbox shares the host's abstract namespace; Landlock (ABI >= 6) scopes it. */
    @ParameterizedTest(name = "jbox run {0}")
    @ValueSource(strings = {"--share-net", "--share-net --forward-signals", "--share-net --report"})
    void anAbstractSocketMadeOutsideIsRefusedWithShareNet(String options) throws Exception {
        int abi = Posix.landlockAbi();
        Assumptions.assumeTrue(abi >= 6, "Landlock ABI " + abi + " cannot scope abstract sockets (needs 6, Linux 6.12):"
                + " there a sandbox with --share-net reaches them");
        String name = "jbox-it-" + ID;
        Process listener = new ProcessBuilder("python3", "-c", "import socket, time\n"
                + "s = socket.socket(socket.AF_UNIX); s.bind('\\0" + name + "'); s.listen(5); print('up', flush=True)\n"
                + "time.sleep(60)").redirectErrorStream(true).start();
        try {
            assertThat(new String(listener.getInputStream().readNBytes(3), StandardCharsets.UTF_8)).isEqualTo("up\n");
            String probe = "import socket\ns = socket.socket(socket.AF_UNIX)\ntry:\n"
                    + "    s.connect('\\0" + name + "'); print('reached')\nexcept OSError as e:\n    print('refused', e.errno)\n";
            Jbox.Result r = Jbox.run(List.of(options.split(" ")), List.of("python3", "-c", probe),
                    new Jbox.Options(project, env, false));
            assertThat(r.stdout()).as("%s", r).isEqualTo("refused 1\n"); // EPERM: Landlock's scope
            // the host's own processes still reach it
            Process outside = new ProcessBuilder("python3", "-c", probe).redirectErrorStream(true).start();
            assertThat(new String(outside.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("reached\n");
        } finally {
            listener.destroyForcibly();
        }
    }

    /** DNS keeps working with --share-net: /etc/resolv.conf (a link into /run on some hosts) still reads. */
    @Test
    void theResolverConfigurationStaysWithShareNet() throws Exception {
        String host = Files.readString(Path.of("/etc/resolv.conf"));
        Jbox.Result r = run(List.of("--share-net"), "cat /etc/resolv.conf");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).isEqualTo(host);
    }

    // ------------------------------------------------------------------ credentials

    void secrets() throws IOException {
        Files.writeString(Files.createDirectories(home.resolve(".ssh")).resolve("id_ed25519"), "SSH-SECRET\n");
        Files.writeString(Files.createDirectories(home.resolve(".aws")).resolve("credentials"), "AWS-SECRET\n");
        Files.writeString(Files.createDirectories(home.resolve(".docker")).resolve("config.json"), "DOCKER-SECRET\n");
    }

    static final String SHOW = "for f in ~/.ssh/id_ed25519 ~/.aws/credentials ~/.docker/config.json; do "
            + "if [ -e $f ]; then printf '%s=%s\\n' ${f#$HOME/} \"$(cat $f)\"; else printf '%s=missing\\n' ${f#$HOME/}; fi; "
            + "done; printf 'ls .ssh=%s\\n' \"$(ls -A ~/.ssh)\"";

    @Test
    void credentialsReadEmptyByDefault() throws Exception {
        secrets();
        Jbox.Result r = run(List.of(), SHOW);
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).as("%s", r).containsExactly(".ssh/id_ed25519=missing",
                ".aws/credentials=missing", ".docker/config.json=", "ls .ssh=");
    }

    @Test
    void aMaskIsLiftedByName() throws Exception {
        secrets();
        Jbox.Result r = run(List.of("--unmask", "aws"), SHOW);
        assertThat(r.stdoutLines()).as("%s", r).containsExactly(".ssh/id_ed25519=missing",
                ".aws/credentials=AWS-SECRET", ".docker/config.json=", "ls .ssh=");
        Path cfg = Files.writeString(base.resolve("unmask.toml"), "[sandbox]\nunmask = [\"docker\"]\n");
        Jbox.Result c = run(List.of("--config", cfg.toString()), SHOW);
        assertThat(c.stdoutLines()).as("%s", c).contains(".docker/config.json=DOCKER-SECRET",
                ".aws/credentials=missing");
        Jbox.Result wrong = run(List.of("--unmask", "awz"), "true");
        assertThat(wrong.exit()).isEqualTo(125);
        assertThat(wrong.stderrLines()).singleElement().asString()
                .startsWith("jbox: --unmask: no mask is called 'awz' (did you mean aws?)");
    }

    @Test
    void aWorkingDirectoryInsideAMaskedPlaceShowsItAndNothingElse() throws Exception {
        secrets();
        Jbox.Result r = Jbox.run(List.of(), List.of("sh", "-c", "ls; " + SHOW),
                new Jbox.Options(home.resolve(".ssh"), env, false));
        assertThat(r.stdoutLines()).as("%s", r).containsExactly("id_ed25519", ".ssh/id_ed25519=SSH-SECRET",
                ".aws/credentials=missing", ".docker/config.json=", "ls .ssh=id_ed25519");
    }

    @Test
    void dryRunSaysWhatIsMaskedAndWhatIsNot() throws Exception {
        secrets();
        Jbox.Result r = run(List.of("--dry-run", "--unmask", "aws"), "true");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).contains("# masked ssh: " + home.toRealPath().resolve(".ssh"),
                "# masked docker: " + home.toRealPath().resolve(".docker/config.json"),
                "# not masked aws: " + home.toRealPath().resolve(".aws") + " (unmasked by name)");
    }

    // ------------------------------------------------------------------ binds to new places

    @Test
    void aBindMayLandWhereTheHostHasNothing() throws Exception {
        Path src = Files.createDirectories(base.resolve("src"));
        Files.writeString(src.resolve("hello"), "hi\n");
        String top = "/jbox-it-" + ID;
        String deeper = "/usr/share/jbox-it-" + ID + "/deep";
        Jbox.Result r = run(List.of("--bind", src.toString(), top, "--ro-bind", src.toString(), deeper),
                "ls " + top + " " + deeper + "; ls /usr/share | grep -c ^doc$; touch /x; touch " + top + "/made");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).as("%s", r).containsExactly(top + ":", "hello", "", deeper + ":", "hello", "1");
        assertThat(r.stderr()).contains("touch: cannot touch '/x': Read-only file system");
        assertThat(src.resolve("made")).as("the bind is read-write").exists();
        assertThat(Path.of(top)).doesNotExist();
        assertThat(Path.of(deeper).getParent()).doesNotExist();
    }

    // ------------------------------------------------------------------ files jbox writes

    /** The issue's third reproduction: learn's output is a link to ~/.bashrc by the time it is written. */
    @Test
    void learnReplacesALinkLeftAtItsOutput() throws Exception {
        Path bashrc = Files.writeString(home.resolve(".bashrc"), "ORIGINAL\n");
        Jbox.Result r = Jbox.raw(List.of("learn", "-o", "learned.toml", "--", "sh", "-c",
                "ln -sf \"$HOME/.bashrc\" learned.toml"), new Jbox.Options(project, env, false));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(Files.readString(bashrc)).isEqualTo("ORIGINAL\n");
        assertThat(project.resolve("learned.toml")).isRegularFile();
        assertThat(Files.isSymbolicLink(project.resolve("learned.toml"))).isFalse();
        assertThat(Files.readString(project.resolve("learned.toml"))).contains("[profiles.learned]");
    }

    /** A hard link planted where --report-json writes, and a link where compile -o writes, are replaced. */
    @Test
    void reportJsonAndCompileReplaceLinksAtTheirOutput() throws Exception {
        Path bashrc = Files.writeString(home.resolve(".bashrc"), "ORIGINAL\n");
        Files.createLink(project.resolve("report.json"), bashrc);
        Jbox.Result r = run(List.of("--report-json", "report.json"), "true");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(Files.readString(project.resolve("report.json"))).contains("\"refused\"");
        Files.createSymbolicLink(project.resolve("minimal.bpf"), bashrc);
        Jbox.Result c = Jbox.raw(List.of("compile", "--profile", "minimal", "-o", "minimal.bpf"),
                new Jbox.Options(project, env, false));
        assertThat(c.exit()).as("%s", c).isZero();
        assertThat(Files.isSymbolicLink(project.resolve("minimal.bpf"))).isFalse();
        assertThat(Files.readString(bashrc)).isEqualTo("ORIGINAL\n");
    }

    // ------------------------------------------------------------------ the writable set

    /**
     * What a default sandbox can write beyond the intended set, and which sockets it can reach:
     * none but one bound on purpose. The intended set: the working directory, the read-write
     * binds, the private /tmp, /dev (its own nodes and /dev/shm), plus what the kernel gives any
     * process of the sandbox's own namespaces and nothing beyond them:
     * {@code /proc/pressure/*} (0666: a PSI trigger lives as long as its file is open) and, as a
     * user, the sysctls of the sandbox's own IPC and PID namespaces.
     */
    @Test
    void theWritableSetIsTheIntendedOneAndNoSocketAnswers() throws Exception {
        Path data = Files.createDirectories(base.resolve("data"));
        List<Path> planted = new ArrayList<>();
        planted.add(plant(Files.createDirectories(home.resolve(".gnupg")).resolve("S.gpg-agent")));
        Path xdg = Files.createDirectories(base.resolve("xdg"));
        env.put("XDG_RUNTIME_DIR", xdg.toString());
        planted.add(plant(xdg.resolve("bus")));
        if (Files.isWritable(Path.of("/run"))) {
            planted.add(plant(Path.of("/run/jbox-it-scan-" + ID + ".sock")));
        }
        Path wanted = plant(Files.createDirectories(base.resolve("wanted")).resolve("wanted.sock"));
        try (InputStream in = WallsIT.class.getResourceAsStream("walls-probe.py")) {
            Files.copy(in, project.resolve("walls-probe.py"));
        }
        Jbox.Result r = Jbox.run(List.of("--bind", data.toString(), "/data", "--bind", wanted.toString(),
                        wanted.toString()),
                List.of("python3", "walls-probe.py", project.toString(), "/data", wanted.toString(), "/tmp", "/dev",
                        "/proc/pressure"),
                new Jbox.Options(project, env, false));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).as("%s", r).last().asString().startsWith("done ");
        List<String> writable = r.stdoutLines().stream().filter(l -> l.startsWith("writable ")).map(l -> l.substring(9))
                .filter(p -> root() || !OWN_NAMESPACE_SYSCTLS.contains(p)).toList();
        assertThat(writable).as("writable outside the intended set").isEmpty();
        List<String> sockets = r.stdoutLines().stream().filter(l -> l.startsWith("socket ")).toList();
        assertThat(sockets).as("%s", r).contains("socket " + wanted + " reached");
        assertThat(sockets).filteredOn(l -> l.endsWith(" reached")).as("reached").containsExactly(
                "socket " + wanted + " reached");
        for (Path p : planted) {
            assertThat(sockets).as("%s is not even visible", p).noneMatch(l -> l.startsWith("socket " + p + " "));
        }
    }

    /** The sysctls of the sandbox's own IPC and PID namespaces (writable to a user there; root has /proc/sys read-only). */
    static final List<String> OWN_NAMESPACE_SYSCTLS = List.of("/proc/sys/fs/mqueue/msg_default",
            "/proc/sys/fs/mqueue/msg_max", "/proc/sys/fs/mqueue/msgsize_default", "/proc/sys/fs/mqueue/msgsize_max",
            "/proc/sys/fs/mqueue/queues_max", "/proc/sys/kernel/auto_msgmni", "/proc/sys/kernel/msgmax",
            "/proc/sys/kernel/msgmnb", "/proc/sys/kernel/msgmni", "/proc/sys/kernel/sem",
            "/proc/sys/kernel/shm_rmid_forced", "/proc/sys/kernel/shmall", "/proc/sys/kernel/shmmax",
            "/proc/sys/kernel/shmmni", "/proc/sys/kernel/ns_last_pid", "/proc/sys/kernel/pid_max");
}
