package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jbox.arch.Arch;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Op;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The translation of Docker/OCI profiles into jbox's model, and every bad input's one-line message. */
class OciProfileTest {

    static final OciProfile.Host HOST = new OciProfile.Host(Arch.X86_64, "6.1.0-18-amd64", Set.of());

    static Policy load(String json) throws ConfigException {
        return OciProfile.parse(json, "p.json", HOST).policy();
    }

    @Test
    void defaultsAndActions() throws Exception {
        Policy p = load("""
                {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
                  {"names": ["a1"], "action": "SCMP_ACT_KILL"},
                  {"names": ["read"], "action": "SCMP_ACT_ALLOW"},
                  {"names": ["write"], "action": "SCMP_ACT_TRACE"},
                  {"names": ["open"], "action": "SCMP_ACT_KILL_PROCESS"},
                  {"names": ["close"], "action": "SCMP_ACT_LOG"},
                  {"names": ["dup"], "action": "SCMP_ACT_TRAP"},
                  {"names": ["dup2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}""");
        assertThat(p.defaultAction()).isEqualTo(Action.errno(1)); // runc: EPERM without errnoRet
        assertThat(p.scope()).isEqualTo(ArchScope.NATIVE);
        assertThat(p.badArchAction()).isEqualTo(Action.KILL_THREAD);
        assertThat(p.rules()).extracting(Rule::syscall, Rule::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a1", Action.KILL_THREAD),
                org.assertj.core.groups.Tuple.tuple("read", Action.ALLOW),
                org.assertj.core.groups.Tuple.tuple("write", new Action.Trace(1)),
                org.assertj.core.groups.Tuple.tuple("open", Action.KILL_PROCESS),
                org.assertj.core.groups.Tuple.tuple("close", Action.LOG),
                org.assertj.core.groups.Tuple.tuple("dup", Action.TRAP),
                org.assertj.core.groups.Tuple.tuple("dup2", Action.errno(38)));
    }

    @Test
    void operatorsAndMaskedEqLikeLibseccomp() throws Exception {
        Policy p = load("""
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mmap"], "action": "SCMP_ACT_ERRNO", "args": [
                  {"index": 0, "value": 1, "op": "SCMP_CMP_NE"}, {"index": 1, "value": 2, "op": "SCMP_CMP_LT"},
                  {"index": 2, "value": 3, "op": "SCMP_CMP_LE"}, {"index": 3, "value": 4, "op": "SCMP_CMP_GE"},
                  {"index": 4, "value": 5, "op": "SCMP_CMP_GT"},
                  {"index": 5, "value": 12, "valueTwo": 13, "op": "SCMP_CMP_MASKED_EQ"}]}]}""");
        assertThat(p.rules().getFirst().conditions()).containsExactly(Condition.of(0, Op.NE, 1),
                Condition.of(1, Op.LT, 2), Condition.of(2, Op.LE, 3), Condition.of(3, Op.GE, 4),
                Condition.of(4, Op.GT, 5), Condition.masked(5, 12, 12)); // datum & mask, as libseccomp
    }

    @Test
    void conditionsOnOneArgumentAreOredLikeRunc() throws Exception {
        Policy p = load("""
                {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                  "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}""");
        assertThat(p.rules()).hasSize(2);
        assertThat(p.rules()).allMatch(r -> r.conditions().size() == 1);
    }

    @Test
    void firstUnconditionalEntryWinsAndDefaultActionEntriesAreSkipped() throws Exception {
        Policy p = load("""
                {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [
                  {"names": ["prctl"], "action": "SCMP_ACT_KILL", "args": [{"index": 0, "value": 22, "op": "SCMP_CMP_EQ"}]},
                  {"names": ["prctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
                  {"names": ["prctl"], "action": "SCMP_ACT_ALLOW"},
                  {"names": ["prctl"], "action": "SCMP_ACT_TRAP"}]}""");
        assertThat(p.rules()).containsExactly(new Rule("prctl", Action.ALLOW, List.of(), "", "p.json:4 syscalls[2]"));
    }

