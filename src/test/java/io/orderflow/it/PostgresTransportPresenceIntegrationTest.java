package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The PostgreSQL transport on an external database announces new messages to other processes (NOTIFY) only while
 * another process is there to hear them. This test listens on the transport's channels as an outsider: while it
 * stays silent, the process it watches sends heartbeats and nothing else; once it says hello like another
 * process, it is told to drain every queue and then hears of each new message.
 */
class PostgresTransportPresenceIntegrationTest {

    static final String BROKER = "orderflow_broker";
    static final String PRESENCE = "orderflow_presence";
    static final String ME = "presence-test";

    String databaseUrl;
    RunningApp app;
    Connection listening;
    Connection speaking;
    ScheduledExecutorService heartbeat;
    final List<PGNotification> heard = new ArrayList<>();

    @BeforeEach
    void start() throws SQLException {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        Map<String, String> settings = new HashMap<>(TestInfrastructure.externalDatabase(databaseUrl));
        settings.put("orderflow.transport", "postgres");
        app = RunningApp.start(settings);
        listening =
                DriverManager.getConnection(databaseUrl, TestInfrastructure.PG_USER, TestInfrastructure.PG_PASSWORD);
        speaking = DriverManager.getConnection(databaseUrl, TestInfrastructure.PG_USER, TestInfrastructure.PG_PASSWORD);
        try (Statement statement = listening.createStatement()) {
            statement.execute("LISTEN " + BROKER);
            statement.execute("LISTEN " + PRESENCE);
        }
    }

    @AfterEach
    void stop() throws SQLException {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        if (app != null) {
            app.close();
        }
        listening.close();
        speaking.close();
        TestInfrastructure.dropDatabase(databaseUrl);
    }

    @Test
    void announcesMessagesToOtherProcessesOnlyWhileOneIsThere() throws Exception {
        OrderApi api = new OrderApi(app.baseUrl());
        placeAndFinishAnOrder(api);
        // two heartbeats after the order finished: the first may have been queued before its last announcements,
        // the second was queued a second after the first (notifications arrive in the order they were sent)
        Predicate<PGNotification> itsHeartbeat = n -> n.getName().equals(PRESENCE) && !fromMe(n);
        long beatsBefore = awaitHeard(itsHeartbeat, 0);
        awaitHeard(itsHeartbeat, beatsBefore + 2);
        String beat =
                heard.stream().filter(itsHeartbeat).findFirst().orElseThrow().getParameter();
        String appInstance = beat.substring(0, beat.indexOf('|'));
        assertThat(heard).noneMatch(n -> n.getName().equals(BROKER));

        heartbeat = Executors.newSingleThreadScheduledExecutor();
        say(ME + "|?");
        heartbeat.scheduleAtFixedRate(() -> say(ME + "|"), 200, 200, TimeUnit.MILLISECONDS);
        // what it may have left unannounced while alone: every listener drains all its queues
        awaitHeard(n -> n.getName().equals(BROKER) && n.getParameter().equals(appInstance + "|*"), 1);

        placeAndFinishAnOrder(api);
        awaitHeard(n -> n.getName().equals(BROKER) && n.getParameter().equals(appInstance + "|orderflow.payment"), 1);
    }

    private static void placeAndFinishAnOrder(OrderApi api) {
        String id = api.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-001", 1), "tok_visa", null));
        api.awaitStatus(id, "completed");
    }

    private static boolean fromMe(PGNotification notification) {
        return notification.getParameter().startsWith(ME + "|");
    }

    private void say(String payload) {
        try (var statement = speaking.prepareStatement("select pg_notify(?, ?)")) {
            statement.setString(1, PRESENCE);
            statement.setString(2, payload);
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads the notifications that have arrived into {@link #heard}, and more until at least {@code count} of them
     * match (at most 15 seconds); returns how many match.
     */
    private long awaitHeard(Predicate<PGNotification> wanted, long count) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        PGConnection pg = listening.unwrap(PGConnection.class);
        for (PGNotification[] arrived; (arrived = pg.getNotifications(1)) != null && arrived.length > 0; ) {
            heard.addAll(Arrays.asList(arrived));
        }
        while (heard.stream().filter(wanted).count() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not heard within 15 s; heard: "
                        + heard.stream()
                                .map(n -> n.getName() + " " + n.getParameter())
                                .toList());
            }
            PGNotification[] arrived = pg.getNotifications(250);
            if (arrived != null) {
                heard.addAll(Arrays.asList(arrived));
            }
        }
        return heard.stream().filter(wanted).count();
    }
}
