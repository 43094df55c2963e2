package io.orderflow.order;

import io.orderflow.shipping.ShippingAddress;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The order aggregate. Its state changes only through the saga's decisions; {@code version} counts the
 * events in its history, so the n-th event has sequence n.
 */
final class Order {

    record Item(String sku, int quantity, @Nullable BigDecimal unitPrice) {}

    record PricedItem(String sku, String name, int quantity, BigDecimal unitPrice, BigDecimal lineTotal) {}

    private final String id;
    private final @Nullable String customerEmail;
    private final List<Item> items;
    private final @Nullable String cardToken;
    private final @Nullable ShippingAddress shippingAddress;
    private final Instant createdAt;
    private @Nullable List<PricedItem> pricedItems;
    private @Nullable BigDecimal totalAmount;
    private @Nullable String currency;
    private OrderStatus status;
    private @Nullable String failureReason;
    private @Nullable String failureDetail;
    private @Nullable String paymentId;
    private @Nullable String trackingNumber;
    private int version;
    private Instant updatedAt;
    private @Nullable Instant stepStartedAt;
    private int stepAttempts = 1;
    private @Nullable Instant nextDeadlineAt;

    /**
     * The order as stored: one component per column, {@code null} where fulfilment has not got that far (no
     * prices before validation, no payment id before the charge). Only storage builds one.
     */
    record Snapshot(
            String id,
            @Nullable String customerEmail,
            List<Item> items,
            @Nullable String cardToken,
            @Nullable ShippingAddress shippingAddress,
            Instant createdAt,
            @Nullable List<PricedItem> pricedItems,
            @Nullable BigDecimal totalAmount,
            @Nullable String currency,
            OrderStatus status,
            @Nullable String failureReason,
            @Nullable String failureDetail,
            @Nullable String paymentId,
            @Nullable String trackingNumber,
            int version,
            Instant updatedAt,
            @Nullable Instant stepStartedAt,
            int stepAttempts,
            @Nullable Instant nextDeadlineAt) {}

    private Order(
            String id,
            @Nullable String customerEmail,
            List<Item> items,
            @Nullable String cardToken,
            @Nullable ShippingAddress shippingAddress,
            Instant createdAt) {
        this.id = id;
        this.customerEmail = customerEmail;
        this.items = List.copyOf(items);
        this.cardToken = cardToken;
        this.shippingAddress = shippingAddress;
        this.createdAt = createdAt;
        this.status = OrderStatus.PENDING;
        this.updatedAt = createdAt;
    }

    /** A new order, as the customer placed it: pending, priced by nobody yet, with no history. */
    static Order place(
            String id,
            @Nullable String customerEmail,
            List<Item> items,
            @Nullable String cardToken,
            @Nullable ShippingAddress shippingAddress,
            Instant now) {
        return new Order(id, customerEmail, items, cardToken, shippingAddress, now);
    }

    /** The order as it was stored. */
    static Order restore(Snapshot stored) {
        Order order = new Order(
                stored.id(),
                stored.customerEmail(),
                stored.items(),
                stored.cardToken(),
                stored.shippingAddress(),
                stored.createdAt());
        order.pricedItems = stored.pricedItems() == null ? null : List.copyOf(stored.pricedItems());
        order.totalAmount = stored.totalAmount();
        order.currency = stored.currency();
        order.status = stored.status();
        order.failureReason = stored.failureReason();
        order.failureDetail = stored.failureDetail();
        order.paymentId = stored.paymentId();
        order.trackingNumber = stored.trackingNumber();
        order.version = stored.version();
        order.updatedAt = stored.updatedAt();
        order.stepStartedAt = stored.stepStartedAt();
        order.stepAttempts = stored.stepAttempts();
        order.nextDeadlineAt = stored.nextDeadlineAt();
        return order;
    }

    void priced(List<PricedItem> priced, BigDecimal total, String currency) {
        this.pricedItems = List.copyOf(priced);
        this.totalAmount = total;
        this.currency = currency;
    }

    void paid(String paymentId) {
        this.paymentId = paymentId;
    }

    void shipped(String trackingNumber) {
        this.trackingNumber = trackingNumber;
    }

    /**
     * On to the next step of fulfilment: only forward (a step is never entered twice), never out of a final
     * state, never to a final state (those have their own moves).
     */
    void advanceTo(OrderStatus step) {
        require(!status.isTerminal() && !step.isTerminal() && step.compareTo(status) > 0, step);
        this.status = step;
    }

    /** Every step done: only from a step of fulfilment (a pending order has not started). */
    void complete() {
        require(!status.isTerminal() && status != OrderStatus.PENDING, OrderStatus.COMPLETED);
        this.status = OrderStatus.COMPLETED;
    }

    /** Cancelled by its customer: only before the shipment is requested. */
    void cancel() {
        require(status.isCancellable(), OrderStatus.CANCELLED);
        this.status = OrderStatus.CANCELLED;
    }

    /** Failed, with the reason the customer is shown: from any state that is not final. */
    void fail(String reason, String detail) {
        require(!status.isTerminal(), OrderStatus.FAILED);
        this.status = OrderStatus.FAILED;
        this.failureReason = reason;
        this.failureDetail = detail;
    }

    /** Refuses a move the lifecycle does not have; the order stays as it was. */
    private void require(boolean allowed, OrderStatus next) {
        if (!allowed) {
            throw new IllegalStateException(
                    "order " + id + " cannot move from " + status.wireName() + " to " + next.wireName());
        }
    }

    /** Entered a new status: its clock starts now; a terminal status needs no more attention. */
    void stepEntered(Instant now, Duration resendAfter) {
        this.stepStartedAt = now;
        this.stepAttempts = 1;
        this.nextDeadlineAt = status.isTerminal() ? null : now.plus(resendAfter);
    }

    /** The current step's command went out again; look again after {@code resendAfter}. */
    void stepResent(Instant now, Duration resendAfter) {
        this.stepAttempts++;
        this.nextDeadlineAt = now.plus(resendAfter);
    }

    @Nullable
    Instant stepStartedAt() {
        return stepStartedAt;
    }

    int stepAttempts() {
        return stepAttempts;
    }

    @Nullable
    Instant nextDeadlineAt() {
        return nextDeadlineAt;
    }

    void recorded(int events, Instant at) {
        this.version += events;
        this.updatedAt = at;
    }

    String id() {
        return id;
    }

    /** Where to tell the customer about the order; none for an order placed without one (see {@link NewOrder}). */
    @Nullable
    String customerEmail() {
        return customerEmail;
    }

    List<Item> items() {
        return items;
    }

    @Nullable
    String cardToken() {
        return cardToken;
    }

    @Nullable
    ShippingAddress shippingAddress() {
        return shippingAddress;
    }

    Instant createdAt() {
        return createdAt;
    }

    @Nullable
    List<PricedItem> pricedItems() {
        return pricedItems;
    }

    @Nullable
    BigDecimal totalAmount() {
        return totalAmount;
    }

    @Nullable
    String currency() {
        return currency;
    }

    OrderStatus status() {
        return status;
    }

    @Nullable
    String failureReason() {
        return failureReason;
    }

    @Nullable
    String failureDetail() {
        return failureDetail;
    }

    @Nullable
    String paymentId() {
        return paymentId;
    }

    @Nullable
    String trackingNumber() {
        return trackingNumber;
    }

    int version() {
        return version;
    }

    Instant updatedAt() {
        return updatedAt;
    }
}
