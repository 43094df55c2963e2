package io.orderflow.messaging.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.messaging.BroadcastListeners;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/**
 * What one process's broadcasts become on the broker, without one: its own listeners hear each at once, the others
 * one message per topic for what was broadcast within the linger. The linger here is an hour, so the send happens
 * only where the test calls it.
 */
class BroadcastsUnitTest {

    record Sent(String topic, Message message) {

        String body() {
            return new String(message.getBody(), StandardCharsets.UTF_8);
        }

        Object header(String name) {
            return message.getMessageProperties().getHeaders().get(name);
        }
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<String> heardHere = new CopyOnWriteArrayList<>();
    private final BroadcastListeners listeners = new BroadcastListeners();
    private final Broadcasts broadcasts =
            new Broadcasts(listeners, (topic, message) -> sent.add(new Sent(topic, message)), Duration.ofHours(1));

    @AfterEach
    void stop() {
        broadcasts.stop();
    }

    @Test
    void listenersHereHearAtOnceAndOtherProcessesOneMessagePerTopicEachPayloadOnceInOrder() {
        listeners.add("order-changed", heardHere::add);
        broadcasts.start();

        broadcasts.broadcast("order-changed", "o-1");
        broadcasts.broadcast("order-changed", "o-2");
        broadcasts.broadcast("order-changed", "o-1");
        broadcasts.broadcast("stock-changed", "s-1");

        assertThat(heardHere).containsExactly("o-1", "o-2", "o-1");
        assertThat(sent).as("nothing before the linger is over").isEmpty();

        broadcasts.sendPending();

        assertThat(sent).extracting(Sent::topic).containsExactly("order-changed", "stock-changed");
        Sent orders = sent.get(0);
        assertThat(orders.body()).isEqualTo("o-1\no-2");
        assertThat(orders.header(Broadcasts.PAYLOADS)).isEqualTo(2);
        assertThat(orders.message().getMessageProperties().getDeliveryMode())
                .isEqualTo(MessageDeliveryMode.NON_PERSISTENT);
        assertThat(sent.get(1).body()).isEqualTo("s-1");

        broadcasts.sendPending();
        assertThat(sent).as("what was sent is not sent again").hasSize(2);
    }

    @Test
    void anotherProcessHearsEachPayloadAndThisOneNothingOfItsOwn() {
        broadcasts.start();
        broadcasts.broadcast("order-changed", "o-1");
        broadcasts.broadcast("order-changed", "o-2");
        broadcasts.sendPending();
        Message mine = sent.get(0).message();

        Broadcasts elsewhere = new Broadcasts(new BroadcastListeners(), (topic, message) -> {}, Duration.ZERO);
        assertThat(elsewhere.received(mine)).containsExactly("o-1", "o-2");
        assertThat(broadcasts.received(mine))
                .as("heard here when it was broadcast")
                .isEmpty();
    }

    @Test
    void aMessageWithoutACountIsOnePayloadAsFromAVersionBeforeTheLinger() {
        Message older = new Message("o-1".getBytes(StandardCharsets.UTF_8), new MessageProperties());
        assertThat(broadcasts.received(older)).containsExactly("o-1");
    }

    @Test
    void aPayloadWithALineBreakTravelsAloneAndALongListInSeveralMessages() {
        broadcasts.start();
        broadcasts.broadcast("t", "two\nlines");
        IntStream.range(0, Broadcasts.MOST_PER_MESSAGE + 1).forEach(i -> broadcasts.broadcast("t", "p-" + i));
        broadcasts.sendPending();

        assertThat(sent).hasSize(3);
        assertThat(sent.get(0).body()).isEqualTo("two\nlines");
        assertThat(sent.get(0).header(Broadcasts.PAYLOADS)).isNull();
        Broadcasts elsewhere = new Broadcasts(new BroadcastListeners(), (topic, message) -> {}, Duration.ZERO);
        assertThat(elsewhere.received(sent.get(0).message())).containsExactly("two\nlines");
        assertThat(sent.get(1).header(Broadcasts.PAYLOADS)).isEqualTo(Broadcasts.MOST_PER_MESSAGE);
        assertThat(elsewhere.received(sent.get(2).message())).containsExactly("p-" + Broadcasts.MOST_PER_MESSAGE);
    }

    @Test
    void stoppedOrWithoutALingerEachBroadcastIsSentAtOnce() {
        broadcasts.broadcast("t", "before-start");
        assertThat(sent).extracting(Sent::body).containsExactly("before-start");

        broadcasts.start();
        broadcasts.broadcast("t", "lingers");
        assertThat(sent).hasSize(1);
        broadcasts.stop();
        assertThat(sent)
                .as("stopping sends what waits")
                .extracting(Sent::body)
                .containsExactly("before-start", "lingers");

        Broadcasts noLinger =
                new Broadcasts(listeners, (topic, message) -> sent.add(new Sent(topic, message)), Duration.ZERO);
        noLinger.start();
        try {
            noLinger.broadcast("t", "at-once");
            assertThat(sent).extracting(Sent::body).endsWith("at-once");
        } finally {
            noLinger.stop();
        }
    }

    @Test
    void aFailedSendIsDroppedAndTheNextOneGoesOut() {
        List<String> out = new CopyOnWriteArrayList<>();
        Broadcasts flaky = new Broadcasts(
                listeners,
                (topic, message) -> {
                    String body = new String(message.getBody(), StandardCharsets.UTF_8);
                    if (body.equals("lost")) {
                        throw new IllegalStateException("the broker is away");
                    }
                    out.add(body);
                },
                Duration.ZERO);
        flaky.broadcast("t", "lost");
        flaky.broadcast("t", "sent");
        assertThat(out).containsExactly("sent");
    }
}
