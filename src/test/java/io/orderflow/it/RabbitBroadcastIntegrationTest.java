package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.messaging.rabbit.RabbitTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Broadcasts on the real RabbitMQ: every process hears each one once, all the listeners of a process hear it through
 * the one queue they share, and a listener that fails does not keep it from the others.
 */
class RabbitBroadcastIntegrationTest {

    private static final String TOPIC = "probe-changed";

    private final String namespace = TestInfrastructure.newNamespace();
    private final CachingConnectionFactory first = TestInfrastructure.rabbitConnectionFactory();
    private final CachingConnectionFactory second = TestInfrastructure.rabbitConnectionFactory();
    private final List<RabbitTransport> transports = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        transports.forEach(RabbitTransport::stop);
        first.destroy();
        second.destroy();
        CachingConnectionFactory factory = TestInfrastructure.rabbitConnectionFactory();
        try {
            new RabbitAdmin(factory).deleteExchange(namespace + ".broadcast." + TOPIC);
        } finally {
            factory.destroy();
        }
        TestInfrastructure.deleteNamespace(namespace);
    }

    @Test
    void everyListenerOfEveryProcessHearsEachBroadcastOnceAndAFailingOneKeepsItFromNoOther() {
        List<String> live = new CopyOnWriteArrayList<>();
        List<String> projector = new CopyOnWriteArrayList<>();
        List<String> elsewhere = new CopyOnWriteArrayList<>();
        RabbitTransport here = transport(first);
        here.onBroadcast(TOPIC, payload -> {
            throw new IllegalStateException("a listener that fails");
        });
        here.onBroadcast(TOPIC, live::add);
        here.onBroadcast(TOPIC, projector::add);
        transport(second).onBroadcast(TOPIC, elsewhere::add);
        transports.forEach(RabbitTransport::start);

        here.broadcast(TOPIC, "order-1");
        here.broadcast(TOPIC, "order-2");

        Awaitility.await("every listener heard both")
                .atMost(Duration.ofSeconds(20))
                .until(() -> live.size() >= 2 && projector.size() >= 2 && elsewhere.size() >= 2);
        // a broadcast that arrived twice would have come by now, behind the second one
        here.broadcast(TOPIC, "order-3");
        Awaitility.await("the third one heard")
                .atMost(Duration.ofSeconds(20))
                .until(() ->
                        live.contains("order-3") && projector.contains("order-3") && elsewhere.contains("order-3"));
        assertThat(live).containsExactly("order-1", "order-2", "order-3");
        assertThat(projector).containsExactly("order-1", "order-2", "order-3");
        assertThat(elsewhere).containsExactly("order-1", "order-2", "order-3");
    }

    private RabbitTransport transport(CachingConnectionFactory factory) {
        RabbitTransport transport = new RabbitTransport(
                namespace, factory, new DataSourceTransactionManager(new DriverManagerDataSource()), 10, 1);
        transports.add(transport);
        return transport;
    }
}
