package io.orderflow.payment;

import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("payment")
@ComponentScan
public class PaymentModule {

    @Bean
    MessageHandlers paymentHandlers(Payments payments) {
        return MessageHandlers.forModule("payment")
                .on(ChargePayment.class, payments::charge)
                .on(RefundPayment.class, payments::refund)
                .build();
    }
}
