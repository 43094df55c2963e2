package io.orderflow.tools;

import java.util.List;
import java.util.Map;

/** The chaos run's report.md: the run's settings, then one row per iteration (the fault table). */
final class ChaosReport {

    private ChaosReport() {}

    static String markdown(Map<String, Object> run, List<Map<String, Object>> iterations) {
        StringBuilder md = new StringBuilder(
                "# Chaos run (" + (run.get("mode") == null ? "embedded" : run.get("mode")) + " mode)\n\n");
        md.append("- command: `java -jar orderflow.jar ")
                .append(run.get("command"))
                .append("`\n");
        md.append("- seed: ").append(run.get("seed")).append('\n');
        md.append("- load: open loop at ")
                .append(Report.cell(run.get("rate_per_second")))
                .append(" orders/s, mix ")
                .append(run.get("mix"))
                .append('\n');
        md.append("- machine: ").append(run.get("machine")).append('\n');
        md.append("- started ")
                .append(run.get("started_at"))
                .append(", ended ")
                .append(Report.cell(run.get("ended_at")))
                .append('\n');
        if (run.containsKey("stopped")) {
            md.append("- stopped early: ").append(run.get("stopped")).append('\n');
        }
        md.append("- result: ")
                .append(
                        run.containsKey("passed")
                                ? (Boolean.TRUE.equals(run.get("passed")) ? "PASSED" : "FAILED")
                                : "running")
                .append(" (")
                .append(iterations.size())
                .append(" iteration(s) done)\n\n");
        md.append("| # | fault | injected at s | lasted s | orders accepted | completed / failed / cancelled "
                + "| compensations | step re-sends | worst e2e in fault ms | worst HTTP in fault ms | heal took s | first completion after heal s "
                + "| client errors | drained | violations |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        long accepted = 0;
        long compensations = 0;
        long violations = 0;
        for (Map<String, Object> it : iterations) {
            Map<?, ?> statuses = it.get("orders_by_status") instanceof Map<?, ?> m ? m : Map.of();
            List<?> found = it.get("violations") instanceof List<?> l ? l : List.of();
            accepted += number(it.get("accepted"));
            compensations += number(it.get("compensations"));
            violations += found.size();
            md.append("| ")
                    .append(it.get("iteration"))
                    .append(" | ")
                    .append(it.get("fault"))
                    .append(" | ")
                    .append(Report.cell(it.get("inject_at_s")))
                    .append(" | ")
                    .append(Report.cell(it.get("duration_s")))
                    .append(" | ")
                    .append(Report.cell(it.get("accepted")))
                    .append(" | ")
                    .append(Report.cell(statuses.get("completed")))
                    .append(" / ")
                    .append(Report.cell(statuses.get("failed")))
                    .append(" / ")
                    .append(Report.cell(statuses.get("cancelled")))
                    .append(" | ")
                    .append(Report.cell(it.get("compensations")))
                    .append(" | ")
                    .append(Report.cell(it.get("step_resends")))
                    .append(" | ")
                    .append(Report.cell(it.get("worst_e2e_in_fault_ms")))
                    .append(" | ")
                    .append(Report.cell(it.get("worst_http_in_fault_ms")))
                    .append(" | ")
                    .append(Report.cell(it.get("heal_took_s")))
                    .append(" | ")
                    .append(Report.cell(it.get("recovered_after_heal_s")))
                    .append(" | ")
                    .append(errors(it.get("client_errors")))
                    .append(" | ")
                    .append(Report.cell(it.get("drained")))
                    .append(" | ")
                    .append(it.containsKey("harness_error") ? "harness error" : String.valueOf(found.size()))
                    .append(" |\n");
        }
        md.append("| total | | | | ")
                .append(accepted)
                .append(" | | ")
                .append(compensations)
                .append(" | | | | | | | | ")
                .append(violations)
                .append(" |\n\n");
        md.append("Worst e2e in fault: placement to final state of the orders in flight while the fault lasted "
                + "(placed before the heal ended, finished after the injection; – when none was). Worst HTTP in "
                + "fault: the slowest placement answer among requests meant to go out from the injection to the end "
                + "of the heal, from their intended send time (refused connections have no answer and are counted "
                + "as client errors instead). Heal took: the heal action itself (a restart waits for the health check). First completion "
                + "after heal: from the start of the heal to the first order completed after it. Client errors: "
                + "requests that got no answer (refused connections while the application is down, timeouts "
                + "while it is paused); an order placed but not answered may still exist, and is checked like "
                + "any other.\n\n");
        for (Map<String, Object> it : iterations) {
            md.append("- ")
                    .append(it.get("iteration"))
                    .append(" ")
                    .append(it.get("fault"))
                    .append(": ")
                    .append(it.get("what"));
            if (it.get("observed") instanceof Map<?, ?> observed && !observed.isEmpty()) {
                md.append("; observed: ").append(observed);
            }
            if (it.containsKey("harness_error")) {
                md.append("; harness error: ").append(it.get("harness_error"));
            }
            if (it.get("violations") instanceof List<?> l && !l.isEmpty()) {
                l.forEach(v -> md.append("\n  - violation: ").append(v));
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static String errors(Object value) {
        if (!(value instanceof Map<?, ?> m) || m.isEmpty()) {
            return "0";
        }
        StringBuilder text = new StringBuilder();
        m.forEach((k, v) -> text.append(text.length() == 0 ? "" : ", ")
                .append(k)
                .append(' ')
                .append(v));
        return text.toString();
    }
}
