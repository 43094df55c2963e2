package io.orderflow.browser;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The orderflow page as a person uses it: by what is on screen, found through {@code data-testid}. */
final class OrderPage {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    private final WebDriver driver;
    private final String baseUrl;

    OrderPage(WebDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
    }

    static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }

    // ---- navigation

    /** Opens the new-order form with the catalog loaded and a fresh page (no state from earlier tests). */
    OrderPage openForm() {
        driver.get(baseUrl + "/");
        until(
                "the product list",
                d -> d.findElements(By.cssSelector("[data-testid='line-product'] option"))
                                .size()
                        >= 4);
        until("the live connection", d -> "live".equals(connectionState()));
        return this;
    }

    /** Opens the order form as it first appears, signed in or not, without waiting for the live connection. */
    OrderPage open(String path) {
        driver.get(baseUrl + path);
        return this;
    }

    OrderPage openOrder(String id) {
        driver.get(baseUrl + "/#/orders/" + id);
        until("order " + id + " on screen", d -> id.equals(find("order-id").getText()));
        return this;
    }

    // ---- accounts

    /** Creates an account in the page (from the top bar's "Create account"); waits until it is signed in. */
    OrderPage signUp(String name, String email, String password) {
        startSignUp().name(name).authEmail(email).authPassword(password);
        find("auth-submit").click();
        return awaitSignedIn();
    }

    OrderPage startSignUp() {
        find("sign-up-link").click();
        until("the sign-up form", d -> find("sign-up-form").isDisplayed());
        return this;
    }

    /** Signs in (from the top bar's "Sign in"); waits until the page shows who is signed in. */
    OrderPage signIn(String email, String password) {
        startSignIn().authEmail(email).authPassword(password);
        find("auth-submit").click();
        return awaitSignedIn();
    }

    OrderPage startSignIn() {
        find("sign-in-link").click();
        until("the sign-in form", d -> find("sign-in-form").isDisplayed());
        return this;
    }

    OrderPage name(String name) {
        return type("auth-name", name);
    }

    OrderPage authEmail(String email) {
        return type("auth-email", email);
    }

    OrderPage authPassword(String password) {
        return type("auth-password", password);
    }

    void submitAuth() {
        find("auth-submit").click();
    }

    OrderPage awaitSignedIn() {
        until("signed in", d -> find("signed-in-as").isDisplayed());
        return this;
    }

    String signedInAs() {
        return find("signed-in-as").getText();
    }

    boolean signedIn() {
        return find("signed-in-as").isDisplayed();
    }

    void signOut() {
        find("sign-out").click();
        until("signed out", d -> find("sign-in-link").isDisplayed());
    }

    /** The message of the field error next to an auth form input (email, password, name). */
    String authFieldError(String field) {
        return find("auth-view")
                .findElement(By.cssSelector("form .field-error[data-field='" + field + "']"))
                .getText();
    }

    /** Drops the tab's session storage (the customer's session), as closing the tab would. */
    void forgetSession() {
        script("sessionStorage.clear()");
    }

    private OrderPage type(String testId, String text) {
        WebElement input = find(testId);
        input.clear();
        input.sendKeys(text);
        return this;
    }

    // ---- the form

    OrderPage email(String email) {
        WebElement input = find("customer-email");
        input.clear();
        input.sendKeys(email);
        return this;
    }

    /** Sets line {@code index} (0-based) to {@code quantity} of {@code sku}, adding lines as needed. */
    OrderPage item(int index, String sku, int quantity) {
        while (lines().size() <= index) {
            find("add-item").click();
        }
        WebElement line = lines().get(index);
        new Select(line.findElement(testId("line-product"))).selectByValue(sku);
        WebElement qty = line.findElement(testId("line-quantity"));
        qty.clear();
        qty.sendKeys(String.valueOf(quantity));
        return this;
    }

    OrderPage only(String sku, int quantity) {
        item(0, sku, quantity);
        while (lines().size() > 1) {
            lines().get(lines().size() - 1).findElement(testId("remove-item")).click();
        }
        return this;
    }

    List<WebElement> lines() {
        return driver.findElements(testId("order-line"));
    }

    OrderPage card(String token) {
        WebElement radio = find("card-" + token);
        // the radio itself is visually hidden; a person clicks its card
        radio.findElement(By.xpath("./ancestor::label")).click();
        return this;
    }

    OrderPage country(String code) {
        new Select(find("ship-country")).selectByValue(code);
        return this;
    }

    String formTotal() {
        return find("form-total").getText();
    }

    long formTotalCents() {
        return Long.parseLong(find("form-total").getAttribute("data-cents"));
    }

    /** Places the order and waits until the page shows it; returns its id. */
    String place() {
        find("place-order").click();
        until(
                "the placed order on screen",
                d -> find("order-view").isDisplayed()
                        && !find("order-view").getAttribute("data-order-id").isEmpty()
                        && !find("order-status").getAttribute("data-status").isEmpty());
        return find("order-view").getAttribute("data-order-id");
    }

    void submit() {
        find("place-order").click();
    }

    // ---- the order

    String status() {
        return find("order-status").getAttribute("data-status");
    }

    OrderPage awaitStatus(String status) {
        until("status " + status, d -> status.equals(status()));
        return this;
    }

    /** Timeline step (pending, validating, ...) to its state (done, current, failed, cancelled, skipped, upcoming). */
    Map<String, String> steps() {
        return attributes("timeline-step", "data-step", "data-state");
    }

    OrderPage awaitStep(String step, String state) {
        until("timeline step " + step + " " + state, d -> state.equals(steps().get(step)));
        return this;
    }

    List<Integer> eventSequences() {
        return values("event", "data-sequence").stream().map(Integer::parseInt).toList();
    }

    List<String> eventTypes() {
        return values("event", "data-type");
    }

    OrderPage awaitEvent(String type) {
        until("event " + type + " in the history", d -> eventTypes().contains(type));
        return this;
    }

    /** Compensation action (release_stock, refund_payment) to its state (pending, done). */
    Map<String, String> compensations() {
        return attributes("compensation", "data-action", "data-state");
    }

    OrderPage awaitCompensation(String action) {
        until(
                "compensation " + action + " done",
                d -> "done".equals(compensations().get(action)));
        return this;
    }

    String outcomeTitle() {
        return find("outcome-title").getText();
    }

    String outcomeDetail() {
        return find("outcome-detail").getText();
    }

    WebElement cancelButton() {
        return find("cancel-order");
    }

    String connectionState() {
        return find("connection").getAttribute("data-state");
    }

    OrderPage awaitConnection(String state) {
        until("connection " + state, d -> state.equals(connectionState()));
        return this;
    }

    // ---- errors, recent orders

    WebElement errorBox() {
        return find("error-box");
    }

    WebElement awaitError() {
        return new WebDriverWait(driver, DEADLINE)
                .withMessage("the error box")
                .until(ExpectedConditions.visibilityOfElementLocated(testId("error-box")));
    }

    /** The recent orders list, top to bottom: order id to its status. */
    Map<String, String> recentOrders() {
        return attributes("recent-order", "data-order-id", "data-status");
    }

    OrderPage awaitRecentOrder(String id, String status) {
        until(
                "order " + id + " " + status + " in the recent orders",
                d -> status.equals(recentOrders().get(id)));
        return this;
    }

    /** The sidebar's heading as written (the style shows it in capitals). */
    String recentTitle() {
        return find("recent-title").getAttribute("textContent");
    }

    /** The full list of the signed-in customer's orders (#/my-orders): order id to its status. */
    Map<String, String> myOrders() {
        return attributes("my-order", "data-order-id", "data-status");
    }

    /** Clicks an order in the recent orders list (the list re-renders live, so this retries a stale row). */
    void openRecentOrder(String id) {
        until("a click on order " + id + " in the recent orders", d -> {
            d.findElement(By.cssSelector("[data-testid='recent-order'][data-order-id='" + id + "'] a"))
                    .click();
            return true;
        });
    }

    // ---- the test hooks the page offers (window.orderflow)

    Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> clientState() {
        return (Map<String, Object>) script("return window.orderflow.state()");
    }

    /** One attribute of every element with this test id, read at once in the page (the lists re-render live). */
    @SuppressWarnings("unchecked")
    List<String> values(String testId, String attribute) {
        return (List<String>) script("return Array.from(document.querySelectorAll(\"[data-testid='" + testId
                + "']\")).map(e => e.getAttribute('" + attribute + "'))");
    }

    @SuppressWarnings("unchecked")
    Map<String, String> attributes(String testId, String key, String value) {
        List<List<String>> pairs =
                (List<List<String>>) script("return Array.from(document.querySelectorAll(\"[data-testid='" + testId
                        + "']\")).map(e => [e.getAttribute('" + key + "'), e.getAttribute('" + value + "')])");
        Map<String, String> map = new LinkedHashMap<>();
        pairs.forEach(pair -> map.putIfAbsent(pair.get(0), pair.get(1)));
        return map;
    }

    WebElement find(String id) {
        return driver.findElement(testId(id));
    }

    <T> T until(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, DEADLINE, Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class)
                .withMessage(() -> "waiting for " + what + "; the page shows " + shown())
                .until(condition);
    }

    /** What the page shows when a wait runs out: the order's status and the live connection's state. */
    private String shown() {
        try {
            return "order " + find("order-id").getText() + " " + status() + ", connection " + connectionState();
        } catch (RuntimeException e) {
            return "no order (" + e.getClass().getSimpleName() + ")";
        }
    }
}
