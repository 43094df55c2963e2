package io.orderflow.payment;

import io.orderflow.messaging.MessageContext;
import io.orderflow.messaging.PoisonMessageException;
import java.math.BigDecimal;
import java.util.Optional;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** One payment per order at most: a repeated charge or refund answers with what was already recorded. */
@Component
class Payments {

    /** ISO 4217 "no currency involved": a void of an order whose currency the refund command did not carry. */
    static final String NO_CURRENCY = "XXX";

    record Payment(
            String orderId,
            String paymentId,
            BigDecimal amount,
            String currency,
            String status,
            String declineReason) {}

    private final JdbcClient jdbc;
    private final PaymentGateway provider;

    Payments(JdbcClient jdbc, PaymentGateway provider) {
        this.jdbc = jdbc;
        this.provider = provider;
    }

    void charge(ChargePayment command, MessageContext context) {
        Optional<Payment> existing = find(command.orderId());
        if (existing.isPresent()) {
            Payment p = existing.get();
            context.send(
                    switch (p.status()) {
                        case "charged" -> new PaymentCharged(p.orderId(), p.paymentId(), p.amount(), p.currency());
                        case "declined" -> new PaymentDeclined(p.orderId(), p.declineReason());
                        default -> new PaymentDeclined(p.orderId(), "payment_" + p.status());
                    });
            return;
        }
        if (command.amount() == null || command.amount().signum() <= 0) {
            throw new PoisonMessageException("charge amount must be positive");
        }
        PaymentProvider.Outcome outcome = provider.charge(command.cardToken(), command.orderId());
        if (outcome instanceof PaymentProvider.Approved approved) {
            insert(command, approved.reference(), "charged", null);
            context.send(
                    new PaymentCharged(command.orderId(), approved.reference(), command.amount(), command.currency()));
        } else if (outcome instanceof PaymentProvider.Declined declined) {
            insert(command, null, "declined", declined.reason());
            context.send(new PaymentDeclined(command.orderId(), declined.reason()));
        }
    }

    void refund(RefundPayment command, MessageContext context) {
        Optional<Payment> existing = find(command.orderId());
        if (existing.isEmpty()) {
            // nothing charged; void the order so a late charge is declined rather than taken
            String currency = command.currency() != null ? command.currency() : NO_CURRENCY;
            jdbc.sql("insert into payment.payment (order_id, amount, currency, status) values (?, 0, ?, 'voided')")
                    .params(command.orderId(), currency)
                    .update();
            context.send(new PaymentRefunded(command.orderId(), BigDecimal.ZERO, currency));
            return;
        }
        Payment p = existing.get();
        switch (p.status()) {
            case "charged" -> {
                provider.refund(p.paymentId());
                jdbc.sql(
                                "update payment.payment set status = 'refunded', refunded_amount = amount, refunded_at = now() "
                                        + "where order_id = ?")
                        .param(p.orderId())
                        .update();
                context.send(new PaymentRefunded(p.orderId(), p.amount(), p.currency()));
            }
            case "refunded" -> context.send(new PaymentRefunded(p.orderId(), p.amount(), p.currency()));
            default -> context.send(new PaymentRefunded(p.orderId(), BigDecimal.ZERO, p.currency()));
        }
    }

    private void insert(ChargePayment command, String paymentId, String status, String declineReason) {
        jdbc.sql(
                        "insert into payment.payment (order_id, payment_id, amount, currency, card_token, status, decline_reason, "
                                + "charged_at) values (?, ?, ?, ?, ?, ?, ?, case when ? = 'charged' then now() end)")
                .params(
                        command.orderId(),
                        paymentId,
                        command.amount(),
                        command.currency(),
                        command.cardToken(),
                        status,
                        declineReason,
                        status)
                .update();
    }

    private Optional<Payment> find(String orderId) {
        return jdbc.sql("select order_id, payment_id, amount, currency, status, decline_reason from payment.payment "
                        + "where order_id = ? for update")
                .param(orderId)
                .query(new DataClassRowMapper<>(Payment.class))
                .optional();
    }
}
