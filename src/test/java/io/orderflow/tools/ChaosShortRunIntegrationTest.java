package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.OneHeavyClassAtATime;
import io.orderflow.it.PackagedJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The chaos harness's short run, in the README's test command: three faults under load (a SIGKILL of the
 * application, a PostgreSQL crash on the harness's own cluster, duplicate delivery), each followed by the drain and
 * the invariant checker, exactly as {@code scripts/chaos.sh embedded} runs them, with shorter phases. It starts what
 * it needs from the packaged jar and the PostgreSQL binaries and stops it by PID; the full run is a documented
 * command (docs/reliability.md).
 */
@ExtendWith(OneHeavyClassAtATime.class)
class ChaosShortRunIntegrationTest {

    static final Path JAR = Path.of("target", "orderflow.jar");
    static final List<String> FAULTS = List.of("kill", "postgres-crash", "duplicate");

    @Test
    void everyFaultDrainsWithNoViolation() throws Exception {
        assertThat(JAR)
                .as("the packaged jar (built by the package phase before integration tests)")
                .exists();
        PackagedJar.Launch launch = PackagedJar.launch();
        Path out = Path.of("target", "chaos", "short-run-" + UUID.randomUUID());
        List<String> command = new ArrayList<>(List.of(
                "chaos",
                "embedded",
                "--seed",
                "20261201",
                "--faults",
                String.join(",", FAULTS),
                "--iterations",
                Integer.toString(FAULTS.size()),
                "--rate",
                "8",
                "--mix",
                "declined=0.2,out_of_stock=0.05,shipping_failure=0.15,cancel=0.15",
                "--inject-min",
                "3s",
                "--inject-max",
                "5s",
                "--fault-duration",
                "4s",
                "--after-heal",
                "6s",
                "--drain-timeout",
                "90s",
                "--start-timeout",
                "120s",
                "--skus",
                "10",
                "--jar",
                launch.jar().toString(),
                "--app-jvm-options",
                ("-Xmx512m " + String.join(" ", launch.jvmOptions())).strip(),
                "--out",
                out.toString()));

        int exit = Chaos.run(new Args(command.toArray(String[]::new), 1));

        JsonNode results = Report.JSON.readTree(Files.readString(out.resolve("results.json")));
        assertThat(exit).as(Files.readString(out.resolve("report.md"))).isZero();
        assertThat(results.path("passed").asBoolean()).isTrue();
        JsonNode iterations = results.path("iterations");
        assertThat(iterations).hasSize(FAULTS.size());
        List<String> faults = new ArrayList<>();
        long compensations = 0;
        for (JsonNode iteration : iterations) {
            String fault = iteration.path("fault").asString();
            faults.add(fault);
            assertThat(iteration.path("passed").asBoolean()).as(fault).isTrue();
            assertThat(iteration.path("drained").asBoolean()).as(fault).isTrue();
            assertThat(iteration.path("violations")).as(fault).isEmpty();
            assertThat(iteration.path("accepted").asLong())
                    .as(fault + ": orders accepted")
                    .isPositive();
            compensations += iteration.path("compensations").asLong();
            if (fault.equals("duplicate")) {
                assertThat(iteration.path("observed").path("duplicated").asLong())
                        .as("messages the fault delivered twice")
                        .isPositive();
            }
        }
        assertThat(faults).containsExactlyInAnyOrderElementsOf(FAULTS);
        assertThat(compensations).as("compensations run under the faults").isPositive();
    }
}
