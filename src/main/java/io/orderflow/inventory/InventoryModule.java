package io.orderflow.inventory;

import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("inventory")
@ComponentScan
public class InventoryModule {

    /** What inventory consumes: the routing every process declares (see Topology). */
    public static final List<Class<?>> CONSUMES = List.of(ReserveStock.class, ReleaseStock.class, CommitStock.class);

    @Bean
    MessageHandlers inventoryHandlers(Inventory inventory) {
        return MessageHandlers.forModule("inventory")
                .on(
                        ReserveStock.class,
                        (command, context) -> inventory.reserve(command).forEach(context::send))
                .on(
                        ReleaseStock.class,
                        (command, context) -> inventory.release(command).forEach(context::send))
                .on(CommitStock.class, (command, context) -> inventory.commit(command))
                .build();
    }
}
