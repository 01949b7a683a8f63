package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.policy.Condition;
import dev.jbox.policy.Op;
import dev.jbox.policy.Rule;
import dev.jbox.policy.Action;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The report's text and JSON, and how it names the argument that decided a call. */
class CallLogTest {

    @ParameterizedTest(name = "{0}({1})")
    @CsvSource({
            "socket, 40, 0, AF_VSOCK",
            "socket, 0x100000028, 0, AF_VSOCK",   // the kernel ignores the upper half of an int
            "socket, 1, 0, AF_UNIX",
            "socket, 99, 0, 0x63",
            "ioctl, 0x5412, 1, TIOCSTI",
            "ioctl, 0x541c, 1, TIOCLINUX",
            "clone, 0x10000011, 0, CLONE_NEWUSER",
            "personality, 0x40000, 0, ADDR_NO_RANDOMIZE",
            "personality, 0x12345, 0, 0x12345"})
    void theDecidingArgumentIsNamed(String call, String value, int arg, String shown) {
        long v = Long.decode(value);
        long[] args = new long[6];
        args[arg] = v;
        Condition c = call.equals("clone") ? Condition.masked(0, 0x10000000L, 0x10000000L) : Condition.of(arg, Op.EQ, v);
        List<Rule> rules = List.of(new Rule(call, Action.errno(1), List.of(c), "", ""));
        assertThat(ArgNames.describe(call, rules, args)).isEqualTo(shown);
    }

    @Test
    void aCallNoRuleLooksIntoShowsNoArgument() {
        assertThat(ArgNames.describe("ptrace", List.of(Rule.of("ptrace", Action.errno(1))), new long[6])).isEmpty();
    }

    /**
     * The executable's path is whatever a sandboxed program named its file: on the terminal it
     * cannot start a line or move the cursor, and in the JSON it stays one string value.
     */
    @Test
    void aHostileExecutableNameStaysInItsLineAndItsString() throws Exception {
        CallLog log = new CallLog();
        String exe = "/tmp/x\njbox:   ptrace -> EPERM\r\u001b[2K\u007f\"}, \"pid\": 1";
        log.add(new CallLog.Call("ptrace", "", 1, exe), 3);
        List<String> lines = log.reportLines("strict", false);
        assertThat(String.join("\n", lines).lines()).hasSize(2);
        assertThat(lines.get(1)).isEqualTo("jbox:   ptrace -> EPERM, 1 time, by /tmp/x\\njbox:   ptrace -> EPERM\\r"
                + "\\x1b[2K\\x7f\"}, \"pid\": 1 (pid 3)");
        dev.jbox.config.JsonReader.Node json = dev.jbox.config.JsonReader.parse(log.reportJson("strict", false));
        assertThat(log.reportJson("strict", false)).doesNotContain("\u007f").contains("\\u007f");
        assertThat(json.toString()).contains("refused");
    }

    @Test
    void nothingRefusedIsOneLine() {
        CallLog log = new CallLog();
        log.add(new CallLog.Call("read", "", -1, "/bin/cat"), 2); // allowed: not in a report
        assertThat(log.reportLines("minimal", false)).containsExactly("jbox: report: profile 'minimal' refused nothing");
        assertThat(log.reportJson("minimal", false)).isEqualTo(
                "{\n  \"profile\": \"minimal\",\n  \"mode\": \"enforce\",\n  \"refused\": []\n}\n");
    }

    @Test
    void eachDistinctRefusedCallIsOneLineWithItsCount() {
        CallLog log = new CallLog();
        log.add(new CallLog.Call("socket", "AF_VSOCK", 97, "/usr/bin/python3.11"), 2);
        log.add(new CallLog.Call("ptrace", "", 1, "/usr/bin/strace"), 3);
        log.add(new CallLog.Call("ptrace", "", 1, "/usr/bin/strace"), 4);
        assertThat(log.reportLines("strict", false)).containsExactly(
                "jbox: report: profile 'strict' refused 3 calls (2 distinct):",
                "jbox:   ptrace -> EPERM, 2 times, by /usr/bin/strace (pid 3)",
                "jbox:   socket(AF_VSOCK) -> EAFNOSUPPORT, 1 time, by /usr/bin/python3.11 (pid 2)");
        assertThat(log.reportLines("strict", true).getFirst()).isEqualTo(
                "jbox: report: profile 'strict' would refuse 3 calls (2 distinct); complain mode let them through:");
    }

    @Test
    void jsonEscapesWhatASandboxedProgramNamedItself() {
        CallLog log = new CallLog();
        log.add(new CallLog.Call("ptrace", "", 1, "/tmp/a\"b\nc"), 2);
        assertThat(log.reportJson("minimal", false)).contains("\"executable\": \"/tmp/a\\\"b\\nc\"");
    }
}
