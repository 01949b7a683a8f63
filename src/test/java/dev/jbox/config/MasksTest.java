package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** masks.tsv: the credential places every sandbox masks, each with its reason and the name that lifts it. */
class MasksTest {

    @Test
    void theIssuesPlacesAreAllThereEachWithAReason() {
        Masks m = Masks.builtin();
        assertThat(m.places()).extracting(Masks.Place::path).contains("~/.ssh", "~/.gnupg", "~/.aws", "~/.azure",
                "~/.config/gcloud", "~/.kube", "~/.docker/config.json", "~/.netrc", "~/.git-credentials", "~/.pypirc",
                "~/.local/share/keyrings", "~/.password-store", "~/.mozilla", "~/.config/google-chrome",
                "~/.bash_history", "~/.zsh_history", "/etc/shadow");
        assertThat(m.places()).allSatisfy(p -> assertThat(p.reason()).as(p.path()).hasSizeGreaterThan(10));
        assertThat(m.named("history")).hasSizeGreaterThan(3);
    }

    @Test
    void homePlacesResolveAgainstTheHomeDirectory() {
        Masks.Place ssh = Masks.builtin().named("ssh").getFirst();
        assertThat(ssh.resolve(Optional.of(Path.of("/home/u")))).contains(Path.of("/home/u/.ssh"));
        assertThat(ssh.resolve(Optional.empty())).isEmpty();
        assertThat(Masks.builtin().named("shadow").getFirst().resolve(Optional.empty())).contains(Path.of("/etc/shadow"));
    }

    @Test
    void anUnknownNameIsRefusedWithTheNearestOnes() {
        assertThatThrownBy(() -> Masks.builtin().check(List.of("ssh", "histroy"), "--unmask"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--unmask: no mask is called 'histroy' (did you mean history?); the masks: ssh,");
    }

    @Test
    void aMalformedLineNamesItsLine() {
        assertThatThrownBy(() -> Masks.parse("# c\nssh\t~/.ssh\n")).hasMessage("masks.tsv:2: want name<TAB>path<TAB>reason");
        assertThatThrownBy(() -> Masks.parse("x\trelative\twhy\n"))
                .hasMessage("masks.tsv:1: path must be absolute or start with ~/");
    }
}
