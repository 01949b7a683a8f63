package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BwrapLineTest {

    /** A reader over fixed --args data that records what was read. */
    private record Reader(Map<Integer, byte[]> data, List<Integer> read) implements BwrapLine.ArgsReader {
        Reader(Map<Integer, List<String>> lists) {
            this(toBytes(lists), new ArrayList<>());
        }

        private static Map<Integer, byte[]> toBytes(Map<Integer, List<String>> lists) {
            Map<Integer, byte[]> out = new HashMap<>();
            lists.forEach((fd, l) -> out.put(fd, BwrapLine.joinArgsData(l)));
            return out;
        }

        @Override
        public byte[] read(int fd) throws LaunchException {
            read.add(fd);
            if (!data.containsKey(fd)) {
                throw new LaunchException(LaunchException.Kind.FAILED, "--args " + fd + ": fd " + fd + " is not open");
            }
            return data.get(fd);
        }
    }

    private static BwrapLine.Rewritten add(List<String> args, Map<Integer, List<String>> data) throws LaunchException {
        return BwrapLine.addFilter(BwrapLine.walk(args, new Reader(data)), 9, i -> 20 + i);
    }

    private static List<String> dataOf(BwrapLine.Rewritten r, int i) {
        return BwrapLine.splitArgsData(r.argsData().get(i));
    }

    @Test
    void withoutAUserFilterJboxsGoesFirstAndTheLineFollowsUnchanged() throws Exception {
        List<String> line = List.of("--ro-bind", "/usr", "/usr", "--setenv", "X", "--seccomp", "sh", "-c", "--seccomp 3");
        BwrapLine.Rewritten r = add(line, Map.of());
        assertThat(r.stacked()).isFalse();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.argv()).containsExactly("--seccomp", "9", "--ro-bind", "/usr", "/usr", "--setenv", "X",
                "--seccomp", "sh", "-c", "--seccomp 3");
    }

    @Test
    void aUserSeccompIsStackedAfterJboxs() throws Exception {
        BwrapLine.Rewritten r = add(List.of("--ro-bind", "/", "/", "--seccomp", "3", "true"), Map.of());
        assertThat(r.stacked()).isTrue();
        assertThat(r.argv()).containsExactly("--add-seccomp-fd", "9", "--ro-bind", "/", "/",
                "--add-seccomp-fd", "3", "true");
    }

    @Test
    void earlierSeccompsGoAndJboxPrintsBwrapsWarningForEach() throws Exception {
        BwrapLine.Rewritten r = add(List.of("--seccomp", "3", "--ro-bind", "/", "/", "--seccomp", " 4", "--seccomp",
                "+5", "--uid", "0", "--", "true"), Map.of());
        assertThat(r.argv()).containsExactly("--add-seccomp-fd", "9", "--ro-bind", "/", "/", "--add-seccomp-fd",
                "+5", "--uid", "0", "--", "true");
        assertThat(r.warnings()).containsExactly("bwrap: Only the last --seccomp option will take effect",
                "bwrap: Only the last --seccomp option will take effect");
    }

    /** Something before the last --seccomp may print or die in bwrap: jbox cannot place the warning. */
    @ParameterizedTest
    @ValueSource(strings = {"--uid", "--perms", "--cap-add", "--no-such-option"})
    void earlierSeccompsAfterAnOptionThatMayPrintAreRefused(String option) {
        List<String> line = new ArrayList<>(List.of("--seccomp", "3"));
        line.add(option);
        if (BwrapLine.ARITY.getOrDefault(option, 0) > 0) {
            line.add("0");
        }
        line.addAll(List.of("--seccomp", "4", "true"));
        assertThatThrownBy(() -> add(line, Map.of())).isInstanceOf(LaunchException.class)
                .hasMessage("this line has 2 --seccomp options (bwrap uses the last and warns about the others) and "
                        + option + " before the last, so jbox cannot reproduce bwrap's messages exactly while adding"
                        + " its filter; give only one --seccomp");
    }

    @Test
    void aRepeatedOptionThatWarnsIsNotSilent() {
        assertThatThrownBy(() -> add(List.of("--sync-fd", "5", "--seccomp", "3", "--sync-fd", "6", "--seccomp", "4",
                "true"), Map.of())).hasMessageContaining("and --sync-fd before the last");
        // the first --sync-fd prints nothing: fine
        assertThatCode(() -> add(List.of("--sync-fd", "5", "--seccomp", "3", "--chdir", "/", "--seccomp", "4",
                "true"), Map.of())).doesNotThrowAnyException();
    }

    @Test
    void addSeccompFdsStayAndJboxsComesFirst() throws Exception {
        BwrapLine.Rewritten r = add(List.of("--add-seccomp-fd", "3", "--add-seccomp-fd", "4", "true"), Map.of());
        assertThat(r.argv()).containsExactly("--add-seccomp-fd", "9", "--add-seccomp-fd", "3", "--add-seccomp-fd",
                "4", "true");
    }

    /**
     * Lines bwrap refuses while parsing go as they are, so bwrap says what it says; jbox's
     * filter follows the option bwrap dies at, in case bwrap went on after all.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--seccomp 3 --add-seccomp-fd 4 true|--seccomp 3 --add-seccomp-fd 4 --add-seccomp-fd 9 true",
        "--add-seccomp-fd 3 --seccomp 4 true|--add-seccomp-fd 3 --seccomp 4 --add-seccomp-fd 9 true",
        "--seccomp 0a --seccomp 4 true|--seccomp 0a --add-seccomp-fd 9 --seccomp 4 true",
        "--seccomp 3 --seccomp -1 true|--seccomp 3 --seccomp -1 --add-seccomp-fd 9 true",
        "--add-seccomp-fd -1 true|--add-seccomp-fd -1 --add-seccomp-fd 9 true",
        "--file 3a /x --seccomp 3 true|--file 3a /x --add-seccomp-fd 9 --seccomp 3 true",
        "--ro-bind / / --sync-fd 2147483648 true|--ro-bind / / --sync-fd 2147483648 --add-seccomp-fd 9 true",
        "--args x true|--args x --add-seccomp-fd 9 true"})
    void linesBwrapRefusesAreItsToRefuse(String line, String expected) throws Exception {
        BwrapLine.Rewritten r = add(List.of(line.split(" ")), Map.of());
        assertThat(r.argv()).containsExactlyElementsOf(List.of(expected.split(" ")));
        assertThat(r.warnings()).isEmpty();
        assertThat(r.stacked()).isFalse();
    }

    /** bwrap dies where the list ends, or before it parses anything: nothing to add, nothing to guard. */
    @Test
    void structuralDeathsGoUnchanged() throws Exception {
        assertThat(add(List.of("--ro-bind", "/", "/", "--seccomp"), Map.of()).argv())
                .containsExactly("--ro-bind", "/", "/", "--seccomp");
        assertThat(add(List.of("--bind", "/"), Map.of()).argv()).containsExactly("--bind", "/");
        List<String> huge = new ArrayList<>(java.util.Collections.nCopies(BwrapLine.MAX_ARGS + 1, "--share-net"));
        assertThat(add(huge, Map.of()).argv()).isEqualTo(huge);
        List<String> almost = new ArrayList<>(java.util.Collections.nCopies(BwrapLine.MAX_ARGS - 4, "--share-net"));
        almost.addAll(List.of("--args", "5", "true"));
        BwrapLine.Rewritten r = add(almost, Map.of(5, List.of("--share-net")));
        assertThat(r.argv().getFirst()).isEqualTo("--seccomp"); // 9000 exactly: bwrap goes on
        BwrapLine.Rewritten over = add(almost, Map.of(5, List.of("--share-net", "--clearenv")));
        assertThat(over.argv().getFirst()).isEqualTo("--share-net"); // 9001: "Exceeded maximum number of arguments"
        assertThat(over.argv().get(over.argv().size() - 2)).isEqualTo("20"); // its data, drained, given anew
    }

    @Test
    void helpAndVersionAnywhereBwrapReadsThemEndIt() throws Exception {
        assertThat(add(List.of("--seccomp", "3", "--help", "--seccomp", "0a"), Map.of()).argv())
                .containsExactly("--seccomp", "3", "--help", "--seccomp", "0a");
        BwrapLine.Rewritten r = add(List.of("--args", "5", "true"), Map.of(5, List.of("--version")));
        assertThat(r.argv()).containsExactly("--args", "20", "true");
        assertThat(dataOf(r, 0)).containsExactly("--version");
    }

    @Test
    void argsDataIsReplacedByANewFdAndItsSeccompConverted() throws Exception {
        List<String> data = List.of("--setenv", "A", "b", "--seccomp", "3");
        BwrapLine.Rewritten r = add(List.of("--args", "5", "--ro-bind", "/", "/", "env"), Map.of(5, data));
        assertThat(r.stacked()).isTrue();
        assertThat(r.argv()).containsExactly("--add-seccomp-fd", "9", "--args", "20", "--ro-bind", "/", "/", "env");
        assertThat(r.argsData()).hasSize(1);
        assertThat(dataOf(r, 0)).containsExactly("--setenv", "A", "b", "--add-seccomp-fd", "3");
    }

    /** The issue-12 escape: bwrap reads fd 3 for each of these spellings, so jbox must too. */
    @ParameterizedTest
    @ValueSource(strings = {"3", " 3", "+3", "\t3", "03", "4294967299", "-4294967293"})
    void argsFdsAreReadAsBwrapReadsThem(String spelling) throws Exception {
        String fd = spelling.replace("\\t", "\t");
        Reader reader = new Reader(Map.of(3, List.of("--seccomp", "8")));
        BwrapLine.Rewritten r = BwrapLine.addFilter(BwrapLine.walk(List.of("--ro-bind", "/", "/", "--args", fd, "sh"),
                reader), 9, i -> 20 + i);
        assertThat(reader.read()).containsExactly(3);
        assertThat(r.stacked()).isTrue();
        assertThat(r.argv()).containsExactly("--add-seccomp-fd", "9", "--ro-bind", "/", "/", "--args", "20", "sh");
        assertThat(dataOf(r, 0)).containsExactly("--add-seccomp-fd", "8");
    }

    @Test
    void everyFdOptionIsReadAsBwrapReadsIt() throws Exception {
        for (String opt : BwrapLine.FD_OPTIONS) {
            if (opt.equals("--args")) {
                continue;
            }
            List<String> line = new ArrayList<>(List.of(opt, "4294967299"));
            if (BwrapLine.ARITY.get(opt) == 2) {
                line.add("/x");
            }
            line.add("true");
            assertThat(BwrapLine.namedFds(line, Map.of())).as(opt).containsExactly(3);
            List<String> bad = new ArrayList<>(line);
            bad.set(1, "3 ");
            assertThat(BwrapLine.walk(bad, new Reader(Map.of())).end()).as(opt).isInstanceOf(BwrapLine.Dies.class);
        }
    }

    @Test
    void aNonAsciiFdIsRefused() {
        assertThatThrownBy(() -> add(List.of("--args", "\u00a03", "true"), Map.of()))
                .isInstanceOf(LaunchException.class)
                .hasMessage("--args \u00a03: jbox cannot tell which fd bwrap would read (not ASCII); refusing to run");
        assertThatThrownBy(() -> add(List.of("--args", "5", "true"), Map.of(5, List.of("--seccomp", "\u00e93"))))
                .hasMessage("--seccomp \u00e93: jbox cannot tell which fd bwrap would read (not ASCII); refusing to run");
    }

    @Test
    void argsInArgsDataIsBwrapsToRefuse() throws Exception {
        Reader reader = new Reader(Map.of(5, List.of("--args", "6"), 6, List.of("--seccomp", "8")));
        BwrapLine.Rewritten r = BwrapLine.addFilter(BwrapLine.walk(List.of("--args", "5", "true"), reader), 9,
                i -> 20 + i);
        assertThat(reader.read()).containsExactly(5);
        assertThat(r.argv()).containsExactly("--args", "20", "true");
        assertThat(dataOf(r, 0)).containsExactly("--args", "6");
    }

    @Test
    void argsDataPartsAfterItsFirstNonOptionAreIgnoredAsBwrapIgnoresThem() throws Exception {
        BwrapLine.Rewritten r = add(List.of("--args", "5", "true"), Map.of(5, List.of("--chdir", "/", "cmd",
                "--seccomp", "3")));
        assertThat(r.stacked()).isFalse();
        assertThat(r.argv()).containsExactly("--seccomp", "9", "--args", "20", "true");
        assertThat(dataOf(r, 0)).containsExactly("--chdir", "/", "cmd", "--seccomp", "3");
    }

    @Test
    void argsDataIsPassedOnByteForByte() throws Exception {
        byte[] raw = {'-', '-', 's', 'e', 't', 'e', 'n', 'v', 0, 'A', 0, (byte) 0xff, (byte) 0xc3, 0, 0};
        BwrapLine.Rewritten r = BwrapLine.addFilter(BwrapLine.walk(List.of("--args", "5", "env"),
                new Reader(Map.of(5, raw), new ArrayList<>())), 9, i -> 20 + i);
        assertThat(r.argsData().getFirst()).isEqualTo(raw);
    }

    @Test
    void argsDataWithoutSeccompIsPassedOnAsItWas() throws Exception {
        List<String> data = List.of("--setenv", "A", "b");
        BwrapLine.Rewritten r = add(List.of("--args", "5", "env"), Map.of(5, data));
        assertThat(r.argv()).containsExactly("--seccomp", "9", "--args", "20", "env");
        assertThat(dataOf(r, 0)).containsExactly("--setenv", "A", "b");
    }

    @Test
    void theCommandIsNeverRead() {
        BwrapLine.Scan s = BwrapLine.scan(List.of("--bind", "/a", "/b", "cmd", "--seccomp", "3"));
        assertThat(s.commandIndex()).isEqualTo(3);
        assertThat(s.options()).extracting(BwrapLine.Opt::name).containsExactly("--bind");
        assertThat(BwrapLine.scan(List.of("--", "--seccomp", "3")).commandIndex()).isEqualTo(1);
    }

    @Test
    void helpAndVersionEndTheParse() {
        assertThat(BwrapLine.scan(List.of("--ro-bind", "/", "/", "--version", "x")).exitsEarly()).isTrue();
        assertThat(BwrapLine.scan(List.of("--help")).exitsEarly()).isTrue();
        assertThat(BwrapLine.scan(List.of("--setenv", "--help", "x", "true")).exitsEarly()).isFalse();
    }

    @Test
    void namedFdsCoverEveryFdOption() {
        List<String> line = List.of("--file", "3", "/f", "--bind-data", "4", "/g", "--info-fd", "5", "--sync-fd", "6",
                "--json-status-fd", "7", "--args", "8", "--userns", "x", "true", "--file", "11", "/h");
        assertThat(BwrapLine.namedFds(line, Map.of(8, List.of("--ro-bind-data", "10", "/d"))))
                .containsExactly(3, 4, 5, 6, 7, 8, 10);
    }

    @Test
    void argsDataSplitsAsBwrapReadsIt() {
        byte[] data = "a\0\0b c\0d".getBytes(StandardCharsets.UTF_8);
        assertThat(BwrapLine.splitArgsData(data)).containsExactly("a", "", "b c", "d");
        assertThat(BwrapLine.splitArgsData(BwrapLine.joinArgsData(List.of("x", "", "y z"))))
                .containsExactly("x", "", "y z");
    }

    @Test
    void versionsParseAndCompare() {
        assertThat(BwrapVersion.parse("bubblewrap 0.8.0\n")).contains(new BwrapVersion(0, 8, 0));
        assertThat(BwrapVersion.parse("bubblewrap 0.11.1").get().canStackFilters()).isTrue();
        assertThat(BwrapVersion.parse("bubblewrap 0.5.0").get().canStackFilters()).isFalse();
        assertThat(BwrapVersion.parse("bubblewrap 0.6").get()).isEqualTo(BwrapVersion.ADD_SECCOMP_FD);
        assertThat(BwrapVersion.parse("no version")).isEmpty();
    }

    /** bwrap's argv[0]: the name jbox ran as when that is bwrap, so its usage names what the caller ran. */
    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {"bwrap|bwrap", "/opt/x/bwrap|/opt/x/bwrap",
        "./bwrap|./bwrap", "../d/bwrap|../d/bwrap", "jbox|bwrap", "/x/jbox|bwrap", "NULL|bwrap", "/x/bwrapper|bwrap",
        "mybwrap|bwrap", "/x/bwrap/|bwrap", "''|bwrap"})
    void argv0IsTheNameRunWhenThatIsBwrap(String invokedAs, String argv0) {
        assertThat(PassThrough.argv0(invokedAs)).isEqualTo(argv0);
    }

    @Test
    void callerFdsParse() {
        assertThat(PassThrough.callerFds("0 1 2 7")).hasValueSatisfying(s -> assertThat(s).containsExactly(0, 1, 2, 7));
        assertThat(PassThrough.callerFds("")).isEmpty();
        assertThat(PassThrough.callerFds("0 x")).isEmpty();
        assertThat(PassThrough.callerFds(" 0\t1  12\n")).hasValueSatisfying(s -> assertThat(s).containsExactly(0, 1, 12));
        assertThat(PassThrough.callerFds("0 1x")).isEmpty();
        assertThat(PassThrough.callerFds("   ")).isEmpty();
    }
}
