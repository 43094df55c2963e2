package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * A module that has never started loses nothing: every process declares every module's queue, so the commands
 * for shipping wait in shipping's queue until the first shipping process starts, and then the orders complete.
 */
class UnstartedModuleIntegrationTest {

    static String databaseUrl;
    static String namespace;
    static RunningApp everythingButShipping;

    @BeforeAll
    static void startWithoutShipping() {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        namespace = TestInfrastructure.newNamespace();
        everythingButShipping = RunningApp.distributed(
                "order,catalog,inventory,payment,notification,customer", databaseUrl, namespace, Map.of());
    }

    @AfterAll
    static void stop() {
        if (everythingButShipping != null) {
            everythingButShipping.close();
        }
        TestInfrastructure.deleteNamespace(namespace);
        TestInfrastructure.dropDatabase(databaseUrl);
    }

    @Test
    void keepsTheMessagesOfAModuleThatHasNeverStartedUntilItStarts() {
        OrderApi api = new OrderApi(everythingButShipping.baseUrl());
        String id = api.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-003", 1), "tok_visa", "US"));

        api.awaitStatus(id, "shipping");
        CachingConnectionFactory connections = TestInfrastructure.rabbitConnectionFactory();
        try {
            RabbitAdmin admin = new RabbitAdmin(connections);
            Awaitility.await("CreateShipment waits in the shipping queue")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> admin.getQueueInfo(namespace + ".shipping") != null
                            && admin.getQueueInfo(namespace + ".shipping").getMessageCount() == 1);
        } finally {
            connections.destroy();
        }
        // the relay deletes what it published in the transaction that published it, which commits just after the
        // broker took the message: the row is gone a moment later, unless it was kept (unroutable)
        OrderScenarios.awaitUntilAsserted(() -> assertThat(everythingButShipping
                        .jdbc()
                        .sql("select count(*) from orders.outbox")
                        .query(Long.class)
                        .single())
                .as("nothing stranded in the order module's outbox")
                .isZero());

        try (RunningApp shipping = RunningApp.distributed(
                "shipping",
                databaseUrl,
                namespace,
                Map.of("orderflow.security.jwks-uri", everythingButShipping.baseUrl() + "/.well-known/jwks.json"))) {
            api.awaitStatus(id, "completed");
        }
    }
}
