package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What jbox writes on the host replaces a link left at the target, never writes through it. */
class HostFileTest {

    @TempDir
    Path dir;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSymbolicLinkAtTheTargetIsReplaced() throws Exception {
        Path victim = Files.writeString(dir.resolve("bashrc"), "ORIGINAL");
        Path target = Files.createSymbolicLink(dir.resolve("out.toml"), victim);
        HostFile.write(target, bytes("new"));
        assertThat(Files.isSymbolicLink(target)).isFalse();
        assertThat(Files.readString(target)).isEqualTo("new");
        assertThat(Files.readString(victim)).isEqualTo("ORIGINAL");
    }

    @Test
    void aHardLinkAtTheTargetIsReplaced() throws Exception {
        Path victim = Files.writeString(dir.resolve("bashrc"), "ORIGINAL");
        Path target = Files.createLink(dir.resolve("out.json"), victim);
        HostFile.write(target, bytes("new"));
        assertThat(Files.readString(target)).isEqualTo("new");
        assertThat(Files.readString(victim)).isEqualTo("ORIGINAL");
    }

    @Test
    void theDirectoryIsTheOneOpenedFirstEvenIfItIsSwappedForALink() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        try (HostFile f = HostFile.open(work.resolve("learned.toml"))) {
            // what a sandbox could do while the command runs: move the directory away, leave a link
            Files.move(work, dir.resolve("moved"));
            Files.createSymbolicLink(work, elsewhere);
            f.write(bytes("profile"));
        }
        assertThat(dir.resolve("moved/learned.toml")).hasContent("profile");
        assertThat(elsewhere.resolve("learned.toml")).doesNotExist();
    }

    @Test
    void permissionsAreThoseAskedForAndNoTemporaryFileStays() throws Exception {
        Path target = dir.resolve("record");
        try (HostFile f = HostFile.open(target)) {
            f.write(bytes("r"), PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("record");
        }
    }

    @Test
    void aDirectoryAtTheTargetIsAnErrorAndLeavesNothingBehind() throws Exception {
        Path target = Files.createDirectories(dir.resolve("out"));
        Files.writeString(target.resolve("keep"), "k");
        assertThatThrownBy(() -> HostFile.write(target, bytes("x"))).isInstanceOf(java.io.IOException.class);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("out");
        }
        assertThat(target.resolve("keep")).hasContent("k");
    }

    @Test
    void aNameThatIsNoFileIsRefused() {
        assertThatThrownBy(() -> HostFile.open(Path.of(dir + "/."))).hasMessage(dir + "/.: not a file name");
        assertThatThrownBy(() -> HostFile.open(Path.of(dir + "/x/.."))).hasMessage(dir + "/x/..: not a file name");
    }
}
