package io.orderflow.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.RunningApp;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The order view's history scrubber in a real browser: moved with the keyboard, it shows the order as it was after
 * each event (fetched with {@code ?at_sequence=N}), and "Latest" brings back the live order.
 */
class HistoryScrubberBrowserIntegrationTest {

    static RunningApp app;
    static Browser browser;

    OrderPage page;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        app = RunningApp.embedded(Map.of());
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (app != null) {
                app.close();
            }
        }
    }

    @BeforeEach
    void freshPage() {
        browser.emulateLaptop();
        browser.driver.manage().window().setSize(Browser.LAPTOP);
        page = new OrderPage(browser.driver, app.baseUrl());
    }

    @AfterEach
    void leavePage() {
        try {
            assertThat(browser.cspViolations())
                    .as("what the Content-Security-Policy refused")
                    .isEmpty();
        } finally {
            browser.driver.get("about:blank");
        }
    }

    @Test
    void movesBackThroughTheHistoryAndReturnsToTheLiveOrder() {
        page.openForm()
                .email("hedy@example.com")
                .only("PROD-003", 1)
                .country("US")
                .card("tok_visa");
        page.place();
        page.awaitStatus("completed").awaitEvent("order_completed");
        int last = page.eventSequences().size();
        page.until(
                "the scrubber at the latest event",
                d -> page.find("scrubber").isDisplayed() && String.valueOf(last).equals(range().getAttribute("max")));
        assertThat(label()).contains("#" + last, "Order completed", "(latest)");
        assertThat(page.find("scrubber-latest").isEnabled()).isFalse();

        // Home: the first event, the order as it was placed
        range().sendKeys(Keys.HOME);
        awaitShown(1);
        assertThat(page.status()).isEqualTo("pending");
        assertThat(label()).contains("#1", "Order placed").doesNotContain("latest");
        assertThat(page.eventSequences()).containsExactly(1);
        assertThat(page.find("order-total").getText()).isEmpty();
        assertThat(page.steps()).containsEntry("pending", "current").containsEntry("validating", "upcoming");
        assertThat(page.cancelButton().isDisplayed()).isFalse();
        assertThat(page.find("scrubber").getAttribute("data-state")).isEqualTo("past");
        assertThat(page.find("scrubber-latest").isEnabled()).isTrue();
        browser.screenshot("13-order-history-scrubber");

        // three steps right: the stock is reserved, payment is next
        range().sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT);
        awaitShown(4);
        assertThat(page.status()).isEqualTo("payment_processing");
        assertThat(label()).contains("#4", "Stock reserved");
        assertThat(page.eventTypes())
                .containsExactly("order_placed", "fulfilment_started", "order_validated", "stock_reserved");
        assertThat(page.find("order-total").getText()).isEqualTo("$79.99");
        assertThat(page.steps())
                .containsEntry("inventory_check", "done")
                .containsEntry("payment_processing", "current");
        assertThat(page.find("tracking-number").isDisplayed()).isFalse();

        // "Latest": the live order again
        page.find("scrubber-latest").click();
        awaitShown(last);
        assertThat(page.status()).isEqualTo("completed");
        assertThat(page.eventSequences()).hasSize(last);
        assertThat(page.find("tracking-number").getText()).contains("TRK");
        assertThat(page.find("scrubber").getAttribute("data-state")).isEqualTo("live");

        // and End, from an earlier point, does the same
        range().sendKeys(Keys.ARROW_LEFT);
        awaitShown(last - 1);
        range().sendKeys(Keys.END);
        awaitShown(last);
        assertThat(page.status()).isEqualTo("completed");
    }

    private WebElement range() {
        return page.find("scrubber-range");
    }

    private String label() {
        return page.find("scrubber-label").getText();
    }

    /** Waits until the view draws the order at {@code sequence} (the server's answer has arrived and is shown). */
    private void awaitShown(int sequence) {
        page.until(
                "the order at sequence " + sequence + " on screen",
                d -> String.valueOf(sequence).equals(page.find("order-view").getAttribute("data-shown-sequence"))
                        && page.eventSequences().size() == sequence);
    }
}
