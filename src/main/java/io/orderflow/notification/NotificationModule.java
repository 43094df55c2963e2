package io.orderflow.notification;

import io.orderflow.customer.CustomerRegistered;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.order.OrderCancelled;
import io.orderflow.order.OrderCompleted;
import io.orderflow.order.OrderFailed;
import io.orderflow.order.OrderPlaced;
import io.orderflow.platform.ConditionalOnModule;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("notification")
@ComponentScan
public class NotificationModule {

    /** What notification consumes: the routing every process declares (see Topology). */
    public static final List<Class<?>> CONSUMES = List.of(
            CustomerRegistered.class, OrderPlaced.class, OrderCompleted.class, OrderFailed.class, OrderCancelled.class);

    @Bean
    MessageHandlers notificationHandlers(Notifications notifications) {
        return MessageHandlers.forModule("notification")
                .on(
                        CustomerRegistered.class,
                        (e, c) -> notifications.send(
                                null,
                                e.email(),
                                "Welcome to orderflow, " + e.name(),
                                "Your account is ready. Sign in with " + e.email() + " to follow your orders live."))
                .on(
                        OrderPlaced.class,
                        (e, c) -> notifications.send(
                                e.orderId(),
                                e.customerEmail(),
                                "We received your order " + e.orderId(),
                                "Thank you! We are processing your order of "
                                        + e.items().size() + " item(s)."))
                .on(
                        OrderCompleted.class,
                        (e, c) -> notifications.send(
                                e.orderId(),
                                e.customerEmail(),
                                "Your order " + e.orderId() + " is on its way",
                                "We charged " + e.totalAmount() + " " + e.currency() + ". Tracking number: "
                                        + e.trackingNumber() + "."))
                .on(
                        OrderFailed.class,
                        (e, c) -> notifications.send(
                                e.orderId(),
                                e.customerEmail(),
                                "We could not complete your order " + e.orderId(),
                                "Reason: " + e.reason() + ". Nothing remains charged and no stock is held for you."))
                .on(
                        OrderCancelled.class,
                        (e, c) -> notifications.send(
                                e.orderId(),
                                e.customerEmail(),
                                "Your order " + e.orderId() + " is cancelled",
                                "Any payment taken is refunded."))
                .build();
    }
}
