package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.TestInfrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The comparison's rules for the Spring Modulith peer, on the peer's own schema ({@code bench/modulith-peer}) in a
 * fresh database: a consistent state breaks none, and each broken guarantee is counted by its rule.
 */
class PeerInvariantsIntegrationTest {

    private String url;
    private JdbcClient jdbc;
    private Map<String, Long> baseline;

    @BeforeEach
    void peerSchemaWithOneCompletedAndOneFailedOrder() throws IOException {
        url = TestInfrastructure.createDatabase("orderflow_peer_rules");
        jdbc = JdbcClient.create(
                new DriverManagerDataSource(url, TestInfrastructure.PG_USER, TestInfrastructure.PG_PASSWORD));
        for (String statement : Files.readString(Path.of("bench/modulith-peer/src/main/resources/schema.sql"))
                .replaceAll("(?m)^--.*$", "")
                .split(";")) {
            if (!statement.isBlank()) {
                jdbc.sql(statement).update();
            }
        }
        // Spring Modulith's registry table, as far as the rules read it
        jdbc.sql("create table event_publication (id uuid primary key, completion_date timestamptz)")
                .update();
        jdbc.sql("insert into product (sku, name, price) values ('BENCH-0001', 'item', 10)")
                .update();
        jdbc.sql("insert into stock (sku, available) values ('BENCH-0001', 100)")
                .update();
        baseline = PeerComparison.peerStock(jdbc);

        // completed: 2 units reserved for good, charged once, shipped, mailed
        order("o-1", "completed");
        jdbc.sql("update stock set available = available - 2 where sku = 'BENCH-0001'")
                .update();
        jdbc.sql("insert into reservation (order_id, sku, quantity) values ('o-1', 'BENCH-0001', 2)")
                .update();
        jdbc.sql("insert into payment (order_id, payment_id, amount, status) values ('o-1', 'p-1', 20, 'charged')")
                .update();
        jdbc.sql("insert into shipment (order_id, tracking_number) values ('o-1', 'T-1')")
                .update();
        jdbc.sql("insert into email (order_id, recipient, kind) values ('o-1', 'a@example.com', 'order_completed')")
                .update();
        // failed at the carrier: 1 unit reserved and released, charged and refunded, mailed
        order("o-2", "failed");
        jdbc.sql("insert into reservation (order_id, sku, quantity, released) values ('o-2', 'BENCH-0001', 1, true)")
                .update();
        jdbc.sql("insert into payment (order_id, payment_id, amount, status) values ('o-2', 'p-2', 10, 'refunded')")
                .update();
        jdbc.sql("insert into email (order_id, recipient, kind) values ('o-2', 'a@example.com', 'order_failed')")
                .update();
        jdbc.sql("insert into event_publication (id, completion_date) values (gen_random_uuid(), now())")
                .update();
    }

    @AfterEach
    void dropDatabase() {
        TestInfrastructure.dropDatabase(url);
    }

    @Test
    void aConsistentStateBreaksNoRule() {
        assertThat(PeerComparison.peerViolations(jdbc, baseline))
                .allSatisfy((rule, count) -> assertThat(count).as(rule).isZero());
    }

    @Test
    void eachBrokenGuaranteeIsCountedByItsRule() {
        jdbc.sql("update payment set status = 'charged' where order_id = 'o-2'").update(); // the refund undone
        // the release undone, the unit left in stock: held and available at once
        jdbc.sql("update reservation set released = false where order_id = 'o-2'")
                .update();
        jdbc.sql("delete from shipment").update();
        jdbc.sql("delete from email where order_id = 'o-1'").update();
        order("o-3", "payment_processing");
        jdbc.sql("insert into event_publication (id) values (gen_random_uuid())")
                .update();

        assertThat(PeerComparison.peerViolations(jdbc, baseline))
                .containsEntry("orders_not_terminal", 1L)
                .containsEntry("publications_incomplete", 1L)
                .containsEntry("stock_not_conserved", 1L)
                .containsEntry("completed_without_one_charge_and_shipment", 1L)
                .containsEntry("failed_still_charged", 1L)
                .containsEntry("failed_still_holding_stock", 1L)
                .containsEntry("finished_without_one_message", 1L);
    }

    @Test
    void stockThatLeftWithoutAReservationBreaksConservation() {
        jdbc.sql("update stock set available = available - 1 where sku = 'BENCH-0001'")
                .update();
        assertThat(PeerComparison.peerViolations(jdbc, baseline)).containsEntry("stock_not_conserved", 1L);
    }

    private void order(String id, String status) {
        jdbc.sql("insert into orders (id, customer_email, status, total) values (?, 'a@example.com', ?, 10)")
                .params(id, status)
                .update();
    }
}
