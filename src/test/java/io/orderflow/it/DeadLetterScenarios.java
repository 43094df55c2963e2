package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.Transport;
import io.orderflow.shipping.CarrierFaults;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Failed messages end up in the dead-letter store after the configured attempts (3 here), wait there without
 * blocking anything, and can be inspected, re-driven (one or in bulk, paced) and discarded, each action
 * audited. The subclasses run this on each transport.
 */
abstract class DeadLetterScenarios {

    /** Properties every dead-letter test app gets: quick retries, a slow enough bulk rate to see the pacing. */
    static final Map<String, String> PROPERTIES = Map.of(
            "orderflow.messaging.retry.max-attempts", "3",
            "orderflow.messaging.retry.base", "10ms",
            "orderflow.messaging.retry.cap", "40ms",
            "orderflow.dead-letters.redrive-rate", "5",
            "orderflow.dead-letters.redrive-max-batch", "50",
            // the saga must not re-send a failing step's command while a test counts its dead letters
            "orderflow.saga.resend-after", "10m");

    static final double REDRIVE_RATE = 5;

    abstract RunningApp app();

    private OrderApi orders() {
        return new OrderApi(app().baseUrl());
    }

    private DeadLetterApi deadLetters() {
        return new DeadLetterApi(app().baseUrl());
    }

    private void carrierFailureRate(double rate) {
        CarrierFaults.failureRate(app()::bean, rate);
    }

    @AfterEach
    void healCarrier() {
        carrierFailureRate(0);
    }

    @Test
    void parksAFailingHandlersMessageAfterTheConfiguredAttemptsAndReDrivesItOnceFixed() {
        carrierFailureRate(1.0);
        String id = orders().placeAccepted(OrderApi.Orders.of("PROD-001", 1));

        JsonNode listed = deadLetters().awaitListed(Map.of("module", "shipping", "order_id", id), 1);
        JsonNode summary = listed.path("items").get(0);
        assertThat(summary.path("type").asString()).isEqualTo("CreateShipment");
        assertThat(summary.path("status").asString()).isEqualTo("parked");
        long letter = summary.path("id").asLong();

        JsonNode detail = deadLetters().inspect("shipping", letter).body();
        assertThat(detail.path("attempts").asInt()).isEqualTo(3);
        assertThat(detail.path("error").asString()).contains("carrier unavailable");
        assertThat(detail.path("stack").asString()).contains("Carrier");
        assertThat(detail.path("payload").asString()).contains(id);
        assertThat(detail.path("order_id").asString()).isEqualTo(id);
        assertThat(Instant.parse(detail.path("first_failed_at").asString()))
                .isBeforeOrEqualTo(Instant.parse(detail.path("last_failed_at").asString()));
        assertThat(detail.path("parked_at").isMissingNode()).isFalse();
        assertThat(detail.path("actions").size()).isZero();
        UUID messageId = UUID.fromString(detail.path("message_id").asString());

        // the order waits where it was: nothing answered for the shipment
        JsonNode order = orders().order(id);
        assertThat(order.path("status").asString()).isEqualTo("shipping");
        assertThat(OrderApi.Orders.eventTypes(order)).doesNotContain("ShipmentCreated", "ShipmentFailed");

        carrierFailureRate(0);
        DeadLetterApi.Response redriven = deadLetters().redrive("shipping", letter, "alice");
        assertThat(redriven.status()).isEqualTo(200);
        assertThat(redriven.body().path("status").asString()).isEqualTo("redriven");
        assertThat(redriven.body().path("actions").get(0).path("action").asString())
                .isEqualTo("redrive");
        assertThat(redriven.body().path("actions").get(0).path("operator").asString())
                .isEqualTo("alice (client operator)");

        orders().awaitStatus(id, "completed");
        // the very message that was parked was applied, once
        assertThat(app().jdbc()
                        .sql("select count(*) from shipping.inbox where message_id = ?")
                        .param(messageId)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
        assertThat(app().jdbc()
                        .sql("select count(*) from shipping.shipment where order_id = ?")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);

        DeadLetterApi.Response again = deadLetters().redrive("shipping", letter, "alice");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.contentType()).contains("application/problem+json");
        assertThat(again.body().path("type").asString()).endsWith("/dead-letter-not-parked");
        // kept, not deleted, with its history
        assertThat(deadLetters()
                        .list(Map.of("order_id", id, "status", "redriven"))
                        .body()
                        .path("total_elements")
                        .asLong())
                .isEqualTo(1);
        assertThat(deadLetters()
                        .list(Map.of("order_id", id))
                        .body()
                        .path("total_elements")
                        .asLong())
                .isZero();
    }

