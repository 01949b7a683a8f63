package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.proof.UserProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scale path, run for real once: {@code jbox export}'s OCI profile, loaded by a real OCI
 * runtime from Debian (runc 1.1.5, libseccomp 2.5.4) around a root file system that holds only
 * a static probe, refuses and allows the same raw system calls as {@code jbox run} under the
 * same profile, for strict and for a user profile with argument conditions
 * ({@code OciExportProofTest} proves the same for every input). runc creates namespaces and
 * cgroups: root only (skipped as another user, saying so).
 */
class OciRuntimeIT {

    @TempDir
    Path cwd;

    @BeforeEach
    void needsRootAndRunc() throws IOException {
        String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                .findFirst().orElse("Uid: -1 -1").split("\\s+")[2];
        Assumptions.assumeTrue(uid.equals("0"), "not run (needs root: runc creates the container's namespaces and"
                + " cgroups; effective uid " + uid + ")");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")),
                "not run (runc missing: apt-get install runc; scripts/test installs it)");
    }

    /** Probes of strict's rules (x86_64 numbers): refused, and allowed calls that fail harmlessly. */
    static final List<String> STRICT = List.of(
            "vsock:41:40:1:0", "vsock_hi:41:0x100000028:1:0", "unix_badtype:41:1:12345:0",
            "ptrace:101:16:0", "unshare_user:272:0x10000000", "keyctl:250:0",
            "io_uring_setup:425:0:0", "clone3:435:0:0", "mount:165:0:0:0:0:0",
            "personality_query:135:0xffffffff", "personality_bad:135:0x40000",
            "tiocsti:16:0xffffffff:0x5412", "tiocsti_hi:16:0xffffffff:0x100005412", "tiocgwinsz:16:0xffffffff:0x5413",
            "close_bad:3:0xffffffff", "newer_than_tables:500", "i386_getpid_killed:i386:getpid:20");

    /** Probes of build.toml's argument rules (x86_64 numbers), and of minimal's under it. */
    static final List<String> BUILD = List.of(
            "vsock:41:40:1:0", "vsock_hi:41:0x100000028:1:0", "unix_badtype:41:1:12345:0",
            "kill9:62:0x7ffffff0:9", "kill0:62:0x7ffffff0:0",
            "mprotect_exec:10:0:0:4", "mprotect_read:10:0:0:1",
            "fchmod_suid:91:0xffffffff:0x800", "fchmod_suid_hi:91:0xffffffff:0x10800", "fchmod_plain:91:0xffffffff:0x1a4",
            "lseek_far:8:0xffffffff:0x800000000000:0", "lseek_near:8:0xffffffff:5:0", "lseek_far_whence:8:0xffffffff:0x800000000000:3",
            "ptrace:101:16:0", "tiocsti:16:0xffffffff:0x5412", "close_bad:3:0xffffffff",
            "newer_than_tables:500", "i386_getpid_killed:i386:getpid:20");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"strict", UserProfile.NAME})
    void theExportUnderRuncRefusesAndAllowsWhatJboxRunDoes(String profile) throws Exception {
        List<String> select = new ArrayList<>();
        if (profile.equals(UserProfile.NAME)) {
            select.addAll(List.of("--config", UserProfile.toml().toString()));
        }
        select.addAll(List.of("-p", profile));
        List<String> specs = new ArrayList<>(profile.equals("strict") ? STRICT : BUILD);
        // an i386 probe spec is "i386:NAME:NR": the answer's name is NAME
        specs.replaceAll(s -> s.startsWith("i386_getpid_killed:") ? s.substring("i386_getpid_killed:".length()) : s);

        // jbox run under the profile
        Jbox.Result run = Jbox.run(select, Probe.command(cwd, specs), Jbox.Options.in(cwd));
        assertThat(run.exit()).as("%s", run).isZero();
        Map<String, Probe.Answer> underJbox = Probe.parse(run.stdout());

        // the same profile exported, in runc
        Path json = cwd.resolve(profile + ".json");
        List<String> export = new ArrayList<>(List.of("export"));
        export.addAll(select);
        export.addAll(List.of("-o", json.toString()));
        Jbox.Result ex = Jbox.raw(export, Jbox.Options.in(cwd));
        assertThat(ex.exit()).as("%s", ex).isZero();
        Map<String, Probe.Answer> underRunc = Probe.parse(runc(profile, Files.readString(json), specs));

        assertThat(underJbox.keySet()).as("probes answered under jbox").hasSize(specs.size());
        Map<String, String> differ = new LinkedHashMap<>();
        for (var e : underJbox.entrySet()) {
            Probe.Answer r = underRunc.get(e.getKey());
            if (r == null || !r.answer().equals(e.getValue().answer())) {
                differ.put(e.getKey(), "jbox " + e.getValue().answer() + ", runc " + (r == null ? "no answer" : r.answer()));
            }
        }
        assertThat(differ).as("probes answered differently (jbox run vs runc with the export)").isEmpty();
        // the filter decides, not the environment: refusals on both sides
        assertThat(underRunc.get("vsock").errno()).isEqualTo("EAFNOSUPPORT");
        assertThat(underRunc.get("vsock_hi").errno()).isEqualTo("EAFNOSUPPORT");
        assertThat(underRunc.get("getpid").killedBy()).isEqualTo("SIGSYS");
        System.out.println("oci round trip " + profile + ": " + underJbox.size() + " probes, the same answers under jbox run"
                + " and under runc with the export: " + underRunc);
    }

    /**
     * The declared difference the proof found, for real: uselib's number (134 on x86_64) is only
     * reserved in the kernel's table. jbox's tables do not name it, so strict's rule for uselib
     * does not apply and the kernel answers ENOSYS; libseccomp names it and refuses it with EPERM.
     */
    @org.junit.jupiter.api.Test
    void aReservedNumberIsTheDeclaredDifference() throws Exception {
        List<String> specs = List.of("uselib:134:0");
        Jbox.Result run = Jbox.run(List.of("-p", "strict"), Probe.command(cwd, specs), Jbox.Options.in(cwd));
        Path json = cwd.resolve("strict.json");
        assertThat(Jbox.raw(List.of("export", "-p", "strict", "-o", json.toString()), Jbox.Options.in(cwd)).exit()).isZero();
        assertThat(Probe.parse(run.stdout()).get("uselib").errno()).isEqualTo("ENOSYS");
        assertThat(Probe.parse(runc("strict-uselib", Files.readString(json), specs)).get("uselib").errno()).isEqualTo("EPERM");
    }

    /** Runs the static probe with {@code specs} in runc, under the exported {@code seccomp} profile; its stdout. */
    private String runc(String name, String seccomp, List<String> specs) throws Exception {
        Path bundle = Files.createDirectories(cwd.resolve("bundle-" + name));
        Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
        for (String d : List.of("proc", "dev", "tmp")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Probe.staticIn(rootfs);
        StringBuilder args = new StringBuilder("\"/probe\"");
        for (String s : specs) {
            args.append(", \"").append(s).append('"');
        }
        // no capabilities, as in a jbox sandbox; the profile as the export wrote it
        String config = "{\"ociVersion\": \"1.0.2\", \"process\": {\"terminal\": false, \"user\": {\"uid\": 0, \"gid\": 0},"
                + " \"args\": [" + args + "], \"env\": [\"PATH=/\"], \"cwd\": \"/\", \"noNewPrivileges\": true,"
                + " \"capabilities\": {\"bounding\": [], \"effective\": [], \"permitted\": [], \"inheritable\": [],"
                + " \"ambient\": []}},"
                + " \"root\": {\"path\": \"rootfs\", \"readonly\": true}, \"hostname\": \"probe\","
                + " \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],"
                + " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},"
                + " {\"type\": \"mount\"}, {\"type\": \"network\"}], \"seccomp\": " + seccomp + "}}";
        Files.writeString(bundle.resolve("config.json"), config, StandardCharsets.UTF_8);
        String id = "jbox-oci-it-" + ProcessHandle.current().pid() + "-" + name;
        Path out = bundle.resolve("out.txt");
        Path err = bundle.resolve("err.txt");
        Process p = new ProcessBuilder("runc", "run", "--bundle", bundle.toString(), id)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("runc did not finish within 60 s");
            }
            assertThat(p.exitValue()).as("runc run: %s%s", Files.readString(out), Files.readString(err)).isZero();
            return Files.readString(out);
        } finally {
            new ProcessBuilder("runc", "delete", "--force", id).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
