package io.orderflow.inventory;

import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("inventory")
@ComponentScan
public class InventoryModule {

    @Bean
    MessageHandlers inventoryHandlers(Inventory inventory) {
        return MessageHandlers.forModule("inventory")
                .on(ReserveStock.class, inventory::reserve)
                .on(ReleaseStock.class, inventory::release)
                .on(CommitStock.class, inventory::commit)
                .build();
    }
}
