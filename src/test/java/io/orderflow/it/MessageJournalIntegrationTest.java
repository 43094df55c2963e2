package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.messaging.Journal;
import io.orderflow.messaging.JournalMaintenance;
import io.orderflow.platform.Modules;
import io.orderflow.shipping.CarrierFaults;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The message journal: every message of an order sent once and applied once by each receiver, a failed attempt
 * journaled as a retry (its rolled-back work leaves no entry), and day partitions kept and dropped by retention.
 * The default, batched writing; {@link MessageJournalInTransactionIntegrationTest} has the in-transaction mode.
 */
class MessageJournalIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of(
            "orderflow.messaging.retry.base", "20ms",
            "orderflow.saga.resend-after", RetryScenarios.NO_RESEND,
            "orderflow.journal.retention", "7d"));

    record Row(
            String module,
            String kind,
            UUID messageId,
            String type,
            Integer attempt,
            BigDecimal queueMs,
            BigDecimal handlerMs,
            String instance,
            String traceId,
            String detail) {}

    /** The order's journal rows, once this process has written what it buffered (the batched mode's flush). */
    private List<Row> journal(String orderId) {
        local.app().bean(Journal.class).flush();
        return rows(local.app(), orderId);
    }

    /** The order's journal rows as they are in the database now. */
    static List<Row> rows(RunningApp app, String orderId) {
        String union = Modules.ALL.stream()
                .map(m -> "select module, kind, message_id, type, attempt, queue_ms, handler_ms, instance, trace_id, "
                        + "detail from " + Modules.schemaOf(m) + ".journal where order_id = :id")
                .collect(Collectors.joining(" union all "));
        return app.jdbc()
                .sql(union)
                .param("id", orderId)
                .query((rs, n) -> new Row(
                        rs.getString("module"),
                        rs.getString("kind"),
                        rs.getObject("message_id", UUID.class),
                        rs.getString("type"),
                        (Integer) rs.getObject("attempt"),
                        rs.getBigDecimal("queue_ms"),
                        rs.getBigDecimal("handler_ms"),
                        rs.getString("instance"),
                        rs.getString("trace_id"),
                        rs.getString("detail")))
                .list();
    }

    @Test
    void journalsEveryMessageOfAnOrderSentOnceAndAppliedOnceWithItsTimes() {
        OrderApi api = new OrderApi(local.app().baseUrl());
        String id = api.placeAccepted(OrderApi.Orders.of("PROD-002", 1));
        api.awaitStatus(id, "completed");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Row> rows = journal(id);
            Map<UUID, List<Row>> sent = byMessage(rows, "sent");
            Map<UUID, List<Row>> applied = byMessage(rows, "applied");
            assertThat(sent.keySet()).isNotEmpty();
            assertThat(applied.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
            sent.values().forEach(s -> assertThat(s).hasSize(1));
            applied.values()
                    .forEach(a -> assertThat(a.stream().map(Row::module))
                            .as("each receiver applies a message once")
                            .doesNotHaveDuplicates());
        });
        List<Row> rows = journal(id);
        assertThat(rows)
                .extracting(Row::type)
                .contains("ReserveStock", "ChargePayment", "CreateShipment", "CommitStock");
        assertThat(rows).allSatisfy(r -> assertThat(r.instance()).isNotBlank());
        assertThat(rows.stream().filter(r -> r.kind().equals("applied"))).allSatisfy(r -> {
            assertThat(r.attempt()).isEqualTo(1);
            assertThat(r.queueMs()).isNotNegative();
            assertThat(r.handlerMs()).isNotNegative();
        });
        assertThat(rows.stream().filter(r -> r.kind().equals("sent")))
                .allSatisfy(r -> assertThat(r.queueMs()).isNull());
        assertThat(rows)
                .filteredOn(r -> r.kind().equals("applied"))
                .anySatisfy(r -> assertThat(r.traceId()).matches("[0-9a-f]{32}"));
    }

    @Test
    void journalsAFailedAttemptAsARetryAndOnlyTheAttemptThatWorkedAsApplied() {
        CarrierFaults.failFirstBookingsOfEachOrder(local.app()::bean, 2);
        try {
            OrderApi api = new OrderApi(local.app().baseUrl());
            String id = api.placeAccepted(OrderApi.Orders.of("PROD-002", 1));
            api.awaitStatus(id, "completed");

            List<Row> shipment = journal(id).stream()
                    .filter(r -> r.type().equals("CreateShipment") && !r.kind().equals("sent"))
                    .sorted((a, b) -> Integer.compare(a.attempt(), b.attempt()))
                    .toList();
            assertThat(shipment).extracting(Row::kind).containsExactly("retried", "retried", "applied");
            assertThat(shipment).extracting(Row::attempt).containsExactly(1, 2, 3);
            assertThat(shipment.get(0).detail()).isNotBlank();
            assertThat(shipment.get(0).handlerMs()).isNotNegative();
        } finally {
            CarrierFaults.failFirstBookingsOfEachOrder(local.app()::bean, 0);
        }
    }

    @Test
    void dropsOnlyPartitionsPastTheRetentionAndKeepsTheComingDaysReady() {
        // the test runs the rounds: the background one is stopped (and finished) before the partitions change
        JournalMaintenance maintenance = local.app().bean(JournalMaintenance.class);
        maintenance.stop();
        var jdbc = local.app().jdbc();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate old = today.minusDays(30);
        LocalDate recent = today.minusDays(3);
        for (LocalDate day : List.of(old, recent)) {
            // a day from before this run (the test's own database, created for it): as a past run would leave it
            jdbc.sql("create table if not exists payment." + partition(day) + " partition of payment.journal for "
                            + "values from ('" + day + " 00:00+00') to ('" + day.plusDays(1) + " 00:00+00')")
                    .update();
            jdbc.sql("insert into payment.journal (at, module, instance, kind, message_id, type) "
                            + "values (?::date + time '12:00' at time zone 'UTC', 'payment', 'test', 'applied', ?, "
                            + "'ChargePayment')")
                    .params(day.toString(), UUID.randomUUID())
                    .update();
        }

        maintenance.maintainOnce();

        List<String> partitions = jdbc.sql("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                        + "where i.inhparent = 'payment.journal'::regclass")
                .query(String.class)
                .list();
        assertThat(partitions)
                .doesNotContain(partition(old))
                .contains(
                        partition(recent),
                        partition(today),
                        partition(today.plusDays(1)),
                        partition(today.plusDays(2)));
        assertThat(jdbc.sql("select count(*) from payment.journal where at::date = ?::date")
                        .param(recent.toString())
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
    }

    @Test
    void movesARowThatLandedInTheDefaultPartitionIntoItsDayWhenTheDayIsCreated() {
        JournalMaintenance maintenance = local.app().bean(JournalMaintenance.class);
        maintenance.stop();
        var jdbc = local.app().jdbc();
        // a day whose partition is missing (as when maintenance did not run in time): its row lands in the default
        LocalDate ahead = LocalDate.now(ZoneOffset.UTC).plusDays(2);
        jdbc.sql("drop table if exists shipping." + partition(ahead)).update();
        UUID message = UUID.randomUUID();
        jdbc.sql("insert into shipping.journal (at, module, instance, kind, message_id, type) "
                        + "values (?::date + time '08:00' at time zone 'UTC', 'shipping', 'test', 'sent', ?, 'X')")
                .params(ahead.toString(), message)
                .update();
        assertThat(partitionOf(message)).isEqualTo("shipping.journal_default");

        maintenance.maintainOnce();

        assertThat(partitionOf(message)).isEqualTo("shipping." + partition(ahead));
    }

    private String partitionOf(UUID message) {
        return local.app()
                .jdbc()
                .sql("select tableoid::regclass::text from shipping.journal where message_id = ?")
                .param(message)
                .query(String.class)
                .single();
    }

    private static String partition(LocalDate day) {
        return "journal_p" + DateTimeFormatter.BASIC_ISO_DATE.format(day);
    }

    static Map<UUID, List<Row>> byMessage(List<Row> rows, String kind) {
        return rows.stream().filter(r -> r.kind().equals(kind)).collect(Collectors.groupingBy(Row::messageId));
    }
}
