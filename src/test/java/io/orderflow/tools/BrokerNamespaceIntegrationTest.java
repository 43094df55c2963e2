package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.orderflow.it.TestInfrastructure;
import io.orderflow.messaging.Topology;
import io.orderflow.messaging.rabbit.RabbitTransport;
import io.orderflow.order.OrderChanges;
import io.orderflow.platform.Modules;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code benchmark delete-namespace} against the local RabbitMQ: what a process of the namespace declared (a module's
 * queues, the topic exchange, the order changes' broadcast exchange) is gone afterwards, and another namespace's is
 * not touched.
 */
class BrokerNamespaceIntegrationTest {

    static final String URI = TestInfrastructure.rabbitUri();

    @Test
    void deletesTheQueuesAndExchangesOfOneNamespaceOnly() throws Exception {
        String gone = "orderflow-it-" + UUID.randomUUID().toString().substring(0, 8);
        String kept = "orderflow-it-" + UUID.randomUUID().toString().substring(0, 8);
        declareAsAProcessDoes(gone);
        declareAsAProcessDoes(kept);
        List<String> exchanges = List.of("", ".broadcast." + OrderChanges.TOPIC);
        List<String> queues = List.of(".payment", ".payment.retry");
        try {
            for (String suffix : exchanges) {
                assertThat(exchangeExists(gone + suffix)).as(gone + suffix).isTrue();
            }
            for (String suffix : queues) {
                assertThat(queueExists(gone + suffix)).as(gone + suffix).isTrue();
            }

            int status = Benchmark.run(new Args(new String[] {"delete-namespace", gone, "--rabbit-uri", URI}, 0));

            assertThat(status).isZero();
            for (String suffix : exchanges) {
                assertThat(exchangeExists(gone + suffix)).as(gone + suffix).isFalse();
                assertThat(exchangeExists(kept + suffix)).as(kept + suffix).isTrue();
            }
            for (String suffix : queues) {
                assertThat(queueExists(gone + suffix)).as(gone + suffix).isFalse();
                assertThat(queueExists(kept + suffix)).as(kept + suffix).isTrue();
            }
            // again: nothing is left to delete, which is no error
            assertThat(Benchmark.run(new Args(new String[] {"delete-namespace", gone, "--rabbit-uri", URI}, 0)))
                    .isZero();
        } finally {
            BrokerNamespace.delete(URI, kept);
        }
        assertThat(exchangeExists(kept)).isFalse();
    }

    @Test
    void namesTheModulesAndTopicsTheApplicationHas() {
        assertThat(BrokerNamespace.MODULES).containsExactlyInAnyOrderElementsOf(Modules.ALL);
        assertThat(BrokerNamespace.BROADCAST_TOPICS).containsExactly(OrderChanges.TOPIC);
    }

    @Test
    void wantsTheNamespace() {
        assertThatThrownBy(() -> Benchmark.run(new Args(new String[] {"delete-namespace"}, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delete-namespace <namespace>");
    }

    /** Declares what one process of the namespace declares: the consumers' queues and a broadcast listener's exchange. */
    private static void declareAsAProcessDoes(String namespace) {
        CachingConnectionFactory factory = TestInfrastructure.rabbitConnectionFactory();
        RabbitTransport transport = new RabbitTransport(
                namespace, factory, new DataSourceTransactionManager(new DriverManagerDataSource()), 10, 1);
        try {
            transport.declare(new Topology(Map.of("payment", Set.of("ChargePayment"))));
            transport.onBroadcast(OrderChanges.TOPIC, payload -> {});
        } finally {
            transport.stop();
            factory.destroy();
        }
    }

    private static boolean exchangeExists(String name) throws Exception {
        return passive(channel -> channel.exchangeDeclarePassive(name));
    }

    private static boolean queueExists(String name) throws Exception {
        return passive(channel -> channel.queueDeclarePassive(name));
    }

    private interface Declaration {
        void run(Channel channel) throws IOException;
    }

    /** A passive declaration fails (and closes its channel) when the queue or exchange is not there. */
    private static boolean passive(Declaration declaration) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(URI);
        try (Connection connection = factory.newConnection()) {
            Channel channel = connection.createChannel();
            try {
                declaration.run(channel);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }
}
