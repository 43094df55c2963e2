package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.MessageJournalIntegrationTest.Row;
import io.orderflow.messaging.JournalWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The journal's in-transaction mode ({@code orderflow.journal.write=in-transaction}): each transaction's entries are
 * written in that transaction, so they are in the database the moment the work they describe is, with no buffer and
 * no writer thread.
 */
class MessageJournalInTransactionIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of("orderflow.journal.write", "in-transaction"));

    @Test
    void commitsEachHopsEntryWithTheHopSoNothingWaitsForAFlush() {
        OrderApi api = new OrderApi(local.app().baseUrl());
        String id = api.placeAccepted(OrderApi.Orders.of("PROD-002", 1));
        api.awaitStatus(id, "completed");

        // the order completes in the transaction that applies ShipmentCreated: that hop and every hop before it
        // have committed their entries by now, and nothing was flushed
        List<Row> rows = MessageJournalIntegrationTest.rows(local.app(), id);
        assertThat(rows)
                .filteredOn(r -> r.kind().equals("applied"))
                .extracting(Row::type)
                .contains(
                        "ReserveStock",
                        "StockReserved",
                        "ChargePayment",
                        "PaymentCharged",
                        "CreateShipment",
                        "ShipmentCreated");
        assertThat(rows)
                .filteredOn(r -> r.kind().equals("sent"))
                .extracting(Row::type)
                .contains("ReserveStock", "ChargePayment", "CreateShipment", "CommitStock");
        assertThat(local.app().bean(JournalWriter.class).isRunning())
                .as("no writer thread")
                .isFalse();
    }
}
