package io.orderflow.payment;

import static io.orderflow.payment.PaymentState.CHARGED;
import static io.orderflow.payment.PaymentState.DECLINED;
import static io.orderflow.payment.PaymentState.REFUNDED;
import static io.orderflow.payment.PaymentState.VOIDED;

import io.orderflow.messaging.PoisonMessageException;
import java.math.BigDecimal;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One payment per order at most: a repeated charge or refund answers with what was already recorded. Each
 * operation returns its answer, for the caller to send in the same transaction.
 */
@Component
class Payments {

    private final JdbcClient jdbc;
    private final PaymentGateway provider;

    Payments(JdbcClient jdbc, PaymentGateway provider) {
        this.jdbc = jdbc;
        this.provider = provider;
    }

    ChargeReply charge(ChargePayment command) {
        Optional<Payment> existing = find(command.orderId());
        if (existing.isPresent()) {
            return existing.get().answerToRepeatedCharge();
        }
        if (command.amount() == null || command.amount().signum() <= 0) {
            throw new PoisonMessageException("charge amount must be positive");
        }
        PaymentProvider.Outcome outcome = provider.charge(command.cardToken(), command.orderId());
        if (outcome instanceof PaymentProvider.Approved approved) {
            insert(command, approved.reference(), CHARGED, null);
            return new PaymentCharged(command.orderId(), approved.reference(), command.amount(), command.currency());
        }
        PaymentProvider.Declined declined = (PaymentProvider.Declined) outcome;
        insert(command, null, DECLINED, declined.reason());
        return new PaymentDeclined(command.orderId(), declined.reason());
    }

    PaymentRefunded refund(RefundPayment command) {
        Optional<Payment> existing = find(command.orderId());
        if (existing.isEmpty()) {
            // nothing charged; void the order so a late charge is declined rather than taken
            String currency = Payment.voidCurrency(command);
            jdbc.sql("insert into payment.payment (order_id, amount, currency, status) values (?, 0, ?, ?)")
                    .params(command.orderId(), currency, VOIDED.dbName())
                    .update();
            return new PaymentRefunded(command.orderId(), BigDecimal.ZERO, currency);
        }
        Payment p = existing.get();
        if (p.state() != CHARGED) {
            return p.answerToRepeatedRefund();
        }
        provider.refund(p.chargeReference());
        jdbc.sql("update payment.payment set status = ?, refunded_amount = amount, refunded_at = now() "
                        + "where order_id = ?")
                .params(REFUNDED.dbName(), p.orderId())
                .update();
        return new PaymentRefunded(p.orderId(), p.amount(), p.currency());
    }

    private void insert(
            ChargePayment command, @Nullable String paymentId, PaymentState state, @Nullable String declineReason) {
        jdbc.sql(
                        "insert into payment.payment (order_id, payment_id, amount, currency, card_token, status, decline_reason, "
                                + "charged_at) values (?, ?, ?, ?, ?, ?, ?, case when ? then now() end)")
                .params(
                        command.orderId(),
                        paymentId,
                        command.amount(),
                        command.currency(),
                        command.cardToken(),
                        state.dbName(),
                        declineReason,
                        state == CHARGED)
                .update();
    }

    private Optional<Payment> find(String orderId) {
        return jdbc.sql("select order_id, payment_id, amount, currency, status, decline_reason from payment.payment "
                        + "where order_id = ? for update")
                .param(orderId)
                .query((rs, n) -> new Payment(
                        rs.getString("order_id"),
                        rs.getString("payment_id"),
                        rs.getBigDecimal("amount"),
                        rs.getString("currency"),
                        PaymentState.fromDb(rs.getString("status")),
                        rs.getString("decline_reason")))
                .optional();
    }
}
