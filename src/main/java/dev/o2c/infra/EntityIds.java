package dev.o2c.infra;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Entity ids scoped by tenant, and the ids the server makes.
 *
 * <p>Every sharded entity's id is {@code <tenant>:<id>}: a request of one tenant can only ever
 * reach that tenant's entities, and another tenant's id simply does not exist for it (404). An id
 * made from an Idempotency-Key is a digest of tenant, scope and key, so that a retry reaches the
 * same entity, which recognises the retry itself, with no separate key store.
 */
public final class EntityIds {

  /** Ids a client may choose (customer ids) and the server's own: letters, digits, '.', '_', '-'. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** Between tenant and id; never part of either ('|' is reserved by Pekko Persistence). */
  private static final char SEPARATOR = ':';
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private EntityIds() {}

  public static String entityId(String tenantId, String id) {
    return tenantId + SEPARATOR + id;
  }

  public static String tenantOf(String entityId) {
    int at = entityId.indexOf(SEPARATOR);
    if (at <= 0) {
      throw new IllegalArgumentException("Not a tenant-scoped entity id: " + entityId);
    }
    return entityId.substring(0, at);
  }

  public static String idOf(String entityId) {
    return entityId.substring(entityId.indexOf(SEPARATOR) + 1);
  }

  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** A new random id such as {@code ord_k3v9...} (128 random bits). */
  public static String random(String prefix) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return prefix + "_" + base32(bytes);
  }

  /** The id a tenant's Idempotency-Key stands for within a scope (orders, customers, ...). */
  public static String derived(String prefix, String tenantId, String scope, String idempotencyKey) {
    byte[] digest = sha256(tenantId + '\n' + scope + '\n' + idempotencyKey);
    byte[] first = new byte[16];
    System.arraycopy(digest, 0, first, 0, first.length);
    return prefix + "_" + base32(first);
  }

  /** SHA-256 of a string, in lower-case hex: request fingerprints. */
  public static String sha256Hex(String text) {
    StringBuilder hex = new StringBuilder(64);
    for (byte b : sha256(text)) {
      hex.append(String.format(Locale.ROOT, "%02x", b));
    }
    return hex.toString();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }
}
