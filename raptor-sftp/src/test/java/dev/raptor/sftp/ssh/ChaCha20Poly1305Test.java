package dev.raptor.sftp.ssh;

import org.apache.sshd.common.cipher.ChaCha20Cipher;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.server.SshServer;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Raptor's {@code chacha20-poly1305@openssh.com} against independent implementations: Poly1305 against RFC 8439's
 * vector and BouncyCastle's, the cipher against MINA's own (pure Java) one in both directions. The real OpenSSH
 * client speaks it in {@code OpenSshSftpTest}.
 */
class ChaCha20Poly1305Test {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] tag(byte[] key, byte[] message, int... splits) {
        Poly1305 p = new Poly1305();
        p.init(key, 0);
        int at = 0;
        for (int s : splits) {
            p.update(message, at, s - at);
            at = s;
        }
        p.update(message, at, message.length - at);
        byte[] out = new byte[16];
        p.finish(out, 0);
        return out;
    }

    private static byte[] bouncyCastleTag(byte[] key, byte[] message) {
        org.bouncycastle.crypto.macs.Poly1305 bc = new org.bouncycastle.crypto.macs.Poly1305();
        bc.init(new KeyParameter(key));
        bc.update(message, 0, message.length);
        byte[] out = new byte[16];
        bc.doFinal(out, 0);
        return out;
    }

    @Test
    void poly1305GivesTheTagOfRfc8439() {
        byte[] key = HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] message = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);

        assertThat(HEX.formatHex(tag(key, message))).isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
        assertThat(HEX.formatHex(tag(key, message, 1, 3, 20, 33))).isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
    }

    @Test
    void poly1305AgreesWithBouncyCastleOnRandomKeysAndLengthsHoweverTheMessageIsSplit() {
        Random random = new Random(1305);
        for (int i = 0; i < 2000; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            byte[] message = new byte[random.nextInt(600)];
            random.nextBytes(message);
            int split = message.length == 0 ? 0 : random.nextInt(message.length + 1);

            assertThat(tag(key, message, split)).as("key %s, %d bytes", HEX.formatHex(key), message.length)
                    .isEqualTo(bouncyCastleTag(key, message));
        }
    }

    @Test
    void poly1305CarriesRightWhenEveryBitIsSet() {
        // all-ones keys and messages push every addition and product to its carries and the final reduction
        for (int length : new int[]{0, 1, 15, 16, 17, 32, 64, 1000, 32768}) {
            byte[] key = new byte[32];
            Arrays.fill(key, (byte) 0xff);
            byte[] message = new byte[length];
            Arrays.fill(message, (byte) 0xff);
            assertThat(tag(key, message)).as("%d bytes", length).isEqualTo(bouncyCastleTag(key, message));
            Arrays.fill(key, 0, 16, (byte) 0xff);
            Arrays.fill(key, 16, 32, (byte) 0);
            assertThat(tag(key, message)).as("%d bytes, s = 0", length).isEqualTo(bouncyCastleTag(key, message));
        }
    }

    /** One SSH packet as the session hands it over: 4 length bytes, the body, room for the tag. */
    private static byte[] packet(Random random, int bodyLength) {
        byte[] p = new byte[4 + bodyLength + 16];
        p[0] = (byte) (bodyLength >>> 24);
        p[1] = (byte) (bodyLength >>> 16);
        p[2] = (byte) (bodyLength >>> 8);
        p[3] = (byte) bodyLength;
        byte[] body = new byte[bodyLength];
        random.nextBytes(body);
        System.arraycopy(body, 0, p, 4, bodyLength);
        return p;
    }

    private static void seal(Cipher c, byte[] p) throws Exception {
        c.updateAAD(p, 0, 4);
        c.update(p, 4, p.length - 20);
    }

    private static void open(Cipher c, byte[] p) throws Exception {
        c.updateAAD(p, 0, 4);
        c.update(p, 4, p.length - 20);
    }

    private static void roundTrip(Cipher sender, Cipher receiver, long seed) throws Exception {
        Random random = new Random(seed);
        byte[] key = new byte[64];
        random.nextBytes(key);
        byte[] iv = {0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0}; // wraps past 2^32 - 1
        sender.init(Cipher.Mode.Encrypt, key, iv);
        receiver.init(Cipher.Mode.Decrypt, key, iv);
        for (int i = 0; i < 200; i++) {
            int length = 8 * (1 + random.nextInt(i % 10 == 0 ? 4200 : 40)); // up to 33,600 bytes, block multiples
            byte[] sent = packet(random, length);
            byte[] wire = sent.clone();
            seal(sender, wire);
            assertThat(Arrays.copyOfRange(wire, 4, 4 + length)).isNotEqualTo(Arrays.copyOfRange(sent, 4, 4 + length));
            byte[] got = wire.clone();
            open(receiver, got);
            assertThat(Arrays.copyOfRange(got, 0, 4 + length)).as("packet %d", i).isEqualTo(Arrays.copyOfRange(sent, 0, 4 + length));
        }
    }

    @Test
    void whatRaptorSealsMinasCipherOpens() throws Exception {
        roundTrip(new ChaCha20Poly1305(), new ChaCha20Cipher(), 1);
    }

    @Test
    void whatMinasCipherSealsRaptorOpens() throws Exception {
        roundTrip(new ChaCha20Cipher(), new ChaCha20Poly1305(), 2);
    }

    @Test
    void aPacketChangedOnTheWayIsRefused() throws Exception {
        Random random = new Random(3);
        byte[] key = new byte[64];
        random.nextBytes(key);
        byte[] iv = new byte[8];
        for (int flip : new int[]{0, 3, 4, 40, 4 + 64 + 15}) {
            ChaCha20Poly1305 sender = new ChaCha20Poly1305();
            ChaCha20Poly1305 receiver = new ChaCha20Poly1305();
            sender.init(Cipher.Mode.Encrypt, key, iv);
            receiver.init(Cipher.Mode.Decrypt, key, iv);
            byte[] p = packet(random, 64);
            seal(sender, p);
            p[flip] ^= 1;
            assertThatThrownBy(() -> open(receiver, p)).as("bit flipped at %d", flip).isInstanceOf(AEADBadTagException.class);
        }
    }

    @Test
    void theServerOffersItInPlaceOfMinasBuiltInOne() {
        var offered = SftpServer.ciphers(SshServer.setUpDefaultServer().getCipherFactories());

        assertThat(offered).filteredOn(f -> f.getName().equals("chacha20-poly1305@openssh.com"))
                .singleElement().satisfies(f -> assertThat(f.create()).isInstanceOf(ChaCha20Poly1305.class));
        assertThat(offered).extracting(f -> f.getName()).containsExactlyInAnyOrderElementsOf(SftpServer.CIPHERS);
    }
}
