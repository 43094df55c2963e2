package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.TestInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The checker can fail: with the test-only breaker {@code orderflow.chaos.lose-messages} (what the chaos harness's
 * {@code --break} sets), inventory acknowledges every {@code ReleaseStock} without applying it, as a transport that
 * lost acknowledged messages would. Orders whose card is declined end failed while their stock stays reserved, and
 * the checker the chaos harness runs after each iteration reports exactly that.
 */
class BrokenGuaranteeIntegrationTest {

    static String url;
    static ConfigurableApplicationContext app;
    static InvariantChecker checker;
    static Map<String, Long> baseline;
    static LoadGenerator.Phase phase;

    @BeforeAll
    static void runDeclinedOrdersWithReleasesLost() throws Exception {
        url = TestInfrastructure.createDatabase("orderflow_broken");
        app = CheckedApp.start(
                url,
                TestInfrastructure.PG_USER,
                TestInfrastructure.PG_PASSWORD,
                "--orderflow.chaos.lose-messages=inventory:ReleaseStock");
        Db db = new Db(url, TestInfrastructure.PG_USER, TestInfrastructure.PG_PASSWORD);
        checker = new InvariantChecker(db.dataSource());
        List<String> skus = Benchmark.setUpSkus(JdbcClient.create(db.dataSource()), 5);
        baseline = checker.stockTotals();
        LoadGenerator load = new LoadGenerator(CheckedApp.baseUrl(app), skus, LoadGenerator.Mix.parse("declined=1"));
        phase = load.closedLoop("broken", "broken-", 2, Duration.ofSeconds(2), new LoadGenerator.Progress(() -> 0));
        // every order fails at payment; the release that would undo its reservation is lost. The queues empty and
        // the orders end, but the harness's drain never completes: reservations stay held by finished orders
        Awaitility.await("orders finished, queues empty")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    Map<String, Long> left = checker.inFlight();
                    return left.get("open_orders") == 0 && left.get("broker_queue") == 0 && left.get("outbox") == 0;
                });
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (url != null) {
            TestInfrastructure.dropDatabase(url);
        }
    }

    @Test
    void reportsTheReservationsOfFailedOrdersThatWereNeverReleased() {
        assertThat(phase.accepted.get()).isPositive();

        InvariantChecker.Result result = checker.check(baseline);

        assertThat(checker.inFlight())
                .as("what keeps the chaos harness's drain from finishing")
                .containsEntry("held_by_terminal", (long) phase.accepted.get());

        assertThat(result.violations())
                .extracting(InvariantChecker.Violation::rule)
                .contains("terminal order still holds a reservation");
        assertThat(result.violations())
                .filteredOn(v -> v.rule().equals("terminal order still holds a reservation"))
                .singleElement()
                .satisfies(v -> assertThat(v.count()).isEqualTo(phase.accepted.get()));
    }
}
