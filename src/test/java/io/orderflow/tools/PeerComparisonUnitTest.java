package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerComparisonUnitTest {

    @TempDir
    Path dir;

    @Test
    void theStatusIsTheFirstStatusInTheAnswer() {
        // orderflow's placing answer: the order's status first, then its history's
        assertThat(PeerComparison.statusOf(
                        "{\"id\":\"o-1\",\"status\":\"inventory_check\",\"events\":[{\"status\":\"pending\"}]}"))
                .isEqualTo("inventory_check");
        assertThat(PeerComparison.statusOf("{\"status\" : \"completed\",\"id\":\"o-1\"}"))
                .isEqualTo("completed");
        // a problem's numeric status is no order status
        assertThat(PeerComparison.statusOf("{\"title\":\"Order not found\",\"status\":404}"))
                .isNull();
        assertThat(PeerComparison.statusOf(null)).isNull();
    }

    @Test
    void theReportPutsTheSystemsSideBySideWithTheirRatio() throws IOException {
        write("orderflow-r1", run("orderflow", 90, true, 0));
        write("modulith-r1", run("modulith", 60, true, 0));
        write("orderflow-r2", run("orderflow", 110, true, 0));
        write("modulith-r2", run("modulith", 40, true, 0));

        assertThat(PeerComparison.report(dir)).isZero();

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("| orderflow | 3000 | 90.0 |", "| modulith | 3000 | 40.0 |");
        // by round, orderflow first in each
        assertThat(md.indexOf("| orderflow | 3000 | 90.0 |"))
                .isLessThan(md.indexOf("| modulith | 3000 | 60.0 |"))
                .isLessThan(md.indexOf("| orderflow | 3000 | 110.0 |"));
        assertThat(md).contains("- modulith: closed loop, peer", "- orderflow: closed loop, orderflow");
        assertThat(md).contains("100.0 / 50.0 = **2.00x**");
    }

    @Test
    void aRunWhoseInvariantsFailedOrWhoseClientsSawErrorsFailsTheReport() throws IOException {
        write("orderflow-r1", run("orderflow", 90, false, 0));
        write("modulith-r1", run("modulith", 60, true, 0));
        assertThat(PeerComparison.report(dir)).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("report.md"))).contains("**failed**");

        write("orderflow-r1", run("orderflow", 90, true, 3));
        assertThat(PeerComparison.report(dir)).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("report.md"))).contains("**client errors: 3**");
    }

    @Test
    void theStatementsOfTheBestStepAreListedWhenTheServerCountedThem() throws IOException {
        Map<String, Object> counted = run("orderflow", 90, true, 0);
        Map<String, Object> slower = new LinkedHashMap<>(stepOf(counted));
        slower.put("clients", 16);
        slower.put("terminal_per_second", 70.0);
        slower.put("statements", Map.of("per_finished_order", 99.0, "top", List.of()));
        Map<String, Object> best = new LinkedHashMap<>(stepOf(counted));
        best.put(
                "statements",
                Map.of(
                        "per_finished_order",
                        40.0,
                        "top",
                        List.of(
                                Map.of("statement", "BEGIN", "per_finished_order", 10.5),
                                Map.of("statement", "select a | b from t", "per_finished_order", 4.2))));
        best.put("wal_records_per_order", 248.0);
        counted.put("steps", List.of(slower, best));
        write("orderflow-r1", counted);
        write("modulith-r1", run("modulith", 60, true, 0)); // a server without pg_stat_statements: no list

        assertThat(PeerComparison.report(dir)).isZero();

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md)
                .contains(
                        "### compare_orderflow, orderflow: 40.0 statements per finished order at 8 clients",
                        "| `BEGIN` | 10.5 |",
                        "20000.0 (248.0 records)",
                        "| `select a \\| b from t` | 4.2 |")
                .doesNotContain("99.0", "### compare_modulith");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stepOf(Map<String, Object> run) {
        return ((List<Map<String, Object>>) run.get("steps")).get(0);
    }

    @Test
    void rowWritesArePerOrderByTableTheMostFirst() {
        Map<String, Object> perOrder = PeerComparison.rowWritesPerOrder(
                Map.of("public.orders", 100L, "public.email", 5L, "public.idle", 7L),
                Map.of("public.orders", 300L, "public.email", 105L, "public.idle", 7L, "public.new", 400L),
                100);
        assertThat(perOrder)
                .containsExactly(
                        Map.entry("total", 7.0),
                        Map.entry("public.new", 4.0),
                        Map.entry("public.orders", 2.0),
                        Map.entry("public.email", 1.0));
    }

    @Test
    void theRoundIsTheFoldersSuffix() {
        assertThat(PeerComparison.round("orderflow-r2")).isEqualTo(2);
        assertThat(PeerComparison.round("modulith-r12")).isEqualTo(12);
        assertThat(PeerComparison.round("elsewhere")).isZero();
    }

    @Test
    void noRunsIsNoComparison() throws IOException {
        assertThat(PeerComparison.report(dir)).isEqualTo(1);
    }

    private void write(String name, Map<String, Object> run) throws IOException {
        Files.createDirectories(dir.resolve(name));
        Report.writeJson(dir.resolve(name).resolve("results.json"), run);
    }

    private static Map<String, Object> run(String system, double max, boolean invariantsPassed, long errors) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("clients", 8);
        step.put("terminal_per_second", max);
        step.put("e2e_ms", Map.of("p50", 20.0, "p99", 80.0));
        step.put("commits_per_order", 10.0);
        step.put("wal_bytes_per_order", 20000.0);
        step.put("app_cpu_ms_per_order", 5.0);
        step.put("postgres_cpu_ms_per_order", 6.0);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("system", system);
        run.put("database", "compare_" + system);
        run.put("client", "closed loop, " + ("orderflow".equals(system) ? "orderflow" : "peer"));
        run.put("pgbench_tps", 3000);
        run.put("steps", List.of(step));
        run.put("max_terminal_per_second", max);
        run.put("ratio_to_ceiling", max / 300);
        run.put("client_errors", errors);
        run.put("valid", errors == 0 && max > 0);
        run.put("invariants", Map.of("passed", invariantsPassed));
        return run;
    }
}
