package dev.raptor.api.web;

import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's files are served to anybody, from the jar; the API behind them still asks for the key. */
class WebFilesTest {
    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.onFakeEngine(dir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return node.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.api.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageIsServedAtTheRootWithoutCredentials() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(c -> assertThat(c).contains("default-src 'self'"));
        // relative URLs only: the page works behind a reverse proxy at a sub-path
        assertThat(page.body()).contains("src=\"app.js\"").doesNotContain("src=\"/").doesNotContain("href=\"/");
    }

    @Test
    void xtermComesFromItsWebJarInTheJar() throws Exception {
        HttpResponse<String> xterm = get("/webjars/xterm/4.9.0/lib/xterm.js");
        assertThat(xterm.statusCode()).isEqualTo(200);
        assertThat(xterm.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(get("/webjars/xterm/4.9.0/css/xterm.css").statusCode()).isEqualTo(200);
    }

    @Test
    void uPlotComesFromItsWebJarInTheJar() throws Exception {
        HttpResponse<String> uplot = get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
        assertThat(get("/webjars/uplot/1.6.30/dist/uPlot.min.css").statusCode()).isEqualTo(200);
        // the page asks for exactly the version the build ships
        assertThat(get("/").body()).contains("webjars/uplot/1.6.30/dist/uPlot.iife.min.js");
    }

    @Test
    void theApiBehindThePageStillNeedsTheKey() throws Exception {
        assertThat(get("/api/v1/servers").statusCode()).isEqualTo(401);
        assertThat(get("/no-such-file.js").statusCode()).isEqualTo(404);
    }
}
