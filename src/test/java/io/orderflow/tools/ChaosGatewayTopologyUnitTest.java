package io.orderflow.tools;

import static io.orderflow.tools.ChaosPlans.settings;
import static io.orderflow.tools.ChaosPlans.targetsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed mode's gateway topology ({@code --topology gateway}: the gateway in front, order and payment twice)
 * and the opt-in {@code reorder} fault on RabbitMQ: neither moves the plan of a seed that does not name them.
 */
class ChaosGatewayTopologyUnitTest {

    @TempDir
    Path out;

    @Test
    void theDirectTopologyIsTheDefaultAndPlansAsBefore() {
        ChaosPlan before = ChaosPlan.of(settings("distributed", "--seed", "7", "--iterations", "8"));
        ChaosPlan direct =
                ChaosPlan.of(settings("distributed", "--seed", "7", "--iterations", "8", "--topology", "direct"));

        assertThat(direct).isEqualTo(before);
        assertThat(settings("distributed").topology()).isEqualTo(DistributedTopology.DIRECT);
        // seed 7's pinned plan (ChaosPlanUnitTest): kill-instance takes payment-1
        assertThat(targetsOf(before, "kill-instance")).containsExactly("payment-1");
    }

    @Test
    void theGatewayTopologyDealsTheOrderInstancesAndTheGatewayWithoutMovingFaultsOrTimes() {
        ChaosPlan direct = ChaosPlan.of(settings("distributed", "--seed", "99", "--iterations", "64"));
        ChaosPlan gateway =
                ChaosPlan.of(settings("distributed", "--seed", "99", "--iterations", "64", "--topology", "gateway"));

        assertThat(gateway.steps())
                .extracting(ChaosPlan.Step::fault, ChaosPlan.Step::injectAt, ChaosPlan.Step::loadSeed)
                .isEqualTo(direct.steps().stream()
                        .map(s -> tuple(s.fault(), s.injectAt(), s.loadSeed()))
                        .toList());
        List<String> instances = targetsOf(gateway, "kill-instance");
        assertThat(instances).hasSize(8);
        // a deck: each round of four deals every instance once
        assertThat(instances.subList(0, 4)).containsExactlyInAnyOrder("payment-1", "payment-2", "order-1", "order-2");
        assertThat(instances.subList(4, 8)).containsExactlyInAnyOrder("payment-1", "payment-2", "order-1", "order-2");
        List<String> modules = targetsOf(gateway, "kill-module");
        assertThat(modules.subList(0, 8))
                .containsExactlyInAnyOrder(
                        "order", "catalog", "inventory", "payment", "shipping", "notification", "customer", "gateway");
        assertThat(targetsOf(gateway, "pause-module"))
                .allSatisfy(t -> assertThat(t).isIn(DistributedDeployment.PARTICIPANTS));
    }

    @Test
    void theGatewayTopologyIsTheDistributedModesOnly() {
        assertThatThrownBy(() -> settings("embedded", "--topology", "gateway"))
                .hasMessageContaining("distributed mode's");
        assertThatThrownBy(() -> settings("distributed", "--topology", "mesh"))
                .hasMessageContaining("direct or gateway");
    }

    @Test
    void reorderIsOptInInTheDistributedMode() {
        assertThat(settings("distributed").faults()).doesNotContain("reorder").isEqualTo(ChaosPlan.DISTRIBUTED_FAULTS);
        assertThat(settings("distributed", "--faults", "all").faults())
                .containsExactlyElementsOf(ChaosPlan.ALL_DISTRIBUTED_FAULTS)
                .contains("reorder");
        ChaosPlan plan = ChaosPlan.of(settings(
                "distributed", "--seed", "51", "--iterations", "6", "--faults", "kill-instance,reorder,kill-module"));
        assertThat(plan.steps()).extracting(ChaosPlan.Step::fault).contains("reorder");
        ChaosPlan.Step reorder = plan.steps().stream()
                .filter(s -> s.fault().equals("reorder"))
                .findFirst()
                .orElseThrow();
        assertThat(reorder.target()).isEqualTo("transport (every module process)");
        assertThat(Nemesis.of(reorder)).isInstanceOf(ReorderNemesis.class);
        // and it combines, as the other distributed faults do
        assertThat(settings("distributed", "--faults", "reorder+kill-module").faults())
                .containsExactly("reorder+kill-module");
    }

    @Test
    void theGatewayDeploymentRunsOrderTwiceBehindTheGatewayWhichListsEveryInstance() throws Exception {
        HarnessRabbit rabbit = new HarnessRabbit(Path.of("/nonexistent"), 1, 2, out);
        try {
            DistributedDeployment d = ChaosPlans.deployment(out, rabbit, DistributedTopology.GATEWAY);

            assertThat(d.members().keySet())
                    .containsExactly(
                            "order-1",
                            "order-2",
                            "catalog",
                            "inventory",
                            "payment-1",
                            "payment-2",
                            "shipping",
                            "notification",
                            "customer",
                            "gateway");
            assertThat(d.target("order"))
                    .extracting(DistributedDeployment.Member::name)
                    .containsExactly("order-1", "order-2");
            assertThat(d.target("gateway"))
                    .singleElement()
                    .satisfies(m -> assertThat(m.module()).isEqualTo("gateway"));
            assertThat(d.entry().url()).isEqualTo(d.member("gateway").process().url());
            assertThat(d.order().url()).isEqualTo(d.member("order-1").process().url());
            assertThat(d.pidLines().lines().toList()).hasSize(11).contains("app -1 gateway", "app -1 order-2");
        } finally {
            rabbit.destroy();
        }
    }

    @Test
    void theGatewayFindsEachInstanceOfAModuleInTheStaticList() {
        Map<String, Integer> ports = new LinkedHashMap<>(); // in the deployment's order
        ports.put("order-1", 9001);
        ports.put("order-2", 9002);
        ports.put("customer", 9003);
        List<String> arguments =
                DistributedDeployment.gatewayArguments(List.of("--orderflow.rate-limit.enabled=false"), 9000, ports);

        assertThat(arguments)
                .contains(
                        "--orderflow.rate-limit.enabled=false",
                        "--orderflow.modules=gateway",
                        "--server.port=9000",
                        "--eureka.client.enabled=false",
                        "--spring.cloud.discovery.enabled=true",
                        "--orderflow.security.jwks-uri=http://127.0.0.1:9003/.well-known/jwks.json",
                        "--spring.cloud.discovery.client.simple.instances.order[0].uri=http://127.0.0.1:9001",
                        "--spring.cloud.discovery.client.simple.instances.order[1].uri=http://127.0.0.1:9002",
                        "--spring.cloud.discovery.client.simple.instances.customer[0].uri=http://127.0.0.1:9003");
    }
}
