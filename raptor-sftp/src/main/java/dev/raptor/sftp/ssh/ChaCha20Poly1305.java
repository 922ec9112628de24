package dev.raptor.sftp.ssh;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.Cipher;

import javax.crypto.AEADBadTagException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * OpenSSH's {@code chacha20-poly1305@openssh.com} (PROTOCOL.chacha20poly1305) with the JDK's ChaCha20, for MINA.
 * OpenSSH's own client asks for this cipher first, and MINA's implementation computes ChaCha20 one 64-byte block
 * at a time in plain Java: about 260 MiB/s of CPU here, most of the daemon's time in a transfer. The JDK's
 * {@code ChaCha20} cipher is an intrinsic (several blocks per step with vector instructions); the MAC is our
 * {@link Poly1305}.
 *
 * <p>The construction: a 64-byte key, the first half for the packet body, the second for the 4-byte length; the
 * nonce is the packet's sequence number. The length is encrypted with the second key at block counter 0; the body
 * with the first key from block counter 1; the first 32 bytes of the first key's block 0 are the packet's
 * Poly1305 key, and the tag covers the encrypted length and the encrypted body. OpenSSH's ChaCha20 is the
 * original one (64-bit counter, 64-bit nonce); as a packet never needs 2^32 blocks, it is the JDK's RFC 8439
 * ChaCha20 with the 96-bit nonce {@code 0 (4 bytes) || 0 (4 bytes) || sequence number (4 bytes, big-endian)}.
 * Both JDK ciphers run in decrypt mode, which is the same XOR as encrypting but lets one key and nonce serve the
 * key-stream block 0 and the body (the JDK refuses to encrypt twice with one key and nonce, a guard meant for
 * AEAD use that this construction, by design, does not need).
 */
final class ChaCha20Poly1305 implements Cipher {
    static final String NAME = "chacha20-poly1305@openssh.com";
    /** For {@code SshServer.setCipherFactories}, in place of MINA's built-in one of the same name. */
    static final NamedFactory<Cipher> FACTORY = new NamedFactory<>() {
        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public Cipher create() {
            return new ChaCha20Poly1305();
        }
    };

    private static final byte[] ZERO_BLOCK = new byte[64];

    private final javax.crypto.Cipher header;
    private final javax.crypto.Cipher body;
    private final Poly1305 poly = new Poly1305();
    private final byte[] block0 = new byte[64];
    private final byte[] tag = new byte[Poly1305.TAG_BYTES];
    private final byte[] nonce = new byte[12];
    private SecretKeySpec bodyKey;
    private SecretKeySpec headerKey;
    private Mode mode;
    private long initialSequence;
    private long sequence;

    ChaCha20Poly1305() {
        try {
            header = javax.crypto.Cipher.getInstance("ChaCha20");
            body = javax.crypto.Cipher.getInstance("ChaCha20");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no ChaCha20", e);
        }
    }

    @Override
    public String getAlgorithm() {
        // MINA's session sets the IV to the packet sequence number for ciphers whose algorithm starts with "ChaCha"
        return "ChaCha20";
    }

    @Override
    public String getTransformation() {
        return "ChaCha20";
    }

    @Override
    public int getIVSize() {
        return 8;
    }

    @Override
    public int getAuthenticationTagSize() {
        return Poly1305.TAG_BYTES;
    }

    @Override
    public int getCipherBlockSize() {
        return 8;
    }

    @Override
    public int getKdfSize() {
        return 64;
    }

    @Override
    public int getKeySize() {
        return 512;
    }

    @Override
    public void init(Mode mode, byte[] key, byte[] iv) throws Exception {
        if (key.length < 64 || iv.length < 8) {
            throw new IllegalArgumentException("chacha20-poly1305 needs a 64-byte key and an 8-byte sequence number");
        }
        if (iv[0] != 0 || iv[1] != 0 || iv[2] != 0 || iv[3] != 0) {
            throw new IllegalArgumentException("the ChaCha20 nonce is not an SSH packet sequence number");
        }
        this.mode = mode;
        bodyKey = new SecretKeySpec(key, 0, 32, "ChaCha20");
        headerKey = new SecretKeySpec(key, 32, 32, "ChaCha20");
        initialSequence = ((iv[4] & 0xffL) << 24) | ((iv[5] & 0xff) << 16) | ((iv[6] & 0xff) << 8) | (iv[7] & 0xff);
        sequence = initialSequence;
        startPacket();
    }

    /** Sets both key streams to the current sequence number and takes the packet's Poly1305 key. */
    private void startPacket() throws GeneralSecurityException {
        nonce[8] = (byte) (sequence >>> 24);
        nonce[9] = (byte) (sequence >>> 16);
        nonce[10] = (byte) (sequence >>> 8);
        nonce[11] = (byte) sequence;
        header.init(javax.crypto.Cipher.DECRYPT_MODE, headerKey, new ChaCha20ParameterSpec(nonce, 0));
        body.init(javax.crypto.Cipher.DECRYPT_MODE, bodyKey, new ChaCha20ParameterSpec(nonce, 0));
        crypt(body, ZERO_BLOCK, 0, 64, block0); // block 0: the Poly1305 key; the body then starts at block 1
        poly.init(block0, 0);
        Arrays.fill(block0, (byte) 0);
    }

    /** The packet length (4 bytes, in place): decrypted, or encrypted, and authenticated as it is on the wire. */
    @Override
    public void updateAAD(byte[] data, int offset, int length) throws Exception {
        if (mode == null) {
            throw new IllegalStateException("cipher not initialized");
        }
        if (length != 4) {
            throw new IllegalArgumentException("the additional data of chacha20-poly1305 is the 4-byte packet length");
        }
        if (mode == Mode.Decrypt) {
            poly.update(data, offset, length);
        }
        crypt(header, data, offset, length, data);
        if (mode == Mode.Encrypt) {
            poly.update(data, offset, length);
        }
    }

    /**
     * The packet body (in place). Decrypting checks the tag that follows it first; encrypting writes the tag after
     * it.
     */
    @Override
    public void update(byte[] input, int offset, int length) throws Exception {
        if (mode == null) {
            throw new IllegalStateException("cipher not initialized");
        }
        if (mode == Mode.Decrypt) {
            poly.update(input, offset, length);
            poly.finish(tag, 0);
            int diff = 0; // in constant time
            for (int i = 0; i < tag.length; i++) {
                diff |= tag[i] ^ input[offset + length + i];
            }
            if (diff != 0) {
                throw new AEADBadTagException("chacha20-poly1305: tag mismatch");
            }
            crypt(body, input, offset, length, input);
        } else {
            crypt(body, input, offset, length, input);
            poly.update(input, offset, length);
            poly.finish(input, offset + length);
        }
        sequence = (sequence + 1) & 0xffff_ffffL;
        if (sequence == initialSequence) {
            throw new IllegalStateException("packet sequence number cannot be reused with the same key");
        }
        startPacket();
    }

    private static void crypt(javax.crypto.Cipher c, byte[] in, int offset, int length, byte[] out)
            throws ShortBufferException {
        int outOffset = in == out ? offset : 0;
        int n = c.update(in, offset, length, out, outOffset);
        if (n != length) {
            throw new IllegalStateException("ChaCha20 returned " + n + " of " + length + " bytes");
        }
    }

    @Override
    public String toString() {
        return NAME;
    }
}
