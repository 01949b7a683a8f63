package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One precedence for every command: command line > JBOX_PROFILE > config file > minimal. */
class FilterChoiceTest {

    static ConfigFile config(SeccompSetting s) {
        SandboxSettings settings = new SandboxSettings(Optional.ofNullable(s), Optional.empty(), List.of(), Map.of(),
                List.of(), false, Optional.empty(), Optional.empty(), List.of());
        return new ConfigFile(Optional.of(Path.of("/p/jbox.toml")), ConfigFile.Origin.PROJECT, "", settings, List.of());
    }

    /** The table's config column: false, /f.bpf, a profile name, or none ("-"). */
    static SeccompSetting setting(String config) {
        return config == null ? null : switch (config) {
            case "false" -> new SeccompSetting.Off();
            case "/f.bpf" -> new SeccompSetting.BpfFile(Path.of("/f.bpf"));
            default -> new SeccompSetting.Named(config);
        };
    }

    @ParameterizedTest(name = "{0} / env {1} / config {2} -> {3} from {4}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "-      | -        | -        | minimal          | default",
            "-      | -        | strict   | strict           | /p/jbox.toml [sandbox] seccomp",
            "-      | -        | false    | none             | /p/jbox.toml [sandbox] seccomp = false",
            "-      | -        | /f.bpf   | /f.bpf           | /p/jbox.toml [sandbox] seccomp",
            "-      | dev      | strict   | dev              | JBOX_PROFILE",
            "-      | none     | strict   | none             | JBOX_PROFILE",
            "-      | /x.bpf   | strict   | /x.bpf           | JBOX_PROFILE",
            "minimal| dev      | strict   | minimal          | --profile",
    })
    void precedence(String option, String env, String config, String name, String from) {
        SeccompSetting s = setting(config);
        FilterChoice c;
        try {
            c = FilterChoice.decide(FilterChoice.Request.profile(option), env == null ? Map.of() : Map.of("JBOX_PROFILE", env),
                    config(s));
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
        assertThat(c.name()).isEqualTo(name);
        assertThat(c.from()).isEqualTo(from);
        assertThat(c.fromConfig()).isEqualTo(from.startsWith("/p/"));
        assertThat(c.describe()).isEqualTo("'" + name + "' (from " + from + ")");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "true|strict|-|-|false|--no-seccomp conflicts with --profile: choose one",
            "false|strict|/a.bpf|-|false|--profile conflicts with --bpf: choose one",
            "false|-|/a.bpf|-|true|--complain needs a profile, not --bpf",
            "true|-|-|-|true|--complain needs a profile, not --no-seccomp",
            "false|strict|-|/a.json|false|--seccomp-profile conflicts with --profile: choose one",
    })
    void conflictsAreOneLine(boolean noSeccomp, String profile, String bpf, String oci, boolean complain, String message) {
        FilterChoice.Request r = new FilterChoice.Request(profile.equals("-") ? null : profile, noSeccomp,
                bpf.equals("-") ? null : Path.of(bpf), oci.equals("-") ? null : Path.of(oci), complain);
        assertThatThrownBy(() -> FilterChoice.decide(r, Map.of(), ConfigFile.NONE)).isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    /** Only a profile or an OCI profile can complain: every other source refuses --complain with one line. */
    @ParameterizedTest(name = "{0} / env {1} / config {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "/abs/x.bpf | -          | -      | --complain needs a profile, not the raw BPF program /abs/x.bpf (from --profile)",
            "none       | -          | -      | --complain needs a profile, not no filter (from --profile)",
            "-          | /abs/x.bpf | -      | --complain needs a profile, not the raw BPF program /abs/x.bpf (from JBOX_PROFILE)",
            "-          | none       | strict | --complain needs a profile, not no filter (from JBOX_PROFILE)",
            "-          | -          | /f.bpf | --complain needs a profile, not the raw BPF program /f.bpf (from /p/jbox.toml [sandbox] seccomp)",
            "-          | -          | false  | --complain needs a profile, not no filter (from /p/jbox.toml [sandbox] seccomp = false)",
    })
    void complainOnASourceThatCannotComplainIsOneLine(String option, String env, String config, String message) {
        FilterChoice.Request r = new FilterChoice.Request(option, false, null, null, true);
        assertThatThrownBy(() -> FilterChoice.decide(r, env == null ? Map.of() : Map.of("JBOX_PROFILE", env),
                config(setting(config))))
                .isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "strict | -       | -",
            "-      | /a.json | -",
            "-      | -       | dev",
    })
    void aProfileOrAnOciProfileComplains(String option, String oci, String env) throws ConfigException {
        FilterChoice.Request r = new FilterChoice.Request(option, false, null, oci == null ? null : Path.of(oci), true);
        FilterChoice c = FilterChoice.decide(r, env == null ? Map.of() : Map.of("JBOX_PROFILE", env), ConfigFile.NONE);
        assertThat(c.complain()).isTrue();
        assertThat(c.source()).isEqualTo(oci != null ? new FilterSource.OciFile(Path.of(oci), true)
                : new FilterSource.Named(option != null ? option : env, true));
        assertThat(c.refusing().complain()).isFalse();
    }
}
