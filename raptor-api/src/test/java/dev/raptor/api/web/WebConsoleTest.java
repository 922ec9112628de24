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
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

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
        until.ignoring(StaleElementReferenceException.class); // tables are redrawn as the page refreshes them
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

    private void signIn(String page, String key) {
        browser.driver.get(page);
        until.until(ExpectedConditions.visibilityOfElementLocated(By.id("node-key"))).sendKeys(key);
        id("node-key").sendKeys(Keys.ENTER); // keyboard only
    }

    @Test
    void anOperatorBehindAProxyAtASubPathSignsInCreatesStartsTalksToWatchesUploadsToAndStopsAServer() throws Exception {
        try (PrefixProxy proxy = new PrefixProxy("/raptor", node.api.port())) {
            // the page only uses relative URLs, so the same files work at /raptor/ of another origin
            String page = "http://127.0.0.1:" + proxy.port() + "/raptor/";
            signIn(page, node.apiKey);
            until.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview-page")));
            assertThat(browser.driver.getCurrentUrl()).startsWith(page).doesNotContain(node.apiKey);
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

            // the plots grow with every stats event; the memory plot draws a non-zero figure
            int points = memoryPoints();
            until.until(d -> memoryPoints() >= points + 2);
            until.until(d -> memoryPoints() >= 3);
            assertThat(id("plot-memory-caption").getText()).matches("Memory \\(MiB\\): \\d+\\.\\d now");
            assertThat(id("plot-memory").findElements(By.tagName("canvas"))).hasSize(1);
            assertThat(id("plot-network").getAttribute("data-points")).isNotEqualTo("0");
            screenshotWholePage("server.png");

            // the activity log tells what happened, newest first
            id("tab-activity").click();
            until.until(d -> id("activity").getText().contains("power.start"));
            assertThat(id("tab-activity").getAttribute("aria-current")).isEqualTo("page");
            assertThat(terminalIsConnected()).as("switching sections keeps the console connected").isTrue();

            // a file uploaded through the proxy (the signed upload link made relative to the page) is listed
            id("tab-files").click();
            until.until(ExpectedConditions.visibilityOfElementLocated(By.id("files-upload")));
            Path local = profile.resolve("welcome.txt");
            Files.writeString(local, "hello from the browser");
            id("files-upload").sendKeys(local.toString());
            until.until(d -> fileRow("welcome.txt") != null);
            assertThat(id("files-status").getText()).isEqualTo("Uploaded welcome.txt.");
            id("tab-console").click();

            browser.driver.findElement(By.linkText("← All servers")).click();
            // the table is redrawn every few seconds: read the row afresh each time
            until.until(d -> String.valueOf(browser.driver.executeScript("return document.querySelector('#servers tbody').innerText"))
                    .matches("(?s).*web-lobby\\s+running\\s+\\d+\\.\\d %\\s+\\d+(\\.\\d)? (B|KiB|MiB|GiB) / .*"));
            assertThat(id("node-engine").getText()).as("the node's health is on the overview").contains("docker").endsWith(", reachable");
            assertThat(id("node-load").getText()).matches(".* on \\d+ CPUs");
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
    }

    @Test
    void backupsAreCreatedWithProgressListedDownloadedRestoredAndDeleted() throws Exception {
        String server = node.create(TestNode.gameServer("web-backups", 0));
        Path root = node.volumes.root(UUID.fromString(server));
        Files.createDirectories(root);
        Files.writeString(root.resolve("world.txt"), "the first world");
        signIn(base(), node.apiKey);
        until.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview-page")));
        browser.driver.get(base() + "#/servers/" + server + "/backups");
        until.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-backups")));
        until.until(d -> id("backup-next").getText().equals("No backup schedule: backups are made on request only."));

        id("backup-name").sendKeys("before the change", Keys.ENTER); // keyboard only
        until.until(d -> id("backup-status").getText().equals("Backing up: done"));
        // the list is redrawn after the answer (and on the socket's backup events): rows are looked up afresh each time
        until.until(d -> d.findElement(By.cssSelector("#backups tbody tr")).getText().contains("before the change")
                && d.findElement(By.cssSelector("#backups tbody tr")).getText().contains("completed"));

        // by a one-shot signed link: the browser streams the archive itself, named as the daemon's Content-Disposition says
        clickInBackupRow("download");
        until.until(d -> id("backup-status").getText().equals("Downloading before the change."));
        String bid = until.until(d -> d.findElement(By.cssSelector("#backups tbody tr")).getAttribute("data-backup-id"));
        com.fasterxml.jackson.databind.JsonNode listed = node.get("/api/v1/servers/" + server + "/backups/" + bid).json();
        Path archive = browser.downloads.resolve(server.substring(0, 8) + "-before_the_change.tar.zst");
        until.until(d -> Files.isRegularFile(archive) && sizeOf(archive) == listed.get("size").asLong());
        assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive))))
                .isEqualTo(listed.get("sha256").asText());

        // a schedule, once the node's scheduler holds it, is told under the list when the page next reads it (after the restore)
        assertThat(node.send("PATCH", "/api/v1/servers/" + server, "{\"backups\": {\"schedule\": \"0 4 * * *\"}}",
                "Authorization", "Bearer " + node.apiKey).status()).isEqualTo(200);
        until.until(d -> !node.get("/api/v1/servers/" + server + "/backups").json().get("nextBackupAt").isNull());

        Files.writeString(root.resolve("world.txt"), "a broken world");
        clickInBackupRow("restore");
        WebElement confirm = until.until(d -> d.findElement(By.cssSelector("#backups [data-confirm=restore]")));
        assertThat(browser.driver.switchTo().activeElement()).as("the confirmation takes the focus").isEqualTo(confirm);
        confirm.sendKeys(Keys.ENTER);
        until.until(d -> id("backup-status").getText().equals("Restoring before the change: done"));
        assertThat(Files.readString(root.resolve("world.txt"))).isEqualTo("the first world");
        until.until(d -> id("backup-next").getText().startsWith("Next scheduled backup: "));
        assertThat(id("backup-next").getText()).endsWith("(schedule \u201c0 4 * * *\u201d, time zone " + java.time.ZoneId.systemDefault().getId() + ")");

        clickInBackupRow("delete");
        until.until(d -> d.findElement(By.cssSelector("#backups [data-confirm=delete]"))).click();
        until.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-backups")));
        assertThat(node.get("/api/v1/servers/" + server + "/backups").json().get("backups")).isEmpty();

        assertThat(browser.errors()).as("errors in the browser's console").isEmpty();
    }

    /** Clicks the action's button in the (single) backup row, found again if the list was redrawn under the click. */
    private void clickInBackupRow(String action) {
        until.until(d -> {
            d.findElement(By.cssSelector("#backups tbody tr [data-action=" + action + "]")).click();
            return true;
        });
    }

    @Test
    void theFileManagerBrowsesEditsUploadsRenamesZipsUnzipsAndDeletes() throws Exception {
        String server = node.create(TestNode.gameServer("web-files", 0));
        Path root = node.volumes.root(UUID.fromString(server));
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/server.properties"), "motd=old\n");
        signIn(base(), node.apiKey);
        until.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview-page")));
        browser.driver.get(base() + "#/servers/" + server + "/files");
        until.until(d -> fileRow("config") != null);

        // browse into a folder and edit a small text file
        fileRow("config").findElement(By.tagName("button")).click();
        until.until(d -> fileRow("server.properties") != null);
        fileRow("server.properties").findElement(By.cssSelector("[data-action=edit]")).click();
        until.until(d -> id("editor").getAttribute("value").equals("motd=old\n"));
        setValue("editor", "motd=new");
        id("editor-save").click();
        until.until(ExpectedConditions.textToBe(By.id("files-status"), "Saved /config/server.properties."));
        assertThat(Files.readString(root.resolve("config/server.properties"))).isEqualTo("motd=new");

        // upload with progress into the folder shown
        Path local = profile.resolve("plugin.jar");
        Files.write(local, new byte[256 * 1024]);
        id("files-upload").sendKeys(local.toString());
        until.until(d -> fileRow("plugin.jar") != null);
        assertThat(Files.size(root.resolve("config/plugin.jar"))).isEqualTo(256 * 1024);

        // rename in the row
        fileRow("plugin.jar").findElement(By.cssSelector("[data-action=rename]")).click();
        WebElement newName = until.until(d -> d.findElement(By.cssSelector("#files input[aria-label='New name for plugin.jar']")));
        newName.sendKeys(Keys.chord(Keys.CONTROL, "a"), "mod.jar", Keys.ENTER);
        until.until(d -> fileRow("mod.jar") != null);

        // zip the two, delete them, unzip the archive: both come back
        fileRow("mod.jar").findElement(By.cssSelector("input[type=checkbox]")).click();
        fileRow("server.properties").findElement(By.cssSelector("input[type=checkbox]")).click();
        id("files-zip").click();
        until.until(ExpectedConditions.textToBe(By.id("files-status"), "Zipping: done"));
        WebElement archive = until.until(d -> browser.driver.findElements(By.cssSelector("#files tbody tr")).stream()
                .filter(r -> r.getAttribute("data-name").endsWith(".zip")).findFirst().orElse(null));
        String zipName = archive.getAttribute("data-name");
        fileRow("mod.jar").findElement(By.cssSelector("input[type=checkbox]")).click();
        fileRow("server.properties").findElement(By.cssSelector("input[type=checkbox]")).click();
        id("files-delete").click();
        until.until(d -> d.findElement(By.cssSelector("[data-confirm=delete]"))).click();
        until.until(d -> fileRow("mod.jar") == null && fileRow("server.properties") == null);
        fileRow(zipName).findElement(By.cssSelector("[data-action=unzip]")).click();
        until.until(d -> fileRow("mod.jar") != null && fileRow("server.properties") != null);
        assertThat(Files.readString(root.resolve("config/server.properties"))).isEqualTo("motd=new");

        // download through a one-shot signed link
        fileRow("server.properties").findElement(By.cssSelector("[data-action=download]")).click();
        Path downloaded = browser.downloads.resolve("server.properties");
        until.until(d -> Files.isRegularFile(downloaded) && sizeOf(downloaded) == 8);
        assertThat(Files.readString(downloaded)).isEqualTo("motd=new");

        assertThat(browser.errors()).as("errors in the browser's console").isEmpty();
    }

    /** The row of the listed entry {@code name}, or null. */
    private WebElement fileRow(String name) {
        return browser.driver.findElements(By.cssSelector("#files tbody tr")).stream()
                .filter(r -> name.equals(r.getAttribute("data-name"))).findFirst().orElse(null);
    }

    @Test
    void settingsShowTheApisValidationErrorsAtTheirFieldsAndSaveAValidChange() {
        String server = node.create(TestNode.gameServer("web-settings", 0));
        signIn(base(), node.apiKey);
        until.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview-page")));
        browser.driver.get(base() + "#/servers/" + server + "/settings");
        until.until(ExpectedConditions.attributeToBe(By.id("set-name"), "value", "web-settings"));

        // the API refuses both (memory below the engine's minimum, a variable Raptor sets): each error at its field
        setValue("set-memory", "3");
        setValue("set-env", "BOOT_DELAY=0\nSERVER_PORT=1");
        id("settings-save").click();
        until.until(ExpectedConditions.textToBe(By.id("settings-error"), "Not saved: correct the marked fields."));
        WebElement memoryError = fieldError("limits.memoryMiB");
        assertThat(memoryError.getText()).contains("at least 6 MiB");
        assertThat(id("set-memory").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(id("set-memory").getAttribute("aria-describedby")).isEqualTo(memoryError.getAttribute("id"));
        assertThat(fieldError("environment.SERVER_PORT").getText()).startsWith("environment.SERVER_PORT: ");
        assertThat(browser.driver.switchTo().activeElement()).as("the first bad field takes the focus").isEqualTo(id("set-memory"));
        assertThat(node.get("/api/v1/servers/" + server).json().get("limits").get("memoryMiB").asInt())
                .as("nothing was changed").isNotEqualTo(3);
        assertThat(browser.errors()).as("only the refused PATCH itself is logged")
                .allSatisfy(e -> assertThat(e).contains("api/v1/servers/" + server).contains("400"));

        // a port out of range is caught at the allocation's row
        id("allocation-add").click();
        setValue("set-allocation-0-port", "70000");
        setValue("set-memory", "512");
        setValue("set-env", "BOOT_DELAY=0\nMOTD=hello");
        id("settings-save").click();
        assertThat(until.until(d -> fieldError("allocations[0].port")).getText()).contains("65535");
        browser.errors();

        setValue("set-allocation-0-port", String.valueOf(TestNode.freePort()));
        id("settings-save").click();
        until.until(d -> id("settings-status").getText().startsWith("Saved (version "));
        assertThat(browser.driver.findElements(By.className("field-error"))).isEmpty();
        var saved = node.get("/api/v1/servers/" + server).json();
        assertThat(saved.get("limits").get("memoryMiB").asInt()).isEqualTo(512);
        assertThat(saved.get("environment").get("MOTD").asText()).isEqualTo("hello");
        assertThat(saved.get("allocations")).hasSize(1);

        // saved again untouched: nothing is sent (the allocation read back compares equal to the form's)
        long version = saved.get("version").asLong();
        id("settings-save").click();
        until.until(ExpectedConditions.textToBe(By.id("settings-status"), "Nothing changed."));
        assertThat(node.get("/api/v1/servers/" + server).json().get("version").asLong()).isEqualTo(version);
        assertThat(browser.errors()).as("errors in the browser's console").isEmpty();
    }

    @Test
    void everyControlHasALabelAndThePagesFitAPhonesWidth() {
        String server = node.create(TestNode.gameServer("web-phone", 0));
        browser.resize(390, 844);
        signIn(base(), node.apiKey);
        until.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview-page")));
        until.until(d -> id("servers").getText().contains("web-phone"));
        assertFitsTheWidth();
        assertThat(unlabelledControls()).isEmpty();
        for (String tab : List.of("", "/activity", "/files", "/backups", "/settings")) {
            browser.driver.get(base() + "#/servers/" + server + tab);
            until.until(ExpectedConditions.textToBe(By.id("server-title"), "web-phone"));
            until.until(ExpectedConditions.textToBe(By.id("server-state"), "offline"));
            if (tab.equals("/settings")) {
                until.until(ExpectedConditions.attributeToBe(By.id("set-name"), "value", "web-phone"));
            }
            assertFitsTheWidth();
            assertThat(unlabelledControls()).as("controls without a label on %s", tab).isEmpty();
        }
        browser.driver.get(base() + "#/servers/" + server);
        until.until(ExpectedConditions.textToBe(By.id("server-state"), "offline"));
        browser.screenshot(SHOTS.resolve("server-phone.png"));
        assertThat(browser.errors()).as("errors in the browser's console").isEmpty();
    }

    private void assertFitsTheWidth() {
        Object wider = browser.driver.executeScript("""
                const width = document.documentElement.clientWidth;
                return [...document.querySelectorAll('body *')]
                  .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().right > width + 0.5)
                  .map((e) => e.tagName + '#' + e.id + '.' + e.className + ' right=' + e.getBoundingClientRect().right
                    + ' width=' + width);""");
        assertThat((List<?>) wider).as("elements wider than a phone's screen").isEmpty();
    }

    /** Visible inputs, selects, textareas and buttons a screen reader could not name. */
    @SuppressWarnings("unchecked")
    private List<String> unlabelledControls() {
        return (List<String>) browser.driver.executeScript("""
                return [...document.querySelectorAll('input, select, textarea, button, a[href]')]
                  .filter((e) => e.offsetParent !== null)
                  .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                    && !e.getAttribute('aria-labelledby') && !(e.textContent || '').trim())
                  .map((e) => e.outerHTML);""");
    }

    /** A screenshot of the page from its top, the window made tall enough to hold all of it. */
    private void screenshotWholePage(String name) {
        long height = ((Number) browser.driver.executeScript("return document.documentElement.scrollHeight")).longValue();
        browser.resize(1280, (int) Math.min(height + 140, 2000)); // + the window's own frame
        browser.driver.executeScript("document.activeElement.blur(); window.scrollTo(0, 0)");
        browser.screenshot(SHOTS.resolve(name));
        browser.resize(1280, 1000);
    }

    private int memoryPoints() {
        return Integer.parseInt(id("plot-memory").getAttribute("data-points"));
    }

    private boolean terminalIsConnected() {
        return id("command").isEnabled() && !id("server-error").getText().contains("not connected");
    }

    private WebElement fieldError(String field) {
        return browser.driver.findElement(By.cssSelector("[data-error-for='" + field + "']"));
    }

    /** Replaces a field's value the way a user does: select all, type. */
    private void setValue(String field, String value) {
        WebElement e = id(field);
        e.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        e.sendKeys(value);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void aWrongKeyShowsAnErrorAndIsNotKept() {
        signIn(base(), "not-the-node-key");
        until.until(ExpectedConditions.textToBe(By.id("signin-error"), "The node key was refused."));
        assertThat(id("overview-page").isDisplayed()).isFalse();
        assertThat(browser.driver.executeScript("return sessionStorage.getItem('raptor.nodeKey')")).isNull();
        // the refused request itself is the only entry Chromium logs
        List<String> errors = browser.errors();
        assertThat(errors).allSatisfy(e -> assertThat(e).contains("api/v1/servers").contains("401"));
    }
}
