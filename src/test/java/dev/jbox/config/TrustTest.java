package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrustTest {

    @TempDir
    Path dir;

    TrustStore store() {
        return new TrustStore(Optional.of(dir.resolve("state/jbox/trust")));
    }

    ConfigFile project(String toml) throws Exception {
        Path f = dir.resolve("p/jbox.toml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, toml);
        return ConfigFile.discover(Optional.empty(), f.getParent(), Map.of("HOME", dir.toString()));
    }

    @Test
    void aRecordRoundTripsWithAwkwardPaths() throws Exception {
        TrustRecord r = new TrustRecord("/a b/%09\tx\ny/jbox.toml", "0".repeat(64),
                Map.of("/p/a\tb.bpf", "1".repeat(64)), Map.of("/p/link%", "/real\n"));
        assertThat(TrustRecord.parse(r.serialize(), "rec")).isEqualTo(r);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|rec: damaged trust record (not a jbox trust record): trust the file again with jbox trust",
            "jbox-trust 2|rec: damaged trust record (not a jbox trust record): trust the file again with jbox trust",
            "jbox-trust 1\\nfile\\t/x|rec: damaged trust record (file or sha256 missing): trust the file again with jbox trust",
            "jbox-trust 1\\nfile\\t/x\\nsha256\\tabc|rec: damaged trust record (file or sha256 missing): trust the file again with jbox trust",
            "jbox-trust 1\\nwhat\\t/x|rec: damaged trust record (unknown line 'what'): trust the file again with jbox trust",
            "jbox-trust 1\\nfile\\t/x\\textra|rec: damaged trust record (malformed line 'file\t/x\textra'): trust the file again with jbox trust",
    })
    void aDamagedRecordIsRefusedWithOneLine(String text, String message) {
        String t = text.replace("\\n", "\n").replace("\\t", "\t");
        assertThatThrownBy(() -> TrustRecord.parse(t, "rec")).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void anUntrustedProjectFileIsRefusedNamingTheCommand() throws Exception {
        ConfigFile cfg = project("[sandbox]\nshare_net = true\n");
        Path f = cfg.path().orElseThrow();
        assertThat(cfg.origin()).isEqualTo(ConfigFile.Origin.PROJECT);
        assertThatThrownBy(() -> Trust.verify(cfg, store())).hasMessage(f
                + " is not trusted (a project's config can widen the sandbox: binds, network, filter):"
                + " review it and trust it with: jbox trust " + f);
    }

    @Test
    void trustIsExactAndCurrent() throws Exception {
        ConfigFile cfg = project("[sandbox]\nshare_net = true\n");
        store().save(Trust.recordFor(cfg));
        assertThat(Trust.verify(cfg, store()).sha256()).isEqualTo(cfg.sha256());
        ConfigFile changed = project("[sandbox]\nshare_net = true \n");
        assertThatThrownBy(() -> Trust.verify(changed, store())).hasMessageContaining("has changed since you trusted it");
        // trusting the new content replaces the record: the old content is not trusted any more
        store().save(Trust.recordFor(changed));
        assertThatThrownBy(() -> Trust.verify(cfg, store())).hasMessageContaining("has changed since you trusted it");
    }

    @Test
    void aRecordFiledUnderAnotherPathDoesNotCount() throws Exception {
        ConfigFile cfg = project("[sandbox]\n");
        TrustRecord other = new TrustRecord("/elsewhere/jbox.toml", cfg.sha256(), Map.of(), Map.of());
        Path saved = store().save(other);
        // copy it to where cfg's record would be
        store().save(Trust.recordFor(cfg));
        Path mine = store().dir().orElseThrow().resolve(FileBytes.sha256(TrustStore.key(cfg.path().orElseThrow())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Files.copy(saved, mine, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(store().find(cfg.path().orElseThrow())).isEmpty();
    }

    @Test
    void aBindSourceThatLeadsElsewhereIsUntrusted() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        Files.createDirectories(dir.resolve("p"));
        Path link = Files.createSymbolicLink(dir.resolve("p/cache"), a);
        ConfigFile cfg = project("[sandbox]\nbind = [\"cache\"]\n");
        store().save(Trust.recordFor(cfg));
        Trust.verify(cfg, store());
        Files.delete(link);
        Files.createSymbolicLink(link, b);
        assertThatThrownBy(() -> Trust.verify(cfg, store())).hasMessage(cfg.path().orElseThrow() + ": the bind source "
                + link + " now leads to " + b + " (trusted: " + a + "): review it and trust it with: jbox trust "
                + cfg.path().orElseThrow());
    }

    @Test
    void theGateChecksGivenFilesOnlyUnderWritableBinds() throws Exception {
        Path w = Files.createDirectories(dir.resolve("work"));
        Path inside = Files.write(w.resolve("f.bpf"), new byte[8]);
        Path outside = Files.write(dir.resolve("g.bpf"), new byte[8]);
        Trust.Gate gate = new Trust.Gate(store(), Optional.empty(), new Trust.Writable(List.of(w.toRealPath()), List.of()));
        assertThat(gate.readGiven(outside, "--bpf")).hasSize(8);
        assertThatThrownBy(() -> gate.readGiven(inside, "--bpf")).hasMessage(inside + " (--bpf) lies under "
                + w.toRealPath() + ", which the sandbox can write, and is not trusted: review it and trust it with: jbox trust "
                + inside);
        store().save(Trust.recordFor(inside, new byte[8]));
        assertThat(gate.readGiven(inside, "--bpf")).hasSize(8);
        Files.write(inside, new byte[16]);
        assertThatThrownBy(() -> gate.readGiven(inside, "--bpf")).hasMessageContaining("has changed since you trusted it");
    }

    @Test
    void aPathWithSpacesIsQuotedInTheCommand() {
        assertThat(Trust.trustCommand(Path.of("/a b/it's.toml"))).isEqualTo("jbox trust '/a b/it'\\''s.toml'");
        assertThat(Trust.trustCommand(Path.of("/a/jbox.toml"))).isEqualTo("jbox trust /a/jbox.toml");
    }

    @Test
    void userDirsFollowXdgAndIgnoreRelativeValues() {
        UserDirs d = UserDirs.of(Map.of("HOME", "/h", "XDG_CONFIG_HOME", "rel", "XDG_STATE_HOME", "/s"));
        assertThat(d.configDir()).contains(Path.of("/h/.config/jbox"));
        assertThat(d.trustDir()).contains(Path.of("/s/jbox/trust"));
        assertThat(UserDirs.of(Map.of(), Optional::empty).trustDir()).isEmpty();
    }

    @Test
    void tildeMeansHomeFromTheEnvironmentNotAJavaProperty() throws Exception {
        Files.createDirectories(dir.resolve("p"));
        ConfigFile cfg = ConfigFile.discover(Optional.empty(), dir.resolve("p"), Map.of("HOME", "/the/home"));
        assertThat(cfg.origin()).isEqualTo(ConfigFile.Origin.NONE);
        Files.writeString(dir.resolve("p/jbox.toml"), "[sandbox]\nbind = [\"~/x\"]\n");
        ConfigFile withBind = ConfigFile.discover(Optional.empty(), dir.resolve("p"), Map.of("HOME", "/the/home"));
        assertThat(withBind.sandbox().binds().getFirst().src()).isEqualTo("/the/home/x");
    }

    @Test
    void notUtf8IsRefused() throws Exception {
        Path f = Files.write(dir.resolve("jbox.toml"), new byte[] {'#', (byte) 0xff, '\n'});
        assertThatThrownBy(() -> ConfigFile.load(f)).hasMessage(f + ": not valid UTF-8 text");
    }
}
