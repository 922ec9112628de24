package dev.raptor.api;

import dev.raptor.api.testing.ApiExchanges;
import dev.raptor.api.testing.ApiExchanges.Exchange;
import dev.raptor.api.testing.OpenApiSchemas;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer the module's API tests received agrees with {@code openapi.json}, and they received
 * enough of them for that to mean something. The fixtures record each answer ({@link ApiExchanges})
 * and already fail the test that got one that disagrees; this class runs after all the others
 * ({@link ClassOrderer.OrderAnnotation}, set in {@code junit-platform.properties}) and checks the whole
 * record: it reports on the suite, so run alone it has nothing to check and says so.
 */
@Order(Integer.MAX_VALUE)
class OpenApiBodiesTest {

    /**
     * Documented answers with a body that no API test provokes, and why: each needs a failure a real
     * engine and store do not produce on demand. Their schemas are checked against the records in
     * {@link OpenApiSchemasTest}.
     */
    private static final Set<String> NOT_PROVOKED = Set.of(
            "GET /api/v1/health 503",
            // a transfer is carried out, or refused for a node's state (409), on the swarm runtime only; these tests run on
            // one engine, where every transfer is a 400 naming node (raptor-daemon's SwarmDaemonTest transfers through
            // raptord on the real two-node swarm)
            "POST /api/v1/servers/{id}/transfer 200",
            "POST /api/v1/servers/{id}/transfer 202",
            "POST /api/v1/servers/{id}/transfer 409");

    private static List<Exchange> recorded() {
        List<Exchange> all = ApiExchanges.all();
        assertThat(all).as("no answer was recorded: this test checks what the API tests before it received; "
                + "run it with them (./mvnw -pl raptor-api verify)").isNotEmpty();
        return all;
    }

    @Test
    void everyRecordedAnswerAgreesWithItsSchema() {
        List<String> wrong = new ArrayList<>();
        for (Exchange e : recorded()) {
            ApiExchanges.disagreements(e).forEach(w -> wrong.add(e + ": " + w));
        }
        wrong.addAll(ApiExchanges.frameDisagreements());

        assertThat(wrong).as("answers that disagree with openapi.json").isEmpty();
    }

    @Test
    void theRecordHoldsAnswersOverEveryTransportWithProblemsAmongThem() {
        List<Exchange> all = recorded();

        assertThat(all.stream().map(Exchange::via).collect(Collectors.toSet())).contains("http", "raw-tcp", "raw-unix");
        assertThat(all).filteredOn(e -> e.contentType() != null && e.contentType().startsWith("application/problem+json"))
                .extracting(Exchange::status).contains(400, 401, 403, 404, 405, 409, 412, 413, 415, 426);
        assertThat(all).filteredOn(e -> e.route() == null).as("answers on routes the document lacks").isNotEmpty();
        assertThat(ApiExchanges.frameEvents()).as("console socket events received")
                .contains("auth success", "console output", "status", "stats", "daemon error", "jwt error");
    }

    @Test
    void everyDocumentedAnswerWithABodyWasReceivedAtLeastOnce() {
        Set<String> received = recorded().stream()
                .filter(e -> e.route() != null)
                .map(e -> e.method().toUpperCase(Locale.ROOT) + " " + e.route() + " " + e.status())
                .collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (String answer : OpenApiSchemas.shipped().documentedAnswersWithBodies()) {
            if (!answer.endsWith(" default") && !received.contains(answer) && !NOT_PROVOKED.contains(answer)) {
                missing.add(answer);
            }
        }

        assertThat(missing).as("documented answers no API test received (provoke them, or say in NOT_PROVOKED why not)")
                .isEmpty();
    }
}
