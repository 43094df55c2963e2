package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The application's CPU per finished order by process, as the benchmark reports it for two phases, and the machine's
 * context switches per finished order.
 */
class CpuByProcessUnitTest {

    @Test
    void turnsEachProcesssCoresIntoMillisecondsPerFinishedOrder() {
        Map<String, Double> cores = new LinkedHashMap<>();
        cores.put("order", 0.27);
        cores.put("gateway", 0.054);

        assertThat(Benchmark.msPerOrderByProcess(cores, 27.0))
                .as("0.27 cores at 27 orders/s are 10 ms per order")
                .containsExactly(Map.entry("order", 10.0), Map.entry("gateway", 2.0));
        assertThat(Benchmark.msPerOrderByProcess(cores, 0))
                .as("no order finished")
                .isEmpty();
    }

    @Test
    void showsTheOverloadPhaseBesideHalfTheMaximum() {
        Map<String, Object> overload = Map.of(
                "cost_per_terminal_order", Map.of("app_cpu_ms_by_process", ordered("gateway", 8.73, "order", 8.26)));
        Map<String, Object> open = Map.of("app_cpu_ms_by_process", ordered("order", 12.5, "gateway", 3.0));

        assertThat(Benchmark.byProcessMarkdown(overload, open))
                .contains("| process | overload phase | half the maximum |")
                .contains("| gateway | 8.7 | 3.0 |\n| order | 8.3 | 12.5 |");
        assertThat(Benchmark.byProcessMarkdown(null, open))
                .as("without an overload phase")
                .contains("| order | – | 12.5 |");
        assertThat(Benchmark.byProcessMarkdown(null, Map.of("app_cpu_ms_by_process", Map.of("embedded", 5.0))))
                .as("one process: its whole CPU is in the cost line already")
                .isEmpty();
    }

    @Test
    void dividesAPhasesContextSwitchesByTheOrdersItFinished() {
        Map<String, Object> phase =
                Map.of("terminal_per_second", 28.0, "cpu", Map.of("machine_context_switches_per_second", 14_000.0));

        assertThat(Benchmark.switchesPerOrder(phase)).isEqualTo(500.0);
        assertThat(Benchmark.switchesPerOrder(Map.of("terminal_per_second", 0.0, "cpu", phase.get("cpu"))))
                .as("no order finished")
                .isNull();
        assertThat(Benchmark.switchesPerOrder(Map.of("terminal_per_second", 28.0, "cpu", Map.of())))
                .as("not counted")
                .isNull();
    }

    private static Map<String, Object> ordered(String a, double aMs, String b, double bMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(a, aMs);
        m.put(b, bMs);
        return m;
    }
}
