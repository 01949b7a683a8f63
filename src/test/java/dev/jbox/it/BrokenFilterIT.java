package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.seccomp.BrokenPrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The battery must catch a broken compiler. This builds, on purpose, the program a compiler
 * that compares an {@code int} argument on 64 bits would emit for "socket(AF_VSOCK) ->
 * EAFNOSUPPORT" (high word == 0 and low word == 40), hands it to jbox with {@code --bpf},
 * and shows that the live probe {@code socket((1<<32)|AF_VSOCK)} gets a socket through it,
 * while the same probe under jbox's own strict filter is refused. (The x32 counterpart,
 * a program without the x32 guard, cannot be shown live on a kernel built without x32;
 * {@code BrokenCompilerTest} shows the decision tables catch it in the emulator.)
 */
class BrokenFilterIT {

    Path cwd;

    @BeforeEach
    void setUp() throws Exception {
        cwd = Files.createTempDirectory("jbox-broken-it");
    }

    @AfterEach
    void tearDown() throws Exception {
        Jbox.deleteTree(cwd);
    }

    static final List<String> PROBES = List.of("vsock:41:40:1:0", "vsock_hi:41:0x100000028:1:0");

    Map<String, Probe.Answer> probe(List<String> jboxArgs) {
        Jbox.Result r = Jbox.run(jboxArgs, Probe.command(cwd, PROBES), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        return Probe.parse(r.stdout());
    }

    @Test
    void theHighBitsProbeCatchesASixtyFourBitCompare() throws Exception {
        // outside the working directory: under it (bound read-write) it would need trust first
        Path bpf = Files.createTempFile("jbox-broken-", ".bpf");
        bpf.toFile().deleteOnExit();
        Files.write(bpf, BrokenPrograms.sixtyFourBitFamilyCompare().toBytes());
        Map<String, Probe.Answer> broken = probe(List.of("--bpf", bpf.toString()));
        // the plain probe cannot tell: both programs refuse socket(AF_VSOCK)
        assertThat(broken.get("vsock").errno()).isEqualTo("EAFNOSUPPORT");
        // the high-bits probe can: the broken program lets it through
        assertThat(broken.get("vsock_hi").ret()).as("socket((1<<32)|AF_VSOCK) through the broken filter").isNotNegative();
        Map<String, Probe.Answer> real = probe(List.of("--profile", "strict"));
        assertThat(real.get("vsock").errno()).isEqualTo("EAFNOSUPPORT");
        assertThat(real.get("vsock_hi").errno()).isEqualTo("EAFNOSUPPORT");
        System.out.println("broken-compiler check: the high-bits probe got a socket through the 64-bit compare"
                + " (ret " + broken.get("vsock_hi").ret() + ") and EAFNOSUPPORT from jbox's strict filter");
    }
}
