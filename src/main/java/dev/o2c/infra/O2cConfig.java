package dev.o2c.infra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the server's configuration once, at start-up: config/application.conf (packaged on the
 * classpath) or the file named by -Dconfig.file, system properties on top, reference.conf files
 * underneath.
 */
public final class O2cConfig {

  private O2cConfig() {}

  /** The configuration as shipped, with -Dconfig.file and system properties applied. */
  public static Config load() {
    return load(ConfigFactory.empty());
  }

  /**
   * The configuration with {@code overrides} on top, resolved after merging so that values
   * derived by substitution (the journal's keyspace from o2c.cassandra.keyspace, say) follow.
   */
  public static Config load(Config overrides) {
    ConfigFactory.invalidateCaches();
    Config application = overrides.withFallback(ConfigFactory.defaultApplication());
    if (profile(overrides).equals(DEVELOPMENT)) {
      application = application.withFallback(ConfigFactory.parseResources("development.conf"));
    }
    return ConfigFactory.load(application);
  }

  public static final String DEVELOPMENT = "development";
  public static final String PRODUCTION = "production";

  /**
   * The profile: {@code o2c.profile} (in the overrides, as a system property, or O2C_PROFILE) if
   * set; otherwise production when a configuration file of one's own is given (-Dconfig.file,
   * -Dconfig.resource, -Dconfig.url: the production recipe) and development when not (./run.sh).
   * Only the development profile loads development.conf, with the development tenant and its
   * published key, so a production file that includes application.conf never has them.
   */
  public static String profile(Config overrides) {
    String chosen = overrides.hasPath("o2c.profile") ? overrides.getString("o2c.profile")
        : System.getProperty("o2c.profile", System.getenv("O2C_PROFILE"));
    if (chosen == null || chosen.isBlank()) {
      boolean ownFile = System.getProperty("config.file") != null || System.getProperty("config.resource") != null
          || System.getProperty("config.url") != null;
      return ownFile ? PRODUCTION : DEVELOPMENT;
    }
    String profile = chosen.strip().toLowerCase(java.util.Locale.ROOT);
    if (!profile.equals(DEVELOPMENT) && !profile.equals(PRODUCTION)) {
      throw new IllegalArgumentException("o2c.profile (O2C_PROFILE) must be development or production, got '" + chosen + "'");
    }
    return profile;
  }

  /**
   * The configuration the ActorSystem runs with: the Cassandra driver pointed at
   * {@code contactPoints}, credentials when configured, and the seed nodes of
   * o2c.cluster.seed-nodes. Settings that are lists in Pekko but single strings in the
   * environment are translated here.
   */
  public static Config forActorSystem(Config config, List<String> contactPoints) {
    Config result =
        config.withValue("datastax-java-driver.basic.contact-points", ConfigValueFactory.fromIterable(contactPoints));
    String username = config.getString("o2c.cassandra.username");
    if (!username.isBlank()) {
      result =
          result
              .withValue("datastax-java-driver.advanced.auth-provider.class", ConfigValueFactory.fromAnyRef("PlainTextAuthProvider"))
              .withValue("datastax-java-driver.advanced.auth-provider.username", ConfigValueFactory.fromAnyRef(username))
              .withValue(
                  "datastax-java-driver.advanced.auth-provider.password",
                  ConfigValueFactory.fromAnyRef(config.getString("o2c.cassandra.password")));
    }
    List<String> seeds = seedNodes(config.getString("o2c.cluster.seed-nodes"));
    if (!seeds.isEmpty()) {
      result = result.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    }
    return result;
  }

  /** Comma-separated seed node addresses as a list; each must be a pekko:// address. */
  public static List<String> seedNodes(String csv) {
    List<String> seeds = Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String seed : seeds) {
      if (!seed.startsWith("pekko://")) {
        throw new IllegalArgumentException(
            "o2c.cluster.seed-nodes (O2C_SEED_NODES) must be pekko://<system>@host:port addresses, got '" + seed + "'");
      }
    }
    return seeds;
  }
}
