package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.seccomp.Auditor;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The auditor on libseccomp's programs for real profiles (what it says about them is printed),
 * and on jbox's programs for the same profiles (nothing to say).
 */
class OciAuditTest {

    static Path profile(String name) throws Exception {
        if (name.endsWith("-default.json")) {
            var dir = OciLibseccomp.sharedProfiles();
            Assumptions.assumeTrue(dir.isPresent(), "../shared/data/profiles (upstream data) is not beside the repository");
            return dir.get().resolve(name);
        }
        return OciDifferentialTest.resource(name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"docker-default.json", "podman-default.json", "docker-all-fields.json", "oci-config.json"})
    void libseccompProgramsVersusJbox(String name) throws Exception {
        Path p = profile(name);
        for (int opt : List.of(1, 2)) {
            Program theirs = OciLibseccomp.compile(p, opt);
            List<Auditor.Finding> fs = Auditor.audit(theirs);
            System.out.printf("audit of libseccomp's program for %s (CTL_OPTIMIZE=%d, %d instructions):%n", name, opt,
                    theirs.length());
            fs.forEach(f -> System.out.println("  " + f));
            // libseccomp compares int arguments on 64 bits: where a deny depends on one, it is flagged
            if (name.equals("docker-default.json")) {
                assertThat(fs).anyMatch(f -> f.code() == Auditor.Code.INT_ARG_HIGH_WORD && f.message().startsWith("socket's argument 0"));
            }
            if (name.equals("podman-default.json")) {
                assertThat(fs).anyMatch(f -> f.code() == Auditor.Code.INT_ARG_HIGH_WORD && f.message().startsWith("socket's argument"));
            }
            assertThat(fs).noneMatch(f -> f.code() == Auditor.Code.NO_ARCH_CHECK || f.code() == Auditor.Code.X32
                    || f.code() == Auditor.Code.FOREIGN_ARCH_ALLOWED || f.code() == Auditor.Code.REJECTED);
        }
        Program ours = Compiler.compile(OciProfile.load(p, OciDifferentialTest.host()).policy(), Arch.X86_64);
        assertThat(Auditor.audit(ours)).as("jbox's program for %s", name).isEmpty();
    }
}
