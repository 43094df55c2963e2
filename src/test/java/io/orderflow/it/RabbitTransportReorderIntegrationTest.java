package io.orderflow.it;

import static io.orderflow.it.OrderApi.Orders.anOrder;
import static io.orderflow.it.OrderApi.Orders.item;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/**
 * The chaos controls' {@code reorder} fault on the RabbitMQ transport: every message delivered while it is on is parked
 * once on its module's delay queue ({@code <namespace>.<module>.held}, on the broker: nothing is held only in the
 * process) and comes back after up to {@code max_delay_ms} (400 ms here), behind the messages delivered meanwhile. Every order still
 * completes exactly once and the delay queues drain.
 */
class RabbitTransportReorderIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onRabbitMq(Map.of("orderflow.chaos.controls-enabled", "true"));

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void heldBackMessagesWaitOnTheBrokerAndEveryOrderStillCompletesOnce() throws Exception {
        String url = local.app().baseUrl();
        String operator = TestTokens.operator(url);
        HttpResponse<String> on =
                send("POST", url + "/api/chaos/faults/reorder?fraction=1&max_delay_ms=400&seed=7", operator);
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);

        OrderApi api = new OrderApi(url);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(api.placeAccepted(anOrder(item("PROD-002", 1), null, null)));
        }
        String namespace = local.app().bean(Environment.class).getProperty("orderflow.messaging.rabbitmq.namespace");
        RabbitAdmin admin = new RabbitAdmin(local.app().bean(CachingConnectionFactory.class));
        // the first step of each saga (inventory's reservation) is parked on the broker, not in the process
        Awaitility.await("a held-back message waits on inventory's delay queue")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> depth(admin, namespace + ".inventory.held") > 0);

        for (String id : ids) {
            api.awaitStatus(id, "completed");
        }
        JsonNode fault = OrderApi.JSON.readTree(
                send("GET", url + "/api/chaos/faults/reorder", operator).body());
        // every message of every saga was held back once: more than one per order
        assertThat(fault.path("details").path("held_back").asLong()).isGreaterThan(ids.size());
        assertThat(send("DELETE", url + "/api/chaos/faults/reorder", operator).statusCode())
                .isEqualTo(200);
        for (String id : ids) {
            assertThat(local.app()
                            .jdbc()
                            .sql("select count(*) from orders.order_event where order_id = ? and type = "
                                    + "'order_completed'")
                            .param(id)
                            .query(Long.class)
                            .single())
                    .isEqualTo(1L);
        }
        Awaitility.await("the delay queues drain")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    long held = 0;
                    for (String module : List.of("inventory", "payment", "shipping", "notification", "order")) {
                        held += Math.max(0, depth(admin, namespace + "." + module + ".held"));
                    }
                    return held == 0;
                });
    }

    /** Messages on a queue, -1 when there is no such queue. */
    private static long depth(RabbitAdmin admin, String queue) {
        var info = admin.getQueueInfo(queue);
        return info == null ? -1 : info.getMessageCount();
    }

    private static HttpResponse<String> send(String method, String url, String token) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
