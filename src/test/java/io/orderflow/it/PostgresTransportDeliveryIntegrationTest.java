package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.messaging.Dispatcher;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.messaging.Transport;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The PostgreSQL queue transport, here on the local PostgreSQL server (external database mode). */
class PostgresTransportDeliveryIntegrationTest extends MessageDeliveryScenarios {

    // the slow card keeps the payment consumer inside its transaction long enough for the test to find and kill it
    @RegisterExtension
    static final LocalApp local =
            LocalApp.onPostgresTransport(Map.of("orderflow.payment.provider.slow-card-latency", "5s"));

    @Override
    RunningApp app() {
        return local.app();
    }

    record Kept(String id) {}

    record Dropped(String id) {}

    @Test
    void aModuleThatRetiresATypeRemovesItsBinding() {
        String module = "retiring" + UUID.randomUUID().toString().substring(0, 8);
        String queue = "orderflow." + module;
        JdbcClient jdbc = app().jdbc();
        // what an earlier version of the module declared
        for (String type : List.of("Kept", "Dropped")) {
            jdbc.sql("insert into broker.binding (queue, routing_key) values (?, ?)")
                    .params(queue, type)
                    .update();
        }

        app().bean(Transport.class)
                .subscribe(
                        MessageHandlers.forModule(module)
                                .on(Kept.class, (message, context) -> {})
                                .retired(Dropped.class, (message, context) -> {})
                                .build(),
                        app().bean(Dispatcher.class));

        assertThat(jdbc.sql("select routing_key from broker.binding where queue = ?")
                        .param(queue)
                        .query(String.class)
                        .list())
                .containsExactly("Kept");
    }
}
