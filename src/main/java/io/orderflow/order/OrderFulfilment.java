package io.orderflow.order;

import static io.orderflow.order.OrderStatus.INVENTORY_CHECK;
import static io.orderflow.order.OrderStatus.PAYMENT_PROCESSING;
import static io.orderflow.order.OrderStatus.SHIPPING;
import static io.orderflow.order.OrderStatus.VALIDATING;
import static java.util.Objects.requireNonNull;

import io.orderflow.catalog.OrderRejected;
import io.orderflow.catalog.OrderValidated;
import io.orderflow.catalog.ValidateOrder;
import io.orderflow.catalog.ValidationReply;
import io.orderflow.inventory.CommitStock;
import io.orderflow.inventory.ReleaseStock;
import io.orderflow.inventory.ReservationReply;
import io.orderflow.inventory.ReserveStock;
import io.orderflow.inventory.StockReleased;
import io.orderflow.inventory.StockReserved;
import io.orderflow.inventory.StockUnavailable;
import io.orderflow.order.Saga.Failure;
import io.orderflow.payment.ChargePayment;
import io.orderflow.payment.ChargeReply;
import io.orderflow.payment.PaymentCharged;
import io.orderflow.payment.PaymentDeclined;
import io.orderflow.payment.PaymentRefunded;
import io.orderflow.payment.RefundPayment;
import io.orderflow.shipping.CancelShipment;
import io.orderflow.shipping.CreateShipment;
import io.orderflow.shipping.ShipmentCancelled;
import io.orderflow.shipping.ShipmentCreated;
import io.orderflow.shipping.ShipmentFailed;
import io.orderflow.shipping.ShipmentReply;

/**
 * The order fulfilment saga: stock is reserved before money is taken, and every step that did something
 * names the compensation that undoes it. Any failure undoes the steps done so far, in reverse. Each step is
 * typed by its participant's sealed reply type and says what every reply in it means; the definition does
 * not compile with a reply from another step, and does not start with one left unhandled.
 */
final class OrderFulfilment {

    private static final String PRICED_BEFORE_PAYMENT = "validation priced the order, and payment comes after it";

    static final Saga SAGA = Saga.define()
            .step(VALIDATING, ValidationReply.class)
            .invoke(
                    ValidateOrder.class,
                    o -> new ValidateOrder(
                            o.id(),
                            o.items().stream()
                                    .map(i -> new ValidateOrder.Item(i.sku(), i.quantity(), i.unitPrice()))
                                    .toList()))
            .onReply(
                    OrderValidated.class,
                    (o, r) -> o.priced(
                            r.items().stream()
                                    .map(i -> new Order.PricedItem(
                                            i.sku(), i.name(), i.quantity(), i.unitPrice(), i.lineTotal()))
                                    .toList(),
                            r.total(),
                            r.currency()))
            .failOn(OrderRejected.class, r -> new Failure(r.reason(), r.detail()))
            .step(INVENTORY_CHECK, ReservationReply.class)
            .invoke(
                    ReserveStock.class,
                    o -> new ReserveStock(
                            o.id(),
                            o.items().stream()
                                    .map(i -> new ReserveStock.Item(i.sku(), i.quantity()))
                                    .toList()))
            .compensateWith(ReleaseStock.class, o -> new ReleaseStock(o.id()), StockReleased.class)
            .onReply(StockReserved.class)
            .failOn(
                    StockUnavailable.class,
                    r -> new Failure(r.reason(), "Not enough stock of " + String.join(", ", r.skus())))
            .step(PAYMENT_PROCESSING, ChargeReply.class)
            .invoke(
                    ChargePayment.class,
                    o -> new ChargePayment(
                            o.id(),
                            requireNonNull(o.totalAmount(), PRICED_BEFORE_PAYMENT),
                            requireNonNull(o.currency(), PRICED_BEFORE_PAYMENT),
                            o.cardToken()))
            .compensateWith(RefundPayment.class, o -> new RefundPayment(o.id(), o.currency()), PaymentRefunded.class)
            .onReply(PaymentCharged.class, (o, r) -> o.paid(r.paymentId()))
            .failOn(PaymentDeclined.class, r -> new Failure("payment_declined", r.reason()))
            .step(SHIPPING, ShipmentReply.class)
            .invoke(
                    CreateShipment.class,
                    o -> new CreateShipment(
                            o.id(),
                            o.shippingAddress(),
                            o.items().stream()
                                    .map(i -> new CreateShipment.Item(i.sku(), i.quantity()))
                                    .toList()))
            .compensateWith(CancelShipment.class, o -> new CancelShipment(o.id()), ShipmentCancelled.class)
            .onReply(ShipmentCreated.class, (o, r) -> o.shipped(r.trackingNumber()))
            .failOn(ShipmentFailed.class, r -> new Failure("shipping_failed", r.reason()))
            .whenCompleted(CommitStock.class, o -> new CommitStock(o.id()));

    private OrderFulfilment() {}
}
