package io.orderflow.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Distributed mode on the local PostgreSQL and RabbitMQ: every module in its own application context (as it
 * would be in its own process), and two payment instances competing on the payment queue.
 */
class DistributedModeIntegrationTest extends OrderScenarios {

    static final List<RunningApp> apps = new ArrayList<>();
    static String databaseUrl;
    static String namespace;
    static RunningApp orderApp;
    static OrderApi api;

    @BeforeAll
    static void start() {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        namespace = TestInfrastructure.newNamespace();
        // consumers first, so their queues are bound before the order module publishes
        for (String module : List.of("catalog", "inventory", "payment", "payment", "shipping", "notification")) {
            apps.add(RunningApp.distributed(module, databaseUrl, namespace,
                    Map.of("orderflow.payment.provider.slow-card-latency", "2s")));
        }
        orderApp = RunningApp.distributed("order", databaseUrl, namespace, Map.of());
        apps.add(orderApp);
        api = new OrderApi(orderApp.baseUrl());
    }

    @AfterAll
    static void stop() {
        apps.forEach(RunningApp::close);
        if (namespace != null) {
            TestInfrastructure.deleteNamespace(namespace);
        }
        if (databaseUrl != null) {
            TestInfrastructure.dropDatabase(databaseUrl);
        }
    }

    @Override
    OrderApi api() {
        return api;
    }

    @Override
    JdbcClient database() {
        return orderApp.jdbc();
    }

    @Override
    boolean postgresBroker() {
        return false;
    }
}
