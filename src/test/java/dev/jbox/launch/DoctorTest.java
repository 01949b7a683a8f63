package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link Doctor} reads from the kernel: whole sysctl values, and whether the root is a
 * mount point (a chroot is not).
 */
class DoctorTest {

    /** The file's bytes as cat(1) reads them (a page per read, from offset 0). */
    private static String cat(Path p) throws IOException, InterruptedException {
        Process c = new ProcessBuilder("cat", p.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(c.waitFor()).as("cat %s", p).isZero();
        return out.trim();
    }

    /** Multi-digit integer sysctls: a read that stops at the first byte would see one digit. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/proc/sys/user/max_user_namespaces", "/proc/sys/kernel/pid_max",
        "/proc/sys/kernel/seccomp/actions_avail", "/proc/sys/fs/file-max"})
    void aSysctlIsReadWhole(String file) throws Exception {
        Path p = Path.of(file);
        String whole = cat(p);
        assertThat(whole).as("%s: a value of more than one character, or the test proves nothing", file)
                .hasSizeGreaterThan(1);
        assertThat(Doctor.read(p)).hasValue(whole);
    }

    @Test
    void aFileThatIsNotThereIsNoValue(@TempDir Path dir) {
        assertThat(Doctor.read(dir.resolve("absent"))).isEmpty();
    }

    @Test
    void thisProcessRunsUnderARootThatIsAMountPoint() {
        assertThat(Doctor.chrooted(Path.of("/proc"))).isFalse();
    }

    /** mountinfo lists the mounts under the caller's root by their path from it: in a chroot none is at "/". */
    @Test
    void aRootWithNoMountAtSlashIsAChroot(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self/mountinfo"), """
                412 410 0:5 / /dev rw,nosuid - devtmpfs udev rw
                415 410 0:22 / /proc rw,relatime - proc proc rw
                418 410 8:1 /usr /usr rw,relatime - ext4 /dev/sda1 rw
                """);
        assertThat(Doctor.chrooted(proc)).isTrue();
        Files.writeString(proc.resolve("self/mountinfo"), """
                410 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
                412 410 0:5 / /dev rw,nosuid - devtmpfs udev rw
                """);
        assertThat(Doctor.chrooted(proc)).isFalse();
        // a mount whose *root* field is "/" but that is not at "/" does not count
        Files.writeString(proc.resolve("self/mountinfo"), "412 410 0:5 / /dev rw,nosuid - devtmpfs udev rw\n");
        assertThat(Doctor.chrooted(proc)).isTrue();
    }

    @Test
    void withoutMountinfoNothingIsSaidAboutTheRoot(@TempDir Path proc) {
        assertThat(Doctor.chrooted(proc)).isFalse();
    }
}
