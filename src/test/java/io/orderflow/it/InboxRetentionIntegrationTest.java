package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.messaging.InboxRetention;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The inbox forgets message ids past the retention window and keeps the recent ones. */
class InboxRetentionIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of("orderflow.messaging.inbox.retention", "7d"));

    @Test
    void forgetsMessageIdsOlderThanTheRetentionWindowOnly() {
        // the test runs the rounds: the background one is stopped (and finished) before the rows exist
        InboxRetention retention = local.app().bean(InboxRetention.class);
        retention.stop();
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        var jdbc = local.app().jdbc();
        jdbc.sql(
                        "insert into payment.inbox (message_id, type, received_at) values (?, 'ChargePayment', now() - interval '8 days')")
                .param(old)
                .update();
        jdbc.sql(
                        "insert into payment.inbox (message_id, type, received_at) values (?, 'ChargePayment', now() - interval '6 days')")
                .param(recent)
                .update();

        int purged = retention.purgeOnce();

        assertThat(purged).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from payment.inbox where message_id = ?")
                        .param(old)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("select count(*) from payment.inbox where message_id = ?")
                        .param(recent)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
    }
}
