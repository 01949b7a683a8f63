package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.FileBytes;
import dev.jbox.config.FilterChoice;
import dev.jbox.config.Profiles;
import dev.jbox.config.Trust;
import dev.jbox.config.TrustStore;
import dev.jbox.config.UserDirs;
import dev.jbox.seccomp.CompileException;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Program;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One session for every command: for every kind of filter source, each command's call into
 * {@link Session} comes to exactly the program {@code run} would apply (the same bytes), or to
 * the same refusal with the same message. Nothing is launched: the session stops where the
 * commands print or exec. The CLI-level side of the same table is {@code FilterSourcesIT}.
 */
class SessionTest {

    @TempDir
    Path dir;

    Path home;
    Path project;
    Path outside;
    Map<String, String> env;

    /** RET ALLOW (struct sock_filter, host order): a filter that lets everything through. */
    static final byte[] ALLOW_ALL = {0x06, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f};

    static final String MINE = "[profiles.mine]\nextends = \"strict\"\nallow = [\"ptrace\"]\n";

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createDirectories(dir.resolve("home"));
        project = Files.createDirectories(dir.resolve("project"));
        outside = Files.createDirectories(dir.resolve("outside"));
        env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    /** Every kind of filter source, and the variants the trust rule refuses. */
    enum Source {
        PRESET, USER_PROFILE, PROJECT_PROFILE, PROJECT_PROFILE_UNTRUSTED, CONFIG_OPTION, BPF_OPTION,
        BPF_OPTION_UNDER_CWD, SECCOMP_PROFILE, JBOX_PROFILE_NAME, JBOX_PROFILE_PATH, JBOX_PROFILE_PATH_UNDER_CWD,
        USER_CONFIG_BPF_UNDER_CWD, CONFIG_OPTION_BPF_UNDER_CWD, SECCOMP_FALSE
    }

    /**
     * A source, set up.
     *
     * @param config       {@code --config}
     * @param request      the filter options
     * @param bwrapProfile {@code jbox bwrap}'s {@code --jbox-profile}
     * @param bwrapReads   {@code jbox bwrap} takes this source (else it applies the default)
     * @param options      the source is a command-line option (doctor answers for a launch without options)
     * @param file         the file a user would trust for it
     */
    record Setup(Optional<Path> config, FilterChoice.Request request, Optional<String> bwrapProfile,
                 boolean bwrapReads, boolean options, Optional<Path> file) {
    }

    Path userConfig(String toml) throws Exception {
        Path f = home.resolve(".config/jbox/config.toml");
        Files.createDirectories(f.getParent());
        return Files.writeString(f, toml);
    }

    Path bpf(Path where) throws Exception {
        return Files.write(where.resolve("filter.bpf"), ALLOW_ALL);
    }

    TrustStore store() {
        return TrustStore.of(UserDirs.of(env));
    }

