package dev.jbox.config;

import static org.assertj.core.api.Assertions.fail;

import dev.jbox.seccomp.Program;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code oci_libseccomp.py} (Debian's python3-seccomp, libseccomp 2.5.4): libseccomp's
 * program for a Docker/OCI profile, built the way moby + runc build it.
 */
final class OciLibseccomp {
    private OciLibseccomp() {
    }

    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static Path script;

    /** Where the upstream profiles live: ../shared/data/profiles relative to the repository root. */
    static Optional<Path> sharedProfiles() {
        Path p = Path.of("").toAbsolutePath().resolve("../shared/data/profiles").normalize();
        return Files.isRegularFile(p.resolve("docker-default.json")) ? Optional.of(p) : Optional.empty();
    }

    /** MAJOR.MINOR of the running kernel, as moby compares minKernel. */
    static String kernel() {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(System.getProperty("os.version"));
        if (!m.find()) {
            throw new IllegalStateException("cannot read the kernel release from os.version");
        }
        return m.group(1) + "." + m.group(2);
    }

    static synchronized Path script() throws IOException {
        if (script == null) {
            if (!Files.isExecutable(PYTHON)) {
                fail(PYTHON + " is missing: run scripts/test, which installs python3 and python3-seccomp");
            }
            Path dir = Files.createTempDirectory("jbox-oci-libseccomp");
            dir.toFile().deleteOnExit();
            Path s = dir.resolve("oci_libseccomp.py");
            try (InputStream in = OciLibseccomp.class.getResourceAsStream("oci_libseccomp.py")) {
                Files.copy(in, s);
            }
            s.toFile().deleteOnExit();
            script = s;
        }
        return script;
    }

    /** libseccomp's program for the profile (CTL_OPTIMIZE 1 or 2). */
    static Program compile(Path profile, int optimize) throws Exception {
        Path out = Files.createTempFile("jbox-oci", ".bpf");
        try {
            run(List.of(profile.toString(), out.toString(), "--goarch", "amd64", "--kernel", kernel(),
                    "--optimize", Integer.toString(optimize)));
            return Program.fromBytes(Files.readAllBytes(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The numbers of the ABI ("x86_64", "x86", "x32") libseccomp 2.5.4 has no name for. */
    static List<Integer> unknown(String arch, List<Integer> nrs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--probe", arch));
        nrs.forEach(n -> args.add(Integer.toString(n)));
        String out = run(args).strip();
        List<Integer> r = new ArrayList<>();
        for (String s : out.replace("[", "").replace("]", "").split(",")) {
            if (!s.isBlank()) {
                r.add(Integer.parseInt(s.strip()));
            }
        }
        return r;
    }

    static String run(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script().toString()));
        cmd.addAll(args);
        Path err = Files.createTempFile("jbox-oci", ".err");
        Path out = Files.createTempFile("jbox-oci", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("oci_libseccomp.py did not finish within 120 s");
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            if (p.exitValue() == 3) {
                fail("the python3 'seccomp' module (python3-seccomp) is missing: run scripts/test (" + stderr.strip() + ")");
            }
            if (p.exitValue() != 0) {
                fail("oci_libseccomp.py " + String.join(" ", args.subList(0, Math.min(args.size(), 3))) + " exited "
                        + p.exitValue() + ": " + stderr);
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
        }
    }
}
