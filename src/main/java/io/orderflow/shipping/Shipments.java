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

    record Shipment(String orderId, String trackingNumber, String status, String failureReason) {}

    private final JdbcClient jdbc;
    private final Carrier carrier;
    private final JsonMapper json;

    Shipments(JdbcClient jdbc, Carrier carrier, JsonMapper json) {
        this.jdbc = jdbc;
        this.carrier = carrier;
        this.json = json;
    }

    void cancel(CancelShipment command, MessageContext context) {
        int cancelled = jdbc.sql(
                        "update shipping.shipment set status = 'cancelled' where order_id = ? and status = 'created'")
                .param(command.orderId())
                .update();
        if (cancelled == 0) {
            // nothing shipped yet: remember, so a late request for this order is refused
            jdbc.sql("insert into shipping.shipment (order_id, status, failure_reason) values (?, 'cancelled', "
                            + "'cancelled before creation') on conflict (order_id) do nothing")
                    .param(command.orderId())
                    .update();
        }
        context.send(new ShipmentCancelled(command.orderId()));
    }

    void create(CreateShipment command, MessageContext context) {
        Optional<Shipment> existing = jdbc.sql("select order_id, tracking_number, status, failure_reason "
                        + "from shipping.shipment where order_id = ? for update")
                .param(command.orderId())
                .query(new DataClassRowMapper<>(Shipment.class))
                .optional();
        if (existing.isPresent()) {
            Shipment s = existing.get();
            context.send(
                    switch (s.status()) {
                        case "created" -> new ShipmentCreated(s.orderId(), s.trackingNumber(), CARRIER);
                        case "cancelled" -> new ShipmentFailed(s.orderId(), "shipment_cancelled");
                        default -> new ShipmentFailed(s.orderId(), s.failureReason());
                    });
            return;
        }
        String tracking = carrier.book(command.orderId(), command.address());
        String country = command.address() == null ? null : command.address().country();
        String address = json.writeValueAsString(command.address());
        if (tracking == null) {
            String reason = "carrier_rejected: destination " + country + " is not served";
            jdbc.sql("insert into shipping.shipment (order_id, status, failure_reason, country, address) "
                            + "values (?, 'failed', ?, ?, ?::jsonb)")
                    .params(command.orderId(), reason, country, address)
                    .update();
            context.send(new ShipmentFailed(command.orderId(), reason));
            return;
        }
        jdbc.sql("insert into shipping.shipment (order_id, tracking_number, carrier, status, country, address) "
                        + "values (?, ?, ?, 'created', ?, ?::jsonb)")
                .params(command.orderId(), tracking, CARRIER, country, address)
                .update();
        context.send(new ShipmentCreated(command.orderId(), tracking, CARRIER));
    }
}
