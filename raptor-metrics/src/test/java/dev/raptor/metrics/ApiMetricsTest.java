package dev.raptor.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Each request is counted in the series of its method, route and status, whatever request came before it. */
class ApiMetricsTest {

    @Test
    void eachRequestGoesToItsOwnSeriesWhateverTheRequestBeforeIt() {
        MeterRegistry registry = RaptorMetrics.create().registry();
        ApiMetrics api = new ApiMetrics(registry);
        String list = "/api/v1/servers";
        String one = "/api/v1/servers/{id}";
        api.record("GET", list, 200, Duration.ofMillis(1));
        api.record("GET", list, 200, Duration.ofMillis(1)); // the series asked last
        api.record("GET", list, 401, Duration.ofMillis(1));
        api.record("POST", list, 200, Duration.ofMillis(1));
        api.record("GET", one, 200, Duration.ofMillis(1));
        api.record("GET", list, 200, Duration.ofMillis(1));
        api.recordWait("GET", list, Duration.ofMillis(2));
        api.recordWait("GET", list, Duration.ofMillis(2));
        api.recordWait("GET", one, Duration.ofMillis(2));
        api.recordWait("POST", list, Duration.ofMillis(2));

        assertThat(requests(registry, "GET", list, "200")).isEqualTo(3);
        assertThat(requests(registry, "GET", list, "401")).isEqualTo(1);
        assertThat(requests(registry, "POST", list, "200")).isEqualTo(1);
        assertThat(requests(registry, "GET", one, "200")).isEqualTo(1);
        assertThat(registry.get(ApiMetrics.WAIT).tags("method", "GET", "route", list).timer().count()).isEqualTo(2);
        assertThat(registry.get(ApiMetrics.WAIT).tags("method", "GET", "route", one).timer().count()).isEqualTo(1);
        assertThat(registry.get(ApiMetrics.WAIT).tags("method", "POST", "route", list).timer().count()).isEqualTo(1);
    }

    private static long requests(MeterRegistry registry, String method, String route, String status) {
        return registry.get(ApiMetrics.METRIC).tags("method", method, "route", route, "status", status).timer().count();
    }
}
