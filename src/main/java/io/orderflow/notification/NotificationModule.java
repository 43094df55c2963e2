package io.orderflow.notification;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.customer.CustomerRegistered;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.order.OrderCancelled;
import io.orderflow.order.OrderCompleted;
import io.orderflow.order.OrderFailed;
import io.orderflow.order.OrderPlaced;
import io.orderflow.platform.ConditionalOnModule;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("notification")
@ComponentScan
public class NotificationModule {

    /** What notification consumes: the routing every process declares (see Topology). */
    public static final List<Class<?>> CONSUMES = List.of(
            CustomerRegistered.class,
            OrderPlaced.class,
            OrderCompleted.class,
            OrderFailed.class,
            OrderCancelled.class,
            SendEmail.class);

    /** What the customer reads for each compensation a failed order set off. */
    private static final Map<String, String> UNDONE = Map.of(
            "ReleaseStock", "The stock reserved for you was released.",
            "RefundPayment", "Your payment was refunded in full.",
            "CancelShipment", "The shipment was cancelled.");

    /**
     * E-mail is sent when Spring Boot configures a mail sender, that is when {@code spring.mail.host} is set;
     * without one, messages are only kept.
     */
    @Bean
    Notifications notifications(
            JdbcClient jdbc,
            EmailTemplates templates,
            ObjectProvider<JavaMailSender> sender,
            CircuitBreakerRegistry breakers,
            MeterRegistry meters,
            @Value("${orderflow.notification.email.from:orderflow <no-reply@orderflow.local>}") String from) {
        JavaMailSender mailSender = sender.getIfAvailable();
        Mailer mailer = mailSender == null
                ? null
                : new Mailer(mailSender, breakers.circuitBreaker(Mailer.BREAKER), from, meters);
        return new Notifications(jdbc, templates, mailer, meters);
    }

    @Bean
    MessageHandlers notificationHandlers(Notifications notifications) {
        return MessageHandlers.forModule("notification")
                .callsRemoteServices() // the mail server, for SendEmail
                .on(
                        CustomerRegistered.class,
                        (e, c) -> notifications.send(
                                EmailTemplates.Kind.WELCOME,
                                null,
                                e.email(),
                                Map.of("name", e.name(), "email", e.email()),
                                c))
                .on(
                        OrderPlaced.class,
                        (e, c) -> notifications.send(
                                EmailTemplates.Kind.PLACED,
                                e.orderId(),
                                e.customerEmail(),
                                Map.of(
                                        "orderId",
                                        e.orderId(),
                                        "itemCount",
                                        e.items().size(),
                                        "items",
                                        e.items()),
                                c))
                .on(
                        OrderCompleted.class,
                        (e, c) -> notifications.send(
                                EmailTemplates.Kind.COMPLETED,
                                e.orderId(),
                                e.customerEmail(),
                                Map.of(
                                        "orderId", e.orderId(),
                                        "totalAmount", e.totalAmount().toPlainString(),
                                        "currency", e.currency(),
                                        "trackingNumber", e.trackingNumber()),
                                c))
                .on(
                        OrderFailed.class,
                        (e, c) -> notifications.send(
                                EmailTemplates.Kind.FAILED,
                                e.orderId(),
                                e.customerEmail(),
                                Map.of(
                                        "orderId", e.orderId(),
                                        "reason", e.reason().replace('_', ' '),
                                        "detail", e.detail() == null ? "" : e.detail(),
                                        "undone",
                                                e.undone().stream()
                                                        .map(command -> UNDONE.getOrDefault(command, command))
                                                        .toList(),
                                        "anythingUndone", !e.undone().isEmpty()),
                                c))
                .on(
                        OrderCancelled.class,
                        (e, c) -> notifications.send(
                                EmailTemplates.Kind.CANCELLED,
                                e.orderId(),
                                e.customerEmail(),
                                Map.of("orderId", e.orderId()),
                                c))
                .on(SendEmail.class, (command, c) -> notifications.deliver(command.notificationId()))
                .build();
    }
}
