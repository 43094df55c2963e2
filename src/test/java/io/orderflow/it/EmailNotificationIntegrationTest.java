package io.orderflow.it;

import static io.orderflow.it.OrderApi.Orders.anOrder;
import static io.orderflow.it.OrderApi.Orders.item;
import static io.orderflow.it.OrderScenarios.awaitUntilAsserted;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Customer e-mail through a real SMTP server (MailDev): each message is kept and then sent once, as plain text and
 * HTML, with the Message-ID stored for it; while the server is down, sends are retried with backoff and arrive, once
 * each, when it is back.
 */
class EmailNotificationIntegrationTest {

    @RegisterExtension
    @Order(1)
    static final LocalMailDev mail = new LocalMailDev();

    @RegisterExtension
    @Order(2)
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of(
            "spring.mail.host", "127.0.0.1",
            "spring.mail.port", Integer.toString(mail.smtpPort()),
            "orderflow.notification.email.from", "orderflow <shop@orderflow.test>",
            // quick retries and a breaker that probes again soon, so the outage test ends in seconds
            "orderflow.messaging.retry.base", "50ms",
            "orderflow.messaging.retry.cap", "500ms",
            "resilience4j.circuitbreaker.instances.smtp.wait-duration-in-open-state", "500ms"));

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void emailsAnOrdersStagesAsTextAndHtmlWithTheStoredMessageId() {
        String customer = "ada." + System.nanoTime() + "@example.com";
        String id = api().placeAccepted(order(customer, "PROD-003", "tok_visa"));
        api().awaitStatus(id, "completed");

        awaitUntilAsserted(() -> assertThat(mail.to(customer)).hasSize(2));
        List<JsonNode> received = mail.to(customer);
        assertThat(received)
                .extracting(e -> e.path("subject").asString())
                .containsExactlyInAnyOrder("We received your order " + id, "Your order " + id + " is on its way");
        for (JsonNode email : received) {
            assertThat(email.path("from").path(0).path("address").asString()).isEqualTo("shop@orderflow.test");
            assertThat(email.path("text").asString()).contains(id);
            assertThat(email.path("html").asString()).contains("<strong>" + id + "</strong>");
            assertThat(email.path("headers").path("auto-submitted").asString()).isEqualTo("auto-generated");
        }
        // the server has taken both; each is marked sent when the transaction that sent it commits
        awaitUntilAsserted(() -> assertThat(kept(id))
                .hasSize(2)
                .allSatisfy(row -> assertThat(row.get("email_status")).isEqualTo("sent")));
        List<Map<String, Object>> kept = kept(id);
        assertThat(received)
                .extracting(e -> e.path("headers").path("message-id").asString())
                .containsExactlyInAnyOrderElementsOf(
                        kept.stream().map(row -> (String) row.get("message_id")).toList());
    }

    @Test
    void tellsTheCustomerOfAFailedOrderWhyAndWhatWasUndone() {
        String customer = "grace." + System.nanoTime() + "@example.com";
        String id = api().placeAccepted(order(customer, "PROD-002", "tok_chargeDeclined"));
        api().awaitStatus(id, "failed");

        awaitUntilAsserted(() -> assertThat(mail.to(customer))
                .extracting(e -> e.path("subject").asString())
                .contains("We could not complete your order " + id));
        JsonNode failed = mail.to(customer).stream()
                .filter(e -> e.path("subject").asString().startsWith("We could not"))
                .findFirst()
                .orElseThrow();
        assertThat(failed.path("text").asString())
                .contains("Reason: payment declined.")
                .contains("The stock reserved for you was released.");
        assertThat(failed.path("html").asString()).contains("<li>The stock reserved for you was released.</li>");
    }

    @Test
    void escapesWhatACustomerTypedInTheHtmlOfTheWelcome() throws Exception {
        String customer = "alan." + System.nanoTime() + "@example.com";
        HttpResponse<String> registered = HTTP.send(
                HttpRequest.newBuilder(URI.create(local.app().baseUrl() + "/api/customers"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + customer + "\",\"password\":\""
                                + TestTokens.PASSWORD + "\",\"name\":\"<b>Alan</b> & co\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(201);

        awaitUntilAsserted(() -> assertThat(mail.to(customer)).hasSize(1));
        JsonNode welcome = mail.to(customer).get(0);
        assertThat(welcome.path("subject").asString()).isEqualTo("Welcome to orderflow, <b>Alan</b> & co");
        assertThat(welcome.path("html").asString())
                .contains("Hello &lt;b&gt;Alan&lt;/b&gt; &amp; co,")
                .doesNotContain("<b>Alan</b>");
        assertThat(welcome.path("text").asString()).contains("Hello <b>Alan</b> & co,");
    }

    @Test
    void retriesWhileTheMailServerIsDownAndDeliversEachMessageOnceWhenItIsBack() throws Exception {
        MeterRegistry meters = local.app().bean(MeterRegistry.class);
        double retriedBefore = retried(meters);
        String customer = "outage." + System.nanoTime() + "@example.com";
        mail.stop();
        String id;
        try {
            id = api().placeAccepted(order(customer, "PROD-001", "tok_visa"));
            api().awaitStatus(id, "completed");
            // the order is not held up by its e-mail; the e-mail waits, retried with backoff
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> retried(meters) >= retriedBefore + 3);
            // both kept (the second once notification has handled OrderCompleted), neither sent while it is down
            awaitUntilAsserted(() -> assertThat(kept(id))
                    .hasSize(2)
                    .allSatisfy(row -> assertThat(row.get("email_status")).isEqualTo("pending")));
        } finally {
            mail.start();
        }

        awaitUntilAsserted(() -> assertThat(kept(id))
                .hasSize(2)
                .allSatisfy(row -> assertThat(row.get("email_status")).isEqualTo("sent")));
        assertThat(mail.to(customer))
                .extracting(e -> e.path("headers").path("message-id").asString())
                .containsExactlyInAnyOrderElementsOf(kept(id).stream()
                        .map(row -> (String) row.get("message_id"))
                        .toList());
        assertThat(local.app()
                        .jdbc()
                        .sql("select count(*) from notification.dead_letter")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private static double retried(MeterRegistry meters) {
        return meters
                .find("orderflow.messages.retried")
                .tags("module", "notification", "type", "SendEmail")
                .counters()
                .stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private static String order(String customer, String sku, String card) {
        return anOrder(item(sku, 1), card, "US").replace("customer@example.com", customer);
    }

    private static List<Map<String, Object>> kept(String orderId) {
        return local.app()
                .jdbc()
                .sql("select subject, email_status, message_id from notification.notification where order_id = ? "
                        + "order by id")
                .param(orderId)
                .query()
                .listOfRows();
    }

    private static OrderApi api() {
        return OrderApi.operatorVia(local.app().baseUrl(), local.app().baseUrl());
    }
}
