package io.orderflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedServerSettingsUnitTest {

    @Test
    void configuredSettingsGoToTheServerNextToTheFixedOnes() {
        Map<String, String> settings = EmbeddedDatabase.serverSettings(
                Map.of("max_wal_size", " 4GB ", "Autovacuum_Vacuum_Cost_Delay", "10ms"));

        assertThat(settings)
                .containsEntry("max_wal_size", "4GB")
                .containsEntry("autovacuum_vacuum_cost_delay", "10ms")
                .containsEntry("fsync", "on")
                .containsEntry("synchronous_commit", "on")
                .containsEntry("max_connections", "200")
                .hasSize(5);
        assertThat(EmbeddedDatabase.serverSettings(Map.of("max_connections", "300")))
                .as("a default, not fixed")
                .containsEntry("max_connections", "300");
    }

    @Test
    void aFixedSettingMayBeRepeatedButNotChanged() {
        assertThat(EmbeddedDatabase.serverSettings(Map.of("fsync", "ON"))).containsEntry("fsync", "on");

        assertThatThrownBy(() -> EmbeddedDatabase.serverSettings(Map.of("synchronous_commit", "off")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("server-settings[synchronous_commit]=off")
                .hasMessageContaining("durable commits");
        assertThatThrownBy(() -> EmbeddedDatabase.serverSettings(Map.of("FSYNC", "off")))
                .hasMessageContaining("fsync=on");
    }
}
