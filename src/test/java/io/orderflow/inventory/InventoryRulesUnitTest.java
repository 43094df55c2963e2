package io.orderflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Inventory's rules that need no database: what a repeated reservation hears, and all-or-nothing. */
class InventoryRulesUnitTest {

    @Test
    void aRepeatedReservationOfHeldOrShippedStockAnswersReservedAgain() {
        assertThat(ReservationState.RESERVED.answerToRepeatedReserve("o-1")).isEqualTo(new StockReserved("o-1"));
        assertThat(ReservationState.SHIPPED.answerToRepeatedReserve("o-1")).isEqualTo(new StockReserved("o-1"));
    }

    @Test
    void aRepeatedReservationAfterARejectionOrAReleaseIsRefusedNamingTheRecordedState() {
        assertThat(ReservationState.REJECTED.answerToRepeatedReserve("o-1"))
                .isEqualTo(new StockUnavailable("o-1", "reservation_rejected", List.of()));
        assertThat(ReservationState.RELEASED.answerToRepeatedReserve("o-1"))
                .isEqualTo(new StockUnavailable("o-1", "reservation_released", List.of()));
    }

    @Test
    void asksForEachSkuOnceInSkuOrderAddingUpRepeatedLines() {
        StockRequest wanted = StockRequest.of(List.of(
                new ReserveStock.Item("PROD-2", 1),
                new ReserveStock.Item("PROD-1", 2),
                new ReserveStock.Item("PROD-2", 3)));

        assertThat(wanted.quantities()).containsExactly(Map.entry("PROD-1", 2), Map.entry("PROD-2", 4));
        assertThat(wanted.skus()).containsExactly("PROD-1", "PROD-2");
    }

    @Test
    void namesEveryShortSkuAnUnknownOneIncluded() {
        StockRequest wanted = StockRequest.of(List.of(
                new ReserveStock.Item("PROD-1", 2),
                new ReserveStock.Item("PROD-2", 5),
                new ReserveStock.Item("NOPE", 1)));

        assertThat(wanted.shortOf(Map.of("PROD-1", 2, "PROD-2", 4))).containsExactly("NOPE", "PROD-2");
    }

    @Test
    void findsNothingShortWhenEverySkuHasEnough() {
        StockRequest wanted = StockRequest.of(List.of(new ReserveStock.Item("PROD-1", 2)));

        assertThat(wanted.shortOf(Map.of("PROD-1", 2))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ReservationState.class)
    void readsBackEveryStateFromItsDatabaseName(ReservationState state) {
        assertThat(ReservationState.fromDb(state.dbName())).isSameAs(state);
    }

    @Test
    void refusesAStatusItDoesNotKnow() {
        assertThatThrownBy(() -> ReservationState.fromDb("RESERVED")).isInstanceOf(IllegalStateException.class);
    }
}
