package dev.o2c.infra.cassandra;

import com.datastax.oss.driver.api.core.cql.PagingState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The page tokens of lists read from Cassandra: the driver's safe paging state (bound to its query
 * and values, so a token of another list is refused) with a check of its own bytes appended, so a
 * token changed anywhere — even a character the driver would not notice — is refused too. Opening
 * a token that is not one of ours throws {@link IllegalArgumentException} (the routes answer 400).
 */
public final class PageTokens {

  private static final int CHECK_LENGTH = 16;

  private PageTokens() {}

  public static String seal(PagingState state) {
    String raw = state.toString();
    return raw + "." + check(raw);
  }

  public static PagingState open(String token) {
    int dot = token == null ? -1 : token.lastIndexOf('.');
    if (dot <= 0 || !token.substring(dot + 1).equals(check(token.substring(0, dot)))) {
      throw new IllegalArgumentException("not a page token of this list");
    }
    try {
      return PagingState.fromString(token.substring(0, dot));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a page token of this list", e);
    }
  }

  private static String check(String raw) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, CHECK_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