    @Test
    void discardNeedsAReasonAndIsAudited() {
        String orderId = "discard-" + UUID.randomUUID();
        // impossible values: a charge of nothing cannot become valid by retrying
        publish(new Envelope(
                UUID.randomUUID(),
                "ChargePayment",
                1,
                orderId,
                null,
                Instant.now(),
                "{\"order_id\":\"" + orderId + "\",\"amount\":0,\"currency\":\"USD\"}",
                Map.of()));
        JsonNode listed = deadLetters().awaitListed(Map.of("order_id", orderId), 1);
        long letter = listed.path("items").get(0).path("id").asLong();
        assertThat(listed.path("items").get(0).path("module").asString()).isEqualTo("payment");
        assertThat(listed.path("items").get(0).path("attempts").asInt()).isEqualTo(1);

        DeadLetterApi.Response noBody = deadLetters().discard("payment", letter, null, "bob");
        assertThat(noBody.status()).isEqualTo(400);
        assertThat(noBody.contentType()).contains("application/problem+json");
        DeadLetterApi.Response blank = deadLetters().discard("payment", letter, "{\"reason\":\"  \"}", "bob");
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.body().path("errors").get(0).path("field").asString()).isEqualTo("reason");
        assertThat(deadLetters()
                        .inspect("payment", letter)
                        .body()
                        .path("status")
                        .asString())
                .isEqualTo("parked");

        DeadLetterApi.Response discarded = deadLetters()
                .discard(
                        "payment", letter, "{\"reason\":\"amount was zero; charged by hand in ticket OPS-12\"}", "bob");
        assertThat(discarded.status()).isEqualTo(200);
        assertThat(discarded.body().path("status").asString()).isEqualTo("discarded");
        JsonNode action = discarded.body().path("actions").get(0);
        assertThat(action.path("action").asString()).isEqualTo("discard");
        assertThat(action.path("operator").asString()).isEqualTo("bob (client operator)");
        assertThat(action.path("reason").asString()).isEqualTo("amount was zero; charged by hand in ticket OPS-12");
        assertThat(action.path("at").asString()).isNotEmpty();

        assertThat(deadLetters().redrive("payment", letter, "bob").status()).isEqualTo(409);
        assertThat(deadLetters()
                        .discard("payment", letter, "{\"reason\":\"again\"}", "bob")
                        .status())
                .isEqualTo(409);
        assertThat(app().jdbc()
                        .sql("select count(*) from payment.dead_letter_action where dead_letter_id = ?")
                        .param(letter)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
    }

