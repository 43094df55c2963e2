package io.orderflow.order;

import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("order")
@ComponentScan
public class OrderModule {

    /** What the order module consumes: the placement event and every reply the saga waits for. */
    public static List<Class<?>> consumes() {
        List<Class<?>> types = new ArrayList<>();
        types.add(OrderPlaced.class);
        types.addAll(OrderFulfilment.SAGA.replyTypes());
        return List.copyOf(types);
    }

    @Bean
    MessageHandlers orderHandlers(OrderManagement orders) {
        MessageHandlers.Builder handlers = MessageHandlers.forModule("order").on(OrderPlaced.class, orders::start);
        OrderFulfilment.SAGA.replyTypes().forEach(reply -> handlers.on(reply, orders::onReply));
        return handlers.build();
    }
}
