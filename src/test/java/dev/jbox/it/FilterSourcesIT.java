package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CLI side of one session for every command (the session side is {@code SessionTest}):
 * for every kind of filter source, {@code run --dry-run} (the hash of what it seals),
 * {@code compile}, {@code disasm --json} and {@code explain --json} show the same program
 * ({@code check} runs it where the source is one of its own options), and {@code run},
 * {@code compile}, {@code check}, {@code disasm} and {@code config} give the same refusal with
 * the same message when {@code run} would refuse.
 */
class FilterSourcesIT {

    static final String MINE = "[profiles.mine]\nextends = \"strict\"\nallow = [\"ptrace\"]\n";

    Jbox.World w;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        w = Jbox.World.create("jbox-sources-it");
        outside = Files.createDirectories(w.base().resolve("outside"));
    }

    @AfterEach
    void tearDown() throws Exception {
        Jbox.deleteTree(w.base());
    }

    enum Source {
        PRESET, USER_PROFILE, PROJECT_PROFILE, PROJECT_PROFILE_UNTRUSTED, CONFIG_OPTION, BPF_OPTION,
        BPF_OPTION_UNDER_CWD, SECCOMP_PROFILE, JBOX_PROFILE_NAME, JBOX_PROFILE_PATH, USER_CONFIG_BPF_UNDER_CWD,
        SECCOMP_FALSE
    }

    Jbox.Result jbox(List<String> args) {
        return Jbox.raw(args, w.in(w.project()));
    }

    Path userConfig(String toml) throws Exception {
        Path f = Files.createDirectories(w.home().resolve(".config/jbox")).resolve("config.toml");
        return Files.writeString(f, toml);
    }

    /** The options that choose the source (the environment and the files are set up too). */
    List<String> setUp(Source s) throws Exception {
        return switch (s) {
            case PRESET -> List.of("--profile", "strict");
            case USER_PROFILE -> {
                userConfig("[sandbox]\nseccomp = \"mine\"\n" + MINE);
                yield List.of();
            }
            case PROJECT_PROFILE, PROJECT_PROFILE_UNTRUSTED -> {
                Files.writeString(w.project().resolve("jbox.toml"), "[sandbox]\nseccomp = \"mine\"\n" + MINE);
                if (s == Source.PROJECT_PROFILE) {
                    assertThat(jbox(List.of("trust")).exit()).isZero();
                }
                yield List.of();
            }
            case CONFIG_OPTION -> List.of("--config",
                    Files.writeString(outside.resolve("x.toml"), "[sandbox]\nseccomp = \"mine\"\n" + MINE).toString());
            case BPF_OPTION -> List.of("--bpf", Files.write(outside.resolve("f.bpf"), TrustIT.ALLOW_ALL).toString());
            case BPF_OPTION_UNDER_CWD -> List.of("--bpf",
                    Files.write(w.project().resolve("f.bpf"), TrustIT.ALLOW_ALL).toString());
            case SECCOMP_PROFILE -> List.of("--seccomp-profile", Files.writeString(outside.resolve("docker.json"),
                    "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"ptrace\"],"
                            + " \"action\": \"SCMP_ACT_ERRNO\"}]}").toString());
            case JBOX_PROFILE_NAME -> {
                w.env().put("JBOX_PROFILE", "dev");
                yield List.of();
            }
            case JBOX_PROFILE_PATH -> {
                w.env().put("JBOX_PROFILE", Files.write(outside.resolve("f.bpf"), TrustIT.ALLOW_ALL).toString());
                yield List.of();
            }
            case USER_CONFIG_BPF_UNDER_CWD -> {
                Path bpf = Files.write(w.project().resolve("f.bpf"), TrustIT.ALLOW_ALL);
                userConfig("[sandbox]\nseccomp = \"" + bpf + "\"\n");
                yield List.of();
            }
            case SECCOMP_FALSE -> {
                userConfig("[sandbox]\nseccomp = false\n");
                yield List.of();
            }
        };
    }

    static List<String> with(String command, List<String> options, String... more) {
        List<String> out = new ArrayList<>();
        out.add(command);
        out.addAll(options);
        out.addAll(List.of(more));
        return out;
    }

    static final Pattern SEALED = Pattern.compile("instructions, sha256 ([0-9a-f]{64})");
    static final Pattern NOTE = Pattern.compile("(?m)^jbox: note: (.*); 'jbox run' refuses it until then:"
            + " shown here as it would apply$");

    @ParameterizedTest(name = "{0}")
    @EnumSource(Source.class)
    void everyCommandShowsTheProgramRunApplies(Source source) throws Exception {
        List<String> options = setUp(source);
        // --bpf and --seccomp-profile are options of run, config and check only: the others answer for the rest
        boolean fileOption = options.contains("--bpf") || options.contains("--seccomp-profile");
        Jbox.Result run = jbox(with("run", options, "--dry-run", "--", "true"));
        Jbox.Result config = jbox(with("config", options, "--json"));
        Jbox.Result check = jbox(with("check", options, "--json", "ptrace"));
        Path compiled = w.base().resolve("compiled.bpf");
        if (run.exit() == 125) {
            // run refuses: every command says so with run's very message
            assertThat(run.stderrLines()).as("%s", run).hasSize(1);
            String message = run.stderrLines().getFirst();
            assertThat(message).startsWith("jbox: ").endsWith("; nothing was run");
            message = message.substring("jbox: ".length(), message.length() - "; nothing was run".length());
            assertThat(config.stdout()).as("config").contains("\"trusted\":false,\"untrusted_reason\":\""
                    + message.replace("\\", "\\\\").replace("\"", "\\\""));
            Matcher note = NOTE.matcher(check.stderr());
            assertThat(note.find()).as("check: %s", check).isTrue();
            assertThat(note.group(1)).isEqualTo(message);
            if (!fileOption) {
                Jbox.Result compile = jbox(with("compile", options, "-o", compiled.toString()));
                assertThat(compile.exit()).as("%s", compile).isEqualTo(2);
                assertThat(compile.stderr()).isEqualTo("jbox: " + message
                        + " (jbox run refuses it, and so does this command)\n");
                Jbox.Result disasm = jbox(with("disasm", options, "--json"));
                note = NOTE.matcher(disasm.stderr());
                assertThat(note.find()).as("disasm: %s", disasm).isTrue();
                assertThat(note.group(1)).isEqualTo(message);
            }
            return;
        }
        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(config.stdout()).as("config").contains("\"trusted\":true");
        Matcher sealed = SEALED.matcher(run.stdout());
        if (!sealed.find()) {
            // no filter: nothing to compile or show
            assertThat(run.stdout()).doesNotContain("--seccomp");
            assertThat(config.stdout()).contains("\"seccomp\":\"none\"");
            Jbox.Result compile = jbox(with("compile", options, "-o", compiled.toString()));
            assertThat(compile.exit()).isEqualTo(2);
            assertThat(compile.stderr()).startsWith("jbox: no seccomp filter here: 'none'");
            return;
        }
        String sha = sealed.group(1);
        assertThat(check.exit()).as("%s", check).isZero();
        if (fileOption) {
            // the file is the program (--bpf), or its rules refuse ptrace (the OCI profile): check runs it
            if (options.contains("--bpf")) {
                assertThat(sha256(Files.readAllBytes(Path.of(options.get(1))))).isEqualTo(sha);
            }
            assertThat(check.stdout()).contains(options.contains("--bpf") ? "\"action\":\"allow\""
                    : "\"action\":\"errno(EPERM)\"");
            return;
        }
        Jbox.Result compile = jbox(with("compile", options, "-o", compiled.toString()));
        assertThat(compile.exit()).as("%s", compile).isZero();
        assertThat(sha256(Files.readAllBytes(compiled))).as("compile").isEqualTo(sha);
        Jbox.Result disasm = jbox(with("disasm", options, "--json"));
        assertThat(disasm.exit()).as("%s", disasm).isZero();
        assertThat(sha256(bytes(disasm.stdout()))).as("disasm --json").isEqualTo(sha);
        Jbox.Result explain = jbox(with("explain", options, "--json"));
        if (explain.exit() == 0) {
            assertThat(explain.stdout()).as("explain").contains("\"instructions\":" + bytes(disasm.stdout()).length / 8
                    + ",");
        } else {
            assertThat(explain.stderr()).as("a raw program has no rules to explain").contains("which has no rules to show");
        }
    }

    @Test
    void complainOnARawProgramFromJboxProfileIsOneLine() throws Exception {
        Path bpf = Files.write(outside.resolve("f.bpf"), TrustIT.ALLOW_ALL);
        w.env().put("JBOX_PROFILE", bpf.toString());
        Jbox.Result r = jbox(List.of("run", "--complain", "--dry-run", "--", "true"));
        assertThat(r.exit()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jbox: --complain needs a profile, not the raw BPF program " + bpf
                + " (from JBOX_PROFILE); nothing was run\n");
        Jbox.Result option = jbox(List.of("run", "--profile", bpf.toString(), "--complain", "--dry-run", "--", "true"));
        assertThat(option.stderr()).isEqualTo("jbox: --complain needs a profile, not the raw BPF program " + bpf
                + " (from --profile); nothing was run\n");
    }

    /** The program disasm --json lists, as raw little-endian struct sock_filter bytes. */
    static byte[] bytes(String json) {
        Matcher m = Pattern.compile("\\[(\\d+),(\\d+),(\\d+),(\\d+)\\]").matcher(json);
        ByteBuffer b = ByteBuffer.allocate(json.length()).order(ByteOrder.LITTLE_ENDIAN);
        while (m.find()) {
            b.putShort((short) Integer.parseInt(m.group(1))).put((byte) Integer.parseInt(m.group(2)))
                    .put((byte) Integer.parseInt(m.group(3))).putInt((int) Long.parseLong(m.group(4)));
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

}
