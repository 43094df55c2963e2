package io.orderflow.shipping;

import static io.orderflow.shipping.Shipment.CARRIER;
import static io.orderflow.shipping.ShipmentState.CANCELLED;
import static io.orderflow.shipping.ShipmentState.CREATED;
import static io.orderflow.shipping.ShipmentState.FAILED;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * One shipment per order at most; a repeated request answers with the recorded outcome. Each operation
 * returns its answer, for the caller to send in the same transaction.
 */
@Component
class Shipments {

    /** The failure reason of the marker a cancel leaves when nothing was booked yet. */
    static final String CANCELLED_BEFORE_CREATION = "cancelled before creation";

    private final JdbcClient jdbc;
    private final Carrier carrier;
    private final JsonMapper json;

    Shipments(JdbcClient jdbc, Carrier carrier, JsonMapper json) {
        this.jdbc = jdbc;
        this.carrier = carrier;
        this.json = json;
    }

    ShipmentCancelled cancel(CancelShipment command) {
        int cancelled = jdbc.sql("update shipping.shipment set status = ? where order_id = ? and status = ?")
                .params(CANCELLED.dbName(), command.orderId(), CREATED.dbName())
                .update();
        if (cancelled == 0) {
            // nothing shipped yet: remember, so a late request for this order is refused
            jdbc.sql("insert into shipping.shipment (order_id, status, failure_reason) values (?, ?, ?) "
                            + "on conflict (order_id) do nothing")
                    .params(command.orderId(), CANCELLED.dbName(), CANCELLED_BEFORE_CREATION)
                    .update();
        }
        return new ShipmentCancelled(command.orderId());
    }

    ShipmentReply create(CreateShipment command) {
        Optional<Shipment> existing = jdbc.sql("select order_id, tracking_number, status, failure_reason "
                        + "from shipping.shipment where order_id = ? for update")
                .param(command.orderId())
                .query((rs, n) -> new Shipment(
                        rs.getString("order_id"),
                        rs.getString("tracking_number"),
                        ShipmentState.fromDb(rs.getString("status")),
                        rs.getString("failure_reason")))
                .optional();
        if (existing.isPresent()) {
            return existing.get().answerToRepeatedCreate();
        }
        Optional<String> booked = carrier.book(command.orderId(), command.address());
        String country = command.address() == null ? null : command.address().country();
        String address = json.writeValueAsString(command.address());
        if (booked.isEmpty()) {
            String reason = "carrier_rejected: destination " + country + " is not served";
            jdbc.sql("insert into shipping.shipment (order_id, status, failure_reason, country, address) "
                            + "values (?, ?, ?, ?, ?::jsonb)")
                    .params(command.orderId(), FAILED.dbName(), reason, country, address)
                    .update();
            return new ShipmentFailed(command.orderId(), reason);
        }
        String tracking = booked.get();
        jdbc.sql("insert into shipping.shipment (order_id, tracking_number, carrier, status, country, address) "
                        + "values (?, ?, ?, ?, ?, ?::jsonb)")
                .params(command.orderId(), tracking, CARRIER, CREATED.dbName(), country, address)
                .update();
        return new ShipmentCreated(command.orderId(), tracking, CARRIER);
    }
}
