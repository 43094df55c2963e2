package io.orderflow.it;

import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The local broker's connection factory as the application's is (no automatic recovery: a dead connection stays
 * dead, and its owner replaces it), remembering the connections opened under the names it is asked to, so that a test
 * can abort them as a broker restart or a cut connection would.
 */
public final class RecordingRabbitFactory extends ConnectionFactory {

    private final Predicate<String> recorded;
    private final List<Connection> opened = new CopyOnWriteArrayList<>();
    private final Map<Connection, Optional<ExecutorService>> executors = new ConcurrentHashMap<>();

    /** @param recorded which client-provided connection names to remember */
    public RecordingRabbitFactory(Predicate<String> recorded) {
        this.recorded = recorded;
        setHost(TestInfrastructure.RABBIT_HOST);
        setPort(Integer.parseInt(TestInfrastructure.RABBIT_PORT));
        setUsername(TestInfrastructure.RABBIT_USER);
        setPassword(TestInfrastructure.RABBIT_PASSWORD);
        setAutomaticRecoveryEnabled(false);
    }

    /** Every other {@code newConnection} comes here, with the factory's own executor when it is given none. */
    @Override
    public Connection newConnection(
            @Nullable ExecutorService executor, AddressResolver addressResolver, @Nullable String clientProvidedName)
            throws IOException, TimeoutException {
        Connection connection = super.newConnection(executor, addressResolver, clientProvidedName);
        if (clientProvidedName != null && recorded.test(clientProvidedName)) {
            opened.add(connection);
            executors.put(connection, Optional.ofNullable(executor));
        }
        return connection;
    }

    /** The remembered connections, in the order they were opened. */
    public List<Connection> opened() {
        return opened;
    }

    /** The executor a remembered connection runs its consumers' callbacks on; empty: the client's own pool. */
    public Optional<ExecutorService> consumerExecutorOf(Connection connection) {
        return executors.getOrDefault(connection, Optional.empty());
    }
}
