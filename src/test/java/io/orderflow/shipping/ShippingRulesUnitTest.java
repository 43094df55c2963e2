package io.orderflow.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Shipping's rules that need no database: what a repeated request hears. */
class ShippingRulesUnitTest {

    @Test
    void aRepeatedRequestForABookedShipmentAnswersTheSameTrackingNumber() {
        assertThat(new Shipment("o-1", "TRK1", ShipmentState.CREATED, null).answerToRepeatedCreate())
                .isEqualTo(new ShipmentCreated("o-1", "TRK1", "orderflow-express"));
    }

    @Test
    void aRepeatedRequestForARefusedShipmentAnswersTheSameReason() {
        assertThat(new Shipment("o-1", null, ShipmentState.FAILED, "carrier_rejected: destination ZZ is not served")
                        .answerToRepeatedCreate())
                .isEqualTo(new ShipmentFailed("o-1", "carrier_rejected: destination ZZ is not served"));
    }

    @Test
    void aRequestForACancelledShipmentFailsAsCancelled() {
        assertThat(new Shipment("o-1", "TRK1", ShipmentState.CANCELLED, null).answerToRepeatedCreate())
                .isEqualTo(new ShipmentFailed("o-1", "shipment_cancelled"));
        assertThat(new Shipment("o-1", null, ShipmentState.CANCELLED, Shipments.CANCELLED_BEFORE_CREATION)
                        .answerToRepeatedCreate())
                .isEqualTo(new ShipmentFailed("o-1", "shipment_cancelled"));
    }

    @ParameterizedTest
    @EnumSource(ShipmentState.class)
    void readsBackEveryStateFromItsDatabaseName(ShipmentState state) {
        assertThat(ShipmentState.fromDb(state.dbName())).isSameAs(state);
    }

    @Test
    void refusesAStatusItDoesNotKnow() {
        assertThatThrownBy(() -> ShipmentState.fromDb("CREATED")).isInstanceOf(IllegalStateException.class);
    }
}
