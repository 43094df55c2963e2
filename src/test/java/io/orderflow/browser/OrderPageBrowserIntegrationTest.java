package io.orderflow.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.RunningApp;
import io.orderflow.it.TestTokens;
import io.orderflow.payment.SlowCards;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web page in a real browser: orderflow runs in embedded mode in this JVM, headless Chromium drives the
 * page, and each test does what a person would do and checks what they would see. Guests check out without an
 * account; customers sign up or sign in in the page. After every test the page must not have done anything
 * its Content-Security-Policy refuses.
 *
 * <p>Screenshots of the main states are written when {@code ORDERFLOW_SCREENSHOTS} (or
 * {@code -Dorderflow.screenshots}) names a directory, e.g. {@code docs/screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // independent; ordered so the screenshots show a busy shop
class OrderPageBrowserIntegrationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static final Pattern IMPORT = Pattern.compile("from '(\\.{1,2}/[^']+)'");

    static RunningApp app;
    static String baseUrl;
    static Browser browser;

    OrderPage page;

    @BeforeAll
    static void start() throws Exception {
        // the browser first: a machine without Chromium fails here, before the app is started for nothing
        browser = Browser.start();
        app = RunningApp.embedded(Map.of("orderflow.payment.provider.slow-card-latency", "5s"));
        baseUrl = app.baseUrl();
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
        page = new OrderPage(browser.driver, baseUrl);
    }

    /** Holds tok_slow charges in this app until released (see {@link SlowCards}). */
    static SlowCards holdSlowCards() {
        return SlowCards.hold(List.of(app::bean));
    }

    @AfterEach
    void leavePage() {
        try {
            if (browser.driver.getCurrentUrl().startsWith(baseUrl)) {
                assertThat(browser.cspViolations())
                        .as("what the Content-Security-Policy refused")
                        .isEmpty();
                // the next test starts signed out, like a new tab (this browser's guest orders stay, as they would)
                page.forgetSession();
            }
        } finally {
            // a test that went offline must not leave the next page without its connections
            browser.driver.get("about:blank");
        }
    }

    /**
     * Both pages are ES modules with no build step: every module they import, all the way down, is served to a
     * caller without a token as JavaScript (a browser runs a module script of no other type).
     */
    @Test
    @Order(1)
    void servesEveryModuleOfBothPagesToAnyoneAsJavaScript() {
        for (String path : List.of("/", "/ops/")) {
            URI pageUri = URI.create(baseUrl + path);
            Matcher entry = Pattern.compile("<script type=\"module\" src=\"([^\"]+)\"></script>")
                    .matcher(send(HttpRequest.newBuilder(pageUri)).body());
            assertThat(entry.find()).as(path + " loads a module").isTrue();
            Set<URI> served = new LinkedHashSet<>();
            Deque<URI> due = new ArrayDeque<>(List.of(pageUri.resolve(entry.group(1))));
            while (!due.isEmpty()) {
                URI module = due.remove();
                if (!served.add(module)) {
                    continue;
                }
                HttpResponse<String> response = send(HttpRequest.newBuilder(module));
                assertThat(response.statusCode()).as(module.getPath()).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type").orElse(""))
                        .as(module.getPath())
                        .startsWith("text/javascript");
                Matcher imports = IMPORT.matcher(response.body());
                while (imports.find()) {
                    due.add(module.resolve(imports.group(1)));
                }
            }
            assertThat(served).extracting(URI::getPath).anyMatch(p -> p.startsWith("/shared/"));
        }
    }

    @Test
    @Order(9)
    void placesAnOrderAndWatchesItComplete() {
        page.openForm()
                .email("ada@example.com")
                .item(0, "PROD-003", 2)
                .item(1, "PROD-002", 1)
                .country("US")
                .card("tok_visa");
        // 2 x 79.99 + 29.99, in whole cents
        assertThat(page.formTotalCents()).isEqualTo(18_997L);
        assertThat(page.formTotal()).isEqualTo("$189.97");
        browser.screenshot("01-order-form");

        String id = page.place();
        page.awaitStatus("completed");

        assertThat(page.steps())
                .containsExactly(
                        Map.entry("pending", "done"),
                        Map.entry("validating", "done"),
                        Map.entry("inventory_check", "done"),
                        Map.entry("payment_processing", "done"),
                        Map.entry("shipping", "done"),
                        Map.entry("completed", "done"));
        assertThat(page.find("tracking-number").getText()).contains("TRK");
        assertThat(page.find("order-total").getText()).isEqualTo("$189.97");
        assertThat(page.cancelButton().isDisplayed()).isFalse();
        JsonNode order = order(id);
        assertThat(page.find("tracking-number").getText())
                .contains(order.path("tracking_number").asString());
        page.until("the whole history", d -> page.eventTypes().equals(types(order)));
        assertThat(page.eventTypes())
                .containsExactly(
                        "order_placed",
                        "fulfilment_started",
                        "order_validated",
                        "stock_reserved",
                        "payment_charged",
                        "shipment_created",
                        "order_completed");
        assertThat(page.find("compensations").isDisplayed()).isFalse();
        browser.screenshot("02-order-completed");
    }

    @Test
    @Order(2)
    void showsAnInventoryFailureWithItsReason() {
        page.openForm().email("grace@example.com").only("PROD-004", 1);
        assertThat(page.lines()
                        .get(0)
                        .findElement(OrderPage.testId("line-stock"))
                        .getText())
                .contains("Out of stock");

        page.place();
        page.awaitStatus("failed").awaitEvent("order_failed");

        assertThat(page.outcomeTitle()).contains("Out of stock");
        assertThat(page.outcomeDetail()).contains("PROD-004");
        assertThat(page.steps())
                .containsEntry("validating", "done")
                .containsEntry("inventory_check", "failed")
                .containsEntry("payment_processing", "skipped")
                .containsEntry("completed", "skipped");
        assertThat(page.eventTypes()).contains("stock_unavailable").doesNotContain("payment_charged");
        assertThat(page.cancelButton().isDisplayed()).isFalse();
        browser.screenshot("04-order-failed-out-of-stock");
    }

    @Test
    @Order(3)
    void showsADeclinedPaymentAndTheStockItReleased() {
        page.openForm().email("linus@example.com").only("PROD-001", 1).card("tok_chargeDeclined");

        String id = page.place();
        page.awaitStatus("failed").awaitCompensation("release_stock").awaitEvent("stock_released");

        assertThat(page.outcomeTitle()).contains("Payment declined");
        assertThat(page.outcomeDetail()).isNotBlank();
        assertThat(page.steps())
                .containsEntry("inventory_check", "done")
                .containsEntry("payment_processing", "failed")
                .containsEntry("shipping", "skipped");
        assertThat(page.compensations()).containsOnlyKeys("release_stock");
        assertThat(page.eventTypes())
                .containsSubsequence(
                        "stock_reserved",
                        "payment_declined",
                        "compensation_requested",
                        "order_failed",
                        "stock_released");
        assertGapFree(page, id);
        browser.screenshot("03-order-failed-payment-declined");
    }

    @Test
    @Order(4)
    void cancelsFromThePageAndShowsWhatWasUndone() {
        page.openForm().email("barbara@example.com").only("PROD-001", 1).card("tok_slow");
        String id;
        // the held slow card keeps the order in payment processing, where it can still be cancelled
        try (SlowCards held = holdSlowCards()) {
            id = page.place();
            page.awaitStep("payment_processing", "current");
            page.until("the cancel button", d -> page.cancelButton().isDisplayed());
            page.cancelButton().click();

            page.awaitStatus("cancelled");
            assertThat(page.cancelButton().isDisplayed()).isFalse();
            // stock is released at once; the charge still in flight is refunded when its answer arrives
            page.awaitCompensation("release_stock");
        }
        page.awaitCompensation("refund_payment");
        assertThat(page.steps())
                .containsEntry("inventory_check", "done")
                .containsEntry("payment_processing", "cancelled")
                .containsEntry("completed", "skipped");
        assertThat(page.outcomeTitle()).isEqualTo("Cancelled");
        assertThat(page.eventTypes())
                .contains("cancellation_requested", "order_cancelled", "stock_released", "payment_refunded");
        assertGapFree(page, id);
        assertThat(order(id).path("status").asString()).isEqualTo("cancelled");
        browser.screenshot("05-order-cancelled");
    }

    @Test
    @Order(5)
    void showsWhyAnOrderCanNoLongerBeCancelled() {
        page.openForm().email("edsger@example.com").only("PROD-002", 1).card("tok_slow");
        try (SlowCards held = holdSlowCards()) {
            String id = page.place();
            page.awaitStep("payment_processing", "current");
            page.until("the cancel button", d -> page.cancelButton().isDisplayed());
            // while this page is cut off, the order is cancelled elsewhere: its cancel button is stale
            page.script("window.orderflow.goOffline()");
            page.awaitConnection("offline");
            // a guest order whose id the server chose: its id is all the other device needs
            assertThat(post("/api/orders/" + id + "/cancel", null, null).statusCode())
                    .isEqualTo(200);
        }

        page.cancelButton().click();

        WebElement error = page.awaitError();
        assertThat(error.getText()).contains("can no longer be cancelled");
        page.script("window.orderflow.goOnline()");
        page.awaitStatus("cancelled");
        assertThat(page.cancelButton().isDisplayed()).isFalse();
    }

    @Test
    @Order(6)
    void catchesUpAfterTheConnectionWasDownWithEveryEventOnce() {
        page.openForm().email("alan@example.com").only("PROD-003", 1).card("tok_slow");
        String id;
        int sequenceBefore;
        try (SlowCards held = holdSlowCards()) {
            id = page.place();
            page.awaitStep("payment_processing", "current");
            sequenceBefore = ((Number) page.clientState().get("lastSequence")).intValue();

            // the network goes away while the order is still being paid for
            page.script("window.orderflow.goOffline()");
            page.awaitConnection("offline");
        }
        JsonNode finished = awaitServerStatus(id, "completed");
        assertThat(page.status()).as("no updates arrive while offline").isEqualTo("payment_processing");
        assertThat(page.eventSequences()).hasSize(sequenceBefore);

        // back online: the page resumes after its last event and catches up
        page.script("window.orderflow.goOnline()");
        page.awaitStatus("completed").awaitConnection("live");
        page.until(
                "every event",
                d -> page.eventSequences().size() == finished.path("events").size());

        assertGapFree(page, id);
        assertThat(((Number) page.clientState().get("orderConnects")).intValue())
                .isGreaterThanOrEqualTo(2);
        assertThat(page.steps().values()).containsOnly("done");
        assertThat(page.find("tracking-number").getText())
                .contains(finished.path("tracking_number").asString());
    }

    @Test
    @Order(7)
    void reconnectsByItselfAfterADroppedSocket() {
        page.openForm().email("margaret@example.com").only("PROD-002", 2).card("tok_slow");
        String id;
        try (SlowCards held = holdSlowCards()) {
            id = page.place();
            page.awaitStep("payment_processing", "current");

            page.script("window.orderflow.dropConnection()");

            page.until("a new connection", d -> ((Number) page.clientState().get("orderConnects")).intValue() >= 2);
        }
        page.awaitStatus("completed").awaitConnection("live");
        page.until(
                "every event",
                d -> page.eventSequences().size() == order(id).path("events").size());
        assertGapFree(page, id);
    }

    @Test
    @Order(1)
    void showsValidationErrorsToThePerson() {
        page.openForm().email("not-an-email").only("PROD-001", 0);

        page.submit();

        WebElement error = page.awaitError();
        assertThat(page.find("error-box").getText()).contains("Validation failed");
        List<String> fields = error.findElements(OrderPage.testId("error-field")).stream()
                .map(e -> e.getAttribute("data-field"))
                .toList();
        assertThat(fields).contains("customer_email", "items[0].quantity");
        assertThat(error.getText()).contains("must be a valid email address");
        assertThat(page.find("order-form").getText()).contains("must be a valid email address");
        assertThat(page.find("order-form-view").isDisplayed())
                .as("the form stays for corrections")
                .isTrue();
        browser.screenshot("06-validation-error");

        // corrected, the same form goes through and the error disappears
        page.email("not-an-email@example.com").only("PROD-001", 1);
        page.place();
        assertThat(page.errorBox().isDisplayed()).isFalse();
    }

    @Test
    @Order(8)
    void listsTheCustomersOwnOrdersLiveAndOpensThem() {
        Customer grace = newCustomer("Grace Hopper");
        page.openForm().signIn(grace.email(), TestTokens.PASSWORD);
        assertThat(page.signedInAs()).contains("Grace Hopper");
        assertThat(page.recentTitle()).isEqualTo("My orders");
        page.awaitConnection("live");

        // placed by Grace on another device: the list shows them without a reload
        String first = placeViaApi("PROD-002", 1, "tok_visa", grace.token());
        page.awaitRecentOrder(first, "completed");
        String declined = placeViaApi("PROD-003", 1, "tok_chargeDeclined", grace.token());
        page.awaitRecentOrder(declined, "failed");
        // someone else's order never shows up; Grace's next one does, so the other one had its chance to
        String someoneElses =
                placeViaApi("PROD-001", 1, "tok_visa", newCustomer("Mallory").token());
        String latest = placeViaApi("PROD-001", 1, "tok_visa", grace.token());
        page.awaitRecentOrder(latest, "completed");
        awaitServerStatus(someoneElses, "completed", TestTokens.operator(baseUrl));
        assertThat(page.recentOrders().keySet())
                .as("only Grace's, newest first")
                .containsExactly(latest, declined, first);

        page.openRecentOrder(first);
        page.until(
                "the order's timeline", d -> first.equals(page.find("order-id").getText()));
        page.awaitStatus("completed");
        assertThat(browser.driver.getCurrentUrl()).endsWith("#/orders/" + first);
        assertGapFree(page, first, grace.token());

        // "My orders" has the whole list, and again only hers
        page.find("my-orders-link").click();
        page.until("Grace's orders", d -> page.myOrders().keySet().equals(Set.of(latest, declined, first)));
        assertThat(page.myOrders())
                .containsExactly(
                        Map.entry(latest, "completed"), Map.entry(declined, "failed"), Map.entry(first, "completed"));
        page.until(
                "the number of orders",
                d -> "3 orders".equals(page.find("my-orders-count").getText()));
        assertThat(page.find("my-orders-more").isDisplayed()).as("more to show").isFalse();
        browser.screenshot("11-my-orders");

        // a deep link opens the same order; an unknown one says so
        page.openOrder(first).awaitStatus("completed");
        browser.driver.get(baseUrl + "/#/orders/no-such-order");
        page.until("not found", d -> page.find("not-found-view").isDisplayed());
    }

    @Test
    @Order(11)
    void aCustomerSignsUpInThePageAndWatchesTheirOrderComplete() {
        String email = uniqueEmail("ada");
        page.openForm();
        assertThat(page.signedIn()).isFalse();

        // a password that is too short is refused, next to the password
        page.startSignUp().name("Ada Lovelace").authEmail(email).authPassword("short");
        page.submitAuth();
        assertThat(page.awaitError().getText()).contains("Validation failed");
        page.until("the password's error", d -> !page.authFieldError("password").isBlank());
        assertThat(page.authFieldError("password")).contains("at least 10 characters");
        assertThat(page.signedIn()).isFalse();

        // a good one creates the account and signs Ada in: back on the order form, her e-mail filled in
        page.authPassword(TestTokens.PASSWORD);
        page.submitAuth();
        page.awaitSignedIn();
        page.until("the order form", d -> page.find("order-form-view").isDisplayed());
        assertThat(page.signedInAs()).contains("Ada Lovelace");
        assertThat(page.find("customer-email").getAttribute("value")).isEqualTo(email);
        assertThat(page.errorBox().isDisplayed()).isFalse();
        page.until(
                "the product list",
                d -> d.findElements(By.cssSelector("[data-testid='line-product'] option"))
                                .size()
                        >= 4);
        page.awaitConnection("live");

        page.only("PROD-003", 1).card("tok_visa");
        String id = page.place();
        page.awaitStatus("completed").awaitRecentOrder(id, "completed");
        assertThat(guestOrderIds()).as("Ada's order needs no order token").doesNotContain(id);
        String token = TestTokens.customer(baseUrl, email);
        assertThat(order(id, token).path("status").asString()).isEqualTo("completed");
        assertThat(orderResponse(id, null).statusCode())
                .as("Ada's order, asked for without her token")
                .isEqualTo(404);

        // signed out, the page lists only what this browser ordered as a guest
        page.signOut();
        assertThat(page.recentTitle()).isEqualTo("Your recent orders");
        assertThat(page.recentOrders()).doesNotContainKey(id);

        // the same e-mail address cannot have a second account
        page.startSignUp().name("Ada").authEmail(email).authPassword(TestTokens.PASSWORD);
        page.submitAuth();
        assertThat(page.awaitError().getText()).contains("already has an account");
        page.until("the e-mail's error", d -> !page.authFieldError("email").isBlank());

        // a wrong password is refused with the server's reason
        page.startSignIn().authEmail(email).authPassword("not the right passphrase");
        page.submitAuth();
        page.until(
                "the refusal",
                d -> page.errorBox().isDisplayed()
                        && page.errorBox().getText().contains("The e-mail address or the password is wrong"));
        assertThat(page.signedIn()).isFalse();
        browser.screenshot("10-sign-in");

        page.authPassword(TestTokens.PASSWORD);
        page.submitAuth();
        page.awaitSignedIn().awaitRecentOrder(id, "completed");
        assertThat(page.errorBox().isDisplayed()).isFalse();
    }

    @Test
    @Order(12)
    void showsAnotherCustomersOrderAsNotFound() {
        Customer alan = newCustomer("Alan Kay");
        Customer eve = newCustomer("Eve");
        String evesOrder = placeViaApi("PROD-002", 1, "tok_visa", eve.token());
        String alansOrder = placeViaApi("PROD-003", 1, "tok_visa", alan.token());
        page.openForm().signIn(alan.email(), TestTokens.PASSWORD);

        browser.driver.get(baseUrl + "/#/orders/" + evesOrder);
        page.until("not found", d -> page.find("not-found-view").isDisplayed());
        assertThat(page.find("not-found-id").getText()).isEqualTo(evesOrder);
        assertThat(page.find("order-view").isDisplayed()).isFalse();
        page.openOrder(alansOrder).awaitStatus("completed");

        // signed out, Alan's own order is not found either; signing in from there brings him back to it
        page.signOut();
        browser.driver.get(baseUrl + "/#/orders/" + alansOrder);
        page.until("not found", d -> page.find("not-found-view").isDisplayed());
        page.find("not-found-hint").findElement(By.tagName("a")).click();
        page.until("the sign-in form", d -> page.find("sign-in-form").isDisplayed());
        page.authEmail(alan.email()).authPassword(TestTokens.PASSWORD).submitAuth();
        page.awaitSignedIn();
        page.until("Alan's order", d -> alansOrder.equals(page.find("order-id").getText()));
        page.awaitStatus("completed");
    }

    @Test
    @Order(13)
    void aGuestChecksOutWithoutAnAccountAndFindsTheOrderAfterAReload() {
        page.openForm().email("hedy@example.com").only("PROD-002", 1).card("tok_visa");
        assertThat(page.signedIn()).isFalse();
        assertThat(page.find("sign-in-link").isDisplayed()).isTrue();
        String id = page.place();
        page.awaitStatus("completed");

        // its order token came once, with the answer; the browser keeps it, and never in a URL
        JsonNode remembered = guestOrders().get(0);
        assertThat(remembered.path("id").asString()).isEqualTo(id);
        String orderToken = remembered.path("order_token").asString();
        assertThat(orderToken).isNotBlank();
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(orderToken);

        browser.driver.navigate().refresh();
        page.awaitStatus("completed").awaitRecentOrder(id, "completed");
        page.openForm();
        page.awaitRecentOrder(id, "completed");
        assertThat(page.recentOrders().keySet().iterator().next())
                .as("newest first")
                .isEqualTo(id);
        assertThat(page.recentOrders().keySet()).as("what this browser placed").isSubsetOf(guestOrderIds());
    }

    @Test
    @Order(14)
    void opensAGuestOrderWithTheOrderTokenThisBrowserKept() {
        // a guest order whose id the client chose: the id alone opens nothing, its order token does
        String id = "guest-" + UUID.randomUUID();
        try (SlowCards held = holdSlowCards()) {
            String orderToken =
                    placeGuestOrder(id, "tok_slow").path("order_token").asString();
            page.openForm();
            browser.driver.get(baseUrl + "/#/orders/" + id);
            page.until("not found", d -> page.find("not-found-view").isDisplayed());

            // as if this browser had placed it: it reads the order and follows it live with the token
            browser.driver.executeScript(
                    "const kept = JSON.parse(localStorage.getItem('orderflow.guestOrders') || '[]');"
                            + "kept.unshift({ id: arguments[0], order_token: arguments[1], created_at: new Date().toISOString() });"
                            + "localStorage.setItem('orderflow.guestOrders', JSON.stringify(kept));",
                    id,
                    orderToken);
            browser.driver.navigate().refresh();
            page.until("the order", d -> id.equals(page.find("order-id").getText()));
            page.awaitStatus("payment_processing").awaitConnection("live");
            held.release();
            page.awaitStatus("completed").awaitConnection("live").awaitRecentOrder(id, "completed");
            HttpResponse<String> withToken = send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/orders/" + id))
                    .header("Order-Token", orderToken)
                    .GET());
            assertThat(withToken.statusCode()).isEqualTo(200);
            assertGapFree(page, JSON.readTree(withToken.body()));
        }
    }

    @Test
    @Order(15)
    void endsASessionTheServerNoLongerAcceptsAndAsksToSignInAgain() {
        Customer barbara = newCustomer("Barbara Liskov");
        String id = placeViaApi("PROD-002", 1, "tok_visa", barbara.token());
        page.openForm().signIn(barbara.email(), TestTokens.PASSWORD);
        page.openOrder(id).awaitStatus("completed");

        // the token stops being accepted (as when its signing key is retired) while the tab is open
        page.script("const s = JSON.parse(sessionStorage.getItem('orderflow.session'));"
                + "s.access_token = s.access_token.slice(0, -6) + (s.access_token.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');"
                + "sessionStorage.setItem('orderflow.session', JSON.stringify(s));");
        browser.driver.navigate().refresh();
        page.until("the sign-in form", d -> page.find("sign-in-form").isDisplayed());
        assertThat(page.find("auth-notice").getText()).contains("Your session has expired");
        assertThat(page.signedIn()).isFalse();
        assertThat(page.script("return sessionStorage.getItem('orderflow.session')"))
                .isNull();

        // signing in again brings Barbara back to her order
        page.authEmail(barbara.email()).authPassword(TestTokens.PASSWORD).submitAuth();
        page.awaitSignedIn();
        page.until("her order", d -> id.equals(page.find("order-id").getText()));

        // a token past its time: the page signs out when it runs out, without waiting for a refusal
        page.script("const s = JSON.parse(sessionStorage.getItem('orderflow.session'));"
                + "s.expires_at = Date.now() + 2000; sessionStorage.setItem('orderflow.session', JSON.stringify(s));");
        browser.driver.navigate().refresh();
        page.until("the sign-in form", d -> page.find("sign-in-form").isDisplayed());
        assertThat(page.find("auth-notice").getText()).contains("Your session has expired");
        assertThat(page.signedIn()).isFalse();
    }

    @Test
    @Order(16)
    void pausesSigningInAfterRepeatedWrongPasswords() {
        Customer linus = newCustomer("Linus");
        page.openForm().startSignIn().authEmail(linus.email());
        // the lockout starts after a handful of failures in a row; the page shows the server's reason and wait
        for (int attempt = 1; attempt <= 10 && !page.errorBox().getText().contains("Signing in is paused"); attempt++) {
            page.authPassword("a wrong passphrase, again").submitAuth();
            page.until(
                    "the answer to attempt " + attempt,
                    d -> page.find("auth-submit").isEnabled() && page.errorBox().isDisplayed());
        }
        assertThat(page.errorBox().getText())
                .contains("Too many failed sign-ins")
                .containsPattern("try again in \\d+ s");
        assertThat(page.signedIn()).isFalse();
    }

    @Test
    @Order(10)
    void fitsAPhoneScreen() {
        browser.emulatePhone();
        page.openForm()
                .email("katherine@example.com")
                .only("PROD-001", 1)
                .item(1, "PROD-002", 2)
                .country("ZZ");
        assertNoSidewaysScrolling();
        browser.screenshot("07-phone-order-form");

        page.place();
        page.awaitStatus("failed").awaitCompensation("refund_payment").awaitCompensation("release_stock");
        assertThat(page.outcomeTitle()).contains("carrier");
        assertThat(page.steps()).containsEntry("shipping", "failed");
        assertNoSidewaysScrolling();
        browser.screenshot("08-phone-order-failed-at-carrier");

        // signed in, the top bar has more to hold, and still fits
        Customer katherine = newCustomer("Katherine Johnson");
        page.signIn(katherine.email(), TestTokens.PASSWORD);
        assertThat(page.find("sign-out").isDisplayed()).isTrue();
        assertThat(page.find("my-orders-link").isDisplayed()).isTrue();
        assertNoSidewaysScrolling();
    }

    // ---- helpers

    private void assertNoSidewaysScrolling() {
        long overflow = ((Number) page.script(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                .longValue();
        assertThat(overflow).as("horizontal overflow in px").isLessThanOrEqualTo(0);
    }

    /** A registered customer, signed in over HTTP as well (for what they do on another device). */
    record Customer(String email, String name, String token) {}

    private static Customer newCustomer(String name) {
        String email = uniqueEmail(name);
        TestTokens.register(baseUrl, email, name);
        return new Customer(email, name, TestTokens.customer(baseUrl, email));
    }

    private static String uniqueEmail(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", ".") + "."
                + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** The guest orders this browser remembers (id, order token, created at), newest first. */
    private JsonNode guestOrders() {
        Object stored = page.script("return localStorage.getItem('orderflow.guestOrders')");
        return JSON.readTree(stored == null ? "[]" : (String) stored);
    }

    private List<String> guestOrderIds() {
        List<String> ids = new ArrayList<>();
        guestOrders().forEach(o -> ids.add(o.path("id").asString()));
        return ids;
    }

    private void assertGapFree(OrderPage page, String id) {
        assertGapFree(page, order(id));
    }

    private void assertGapFree(OrderPage page, String id, String bearer) {
        assertGapFree(page, order(id, bearer));
    }

    /** The page lists each of the order's events exactly once, in sequence order, as the server has them. */
    private void assertGapFree(OrderPage page, JsonNode order) {
        page.until(
                "the page to list all " + order.path("events").size() + " events",
                d -> page.eventSequences().size() >= order.path("events").size());
        List<Integer> sequences = page.eventSequences();
        assertThat(sequences)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, sequences.size()).boxed().toList());
        assertThat(page.eventTypes()).startsWith(types(order).toArray(String[]::new));
    }

    private static List<String> types(JsonNode order) {
        List<String> types = new ArrayList<>();
        order.path("events").forEach(e -> types.add(e.path("type").asString()));
        return types;
    }

    /** A guest order with a server-chosen id: the id is all it takes to read it. */
    private static JsonNode order(String id) {
        return order(id, null);
    }

    private static JsonNode order(String id, String bearer) {
        HttpResponse<String> response = orderResponse(id, bearer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> orderResponse(String id, String bearer) {
        return send(authorized(HttpRequest.newBuilder(URI.create(baseUrl + "/api/orders/" + id)), bearer)
                .GET());
    }

    private static JsonNode awaitServerStatus(String id, String status) {
        return awaitServerStatus(id, status, null);
    }

    private static JsonNode awaitServerStatus(String id, String status, String bearer) {
        return Awaitility.await("order " + id + " " + status + " on the server")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> order(id, bearer),
                        o -> status.equals(o.path("status").asString()));
    }

    /** Places an order over HTTP: a guest's without a token, else the customer's whose token it is. */
    private static String placeViaApi(String sku, int quantity, String card, String bearer) {
        String body = "{\"customer_email\":\"api@example.com\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":"
                + quantity + "}],\"payment\":{\"card_token\":\"" + card + "\"}}";
        HttpResponse<String> response = post("/api/orders", body, bearer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("id").asString();
    }

    /** A guest order with an id of the client's choosing; the answer carries its order token. */
    private static JsonNode placeGuestOrder(String id, String card) {
        String body = "{\"order_id\":\"" + id
                + "\",\"customer_email\":\"guest@example.com\",\"items\":[{\"sku\":\"PROD-002\","
                + "\"quantity\":1}],\"payment\":{\"card_token\":\"" + card + "\"}}";
        HttpResponse<String> response = post("/api/orders", body, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder request, String bearer) {
        return bearer == null ? request : request.header("Authorization", "Bearer " + bearer);
    }

    private static HttpResponse<String> post(String path, String json, String bearer) {
        HttpRequest.Builder request = authorized(HttpRequest.newBuilder(URI.create(baseUrl + path)), bearer);
        if (json == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