    Setup setUp(Source s) throws Exception {
        FilterChoice.Request none = FilterChoice.Request.profile(null);
        return switch (s) {
            case PRESET -> new Setup(Optional.empty(), FilterChoice.Request.profile("strict"), Optional.of("strict"),
                    true, true, Optional.empty());
            case USER_PROFILE -> new Setup(Optional.empty(), none, Optional.empty(), true, false,
                    Optional.of(userConfig("[sandbox]\nseccomp = \"mine\"\n" + MINE)));
            case PROJECT_PROFILE, PROJECT_PROFILE_UNTRUSTED -> {
                Path f = Files.writeString(project.resolve("jbox.toml"), "[sandbox]\nseccomp = \"mine\"\n" + MINE);
                if (s == Source.PROJECT_PROFILE) {
                    store().save(Trust.recordFor(Session.config(host(), Optional.empty())));
                }
                yield new Setup(Optional.empty(), none, Optional.empty(), false, false, Optional.of(f));
            }
            case CONFIG_OPTION -> {
                Path f = Files.writeString(outside.resolve("x.toml"), "[sandbox]\nseccomp = \"mine\"\n" + MINE);
                yield new Setup(Optional.of(f), none, Optional.empty(), false, true, Optional.of(f));
            }
            case BPF_OPTION, BPF_OPTION_UNDER_CWD -> {
                Path f = bpf(s == Source.BPF_OPTION ? outside : project);
                yield new Setup(Optional.empty(), new FilterChoice.Request(null, false, f, null, false), Optional.empty(),
                        false, true, Optional.of(f));
            }
            case SECCOMP_PROFILE -> {
                Path f = Files.writeString(outside.resolve("docker.json"), "{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                        + " \"syscalls\": [{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
                yield new Setup(Optional.empty(), new FilterChoice.Request(null, false, null, f, false), Optional.empty(),
                        false, true, Optional.of(f));
            }
            case JBOX_PROFILE_NAME -> {
                env.put("JBOX_PROFILE", "dev");
                yield new Setup(Optional.empty(), none, Optional.empty(), true, false, Optional.empty());
            }
            case JBOX_PROFILE_PATH, JBOX_PROFILE_PATH_UNDER_CWD -> {
                Path f = bpf(s == Source.JBOX_PROFILE_PATH ? outside : project);
                env.put("JBOX_PROFILE", f.toString());
                yield new Setup(Optional.empty(), none, Optional.empty(), true, false, Optional.of(f));
            }
            case USER_CONFIG_BPF_UNDER_CWD -> {
                Path f = bpf(project);
                userConfig("[sandbox]\nseccomp = \"" + f + "\"\n");
                yield new Setup(Optional.empty(), none, Optional.empty(), true, false, Optional.of(f));
            }
            case CONFIG_OPTION_BPF_UNDER_CWD -> {
                Path f = bpf(project);
                Path cfg = Files.writeString(outside.resolve("x.toml"), "[sandbox]\nseccomp = \"" + f + "\"\n");
                yield new Setup(Optional.of(cfg), none, Optional.empty(), false, true, Optional.of(f));
            }
            case SECCOMP_FALSE -> new Setup(Optional.empty(), none, Optional.empty(), true, false,
                    Optional.of(userConfig("[sandbox]\nseccomp = false\n")));
        };
    }

    Session.Host host() {
        return new Session.Host(project, env, false);
    }

    /** What a command comes to: a program (its bytes), no filter, or a refusal (its message). */
    sealed interface Outcome {
        record Applies(List<Integer> bytes) implements Outcome {
            static Applies of(Program p) {
                List<Integer> out = new ArrayList<>();
                for (byte b : p.toBytes()) {
                    out.add(b & 0xff);
                }
                return new Applies(out);
            }
        }

        record NoFilter() implements Outcome {
        }

        record Refused(String message) implements Outcome {
        }

        static Outcome of(Optional<Program> p) {
            return p.<Outcome>map(Applies::of).orElse(new NoFilter());
        }
    }

    @FunctionalInterface
    interface Call {
        Outcome get() throws Exception;
    }

    static Outcome outcome(Call c) throws Exception {
        try {
            return c.get();
        } catch (ConfigException | LaunchException | CompileException e) {
            return new Outcome.Refused(e.getMessage());
        }
    }

    /** A review: the refusal it records (the message run exits with), else the program it shows. */
    static Outcome reviewed(Session.Resolved r) {
        return r.untrusted().<Outcome>map(u -> new Outcome.Refused(u.message()))
                .orElseGet(() -> Outcome.of(r.filter().program()));
    }

    Session.Run run(Setup s, Session.Mode mode) {
        return new Session.Run(s.config(), s.request(), List.of(), false, mode, List.of("true"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Source.class)
    void everyCommandComesToTheProgramRunApplies(Source source) throws Exception {
        assumeThat(Path.of("/usr/bin/bwrap")).as("bwrap is installed").exists();
        Setup s = setUp(source);
        Session.Host h = host();
        Outcome run = outcome(() -> Outcome.of(Session.run(h, run(s, Session.Mode.SANDBOX)).resolved().filter().program()));
        assertThat(run).as("run under %s", source).isEqualTo(expectedRun(source));

        // check, explain, compile, disasm, export, config: what run would apply here
        Outcome review = outcome(() -> reviewed(Session.review(h, Session.Run.here(s.config(), s.request()),
                Arch.host())));
        assertThat(review).as("review").isEqualTo(run);

        // run --report: the same program, or a profile is needed
        Outcome report = outcome(() -> Outcome.of(Session.run(h, run(s, Session.Mode.REPORT)).resolved().filter().program()));
        assertThat(report).as("--report").isEqualTo(switch (run) {
            case Outcome.NoFilter n -> new Outcome.Refused("--report needs a profile, and " + from(source) + " chose none");
            case Outcome.Applies a when s.request().bpf() != null || s.file().filter(f -> f.toString().endsWith(".bpf"))
                    .isPresent() -> new Outcome.Refused("--report needs a profile, and " + from(source)
                    + " chose a raw BPF file (" + s.file().orElseThrow() + ")");
            default -> run;
        });

        // run --no-namespaces: no sandbox, so nothing bound read-write and only a project file needs trust
        Outcome direct = outcome(() -> Outcome.of(Session.direct(h, run(s, Session.Mode.NO_NAMESPACES)).resolved()
                .filter().program()));
        assertThat(direct).as("--no-namespaces").isEqualTo(switch (source) {
            case SECCOMP_FALSE -> new Outcome.Refused("--no-namespaces without a seccomp filter would run the command"
                    + " unconfined (no namespaces and no filter): choose a profile");
            case BPF_OPTION_UNDER_CWD, JBOX_PROFILE_PATH_UNDER_CWD, USER_CONFIG_BPF_UNDER_CWD,
                 CONFIG_OPTION_BPF_UNDER_CWD -> Outcome.of(Optional.of(Session.fromBytes(s.file().orElseThrow(),
                    ALLOW_ALL)));
            default -> run;
        });

        // jbox bwrap, with a line that binds the working directory read-write as run does
        if (s.bwrapReads() || !s.options()) {
            Outcome bwrap = outcome(() -> Outcome.of(bwrap(h, new Session.Bwrap(s.bwrapProfile(),
                    List.of("--ro-bind", "/", "/", "--bind", project.toString(), project.toString(), "true")))
                    .resolved().filter().program()));
            assertThat(bwrap).as("bwrap").isEqualTo(s.bwrapReads() ? run : minimal());
        }

        // doctor: what run and bwrap apply here without options
        if (!s.options()) {
            Doctor.Inputs d = Session.doctor(h);
            String refused = "; refused here until trusted: ";
            Outcome doctor = d.run().profile().contains(refused)
                    ? new Outcome.Refused(d.run().profile().substring(d.run().profile().indexOf(refused) + refused.length()))
                    : Outcome.of(d.run().filter());
            assertThat(doctor).as("doctor (run)").isEqualTo(run);
            // doctor's bwrap answer is for a line that binds nothing read-write: the file is then not writable
            Outcome bwrapHere = outcome(() -> Outcome.of(bwrap(h, new Session.Bwrap(Optional.empty(),
                    List.of("--ro-bind", "/", "/", "true"))).resolved().filter().program()));
            assertThat(Outcome.of(d.bwrap().filter())).as("doctor (bwrap)").isEqualTo(bwrapHere);
        }

        // trust: the file's own program, the one run applies once it is trusted
        if (s.file().isPresent() && !(run instanceof Outcome.NoFilter)) {
            Outcome trusted = outcome(() -> Outcome.of(Session.trust(h, s.file()).program()));
            if (run instanceof Outcome.Applies) {
                assertThat(trusted).as("trust").isEqualTo(run);
            } else if (source != Source.PROJECT_PROFILE_UNTRUSTED) {
                assertThat(trusted).as("trust").isEqualTo(Outcome.of(Optional.of(Session.fromBytes(s.file().get(),
                        ALLOW_ALL))));
            }
        }
    }

    /** Where the choice came from, as messages say it. */
    String from(Source s) {
        return switch (s) {
            case SECCOMP_FALSE -> home.resolve(".config/jbox/config.toml") + " [sandbox] seccomp = false";
            case BPF_OPTION, BPF_OPTION_UNDER_CWD -> "--bpf";
            case JBOX_PROFILE_PATH, JBOX_PROFILE_PATH_UNDER_CWD -> "JBOX_PROFILE";
            case USER_CONFIG_BPF_UNDER_CWD -> home.resolve(".config/jbox/config.toml") + " [sandbox] seccomp";
            case CONFIG_OPTION_BPF_UNDER_CWD -> outside.resolve("x.toml") + " [sandbox] seccomp";
            default -> throw new AssertionError(s);
        };
    }

    static Outcome minimal() throws Exception {
        return Outcome.of(Optional.of(Compiler.compile(Profiles.builtin().resolve("minimal"), Arch.host())));
    }

    /** What run comes to, written out: the program of the source, or the trust rule's refusal. */
    Outcome expectedRun(Source s) throws Exception {
        Path bpf = project.resolve("filter.bpf");
        String again = ": review it and trust it with: jbox trust ";
        String under = " lies under " + project.toRealPath() + ", which the sandbox can write, and is not trusted" + again;
        return switch (s) {
            case PRESET -> compiled("strict");
            case JBOX_PROFILE_NAME -> compiled("dev");
            case USER_PROFILE, PROJECT_PROFILE, CONFIG_OPTION -> Outcome.of(Optional.of(Compiler.compile(
                    Session.config(host(), s == Source.CONFIG_OPTION ? Optional.of(outside.resolve("x.toml"))
                            : Optional.empty()).allProfiles().resolve("mine"), Arch.host())));
            case PROJECT_PROFILE_UNTRUSTED -> new Outcome.Refused(project.resolve("jbox.toml") + " is not trusted (a"
                    + " project's config can widen the sandbox: binds, network, filter)" + again
                    + project.resolve("jbox.toml"));
            case BPF_OPTION, JBOX_PROFILE_PATH -> Outcome.of(Optional.of(Session.fromBytes(bpf, ALLOW_ALL)));
            case SECCOMP_PROFILE -> Outcome.of(Optional.of(Compiler.compile(dev.jbox.config.OciProfile.fromBytes(
                    outside.resolve("docker.json"), FileBytes.read(outside.resolve("docker.json")),
                    dev.jbox.config.OciProfile.Host.current()).policy(), Arch.host())));
            case BPF_OPTION_UNDER_CWD -> new Outcome.Refused(bpf + " (--bpf)" + under + bpf);
            case JBOX_PROFILE_PATH_UNDER_CWD -> new Outcome.Refused(bpf + " (JBOX_PROFILE)" + under + bpf);
            case USER_CONFIG_BPF_UNDER_CWD, CONFIG_OPTION_BPF_UNDER_CWD -> new Outcome.Refused(bpf + " (" + from(s)
                    + ")" + under + bpf);
            case SECCOMP_FALSE -> new Outcome.NoFilter();
        };
    }

    static Outcome compiled(String preset) throws Exception {
        return Outcome.of(Optional.of(Compiler.compile(Profiles.builtin().resolve(preset), Arch.host())));
    }

    /** {@code jbox bwrap} with {@code b}'s line, as a caller with an empty environment hands it over. */
    private static Session.Passed bwrap(Session.Host h, Session.Bwrap b) throws Exception {
        return Session.bwrap(h, b, new Caller(b.args(), List.of(), Optional.empty()));
    }
}
