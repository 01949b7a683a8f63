package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BwrapLineTest {

    private static BwrapLine.Rewritten add(List<String> args, Map<Integer, List<String>> data) {
        return BwrapLine.addFilter(args, data, 9, i -> 20 + i);
    }

    @Test
    void withoutAUserFilterJboxsGoesFirstAndTheLineFollowsUnchanged() {
        List<String> line = List.of("--ro-bind", "/usr", "/usr", "--setenv", "X", "--seccomp", "sh", "-c", "--seccomp 3");
        BwrapLine.Rewritten r = add(line, Map.of());
        assertThat(r.stacked()).isFalse();
        assertThat(r.argv()).containsExactly("--seccomp", "9", "--ro-bind", "/usr", "/usr", "--setenv", "X",
                "--seccomp", "sh", "-c", "--seccomp 3");
    }

    @Test
    void aUserSeccompIsStackedAfterJboxs() {
        BwrapLine.Rewritten r = add(List.of("--ro-bind", "/", "/", "--seccomp", "3", "true"), Map.of());
        assertThat(r.stacked()).isTrue();
        assertThat(r.argv()).containsExactly("--add-seccomp-fd", "9", "--ro-bind", "/", "/",
                "--add-seccomp-fd", "3", "true");
    }

    @Test
    void onlyTheLastOfSeveralSeccompsCountsAsInBwrap() {
        BwrapLine.Rewritten r = add(List.of("--seccomp", "3", "--seccomp", "4", "--", "true"), Map.of());
        assertThat(r.argv()).containsExactly("--add-seccomp-fd", "9", "--add-seccomp-fd", "4", "--", "true");
    }

    @Test
    void addSeccompFdsStayAndJboxsComesFirst() {
        BwrapLine.Rewritten r = add(List.of("--add-seccomp-fd", "3", "--add-seccomp-fd", "4", "true"), Map.of());
        assertThat(r.argv()).containsExactly("--add-seccomp-fd", "9", "--add-seccomp-fd", "3", "--add-seccomp-fd",
                "4", "true");
    }

    @Test
    void aMixedLineIsLeftForBwrapToRefuse() {
        BwrapLine.Rewritten r = add(List.of("--seccomp", "3", "--add-seccomp-fd", "4", "true"), Map.of());
        assertThat(r.argv()).containsExactly("--add-seccomp-fd", "9", "--seccomp", "3", "--add-seccomp-fd", "4",
                "true");
    }

    @Test
    void argsDataIsReplacedByANewFdAndItsSeccompConverted() {
        List<String> data = List.of("--setenv", "A", "b", "--seccomp", "3");
        BwrapLine.Rewritten r = add(List.of("--args", "5", "--ro-bind", "/", "/", "env"), Map.of(5, data));
        assertThat(r.stacked()).isTrue();
        assertThat(r.argv()).containsExactly("--add-seccomp-fd", "9", "--args", "20", "--ro-bind", "/", "/", "env");
        assertThat(r.argsData()).hasSize(1);
        assertThat(BwrapLine.splitArgsData(r.argsData().getFirst()))
                .containsExactly("--setenv", "A", "b", "--add-seccomp-fd", "3");
    }

    @Test
    void argsDataWithoutSeccompIsPassedOnAsItWas() {
        List<String> data = List.of("--setenv", "A", "b");
        BwrapLine.Rewritten r = add(List.of("--args", "5", "env"), Map.of(5, data));
        assertThat(r.argv()).containsExactly("--seccomp", "9", "--args", "20", "env");
        assertThat(BwrapLine.splitArgsData(r.argsData().getFirst())).containsExactly("--setenv", "A", "b");
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

    @Test
    void callerFdsParse() {
        assertThat(PassThrough.callerFds("0 1 2 7")).hasValueSatisfying(s -> assertThat(s).containsExactly(0, 1, 2, 7));
        assertThat(PassThrough.callerFds("")).isEmpty();
        assertThat(PassThrough.callerFds("0 x")).isEmpty();
    }
}
