package dev.raptor.api.web;

import dev.raptor.api.testing.TestEngine;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console in real headless Chromium against a node on the real engine: everything the page does
 * goes through the public API and the console WebSocket, as a third-party panel's would. The walk-through
 * fails on any error in the browser's console. Screenshots land in {@code target/web-console/} (the README's
 * copies under {@code docs/} are refreshed from there).
 */
class WebConsoleTest {
    private static final Duration WAIT = TestNode.HANG;
    private static final Path SHOTS = Path.of("target", "web-console");

    @TempDir
    static Path dir;
    static TestNode node;

    @TempDir
    Path profile;
    Browser browser;
    WebDriverWait until;

    @BeforeAll
    static void startNode() {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @BeforeEach
    void openBrowser() {
        browser = new Browser(profile);
        until = new WebDriverWait(browser.driver, WAIT);
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    private String base() {
        return "http://127.0.0.1:" + node.api.port() + "/";
    }

    private WebElement id(String id) {
        return browser.driver.findElement(By.id(id));
    }

    private String terminalText() {
        return id("terminal").findElement(By.className("xterm-rows")).getText();
    }

    private void signIn(String key) {
        browser.driver.get(base());
        until.until(ExpectedConditions.visibilityOfElementLocated(By.id("node-key"))).sendKeys(key);
        id("node-key").sendKeys(Keys.ENTER); // keyboard only
    }

    @Test
    void anOperatorSignsInCreatesStartsTalksToAndStopsAServer() {
        signIn(node.apiKey);
        until.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview-page")));
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(node.apiKey);
        assertThat(browser.driver.executeScript("return sessionStorage.getItem('raptor.nodeKey')")).isEqualTo(node.apiKey);

        id("create-name").sendKeys("web-lobby");
        id("create-image").sendKeys(TestEngine.IMAGE);
        id("create-button").click();
        until.until(ExpectedConditions.textToBe(By.id("server-title"), "web-lobby"));
        until.until(ExpectedConditions.textToBe(By.id("server-state"), "offline"));

        WebElement start = browser.driver.findElement(By.cssSelector(".power [data-action=start]"));
        until.until(ExpectedConditions.elementToBeClickable(start)).click();
        assertThat(start.isEnabled()).as("start is disabled while it is pending: no double submit").isFalse();
        until.until(d -> terminalText().contains("Done!"));
        until.until(ExpectedConditions.textToBe(By.id("power-status"), "start: done"));
        until.until(ExpectedConditions.textToBe(By.id("server-state"), "running"));

        id("command").sendKeys("say hi", Keys.ENTER);
        until.until(d -> terminalText().contains("[Server] hi"));
        until.until(d -> !id("server-memory").getText().equals("–"));
        browser.screenshot(SHOTS.resolve("server.png"));

        browser.driver.findElement(By.linkText("← All servers")).click();
        // the table is redrawn every few seconds: read the row afresh each time
        until.until(d -> String.valueOf(browser.driver.executeScript("return document.querySelector('#servers tbody').innerText"))
                .matches("(?s).*web-lobby\\s+running\\s+\\d+\\.\\d %\\s+\\d+(\\.\\d)? (B|KiB|MiB|GiB) / .*"));
        browser.screenshot(SHOTS.resolve("overview.png"));

        browser.driver.findElement(By.linkText("web-lobby")).click();
        until.until(ExpectedConditions.textToBe(By.id("server-state"), "running"));
        start = browser.driver.findElement(By.cssSelector(".power [data-action=start]"));
        WebElement stop = browser.driver.findElement(By.cssSelector(".power [data-action=stop]"));
        until.until(ExpectedConditions.elementToBeClickable(stop)).click();
        assertThat(stop.isEnabled()).as("stop is disabled while it is pending").isFalse();
        until.until(ExpectedConditions.textToBe(By.id("power-status"), "stop: done"));
        until.until(ExpectedConditions.textToBe(By.id("server-state"), "offline"));
        assertThat(start.isEnabled()).as("an offline server can be started again").isTrue();

        assertThat(browser.errors()).as("errors in the browser's console").isEmpty();
    }

    @Test
    void aWrongKeyShowsAnErrorAndIsNotKept() {
        signIn("not-the-node-key");
        until.until(ExpectedConditions.textToBe(By.id("signin-error"), "The node key was refused."));
        assertThat(id("overview-page").isDisplayed()).isFalse();
        assertThat(browser.driver.executeScript("return sessionStorage.getItem('raptor.nodeKey')")).isNull();
        // the refused request itself is the only entry Chromium logs
        List<String> errors = browser.errors();
        assertThat(errors).allSatisfy(e -> assertThat(e).contains("api/v1/servers").contains("401"));
    }
}