    @Test
    void overlappingAlternativesMostRestrictiveFirst() throws Exception {
        Policy p = load("""
                {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
                  {"names": ["kill"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]},
                  {"names": ["kill"], "action": "SCMP_ACT_KILL_PROCESS", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]}""");
        assertThat(p.rules()).extracting(Rule::action).containsExactly(Action.KILL_PROCESS, Action.ALLOW);
    }

    @Test
    void includesAndExcludesForACapabilityLessSandbox() throws Exception {
        Policy p = load("""
                {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
                  {"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
                  {"names": ["b"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
                  {"names": ["c"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm64"]}},
                  {"names": ["d"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"]}},
                  {"names": ["e"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["amd64"]}},
                  {"names": ["f"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "6.1"}},
                  {"names": ["g"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "6.2"}},
                  {"names": ["h"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "5.10"}},
                  {"names": ["i"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "7.0"}}]}""".replace("\"a\"", "\"read\"")
                .replace("\"b\"", "\"write\"").replace("\"c\"", "\"open\"").replace("\"d\"", "\"close\"")
                .replace("\"e\"", "\"stat\"").replace("\"f\"", "\"fstat\"").replace("\"g\"", "\"lstat\"")
                .replace("\"h\"", "\"poll\"").replace("\"i\"", "\"lseek\""));
        assertThat(p.rules()).extracting(Rule::syscall).containsExactly("write", "close", "fstat", "lseek");
    }

    @Test
    void archMapAndArchitectures() throws Exception {
        String map = """
                {"defaultAction": "SCMP_ACT_ALLOW", "archMap": [
                  {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
                  {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": %s}]}""";
        assertThat(load(map.formatted("[\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]")).scope()).isEqualTo(ArchScope.NATIVE_COMPAT);
        assertThat(load(map.formatted("[\"SCMP_ARCH_X32\"]")).scope()).isEqualTo(ArchScope.NATIVE);
        assertThat(load(map.formatted("null")).scope()).isEqualTo(ArchScope.NATIVE);
        assertThat(load("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86\"]}").scope())
                .isEqualTo(ArchScope.NATIVE_COMPAT);
        var arm = new OciProfile.Host(Arch.AARCH64, "6.1", Set.of());
        assertThat(OciProfile.parse(map.formatted("[]"), "p.json", arm).policy().scope()).isEqualTo(ArchScope.NATIVE_COMPAT);
    }

    @Test
    void namesUnknownEverywhereWarnOthersAreSilent() throws Exception {
        var l = OciProfile.parse("""
                {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["s390_runtime_instr", "sockett"],
                 "action": "SCMP_ACT_ALLOW"}]}""", "p.json", HOST);
        assertThat(l.warnings()).containsExactly("p.json:1:83: syscalls[0].names[1]: 'sockett' is not a system call on"
                + " any Linux architecture (did you mean socket?); skipped");
    }

    @Test
    void ociConfigJsonIsReadThroughLinuxSeccomp() throws Exception {
        Policy p = load("{\"ociVersion\": \"1.0.2\", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_LOG\"}}}");
        assertThat(p.defaultAction()).isEqualTo(Action.LOG);
    }

