package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** jbox's notices: each said once (remembered in the state directory, written safely), none when quiet. */
class NoticesTest {

    @TempDir
    Path state;

    static final String CWD = "the working directory /home/u is your home directory: it stays read-only inside";
    static final String OTHER = "the working directory / is the host's root directory: it stays read-only inside";

    @Test
    void eachNoticeIsSaidOnce() {
        assertThat(Notices.toSay(List.of(CWD), false, Optional.of(state))).containsExactly(CWD);
        assertThat(Notices.toSay(List.of(CWD), false, Optional.of(state))).isEmpty();
        // another directory's notice is another notice
        assertThat(Notices.toSay(List.of(CWD, OTHER), false, Optional.of(state))).containsExactly(OTHER);
        assertThat(state.resolve(Notices.FILE)).hasContent(CWD + "\n" + OTHER + "\n");
    }

    @Test
    void quietSaysNothingAndRemembersNothing() {
        assertThat(Notices.toSay(List.of(CWD), true, Optional.of(state))).isEmpty();
        assertThat(state.resolve(Notices.FILE)).doesNotExist();
        assertThat(Notices.toSay(List.of(CWD), false, Optional.of(state))).containsExactly(CWD);
    }

    @ParameterizedTest(name = "-q {0}, JBOX_QUIET={1}: {2}")
    @CsvSource({"false,,false", "false,0,false", "false,1,true", "false,yes,true", "true,,true", "true,0,true"})
    void quietIsTheOptionOrJboxQuiet(boolean option, String env, boolean quiet) {
        assertThat(Notices.quiet(option, env == null ? Map.of() : Map.of("JBOX_QUIET", env))).isEqualTo(quiet);
    }

    @Test
    void withoutAStateDirectoryEveryNoticeIsSaidEveryTime() {
        assertThat(Notices.toSay(List.of(CWD), false, Optional.empty())).containsExactly(CWD);
        assertThat(Notices.toSay(List.of(CWD), false, Optional.empty())).containsExactly(CWD);
    }

    @Test
    void aStateThatCannotBeWrittenSaysTheNoticeAgain() throws IOException {
        Path file = Files.createFile(state.resolve("a-file"));
        Optional<Path> notADirectory = Optional.of(file.resolve("jbox"));
        assertThat(Notices.toSay(List.of(CWD), false, notADirectory)).containsExactly(CWD);
        assertThat(Notices.toSay(List.of(CWD), false, notADirectory)).containsExactly(CWD);
    }

    /** A link where the state is written is replaced, never written through. */
    @Test
    void aLinkInPlaceOfTheFileIsReplacedNotFollowed() throws IOException {
        Path target = Files.writeString(state.resolve("elsewhere"), "precious\n");
        Path dir = Files.createDirectories(state.resolve("jbox"));
        Files.createSymbolicLink(dir.resolve(Notices.FILE), target);
        assertThat(Notices.toSay(List.of(CWD), false, Optional.of(dir))).containsExactly(CWD);
        assertThat(target).hasContent("precious");
        assertThat(Files.isSymbolicLink(dir.resolve(Notices.FILE))).isFalse();
        assertThat(dir.resolve(Notices.FILE)).hasContent(CWD);
        // and what a link pointed to is not taken for notices said
        assertThat(Files.readString(dir.resolve(Notices.FILE))).doesNotContain("precious");
    }

    /** A link in place of the state directory: nothing is written through it. */
    @Test
    void aLinkInPlaceOfTheDirectoryIsNotWrittenThrough() throws IOException {
        Path real = Files.createDirectories(state.resolve("real"));
        Path link = Files.createSymbolicLink(state.resolve("jbox"), real);
        assertThat(Notices.toSay(List.of(CWD), false, Optional.of(link))).containsExactly(CWD);
        try (var s = Files.list(real)) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws IOException {
        Notices.toSay(List.of(CWD), false, Optional.of(state));
        try (var s = Files.list(state)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly(Notices.FILE);
        }
        assertThat(Files.getPosixFilePermissions(state.resolve(Notices.FILE), LinkOption.NOFOLLOW_LINKS))
                .as("the user's alone").hasToString("[OWNER_READ, OWNER_WRITE]");
    }

    @Test
    void aPathWithALineBreakIsOneNotice() {
        String odd = "the working directory /tmp/a\nb\\c holds jbox itself: it stays read-only inside";
        assertThat(Notices.unescape(Notices.escape(odd))).isEqualTo(odd);
        assertThat(Notices.toSay(List.of(odd), false, Optional.of(state))).containsExactly(odd);
        assertThat(Notices.toSay(List.of(odd), false, Optional.of(state))).isEmpty();
    }

    @Test
    void onlyTheNewestAreKept() throws IOException {
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= Notices.KEEP; i++) {
            many.add("notice " + i);
        }
        assertThat(Notices.toSay(many, false, Optional.of(state))).hasSize(Notices.KEEP + 1);
        assertThat(Files.readAllLines(state.resolve(Notices.FILE))).hasSize(Notices.KEEP).first().isEqualTo("notice 1");
    }
}
