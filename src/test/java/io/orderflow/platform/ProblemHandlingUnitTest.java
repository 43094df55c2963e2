package io.orderflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class ProblemHandlingUnitTest {

    @Test
    void namesInvalidFieldsInSnakeCaseAsTheyAppearOnTheWire() {
        assertThat(ProblemHandling.toSnakeCase("items[0].unitPrice")).isEqualTo("items[0].unit_price");
        assertThat(ProblemHandling.toSnakeCase("shippingAddress.postalCode")).isEqualTo("shipping_address.postal_code");
        assertThat(ProblemHandling.toSnakeCase("customerEmail")).isEqualTo("customer_email");
    }

    @Test
    void namesFieldsTheSameWayWhateverTheServersLocale() {
        Locale before = Locale.getDefault();
        try {
            // in Turkish, "I".toLowerCase() is the dotless \u0131
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));

            assertThat(ProblemHandling.toSnakeCase("orderId")).isEqualTo("order_id");
        } finally {
            Locale.setDefault(before);
        }
    }
}