    static Stream<Arguments> badProfiles() {
        return Stream.of(
                Arguments.of("", "p.json:1:1: malformed JSON: the file is empty; expected a JSON object"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\",}",
                        "p.json:1:36: malformed JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start field name"),
                Arguments.of("[1]", "p.json:1:1: the profile: expected an object, got an array"),
                Arguments.of("{}", "p.json:1:1: defaultAction: missing: say what happens to other calls, e.g. \"defaultAction\": \"SCMP_ACT_ERRNO\""),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALOW\"}",
                        "p.json:1:19: defaultAction: unknown action 'SCMP_ACT_ALOW' (did you mean SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_KILL?); use one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_LOG, SCMP_ACT_TRACE, SCMP_ACT_NOTIFY"),
                Arguments.of("{\"defaultAction\": 1}", "p.json:1:19: defaultAction: expected a string, got a number"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultAction\": \"SCMP_ACT_LOG\"}",
                        "p.json:1:52: malformed JSON: Duplicate field 'defaultAction'"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"sycalls\": []}",
                        "p.json:1:37: sycalls: unknown key (did you mean syscalls?); known here: defaultAction, defaultErrnoRet, defaultErrno, architectures, archMap, syscalls, flags, listenerPath, listenerMetadata, comment"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_46\"]}",
                        "p.json:1:55: architectures[0]: unknown architecture 'SCMP_ARCH_X86_46' (did you mean SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_M68K?); use libseccomp's names, e.g. SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_AARCH64"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQUAL\"}]}]}",
                        "p.json:1:138: syscalls[0].args[0].op: unknown operator 'SCMP_CMP_EQUAL' (did you mean SCMP_CMP_EQ?); use one of SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                        "p.json:1:117: syscalls[0].args[0].index: 6 is not an argument index: system calls have arguments 0..5"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                        "p.json:1:129: syscalls[0].args[0].value: -1 is outside 0..18446744073709551615 (an unsigned 64-bit value)"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1.5, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                        "p.json:1:129: syscalls[0].args[0].value: expected an integer, got 1.5"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 1}]}",
                        "p.json:1:110: syscalls[0].action: an errno is only used with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW: remove it"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 5000}",
                        "p.json:1:56: defaultAction: errno 5000 is above 4095 (MAX_ERRNO), which the kernel cannot return"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errno\": \"EINVAL\"}]}",
                        "p.json:1:107: syscalls[0].errno: \"errno\": \"EINVAL\" without \"errnoRet\": runc ignores the name (and returns EPERM); add \"errnoRet\": 22"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
                        "p.json:1:80: syscalls[0].action: SCMP_ACT_NOTIFY hands calls to a seccomp agent, which jbox does not run; use SCMP_ACT_ERRNO or SCMP_ACT_LOG"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"Read\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                        "p.json:1:61: syscalls[0].names[0]: 'Read' is not a system call name (lower-case letters, digits, _)"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": \"SCMP_ACT_ERRNO\"}]}",
                        "p.json:1:50: syscalls[0]: no \"names\": list the system calls this entry is about"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"caps\": [\"CAP_SYS_ADMN\"]}}]}",
                        "p.json:1:120: syscalls[0].includes.caps[0]: unknown capability 'CAP_SYS_ADMN' (did you mean CAP_SYS_ADMIN, CAP_SYS_TIME, CAP_MAC_ADMIN?)"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"minKernel\": \"4\"}}]}",
                        "p.json:1:124: syscalls[0].includes.minKernel: '4' is not a kernel version: write MAJOR.MINOR, e.g. \"4.8\""),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"arches\": [\"amd46\"]}}]}",
                        "p.json:1:122: syscalls[0].excludes.arches[0]: unknown architecture 'amd46' (did you mean amd64?); Docker profiles use Go's names (amd64, arm64, riscv64, ...)"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNK\"]}",
                        "p.json:1:47: flags[0]: unknown flag 'SECCOMP_FILTER_FLAG_TSYNK' (did you mean SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_TSYNC_ESRCH?); known: SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, SECCOMP_FILTER_FLAG_NEW_LISTENER, SECCOMP_FILTER_FLAG_TSYNC_ESRCH"),
                Arguments.of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [], \"archMap\": []}",
                        "p.json:1:69: archMap: give either \"architectures\" or \"archMap\", not both"),
                Arguments.of("{\"ociVersion\": \"1.0\", \"linux\": {}}",
                        "p.json:1:32: linux: has no \"seccomp\" object: this config.json sets no seccomp profile"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("badProfiles")
    void badInputOneLineNamingFileLineAndColumn(String json, String message) {
        assertThatThrownBy(() -> load(json)).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
