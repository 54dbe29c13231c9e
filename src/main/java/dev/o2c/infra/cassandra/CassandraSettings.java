package dev.o2c.infra.cassandra;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Where the server's Cassandra is and how its schema is managed ({@code o2c.cassandra}). */
public record CassandraSettings(
    List<String> contactPoints,
    String keyspace,
    String replication,
    ApplySchema applySchema,
    String username,
    String password,
    EmbeddedCassandraSettings embedded) {

  /** When the server applies the DDL of config/cql at start. */
  public enum ApplySchema {
    /** To the embedded node only. */
    AUTO,
    /** Also to an external cluster. */
    ON,
    /** Never: the schema is managed outside the server. */
    OFF
  }

  private static final Pattern KEYSPACE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");
  private static final Pattern HOST_PORT = Pattern.compile("([^:\\s]+)(?::(\\d{1,5}))?");

  public static CassandraSettings fromConfig(Config config) {
    Config c = config.getConfig("o2c.cassandra");
    String keyspace = c.getString("keyspace");
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new IllegalArgumentException(
          "o2c.cassandra.keyspace must be a letter followed by up to 47 letters, digits or '_', got '" + keyspace + "'");
    }
    ApplySchema apply;
    try {
      apply = ApplySchema.valueOf(c.getString("apply-schema").trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "o2c.cassandra.apply-schema must be auto, on or off, got '" + c.getString("apply-schema") + "'", e);
    }
    return new CassandraSettings(
        parseContactPoints(c.getString("contact-points")),
        keyspace,
        c.getString("replication"),
        apply,
        c.getString("username"),
        c.getString("password"),
        EmbeddedCassandraSettings.fromConfig(c.getConfig("embedded")));
  }

  /** "host:port,host:port" (port 9042 when left out) as a list of "host:port"; blank is empty. */
  public static List<String> parseContactPoints(String csv) {
    List<String> points = new ArrayList<>();
    for (String raw : csv.split(",")) {
      String point = raw.trim();
      if (point.isEmpty()) {
        continue;
      }
      var matcher = HOST_PORT.matcher(point);
      if (!matcher.matches()) {
        throw new IllegalArgumentException(
            "o2c.cassandra.contact-points (O2C_CASSANDRA_CONTACT_POINTS) must be host:port,host:port,... but '"
                + point
                + "' is not a host:port");
      }
      int port = matcher.group(2) == null ? 9042 : Integer.parseInt(matcher.group(2));
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("Contact point '" + point + "' has no valid port (1-65535)");
      }
      points.add(matcher.group(1) + ":" + port);
    }
    return List.copyOf(points);
  }

  /** True when no contact points are configured: the server starts its own node. */
  public boolean embeddedNode() {
    return contactPoints.isEmpty();
  }

  public boolean shouldApplySchema() {
    return applySchema == ApplySchema.ON || (applySchema == ApplySchema.AUTO && embeddedNode());
  }

  public CassandraSettings withApplySchema(ApplySchema value) {
    return new CassandraSettings(contactPoints, keyspace, replication, value, username, password, embedded);
  }
}
