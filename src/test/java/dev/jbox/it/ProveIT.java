package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.launch.Z3;
import dev.jbox.proof.Z3s;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jbox prove} from the packaged jar: proven with z3, and what it and doctor say without it. */
class ProveIT {

    @TempDir
    Path cwd;

    static final Map<String, String> NO_Z3 = Map.of("PATH", "/nonexistent");

    @Test
    void withoutZ3ProveSaysHowToInstallItAndExitsThree() {
        Jbox.Result r = Jbox.raw(List.of("prove", "-p", "strict"), Jbox.Options.in(cwd).withEnv(NO_Z3));
        assertThat(r.exit()).as("%s", r).isEqualTo(3);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderrLines()).containsExactly("jbox: z3, the SMT solver jbox prove runs, is not in PATH: "
                + Z3.INSTALL);
    }

    @Test
    void doctorSaysWhetherProveCanRun() {
        Jbox.Result without = Jbox.raw(List.of("doctor"), Jbox.Options.in(cwd).withEnv(NO_Z3));
        assertThat(without.stdout()).contains("INFO  jbox prove (the z3 SMT solver)\n      z3 is not in PATH\n"
                + "      fix: " + Z3.INSTALL + " to prove filters\n");
        Assumptions.assumeTrue(Z3.locate(System.getenv()).isPresent(), Z3s.NOT_RUN);
        Jbox.Result with = Jbox.raw(List.of("doctor"), Jbox.Options.in(cwd));
        assertThat(with.stdout()).containsPattern("OK    jbox prove \\(the z3 SMT solver\\)\n      Z3 version 4\\.");
    }

    @Test
    void theFilterRunWouldApplyIsProven() {
        Assumptions.assumeTrue(Z3.locate(System.getenv()).isPresent(), Z3s.NOT_RUN);
        Jbox.Result r = Jbox.raw(List.of("prove"), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines().getFirst()).isEqualTo("proven: 'minimal' (from default) decides as its profile for"
                + " every input (nr, arch, instruction pointer, six 64-bit arguments)");
        assertThat(r.stdoutLines()).anySatisfy(l -> assertThat(l).matches("  x86_64 \\(\\+i386\\): \\d+ instructions,"
                + " proven in \\d+ ms"));
    }
}
