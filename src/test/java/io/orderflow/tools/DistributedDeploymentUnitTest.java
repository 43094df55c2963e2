package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distributed mode's deployment as planned, before anything starts: no process, no node, no database. */
class DistributedDeploymentUnitTest {

    @TempDir
    Path out;

    private DistributedDeployment deployment(HarnessTransport broker) throws Exception {
        return ChaosPlans.deployment(out, broker, DistributedTopology.DIRECT);
    }

    @Test
    void runsEveryModuleOnceAndPaymentTwiceAndNamesTargetsByModuleOrInstance() throws Exception {
        HarnessRabbit rabbit = new HarnessRabbit(Path.of("/nonexistent"), 1, 2, out);
        try {
            DistributedDeployment d = deployment(rabbit);

            assertThat(d.members().keySet())
                    .containsExactly(
                            "order",
                            "catalog",
                            "inventory",
                            "payment-1",
                            "payment-2",
                            "shipping",
                            "notification",
                            "customer");
            assertThat(d.target("payment"))
                    .extracting(DistributedDeployment.Member::name)
                    .containsExactly("payment-1", "payment-2");
            assertThat(d.target("payment-2"))
                    .extracting(DistributedDeployment.Member::name)
                    .containsExactly("payment-2");
            assertThat(d.target("inventory"))
                    .singleElement()
                    .extracting(DistributedDeployment.Member::module)
                    .isEqualTo("inventory");
            assertThat(d.order().url()).isEqualTo(d.member("order").process().url());
            assertThatThrownBy(() -> d.target("gateway")).hasMessageContaining("no process or module named gateway");
            // every process has a log directory of its own (each start logs to app-NN.log in it)
            assertThat(out.resolve("logs/payment-2")).isDirectory();
            // before the start nobody has said which runtime faults it offers
            assertThatThrownBy(() -> d.controlsFor("duplicate")).isInstanceOf(IllegalStateException.class);
            // the script's trap reads these: one app line per process, the node's VM and directory
            assertThat(d.pidLines().lines().toList())
                    .hasSize(9)
                    .contains("app -1 payment-2", "rabbit -1 " + rabbit.directory());
        } finally {
            rabbit.destroy();
        }
        assertThat(Files.exists(rabbit.directory())).isFalse();
    }

    @Test
    void onRedisEveryProcessGetsTheRedisProfileAndTheHarnesssServerAndNoBroker() throws Exception {
        HarnessRedis redis = new HarnessRedis("redis-server", 36379, "always", out);
        try {
            DistributedDeployment d = deployment(redis);

            assertThat(d.redis).isSameAs(redis);
            assertThat(d.rabbit).isNull();
            for (DistributedDeployment.Member m : d.members().values()) {
                assertThat(m.process().arguments())
                        .contains(
                                "--spring.profiles.active=distributed,redis",
                                "--orderflow.redis.url=redis://127.0.0.1:36379",
                                "--orderflow.redis.prefix=orderflow-chaos-test",
                                "--orderflow.modules=" + m.module())
                        .noneMatch(a -> a.startsWith("--spring.rabbitmq.") || a.contains("messaging.rabbitmq"))
                        .filteredOn(a -> a.startsWith("--spring.profiles.active="))
                        .hasSize(1);
            }
            assertThat(d.pidLines().lines().toList())
                    .hasSize(9)
                    .contains("app -1 payment-2", "redis -1 " + redis.directory());
            assertThat(redis.directory().toString()).startsWith("/tmp/orderflow-chaos-redis-");
        } finally {
            redis.destroy();
        }
        assertThat(Files.exists(redis.directory())).isFalse();
    }

    @Test
    void onRabbitmqEveryProcessGetsTheNodeAndTheNamespace() throws Exception {
        HarnessRabbit rabbit = new HarnessRabbit(Path.of("/nonexistent"), 35672, 35673, out);
        try {
            assertThat(deployment(rabbit).member("payment-1").process().arguments())
                    .contains(
                            "--spring.profiles.active=distributed",
                            "--spring.rabbitmq.port=35672",
                            "--orderflow.messaging.rabbitmq.namespace=orderflow-chaos-test")
                    .noneMatch(a -> a.startsWith("--orderflow.redis."));
        } finally {
            rabbit.destroy();
        }
    }

    @Test
    void aNodeOfItsOwnNamesItselfAndItsDirectory() throws Exception {
        HarnessRabbit rabbit = new HarnessRabbit(Path.of("/nonexistent"), 35672, 35673, out);
        try {
            assertThat(rabbit.node()).startsWith("chaos-").endsWith("@localhost");
            assertThat(rabbit.directory().getFileName().toString()).startsWith("orderflow-chaos-rabbit-");
            assertThat(Files.readString(rabbit.directory().resolve("rabbitmq.conf")))
                    .contains("listeners.tcp.1 = 127.0.0.1:35672");
            assertThat(Files.readString(rabbit.directory().resolve("rabbitmq-env.conf")))
                    .isEmpty();
            assertThat(rabbit.pid()).isEqualTo(-1);
        } finally {
            rabbit.destroy();
        }
    }

    @Test
    void readsTheQueueDepthsOfTheRunsNamespace() {
        assertThat(HarnessRabbit.depths(
                        List.of(
                                "orderflow-chaos-x.payment\t3",
                                "orderflow-chaos-x.payment.retry\t0",
                                "other.payment\t7",
                                "name\tmessages",
                                "Timeout: 60.0 seconds ..."),
                        "orderflow-chaos-x."))
                .containsExactly(entry("orderflow-chaos-x.payment", 3L), entry("orderflow-chaos-x.payment.retry", 0L));
    }
}
