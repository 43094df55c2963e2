package io.orderflow.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.orderflow.platform.ModuleDatabase;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox relay on the real PostgreSQL, with a transport whose confirms the test gives: it sends the next batch
 * before the broker has confirmed the last, no more than {@link OutboxRelay#MAX_IN_FLIGHT} unconfirmed, and deletes
 * a batch's rows only once the broker confirmed it; a refused batch's rows are made due for the sweep at once, an
 * unroutable message's row is kept for later.
 */
class OutboxRelayIntegrationTest {

    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.of("shipping");

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ConfirmedByTheTest transport = new ConfirmedByTheTest();
    private final StaticListableBeanFactory none = new StaticListableBeanFactory();
    private final Outbox outbox = new Outbox(
            db.dataSource(),
            db.jdbc(),
            JsonMapper.builder().build(),
            transport,
            new MessageTracing(none.getBeanProvider(Tracer.class), none.getBeanProvider(Propagator.class)),
            new Journal(null, false));
    // the sweep runs once at the start (on an empty outbox), then not for an hour; rows deleted as soon as confirmed
    private final OutboxRelay relay = new OutboxRelay(
            "shipping",
            db.jdbc(),
            new TransactionTemplate(new DataSourceTransactionManager(db.dataSource())),
            transport,
            JsonMapper.builder().build(),
            outbox,
            Duration.ofHours(1),
            Duration.ZERO);

    @AfterEach
    void stop() {
        transport.sent.forEach(s -> s.confirmed().complete(Set.of()));
        relay.stop();
        db.jdbc().sql("delete from shipping.outbox").update();
    }

    @Test
    void sendsTheNextBatchBeforeTheLastIsConfirmedUpToTheBoundAndDeletesOnlyConfirmedRows() throws Exception {
        relay.start();
        int batches = OutboxRelay.MAX_IN_FLIGHT + 1;
        for (int i = 1; i <= batches; i++) {
            relay.handOff(List.of(committed()));
            int sentSoFar = Math.min(i, OutboxRelay.MAX_IN_FLIGHT);
            await().atMost(WAIT).until(() -> transport.sent.size() == sentSoFar);
        }
        Thread.sleep(200); // a relay that ignored the bound would send the last batch now; this one waits
        assertThat(transport.sent).hasSize(OutboxRelay.MAX_IN_FLIGHT);
        assertThat(rows()).isEqualTo(batches);

        transport.sent.get(0).confirmed().complete(Set.of());
        await().atMost(WAIT).until(() -> transport.sent.size() == batches);
        await().atMost(WAIT).until(() -> rows() == batches - 1); // the confirmed batch's row, and only it
        assertThat(transport.mostUnconfirmedAtASend).isEqualTo(OutboxRelay.MAX_IN_FLIGHT - 1);

        transport.sent.forEach(s -> s.confirmed().complete(Set.of()));
        await().atMost(WAIT).until(() -> rows() == 0);
    }

    @Test
    void aRefusedBatchIsDueForTheSweepAtOnceAndAnUnroutableMessageIsKeptForLater() {
        relay.start();
        Envelope refused = committed();
        relay.handOff(List.of(refused));
        await().atMost(WAIT).until(() -> transport.sent.size() == 1);
        transport.sent.get(0).confirmed().completeExceptionally(new IOException("nack"));
        await().atMost(WAIT).until(() -> dueNow(refused));

        Envelope routed = committed();
        Envelope unroutable = committed();
        relay.handOff(List.of(routed, unroutable));
        await().atMost(WAIT).until(() -> transport.sent.size() == 2);
        transport.sent.get(1).confirmed().complete(Set.of(unroutable.messageId()));

        await().atMost(WAIT).until(() -> !exists(routed));
        assertThat(exists(unroutable)).isTrue();
        assertThat(dueNow(unroutable))
                .as("tried again after a delay, not at once")
                .isFalse();
    }

    @Test
    void theCommittingThreadSendsWhatItCommittedWhenItCanAtOnceAndTheRelaysThreadWhenItCannot() {
        relay.start();
        // the relay's thread has run its first sweep and sleeps: nothing else sends
        await().atMost(WAIT).until(() -> relayThread().getState() == Thread.State.TIMED_WAITING);

        relay.handOff(List.of(committed()));
        assertThat(transport.sent).as("sent before the hand-off returned").hasSize(1);
        assertThat(transport.senders).containsExactly(Thread.currentThread().getName());

        transport.sendsWithoutWaiting = false; // no open connection, or the broker blocking it
        relay.handOff(List.of(committed()));
        await().atMost(WAIT).until(() -> transport.sent.size() == 2);
        assertThat(transport.senders).element(1).isEqualTo("outbox-relay-shipping");
    }

    private static Thread relayThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("outbox-relay-shipping"))
                .findFirst()
                .orElseThrow();
    }

    /** An envelope whose row committed as {@link Outbox#send} writes it: due for the sweep only after the grace. */
    private static Envelope committed() {
        Envelope envelope = new Envelope(
                UUID.randomUUID(), "RelayProbe", Envelope.CURRENT_VERSION, null, null, Instant.now(), "{}", Map.of());
        db.jdbc()
                .sql("insert into shipping.outbox (message_id, type, version, occurred_at, payload, next_attempt_at) "
                        + "values (?, ?, ?, now(), '{}'::jsonb, now() + interval '10 seconds')")
                .params(envelope.messageId(), envelope.type(), envelope.version())
                .update();
        return envelope;
    }

    private static int rows() {
        return db.jdbc()
                .sql("select count(*) from shipping.outbox")
                .query(Integer.class)
                .single();
    }

    private static boolean exists(Envelope envelope) {
        return db.jdbc()
                .sql("select exists (select 1 from shipping.outbox where message_id = ?)")
                .param(envelope.messageId())
                .query(Boolean.class)
                .single();
    }

    private static boolean dueNow(Envelope envelope) {
        return db.jdbc()
                .sql("select next_attempt_at <= now() from shipping.outbox where message_id = ?")
                .param(envelope.messageId())
                .query(Boolean.class)
                .single();
    }

    /** A broker whose confirms the test gives: each batch sent is kept with its open future. */
    private static final class ConfirmedByTheTest extends IdleTransport {

        ConfirmedByTheTest() {
            super("confirmed-by-the-test");
        }

        record Sent(List<Envelope> batch, CompletableFuture<Set<UUID>> confirmed) {}

        final List<Sent> sent = new CopyOnWriteArrayList<>();
        /** The threads that sent each batch, in order. */
        final List<String> senders = new CopyOnWriteArrayList<>();
        /** Whether a send that may not wait goes out (as on an open connection the broker is not blocking). */
        volatile boolean sendsWithoutWaiting = true;

        volatile int mostUnconfirmedAtASend;

        @Override
        public @Nullable CompletableFuture<Set<UUID>> publishAsync(List<Envelope> batch, Object lane, boolean mayWait) {
            if (!mayWait && !sendsWithoutWaiting) {
                return null;
            }
            senders.add(Thread.currentThread().getName());
            return publishAsync(batch);
        }

        @Override
        public CompletableFuture<Set<UUID>> publishAsync(List<Envelope> batch) {
            int unconfirmed =
                    (int) sent.stream().filter(s -> !s.confirmed().isDone()).count();
            mostUnconfirmedAtASend = Math.max(mostUnconfirmedAtASend, unconfirmed);
            Sent s = new Sent(batch, new CompletableFuture<>());
            sent.add(s);
            return s.confirmed();
        }

        @Override
        public Set<UUID> publish(List<Envelope> batch) {
            return Set.of(); // the sweep's, on an empty outbox
        }
    }
}
