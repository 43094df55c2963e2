package io.orderflow.it;

import java.util.Map;

/**
 * Distributed mode on the local PostgreSQL and RabbitMQ: every module in its own application context (as it
 * would be in its own process), and two payment instances competing on the payment queue.
 */
class DistributedModeIntegrationTest extends DistributedModeScenarios {

    private final String namespace = TestInfrastructure.newNamespace();

    @Override
    RunningApp startModules(String modules, String databaseUrl, Map<String, String> extra) {
        return RunningApp.distributed(modules, databaseUrl, namespace, extra);
    }

    @Override
    void deleteBrokerState() {
        TestInfrastructure.deleteNamespace(namespace);
    }

    @Override
    String brokerHealthComponent() {
        return "rabbit";
    }
}
