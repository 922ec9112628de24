package dev.raptor.cli.e2e;

import dev.raptor.core.testing.HostPortsForTests;
import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.e2e.Raptorctl.Result;
import dev.raptor.daemon.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * raptorctl as an operator uses it: every verb run as its own process against a live raptord (on
 * the real Docker Engine), checking what it prints, its JSON and its exit code. The tests share one
 * daemon; each makes its own servers, under its own names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RaptorctlAgainstLiveDaemonTest {
    private static final Pattern UUID_LINE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final String IMAGE = "raptor-test/gameserver:1";
    private static final String DONE_LINE = "Done! For help, type \"help\"";

    private TestDaemon daemon;
    private Raptorctl ctl;

    @BeforeAll
    void bootDaemon(@TempDir Path dir) {
        daemon = TestDaemon.onEngine(dir, "raptord");
        ctl = Raptorctl.onSocket(daemon);
    }

    @AfterAll
    void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static int freePort() {
        return HostPortsForTests.free();
    }

    private Result ok(String... args) {
        Result r = ctl.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private Result okWithInput(String stdin, String... args) {
        Result r = ctl.runWithInput(stdin, args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    /** {@code run -d} a test server on a free loopback port; returns its id. */
    private String runDetached(String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "-p", "127.0.0.1:" + freePort() + ":25565",
                "--stop-command", "stop", "--ready-pattern", "Done!"));
        args.addAll(List.of(extra));
        args.add(IMAGE);
        Result r = ok(args.toArray(String[]::new));
        assertThat(r.out().strip()).matches(UUID_LINE);
        return r.out().strip();
    }

    private JsonNode inspect(String server) {
        return ok("inspect", server).json();
    }

    // ------------------------------------------------------------------------------ ps

    @Test
    void psShowsActiveServersAndAllWithA() {
        runDetached("ps-on", "--label", "team=red");
        ok("create", "--name", "ps-off", "--label", "team=blue", IMAGE);

        Result running = ok("ps");
        assertThat(running.lines().getFirst()).matches("ID +NAME +IMAGE +STATE +PORTS +CREATED");
        assertThat(running.out()).contains("ps-on").doesNotContain("ps-off");
        String row = running.lines().stream().filter(l -> l.contains("ps-on")).findFirst().orElseThrow();
        assertThat(row).matches("[0-9a-f]{8} +ps-on +raptor-test/gameserver:1 +running +127\\.0\\.0\\.1:\\d+->25565/tcp +.* ago");
        assertThat(running.out()).doesNotContain("\u001b["); // no colour off a terminal

        assertThat(ok("ps", "-a").out()).contains("ps-on").contains("ps-off");
        assertThat(ok("ps", "-a", "--filter", "state=offline").out()).contains("ps-off").doesNotContain("ps-on");
        assertThat(ok("ps", "-a", "--filter", "label=team=blue").out()).contains("ps-off").doesNotContain("ps-on");
        assertThat(ok("ps", "-a", "--filter", "name=ps-o").out()).contains("ps-off").contains("ps-on");

        JsonNode all = ok("ps", "-a", "--json").json();
        assertThat(all.isArray()).isTrue();
        assertThat(all.findValuesAsText("name")).contains("ps-on", "ps-off");
        JsonNode on = findByName(all, "ps-on");
        assertThat(on.path("state").asText()).isEqualTo("running");
        assertThat(ok("ps", "-q", "--no-trunc").lines()).contains(on.path("id").asText());
    }

    @Test
    void thePlainPsPrintsWhatTheFullVerbPrints(@TempDir Path dir) throws java.io.IOException {
        runDetached("same-on", "--label", "team=red", "-p", "127.0.0.1:" + freePort() + ":25566/udp");
        // a list larger than the daemon's output buffer, which it then sends delimited by the connection's end
        ok("create", "--name", "same-off", "-e", "FILLER=" + "x".repeat(16 * 1024), IMAGE);
        ok("create", "--name", "same-ports", "-p", "127.0.0.1:" + freePort() + ":25565", "-p", freePort() + ":25567/udp", IMAGE);
        // `ps` with plain flags is answered without picocli, the HTTP client and (but for --json) the wire records;
        // a root option (here the same socket again) sends it down the full path, which must print the very same
        String[] full = {"--socket", daemon.process().socket().toString()};
        for (List<String> args : List.of(List.of("ps"), List.of("ps", "-a"), List.of("ls", "-a", "--no-trunc"), List.of("ps", "-a", "-q"),
                List.of("ps", "-q", "--no-trunc"))) {
            String quick = ok(args.toArray(String[]::new)).out();
            String viaPicocli = ok(java.util.stream.Stream.concat(java.util.Arrays.stream(full), args.stream()).toArray(String[]::new)).out();
            assertThat(withoutAges(quick)).as("raptorctl %s", args).isEqualTo(withoutAges(viaPicocli)).isNotBlank();
        }
        String table = ok("ps", "-a", "--no-trunc").out();
        assertThat(table).contains("same-ports").containsPattern("same-on +raptor-test/gameserver:1 +running +127\\.0\\.0\\.1:\\d+->25565/tcp, "
                + "127\\.0\\.0\\.1:\\d+->25566/udp ");
        // and it really is the quick path: a table of these servers (an answer of several kilobytes) loads neither
        // picocli nor the HTTP client nor the wire records' mapper
        for (String[] args : List.of(new String[]{"ps", "-a"}, new String[]{"ps", "-q"})) {
            Path classLog = dir.resolve("classes-" + UUID.randomUUID() + ".log");
            Result traced = ctl.withJvmOptions("-Xlog:class+load:file=" + classLog).run(args);
            assertThat(traced.exit()).as(traced.toString()).isZero();
            assertThat(traced.out()).isNotBlank();
            assertThat(Files.readAllLines(classLog)).as("classes loaded by raptorctl %s", List.of(args)).isNotEmpty()
                    .noneMatch(l -> l.contains(" picocli.") || l.contains(" org.eclipse.jetty.client.")
                            || l.contains(" com.fasterxml.jackson.databind."));
        }
        JsonNode quick = ok("ps", "-a", "--json").json();
        JsonNode viaPicocli = ok("--socket", daemon.process().socket().toString(), "ps", "-a", "--json").json();
        quick.forEach(s -> ((com.fasterxml.jackson.databind.node.ObjectNode) s).remove("game")); // a live reading
        viaPicocli.forEach(s -> ((com.fasterxml.jackson.databind.node.ObjectNode) s).remove("game"));
        assertThat(quick).isEqualTo(viaPicocli);
        assertThat(quick.findValuesAsText("name")).contains("same-on", "same-off");
    }

    @Test
    void binRaptorctlRunsWithItsAotCachesMissingDamagedOrStaleAndSaysNothingOfThem(@TempDir Path tree) throws Exception {
        runDetached("launched-on");
        Path jar = checkout(tree);
        Path target = jar.getParent();
        String jdk = Files.readAllLines(Path.of(System.getProperty("java.home"), "release")).stream()
                .filter(l -> l.startsWith("JAVA_RUNTIME_VERSION=")).findFirst().orElseThrow()
                .replaceFirst("^JAVA_RUNTIME_VERSION=\"(.*)\"$", "$1").replaceAll("[^A-Za-z0-9.\n]", "_");
        Path psCache = target.resolve("raptorctl-" + jdk + "-ps.aot");
        Path verbsCache = target.resolve("raptorctl-" + jdk + ".aot");
        String expected = withoutAges(ok("ps", "-a").out());

        // missing: trained on first use (output discarded), then used
        assertThat(launched(tree, "ps", "-a")).isEqualTo(expected);
        assertThat(psCache).as("the ps cache, trained").isNotEmptyFile();
        assertThat(launched(tree, "ps", "-a")).isEqualTo(expected);
        assertThat(verbsCache).as("only the plain ps ran").doesNotExist();

        // damaged (and newer than the jar, so it is used as it is): the JVM runs without it
        Files.write(psCache, new byte[4096]);
        assertThat(launched(tree, "ps", "-a")).isEqualTo(expected);

        // stale: the jar is newer than its cache, which is trained again
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(launched(tree, "ps", "-a")).isEqualTo(expected);
        assertThat(Files.size(psCache)).as("trained again").isGreaterThan(4096);

        // the other verbs have their own cache, made and used the same way
        assertThat(launched(tree, "inspect", "launched-on")).contains("\"name\": \"launched-on\"");
        assertThat(verbsCache).isNotEmptyFile();
        Files.write(verbsCache, new byte[]{1, 2, 3});
        assertThat(launched(tree, "ps", "-a", "--filter", "name=launched")).contains("launched-on");
    }

    @Test
    void binRaptorctlPsScansNoClassPathForServicesAndStartsNoBigDecimal(@TempDir Path tree) throws Exception {
        String expected = checkoutWithItsPsCacheTrained(tree, "lean-on", "ps", "-a");
        // each of these cost a quick ps several milliseconds, interpreted: a ServiceLoader over the class path (the JDK's
        // SelectorProvider lookup, System.exit's logger lookup) opens raptorctl.jar and indexes its entries, and
        // BigDecimal's class initialiser builds tables of powers of ten (see raptor-bench/README.md)
        assertThat(classesInitialisedByLaunched(tree, expected, "ps", "-a")).as("classes initialised by bin/raptorctl ps -a")
                .anyMatch(l -> l.contains("'dev/raptor/cli/QuickPs'"))
                .noneMatch(l -> l.contains("'java/util/ServiceLoader$LazyClassPathLookupIterator'")
                        || l.contains("'jdk/internal/logger/BootstrapLogger$DetectBackend'") || l.contains("'java/math/BigDecimal'"));
    }

    @Test
    void binRaptorctlPsAsksOnAThreadOfItsOwnAndStartsNoDateFormattingOrRegex(@TempDir Path tree) throws Exception {
        String expected = checkoutWithItsPsCacheTrained(tree, "overlap-on", "ps");
        // the socket's first use starts the JDK's security providers (tens of milliseconds, interpreted): on a thread of
        // its own it overlaps the reader's and the table's start-up on main; and Instant.parse (DateTimeFormatter's
        // constants) and a split on "\r\n" (java.util.regex) were start-up costs of their own (see raptor-bench/README.md).
        // The providers' start-up reads java.security through a file channel, whose first use loads the JDK's net and nio
        // libraries (sun.nio.ch.IOUtil): main starts them first, right after the asking thread, not that thread
        assertThat(classesInitialisedByLaunched(tree, expected, "ps")).as("classes initialised by bin/raptorctl ps")
                .anyMatch(l -> l.contains("'sun/nio/ch/UnixDomainSockets'") && l.contains("by thread \"raptorctl-socket-get\""))
                .anyMatch(l -> l.contains("'java/security/Security'") && l.contains("by thread \"raptorctl-socket-get\""))
                .anyMatch(l -> l.contains("'dev/raptor/cli/api/PlainJson'") && l.contains("by thread \"main\""))
                .anyMatch(l -> l.contains("'sun/nio/ch/IOUtil'") && l.contains("by thread \"main\""))
                .noneMatch(l -> l.contains("'sun/nio/ch/IOUtil'") && !l.contains("by thread \"main\""))
                .noneMatch(l -> l.contains("'java/time/format/DateTimeFormatter'") || l.contains("'java/util/regex/Pattern'"));
    }

    @Test
    void binRaptorctlPsStartsNoThreadButTheAskingOne(@TempDir Path tree) throws Exception {
        String expected = checkoutWithItsPsCacheTrained(tree, "one-thread-on", "ps");
        // after main, the asking thread is a ps's critical path (the providers' start-up, then the daemon's answer): the
        // exchange's deadline is kept by main, which waits for the answer anyway, not by another thread started before the
        // connect (its start, and the JDK's ThreadSleepEvent read from the run-time image; see raptor-bench/README.md)
        assertThat(classesInitialisedByLaunched(tree, expected, "ps").stream().filter(l -> l.contains("by thread \""))
                .map(l -> l.replaceFirst(".*by thread \"([^\"]*)\".*", "$1")).filter(t -> t.startsWith("raptorctl-")).distinct())
                .as("raptorctl's own threads in a ps").containsExactly("raptorctl-socket-get");
    }

    @Test
    void binRaptorctlIsStartedByBashItselfNotLookedUpOnThePath(@TempDir Path tree) throws Exception {
        String expected = checkoutWithItsPsCacheTrained(tree, "named-bash-on", "ps");
        // `#!/usr/bin/env bash` starts env first, which looks bash up on the PATH: one program more per call. Named, the
        // kernel starts bash itself, so a PATH without bash (or with nothing on it) still runs the launcher
        assertThat(launched(tree, Map.of("PATH", tree.resolve("nothing-here").toString()), "ps")).isEqualTo(expected);
    }

    @Test
    void binRaptorctlPsLinksNoCallSiteAtRunTimeWhateverTheServersAges(@TempDir Path tree) throws Exception {
        String expected = checkoutWithItsPsCacheTrained(tree, "aged-on", "ps");
        // the CREATED column's age is a string concatenation per branch (seconds, minutes, hours, days...), each a call
        // site linked on first use: a bootstrap (method handles combined, interpreted) after the daemon's answer unless
        // the ps cache's training linked it. Its canned list has fixed dates, so it reached one branch or another by the
        // day it ran; this server is seconds or minutes old, as an operator's new servers (and the bench's) are
        assertThat(expected).contains("aged-on");
        assertThat(classesInitialisedByLaunched(tree, expected, "ps")).as("classes initialised by bin/raptorctl ps")
                .anyMatch(l -> l.contains("'dev/raptor/cli/output/Human'"))
                .noneMatch(l -> l.contains("'java/lang/invoke/BootstrapMethodInvoker'"));
    }

    @Test
    void binRaptorctlPsClosesItsSocketWithoutStartingTheJdksNetworking(@TempDir Path tree) throws Exception {
        String expected = checkoutWithItsPsCacheTrained(tree, "closed-on", "ps");
        // closing a connected channel in blocking mode asks sun.nio.ch.Net whether to shut its output down first, whose
        // start-up (InetAddress, the extended socket options) a Unix socket read to its end has no use for
        assertThat(classesInitialisedByLaunched(tree, expected, "ps")).as("classes initialised by bin/raptorctl ps")
                .anyMatch(l -> l.contains("'sun/nio/ch/SocketChannelImpl'"))
                .noneMatch(l -> l.contains("'sun/nio/ch/Net'") || l.contains("'java/net/InetAddress'"));
    }

    @Test
    void binRaptorctlMapsItsAotCacheWhereItWasMadeToBe(@TempDir Path tree) throws Exception {
        String expected = checkoutWithItsPsCacheTrained(tree, "mapped-on", "ps");
        // mapped elsewhere (the JDK's default), every pointer in the cache is rewritten before main: all of it touched
        Path aotLog = tree.resolve("aot.log");
        assertThat(launched(tree, Map.of("RAPTORCTL_JAVA_OPTS", "-Xlog:aot=info:file=" + aotLog), "ps")).isEqualTo(expected);
        assertThat(Files.readAllLines(aotLog)).as("the AOT cache's mapping by bin/raptorctl ps")
                .anyMatch(l -> l.contains("Opened AOT cache"))
                .anyMatch(l -> l.contains("Mapped static  region #0"))
                .noneMatch(l -> l.contains("alternative address"));
    }

    @Test
    void binRaptorctlPsLoadsNoClassOfItsCachesTrainingScaffolding(@TempDir Path tree) throws Exception {
        String expected = checkoutWithItsPsCacheTrained(tree, "lean-cache-on", "ps");
        // a JVM loads every class of its AOT cache at start, needed or not: what the ps cache's training used for itself
        // (an exit logged to System.Logger, a temporary directory named by a SecureRandom and its SHA-1 digests, a lambda)
        // was loaded by every ps, some 60 classes and half a megabyte of cache (see raptor-bench/README.md)
        List<String> loaded = logOfLaunched(tree, expected, "class+load", "ps");
        assertThat(loaded).as("classes loaded by bin/raptorctl ps")
                .anyMatch(l -> l.contains("dev.raptor.cli.QuickPs ") && l.contains("shared objects file"))
                .noneMatch(l -> l.contains("jdk.internal.logger.BootstrapLogger ") || l.contains("java.nio.file.TempFileHelper ")
                        || l.contains("java.security.MessageDigest ") || l.contains("dev.raptor.cli.QuickPsTraining$$Lambda"));
    }

    @Test
    void binRaptorctlReplaysNoTrainingItsCachesDoNotHold(@TempDir Path tree) throws Exception {
        String expected = checkoutWithItsPsCacheTrained(tree, "no-replay-on", "ps");
        // the caches are trained without method profiles (-XX:-AOTRecordTraining), and a JVM given one still starts a
        // "Training replay" thread that every class initialisation notifies (~1 ms of CPU of a ps, a third thread)
        String flags = launched(tree, Map.of("RAPTORCTL_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "ps");
        assertThat(flags).as("bin/raptorctl ps's final JVM flags").containsPattern("bool AOTReplayTraining += +false ")
                .endsWith(expected);
    }

    @Test
    void binRaptorctlPsLeavesTheCodeOfAShortListToTheInterpreter(@TempDir Path tree) throws Exception {
        String expected = checkoutWithItsPsCacheTrained(tree, "interpreted-on", "ps");
        // C1 compiles a method once it has run a few hundred times: in a ps of a few servers that was ~90 methods (the JDK's
        // start-up, the security providers', the reader's), compiled on a third thread beside the run's two on two cores, for
        // code whose work was done by then: ~10 ms of CPU. The launcher scales the thresholds for ps; the JVM's own
        // thresholds (scaling 1, given after the launcher's options) compile more than twice as many. Compiling in the
        // foreground makes each count the same on every run: the run waits for every compilation it asks for
        String compilations = " -XX:-BackgroundCompilation -Xlog:jit+compilation=debug:file=";
        Path quick = tree.resolve("compiled-by-ps.log");
        Path defaults = tree.resolve("compiled-with-the-jvms-thresholds.log");
        assertThat(launched(tree, Map.of("RAPTORCTL_JAVA_OPTS", compilations + quick), "ps")).isEqualTo(expected);
        assertThat(launched(tree, Map.of("RAPTORCTL_JAVA_OPTS", "-XX:CompileThresholdScaling=1" + compilations + defaults), "ps"))
                .isEqualTo(expected);
        assertThat(compiledMethods(quick)).as("methods compiled by bin/raptorctl ps (with the JVM's thresholds: %s)",
                compiledMethods(defaults)).isPositive().isLessThan(compiledMethods(defaults) / 2);
    }

    /** The lines of a class-initialisation log of {@code tree/bin/raptorctl args}, after checking that it printed {@code expected}. */
    private List<String> classesInitialisedByLaunched(Path tree, String expected, String... args) throws Exception {
        return logOfLaunched(tree, expected, "class+init", args);
    }

    /** The lines of the JVM's {@code tags} log (e.g. {@code class+load}) of {@code tree/bin/raptorctl args}, which printed {@code expected}. */
    private List<String> logOfLaunched(Path tree, String expected, String tags, String... args) throws Exception {
        Path log = Files.createTempFile(tree, tags.replace('+', '-'), ".log");
        assertThat(launched(tree, Map.of("RAPTORCTL_JAVA_OPTS", "-Xlog:" + tags + "=info:file=" + log), args)).isEqualTo(expected);
        return Files.readAllLines(log);
    }

    /** The Java methods a run compiled, from its {@code jit+compilation} log (native wrappers are not compilations of code). */
    private static long compiledMethods(Path log) throws java.io.IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains("[jit,compilation]") && !l.contains("(native)")).count();
    }

    /**
     * A server {@code name} running, and a checkout of its own in {@code tree} whose ps AOT cache a first
     * {@code bin/raptorctl args} trained; returns what that ps printed (ages aside), the same as raptorctl in this process.
     */
    private String checkoutWithItsPsCacheTrained(Path tree, String name, String... args) throws Exception {
        runDetached(name);
        checkout(tree);
        String expected = withoutAges(ok(args).out());
        assertThat(launched(tree, args)).isEqualTo(expected);
        return expected;
    }

    /** A checkout of its own in {@code tree}: the launcher, the JDK finder, and a raptorctl.jar of this build's classes (returned). */
    private static Path checkout(Path tree) throws java.io.IOException {
        Path repo = Path.of(Raptorctl.cliClassPath().split(java.io.File.pathSeparator)[0]).resolve("../../..").normalize();
        Files.createDirectories(tree.resolve("bin"));
        Files.createDirectories(tree.resolve("scripts"));
        Files.copy(repo.resolve("bin/raptorctl"), tree.resolve("bin/raptorctl"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(repo.resolve("scripts/java-home.sh"), tree.resolve("scripts/java-home.sh"));
        Path jar = Files.createDirectories(tree.resolve("raptor-cli/target")).resolve("raptorctl.jar");
        writeJar(jar);
        return jar;
    }

    /** {@code tree/bin/raptorctl args} on this daemon's socket: its standard output, after checking it said nothing else. */
    private String launched(Path tree, String... args) throws Exception {
        return launched(tree, Map.of(), args);
    }

    /** The same with {@code env} added to the launcher's environment. */
    private String launched(Path tree, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tree.resolve("bin/raptorctl").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("RAPTOR") || k.equals("NO_COLOR"));
        pb.environment().put("RAPTOR_SOCKET", daemon.process().socket().toString());
        pb.environment().putAll(env);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path err = Files.createTempFile(tree, "stderr", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("bin/raptorctl %s ended", List.of(args)).isTrue();
        assertThat(Files.readString(err)).as("bin/raptorctl %s: standard error", List.of(args)).isEmpty();
        assertThat(p.exitValue()).as("bin/raptorctl %s: exit code; output %s", List.of(args), out).isZero();
        return withoutAges(out);
    }

    /** A jar of raptorctl's classes whose manifest puts its dependencies' jars on the class path, as the real one holds them. */
    private static void writeJar(Path jar) throws java.io.IOException {
        String[] path = Raptorctl.cliClassPath().split(java.io.File.pathSeparator);
        Path classes = Path.of(path[0]);
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        StringBuilder classPath = new StringBuilder();
        for (int i = 1; i < path.length; i++) {
            classPath.append(i > 1 ? " " : "").append(Path.of(path[i]).toUri());
        }
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, classPath.toString());
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest);
             var files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    /** The CREATED column counts on between two runs: "12 seconds ago" and "13 seconds ago" compare equal. */
    private static String withoutAges(String table) {
        return table.replaceAll("(Less than a second|About an? \\w+|\\d+ \\w+) ago", "N ago").replaceAll(" +", " ");
    }

    private static JsonNode findByName(JsonNode list, String name) {
        for (JsonNode s : list) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no server " + name + " in " + list);
    }

    // ------------------------------------------------------------------------------ create / run

    @Test
    void runDetachedSendsEveryOptionInTheServerDocument() {
        int primary = freePort();
        int query = primary + 1;
        String id = ok("run", "-d", "--name", "run-all", "-p", "127.0.0.1:" + primary + ":25565",
                "-p", "127.0.0.1:" + query + ":25566/udp", "-e", "MOTD=hello world", "-e", "BOOT_DELAY=0",
                "-m", "512m", "--cpus", "1.5", "--stop-command", "stop", "--stop-timeout", "20s",
                "--restart", "on-failure:5", "--label", "team=green", "--ready-pattern", "Done!", IMAGE).out().strip();
        assertThat(id).matches(UUID_LINE);

        JsonNode doc = inspect("run-all");
        assertThat(doc.path("id").asText()).isEqualTo(id);
        assertThat(doc.path("state").asText()).isEqualTo("running");
        assertThat(doc.at("/limits/memoryMiB").asLong()).isEqualTo(512);
        assertThat(doc.at("/limits/cpuPercent").asInt()).isEqualTo(150);
        assertThat(doc.at("/stop/type").asText()).isEqualTo("command");
        assertThat(doc.at("/stop/value").asText()).isEqualTo("stop");
        assertThat(doc.at("/stop/timeoutSeconds").asInt()).isEqualTo(20);
        assertThat(doc.at("/restart/policy").asText()).isEqualTo("on-failure");
        assertThat(doc.at("/restart/maxRetries").asInt()).isEqualTo(5);
        assertThat(doc.at("/environment/MOTD").asText()).isEqualTo("hello world");
        assertThat(doc.at("/labels/team").asText()).isEqualTo("green");
        assertThat(doc.at("/allocations/0/port").asInt()).isEqualTo(primary);
        assertThat(doc.at("/allocations/0/primary").asBoolean()).isTrue();
        assertThat(doc.at("/allocations/1/port").asInt()).isEqualTo(query);
        assertThat(doc.at("/allocations/1/containerPort").asInt()).isEqualTo(25566);
        assertThat(doc.at("/allocations/1/protocol").asText()).isEqualTo("udp");
        assertThat(doc.at("/allocations/1/primary").asBoolean()).isFalse();
    }

    @Test
    void createMakesAnOfflineServerWithATierAndAStartupCommand() {
        Result r = ok("create", "--name", "created", "--tier", "small", "--cpus", "0.5", "--startup", "/gameserver.sh", IMAGE);
        String id = r.out().strip();
        assertThat(id).matches(UUID_LINE);
        JsonNode doc = inspect(id.substring(0, 13)); // a unique id prefix resolves
        assertThat(doc.path("name").asText()).isEqualTo("created");
        assertThat(doc.path("state").asText()).isEqualTo("offline");
        assertThat(doc.path("startup").asText()).isEqualTo("/gameserver.sh");
        assertThat(doc.at("/limits/memoryMiB").asLong()).isEqualTo(1024); // from the small tier
        assertThat(doc.at("/limits/cpuPercent").asInt()).isEqualTo(50);   // explicit beats the tier
    }

    @Test
    void runWithoutDetachAttachesToTheConsole() {
        Result r = okWithInput("say attached-run\n", "run", "--name", "run-attached", "-p", "127.0.0.1:" + freePort() + ":25565",
                "--stop-command", "stop", IMAGE);
        assertThat(r.out()).contains(DONE_LINE).contains("[Server] attached-run");
        assertThat(inspect("run-attached").path("state").asText()).as("detaching leaves it running").isEqualTo("running");
    }

    // ------------------------------------------------------------------------------ power

    @Test
    void powerVerbsWaitForTheOutcomeAndTakeSeveralServers() {
        runDetached("pw-a");
        runDetached("pw-b");

        assertThat(ok("stop", "pw-a", "pw-b").lines()).containsExactly("pw-a", "pw-b");
        assertThat(inspect("pw-a").path("state").asText()).isEqualTo("offline");
        assertThat(inspect("pw-b").path("state").asText()).isEqualTo("offline");

        assertThat(ok("start", "pw-a").lines()).containsExactly("pw-a");
        assertThat(inspect("pw-a").path("state").asText()).isEqualTo("running");

        ok("restart", "pw-a");
        assertThat(inspect("pw-a").path("state").asText()).isEqualTo("running");

        ok("kill", "pw-a");
        assertThat(inspect("pw-a").path("state").asText()).isEqualTo("offline");

        assertThat(ok("start", "--no-wait", "pw-b").lines()).containsExactly("pw-b");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(inspect("pw-b").path("state").asText()).isEqualTo("running"));
    }

    @Test
    void aFailureOnOneServerStillActsOnTheOthers() {
        runDetached("pw-c");
        Result r = ctl.run("stop", "no-such-server", "pw-c");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(r.out().lines()).containsExactly("pw-c");
        assertThat(r.err()).contains("no-such-server");
        assertThat(inspect("pw-c").path("state").asText()).isEqualTo("offline");
    }

    @Test
    void rmDeletesAndForceKillsARunningServer() {
        runDetached("rm-running");
        ok("create", "--name", "rm-offline", IMAGE);
        assertThat(ok("rm", "rm-offline").lines()).containsExactly("rm-offline");
        assertThat(ok("rm", "-f", "rm-running").lines()).containsExactly("rm-running");
        assertThat(ok("ps", "-a").out()).doesNotContain("rm-running").doesNotContain("rm-offline");
        Result again = ctl.run("rm", "rm-running");
        assertThat(again.exit()).as(again.toString()).isEqualTo(ExitCode.NOT_FOUND);
    }

    // ------------------------------------------------------------------------------ backup

    @Test
    void backupVerbsCreateListDownloadRestoreAndRemove() throws Exception {
        String id = runDetached("bk");
        java.nio.file.Path root = daemon.dir().resolve("data/volumes").resolve(id);
        java.nio.file.Files.writeString(root.resolve("world.dat"), "saved");

        String bid = ok("backup", "create", "--name", "first", "--ignore", "logs/", "bk").out().strip();
        assertThat(bid).matches(UUID_LINE);
        assertThat(ok("backup", "ls", "bk").out()).contains(bid).contains("first").contains("completed")
                .contains("No backup schedule: backups are made on request only.");
        JsonNode listed = ok("backup", "ls", "--json", "bk").json();
        assertThat(listed.path("backups").get(0).path("sha256").asText()).hasSize(64);
        assertThat(listed.has("nextBackupAt")).isTrue();
        assertThat(listed.path("nextBackupAt").isNull()).isTrue(); // no schedule

        java.nio.file.Files.writeString(root.resolve("world.dat"), "changed");
        java.nio.file.Files.writeString(root.resolve("extra.txt"), "gone after a truncating restore");
        assertThat(ok("backup", "restore", "--truncate", "bk", bid).lines()).containsExactly(bid);
        assertThat(java.nio.file.Files.readString(root.resolve("world.dat"))).isEqualTo("saved");
        assertThat(root.resolve("extra.txt")).doesNotExist();
        assertThat(inspect("bk").path("state").asText()).isEqualTo("running");

        java.nio.file.Path saved = daemon.dir().resolve("bk.tar.zst");
        ok("backup", "download", "bk", bid, saved.toString());
        byte[] head = java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(saved), 4);
        assertThat(head).containsExactly(0x28, 0xb5, 0x2f, 0xfd); // a zstd frame

        String imported = ok("backup", "import", "--name", "brought back", "bk", saved.toString()).out().strip();
        assertThat(imported).matches(UUID_LINE).isNotEqualTo(bid);
        assertThat(ok("backup", "ls", "bk").out()).contains(imported).contains("brought back");
        Result notAnArchive = ctl.run("backup", "import", "bk", root.resolve("world.dat").toString());
        assertThat(notAnArchive.exit()).as(notAnArchive.toString()).isNotZero();
        assertThat(notAnArchive.err()).contains("Not an archive", "world.dat");

        assertThat(ok("backup", "rm", "bk", bid).lines()).containsExactly(bid);
        assertThat(ok("backup", "ls", "bk").out()).doesNotContain(bid);
        Result missing = ctl.run("backup", "restore", "bk", bid);
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(ExitCode.NOT_FOUND);
        ok("rm", "-f", "bk");
    }

    @Test
    void backupLsTellsWhenTheNextScheduledBackupStartsAsUpdateSetsAndDropsTheSchedule() {
        ok("create", "--name", "bk-sched", "--stop-command", "stop", IMAGE);
        Instant before = Instant.now();

        assertThat(ok("update", "--backup-schedule", "0 4 * * *", "bk-sched").lines()).containsExactly("bk-sched");
        assertThat(inspect("bk-sched").path("backups").path("schedule").asText()).isEqualTo("0 4 * * *");
        Pattern next = Pattern.compile("Next scheduled backup: (\\S+) \\(schedule \"0 4 \\* \\* \\*\", time zone (\\S+)\\)");
        // the daemon's scheduler follows the change a moment after it
        Matcher m = await().atMost(Duration.ofSeconds(60)).until(() -> next.matcher(ok("backup", "ls", "bk-sched").out()), Matcher::find);
        Instant at = Instant.parse(m.group(1));
        java.time.ZonedDateTime local = at.atZone(java.time.ZoneId.of(m.group(2)));
        assertThat(List.of(local.getHour(), local.getMinute(), local.getSecond())).as(local.toString()).containsExactly(4, 0, 0);
        assertThat(at).isAfter(before).isBefore(before.plus(Duration.ofHours(25))); // the next 04:00 there (25: across a DST change)

        ok("update", "--no-backup-schedule", "bk-sched");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ok("backup", "ls", "bk-sched").out())
                .contains("No backup schedule: backups are made on request only."));
        Result both = ctl.run("update", "--backup-schedule", "@daily", "--no-backup-schedule", "bk-sched");
        assertThat(both.exit()).as(both.toString()).isEqualTo(ExitCode.USAGE);
        Result bad = ctl.run("update", "--backup-schedule", "61 * * * *", "bk-sched");
        assertThat(bad.exit()).as(bad.toString()).isNotZero();
        assertThat(bad.err()).contains("backups.schedule");
        ok("rm", "bk-sched");
    }

    @Test
    void createAndRunTakeABackupScheduleAndBackupLsJsonTellsTheNextScheduledBackup() {
        Instant before = Instant.now();
        String created = ok("create", "--name", "bk-create", "--backup-schedule", "@every 6h", IMAGE).out().strip();
        assertThat(inspect(created).path("backups").path("schedule").asText()).isEqualTo("@every 6h");
        String ran = runDetached("bk-run", "--backup-schedule", "0 4 * * *");
        assertThat(inspect(ran).path("backups").path("schedule").asText()).isEqualTo("0 4 * * *");

        JsonNode list = await().atMost(Duration.ofSeconds(60)).until(() -> ok("backup", "ls", "--json", "bk-create").json(),
                j -> !j.path("nextBackupAt").isNull() && !j.path("nextBackupAt").isMissingNode());
        assertThat(list.path("schedule").asText()).isEqualTo("@every 6h");
        assertThat(list.path("backups").isArray()).isTrue();
        Instant next = Instant.parse(list.path("nextBackupAt").asText());
        assertThat(next).isAfter(before).isBefore(Instant.now().plus(Duration.ofHours(6)).plusSeconds(60));
        JsonNode runList = await().atMost(Duration.ofSeconds(60)).until(() -> ok("backup", "ls", "--json", "bk-run").json(),
                j -> !j.path("nextBackupAt").isNull() && !j.path("nextBackupAt").isMissingNode());
        assertThat(runList.path("schedule").asText()).isEqualTo("0 4 * * *");
        assertThat(Instant.parse(runList.path("nextBackupAt").asText())).isAfter(before).isBefore(before.plus(Duration.ofHours(25)));

        Result both = ctl.run("create", "--backup-schedule", "@daily", "--no-backup-schedule", IMAGE);
        assertThat(both.exit()).as(both.toString()).isEqualTo(ExitCode.USAGE);
        Result bad = ctl.run("create", "--name", "bk-bad", "--backup-schedule", "61 * * * *", IMAGE);
        assertThat(bad.exit()).as(bad.toString()).isNotZero();
        assertThat(bad.err()).contains("backups.schedule");
        assertThat(ok("ps", "-a").out()).doesNotContain("bk-bad");
        ok("rm", "-f", "bk-create", "bk-run");
    }

    @Test
    void backupDownloadRefusesAnArchiveWhoseChecksumIsNotTheBackupsAndWritesNothing() throws Exception {
        String id = runDetached("bk-tampered");
        java.nio.file.Files.writeString(daemon.dir().resolve("data/volumes").resolve(id).resolve("world.dat"), "saved");
        String bid = ok("backup", "create", "bk-tampered").out().strip();
        java.nio.file.Path stored = daemon.dir().resolve("data/backups").resolve(id).resolve(bid + ".tar.zst");
        byte[] archive = java.nio.file.Files.readAllBytes(stored);
        archive[archive.length / 2] ^= 0x01; // the storage's copy changed under the daemon: same size, other bytes
        java.nio.file.Files.write(stored, archive);

        java.nio.file.Path target = daemon.dir().resolve("tampered.tar.zst");
        Result r = ctl.run("backup", "download", "bk-tampered", bid, target.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err()).contains("SHA-256");
        assertThat(target).doesNotExist();
        try (var left = java.nio.file.Files.list(daemon.dir())) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
        ok("rm", "-f", "bk-tampered");
    }

    // ------------------------------------------------------------------------------ inspect / update

    @Test
    void updateChangesLimitsAllocationsAndEnvironmentAgainstTheVersion() {
        String id = runDetached("upd", "-e", "KEEP=1", "-e", "DROP=1");
        JsonNode before = inspect(id);
        int port = freePort();
        Result r = ok("update", "upd", "-m", "1g", "--cpus", "2", "-p", "127.0.0.1:" + port + ":25565", "-e", "MOTD=new",
                "--unset-env", "DROP");
        assertThat(r.lines()).containsExactly("upd");
        JsonNode after = inspect(id);
        assertThat(after.path("version").asLong()).isGreaterThan(before.path("version").asLong());
        assertThat(after.at("/limits/memoryMiB").asLong()).isEqualTo(1024);
        assertThat(after.at("/limits/cpuPercent").asInt()).isEqualTo(200);
        assertThat(after.at("/allocations/0/port").asInt()).isEqualTo(port);
        assertThat(after.at("/environment/MOTD").asText()).isEqualTo("new");
        assertThat(after.at("/environment/KEEP").asText()).isEqualTo("1");
        assertThat(after.path("environment").has("DROP")).isFalse();

        JsonNode json = ok("update", "upd", "--cpus", "1", "--json").json();
        assertThat(json.at("/limits/cpuPercent").asInt()).isEqualTo(100);

        long current = json.path("version").asLong();
        Result stale = ctl.run("update", "upd", "--if-version", String.valueOf(current - 1), "-m", "2g");
        assertThat(stale.exit()).as("a version that moved on is a conflict: " + stale).isEqualTo(ExitCode.CONFLICT);
        assertThat(inspect("upd").at("/limits/memoryMiB").asLong()).isEqualTo(1024);
        ok("update", "upd", "--if-version", String.valueOf(current), "-m", "2g");
        assertThat(inspect("upd").at("/limits/memoryMiB").asLong()).isEqualTo(2048);
    }

    // ------------------------------------------------------------------------------ logs / attach

    @Test
    void logsPrintsTheConsoleAsTextOrJson() {
        runDetached("logs-a");
        Result all = ok("logs", "logs-a");
        assertThat(all.out()).contains("[Boot] Starting raptor test server").contains(DONE_LINE);
        assertThat(ok("logs", "--tail", "1", "logs-a").lines()).containsExactly(DONE_LINE);
        JsonNode json = ok("logs", "--json", "logs-a").json();
        assertThat(json.isArray()).isTrue();
        assertThat(json.get(json.size() - 1).asText()).isEqualTo(DONE_LINE);
    }

    @Test
    void logsFollowStreamsNewOutputUntilInterrupted() throws Exception {
        runDetached("logs-f");
        Process follow = ctl.start("logs", "-f", "--tail", "1", "logs-f");
        try {
            Raptorctl.Lines lines = new Raptorctl.Lines(follow);
            lines.await(DONE_LINE::equals, Duration.ofSeconds(30), "history line");
            okWithInput("say followed\n", "attach", "logs-f");
            lines.await("[Server] followed"::equals, Duration.ofSeconds(30), "followed line");
            assertThat(follow.isAlive()).as("logs -f keeps following").isTrue();
        } finally {
            follow.destroy();
            follow.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(inspect("logs-f").path("state").asText()).isEqualTo("running");
    }

    @Test
    void attachSendsTypedLinesAsCommandsAndDetachesWithoutStopping() {
        runDetached("att");
        Result r = okWithInput("say hi\n", "attach", "att");
        assertThat(r.lines()).contains("[Server] hi");
        assertThat(inspect("att").path("state").asText()).isEqualTo("running");
    }

    @Test
    void attachToAnOfflineServerIsAConflict() {
        ok("create", "--name", "att-off", IMAGE);
        Result r = ctl.runWithInput("", "attach", "att-off");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.CONFLICT);
        assertThat(r.err()).contains("offline");
    }

    // ------------------------------------------------------------------------------ stats / activity / token / system

    @Test
    void statsPrintsOneTableOrJsonWithNoStream() {
        runDetached("stats-a");
        Result table = ok("stats", "--no-stream", "stats-a");
        assertThat(table.lines().getFirst()).matches("ID +NAME +STATE +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +PIDS +UPTIME");
        assertThat(table.lines().get(1)).contains("stats-a").contains("running").containsPattern("\\d+(\\.\\d+)?%");

        JsonNode json = ok("stats", "--no-stream", "--json").json();
        assertThat(json.isArray()).isTrue();
        JsonNode mine = findByName(json, "stats-a");
        assertThat(mine.at("/stats/memoryBytes").asLong()).isPositive();
    }

    @Test
    void statsStreamsATablePerIntervalWhenPiped() throws Exception {
        runDetached("stats-b");
        Process p = ctl.start("stats", "--interval", "500ms", "stats-b");
        try {
            Raptorctl.Lines lines = new Raptorctl.Lines(p);
            lines.await(l -> l.startsWith("ID "), Duration.ofSeconds(30), "first table");
            lines.await(l -> l.contains("stats-b"), Duration.ofSeconds(30), "first row");
            lines.await(l -> l.startsWith("ID "), Duration.ofSeconds(30), "second table");
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void topShowsTheFleetBusiestFirstWithASummaryLine() {
        runDetached("top-a");
        ok("create", "--name", "top-idle", IMAGE);
        Result frame = ok("top", "-n", "1");
        List<String> lines = frame.lines();
        assertThat(lines.getFirst()).matches("\\d+ servers?, \\d+ running; CPU .*%, memory .*, players \\d+");
        assertThat(lines.get(1)).matches("NAME +STATE +CPU % +MEM USAGE / LIMIT +NET I/O +PLAYERS +UPTIME +ID");
        int running = indexOfRowNamed(lines, "top-a");
        int idle = indexOfRowNamed(lines, "top-idle");
        assertThat(running).as("running servers come first").isLessThan(idle);
        assertThat(lines.get(running)).contains("running").containsPattern("\\d+(\\.\\d+)?%");
        assertThat(lines.get(idle)).contains("offline");

        Result two = ok("top", "-n", "2", "--interval", "200ms");
        assertThat(two.lines()).filteredOn(l -> l.startsWith("NAME ")).hasSize(2);
    }

    private static int indexOfRowNamed(List<String> lines, String name) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(name + " ")) {
                return i;
            }
        }
        throw new AssertionError("no row for " + name + " in\n" + String.join("\n", lines));
    }

    @Test
    void activityShowsWhatHappenedToAServer() {
        runDetached("act");
        ok("stop", "act");
        Result table = ok("activity", "act");
        assertThat(table.lines().getFirst()).matches("WHEN +TYPE +MESSAGE");
        assertThat(table.out()).contains("power.start").contains("power.stop").contains("create");
        JsonNode json = ok("activity", "--json", "act").json();
        assertThat(json.path("entries").findValuesAsText("type")).contains("create", "power.start", "power.stop");
    }

    @Test
    void tokenIssuesASignedServerToken() {
        ok("create", "--name", "tok", IMAGE);
        Result plain = ok("token", "tok", "--perm", "console.read,console.write", "--ttl", "5m");
        assertThat(plain.out().strip()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        JsonNode json = ok("token", "tok", "--perm", "power", "--json").json();
        assertThat(json.path("token").asText()).isNotBlank();
        assertThat(json.path("permissions").toString()).contains("power");
        assertThat(json.path("expiresAt").asText()).isNotBlank();

        Result badPerm = ctl.run("token", "tok", "--perm", "root");
        assertThat(badPerm.exit()).as(badPerm.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(badPerm.err()).contains("permissions");
        Result tooLong = ctl.run("token", "tok", "--perm", "power", "--ttl", "1h");
        assertThat(tooLong.exit()).as(tooLong.toString()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void systemInfoDescribesTheNode() {
        Result text = ok("system", "info");
        assertThat(text.out()).contains("Runtime: docker").contains("Version:");
        JsonNode json = ok("system", "info", "--json").json();
        assertThat(json.path("runtime").asText()).isEqualTo("docker");
    }

    @Test
    void nodesListsTheEnginesMachineWithTheServersOnItAndTheirPorts() {
        int port = freePort();
        String id = ok("create", "--name", "nodes-ctl", "-p", "127.0.0.1:" + port + ":25565", "-m", "300m", IMAGE).out().strip();

        Result text = ok("nodes");
        assertThat(text.out()).startsWith("NODE").contains("STATE").contains("MEM FREE").contains("ready")
                .contains(port + "/tcp").contains("nodes-ctl (offline)");
        JsonNode json = ok("nodes", "--json").json();
        assertThat(json.path("nodes")).hasSize(1);
        JsonNode node = json.path("nodes").get(0);
        assertThat(node.path("state").asText()).isEqualTo("ready");
        assertThat(node.path("cpus").asInt()).isPositive();
        assertThat(node.path("memoryLimitsBytes").asLong()).isGreaterThanOrEqualTo(300L * 1024 * 1024);
        assertThat(node.path("servers").findValuesAsText("id")).contains(id);
        assertThat(node.path("ports").findValuesAsText("serverId")).contains(id);
        assertThat(ok("nodes", "--help").out()).contains("Usage: raptorctl nodes").contains("--json").contains("node-unavailable");
        ok("rm", id);
    }

    @Test
    void transferOnOneMachineIsRefusedNamingTheNodeAndItsHelpSaysWhatItDoes() {
        String id = ok("create", "--name", "transfer-ctl", IMAGE).out().strip();

        Result refused = ctl.run("transfer", "transfer-ctl", "worker-2");

        assertThat(refused.exit()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("node").contains("one machine");
        assertThat(ok("transfer", "--help").out()).contains("Usage: raptorctl transfer").contains("SERVER").contains("NODE")
                .contains("SHA-256").contains("--no-wait");
        ok("rm", id);
    }

    // ------------------------------------------------------------------------------ state

    @Test
    void stateExportAndImportRoundTripAndTakeLegacyContainersJson() throws Exception {
        ok("create", "--name", "exp-1", "-m", "768m", IMAGE);
        Path file = daemon.dir().resolve("export.json");
        Result exported = ok("state", "export", file.toString());
        assertThat(exported.out()).contains("exported");
        JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        assertThat(doc.path("servers").findValuesAsText("name")).contains("exp-1");

        // The daemon is shared by this class: keep only exp-1 in the document, the server this test removes.
        com.fasterxml.jackson.databind.node.ArrayNode servers = (com.fasterxml.jackson.databind.node.ArrayNode) doc.path("servers");
        for (int i = servers.size() - 1; i >= 0; i--) {
            if (!"exp-1".equals(servers.get(i).at("/spec/name").asText())) {
                servers.remove(i);
            }
        }
        Files.writeString(file, doc.toString());

        ok("rm", "exp-1");
        Result imported = ok("state", "import", file.toString());
        assertThat(imported.out()).contains("imported");
        assertThat(inspect("exp-1").at("/limits/memoryMiB").asLong()).isEqualTo(768);

        Result again = ctl.run("state", "import", file.toString());
        assertThat(again.exit()).as("importing existing servers without --replace: " + again).isEqualTo(ExitCode.CONFLICT);

        Path legacy = daemon.dir().resolve("containers.json");
        Files.writeString(legacy, """
                [{"name": "legacy-survival", "docker_id": "4f9c", "image": "raptor-test/gameserver:1",
                  "stop_command": "stop", "allocation": {"ip": "127.0.0.1", "port": %d},
                  "resources": {"memory_limit": 640, "cpu_limit": 100, "disk_limit": 0, "swap_limit": 0, "io_weight": 500},
                  "environment": {"EULA": "TRUE"}}]""".formatted(freePort()));
        ok("state", "import", legacy.toString());
        JsonNode legacyDoc = inspect("legacy-survival");
        assertThat(legacyDoc.at("/limits/memoryMiB").asLong()).isEqualTo(640);
        assertThat(legacyDoc.at("/stop/value").asText()).isEqualTo("stop");
    }

    /**
     * The earlier daemon kept its FTP logins in ftp_credentials.json, keyed by container id: imported after its
     * containers.json, each becomes an SFTP/FTP user of the server that container became, and the old password
     * logs in over SFTP. A file with one bad entry imports none and names it.
     */
    @Test
    void legacyFtpCredentialsBecomeSftpUsersWhoseOldPasswordLogsIn() throws Exception {
        Path containers = daemon.dir().resolve("ftp-containers.json");
        Files.writeString(containers, """
                [{"name": "legacy-ftp", "image": "raptor-test/gameserver:1", "stop_command": "stop",
                  "allocation": {"ip": "127.0.0.1", "port": %d}}]""".formatted(freePort()));
        ok("state", "import", containers.toString());
        String id = inspect("legacy-ftp").path("id").asText();
        String hash = org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2b", "old ftp password".toCharArray(),
                new byte[16], 4);

        Path bad = daemon.dir().resolve("ftp_credentials-bad.json");
        Files.writeString(bad, """
                {"credentials": {
                  "legacy-ftp": {"username": "owner", "password_hash": "%s"},
                  "ghost-container": {"username": "ghost", "password_hash": "%s"}}}""".formatted(hash, hash));
        Result refused = ctl.run("state", "import", bad.toString());
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(refused.err()).contains("credentials.ghost-container").contains("ghost-container");
        assertThat(ok("sftp-user", "ls", "legacy-ftp").out()).doesNotContain("owner");

        Path file = daemon.dir().resolve("ftp_credentials.json");
        Files.writeString(file, """
                {"credentials": {"legacy-ftp": {"username": "owner.%s", "password_hash": "%s"}}}"""
                .formatted(id.substring(0, 8), hash));
        Result imported = ok("state", "import", file.toString());
        String login = "owner." + id.substring(0, 8);
        assertThat(imported.out()).isEqualTo("imported 1 SFTP/FTP user (legacy ftp credentials)\n  " + login + "\n");
        assertThat(ok("sftp-user", "ls", "legacy-ftp").out()).contains("owner");
        Result again = ctl.run("state", "import", "--replace", file.toString());
        assertThat(again.exit()).as(again.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(again.err()).contains("credentials.legacy-ftp").contains("already has a user named owner");

        java.util.regex.Matcher sftp = Pattern.compile("sftp://127\\.0\\.0\\.1:(\\d+)").matcher(daemon.process().output());
        assertThat(sftp.find()).as(daemon.process().output()).isTrue();
        ProcessBuilder pb = new ProcessBuilder("sshpass", "-e", "sftp", "-o", "BatchMode=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR", "-o", "PreferredAuthentications=password",
                "-o", "NumberOfPasswordPrompts=1", "-P", sftp.group(1), "-b", "-", login + "@127.0.0.1")
                .redirectErrorStream(true).redirectOutput(daemon.dir().resolve("ftp-login.out").toFile());
        pb.environment().put("SSHPASS", "old ftp password");
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write("pwd\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(daemon.dir().resolve("ftp-login.out"))).isZero();
    }

    @Test
    void importOfAFileThatIsNotJsonIsAUsageError() throws Exception {
        Path bad = daemon.dir().resolve("bad.json");
        Files.writeString(bad, "{ not json");
        Result r = ctl.run("state", "import", bad.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("not valid JSON");
        assertThat(ctl.run("state", "import", daemon.dir().resolve("absent.json").toString()).exit()).isEqualTo(ExitCode.NOT_FOUND);
    }

    // ------------------------------------------------------------------------------ exec / images / networks

    @Test
    void execRunsACommandInsideTheServerAndExitsWithItsExitCode() {
        runDetached("ex");
        Result r = ctl.run("exec", "ex", "sh", "-c", "echo inside; echo oops >&2; exit 3");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("inside\n");
        assertThat(r.err()).contains("oops");
        Result json = ctl.run("exec", "--json", "ex", "sh", "-c", "exit 4");
        assertThat(json.exit()).as(json.toString()).isEqualTo(4);
        assertThat(json.json().path("exitCode").asInt()).isEqualTo(4);
        assertThat(ok("exec", "-e", "GREETING=hej", "ex", "sh", "-c", "echo $GREETING").out()).isEqualTo("hej\n");
    }

    @Test
    void execWithIPassesStandardInputToTheCommandOverTheExecSocket() {
        runDetached("ex-i");
        Result r = okWithInput("echo from-stdin\nexit 0\n", "exec", "-i", "ex-i", "sh");
        assertThat(r.out()).contains("from-stdin");
    }

    @Test
    void execItGivesTheShellARealTerminalInRawModeResizedWithTheWindowAndExitsWithTheShellsCode() throws Exception {
        runDetached("ex-it");
        InteractiveShell.echoResizeAndExit(Map.of("RAPTOR_SOCKET", daemon.process().socket().toString()), "ex-it");
    }

    @Test
    void execOnAnOfflineServerIsAConflict() {
        ok("create", "--name", "ex-off", IMAGE);
        Result r = ctl.run("exec", "ex-off", "true");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.CONFLICT);
    }

    @Test
    void imagesListsTheTestImage() {
        assertThat(ok("images").out()).contains(IMAGE.substring(0, IMAGE.indexOf(':')));
    }

    @Test
    void networkCreateLsAndRmRoundTrip() {
        String name = "ctl-net-" + ThreadLocalRandom.current().nextInt(1_000_000);
        ok("network", "create", name);
        assertThat(ok("network", "ls").out()).contains(name);
        ok("network", "rm", name);
        assertThat(ok("network", "ls").out()).doesNotContain(name);
    }

    @Test
    void theNewVerbsExplainThemselves() {
        assertThat(ok("exec", "--help").out()).contains("--interactive").contains("--tty").contains("--timeout");
        assertThat(ok("images", "--help").out()).contains("Usage: raptorctl images");
        assertThat(ok("pull", "--help").out()).contains("IMAGE");
        assertThat(ok("commit", "--help").out()).contains("SERVER");
        assertThat(ok("network", "--help").out()).contains("create").contains("rm");
    }

    @Test
    void everyBackupVerbExplainsItself() {
        assertThat(ok("backup", "--help").out()).contains("Usage: raptorctl backup")
                .containsPattern("(?m)^  create +\\S").containsPattern("(?m)^  ls +\\S").containsPattern("(?m)^  restore +\\S")
                .containsPattern("(?m)^  rm +\\S").containsPattern("(?m)^  download +\\S").containsPattern("(?m)^  import +\\S");
        assertThat(ok("backup", "create", "--help").out()).contains("Usage: raptorctl backup create").contains("SERVER")
                .contains("--name").contains("--ignore");
        assertThat(ok("backup", "ls", "--help").out()).contains("Usage: raptorctl backup ls").contains("SERVER").contains("--json");
        assertThat(ok("backup", "restore", "--help").out()).contains("Usage: raptorctl backup restore").contains("SERVER")
                .contains("BACKUP").contains("--truncate");
        assertThat(ok("backup", "rm", "--help").out()).contains("Usage: raptorctl backup rm").contains("SERVER").contains("BACKUP");
        assertThat(ok("backup", "download", "--help").out()).contains("Usage: raptorctl backup download").contains("SERVER")
                .contains("BACKUP").contains("FILE").contains("SHA-256");
        assertThat(ok("backup", "import", "--help").out()).contains("Usage: raptorctl backup import").contains("FILE");
        assertThat(ok("update", "--help").out()).contains("--backup-schedule").contains("--no-backup-schedule");
        assertThat(ok("create", "--help").out()).contains("--backup-schedule");
        assertThat(ok("run", "--help").out()).contains("--backup-schedule");
        assertThat(ok("backup", "ls", "--help").out()).contains("nextBackupAt");
        assertThat(ctl.run("backup", "restore", "some-server").exit()).as("restore without its BACKUP").isEqualTo(ExitCode.USAGE);
    }

    // ------------------------------------------------------------------------------ completion / help

    @Test
    void completionPrintsScriptsForBashAndZsh() {
        assertThat(ok("completion", "bash").out()).contains("complete -F").contains("raptorctl");
        assertThat(ok("completion", "zsh").out()).startsWith("#compdef raptorctl").contains("bashcompinit");
        assertThat(ctl.run("completion", "fish").exit()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void helpAndVersionSucceed() {
        String help = ok("--help").out();
        assertThat(help).contains("Usage: raptorctl").contains("attach");
        for (String verb : List.of("exec", "images", "pull", "rmi", "image", "commit", "network")) {
            assertThat(help).as("--help lists " + verb).containsPattern("(?m)^  " + verb + " +\\S");
        }
        assertThat(ok("run", "--help").out()).contains("--publish").contains("--stop-timeout");
        assertThat(ok("--version").out()).startsWith("raptorctl");
    }

    // ------------------------------------------------------------------------------ exit codes

    @Test
    void usageErrorsExitWithTwo() {
        Result verb = ctl.run("frobnicate");
        assertThat(verb.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(verb.err()).contains("frobnicate");
        Result badSize = ctl.run("run", "-d", "-m", "lots", IMAGE);
        assertThat(badSize.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(badSize.err()).contains("not a size");
        Result badPort = ctl.run("create", "-p", "99999", IMAGE);
        assertThat(badPort.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(ctl.run("start").exit()).as("a verb without its SERVER").isEqualTo(ExitCode.USAGE);
        Result rejected = ctl.run("create", "--name", "tiny", "-m", "3m", IMAGE);
        assertThat(rejected.exit()).as("a spec the daemon rejects: " + rejected).isEqualTo(ExitCode.USAGE);
        assertThat(rejected.err()).contains("limits.memoryMiB");
    }

    @Test
    void anAmbiguousIdPrefixIsAUsageErrorListingTheCandidates() {
        String prefix = UUID.randomUUID().toString().substring(0, 6);
        String a = prefix + "aa-0000-4000-8000-000000000001";
        String b = prefix + "bb-0000-4000-8000-000000000002";
        ok("create", "--id", a, "--name", "amb-a", IMAGE);
        ok("create", "--id", b, "--name", "amb-b", IMAGE);
        Result r = ctl.run("inspect", prefix);
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("ambiguous").contains(a).contains(b);
        assertThat(ok("inspect", prefix + "a").json().path("name").asText()).isEqualTo("amb-a");
    }

    @Test
    void anUnknownServerExitsWithThree() {
        for (String[] args : List.of(new String[]{"inspect", "nope"}, new String[]{"start", "nope"}, new String[]{"logs", "nope"},
                new String[]{"inspect", UUID.randomUUID().toString()})) {
            Result r = ctl.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.NOT_FOUND);
            assertThat(r.err()).startsWith("Error: ");
        }
    }

    @Test
    void aPortConflictExitsWithFourAndNamesTheOtherServer() {
        int port = freePort();
        ok("create", "--name", "port-owner", "-p", "127.0.0.1:" + port + ":25565", IMAGE);
        Result r = ctl.run("create", "--name", "port-thief", "-p", "127.0.0.1:" + port + ":25565", IMAGE);
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.CONFLICT);
        assertThat(r.err()).contains("port-owner");
        ok("create", "--name", "port-other", "-p", "127.0.0.1:" + (port + 1) + ":25565", IMAGE);
        Result u = ctl.run("update", "port-other", "-p", "127.0.0.1:" + port + ":25565");
        assertThat(u.exit()).as(u.toString()).isEqualTo(ExitCode.CONFLICT);
    }

    @Test
    void aSocketNobodyListensOnExitsWithFive() throws Exception {
        Path stale = daemon.dir().resolve("stale.sock");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(stale));
        s.close();
        Result r = Raptorctl.withEnv(Map.of("RAPTOR_SOCKET", stale.toString())).run("ps");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(r.err()).contains("cannot reach the daemon").contains(stale.toString());
        Result missing = ctl.run("--socket", daemon.dir().resolve("missing.sock").toString(), "ps");
        assertThat(missing.exit()).isEqualTo(ExitCode.UNREACHABLE);
        Result tcp = Raptorctl.withEnv(Map.of()).run("--host", "http://127.0.0.1:" + freeTcpPort(), "ps");
        assertThat(tcp.exit()).as(tcp.toString()).isEqualTo(ExitCode.UNREACHABLE);
    }

    private static int freeTcpPort() throws Exception {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ------------------------------------------------------------------------------ TCP

    @Test
    void overTcpTheApiKeyIsNeeded() {
        ok("create", "--name", "over-tcp", IMAGE);
        String host = "http://127.0.0.1:" + daemon.process().port();
        Result withKey = Raptorctl.withEnv(Map.of("RAPTOR_API_KEY", daemon.process().apiKey())).run("--host", host, "ps", "-a");
        assertThat(withKey.exit()).as(withKey.toString()).isZero();
        assertThat(withKey.out()).contains("over-tcp");
        Result flag = Raptorctl.withEnv(Map.of()).run("--host", host, "--api-key", daemon.process().apiKey(), "inspect", "over-tcp");
        assertThat(flag.exit()).as(flag.toString()).isZero();

        Result without = Raptorctl.withEnv(Map.of()).run("--host", host, "ps");
        assertThat(without.exit()).as(without.toString()).isEqualTo(ExitCode.FAILURE);
        assertThat(without.err()).containsIgnoringCase("auth");
    }

    @Test
    void sftpUserAddListsAndRemovesAUserWithAPasswordFromStandardInput() {
        ok("create", "--name", "sftp-cli", IMAGE);
        String shortId = inspect("sftp-cli").path("id").asText().substring(0, 8);

        Result added = okWithInput("correct horse battery staple\n", "sftp-user", "add", "--password-stdin", "--perm", "read,write",
                "sftp-cli", "builder");
        Result listed = ok("sftp-user", "ls", "sftp-cli");
        Result removed = ok("sftp-user", "rm", "sftp-cli", "builder");
        Result gone = ctl.run("sftp-user", "rm", "sftp-cli", "builder");

        assertThat(added.out().strip()).isEqualTo("builder." + shortId);
        assertThat(listed.out()).contains("builder." + shortId).contains("read,write").contains("never");
        assertThat(listed.out()).doesNotContain("correct horse");
        assertThat(removed.out()).contains("deleted builder");
        assertThat(gone.exit()).as(gone.toString()).isEqualTo(3);
        assertThat(ok("sftp-user", "ls", "sftp-cli").out()).doesNotContain("builder");
    }
}
