package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.eureka.cluster.PeerEurekaNodes;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The discovery role is a standalone registry: it does not take its own URL for a peer's. Eureka decides that by
 * comparing the URL's host with the instance's address, which differ here (127.0.0.1 against this host's address,
 * as they do for a service name against a pod's address), so without {@code eureka.server.my-url} it replicated
 * every registration and renewal to itself.
 */
class DiscoveryRoleIntegrationTest {

    @Test
    void aStandaloneRegistryHasNoPeerNotEvenItself() {
        int port = TestInfrastructure.freePort();
        try (RunningApp discovery = RunningApp.start(Map.of(
                "spring.profiles.active",
                "distributed",
                "orderflow.modules",
                "discovery",
                "server.port",
                Integer.toString(port),
                "orderflow.discovery.url",
                "http://127.0.0.1:" + port + "/eureka/"))) {
            assertThat(discovery.bean(PeerEurekaNodes.class).getPeerEurekaNodes())
                    .as("peers of a standalone registry")
                    .isEmpty();
        }
    }
}
