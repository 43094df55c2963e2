package io.orderflow.peer;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

class ModulesTest {

    @Test
    void theModulesDependOnlyOnTheSharedEvents() {
        ApplicationModules.of(PeerApplication.class).verify();
    }
}
