package dev.raptor.wire.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.limits.Tier;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.query.GameQuery;
import dev.raptor.core.server.HealthCheck;
import dev.raptor.core.server.FileRules;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.Specs;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.wire.json.JsonMergePatch;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerSpecJsonTest {

    private static ServerSpec decode(String json) {
        return ServerSpecJson.decode(WireJson.parse(json));
    }

    private static List<FieldError> errorsOf(String json) {
        try {
            decode(json);
        } catch (InvalidSpecException e) {
            return e.errors();
        }
        throw new AssertionError("expected the spec to be refused: " + json);
    }

    @Test
    void aSpecUsingEveryFieldRoundTrips() {
        ServerSpec spec = Specs.everyField();

        assertThat(ServerSpecJson.decode(ServerSpecJson.tree(spec))).isEqualTo(spec);
    }

    @Test
    void fileRulesRoundTripAndEveryBadPatternIsNamedByIndex() {
        ServerSpec spec = Specs.minecraft("lobby").toBuilder()
                .fileRules(FileRules.of(List.of("*.log", "!keep.log"), List.of("/server.jar"))).build();
        ObjectNode tree = ServerSpecJson.tree(spec);
        assertThat(tree.get("fileRules").toString()).isEqualTo("{\"deny\":[\"*.log\",\"!keep.log\"],\"readOnly\":[\"/server.jar\"]}");
        assertThat(ServerSpecJson.decode(tree)).isEqualTo(spec);
        assertThat(ServerSpecJson.tree(Specs.minecraft("plain")).get("fileRules").toString())
                .isEqualTo("{\"deny\":[],\"readOnly\":[]}");

        List<FieldError> errors = errorsOf("""
                {"name": "lobby", "image": "ghcr.io/org/game:1",
                 "fileRules": {"deny": ["ok", 5, "two\\nlines"], "readOnly": "/server.jar", "hide": []}}""");
        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder(
                "fileRules.deny[1]", "fileRules.deny[2]", "fileRules.readOnly", "fileRules.hide");
    }

    @Test
    void theNodeASpecNamesRoundTripsIsLeftOutWhenAbsentAndOneWithASpaceIsRefusedNamingIt() {
        ServerSpec spec = Specs.minecraft("lobby").toBuilder().node("worker-2").build();
        ObjectNode tree = ServerSpecJson.tree(spec);
        assertThat(tree.get("node").asText()).isEqualTo("worker-2");
        assertThat(ServerSpecJson.decode(tree)).isEqualTo(spec);
        assertThat(ServerSpecJson.tree(Specs.minecraft("plain")).has("node")).as("absent: the runtime chooses").isFalse();
        assertThat(decode("{\"name\": \"x\", \"image\": \"img:1\", \"node\": \"  \"}").node()).isNull();

        assertThat(errorsOf("{\"name\": \"x\", \"image\": \"img:1\", \"node\": \"worker 2\"}"))
                .extracting(FieldError::field).containsExactly("node");
        assertThat(errorsOf("{\"name\": \"x\", \"image\": \"img:1\", \"node\": 2}"))
                .extracting(FieldError::field).containsExactly("node");
    }

    @Test
    void eachStopPolicyKindRoundTrips() {
        for (StopPolicy stop : List.of(StopPolicy.command("stop", Duration.ofSeconds(10)),
                StopPolicy.signal("SIGINT", Duration.ofMillis(1500)), StopPolicy.defaultPolicy())) {
            ServerSpec spec = Specs.minecraft("lobby").toBuilder().stopPolicy(stop).build();

            assertThat(ServerSpecJson.decode(ServerSpecJson.tree(spec))).isEqualTo(spec);
        }
    }

    @Test
    void encodingUsesThePublicCamelCaseNames() {
        ObjectNode json = (ObjectNode) WireJson.parse(WireJson.write(ServerSpecJson.encode(Specs.everyField())));

        assertThat(json.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("id", "name", "image",
                "startup", "environment", "allocations", "limits", "stop", "restart", "mounts", "labels", "extraHosts",
                "healthCheck", "readyPattern", "settleSeconds", "networks", "fileRules");
        assertThat(json.get("settleSeconds").toString()).isEqualTo("3.5");
        assertThat(json.get("allocations").get(2).toString())
                .isEqualTo("{\"ip\":\"::\",\"port\":19132,\"containerPort\":19133,\"protocol\":\"udp\",\"primary\":false}");
        assertThat(json.get("limits").toString()).isEqualTo("{\"memoryMiB\":4096,\"swapMiB\":512,\"cpuPercent\":250,"
                + "\"threads\":\"0-1,3\",\"diskMiB\":20480,\"ioWeight\":750,\"pidsLimit\":512,\"oomKiller\":false}");
        assertThat(json.get("stop").toString())
                .isEqualTo("{\"type\":\"rcon\",\"value\":\"stop\",\"timeoutSeconds\":45,\"port\":25575,\"password\":\"hunter2\"}");
        assertThat(json.get("restart").toString()).isEqualTo("{\"policy\":\"on-failure\",\"maxRetries\":5,\"onUnhealthy\":true}");
        assertThat(json.get("mounts").get(0).toString())
                .isEqualTo("{\"source\":\"/srv/raptor/maps\",\"target\":\"/maps\",\"readOnly\":true}");
        assertThat(json.get("healthCheck").toString()).isEqualTo("{\"command\":\"mc-health --port 25565\","
                + "\"intervalSeconds\":20,\"timeoutSeconds\":2.5,\"retries\":4,\"startPeriodSeconds\":90}");
    }

    @Test
    void theDecoderAcceptsExactlyTheMembersTheDocumentRecordsWrite() {
        assertThat(properties(ServerSpecDocument.class)).isEqualTo(ServerSpecJson.FIELDS);
        assertThat(properties(AllocationDocument.class)).isEqualTo(ServerSpecJson.ALLOCATION_FIELDS);
        assertThat(properties(LimitsDocument.class)).isEqualTo(ServerSpecJson.LIMITS_FIELDS);
        assertThat(properties(StopDocument.class)).isEqualTo(ServerSpecJson.STOP_FIELDS);
        assertThat(properties(RestartDocument.class)).isEqualTo(ServerSpecJson.RESTART_FIELDS);
        assertThat(properties(MountDocument.class)).isEqualTo(ServerSpecJson.MOUNT_FIELDS);
        assertThat(properties(HealthCheckDocument.class)).isEqualTo(ServerSpecJson.HEALTH_FIELDS);
        assertThat(properties(QueryDocument.class)).isEqualTo(ServerSpecJson.QUERY_FIELDS);
        assertThat(properties(BackupsDocument.class)).isEqualTo(ServerSpecJson.BACKUPS_FIELDS);
        assertThat(properties(FileRulesDocument.class)).isEqualTo(ServerSpecJson.FILE_RULES_FIELDS);
    }

    @Test
    void eachGameQueryRoundTrips() {
        for (GameQuery q : List.of(GameQuery.minecraft(), GameQuery.source(2457), GameQuery.rcon(25575, "hunter2", "status"))) {
            ServerSpec spec = Specs.minecraft("lobby").toBuilder().query(q).build();

            assertThat(ServerSpecJson.decode(ServerSpecJson.tree(spec))).isEqualTo(spec);
        }
        assertThat(ServerSpecJson.tree(Specs.minecraft("lobby").toBuilder().query(GameQuery.minecraft()).build()).get("query").toString())
                .isEqualTo("{\"protocol\":\"minecraft\"}");
    }

    @Test
    void backupSettingsRoundTripAndASpecWithoutThemWritesNoBackupsMember() {
        ServerSpec spec = Specs.minecraft("lobby").toBuilder().backups(new dev.raptor.core.backup.BackupPolicy("0 4 * * *", 7, 0,
                List.of("logs/", "!logs/keep.log"), List.of("save-off", "save-all flush"), List.of("save-on"))).build();

        assertThat(ServerSpecJson.decode(ServerSpecJson.tree(spec))).isEqualTo(spec);
        assertThat(ServerSpecJson.tree(spec).get("backups").toString()).isEqualTo("{\"schedule\":\"0 4 * * *\",\"max\":7,"
                + "\"maxAgeDays\":0,\"ignore\":[\"logs/\",\"!logs/keep.log\"],\"commandsBefore\":[\"save-off\",\"save-all flush\"],"
                + "\"commandsAfter\":[\"save-on\"]}");
        assertThat(ServerSpecJson.tree(Specs.minecraft("lobby")).has("backups")).isFalse();
        assertThat(decode("{\"name\": \"b\", \"startup\": \"./run\", \"backups\": {\"max\": 3}}").backups().max()).isEqualTo(3);
    }

    @Test
    void badBackupSettingsNameTheirFields() {
        assertThat(errorsOf("{\"name\": \"b\", \"startup\": \"./run\", \"backups\": {\"max\": -1, \"maxAgeDays\": \"x\","
                + " \"ignore\": [\"logs/\", 3], \"commandsAfter\": [\"save-on\\nstop\"], \"keep\": 2}}"))
                .extracting(FieldError::field).containsExactlyInAnyOrder("backups.max", "backups.maxAgeDays", "backups.ignore[1]",
                        "backups.commandsAfter[0]", "backups.keep");
    }

    @Test
    void aBadGameQueryNamesItsFields() {
        assertThat(errorsOf("{\"name\": \"q\", \"startup\": \"./run\", \"query\": {\"protocol\": \"gamespy\"}}"))
                .extracting(FieldError::toString).containsExactly("query.protocol: must be one of minecraft, source, rcon (was 'gamespy')");
        assertThat(errorsOf("{\"name\": \"q\", \"startup\": \"./run\", \"query\": {\"protocol\": \"source\", \"port\": 27015, \"password\": \"x\"}}"))
                .extracting(FieldError::field).containsExactly("query.password");
        assertThat(errorsOf("{\"name\": \"q\", \"startup\": \"./run\", \"query\": {\"protocol\": \"rcon\"}}"))
                .extracting(FieldError::field).containsExactlyInAnyOrder("query.port", "query.password");
        assertThat(errorsOf("{\"name\": \"q\", \"startup\": \"./run\", \"query\": {\"port\": 1}}"))
                .extracting(FieldError::toString).contains("query.protocol: is required");
    }

    @Test
    void aSpecAClientWritesFromTheRecordDecodes() {
        ServerSpecDocument request = new ServerSpecDocument(null, "lobby", "ghcr.io/org/game:1", null, Map.of("MOTD", "hi"),
                List.of(new AllocationDocument("0.0.0.0", 25565, null, null, null)), null, null, null, null, null, null,
                null, "Done!", new QueryDocument("source", 2457, null, null), null, null, null, null, "small", null);

        ServerSpec spec = decode(WireJson.write(request));

        assertThat(spec.name()).isEqualTo("lobby");
        assertThat(spec.limits()).isEqualTo(Tier.SMALL.limits());
        assertThat(spec.primaryAllocation()).hasValueSatisfying(a -> assertThat(a.containerPort()).isEqualTo(25565));
    }

    @Test
    void aPatchAClientWritesFromItsRecordMergesAsRfc7396Says() {
        ServerPatch patch = ServerPatch.of().with("name", "Creative").with("limits", Map.of("memoryMiB", 8192))
                .without("healthCheck");

        String json = WireJson.write(patch);
        ServerSpec patched = ServerSpecJson.decode(JsonMergePatch.apply(ServerSpecJson.tree(Specs.everyField()),
                WireJson.parse(json)));

        assertThat(json).isEqualTo("{\"name\":\"Creative\",\"limits\":{\"memoryMiB\":8192},\"healthCheck\":null}");
        assertThat(WireJson.read(json, ServerPatch.class)).isEqualTo(patch);
        assertThat(patched.name()).isEqualTo("Creative");
        assertThat(patched.limits().memoryMiB()).isEqualTo(8192);
        assertThat(patched.limits().cpuPercent()).isEqualTo(Specs.everyField().limits().cpuPercent());
        assertThat(patched.healthCheck()).isNull();
    }

    private static Set<String> properties(Class<?> type) {
        return WireJson.mapper().getSerializationConfig().introspect(WireJson.mapper().constructType(type)).findProperties()
                .stream().map(com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition::getName)
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void missingSectionsTakeTheSpecDefaults() {
        ServerSpec spec = decode("{\"name\": \"lobby\", \"image\": \"ghcr.io/org/game:1\"}");

        assertThat(spec.limits()).isEqualTo(Limits.UNLIMITED);
        assertThat(spec.stopPolicy()).isEqualTo(StopPolicy.defaultPolicy());
        assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.no());
        assertThat(spec.allocations()).isEmpty();
        assertThat(spec.environment()).isEmpty();
        assertThat(spec.healthCheck()).isNull();
        assertThat(spec.id()).isNotNull();
    }

    @Test
    void containerPortDefaultsToThePortAndProtocolToTcp() {
        ServerSpec spec = decode("{\"name\": \"lobby\", \"image\": \"ghcr.io/org/game:1\","
                + " \"allocations\": [{\"ip\": \"0.0.0.0\", \"port\": 25565, \"primary\": true}]}");

        assertThat(spec.allocations()).containsExactly(new Allocation("0.0.0.0", 25565, 25565, Protocol.TCP, true));
    }

    @Test
    void aLoneAllocationIsPrimaryUnlessItSaysOtherwise() {
        ServerSpec lone = decode("{\"name\": \"lobby\", \"image\": \"ghcr.io/org/game:1\","
                + " \"allocations\": [{\"ip\": \"0.0.0.0\", \"port\": 25565}]}");
        assertThat(lone.allocations().getFirst().primary()).isTrue();

        assertThat(errorsOf("{\"name\": \"lobby\", \"image\": \"ghcr.io/org/game:1\", \"allocations\": ["
                + "{\"ip\": \"0.0.0.0\", \"port\": 25565}, {\"ip\": \"0.0.0.0\", \"port\": 25566}]}"))
                .extracting(FieldError::field).contains("allocations");
    }

    @Test
    void aTierFillsTheLimitsAndExplicitLimitsOverrideIt() {
        ServerSpec spec = decode("{\"name\": \"lobby\", \"image\": \"ghcr.io/org/game:1\", \"tier\": \"medium\","
                + " \"limits\": {\"memoryMiB\": 6144, \"oomKiller\": false}}");

        assertThat(spec.limits()).isEqualTo(Tier.MEDIUM.limits().withMemoryMiB(6144).withOomKiller(false));
    }

    @Test
    void partialSectionsFillTheRestWithDefaults() {
        ServerSpec spec = decode("{\"name\": \"lobby\", \"image\": \"ghcr.io/org/game:1\","
                + " \"stop\": {\"type\": \"command\", \"value\": \"stop\"}, \"restart\": {\"policy\": \"on-failure\"},"
                + " \"healthCheck\": {\"command\": \"true\"}}");

        assertThat(spec.stopPolicy()).isEqualTo(StopPolicy.command("stop", StopPolicy.DEFAULT_TIMEOUT));
        assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.onFailure(RestartPolicy.DEFAULT_MAX_RETRIES));
        assertThat(spec.healthCheck()).isEqualTo(HealthCheck.of("true"));
    }

    @Test
    void theIdIsKeptWhenGiven() {
        ServerSpec spec = decode("{\"id\": \"3f1c2a9e-6c1b-4c5e-9d1a-2b7f0e8c4d21\", \"name\": \"lobby\", \"startup\": \"./run.sh\"}");

        assertThat(spec.id()).isEqualTo(UUID.fromString("3f1c2a9e-6c1b-4c5e-9d1a-2b7f0e8c4d21"));
    }

    @Test
    void nullMeansAbsent() {
        ServerSpec spec = decode("{\"name\": \"lobby\", \"image\": \"ghcr.io/org/game:1\", \"startup\": null,"
                + " \"limits\": null, \"healthCheck\": null}");

        assertThat(spec.startup()).isNull();
        assertThat(spec.limits()).isEqualTo(Limits.UNLIMITED);
    }

    @Test
    void everyBadFieldIsNamedAtOnce() {
        List<FieldError> errors = errorsOf("""
                {"name": "", "image": "Not An Image!",
                 "allocations": [{"ip": "0.0.0.0", "port": 25565, "primary": true},
                                 {"ip": "0.0.0.0", "port": "25566"},
                                 {"ip": "nope", "port": 70000, "protocol": "sctp"}],
                 "limits": {"memoryMiB": 1024, "ioWeight": 5, "memoryMb": 3},
                 "stop": {"type": "telepathy"},
                 "restart": {"policy": "sometimes"},
                 "labels": {"team": 5},
                 "healthCheck": {"command": "true", "retries": 0, "intervalSeconds": "30s"},
                 "nmae": "typo"}""");

        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder(
                "name", "image", "allocations[1].port", "allocations[2].ip", "allocations[2].port",
                "allocations[2].protocol", "limits.ioWeight", "limits.memoryMb", "stop.type", "restart.policy",
                "labels.team", "healthCheck.retries", "healthCheck.intervalSeconds", "nmae");
    }

    @Test
    void wrongJsonTypesSayWhatWasExpected() {
        List<FieldError> errors = errorsOf("{\"name\": 7, \"startup\": \"./run\", \"environment\": [],"
                + " \"allocations\": {}, \"limits\": {\"oomKiller\": \"yes\", \"cpuPercent\": 1.5}}");

        assertThat(errors).extracting(FieldError::toString).containsExactlyInAnyOrder(
                "name: must be a string (was a whole number)",
                "environment: must be an object (was an array)",
                "allocations: must be an array (was an object)",
                "limits.oomKiller: must be true or false (was a string)",
                "limits.cpuPercent: must be a whole number (was 1.5)");
    }

    @Test
    void theSpecsOwnRulesAreReportedWithTheirPaths() {
        List<FieldError> errors = errorsOf("{\"name\": \"lobby\", \"image\": \"ghcr.io/org/game:1\","
                + " \"allocations\": [{\"ip\": \"0.0.0.0\", \"port\": 25565, \"primary\": true},"
                + " {\"ip\": \"0.0.0.0\", \"port\": 70000}], \"environment\": {\"SERVER_PORT\": \"1\"}}");

        assertThat(errors).extracting(FieldError::toString).containsExactlyInAnyOrder(
                "allocations[1].port: must be between 1 and 65535 (was 70000)",
                "environment.SERVER_PORT: is set by Raptor from the allocations, limits and messaging");
    }

    @Test
    void theSettleWindowIsSecondsAndDefaultsToTwo() {
        assertThat(decode("{\"name\": \"a\", \"startup\": \"./run\"}").settle()).isEqualTo(Duration.ofSeconds(2));
        assertThat(decode("{\"name\": \"a\", \"startup\": \"./run\", \"settleSeconds\": 0.25}").settle()).isEqualTo(Duration.ofMillis(250));
        assertThat(decode("{\"name\": \"a\", \"startup\": \"./run\", \"settleSeconds\": 0}").settle()).isZero();
        assertThat(errorsOf("{\"name\": \"a\", \"startup\": \"./run\", \"settleSeconds\": -1}")).extracting(FieldError::toString)
                .containsExactly("settleSeconds: must be between 0 and 300 seconds (was -1.0)");
        assertThat(errorsOf("{\"name\": \"a\", \"startup\": \"./run\", \"settleSeconds\": \"2s\"}")).extracting(FieldError::toString)
                .containsExactly("settleSeconds: must be a number of seconds (was a string)");
    }

    @Test
    void anUnknownFieldIsATypoWithAHint() {
        List<FieldError> errors = errorsOf("{\"name\": \"lobby\", \"startup\": \"./run\", \"limits\": {\"memoryMb\": 1024}}");

        assertThat(errors).extracting(FieldError::toString)
                .containsExactly("limits.memoryMb: is not a known field; did you mean limits.memoryMiB?");
    }

    @Test
    void anUnknownTopLevelFieldIsHintedAtTheNearestFieldOfTheWholeSpec() {
        assertThat(errorsOf("{\"name\": \"a\", \"startup\": \"./run\", \"memory\": 1024}")).extracting(FieldError::toString)
                .containsExactly("memory: is not a known field; did you mean limits.memoryMiB?");
        assertThat(errorsOf("{\"name\": \"a\", \"startup\": \"./run\", \"memoryMb\": 1024, \"ports\": [25565], "
                + "\"readyPatern\": \"Done\", \"restartPolicy\": \"always\", \"qwertyuiop\": 1}")).extracting(FieldError::toString)
                .containsExactlyInAnyOrder("memoryMb: is not a known field; did you mean limits.memoryMiB?",
                        "ports: is not a known field; did you mean allocations[].port?",
                        "readyPatern: is not a known field; did you mean readyPattern?",
                        "restartPolicy: is not a known field; did you mean restart.policy?",
                        "qwertyuiop: is not a known field");
    }

    @Test
    void callerNamedFieldsAreIgnored() {
        ObjectNode json = ServerSpecJson.tree(Specs.minecraft("lobby"));
        json.put("state", "running").put("version", 3).put("createdAt", "2025-03-14T10:15:02Z");

        ServerSpec spec = ServerSpecJson.decode(json, Set.of("state", "version", "createdAt"));

        assertThat(spec.name()).isEqualTo("lobby");
    }

    @Test
    void portAndPasswordBelongToRconOnly() {
        List<FieldError> errors = errorsOf("{\"name\": \"lobby\", \"startup\": \"./run\","
                + " \"stop\": {\"type\": \"command\", \"value\": \"stop\", \"port\": 25575, \"password\": \"x\"}}");

        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("stop.port", "stop.password");
    }

    @Test
    void aStopPolicyNeedsItsType() {
        assertThat(errorsOf("{\"name\": \"lobby\", \"startup\": \"./run\", \"stop\": {\"value\": \"stop\"}}"))
                .extracting(FieldError::toString).containsExactly("stop.type: is required: command, signal or rcon");
    }

    @Test
    void aMalformedIdIsNamed() {
        assertThat(errorsOf("{\"id\": \"not-a-uuid\", \"name\": \"lobby\", \"startup\": \"./run\"}"))
                .extracting(FieldError::field).containsExactly("id");
    }

    @Test
    void aDocumentThatIsNotAnObjectIsRefused() {
        assertThatThrownBy(() -> ServerSpecJson.decode(WireJson.parse("[1, 2]")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("$: must be a JSON object (was an array)");
    }

    @Test
    void mergePatchChangesOnlyWhatThePatchNames() {
        ObjectNode base = ServerSpecJson.tree(Specs.everyField());
        JsonNode patch = WireJson.parse("{\"name\": \"Creative\", \"limits\": {\"memoryMiB\": 8192, \"threads\": null},"
                + " \"healthCheck\": null, \"labels\": {\"plan\": null, \"region\": \"fra\"}}");

        ServerSpec patched = ServerSpecJson.decode(ServerSpecJson.mergePatch(base, patch));

        ServerSpec original = Specs.everyField();
        assertThat(patched).isEqualTo(original.toBuilder()
                .name("Creative")
                .limits(original.limits().withMemoryMiB(8192).withThreads(null))
                .healthCheck(null)
                .labels(java.util.Map.of("team", "eu", "region", "fra"))
                .build());
        assertThat(base).isEqualTo(ServerSpecJson.tree(original));
    }

    @Test
    void aNetworkIsItsNameOrAnObjectWithAliasesAndIsWrittenAsAnObject() {
        ServerSpec spec = decode("""
                {"name": "n", "image": "raptor-test/gameserver:1", "networks": ["lobby-net", {"name": "db-net", "aliases": ["game", "hub"]}],
                 "restart": {"policy": "no", "onUnhealthy": true}}""");
        assertThat(spec.networks()).containsExactly(dev.raptor.core.network.NetworkAttachment.of("lobby-net"),
                dev.raptor.core.network.NetworkAttachment.of("db-net", "game", "hub"));
        assertThat(spec.restartPolicy().onUnhealthy()).isTrue();
        assertThat(WireJson.write(ServerSpecJson.encode(spec))).contains(
                "\"networks\":[{\"name\":\"lobby-net\",\"aliases\":[]},{\"name\":\"db-net\",\"aliases\":[\"game\",\"hub\"]}]");
        assertThat(ServerSpecJson.decode(ServerSpecJson.tree(spec))).isEqualTo(spec);
    }

    @Test
    void badNetworksAreNamedEveryOne() {
        assertThatThrownBy(() -> decode("""
                {"name": "n", "image": "raptor-test/gameserver:1",
                 "networks": [7, {"aliases": ["ok"]}, {"name": "host"}, {"name": "a", "aliases": ["bad name"], "ipv4": "1.2.3.4"}, "a"],
                 "restart": {"policy": "no", "onUnhealthy": "yes"}}"""))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .contains("networks[0]", "networks[1].name", "networks[2].name", "networks[3].aliases[0]", "networks[3].ipv4",
                                "networks[4].name", "restart.onUnhealthy"));
    }
}
