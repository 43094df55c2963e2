package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.TestInfrastructure;
import io.orderflow.messaging.ChaosFault;
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
 * The checker catches a module without an inbox: with the test-only breaker {@code orderflow.chaos.skip-inbox} (what
 * the chaos harness's {@code --break-inbox} sets) the notification module applies a message it has seen before a
 * second time, and the {@code duplicate} fault delivers every message twice. Every order then has its notifications
 * twice over, and the checker the harness runs after each iteration says so. Without the breaker the same run passes
 * (the inbox drops every second delivery), which the chaos runs in docs/reliability.md show under load.
 */
class BrokenInboxIntegrationTest {

    static String url;
    static ConfigurableApplicationContext app;
    static InvariantChecker checker;
    static Map<String, Long> baseline;
    static LoadGenerator.Phase phase;
    static ChaosFault duplicate;

    @BeforeAll
    static void runOrdersWithEveryMessageDeliveredTwice() throws Exception {
        url = TestInfrastructure.createDatabase("orderflow_broken_inbox");
        app = CheckedApp.start(
                url,
                TestInfrastructure.PG_USER,
                TestInfrastructure.PG_PASSWORD,
                "--orderflow.chaos.controls-enabled=true",
                "--orderflow.chaos.skip-inbox=notification:*");
        duplicate = app.getBeansOfType(ChaosFault.class).values().stream()
                .filter(f -> f.name().equals("duplicate"))
                .findFirst()
                .orElseThrow();
        Db db = new Db(url, TestInfrastructure.PG_USER, TestInfrastructure.PG_PASSWORD);
        checker = new InvariantChecker(db.dataSource());
        List<String> skus = Benchmark.setUpSkus(JdbcClient.create(db.dataSource()), 5);
        baseline = checker.stockTotals();
        duplicate.inject(Map.of());
        LoadGenerator load = new LoadGenerator(CheckedApp.baseUrl(app), skus, LoadGenerator.Mix.parse(""));
        phase = load.closedLoop(
                "broken-inbox", "inbox-", 2, Duration.ofSeconds(2), new LoadGenerator.Progress(() -> 0));
        Awaitility.await("orders finished, queues and outboxes empty")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    Map<String, Long> left = checker.inFlight();
                    return left.get("open_orders") == 0 && left.get("broker_queue") == 0 && left.get("outbox") == 0;
                });
        duplicate.heal();
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
    void reportsEveryOrderWhoseNotificationsWereAppliedTwice() {
        assertThat(phase.accepted.get()).isPositive();
        assertThat(((Number) duplicate.details().get("duplicated")).longValue())
                .as("messages the duplicate fault delivered a second time")
                .isPositive();

        InvariantChecker.Result result = checker.check(baseline);

        String rule = "terminal order without exactly 2 notifications (placed + outcome; none without an e-mail "
                + "address): a message lost or applied twice";
        assertThat(result.violations())
                .as("only the broken module's guarantee is reported: the other inboxes dropped their duplicates")
                .extracting(InvariantChecker.Violation::rule)
                .containsExactly(rule);
        assertThat(result.violations().get(0).count())
                .as("every order: both of its notifications were delivered, and applied, twice")
                .isEqualTo(phase.accepted.get());
    }
}