    @Test
    void bulkReDriveIsPacedByTheConfiguredRateAndBoundedPerCall() {
        Instant start =
                app().jdbc().sql("select now()").query(Timestamp.class).single().toInstant();
        carrierFailureRate(1.0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(orders().placeAccepted(OrderApi.Orders.of("PROD-002", 1)));
        }
        Map<String, String> filter = Map.of("type", "CreateShipment", "parked_after", start.toString());
        JsonNode listed = deadLetters().awaitListed(filter, 4);
        assertThat(listed.path("items"))
                .allSatisfy(i -> assertThat(i.path("attempts").asInt()).isEqualTo(3));
        for (String id : ids) {
            assertThat(orders().order(id).path("status").asString()).isEqualTo("shipping");
        }

        // paginated, filtered by time
        JsonNode firstPage = deadLetters()
                .list(Map.of("type", "CreateShipment", "parked_after", start.toString(), "size", "3", "page", "0"))
                .body();
        JsonNode secondPage = deadLetters()
                .list(Map.of("type", "CreateShipment", "parked_after", start.toString(), "size", "3", "page", "1"))
                .body();
        assertThat(firstPage.path("items").size()).isEqualTo(3);
        assertThat(secondPage.path("items").size()).isEqualTo(1);
        assertThat(firstPage.path("total_elements").asLong()).isEqualTo(4);
        assertThat(deadLetters()
                        .list(Map.of(
                                "type",
                                "CreateShipment",
                                "parked_after",
                                start.toString(),
                                "parked_before",
                                start.toString()))
                        .body()
                        .path("total_elements")
                        .asLong())
                .isZero();
        assertThat(deadLetters().list(Map.of("parked_after", "yesterday")).status())
                .isEqualTo(400);

        carrierFailureRate(0);
        String body = "{\"type\":\"CreateShipment\",\"parked_after\":\"" + start + "\"";
        assertThat(deadLetters().redriveAll(body + ",\"limit\":51}", "carol").status())
                .isEqualTo(400);

        DeadLetterApi.Response first = deadLetters().redriveAll(body + ",\"limit\":3}", null);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().path("matched").asLong()).isEqualTo(4);
        assertThat(first.body().path("redriven").size()).isEqualTo(3);
        assertThat(first.body().path("remaining").asLong()).isEqualTo(1);
        assertThat(first.body().path("failed").size()).isZero();

        UUID bulkId = UUID.fromString(first.body().path("bulk_id").asString());
        List<Map<String, Object>> audit = app().jdbc()
                .sql("select operator, action, at from shipping.dead_letter_action " + "where bulk_id = ? order by at")
                .param(bulkId)
                .query()
                .listOfRows();
        assertThat(audit).hasSize(3).allSatisfy(row -> {
            assertThat(row.get("operator")).isEqualTo("operator");
            assertThat(row.get("action")).isEqualTo("redrive");
        });
        long intervalMillis = (long) (1000 / REDRIVE_RATE);
        Instant firstAt = ((Timestamp) audit.get(0).get("at")).toInstant();
        Instant lastAt = ((Timestamp) audit.get(2).get("at")).toInstant();
        // three re-drives at 5 per second begin two intervals apart (400 ms); unpaced they would take a few ms.
        // The audit time is taken a few statements after each paced start, so allow a scheduling delay of 100 ms
        assertThat(Duration.between(firstAt, lastAt).toMillis()).isGreaterThanOrEqualTo(2 * intervalMillis - 100);

        DeadLetterApi.Response rest = deadLetters().redriveAll(body + "}", "carol");
        assertThat(rest.body().path("redriven").size()).isEqualTo(1);
        assertThat(rest.body().path("remaining").asLong()).isZero();

        for (String id : ids) {
            orders().awaitStatus(id, "completed");
        }
        assertThat(deadLetters().list(filter).body().path("total_elements").asLong())
                .isZero();
    }

    @Test
    void answersUnknownModulesAndLettersWithProblems() {
        DeadLetterApi.Response unknownModule = deadLetters().inspect("billing", 1);
        assertThat(unknownModule.status()).isEqualTo(404);
        assertThat(unknownModule.contentType()).contains("application/problem+json");
        assertThat(deadLetters().inspect("shipping", Long.MAX_VALUE).status()).isEqualTo(404);
        assertThat(deadLetters().list(Map.of("status", "lost")).status()).isEqualTo(400);
        JsonNode counts = deadLetters().get("/api/dead-letters/counts").body();
        assertThat(counts.path("modules").has("shipping")).isTrue();
        assertThat(counts.path("modules").path("shipping").has("parked")).isTrue();
    }

    void publish(Envelope envelope) {
        new TransactionTemplate(app().bean(PlatformTransactionManager.class))
                .executeWithoutResult(
                        s -> assertThat(app().bean(Transport.class).publish(List.of(envelope)))
                                .isEmpty());
    }
}
