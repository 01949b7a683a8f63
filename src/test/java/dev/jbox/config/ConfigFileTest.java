package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jbox.arch.Arch;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Reference;
import dev.jbox.seccomp.Compiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigFileTest {

    static final Path F = Path.of("/etc/jbox-test/jbox.toml");

    static ConfigFile parse(String toml) throws ConfigException {
        return ConfigFile.parse(toml, F);
    }

    static Policy resolve(String toml, String profile) throws ConfigException {
        return parse(toml).allProfiles().resolve(profile);
    }

    static Action verdict(Policy p, String syscall, long... args) {
        long[] a = new long[6];
        System.arraycopy(args, 0, a, 0, args.length);
        int nr = Arch.X86_64.syscalls().number(syscall).orElseThrow();
        return Reference.decide(p, Arch.X86_64, Arch.X86_64.auditArch(), nr, a).action();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
        unknown top key             # [sandboxx]\\nseccomp = true                     # /etc/jbox-test/jbox.toml: unknown key 'sandboxx' (did you mean sandbox?)
        unknown sandbox key         # [sandbox]\\nsecomp = true                      # /etc/jbox-test/jbox.toml: [sandbox]: unknown key 'secomp' (did you mean seccomp?)
        seccomp wrong type          # [sandbox]\\nseccomp = 3                        # /etc/jbox-test/jbox.toml: [sandbox]: seccomp must be true, false, a profile name or a path to a .bpf file
        share_net wrong type        # [sandbox]\\nshare_net = "yes"                  # /etc/jbox-test/jbox.toml: [sandbox]: share_net must be true or false
        relative chdir              # [sandbox]\\nchdir = "src"                      # /etc/jbox-test/jbox.toml: [sandbox]: chdir must be an absolute path inside the sandbox
        bind dest relative          # [sandbox]\\nbind = [{ src = "/a", dest = "b" }] # /etc/jbox-test/jbox.toml: [sandbox]: bind dest must be an absolute path: b
        bind unknown key            # [sandbox]\\nbind = [{ src = "/a", dst = "/b" }] # /etc/jbox-test/jbox.toml: [sandbox]: bind: unknown key 'dst' (did you mean dest?)
        unknown profile key         # [profiles.p]\\nextend = "strict"                # /etc/jbox-test/jbox.toml: profile 'p': unknown key 'extend' (did you mean extends?)
        unknown rule key            # [[profiles.p.rules]]\\nsyscall = "ptrace"\\nerrrno = "EPERM" # /etc/jbox-test/jbox.toml: profile 'p', rule 1: unknown key 'errrno' (did you mean errno?)
        unknown arg key             # [[profiles.p.rules]]\\nsyscall = "socket"\\nargs = [{ arg = 0, op = "eq", vaue = 1 }] # /etc/jbox-test/jbox.toml: profile 'p', rule 1, args[1]: unknown key 'vaue' (did you mean value?)
        unknown errno               # [profiles.p]\\ndefault_errno = "EPREM"           # /etc/jbox-test/jbox.toml: profile 'p': default_errno: unknown errno 'EPREM' (did you mean EPERM?)
        unknown action              # [[profiles.p.rules]]\\nsyscall = "ptrace"\\naction = "deny" # /etc/jbox-test/jbox.toml: profile 'p', rule 1: action: unknown action 'deny'; actions are allow, errno, kill, kill-process, kill-thread, trap, log, trace
        unknown op                  # [[profiles.p.rules]]\\nsyscall = "socket"\\nargs = [{ arg = 0, op = "eqq", value = 1 }] # /etc/jbox-test/jbox.toml: profile 'p', rule 1, args[1]: unknown op 'eqq' (did you mean eq?); ops are eq, ne, lt, le, gt, ge, masked_eq
        arg out of range            # [[profiles.p.rules]]\\nsyscall = "socket"\\nargs = [{ arg = 6, op = "eq", value = 1 }] # /etc/jbox-test/jbox.toml: profile 'p', rule 1, args[1]: arg: 6 is outside 0..5
        unknown constant            # [[profiles.p.rules]]\\nsyscall = "socket"\\nargs = [{ arg = 0, op = "eq", value = "AF_VSCOK" }] # /etc/jbox-test/jbox.toml: profile 'p', rule 1, args[1]: value: 'AF_VSCOK' is not a number or a known constant (did you mean AF_VSOCK?)
        masked_eq without mask      # [[profiles.p.rules]]\\nsyscall = "clone"\\nargs = [{ arg = 0, op = "masked_eq", value = 1 }] # /etc/jbox-test/jbox.toml: profile 'p', rule 1, args[1]: op masked_eq needs a 'mask'
        masked value outside mask   # [[profiles.p.rules]]\\nsyscall = "clone"\\nargs = [{ arg = 0, op = "masked_eq", mask = 1, value = 2 }] # /etc/jbox-test/jbox.toml: profile 'p', rule 1, args[1]: value 0x2 has bits outside mask 0x1, so it can never match
        mask with eq                # [[profiles.p.rules]]\\nsyscall = "clone"\\nargs = [{ arg = 0, op = "eq", mask = 1, value = 1 }] # /etc/jbox-test/jbox.toml: profile 'p', rule 1, args[1]: 'mask' only goes with op = "masked_eq"
        syscall and syscalls        # [[profiles.p.rules]]\\nsyscall = "ptrace"\\nsyscalls = ["bpf"] # /etc/jbox-test/jbox.toml: profile 'p', rule 1: give exactly one of 'syscalls' (a list) or 'syscall' (a name)
        errno with allow            # [[profiles.p.rules]]\\nsyscall = "ptrace"\\naction = "allow"\\nerrno = "EPERM" # /etc/jbox-test/jbox.toml: profile 'p', rule 1: 'errno' only goes with action = "errno", not "allow"
        bad arches                  # [profiles.p]\\narches = "all"                     # /etc/jbox-test/jbox.toml: profile 'p': arches must be "native" or "native+compat", not "all"
        preset name                 # [profiles.strict]\\ndeny = ["bpf"]                 # /etc/jbox-test/jbox.toml: profile 'strict' has the name of a preset; choose another name and use extends = "strict"
        reason not a string         # [[profiles.p.rules]]\\nsyscall = "ptrace"\\nreason = inf # /etc/jbox-test/jbox.toml: profile 'p', rule 1: 'reason' must be a string
        allow not a list            # [profiles.p]\\nallow = "ptrace"                  # /etc/jbox-test/jbox.toml: profile 'p': 'allow' must be a list of syscall names and @groups
        unmask unknown name         # [sandbox]\\nunmask = ["sshh"]                 # /etc/jbox-test/jbox.toml: [sandbox]: unmask: no mask is called 'sshh' (did you mean ssh?); the masks: ssh, gnupg, aws, azure, gcloud, kube, docker, netrc, git-credentials, pypirc, cargo, gem, gh, vault, terraform, keyrings, password-store, browsers, history, shadow, ssh-host-keys, ssl-private
        unmask not a list           # [sandbox]\\nunmask = "ssh"                     # /etc/jbox-test/jbox.toml: [sandbox]: unmask must be a list of strings
        """)
    void badFilesHaveExactMessages(String what, String toml, String message) {
        assertThatThrownBy(() -> parse(toml.replace("\\n", "\n")).allProfiles())
                .isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
        unknown syscall        # [profiles.p]\\ndeny = ["ptrce"]                                   # /etc/jbox-test/jbox.toml: profile 'p': unknown syscall 'ptrce' (did you mean ptrace?)
        unknown group          # [profiles.p]\\ndeny = ["@mout"]                                   # /etc/jbox-test/jbox.toml: profile 'p': unknown group '@mout' (did you mean @mount?)
        unknown parent         # [profiles.p]\\nextends = "stirct"                                 # /etc/jbox-test/jbox.toml: profile 'p' extends: unknown profile 'stirct' (did you mean strict?); known profiles: minimal, strict, dev, nested, p
        extends cycle          # [profiles.a]\\nextends = "b"\\n[profiles.b]\\nextends = "a"     # /etc/jbox-test/jbox.toml: extends cycle: a -> b -> a
        """)
    void badProfilesFailOnResolution(String what, String toml, String message) throws Exception {
        ConfigFile c = parse(toml.replace("\\n", "\n"));
        String name = c.profiles().getFirst().name();
        assertThatThrownBy(() -> c.allProfiles().resolve(name)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void syntaxErrorsNameLineAndColumn() {
        assertThatThrownBy(() -> parse("[sandbox]\nseccomp = \"strict\n"))
                .hasMessageStartingWith("/etc/jbox-test/jbox.toml:2:18: TOML syntax error: ");
        assertThatThrownBy(() -> parse("a = 1\na = 2\n"))
                .hasMessageStartingWith("/etc/jbox-test/jbox.toml:").hasMessageContaining("TOML syntax error");
    }

    @Test
    void childRulesComeFirstSoAllowRelaxesTheParent() throws Exception {
        Policy p = resolve("""
                [profiles.tracer]
                extends = "strict"
                allow = ["ptrace"]
                """, "tracer");
        assertThat(verdict(p, "ptrace")).isEqualTo(Action.ALLOW);
        assertThat(verdict(p, "bpf")).isEqualTo(Action.errno(1));
        assertThat(verdict(p, "socket", 40)).isEqualTo(Action.errno(97));
        assertThat(p.scope()).isEqualTo(ArchScope.NATIVE);
    }

    @Test
    void customRulesErrnosActionsAndDefaults() throws Exception {
        Policy p = resolve("""
                [profiles.mine]
                extends = "minimal"
                default_errno = "EACCES"
                arches = "native"
                deny = ["@swap"]

                [[profiles.mine.rules]]
                syscall = "socket"
                errno = "EAFNOSUPPORT"
                args = [{ arg = 0, op = "eq", value = "AF_PACKET" }]
                reason = "no raw sockets"

                [[profiles.mine.rules]]
                syscalls = ["kill"]
                action = "log"
                args = [{ arg = 1, op = "eq", value = 9 }]
                """, "mine");
        assertThat(verdict(p, "swapon")).isEqualTo(Action.errno(13));     // the child's default errno
        assertThat(verdict(p, "ptrace")).isEqualTo(Action.errno(1));      // the parent's own errno stays
        assertThat(verdict(p, "socket", 17)).isEqualTo(Action.errno(97));
        assertThat(verdict(p, "socket", 2)).isEqualTo(Action.ALLOW);
        assertThat(verdict(p, "kill", 1, 9)).isEqualTo(Action.LOG);
        assertThat(p.rulesFor("socket").getFirst().reason()).isEqualTo("no raw sockets");
        assertThat(p.scope()).isEqualTo(ArchScope.NATIVE);
    }

    /** default_action = "errno" takes the default_errno in effect where it is written, as rules do. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        errno set by the parent, default_action by the child   | default_errno = "EACCES"              | default_action = "errno"                          | 13 | 13
        both set by the parent                                  | default_errno = "EACCES"\\ndefault_action = "errno" |                                  | 13 | 13
        the parent's errno default, the child's default_errno   | default_errno = "EACCES"\\ndefault_action = "errno" | default_errno = "ENOENT"         | 13 | 2
        both set by the child                                   |                                       | default_errno = "ENOENT"\\ndefault_action = "errno" | 2  | 2
        neither sets default_errno                              | deny = ["acct"]                       | default_action = "errno"                          | 1  | 1
        """)
    void defaultErrnoIsInheritedByDefaultActionAndRules(String what, String parent, String child, int defaultErrno,
                                                        int ruleErrno) throws Exception {
        Policy p = resolve("[profiles.base]\n" + (parent == null ? "" : parent.replace("\\n", "\n"))
                + "\n[profiles.child]\nextends = \"base\"\ndeny = [\"swapon\"]\n"
                + (child == null ? "" : child.replace("\\n", "\n")) + "\n", "child");
        assertThat(p.defaultAction()).as("default action").isEqualTo(Action.errno(defaultErrno));
        assertThat(verdict(p, "swapon")).as("the child's deny rule").isEqualTo(Action.errno(ruleErrno));
        assertThat(verdict(p, "getpid")).as("a call no rule names").isEqualTo(Action.errno(defaultErrno));
    }

    @Test
    void presetsTomlMustDefineExactlyThePresets() {
        StringBuilder toml = new StringBuilder();
        for (String name : Profiles.PRESETS) {
            toml.append("[profiles.").append(name).append("]\n");
        }
        assertThatThrownBy(() -> Profiles.presets(toml + "[profiles.extra]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("presets.toml defines " + sorted(Profiles.PRESETS, "extra") + " but jbox's presets are "
                        + String.join(", ", Profiles.PRESETS));
        String withoutLast = toml.substring(0, toml.lastIndexOf("[profiles."));
        assertThatThrownBy(() -> Profiles.presets(withoutLast))
                .isInstanceOf(ConfigException.class)
                .hasMessage("presets.toml defines " + sorted(Profiles.PRESETS.subList(0, Profiles.PRESETS.size() - 1))
                        + " but jbox's presets are " + String.join(", ", Profiles.PRESETS));
    }

    private static String sorted(java.util.List<String> names, String... more) {
        java.util.TreeSet<String> s = new java.util.TreeSet<>(names);
        s.addAll(java.util.List.of(more));
        return String.join(", ", s);
    }

    @Test
    void aNameMissingOnOneArchIsSkippedThereNotAnError() throws Exception {
        Policy p = resolve("""
                [profiles.old]
                deny = ["create_module", "vm86", "open"]
                """, "old");
        // vm86 exists only on i386, open not on aarch64: both compile everywhere
        Compiler.compile(p, Arch.AARCH64);
        Compiler.compile(p, Arch.X86_64);
        assertThat(Compiler.skippedNames(p, Arch.AARCH64)).contains("create_module", "vm86", "open");
        assertThat(verdict(p, "open")).isEqualTo(Action.errno(1));
    }

    @Test
    void sandboxSection(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("jbox.toml");
        Files.writeString(f, """
                [sandbox]
                seccomp = "strict"
                share_net = true
                bind = ["data", { src = "~/src", dest = "/src" }]
                ro_bind = ["/etc/hosts"]
                env = { A = "1" }
                unset_env = ["SECRET"]
                hostname = "box"
                chdir = "/src"
                """);
        ConfigFile c = ConfigFile.load(f);
        SandboxSettings s = c.sandbox();
        assertThat(s.seccomp()).contains(new SeccompSetting.Named("strict"));
        assertThat(s.shareNet()).contains(true);
        String where = f + ": [sandbox]: ";
        assertThat(s.binds()).containsExactly(
                new Bind(dir.resolve("data").toString(), dir.resolve("data").toString(), false, where + "bind = \"data\"", true),
                new Bind(System.getenv("HOME") + "/src", "/src", false, where + "bind { src = \"~/src\" }", true),
                new Bind("/etc/hosts", "/etc/hosts", true, where + "ro_bind = \"/etc/hosts\"", true));
        assertThat(s.setEnv()).isEqualTo(Map.of("A", "1"));
        assertThat(s.unsetEnv()).containsExactly("SECRET");
        assertThat(s.hostname()).contains("box");
        assertThat(s.chdir()).contains("/src");
        Files.writeString(f, "[sandbox]\nseccomp = \"filters/x.bpf\"\n");
        assertThat(ConfigFile.load(f).sandbox().seccomp()).contains(new SeccompSetting.BpfFile(dir.resolve("filters/x.bpf")));
        Files.writeString(f, "[sandbox]\nseccomp = false\n");
        assertThat(ConfigFile.load(f).sandbox().seccomp()).contains(new SeccompSetting.Off());
    }

    @Test
    void discoveryOrder(@TempDir Path dir) throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("project"));
        Path xdg = Files.createDirectories(dir.resolve("xdg/jbox"));
        Files.writeString(xdg.resolve("config.toml"), "[sandbox]\nseccomp = \"dev\"\n");
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.resolve("xdg").toString());
        assertThat(ConfigFile.discover(Optional.empty(), cwd, env).path()).contains(xdg.resolve("config.toml"));
        Files.writeString(cwd.resolve("jbox.toml"), "[sandbox]\nseccomp = \"strict\"\n");
        assertThat(ConfigFile.discover(Optional.empty(), cwd, env).path()).contains(cwd.resolve("jbox.toml"));
        Path explicit = dir.resolve("other.toml");
        Files.writeString(explicit, "");
        assertThat(ConfigFile.discover(Optional.of(explicit), cwd, env).path()).contains(explicit);
        assertThatThrownBy(() -> ConfigFile.discover(Optional.of(dir.resolve("missing.toml")), cwd, env))
                .hasMessage(dir.resolve("missing.toml") + ": no such config file (given with --config)");
        assertThat(ConfigFile.discover(Optional.empty(), dir, Map.of()).path()).isEmpty();
    }

    @Test
    void complainModeLogsEveryDeny() throws Exception {
        Policy p = Profiles.builtin().resolve("strict").complain();
        assertThat(verdict(p, "ptrace")).isEqualTo(Action.LOG);
        assertThat(verdict(p, "socket", 40)).isEqualTo(Action.LOG);
        assertThat(verdict(p, "read")).isEqualTo(Action.ALLOW);
        assertThat(p.rules()).noneMatch(r -> r.action().denies());
    }

    @Test
    void everyPresetAndGroupNameIsARealSyscall() throws Exception {
        for (Groups.Group g : Groups.builtin().all()) {
            for (String m : g.members()) {
                if (!m.startsWith("@")) {
                    assertThat(Arch.allSyscallNames()).as("@" + g.name() + " member").contains(m);
                }
            }
        }
        for (String preset : Profiles.PRESETS) {
            for (var r : Profiles.builtin().resolve(preset).rules()) {
                assertThat(Arch.allSyscallNames()).as(preset + " rule").contains(r.syscall());
                assertThat(r.reason()).as(preset + " " + r.syscall() + " has a reason").isNotEmpty();
            }
            for (String keep : new String[] {"prctl", "seccomp", "execve", "execveat", "wait4", "write", "exit",
                    "exit_group", "rt_sigreturn"}) {
                assertThat(verdict(Profiles.builtin().resolve(preset), keep)).as(preset + " keeps " + keep).isEqualTo(Action.ALLOW);
            }
        }
    }
}
