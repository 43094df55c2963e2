package io.orderflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.env.MockEnvironment;

class ModulesUnitTest {

    @Test
    void allRunsEveryModule() {
        Modules modules = Modules.parse("all");

        assertThat(modules.names())
                .containsExactlyInAnyOrder(
                        "order", "catalog", "inventory", "payment", "shipping", "notification", "customer");
        assertThat(Modules.ALL).allMatch(modules::runs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ALL", " all ", "order, all", "", " , "})
    void runsEveryModuleWhenAllIsNamedOrNothingIs(String value) {
        assertThat(Modules.parse(value).names()).containsExactlyInAnyOrderElementsOf(Modules.ALL);
    }

    @Test
    void runsOnlyTheListedModulesWhateverTheSpacingAndCase() {
        Modules modules = Modules.parse(" Order ,CATALOG,  payment ,");

        assertThat(modules.names()).containsExactlyInAnyOrder("order", "catalog", "payment");
        assertThat(modules.runs("order")).isTrue();
        assertThat(modules.runs("inventory")).isFalse();
        assertThat(modules.runs("shipping")).isFalse();
    }

    @Test
    void readsModuleNamesTheSameWayWhateverTheServersLocale() {
        Locale before = Locale.getDefault();
        try {
            // in Turkish, "I".toLowerCase() is the dotless \u0131
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));

            assertThat(Modules.parse("INVENTORY,NOTIFICATION").names())
                    .containsExactlyInAnyOrder("inventory", "notification");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void runsAModuleListedTwiceOnce() {
        assertThat(Modules.parse("inventory,inventory").names()).containsExactly("inventory");
    }

    @Test
    void refusesAnUnknownModuleNamingItAndTheKnownOnes() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Modules.parse("order, billing"))
                .withMessageContaining("orderflow.modules")
                .withMessageContaining("'billing'")
                .withMessageContaining(
                        "known modules: [order, catalog, inventory, payment, shipping, notification, customer]");
    }

    @Test
    void knowsTheEdgeRolesWhichAllDoesNotInclude() {
        Modules gateway = Modules.parse("gateway");
        assertThat(gateway.runs("gateway")).isTrue();
        assertThat(gateway.running()).isEmpty();
        assertThat(gateway.runsAnyModule()).isFalse();
        assertThat(Modules.parse("all").runs("gateway")).isFalse();
        assertThat(Modules.parse("all,discovery").runs("discovery")).isTrue();
        assertThat(Modules.parse("all,discovery").running()).containsExactlyElementsOf(Modules.ALL);
    }

    @Test
    void refusesTheSharedKernelsAsModulesToRun() {
        assertThatIllegalArgumentException().isThrownBy(() -> Modules.parse("messaging"));
        assertThatIllegalArgumentException().isThrownBy(() -> Modules.parse("platform"));
    }

    @Test
    void readsTheModulesFromTheEnvironmentAndDefaultsToAll() {
        assertThat(Modules.from(new MockEnvironment()).names()).containsExactlyInAnyOrderElementsOf(Modules.ALL);
        assertThat(Modules.from(new MockEnvironment().withProperty("orderflow.modules", "shipping,notification"))
                        .names())
                .containsExactlyInAnyOrder("shipping", "notification");
    }

    @Test
    void putsTheOrderModuleInTheOrdersSchemaBecauseOrderIsReservedInSql() {
        assertThat(Modules.schemaOf("order")).isEqualTo("orders");
    }

    @ParameterizedTest
    @ValueSource(strings = {"catalog", "inventory", "payment", "shipping", "notification"})
    void putsEveryOtherModuleInASchemaOfItsName(String module) {
        assertThat(Modules.schemaOf(module)).isEqualTo(module);
    }
}
