package io.orderflow.payment;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.orderflow.messaging.ChaosFault;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("payment")
@ComponentScan
public class PaymentModule {

    /** What payment consumes: the routing every process declares (see Topology). */
    public static final List<Class<?>> CONSUMES = List.of(ChargePayment.class, RefundPayment.class);

    @Bean
    PaymentGateway paymentGateway(PaymentProvider provider, CircuitBreakerRegistry breakers) {
        // configured by resilience4j.circuitbreaker.instances.payment-provider.*; state published as metrics
        return new PaymentGateway(provider, breakers.circuitBreaker(PaymentGateway.BREAKER));
    }

    /** The provider's outage as a runtime chaos fault, only where the chaos controls are switched on. */
    @Bean
    @ConditionalOnBooleanProperty(ChaosFault.CONTROLS_ENABLED)
    ChaosFault paymentOutageFault(PaymentProvider provider, CircuitBreakerRegistry breakers) {
        return new PaymentOutageFault(provider, breakers.circuitBreaker(PaymentGateway.BREAKER));
    }

    @Bean
    MessageHandlers paymentHandlers(Payments payments) {
        return MessageHandlers.forModule("payment")
                .callsRemoteServices() // the payment provider
                .on(ChargePayment.class, (command, context) -> context.send(payments.charge(command)))
                .on(RefundPayment.class, (command, context) -> context.send(payments.refund(command)))
                .build();
    }
}
