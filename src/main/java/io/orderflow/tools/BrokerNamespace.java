package io.orderflow.tools;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * {@code benchmark delete-namespace <namespace>}: removes a finished run's queues and exchanges from RabbitMQ once
 * its processes have stopped. {@code rabbitmqctl} deletes queues but not exchanges, so every run used to leave its
 * two exchanges on the broker.
 *
 * <p>The tools depend on no module of the application, so the names are spelled here as the RabbitMQ transport
 * declares them: per module {@code <namespace>.<module>}, its {@code .retry} and the reorder fault's {@code .held};
 * the messages' topic exchange {@code <namespace>}; per broadcast topic the fanout exchange
 * {@code <namespace>.broadcast.<topic>}. {@code BrokerNamespaceIntegrationTest} checks them against the transport.
 * The integration tests remove their namespaces with it too.
 */
public final class BrokerNamespace {

    static final List<String> MODULES =
            List.of("order", "catalog", "inventory", "payment", "shipping", "notification", "customer");

    /** The topics orderflow broadcasts on (the order module's {@code OrderChanges}), each a fanout exchange. */
    static final List<String> BROADCAST_TOPICS = List.of("order-changed");

    private BrokerNamespace() {}

    static int run(Args args) throws IOException {
        List<String> positional = args.positional();
        if (positional.size() != 2 || positional.get(1).isBlank()) {
            throw new IllegalArgumentException(
                    "usage: benchmark delete-namespace <namespace> [--rabbit-uri amqp://guest:guest@127.0.0.1:5672]");
        }
        String namespace = positional.get(1);
        delete(args.get("rabbit-uri", "amqp://guest:guest@127.0.0.1:5672"), namespace);
        System.out.println("deleted RabbitMQ namespace " + namespace);
        return 0;
    }

    /** Deletes the namespace's queues and exchanges on the broker at {@code rabbitUri}; what is not there is skipped. */
    public static void delete(String rabbitUri, String namespace) throws IOException {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(rabbitUri);
        } catch (URISyntaxException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--rabbit-uri " + rabbitUri + ": " + e.getMessage(), e);
        }
        try (Connection connection = factory.newConnection("orderflow-benchmark-cleanup");
                Channel channel = connection.createChannel()) {
            // deleting what is not there is no error
            for (String module : MODULES) {
                channel.queueDelete(namespace + "." + module);
                channel.queueDelete(namespace + "." + module + ".retry");
                channel.queueDelete(namespace + "." + module + ".held");
            }
            for (String topic : BROADCAST_TOPICS) {
                channel.exchangeDelete(namespace + ".broadcast." + topic);
            }
            channel.exchangeDelete(namespace);
        } catch (TimeoutException e) {
            throw new IOException("RabbitMQ at " + factory.getHost() + ":" + factory.getPort() + " did not answer", e);
        }
    }
}
