package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.rabbit.RabbitTransport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Found by the chaos harness's distributed mode (docs/reliability.md): after its RabbitMQ node crashed and came back,
 * the first re-delivery through a process's transport (a poison message, a duplicate, an operator's re-drive) failed
 * with "connection is already closed", because the transport kept the confirm channel it had opened before the crash
 * and used it once more before replacing it. A publisher whose connection has died is now replaced before it is used.
 * The broker's side of a crash is simulated by aborting the publisher connections the transport opened.
 */
class RabbitTransportStaleConnectionIntegrationTest {

    private final String namespace = TestInfrastructure.newNamespace();
    private final RecordingRabbitFactory publishers = new RecordingRabbitFactory("orderflow-publisher"::equals);
    private final List<Connection> opened = publishers.opened();
    private final CachingConnectionFactory factory = new CachingConnectionFactory(publishers);
    private RabbitTransport transport;

    @AfterEach
    void tearDown() {
        if (transport != null) {
            transport.stop();
        }
        factory.destroy();
        TestInfrastructure.deleteNamespace(namespace);
    }

    @Test
    void aPublisherWhoseConnectionDiedIsReplacedBeforeItIsUsed() {
        transport = new RabbitTransport(
                namespace, factory, new DataSourceTransactionManager(new DriverManagerDataSource()), 10, 1);
        new RabbitAdmin(factory).declareQueue(new Queue(namespace + ".inventory"));

        transport.redeliver("inventory", envelope());
        assertThat(transport.publish(List.of(envelope()))).hasSize(1); // no binding: returned, but confirmed
        assertThat(opened).hasSize(2);

        // the broker goes away under both publishers: their connections are closed when next used
        opened.forEach(Connection::abort);

        transport.redeliver("inventory", envelope());
        transport.publish(List.of(envelope()));
        assertThat(opened).hasSize(4);
        assertThat(opened.subList(2, 4)).allSatisfy(c -> assertThat(c.isOpen()).isTrue());
    }

    private static Envelope envelope() {
        return new Envelope(
                UUID.randomUUID(),
                "StaleConnectionProbe",
                Envelope.CURRENT_VERSION,
                null,
                null,
                Instant.now(),
                "{}",
                Map.of());
    }
}
