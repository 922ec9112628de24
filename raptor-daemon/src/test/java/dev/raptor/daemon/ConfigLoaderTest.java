package dev.raptor.daemon;

import dev.raptor.backup.retention.RetentionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    private ConfigLoader loader(Map<String, String> env, boolean root) {
        return new ConfigLoader(env, tmp.resolve("home"), root, tmp.resolve("default-config.yml"));
    }

    private Path file(String yaml) throws IOException {
        Path f = tmp.resolve("config.yml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void defaultsForRoot() {
        DaemonConfig c = loader(Map.of(), true).load(null);
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/raptor-daemon"));
        assertThat(c.httpHost()).isEqualTo("127.0.0.1");
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.socket()).isEqualTo(Path.of("/var/lib/raptor-daemon/raptor.sock"));
        assertThat(c.runtime()).isEqualTo(RuntimeChoice.AUTO);
        assertThat(c.dockerHost()).isEqualTo("unix:///var/run/docker.sock");
        assertThat(c.apiKey()).isNull();
    }

    @Test
    void aNonRootUserGetsADataDirectoryInItsHome() {
        DaemonConfig c = loader(Map.of(), false).load(null);
        assertThat(c.dataDir()).isEqualTo(tmp.resolve("home/.local/share/raptor"));
        assertThat(c.dataDirSource()).startsWith("default");
    }

    @Test
    void theFileIsReadAndTheEnvironmentOverridesIt() throws IOException {
        Path f = file("""
                dataDir: %s
                httpAddr: 0.0.0.0:9090
                runtime: docker
                dockerHost: tcp://127.0.0.1:2375
                node: node-a
                apiKey: from-the-file-0123456789
                """.formatted(tmp.resolve("from-file")));
        DaemonConfig fromFile = loader(Map.of(), true).load(f);
        assertThat(fromFile.dataDir()).isEqualTo(tmp.resolve("from-file"));
        assertThat(fromFile.httpHost()).isEqualTo("0.0.0.0");
        assertThat(fromFile.httpPort()).isEqualTo(9090);
        assertThat(fromFile.runtime()).isEqualTo(RuntimeChoice.DOCKER);
        assertThat(fromFile.node()).isEqualTo("node-a");
        assertThat(fromFile.configFile()).isEqualTo(f);

        Map<String, String> env = new HashMap<>();
        env.put("DAEMON_DATA_DIR", tmp.resolve("legacy").toString());
        env.put("RAPTOR_HTTP_ADDR", "[::1]:7070");
        env.put("RAPTOR_SOCKET", tmp.resolve("s.sock").toString());
        env.put("RAPTOR_RUNTIME", "auto");
        env.put("DOCKER_HOST", "unix:///run/other.sock");
        env.put("RAPTOR_API_KEY", "from-the-environment-0123");
        DaemonConfig c = loader(env, true).load(f);
        assertThat(c.dataDir()).isEqualTo(tmp.resolve("legacy"));
        assertThat(c.dataDirSource()).isEqualTo("DAEMON_DATA_DIR");
        assertThat(c.httpHost()).isEqualTo("::1");
        assertThat(c.httpPort()).isEqualTo(7070);
        assertThat(c.socket()).isEqualTo(tmp.resolve("s.sock"));
        assertThat(c.runtime()).isEqualTo(RuntimeChoice.AUTO);
        assertThat(c.dockerHost()).isEqualTo("unix:///run/other.sock");
        assertThat(c.apiKey()).isEqualTo("from-the-environment-0123");

        env.put("RAPTOR_DATA_DIR", tmp.resolve("new").toString());
        assertThat(loader(env, true).load(f).dataDir()).as("RAPTOR_DATA_DIR wins over its alias").isEqualTo(tmp.resolve("new"));
        assertThat(loader(env, true).load(f).socket()).isEqualTo(tmp.resolve("s.sock"));
    }

    @Test
    void theApiKeySaysWhichSettingGaveItOrThatTheKeyFileIsUsed() throws IOException {
        Path f = file("apiKey: from-the-file-0123456789\n");
        assertThat(loader(Map.of(), true).load(f).apiKeyOrigin()).isEqualTo("apiKey in " + f);
        assertThat(loader(Map.of("RAPTOR_API_KEY", "from-the-environment-0123"), true).load(f).apiKeyOrigin()).isEqualTo("RAPTOR_API_KEY");
        DaemonConfig none = loader(Map.of("RAPTOR_DATA_DIR", tmp.resolve("d").toString()), true).load(null);
        assertThat(none.apiKey()).isNull();
        assertThat(none.apiKeyOrigin()).isEqualTo("the file " + tmp.resolve("d/api-key"));
        assertThat(none.toString()).contains("apiKey from the file " + tmp.resolve("d/api-key")).doesNotContain("generated");
    }

    @Test
    void theServerUserIsRaptorServerUnlessASettingNamesAnother() throws IOException {
        assertThat(loader(Map.of(), true).load(null).serverUser()).isEqualTo("raptor-server");
        Path f = file("serverUser: games\n");
        assertThat(loader(Map.of(), true).load(f).serverUser()).isEqualTo("games");
        assertThat(loader(Map.of("RAPTOR_SERVER_USER", "minecraft"), true).load(f).serverUser()).isEqualTo("minecraft");
    }

    @Test
    void aServerUserThatIsNoUserNameIsRefused() {
        assertThatThrownBy(() -> loader(Map.of("RAPTOR_SERVER_USER", "Game Servers"), true).load(null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAPTOR_SERVER_USER: must be a POSIX user name");
    }

    @Test
    void theSocketDefaultsToTheDataDirectory() {
        DaemonConfig c = loader(Map.of("RAPTOR_DATA_DIR", tmp.resolve("d").toString()), true).load(null);
        assertThat(c.socket()).isEqualTo(tmp.resolve("d/raptor.sock"));
    }

    @Test
    void unknownKeysAndBadValuesAreAllNamed() throws IOException {
        Path f = file("""
                httpAddr: localhost
                bogus: 1
                runtime: [docker]
                node: "no spaces allowed"
                """);
        Map<String, String> env = Map.of("RAPTOR_RUNTIME", "sideways", "DOCKER_HOST", "http://x", "RAPTOR_API_KEY", "short");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(env, true).load(f));
        assertThat(e.problems()).hasSize(7);
        assertThat(String.join("\n", e.problems()))
                .contains("unknown setting 'bogus'")
                .contains("httpAddr in " + f)
                .contains("runtime in " + f + ": must be a single value")
                .contains("RAPTOR_RUNTIME: must be docker, process, swarm or auto (was 'sideways')")
                .contains("DOCKER_HOST")
                .contains("RAPTOR_API_KEY")
                .contains("node in " + f);
    }

    @Test
    void theSwarmRuntimeTakesTheManagerFromDockerHostAndEachNodesEngineFromSwarmNodes() throws Exception {
        DaemonConfig c = loader(Map.of("RAPTOR_RUNTIME", "swarm", "DOCKER_HOST", "unix:///run/manager.sock",
                "RAPTOR_SWARM_NODES", "worker-1=tcp://10.0.0.11:2375, worker-2=unix:///run/w2.sock"), true).load(null);
        assertThat(c.runtime()).isEqualTo(RuntimeChoice.SWARM);
        assertThat(c.dockerHost()).isEqualTo("unix:///run/manager.sock");
        assertThat(c.swarmNodes()).containsOnlyKeys("worker-1", "worker-2")
                .containsEntry("worker-1", java.net.URI.create("tcp://10.0.0.11:2375"));
    }

    @Test
    void theSwarmRuntimeWithoutNodeEnginesOrWithABadEntryIsRefusedNamingTheSetting() {
        ConfigException none = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_RUNTIME", "swarm"), true).load(null));
        assertThat(String.join("\n", none.problems())).contains("swarmNodes / RAPTOR_SWARM_NODES: name at least one node engine");
        ConfigException bad = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_RUNTIME", "swarm", "RAPTOR_SWARM_NODES", "worker-1"), true).load(null));
        assertThat(String.join("\n", bad.problems())).contains("RAPTOR_SWARM_NODES: 'worker-1' is not hostname=engine");
    }

    @Test
    void nodeAgentsAreNamedByHostnameWithTheKeyTheyShareAndNoneByDefault() {
        assertThat(loader(Map.of(), true).load(null).agents().isEmpty()).isTrue();
        String key = "k".repeat(AgentCommand.MIN_KEY_CHARS);
        DaemonConfig c = loader(Map.of("RAPTOR_SWARM_AGENTS", "worker-2=http://10.0.0.12:7090", "RAPTOR_AGENT_KEY", key), true).load(null);
        assertThat(c.agents().of("worker-2")).isEqualTo(java.net.URI.create("http://10.0.0.12:7090"));
        assertThat(c.agents().of("worker-1")).as("a node without an agent keeps its files here").isNull();
        assertThat(c.agents().key()).isEqualTo(key);
        assertThat(c.toString()).contains("worker-2").doesNotContain(key);
    }

    @Test
    void theSwarmsHelperImageAndTlsDirectoryAreReadAndABadOneIsRefusedNamingTheSetting() throws IOException {
        DaemonConfig none = loader(Map.of(), true).load(null);
        assertThat(none.swarmHelperImage()).isNull();
        assertThat(none.swarmTlsCerts()).isNull();
        Path certs = Files.createDirectories(tmp.resolve("swarm-tls"));
        for (String name : List.of("ca.pem", "cert.pem", "key.pem")) {
            Files.writeString(certs.resolve(name), "pem");
        }
        DaemonConfig c = loader(Map.of("RAPTOR_SWARM_HELPER_IMAGE", "registry.local:5000/tools/busybox:1",
                "RAPTOR_SWARM_TLS_CERTS", certs.toString()), true).load(null);
        assertThat(c.swarmHelperImage()).isEqualTo("registry.local:5000/tools/busybox:1");
        assertThat(c.swarmTlsCerts()).isEqualTo(certs);

        Files.delete(certs.resolve("key.pem"));
        ConfigException incomplete = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_SWARM_TLS_CERTS", certs.toString()), true).load(null));
        assertThat(String.join("\n", incomplete.problems())).contains("RAPTOR_SWARM_TLS_CERTS: " + certs + " lacks key.pem");
        ConfigException relative = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_SWARM_TLS_CERTS", "tls/client"), true).load(null));
        assertThat(String.join("\n", relative.problems())).contains("RAPTOR_SWARM_TLS_CERTS: must be an absolute path");
        ConfigException spaced = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_SWARM_HELPER_IMAGE", "busybox 1.36"), true).load(null));
        assertThat(String.join("\n", spaced.problems())).contains("RAPTOR_SWARM_HELPER_IMAGE: must be an image reference without spaces");
    }

    @Test
    void nodeAgentsWithoutTheirKeyOrWithABadAddressAreRefusedNamingTheSetting() {
        ConfigException keyless = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_SWARM_AGENTS", "worker-2=http://10.0.0.12:7090"), true).load(null));
        assertThat(String.join("\n", keyless.problems())).contains("agentKey: is required with RAPTOR_SWARM_AGENTS");
        ConfigException shortKey = catchThrowableOfType(ConfigException.class, () -> loader(Map.of(
                "RAPTOR_SWARM_AGENTS", "worker-2=http://10.0.0.12:7090", "RAPTOR_AGENT_KEY", "short"), true).load(null));
        assertThat(String.join("\n", shortKey.problems())).contains("RAPTOR_AGENT_KEY: must be at least 32 characters");
        ConfigException bad = catchThrowableOfType(ConfigException.class, () -> loader(Map.of(
                "RAPTOR_SWARM_AGENTS", "worker-2=10.0.0.12:7090", "RAPTOR_AGENT_KEY", "k".repeat(40)), true).load(null));
        assertThat(String.join("\n", bad.problems())).contains("RAPTOR_SWARM_AGENTS: 'worker-2=10.0.0.12:7090': an agent's address is https://address:port or http://address:port");
    }

    @Test
    void theWaitForABrokenRestoresOutcomeIsTwoMinutesUnlessSetAndOutOfRangeValuesAreRefusedNamingTheSetting() {
        Map<String, String> agents = Map.of("RAPTOR_SWARM_AGENTS", "worker-2=http://10.0.0.12:7090",
                "RAPTOR_AGENT_KEY", "k".repeat(AgentCommand.MIN_KEY_CHARS));
        assertThat(loader(agents, true).load(null).agents().restoreOutcomeWait()).isEqualTo(java.time.Duration.ofMinutes(2));
        Map<String, String> set = new java.util.HashMap<>(agents);
        set.put("RAPTOR_SWARM_AGENT_RESTORE_OUTCOME_SECONDS", "15");
        assertThat(loader(set, true).load(null).agents().restoreOutcomeWait()).isEqualTo(java.time.Duration.ofSeconds(15));
        for (String bad : new String[] {"0", "-1", "3601", "2m", "1.5"}) {
            set.put("RAPTOR_SWARM_AGENT_RESTORE_OUTCOME_SECONDS", bad);
            ConfigException refused = catchThrowableOfType(ConfigException.class, () -> loader(set, true).load(null));
            assertThat(refused).as(bad).isNotNull();
            assertThat(String.join("\n", refused.problems())).as(bad)
                    .contains("RAPTOR_SWARM_AGENT_RESTORE_OUTCOME_SECONDS: must be a whole number of seconds, 1 to 3600 (was '" + bad + "')");
        }
    }

    @Test
    void httpsAgentsAreCheckedAgainstTheAgentCaFileWhichIsReadAtBoot() throws IOException {
        dev.raptor.core.testing.TestCertificates.Ca ca = dev.raptor.core.testing.TestCertificates.ca(tmp.resolve("agents-ca"), "agents-ca");
        String key = "k".repeat(AgentCommand.MIN_KEY_CHARS);
        DaemonConfig c = loader(Map.of("RAPTOR_SWARM_AGENTS", "worker-2=https://10.0.0.12:7090", "RAPTOR_AGENT_KEY", key,
                "RAPTOR_SWARM_AGENT_CA", ca.certificate().toString()), true).load(null);
        assertThat(c.agents().of("worker-2")).isEqualTo(java.net.URI.create("https://10.0.0.12:7090"));
        assertThat(c.agents().ca()).isEqualTo(ca.certificate());
        assertThat(loader(Map.of("RAPTOR_SWARM_AGENTS", "worker-2=https://10.0.0.12:7090", "RAPTOR_AGENT_KEY", key), true)
                .load(null).agents().ca()).as("without one, the JVM's CAs").isNull();

        Path notPem = Files.writeString(tmp.resolve("not-a-ca.pem"), "hello");
        ConfigException bad = catchThrowableOfType(ConfigException.class, () -> loader(Map.of("RAPTOR_SWARM_AGENTS",
                "worker-2=https://10.0.0.12:7090", "RAPTOR_AGENT_KEY", key, "RAPTOR_SWARM_AGENT_CA", notPem.toString()), true).load(null));
        assertThat(String.join("\n", bad.problems())).contains("RAPTOR_SWARM_AGENT_CA: ").contains(notPem.toString());
        ConfigException missing = catchThrowableOfType(ConfigException.class, () -> loader(Map.of("RAPTOR_SWARM_AGENTS",
                "worker-2=https://10.0.0.12:7090", "RAPTOR_AGENT_KEY", key, "RAPTOR_SWARM_AGENT_CA", tmp.resolve("none.pem").toString()), true).load(null));
        assertThat(String.join("\n", missing.problems())).contains("RAPTOR_SWARM_AGENT_CA: cannot read the agents' CA file");
    }

    @Test
    void engineSlotsAreSizedFromTheMachineUnlessSetAndBadValuesAreRefusedNamingTheSetting() {
        java.nio.file.Path volumes = tmp.resolve("volumes");
        dev.raptor.core.power.ControllerSettings defaults = dev.raptor.core.power.ControllerSettings.defaults(volumes);
        DaemonConfig unset = loader(Map.of(), true).load(null);
        assertThat(unset.engineSlots().applyTo(defaults).engineSlots())
                .isEqualTo(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        assertThat(unset.engineSlots().applyTo(defaults).slotWait()).isEqualTo(java.time.Duration.ofMinutes(10));

        DaemonConfig set = loader(Map.of("RAPTOR_ENGINE_SLOTS", "12", "RAPTOR_ENGINE_SLOT_WAIT_SECONDS", "90"), true).load(null);
        assertThat(set.engineSlots().applyTo(defaults).engineSlots()).isEqualTo(12);
        assertThat(set.engineSlots().applyTo(defaults).slotWait()).isEqualTo(java.time.Duration.ofSeconds(90));

        for (String bad : new String[] {"-1", "1025", "many"}) {
            ConfigException refused = catchThrowableOfType(ConfigException.class,
                    () -> loader(Map.of("RAPTOR_ENGINE_SLOTS", bad), true).load(null));
            assertThat(refused).as(bad).isNotNull();
            assertThat(String.join("\n", refused.problems())).as(bad).contains("RAPTOR_ENGINE_SLOTS");
        }
        ConfigException noWait = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_ENGINE_SLOT_WAIT_SECONDS", "0"), true).load(null));
        assertThat(String.join("\n", noWait.problems())).contains("RAPTOR_ENGINE_SLOT_WAIT_SECONDS");
    }

    @Test
    void badPortsAreRefused() {
        for (String addr : new String[]{"127.0.0.1:99999", "127.0.0.1:", ":8080", "127.0.0.1:http", "::1:8080", "[::1]8080"}) {
            assertThatThrownBy(() -> loader(Map.of("RAPTOR_HTTP_ADDR", addr), true).load(null)).as(addr)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("RAPTOR_HTTP_ADDR");
        }
    }

    @Test
    void aMissingExplicitFileIsAnErrorButAMissingDefaultIsNot() {
        assertThatThrownBy(() -> loader(Map.of(), true).load(tmp.resolve("nope.yml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--config").hasMessageContaining("nope.yml");
        assertThat(loader(Map.of(), true).load(null).configFile()).isNull();
    }

    @Test
    void theDefaultFileIsReadWhenPresent() throws IOException {
        Files.writeString(tmp.resolve("default-config.yml"), "httpAddr: 127.0.0.1:9999\n");
        DaemonConfig c = loader(Map.of(), true).load(null);
        assertThat(c.httpPort()).isEqualTo(9999);
        assertThat(c.configFile()).isEqualTo(tmp.resolve("default-config.yml"));
    }

    @Test
    void malformedYamlNamesThePosition() throws IOException {
        Path f = file("httpAddr: [unclosed\n");
        assertThatThrownBy(() -> loader(Map.of(), true).load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML").hasMessageContaining("line");
    }

    @Test
    void aSocketPathTooLongForTheKernelIsRefused() {
        String longDir = "/tmp/" + "d".repeat(120);
        assertThatThrownBy(() -> loader(Map.of("RAPTOR_DATA_DIR", longDir), true).load(null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAPTOR_SOCKET");
    }

    @Test
    void logLinesAreTextUnlessTheFileOrTheEnvironmentAsksForJson() throws IOException {
        assertThat(loader(Map.of(), true).load(null).logFormat()).isEqualTo(dev.raptor.daemon.logging.LogFormat.TEXT);
        Path f = file("logFormat: json\n");
        assertThat(loader(Map.of(), true).load(f).logFormat()).isEqualTo(dev.raptor.daemon.logging.LogFormat.JSON);
        assertThat(loader(Map.of("RAPTOR_LOG_FORMAT", "text"), true).load(f).logFormat()).isEqualTo(dev.raptor.daemon.logging.LogFormat.TEXT);
    }

    @Test
    void anUnknownLogFormatIsNamed() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_LOG_FORMAT", "xml"), true).load(null));
        assertThat(e.problems()).containsExactly("RAPTOR_LOG_FORMAT: must be text or json (was 'xml')");
    }

    @Test
    void metricsAreServedOnTheirOwnAddressOnlyWhenOneIsGiven() throws IOException {
        DaemonConfig none = loader(Map.of(), true).load(null);
        assertThat(none.metricsHost()).isNull();
        DaemonConfig fromFile = loader(Map.of(), true).load(file("metricsAddr: 10.0.0.5:9100\n"));
        assertThat(fromFile.metricsHost()).isEqualTo("10.0.0.5");
        assertThat(fromFile.metricsPort()).isEqualTo(9100);
        ConfigException bad = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_METRICS_ADDR", "9100"), true).load(null));
        assertThat(bad.problems()).singleElement().asString().startsWith("RAPTOR_METRICS_ADDR: must be host:port");
    }

    @Test
    void diskThresholdsOfDeepHealthAreMebibytesAndTheCriticalOneIsNotAboveTheWarning() {
        DaemonConfig c = loader(Map.of(), true).load(null);
        assertThat(c.diskWarnBytes()).isEqualTo(5120L * 1024 * 1024);
        assertThat(c.diskCriticalBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(loader(Map.of("RAPTOR_HEALTH_DISK_WARN_MIB", "100", "RAPTOR_HEALTH_DISK_CRITICAL_MIB", "10"), true).load(null)
                .diskWarnBytes()).isEqualTo(100L * 1024 * 1024);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_HEALTH_DISK_WARN_MIB", "lots", "RAPTOR_HEALTH_DISK_CRITICAL_MIB", "10000"), true).load(null));
        assertThat(e.problems()).containsExactly(
                "RAPTOR_HEALTH_DISK_WARN_MIB: must be a whole number of MiB, 0 or more (was 'lots')",
                "healthDiskCriticalMiB (10000) must not be above healthDiskWarnMiB (5120)");
    }

    @Test
    void sftpListensOnPort2022OfEveryAddressAndFtpIsOffByDefault() {
        DaemonConfig c = loader(Map.of(), true).load(null);

        assertThat(c.transfers().sftp()).isEqualTo(new java.net.InetSocketAddress("0.0.0.0", 2022));
        assertThat(c.transfers().ftp()).isNull();
    }

    @Test
    void sftpCanBeTurnedOffAndFtpOnWithItsPassivePorts() throws IOException {
        Path f = file("sftpAddr: \"off\"\nftpAddr: 127.0.0.1:2121\nftpPassivePorts: 30000-30100\n");

        DaemonConfig c = loader(Map.of(), true).load(f);

        assertThat(c.transfers().sftp()).isNull();
        assertThat(c.transfers().ftp()).isEqualTo(new java.net.InetSocketAddress("127.0.0.1", 2121));
        assertThat(c.transfers().passivePorts()).isEqualTo("30000-30100");
        assertThat(loader(Map.of("RAPTOR_SFTP_ADDR", "127.0.0.1:2222"), true).load(f).transfers().sftp())
                .isEqualTo(new java.net.InetSocketAddress("127.0.0.1", 2222));
    }

    @Test
    void badFileTransferSettingsAreAllNamed() {
        assertThatThrownBy(() -> loader(Map.of("RAPTOR_SFTP_ADDR", "nowhere", "RAPTOR_FTP_PASSIVE_PORTS", "lots",
                "RAPTOR_FTPS_CERTIFICATE", tmp.resolve("cert.pem").toString()), true).load(null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("RAPTOR_SFTP_ADDR")
                .hasMessageContaining("RAPTOR_FTP_PASSIVE_PORTS")
                .hasMessageContaining("ftpsCertificate and ftpsKey");
    }

    @Test
    void registryLoginsAreReadFromADockerLoginFileByHost() throws IOException {
        Path auth = tmp.resolve("registries.json");
        Files.writeString(auth, """
                {"auths": {
                  "https://index.docker.io/v1/": {"auth": "%s"},
                  "localhost:5000": {"username": "raptor", "password": "s3cret"},
                  "ghcr.io": {"auth": "%s"}}}""".formatted(java.util.Base64.getEncoder().encodeToString("hubuser:hub:pass".getBytes()),
                java.util.Base64.getEncoder().encodeToString("octo:ghp_token".getBytes())));
        DaemonConfig c = loader(Map.of(), true).load(file("registryAuth: " + auth));
        assertThat(c.registries()).containsOnlyKeys("docker.io", "localhost:5000", "ghcr.io");
        assertThat(c.registries().get("docker.io").password()).isEqualTo("hub:pass");
        assertThat(c.registries().get("localhost:5000").username()).isEqualTo("raptor");
        assertThat(c.registries().get("ghcr.io").username()).isEqualTo("octo");
        assertThat(c.toString()).doesNotContain("s3cret", "ghp_token", "hub:pass");
    }

    @Test
    void aRegistryLoginFileWithoutLoginsIsRefusedNamingTheHost() throws IOException {
        Path auth = tmp.resolve("helpers.json");
        Files.writeString(auth, "{\"auths\": {\"ghcr.io\": {}}, \"credsStore\": \"desktop\"}");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_REGISTRY_AUTH", auth.toString()), true).load(null));
        assertThat(e.getMessage()).contains("RAPTOR_REGISTRY_AUTH").contains("ghcr.io has no login");
        ConfigException missing = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_REGISTRY_AUTH", tmp.resolve("none.json").toString()), true).load(null));
        assertThat(missing.getMessage()).contains("cannot be read");
    }

    @Test
    void backupsAreLocalByDefaultAndGoToS3WhenABucketIsNamed() throws IOException {
        DaemonConfig none = loader(Map.of(), true).load(null);
        assertThat(none.backups().s3()).isNull();
        assertThat(none.backups().settings().compressionLevel()).isEqualTo(3);
        assertThat(none.backups().settings().writeBytesPerSecond()).isZero();
        assertThat(none.backups().settings().retention()).isEqualTo(RetentionPolicy.KEEP_ALL);

        DaemonConfig s3 = loader(Map.of("RAPTOR_BACKUP_S3_SECRET_KEY", "s3cr3t", "RAPTOR_BACKUP_WRITE_MIB_PER_SECOND", "50"), true)
                .load(file("""
                        backupLevel: 7
                        backupThreads: 2
                        backupS3Endpoint: https://s3.example.net
                        backupS3Bucket: node-backups
                        backupS3Prefix: node-a/
                        backupS3AccessKey: AKIA1
                        backupS3PartSizeMiB: 16
                        backupMax: 5
                        backupMaxAgeDays: 30
                        """));
        assertThat(s3.backups().settings().compressionLevel()).isEqualTo(7);
        assertThat(s3.backups().settings().threads()).isEqualTo(2);
        assertThat(s3.backups().settings().writeBytesPerSecond()).isEqualTo(50L * 1024 * 1024);
        assertThat(s3.backups().settings().retention()).isEqualTo(new RetentionPolicy(5, 30));
        assertThat(s3.backups().s3().bucket()).isEqualTo("node-backups");
        assertThat(s3.backups().s3().endpoint()).hasToString("https://s3.example.net");
        assertThat(s3.backups().s3().partSizeBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(s3.backups().s3().region()).isEqualTo("us-east-1");
        assertThat(s3.toString()).contains("node-backups").doesNotContain("s3cr3t");
    }

    @Test
    void badBackupSettingsAreAllNamed() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of(
                "RAPTOR_BACKUP_LEVEL", "25", "RAPTOR_BACKUP_MAX", "-1", "RAPTOR_BACKUP_S3_BUCKET", "b", "RAPTOR_BACKUP_S3_ENDPOINT", "ftp://x",
                "RAPTOR_BACKUP_S3_PART_SIZE_MIB", "2", "RAPTOR_BACKUP_S3_PATH_STYLE", "maybe"), true).load(null));
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "RAPTOR_BACKUP_LEVEL: must be a whole number from 1 to 19 (was '25')",
                "RAPTOR_BACKUP_MAX: must be a whole number from 0 to 100000 (was '-1')",
                "RAPTOR_BACKUP_S3_ENDPOINT: must be an http(s) URL such as https://s3.example.net (was 'ftp://x')",
                "backupS3AccessKey (RAPTOR_BACKUP_S3_ACCESS_KEY): is required with RAPTOR_BACKUP_S3_BUCKET",
                "backupS3SecretKey (RAPTOR_BACKUP_S3_SECRET_KEY): is required with RAPTOR_BACKUP_S3_BUCKET",
                "RAPTOR_BACKUP_S3_PATH_STYLE: must be true or false (was 'maybe')",
                "RAPTOR_BACKUP_S3_PART_SIZE_MIB: must be a whole number from 5 to 5120 (was '2')");
        ConfigException keysWithoutBucket = catchThrowableOfType(ConfigException.class,
                () -> loader(Map.of("RAPTOR_BACKUP_S3_ACCESS_KEY", "AKIA1"), true).load(null));
        assertThat(keysWithoutBucket.problems()).containsExactly(
                "RAPTOR_BACKUP_S3_ACCESS_KEY: is set, but backupS3Bucket (RAPTOR_BACKUP_S3_BUCKET) is not: name the bucket too");
    }

    @Test
    void tlsIsOffByDefaultAndTakesACertificateAndItsKeyAsANestedMapping() throws IOException {
        assertThat(loader(Map.of(), true).load(null).security().tls()).isNull();
        dev.raptor.core.testing.TestCertificates.Server cert = dev.raptor.core.testing.TestCertificates.ca(tmp.resolve("ca"), "ca")
                .server("node", "ec");
        Path f = file("""
                tls:
                  cert: %s
                  key: %s
                allowedOrigins:
                  - https://Panel.Example.com:443
                  - http://localhost:3000
                trustedProxies: [10.0.0.0/8, "::1"]
                authFailures:
                  limit: 50
                  windowSeconds: 60
                """.formatted(cert.certificate(), cert.key()));

        DaemonConfig c = loader(Map.of(), true).load(f);

        assertThat(c.apiScheme()).isEqualTo("https");
        assertThat(c.security().tls().certificate()).isEqualTo(cert.certificate());
        assertThat(c.security().tls().privateKey()).isEqualTo(cert.key());
        assertThat(c.security().allowedOrigins()).containsExactly("https://panel.example.com", "http://localhost:3000");
        assertThat(c.security().trustedProxies()).hasSize(2);
        assertThat(c.security().authLimit().limit()).isEqualTo(50);
        assertThat(c.security().authLimit().window()).isEqualTo(java.time.Duration.ofSeconds(60));
    }

    @Test
    void listSettingsTakeCommaSeparatedItemsFromTheEnvironment() {
        DaemonConfig c = loader(Map.of("RAPTOR_ALLOWED_ORIGINS", "https://a.example, https://b.example:8443",
                "RAPTOR_TRUSTED_PROXIES", "127.0.0.1"), true).load(null);

        assertThat(c.security().allowedOrigins()).containsExactly("https://a.example", "https://b.example:8443");
        assertThat(c.security().trustedProxies()).hasSize(1);
    }

    @Test
    void badSecuritySettingsAreAllNamed() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of(
                "RAPTOR_TLS_CERT", tmp.resolve("missing.pem").toString(),
                "RAPTOR_ALLOWED_ORIGINS", "https://panel.example.com/app",
                "RAPTOR_TRUSTED_PROXIES", "not-an-address",
                "RAPTOR_AUTH_FAILURE_LIMIT", "-1"), true).load(null));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("RAPTOR_TLS_CERT").contains("RAPTOR_TLS_KEY"))
                .anySatisfy(p -> assertThat(p).contains("RAPTOR_ALLOWED_ORIGINS").contains("path"))
                .anySatisfy(p -> assertThat(p).contains("RAPTOR_TRUSTED_PROXIES").contains("not-an-address"))
                .anySatisfy(p -> assertThat(p).contains("RAPTOR_AUTH_FAILURE_LIMIT"));
    }

    @Test
    void aCertificateFileThatCannotBeReadIsNamed() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of(
                "RAPTOR_TLS_CERT", tmp.resolve("missing.pem").toString(), "RAPTOR_TLS_KEY", tmp.resolve("missing.key").toString()), true)
                .load(null));

        assertThat(e.problems()).singleElement().asString().contains("RAPTOR_TLS_CERT and RAPTOR_TLS_KEY")
                .contains(tmp.resolve("missing.pem").toString());
    }

    @Test
    void anAgentsSftpLinkIsOnePortAboveItsAgentUnlessNamedAndANamedOneNeedsAnAgent() {
        String key = "k".repeat(AgentCommand.MIN_KEY_CHARS);
        DaemonConfig c = loader(Map.of("RAPTOR_SWARM_AGENTS", "worker-2=http://10.0.0.12:7090,worker-3=http://10.0.0.13:7090",
                "RAPTOR_AGENT_KEY", key, "RAPTOR_SWARM_AGENTS_SFTP", "worker-3=10.0.0.13:2222"), true).load(null);
        java.net.InetSocketAddress two = c.transfers().agentLink("worker-2", c.agents().of("worker-2"));
        java.net.InetSocketAddress three = c.transfers().agentLink("worker-3", c.agents().of("worker-3"));
        assertThat(two.getHostString() + ":" + two.getPort()).isEqualTo("10.0.0.12:7091");
        assertThat(three.getHostString() + ":" + three.getPort()).isEqualTo("10.0.0.13:2222");

        ConfigException noAgent = catchThrowableOfType(ConfigException.class, () -> loader(Map.of(
                "RAPTOR_SWARM_AGENTS", "worker-2=http://10.0.0.12:7090", "RAPTOR_AGENT_KEY", key,
                "RAPTOR_SWARM_AGENTS_SFTP", "worker-9=10.0.0.19:7091"), true).load(null));
        assertThat(String.join("\n", noAgent.problems())).contains("RAPTOR_SWARM_AGENTS_SFTP: worker-9 has no agent in RAPTOR_SWARM_AGENTS");
        ConfigException bad = catchThrowableOfType(ConfigException.class, () -> loader(Map.of(
                "RAPTOR_SWARM_AGENTS", "worker-2=http://10.0.0.12:7090", "RAPTOR_AGENT_KEY", key,
                "RAPTOR_SWARM_AGENTS_SFTP", "worker-2=10.0.0.12"), true).load(null));
        assertThat(String.join("\n", bad.problems())).contains("RAPTOR_SWARM_AGENTS_SFTP: worker-2: must be host:port");
    }
}
