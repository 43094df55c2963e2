package io.orderflow.order;

import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("order")
@ComponentScan
public class OrderModule {

    /**
     * What the order module consumes: every reply the saga waits for. The saga starts in the placing transaction;
     * the order module no longer consumes its own {@link OrderPlaced} (retired below).
     */
    public static List<Class<?>> consumes() {
        return List.copyOf(OrderFulfilment.SAGA.replyTypes());
    }

    @Bean
    MessageHandlers orderHandlers(OrderManagement orders) {
        // an OrderPlaced still queued from an earlier version starts its order's saga, as it did then
        MessageHandlers.Builder handlers = MessageHandlers.forModule("order").retired(OrderPlaced.class, orders::start);
        OrderFulfilment.SAGA.replyTypes().forEach(reply -> handlers.on(reply, orders::onReply));
        return handlers.build();
    }
}
