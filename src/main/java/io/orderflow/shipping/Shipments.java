package io.orderflow.shipping;

import io.orderflow.messaging.MessageContext;
import java.util.Optional;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** One shipment per order at most; a repeated request answers with the recorded outcome. */
@Component
class Shipments {

    static final String CARRIER = "orderflow-express";

    record Shipment(String orderId, String trackingNumber, String status, String failureReason) {
    }

    private final JdbcClient jdbc;
    private final Carrier carrier;
    private final JsonMapper json;

    Shipments(JdbcClient jdbc, Carrier carrier, JsonMapper json) {
        this.jdbc = jdbc;
        this.carrier = carrier;
        this.json = json;
    }

    void create(CreateShipment command, MessageContext context) {
        Optional<Shipment> existing = jdbc.sql("select order_id, tracking_number, status, failure_reason "
                + "from shipping.shipment where order_id = ? for update")
                .param(command.orderId())
                .query(new DataClassRowMapper<>(Shipment.class))
                .optional();
        if (existing.isPresent()) {
            Shipment s = existing.get();
            context.send("created".equals(s.status())
                    ? new ShipmentCreated(s.orderId(), s.trackingNumber(), CARRIER)
                    : new ShipmentFailed(s.orderId(), s.failureReason()));
            return;
        }
        String tracking = carrier.book(command.address());
        String country = command.address() == null ? null : command.address().country();
        String address = json.writeValueAsString(command.address());
        if (tracking == null) {
            String reason = "carrier_rejected: destination " + country + " is not served";
            jdbc.sql("insert into shipping.shipment (order_id, status, failure_reason, country, address) "
                    + "values (?, 'failed', ?, ?, ?::jsonb)")
                    .params(command.orderId(), reason, country, address).update();
            context.send(new ShipmentFailed(command.orderId(), reason));
            return;
        }
        jdbc.sql("insert into shipping.shipment (order_id, tracking_number, carrier, status, country, address) "
                + "values (?, ?, ?, 'created', ?, ?::jsonb)")
                .params(command.orderId(), tracking, CARRIER, country, address).update();
        context.send(new ShipmentCreated(command.orderId(), tracking, CARRIER));
    }
}
