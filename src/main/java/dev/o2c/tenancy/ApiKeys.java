package dev.o2c.tenancy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys and the tenants they belong to ({@code o2c.tenants} in config/o2c.conf), read once at
 * start-up. Keys are held as SHA-256 digests (configured as the secret or as its digest,
 * {@code key-sha256}), so the lookup of a presented key does not compare secrets character by
 * character and the server's memory holds no secret.
 */
public final class ApiKeys {

  /** Tenant ids are part of every entity id: short, lower case, no separators. */
  public static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  private static final int MIN_KEY_LENGTH = 8;

  /**
   * A configured key: its digest, whom it stands for (with its roles), how many requests it may
   * make, and how many all keys of its tenant together may make.
   */
  public record Key(String digest, Caller caller, RateLimit limit, RateLimit tenantLimit) {}

  private final Map<String, Key> keysByDigest;
  private final Map<String, String> displayNames;

  private ApiKeys(Map<String, Key> keysByDigest, Map<String, String> displayNames) {
    this.keysByDigest = Map.copyOf(keysByDigest);
    this.displayNames = Map.copyOf(displayNames);
  }

  /** Reads o2c.tenants; a malformed tenant id, a short or a duplicated key stops the start. */
  public static ApiKeys fromConfig(Config config) {
    ConfigObject tenants = config.getObject("o2c.tenants");
    RateLimit defaultLimit = RateLimit.fromConfig(config.getConfig("o2c.http.rate-limit"));
    RateLimit defaultTenantLimit = config.hasPath("o2c.http.tenant-rate-limit")
        ? RateLimit.fromConfig(config.getConfig("o2c.http.tenant-rate-limit")) : defaultLimit;
    Map<String, Key> callers = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    for (String tenantId : tenants.keySet()) {
      if (!TENANT_ID.matcher(tenantId).matches()) {
        throw new IllegalArgumentException(
            "Tenant id '" + tenantId + "' in o2c.tenants must be 1-32 lower-case letters, digits or '-'");
      }
      Config tenant = tenants.toConfig().getConfig(tenantId);
      names.put(tenantId, tenant.hasPath("display-name") ? tenant.getString("display-name") : tenantId);
      RateLimit tenantLimit = tenant.hasPath("rate-limit") ? RateLimit.fromConfig(tenant.getConfig("rate-limit")) : defaultTenantLimit;
      for (Config key : tenant.getConfigList("api-keys")) {
        Caller caller = new Caller(tenantId, key.getString("principal"), roles(tenantId, key));
        RateLimit limit = key.hasPath("rate-limit") ? RateLimit.fromConfig(key.getConfig("rate-limit")) : defaultLimit;
        String digest = configuredDigest(tenantId, key);
        if (callers.putIfAbsent(digest, new Key(digest, caller, limit, tenantLimit)) != null) {
          throw new IllegalArgumentException("An API key of tenant '" + tenantId + "' is configured twice");
        }
      }
    }
    return new ApiKeys(callers, names);
  }

  /** The roles of a key: {@code roles = [orders, finance]}, at least one; a key without them stops the start. */
  private static java.util.Set<Role> roles(String tenantId, Config key) {
    if (!key.hasPath("roles") || key.getStringList("roles").isEmpty()) {
      throw new IllegalArgumentException("An API key of tenant '" + tenantId + "' (principal '" + key.getString("principal")
          + "') has no roles: give it roles = [read | orders | finance | admin, ...]");
    }
    java.util.Set<Role> roles = java.util.EnumSet.noneOf(Role.class);
    for (String name : key.getStringList("roles")) {
      roles.add(Role.parse(name));
    }
    return roles;
  }

  /**
   * The digest of a configured key: from {@code key-sha256} (the hex SHA-256 of the key, so that
   * the configuration never holds the secret), or of {@code key} (the secret itself, e.g. from the
   * environment). Exactly one of them.
   */
  private static String configuredDigest(String tenantId, Config key) {
    boolean plain = key.hasPath("key");
    boolean hashed = key.hasPath("key-sha256");
    if (plain == hashed) {
      throw new IllegalArgumentException("An API key of tenant '" + tenantId + "' (principal '" + key.getString("principal")
          + "') needs exactly one of key (the secret) and key-sha256 (its SHA-256 in hex)");
    }
    if (hashed) {
      String hex = key.getString("key-sha256").strip().toLowerCase(java.util.Locale.ROOT);
      if (!hex.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("key-sha256 of an API key of tenant '" + tenantId + "' must be 64 hex digits");
      }
      return hex;
    }
    String secret = key.getString("key");
    if (secret.length() < MIN_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "An API key of tenant '" + tenantId + "' is shorter than " + MIN_KEY_LENGTH + " characters");
    }
    return digest(secret);
  }

  /** The caller a presented key stands for, if any. */
  public Optional<Caller> lookup(String presentedKey) {
    return find(presentedKey).map(Key::caller);
  }

  /** The configured key a presented key is, if any. */
  public Optional<Key> find(String presentedKey) {
    if (presentedKey == null || presentedKey.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(keysByDigest.get(digest(presentedKey)));
  }

  public boolean hasTenant(String tenantId) {
    return displayNames.containsKey(tenantId);
  }

  private static String digest(String key) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
